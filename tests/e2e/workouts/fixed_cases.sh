#!/usr/bin/env bash
# name: workouts/fixed_cases
# description: fixed inputs for every version and every reject rule give the expected outputs (SPEC
#   equivalence) and each reject names the expected code and JSON Pointer.
# group: e2e
source "$(dirname "$0")/../lib.sh"
D=$FERRY_SOURCE_DIR/tests/data/workouts
"$FERRY" run -q --project "$PROJECT" --source "$D/cases.jsonl" --target out.jsonl --rejects rej.jsonl > /dev/null
python3 "$E2E/compare_with_peer.py" out.jsonl rej.jsonl "$D/expected.jsonl" "$D/expected_peer_rejects.jsonl" \
  || fail "output differs from expected.jsonl"
python3 - rej.jsonl "$D/reject_expectations.tsv" <<'PY'
import json, sys
got = {}
for line in open(sys.argv[1], encoding="utf-8"):
    r = json.loads(line)
    k = r["key"] if isinstance(r["key"], str) and r["key"] else "@%d" % r["record"]
    got[k] = (r["code"], r["errors"][0]["pointer"])
want = {}
for line in open(sys.argv[2], encoding="utf-8"):
    if line.startswith("#") or not line.strip():
        continue
    k, code, ptr = (line.rstrip("\n").split("\t") + [""])[:3]
    want[k] = (code, ptr)
bad = [(k, want[k], got.get(k)) for k in want if got.get(k) != want[k]]
extra = [k for k in got if k not in want]
for b in bad:
    print("want %s %s, got %s" % b)
assert not bad and not extra, (bad, extra)
print("%d rejects as expected" % len(want))
PY
echo PASS
