#!/usr/bin/env bash
# name: stores/kill_resume_file_to_sqlite
# description: a file-to-SQLite run killed with SIGKILL at 20 random moments and resumed each time ends
#   with exactly the documents of an uninterrupted run, each key once, the source unchanged; the reject
#   file equals an uninterrupted run's.
# group: e2e nosan
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../kill_lib.sh"
"$FERRY" generate workouts --count 20000 --seed 32 --output in.jsonl > /dev/null
before=$(sha256sum < in.jsonl)
"$FERRY" run -q --state clean.db --project "$PROJECT" --source in.jsonl --target expected.jsonl \
  --rejects expected.rej.jsonl > /dev/null
KILL_PROGRESS_CHECK='[ "$(sqlite3 out.db "select count(*) from ferry_checkpoints where seq > 0")" -ge 1 ]' \
  kill_until_done --project "$PROJECT" --source in.jsonl --target sqlite:out.db#workouts --rejects out.rej.jsonl \
  "${SLOW_RUN[@]}"
python3 - <<'PY'
import json, sqlite3
expected = {}
for line in open("expected.jsonl"):
    doc = json.loads(line)
    expected[doc["id"]] = line.rstrip("\n")
rows = sqlite3.connect("out.db").execute("SELECT key, version, document FROM workouts").fetchall()
keys = [k for k, _, _ in rows]
assert len(keys) == len(set(keys)), "a key twice"
got = {k: d for k, _, d in rows}
missing = set(expected) - set(got)
extra = set(got) - set(expected)
assert not missing and not extra, (len(missing), len(extra))
diff = [k for k in expected if expected[k] != got[k]]
assert not diff, diff[:5]
assert all(v == "unified-1" for _, v, _ in rows)
print(len(rows), "rows as expected")
PY
cmp out.rej.jsonl expected.rej.jsonl || fail "reject file differs from an uninterrupted run"
[ "$(sha256sum < in.jsonl)" = "$before" ] || fail "the source changed"
"$FERRY" status | grep -q completed || fail "status does not show the completed run"
echo PASS
