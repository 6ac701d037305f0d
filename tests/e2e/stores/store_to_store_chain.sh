#!/usr/bin/env bash
# name: stores/store_to_store_chain
# description: records travel file -> SQLite -> PostgreSQL -> file: each hop is in sync with the migrated
#   source, the final file holds exactly the migrated documents, records already at the target are
#   copied (not migrated again), and an interrupted hop is resumed by name with --resume RUN.
# group: e2e postgres
source "$(dirname "$0")/../lib.sh"
db=$(pg_database chain)
"$FERRY" generate workouts --count 4000 --seed 71 --output in.jsonl > /dev/null
"$FERRY" run -q --state clean.db --project "$PROJECT" --source in.jsonl --target expected.jsonl > /dev/null
"$FERRY" run -q --project "$PROJECT" --source in.jsonl --target sqlite:hop1.db > /dev/null
"$FERRY" verify -q --project "$PROJECT" --source in.jsonl --target sqlite:hop1.db | grep -q "in sync" || fail "hop 1"
# SQLite -> PostgreSQL, interrupted by SIGINT, then resumed by name.
set +e
"$FERRY" run -q --project "$PROJECT" --source sqlite:hop1.db --target "$db?table=workouts" --batch-size 10 \
  --throttle-ms 20 --commit-interval 0.05 > hop2.out 2> hop2.err &
pid=$!
sleep 1.5
kill -INT $pid
wait $pid
rc=$?
set -e
[ "$rc" = 130 ] || fail "hop 2 was not interrupted (exit $rc): $(cat hop2.err)"
run_id=$(psql "$db" -XAt -c "SELECT run_id FROM ferry.runs WHERE status = 'cancelled'")
[ -n "$run_id" ] || fail "no cancelled run in ferry.runs"
"$FERRY" run -q --project "$PROJECT" --source sqlite:hop1.db --target "$db?table=workouts" --resume "$run_id" \
  --json > hop2.json
python3 -c "
import json; r = json.load(open('hop2.json'))
assert r['run_id'] == '$run_id' and r['resumed'] and r['status'] == 'completed', r
assert r['migrated'] == 0 and r['already_at_target'] == r['input'], r"
"$FERRY" verify -q --project "$PROJECT" --source in.jsonl --target "$db?table=workouts" | grep -q "in sync" \
  || fail "hop 2"
"$FERRY" run -q --project "$PROJECT" --source "$db?table=workouts" --target out.jsonl > /dev/null
"$FERRY" verify -q --project "$PROJECT" --source in.jsonl --target out.jsonl | grep -q "in sync" || fail "hop 3"
python3 - <<'PY'
import json
got = sorted(json.dumps(json.loads(l), sort_keys=True) for l in open("out.jsonl"))
exp = sorted(json.dumps(json.loads(l), sort_keys=True) for l in open("expected.jsonl"))
assert got == exp, (len(got), len(exp))
PY
echo PASS
