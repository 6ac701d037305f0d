#!/usr/bin/env bash
# name: stores/postgres_status_names_the_target
# description: after a run into PostgreSQL (whose state is in that database), `ferry status` where no local
#   state exists says to pass the target, and with --target it lists the run.
# group: e2e postgres
source "$(dirname "$0")/../lib.sh"
db=$(pg_database status_target)
"$FERRY" generate workouts --count 200 --seed 2 --output in.jsonl > /dev/null
"$FERRY" run -q --json --project "$PROJECT" --source in.jsonl --target "$db?table=workouts" > run.json
expect_exit 66 "$FERRY" status > /dev/null 2> status.err
grep -q -- "--target 'postgres://...?table=T'" status.err || fail "no advice to pass the target: $(cat status.err)"
run=$(python3 -c "import json; print(json.load(open('run.json'))['run_id'])")
"$FERRY" status --target "$db?table=workouts" | grep -q "$run .*completed" || fail "status --target does not list $run"
echo PASS
