#!/usr/bin/env bash
# name: local_storage/generator_and_idempotence
# description: `ferry generate local-storage` is deterministic by seed (--count = items), all-valid data
#   migrates with --on-error stop and nothing to reject, a second run over the output finds every item
#   already at item-1 and copies it byte for byte, and bad generate arguments are usage errors.
# group: e2e
source "$(dirname "$0")/../lib.sh"
LS=$FERRY_SOURCE_DIR/examples/local-storage-to-postgres
"$FERRY" generate local-storage --count 5000 --seed 3 --scenario all-valid --output a.jsonl \
  --expect-rejects a-rej.jsonl > /dev/null
"$FERRY" generate local-storage --count 5000 --seed 3 --scenario all-valid --output b.jsonl > /dev/null
"$FERRY" generate local-storage --count 5000 --seed 4 --scenario all-valid --output c.jsonl > /dev/null
cmp -s a.jsonl b.jsonl || fail "same seed, different bytes"
cmp -s a.jsonl c.jsonl && fail "different seeds, same bytes"
[ "$(wc -l < a.jsonl)" = 5000 ] || fail "expected 5000 lines"
[ ! -s a-rej.jsonl ] || fail "all-valid has expected rejects"
# stdout output is the same bytes
"$FERRY" generate local-storage --count 5000 --seed 3 --scenario all-valid > d.jsonl
cmp -s a.jsonl d.jsonl || fail "--output - differs"

"$FERRY" run -q --json --preset safe --on-error stop --project "$LS" --source a.jsonl --target out.jsonl > r1.json
"$FERRY" run -q --json --project "$LS" --source out.jsonl --target out2.jsonl > r2.json
cmp -s out.jsonl out2.jsonl || fail "second run changed the output"
python3 - <<'PY'
import json
r1, r2 = json.load(open("r1.json")), json.load(open("r2.json"))
assert r1["input"] == 5000 and r1["migrated"] == 5000 and r1["rejected"] == 0, r1
assert r2["input"] == 5000 and r2["already_at_target"] == 5000 and r2["migrated"] == 0, r2
assert set(r2["versions"]) == {"item-1"}, r2["versions"]
PY

expect_exit 2 "$FERRY" generate local-storage --count 10 --scenario malformed --output x.jsonl 2> err.txt
grep -q "unknown local-storage scenario 'malformed' (expected one of: all-valid, mixed)" err.txt \
  || fail "bad scenario message: $(cat err.txt)"
expect_exit 2 "$FERRY" generate local_storage --count 10 --output x.jsonl 2> err.txt
grep -q "available: workouts, local-storage" err.txt || fail "unknown data set message: $(cat err.txt)"
echo PASS
