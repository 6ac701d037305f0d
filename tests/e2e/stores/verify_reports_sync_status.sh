#!/usr/bin/env bash
# name: stores/verify_reports_sync_status
# description: `ferry verify` says "in sync" after a run (file and SQLite targets, and a table migrated
#   in place), and names the missing, different, extra and duplicated keys once the target is tampered
#   with (exit 75).
# group: e2e
source "$(dirname "$0")/../lib.sh"
"$FERRY" generate workouts --count 3000 --seed 61 --output in.jsonl > /dev/null
"$FERRY" run -q --project "$PROJECT" --source in.jsonl --target out.jsonl > /dev/null
"$FERRY" run -q --project "$PROJECT" --source in.jsonl --target sqlite:out.db > /dev/null
"$FERRY" verify -q --project "$PROJECT" --source in.jsonl --target out.jsonl | grep -q "Sync status: in sync" \
  || fail "file target not in sync"
"$FERRY" verify -q --project "$PROJECT" --source in.jsonl --target sqlite:out.db | grep -q "Sync status: in sync" \
  || fail "SQLite target not in sync"
# In place: the table verifies against itself.
"$FERRY" run -q --project "$PROJECT" --source in.jsonl --target sqlite:inplace.db > /dev/null
"$FERRY" run -q --project "$PROJECT" --source sqlite:inplace.db > /dev/null
"$FERRY" verify -q --project "$PROJECT" --source sqlite:inplace.db | grep -q "in sync" || fail "in place not in sync"
# Tampering.
keys=$(head -3 out.jsonl | python3 -c "import json,sys; print(' '.join(json.loads(l)['id'] for l in sys.stdin))")
set -- $keys
sed -n '2,$p' out.jsonl > tampered.jsonl                               # first key missing
sed -n '3p' out.jsonl >> tampered.jsonl                                # third key twice
echo '{"id":"not-in-source","x":1}' >> tampered.jsonl                  # extra
python3 - "$2" <<'PY'
import json, sys
lines = open("tampered.jsonl").read().splitlines()
out = []
for l in lines:
    d = json.loads(l)
    if d["id"] == sys.argv[1]:
        d["name"] = "changed"
    out.append(json.dumps(d))
open("tampered.jsonl", "w").write("\n".join(out) + "\n")
PY
expect_exit 75 "$FERRY" verify -q --json --project "$PROJECT" --source in.jsonl --target tampered.jsonl > v.json
python3 - "$1" "$2" "$3" <<'PY'
import json, sys
v = json.load(open("v.json"))
assert v["status"] == "out of sync", v
assert v["missing_keys"] == [sys.argv[1]], v
assert v["different_keys"] == [sys.argv[2]], v
assert v["duplicate_keys"] == [sys.argv[3]], v
assert v["extra_keys"] == ["not-in-source"], v
PY
echo PASS
