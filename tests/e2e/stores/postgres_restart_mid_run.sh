#!/usr/bin/env bash
# name: stores/postgres_restart_mid_run
# description: PostgreSQL restarts (fast shutdown, then start) in the middle of a file-to-PostgreSQL run;
#   the run retries the lost connection with backoff, finishes with exit 0, and the table is exactly the
#   migrated source (verify: in sync). Uses a cluster of its own, so other tests are not disturbed.
# group: e2e nosan
source "$(dirname "$0")/../lib.sh"
pgdir=$WORK/pg
trap '"$FERRY_SOURCE_DIR/scripts/pg-cluster.sh" stop "$pgdir" > /dev/null 2>&1 || true; rm -rf "$WORK"' EXIT
uri=$("$FERRY_SOURCE_DIR/scripts/pg-cluster.sh" start "$pgdir")
if [ -s "$pgdir/datadir" ]; then data=$(cat "$pgdir/datadir"); else data=$pgdir/data; fi
"$FERRY" generate workouts --count 20000 --seed 35 --output in.jsonl > /dev/null
"$FERRY" run -q --project "$PROJECT" --source in.jsonl --target "$uri?table=workouts" --batch-size 20 \
  --throttle-ms 5 --commit-interval 0.05 --json > run.json 2> run.err &
pid=$!
sleep 2.5
kill -0 $pid 2> /dev/null || fail "the run ended before the restart: $(cat run.err)"
runuser -u postgres -- /usr/lib/postgresql/15/bin/pg_ctl -D "$data" -m fast -w restart > restart.log 2>&1 \
  || fail "restart failed: $(cat restart.log)"
wait $pid || fail "the run did not survive the restart: $(cat run.err)"
python3 -c "
import json; r = json.load(open('run.json'))
assert r['status'] == 'completed' and r['input'] == 20000, r"
"$FERRY" verify -q --project "$PROJECT" --source in.jsonl --target "$uri?table=workouts" > verify.txt \
  || fail "not in sync after the restart: $(cat verify.txt)"
grep -q "in sync" verify.txt || fail "$(cat verify.txt)"
echo PASS
