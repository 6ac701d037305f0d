#!/usr/bin/env bash
# name: stores/postgres_failed_start_leaves_no_running_run
# description: PostgreSQL: a run refused because its target table is not Ferry's leaves no run marked `running`;
#   once the table is dropped, a run from another source is not refused with CONFLICT.
# group: e2e postgres
source "$(dirname "$0")/../lib.sh"
db=$(pg_database pg_failed_start)
"$FERRY" generate workouts --count 300 --seed 4 --output in.jsonl > /dev/null
head -50 in.jsonl > other.jsonl
psql "$db" -Xq -v ON_ERROR_STOP=1 -c "CREATE TABLE app (a int, b text)"
expect_exit 2 "$FERRY" run -q --project "$PROJECT" --source in.jsonl --target "$db?table=app"
"$FERRY" status --json --target "$db?table=app" > status.json
python3 -c "
import json
left = [r for r in json.load(open('status.json')) if r['status'] == 'running']
assert not left, left"
psql "$db" -Xq -v ON_ERROR_STOP=1 -c "DROP TABLE app"
"$FERRY" run -q --project "$PROJECT" --source other.jsonl --target "$db?table=app" > /dev/null ||
  fail "the run after the failed start was refused"
[ "$(psql "$db" -XAtc "SELECT count(*) FROM app")" = 50 ] || fail "the corrected run did not write the other source"
echo PASS
