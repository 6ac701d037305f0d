#!/usr/bin/env bash
# name: stores/sqlite_conflicts
# description: analyze and a dry run count the conflicts with a target that already holds some keys with
#   other documents; then skip (the default) keeps
#   them, overwrite replaces them, merge deep-merges them (prefer source or target), fail stops with
#   CONFLICT (exit 75), ask asks on a terminal (refused without one); conflicts are counted in the
#   report; equal documents are not conflicts.
# group: e2e
source "$(dirname "$0")/../lib.sh"
"$FERRY" generate workouts --count 400 --seed 52 --scenario all-valid --output in.jsonl > /dev/null
"$FERRY" run -q --state clean.db --project "$PROJECT" --source in.jsonl --target expected.jsonl > /dev/null
prepare() {  # a target with 3 different documents and 2 equal ones
  rm -f "$1"
  python3 - "$1" <<'PY'
import json, sqlite3, sys
exp = [l.rstrip("\n") for l in open("expected.jsonl")]
db = sqlite3.connect(sys.argv[1])
db.execute("CREATE TABLE workouts (key TEXT PRIMARY KEY, version TEXT, document TEXT NOT NULL, updated_at TEXT)")
for line in exp[:3]:
    d = json.loads(line)
    db.execute("INSERT INTO workouts VALUES (?, 'x', ?, 'old')", (d["id"], json.dumps({"id": d["id"], "name": "KEEP", "extra": 1})))
for line in exp[3:5]:
    d = json.loads(line)
    db.execute("INSERT INTO workouts VALUES (?, 'unified-1', ?, 'old')", (d["id"], line))
db.commit()
PY
}
check() {  # check DB POLICY
  python3 - "$@" <<'PY'
import json, sqlite3, sys
db, policy = sys.argv[1], sys.argv[2]
exp = [json.loads(l) for l in open("expected.jsonl")]
rows = {k: json.loads(d) for k, d in sqlite3.connect(db).execute("SELECT key, document FROM workouts")}
assert len(rows) == len(exp), (len(rows), len(exp))
for d in exp[:3]:
    got = rows[d["id"]]
    if policy == "skip": assert got == {"id": d["id"], "name": "KEEP", "extra": 1}, got
    if policy == "overwrite": assert got == d, got
    if policy == "merge-source": assert got == {**d, "extra": 1}, got
    if policy == "merge-target": assert got == {**d, "name": "KEEP", "extra": 1}, got
for d in exp[3:]:
    assert rows[d["id"]] == d
r = json.load(open(db + ".json"))
assert r["conflicts"] == 3, r["conflicts"]
PY
}
# Analyze and a dry run count the conflicts before anything changes.
prepare probe.db
"$FERRY" analyze -q --json --project "$PROJECT" --source in.jsonl --target sqlite:probe.db > analyze.json
"$FERRY" run -q --dry-run --json --project "$PROJECT" --source in.jsonl --target sqlite:probe.db > dry.json
python3 -c "
import json
a, d = json.load(open('analyze.json')), json.load(open('dry.json'))
assert a['conflicts'] == 3, a
assert d['conflicts'] == 3, d"
for policy in skip overwrite merge-source merge-target; do
  prepare "$policy.db"
  case $policy in
    merge-*) args=(--on-conflict merge --prefer "${policy#merge-}") ;;
    skip) args=() ;;
    *) args=(--on-conflict "$policy") ;;
  esac
  "$FERRY" run -q --project "$PROJECT" --source in.jsonl --target "sqlite:$policy.db" "${args[@]}" --json \
    > "$policy.db.json" || fail "$policy run failed"
  check "$policy.db" "$policy" || fail "policy $policy"
done
# ask: refused without a terminal; on a terminal (script(1) gives one) the answers decide:
# skip the first conflict, overwrite the second, merge the rest (M = merge all).
prepare ask.db
expect_exit 2 "$FERRY" run -q --project "$PROJECT" --source in.jsonl --target sqlite:ask.db --on-conflict ask \
  < /dev/null 2> ask.err
grep -q "needs a terminal" ask.err || fail "ask without a terminal: $(cat ask.err)"
printf 's\no\nM\n' | script -qec "$FERRY run -q --project $PROJECT --source in.jsonl --target sqlite:ask.db \
  --on-conflict ask --json > ask.db.json" /dev/null > ask.tty
[ "$(grep -c 'Conflict: key' ask.tty)" = 3 ] || fail "expected 3 questions: $(cat ask.tty)"
python3 - <<'PY'
import json, sqlite3
exp = [json.loads(l) for l in open("expected.jsonl")]
rows = {k: json.loads(d) for k, d in sqlite3.connect("ask.db").execute("SELECT key, document FROM workouts")}
a, b, c = exp[0], exp[1], exp[2]
assert rows[a["id"]] == {"id": a["id"], "name": "KEEP", "extra": 1}, rows[a["id"]]   # skipped
assert rows[b["id"]] == b, rows[b["id"]]                                            # overwritten
assert rows[c["id"]] == {**c, "extra": 1}, rows[c["id"]]                            # merged
assert json.load(open("ask.db.json"))["conflicts"] == 3
PY
prepare fail.db
expect_exit 75 "$FERRY" run -q --project "$PROJECT" --source in.jsonl --target sqlite:fail.db --on-conflict fail \
  > /dev/null 2> fail.err
grep -q "CONFLICT" fail.err || fail "no CONFLICT error: $(cat fail.err)"
echo PASS
