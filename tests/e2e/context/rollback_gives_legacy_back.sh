#!/usr/bin/env bash
# name: context/rollback_gives_legacy_back
# description: a context store's own SQLite table holding mixed context-1/context-2 records (seed 9, 2000) is
#   migrated in place with the context-store example, without a backup, so that going back must use the
#   complements and the backward steps; `ferry rollback --yes` gives every context-1 record back byte for
#   byte (tag string, snake_case keys, meta) and leaves the context-2 records as they were.
# group: e2e
source "$(dirname "$0")/../lib.sh"
source "$E2E/safety_lib.sh"
P=$FERRY_SOURCE_DIR/examples/context-store
"$FERRY" generate context --count 2000 --seed 9 --shape mixed --output mixed.jsonl --json > gen.json
"$FERRY" generate context --count 2000 --seed 9 --shape current --output current.jsonl > /dev/null
legacy=$(python3 -c "import json; print(json.load(open('gen.json'))['legacy'])")
[ "$legacy" = 577 ] || fail "expected 577 context-1 records, the generator wrote $legacy"
load_table mixed.jsonl store.db contexts
before_bytes=$(dump_bytes store.db contexts)

"$FERRY" run -q --json --project "$P" --source "sqlite:store.db#contexts" --no-backup > run.json
python3 - <<'PY'
import json, sqlite3
r = json.load(open("run.json"))
assert r["status"] == "completed" and r["in_place"], r
assert (r["input"], r["migrated"], r["already_at_target"], r["rejected"]) == (2000, 577, 2000 - 577, 0), r
want = {json.loads(l)["id"]: l.rstrip("\n") for l in open("current.jsonl", encoding="utf-8")}
rows = dict(sqlite3.connect("store.db").execute("SELECT key, document FROM contexts"))
assert len(rows) == 2000
for k, doc in rows.items():
    assert json.loads(doc) == json.loads(want[k]), k
PY

"$FERRY" rollback -q --json --yes --project "$P" > rollback.json || fail "rollback failed: $(cat rollback.json)"
python3 - <<'PY'
import json
r = json.load(open("rollback.json"))
i = r["impact"]
assert r["status"] == "completed" and r["restored"] == 577, r
assert i["via_backup"] == 0 and i["via_complements"] + i["via_backward_steps"] == 577, i
assert i["conflicts"] == 0 and i["not_restorable"] == 0, i
PY
[ "$(dump_bytes store.db contexts)" = "$before_bytes" ] || {
  python3 - <<'PY'
import json, sqlite3
orig = {json.loads(l)["id"]: l.rstrip("\n") for l in open("mixed.jsonl", encoding="utf-8")}
for k, doc in sqlite3.connect("store.db").execute("SELECT key, document FROM contexts ORDER BY key"):
    if doc != orig[k]:
        print("first difference at", k, "\n  was:", orig[k], "\n  now:", doc)
        break
PY
  fail "the table differs from what it held before the run"
}
echo PASS
