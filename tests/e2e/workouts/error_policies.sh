#!/usr/bin/env bash
# name: workouts/error_policies
# description: --on-error stop fails on the first reject and publishes nothing; skip publishes and
#   succeeds; collect publishes and fails with REJECTED (exit 3). Presets set batch size and policy.
# group: e2e
source "$(dirname "$0")/../lib.sh"
"$FERRY" generate workouts --count 4000 --seed 9 --output in.jsonl > /dev/null
expect_exit 65 "$FERRY" run -q --project "$PROJECT" --source in.jsonl --target stop.jsonl --rejects stop.rej --on-error stop
[ ! -e stop.jsonl ] || fail "stop published output"
[ "$(wc -l < stop.rej)" -ge 1 ] || fail "stop wrote no reject"
ls -a | grep -q ferry-tmp && fail "temporary file left behind"
expect_exit 65 "$FERRY" run -q --project "$PROJECT" --source in.jsonl --target safe.jsonl --preset safe
[ ! -e safe.jsonl ] || fail "safe preset published output"
expect_exit 0 "$FERRY" run -q --project "$PROJECT" --source in.jsonl --target skip.jsonl --on-error skip
expect_exit 3 "$FERRY" run -q --project "$PROJECT" --source in.jsonl --target collect.jsonl --on-error collect
cmp skip.jsonl collect.jsonl || fail "collect and skip outputs differ"
# fast validates after only: a record whose legacy fields are wrong but whose result still fits the
# target schema gets through, so its output is a superset of skip's.
expect_exit 0 "$FERRY" run -q --project "$PROJECT" --source in.jsonl --target fast.jsonl --preset fast --report fast.json
python3 -c "
import json; r = json.load(open('fast.json'))
assert r['options']['batch_size'] == 500 and r['options']['on_error'] == 'skip', r['options']
assert r['input'] == r['migrated'] + r['already_at_target'] + r['rejected'] + r['filtered'], r
skip = set(open('skip.jsonl')); fast = set(open('fast.jsonl'))
assert skip <= fast, 'fast lost records that skip migrated'"
"$FERRY" validate -q --project "$PROJECT" --source fast.jsonl --version unified-1 > /dev/null || fail "fast output is not unified-1"
for bs in 1 7 100000; do
  "$FERRY" run -q --project "$PROJECT" --source in.jsonl --target bs.jsonl --batch-size $bs --threads 3 > /dev/null
  cmp skip.jsonl bs.jsonl || fail "batch size $bs changed the output (order must be input order)"
done
expect_exit 2 "$FERRY" run -q --project "$PROJECT" --source in.jsonl --target x.jsonl --batch-size 0
expect_exit 2 "$FERRY" run -q --project "$PROJECT" --source in.jsonl --target x.jsonl --batch-size 100001
expect_exit 2 "$FERRY" run -q --project "$PROJECT" --source in.jsonl --target x.jsonl --on-error maybe
expect_exit 74 "$FERRY" run -q --project "$PROJECT" --source missing.jsonl --target x.jsonl
echo PASS
