#!/usr/bin/env bash
# name: runs/plan_estimate_times_writing_to_target_kind
# description: `ferry plan --target` times its sample written into a scratch store of the target's kind
#   (an SQLite table, a file of the same format) and says so; without a target it says writing is not
#   timed; the scratch store, its state and reject file leave nothing behind, in the temporary directory
#   or beside the target.
# group: e2e
source "$(dirname "$0")/../lib.sh"
mkdir tmp
export TMPDIR=$WORK/tmp
"$FERRY" generate workouts --scenario mixed --count 3000 --seed 9 --output in.jsonl > /dev/null
covers() { python3 -c "import json; p = json.load(open('$1')); assert p['sample_records'] == 3000, p; print(p['estimate_covers'])"; }

"$FERRY" plan -q --json --project "$PROJECT" --source in.jsonl --target "sqlite:t.db#workouts" > sqlite.json
covers sqlite.json | grep -q "writing into a scratch SQLite table like the target" || fail "$(cat sqlite.json)"
"$FERRY" plan -q --json --project "$PROJECT" --source in.jsonl --target out.csv > csv.json
covers csv.json | grep -q "writing into a scratch file like the target" || fail "$(cat csv.json)"
# With --on-error stop the rejects are the plan's blockers; the sample is still timed whole.
expect_exit 65 "$FERRY" plan -q --json --project "$PROJECT" --source in.jsonl --target "sqlite:t.db#workouts" \
  --on-error stop > stop.json
covers stop.json | grep -q "writing into a scratch SQLite table like the target" || fail "$(cat stop.json)"
"$FERRY" plan -q --json --project "$PROJECT" --source in.jsonl > none.json
covers none.json | grep -q "writing to the target is not timed (give --target to include it)" || fail "$(cat none.json)"
"$FERRY" plan -q --project "$PROJECT" --source in.jsonl --target "sqlite:t.db#workouts" > plan.txt
grep -q "^  covers reading, detecting, validating, migrating and writing" plan.txt || fail "$(cat plan.txt)"

# Nothing left: no target, no state, no scratch directory.
[ ! -e t.db ] && [ ! -e out.csv ] && [ ! -e .ferry ] || fail "plan wrote beside the target: $(ls -a)"
[ -z "$(ls -A tmp)" ] || fail "plan left scratch files: $(ls -A tmp)"
echo PASS
