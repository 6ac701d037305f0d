#!/usr/bin/env bash
# name: stores/kill_resume_200_times
# description: the kill test at length (label slow, run on demand: ctest -L slow): 200 SIGKILLs at random
#   moments per store kind (file, SQLite, PostgreSQL), each followed by a resume; the target equals an
#   uninterrupted run's every time.
# group: e2e nosan slow postgres
source "$(dirname "$0")/../lib.sh"
export FERRY_KILLS=${FERRY_KILLS:-200}
source "$(dirname "$0")/../kill_lib.sh"
SLOW_RUN=(--batch-size 5 --throttle-ms 20 --commit-interval 0.05)
db=$(pg_database kill_200)
"$FERRY" generate workouts --count 20000 --seed 36 --output in.jsonl > /dev/null
"$FERRY" run -q --state clean.db --project "$PROJECT" --source in.jsonl --target expected.jsonl > /dev/null
kill_until_done --project "$PROJECT" --source in.jsonl --target out.jsonl "${SLOW_RUN[@]}"
cmp out.jsonl expected.jsonl || fail "file target differs"
kill_until_done --project "$PROJECT" --source in.jsonl --target sqlite:out.db "${SLOW_RUN[@]}"
"$FERRY" verify -q --project "$PROJECT" --source in.jsonl --target sqlite:out.db | grep -q "in sync" || fail "SQLite"
kill_until_done --project "$PROJECT" --source in.jsonl --target "$db?table=workouts" "${SLOW_RUN[@]}"
"$FERRY" verify -q --project "$PROJECT" --source in.jsonl --target "$db?table=workouts" | grep -q "in sync" \
  || fail "PostgreSQL"
echo PASS
