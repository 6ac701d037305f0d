#!/usr/bin/env bash
# name: stores/postgres_lock_wait
# description: another PostgreSQL session holds row locks on the table during an in-place run: the
#   progress names the wait and the blocking pid, the run retries after lock_timeout (PGOPTIONS) and
#   stops with UNAVAILABLE (exit 69), having written nothing; SIGTERM during the wait exits 130 within
#   2 s and leaves no Ferry backend behind; once the lock is gone the same command resumes and the
#   table equals an in-place run that met no lock.
# group: e2e nosan postgres
source "$(dirname "$0")/../lib.sh"
db=$(pg_database lock_wait)
sql() { psql "$db" -XAtq -v ON_ERROR_STOP=1 -c "$1"; }
"$FERRY" generate workouts --count 3000 --seed 61 --scenario all-valid --output in.jsonl > /dev/null
for table in w control; do
  "$FERRY" import -q --as-is --project "$PROJECT" --source in.jsonl --target "$db?table=$table" > /dev/null
done
sql "CREATE TABLE original AS SELECT key, document FROM w"
"$FERRY" run -q --project "$PROJECT" --source "$db?table=control" > /dev/null
[ "$(sql "SELECT count(*) FROM control WHERE version IS NOT NULL")" -gt 0 ] || fail "the control run migrated nothing"

# Another session locks every row of w and keeps its transaction open (psql reading a fifo).
mkfifo locker.in
PGAPPNAME=ferry-test-locker psql "$db" -XAtq -v ON_ERROR_STOP=1 < locker.in > locker.out 2>&1 &
locker=$!
exec 3> locker.in
trap 'exec 3>&- 2> /dev/null || true; kill $locker 2> /dev/null || true; rm -rf "$WORK"' EXIT
echo "BEGIN; SELECT count(*) FROM (SELECT 1 FROM w FOR UPDATE) s;" >&3
for _ in $(seq 100); do
  locker_pid=$(sql "SELECT pid FROM pg_stat_activity WHERE application_name = 'ferry-test-locker'
                    AND state = 'idle in transaction'")
  [ -n "$locker_pid" ] && break
  sleep 0.1
done
[ -n "$locker_pid" ] || fail "the locking session did not start: $(cat locker.out)"
unchanged() { [ "$(sql "SELECT count(*) FROM w JOIN original o USING (key) WHERE w.document <> o.document")" = 0 ]; }

# 1. lock_timeout 3 s, one retry: two waits, then UNAVAILABLE.
set +e
PGOPTIONS='-c lock_timeout=3s' "$FERRY" run --project "$PROJECT" --source "$db?table=w" --retries 1 \
  > run1.out 2> run1.err
rc=$?
set -e
[ "$rc" = 69 ] || fail "expected exit 69 (UNAVAILABLE), got $rc: $(cat run1.err)"
grep -q "waiting for a row lock held by pid $locker_pid (since [0-9]* s)" run1.err \
  || fail "the progress does not name the wait and pid $locker_pid: $(cat run1.err)"
grep -q "55P03" run1.err || fail "the error does not say lock timeout: $(cat run1.err)"
grep -q "run the same command again" run1.err run1.out || fail "no resume advice: $(cat run1.err run1.out)"
unchanged || fail "rows changed although the run could not commit"

# 2. SIGTERM during the wait (default lock_timeout 5 s): exit 130 within 2 s, no backend left.
"$FERRY" run --project "$PROJECT" --source "$db?table=w" > run2.out 2> run2.err &
run=$!
for _ in $(seq 100); do
  grep -q "waiting for a row lock held by pid $locker_pid" run2.err && break
  sleep 0.1
done
grep -q "waiting for a row lock" run2.err || fail "the second run does not report its wait: $(cat run2.err)"
start=$(date +%s%N)
kill -TERM $run
set +e
wait $run
rc=$?
set -e
elapsed_ms=$((($(date +%s%N) - start) / 1000000))
[ "$rc" = 130 ] || fail "expected exit 130 after SIGTERM, got $rc: $(cat run2.err)"
[ "$elapsed_ms" -le 2000 ] || fail "SIGTERM took ${elapsed_ms} ms to end the run"
left=""
for _ in $(seq 30); do
  left=$(sql "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'ferry'
              AND datname = current_database()")
  [ "$left" = 0 ] && break
  sleep 0.1
done
[ "$left" = 0 ] || fail "$left Ferry backends still there after the run ended: $(sql "SELECT pid, state,
  wait_event, query FROM pg_stat_activity WHERE application_name = 'ferry'")"
unchanged || fail "rows changed by the cancelled run"

# 3. The lock goes; the same command resumes and completes.
echo "ROLLBACK;" >&3
exec 3>&-
wait $locker
"$FERRY" run --project "$PROJECT" --source "$db?table=w" > run3.out 2> run3.err \
  || fail "the run after the lock did not complete: $(cat run3.err)"
diff <(sql "SELECT key, version, document FROM w ORDER BY key") \
  <(sql "SELECT key, version, document FROM control ORDER BY key") > /dev/null \
  || fail "the table differs from an in-place run without the lock"
echo PASS
