#!/usr/bin/env bash
# name: stores/lease_postgres_one_lock_per_table
# description: the lease on a PostgreSQL table lives in the target database, keyed by the table as the
#   server resolves it: while a run (state a.db) writes ?table=w, a run with another --state on
#   ?table=public.w, and one through another user and host name (localhost) with the state in the
#   database, are refused with LOCKED (exit 75) naming the first run; the first completes exactly.
#   A holder whose process is gone on this host but whose database session lives is not taken over;
#   once its session ends, the next run takes the lease over at once. A stalled holder (SIGSTOP) is
#   taken over by a run with another state when its lease expires by the database's clock; continued,
#   it stops with LOCKED and commits nothing more.
# group: e2e nosan postgres
source "$(dirname "$0")/../lib.sh"
db=$(pg_database lease_pg)
"$FERRY" generate workouts --count 6000 --seed 52 --output in.jsonl > /dev/null
"$FERRY" run -q --state clean.db --project "$PROJECT" --source in.jsonl --target expected.jsonl > /dev/null
psql "$db" -Xq -v ON_ERROR_STOP=1 -c "SET client_min_messages = warning" \
  -c "DO \$\$ BEGIN CREATE ROLE ferry_lease_other LOGIN SUPERUSER; EXCEPTION WHEN duplicate_object THEN NULL; END \$\$"
other=${db/postgres:\/\/postgres@127.0.0.1:/postgres://ferry_lease_other@localhost:}
[ "$other" != "$db" ] || fail "cannot respell $db"
slow=(--batch-size 10 --throttle-ms 20 --commit-interval 0.1)

# start_first TABLE [ARGS...]: a slow run with state a.db on TABLE; returns once it holds its lease.
start_first() {
  local table=$1
  shift
  "$FERRY" run -q --state a.db --project "$PROJECT" --source in.jsonl --target "$db?table=$table" "${slow[@]}" "$@" \
    > first.out 2> first.err &
  first=$!
  for _ in $(seq 400); do
    if "$FERRY" status --state a.db --json 2> /dev/null | grep -q '"lease_held":true'; then
      first_run=$("$FERRY" status --state a.db --json | python3 -c "import json,sys; print(json.load(sys.stdin)[0]['run_id'])")
      return 0
    fi
    kill -0 $first 2> /dev/null || fail "the first run ended early: $(cat first.err)"
    sleep 0.05
  done
  fail "the first run never held its lease: $(cat first.err)"
}
# refused WHAT TARGET [ARGS...]: a run on TARGET must exit 75 with LOCKED naming $1's holder.
refused() {
  local what=$1 target=$2
  shift 2
  set +e
  "$FERRY" run -q --project "$PROJECT" --source in.jsonl --target "$target" "$@" > second.out 2> second.err
  local rc=$?
  set -e
  [ "$rc" = 75 ] || fail "$what: expected exit 75 (LOCKED), got $rc: $(cat second.err)"
  grep -q LOCKED second.err || fail "$what: no LOCKED code: $(cat second.err)"
}
# same_as_expected TABLE: the table holds exactly the documents of the uninterrupted run.
same_as_expected() {
  psql "$db" -Xq -v ON_ERROR_STOP=1 -c "SET client_min_messages = warning" -c "DROP TABLE IF EXISTS expected" -c "CREATE TABLE expected (doc jsonb)" \
    -c "\\copy expected (doc) from 'expected.jsonl' with (format csv, quote e'\\x01', delimiter e'\\x02')"
  read -r rows missing different <<< "$(psql "$db" -XAt -F ' ' -c "
    SELECT (SELECT count(*) FROM $1),
           (SELECT count(*) FROM expected e LEFT JOIN $1 w ON w.key = e.doc->>'id' WHERE w.key IS NULL),
           (SELECT count(*) FROM expected e JOIN $1 w ON w.key = e.doc->>'id' WHERE w.document <> e.doc)")"
  want=$(wc -l < expected.jsonl)
  [ "$rows" = "$want" ] && [ "$missing" = 0 ] && [ "$different" = 0 ] \
    || fail "$1: $rows rows (expected $want), $missing missing, $different different"
}

# 1. Two states, two spellings of one table.
start_first w
refused "another --state, schema-qualified" "$db?table=public.w" --state b.db
grep -q "$first_run" second.err || fail "the refusal does not name run $first_run: $(cat second.err)"
grep -q "host $(hostname)" second.err || fail "the refusal does not name the host: $(cat second.err)"
refused "another user and host name, the state in the database" "$other?table=w"
grep -q "$first_run" second.err || fail "the refusal does not name run $first_run: $(cat second.err)"
kill -0 $first 2> /dev/null || fail "the first run ended before the second was tried: $(cat first.err)"
wait $first || fail "the first run failed: $(cat first.err)"
same_as_expected w
[ "$(psql "$db" -XAt -c "SELECT count(*) FROM ferry.target_leases")" = 0 ] || fail "the lease was not released"

# 2. A holder whose pid is gone on this host, but whose database session is alive, keeps the lease.
true &
dead=$!
wait $dead
psql "$db" -Xq -v ON_ERROR_STOP=1 > ghost.out 2>&1 <<SQL &
INSERT INTO ferry.target_leases (resource, run_id, owner, host, pid, state, backend_pid, backend_start,
                                 acquired_at, heartbeat_at, expires_at)
  SELECT 'public.ghost', 'run-ghost', 'owner-ghost', '$(hostname)', $dead, 'elsewhere', pid, backend_start,
         now(), now(), now() + interval '1 hour'
    FROM pg_stat_activity WHERE pid = pg_backend_pid();
SELECT pg_sleep(60);
SQL
ghost=$!
for _ in $(seq 200); do
  [ "$(psql "$db" -XAt -c "SELECT count(*) FROM ferry.target_leases WHERE run_id = 'run-ghost'")" = 1 ] && break
  sleep 0.05
done
refused "a live session whose process is gone" "$db?table=ghost"
grep -q "run-ghost" second.err || fail "the refusal does not name run-ghost: $(cat second.err)"
psql "$db" -XAt -c "SELECT pg_terminate_backend(backend_pid) FROM ferry.target_leases WHERE run_id = 'run-ghost'" \
  > /dev/null
wait $ghost 2> /dev/null || true
"$FERRY" run --project "$PROJECT" --source in.jsonl --target "$db?table=ghost" > takeover.out 2> takeover.err \
  || fail "the run after the session ended failed: $(cat takeover.err)"
grep -q "took over the lease of run run-ghost" takeover.out || fail "no takeover notice: $(cat takeover.out)"
same_as_expected ghost

# 3. A stalled holder is taken over when its lease expires by the database's clock, by another run
#    (another state); continued, it stops with LOCKED and commits nothing more.
start_first stall --lease-ttl 1
kill -STOP $first
refused "within the lease time" "$db?table=stall" --state b.db --lease-ttl 1
sleep 1.5
"$FERRY" run --state b.db --project "$PROJECT" --source in.jsonl --target "$db?table=stall" --lease-ttl 1 \
  > takeover.out 2> takeover.err || fail "the takeover run failed: $(cat takeover.err)"
grep -q "took over the lease of run $first_run" takeover.out || fail "no takeover notice: $(cat takeover.out)"
commits() { psql "$db" -XAt -c "SELECT seq FROM ferry.checkpoints WHERE run_id = '$first_run'"; }
before=$(commits)
# Fenced in the takeover's transaction: the stalled run's checkpoint is no longer its own.
psql "$db" -XAt -c "SELECT owner FROM ferry.checkpoints WHERE run_id = '$first_run'" | grep -q "^taken over by" \
  || fail "the stalled run's checkpoint was not fenced"
kill -CONT $first
set +e
wait $first
rc=$?
set -e
[ "$rc" = 75 ] || fail "the stalled run: expected exit 75 (LOCKED) after losing its lease, got $rc: $(cat first.err)"
[ "$(commits)" = "$before" ] || fail "the stalled run committed after it was taken over ($before, then $(commits))"
same_as_expected stall
echo PASS
