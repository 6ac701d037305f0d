#!/usr/bin/env bash
# name: workouts/run_is_idempotent
# description: running again on the output changes nothing: every record is already at the target and
#   is written byte for byte; the already-migrated scenario is a no-op too.
# group: e2e
source "$(dirname "$0")/../lib.sh"
"$FERRY" generate workouts --count 5000 --seed 21 --output in.jsonl > /dev/null
"$FERRY" run -q --project "$PROJECT" --source in.jsonl --target once.jsonl --rejects rej.jsonl > /dev/null
"$FERRY" run -q --project "$PROJECT" --source once.jsonl --target twice.jsonl --json > again.json
cmp once.jsonl twice.jsonl || fail "second run changed the output"
python3 -c "
import json; r = json.load(open('again.json'))
assert r['migrated'] == 0 and r['rejected'] == 0 and r['already_at_target'] == r['input'] > 0, r"
"$FERRY" generate workouts --count 2000 --seed 2 --scenario already-migrated --output done.jsonl > /dev/null
"$FERRY" run -q --project "$PROJECT" --source done.jsonl --target done2.jsonl > /dev/null
cmp done.jsonl done2.jsonl || fail "already-migrated input changed"
echo PASS
