#!/usr/bin/env bash
# name: stores/postgres_status_names_the_target
# description: after a run into PostgreSQL (whose state is in that database), `ferry status` where no local
#   state exists says to pass the target, and with --target it lists the run; the run, given no --rejects,
#   writes no local files and warns that its rejected records were not kept.
# group: e2e postgres
source "$(dirname "$0")/../lib.sh"
db=$(pg_database status_target)
"$FERRY" generate workouts --count 200 --seed 2 --output in.jsonl > /dev/null
"$FERRY" run -q --json --project "$PROJECT" --source in.jsonl --target "$db?table=workouts" > run.json
python3 -c "
import json; r = json.load(open('run.json'))
assert r['rejected'] > 0 and r['rejects_file'] == '', r
assert any('rejected records were not written to a file' in w and '--rejects FILE' in w for w in r['warnings']), r"
[ ! -e .ferry ] || fail "a PostgreSQL state wrote local files: $(find .ferry)"
expect_exit 66 "$FERRY" status > /dev/null 2> status.err
grep -q -- "--target 'postgres://...?table=T'" status.err || fail "no advice to pass the target: $(cat status.err)"
run=$(python3 -c "import json; print(json.load(open('run.json'))['run_id'])")
"$FERRY" status --target "$db?table=workouts" | grep -q "$run .*completed" || fail "status --target does not list $run"
echo PASS
