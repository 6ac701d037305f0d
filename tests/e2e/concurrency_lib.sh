# Helpers for the concurrency tests (tests/e2e/concurrency/; sourced after lib.sh):
# an application writing beside a run (ferry_app_writer, tests/util/app_writer.cc)
# and the oracle that checks, key by key, that none of its writes was lost
# (tests/e2e/concurrency_oracle.py; its header says what is checked).
#
# The application's marker is the string it writes into the workouts' `name`:
# a top-level string in every version (legacy and unified-1), which every
# migration of examples/workouts/ferry.yaml keeps as it is (`keep` lists it, no
# step renames or converts it). So "app-<seq>" survives a migration unchanged,
# and a row carries the application's last value whether the run migrated it
# after the application wrote it or the application wrote it after the run.
source "$E2E/safety_lib.sh"
ORACLE=$E2E/concurrency_oracle.py
if [ -z "${FERRY_APP_WRITER:-}" ]; then
  FERRY_APP_WRITER=$(dirname "$FERRY")/../tests/ferry_app_writer
fi
[ -x "$FERRY_APP_WRITER" ] || fail "ferry_app_writer not found at $FERRY_APP_WRITER (build the target; set FERRY_APP_WRITER)"

APP_PID=
# The application's mix of writes (ferry_app_writer --mix); set APP_MIX to try another,
# e.g. APP_MIX=update=90,delete=10 to leave re-inserts out.
APP_MIX=${APP_MIX:-update=80,delete=10,insert=10}
trap 'if [ -n "$APP_PID" ]; then kill "$APP_PID" 2> /dev/null || true; wait "$APP_PID" 2> /dev/null || true; fi; rm -rf "$WORK"' EXIT

now_ns() { date +%s%N; }

# app_start NAME STORE [ARGS...]: starts the application writer in the background
# (log NAME.log, stderr NAME.err) and returns once it has loaded its keys.
app_start() {
  local name=$1 store=$2
  shift 2
  rm -f "$name.stop" "$name.ready"
  "$FERRY_APP_WRITER" --store "$store" --log "$name.log" --stop-file "$name.stop" --ready-file "$name.ready" \
    --max-seconds 300 "$@" 2> "$name.err" &
  APP_PID=$!
  local i
  for i in $(seq 1200); do
    [ -e "$name.ready" ] && return 0
    kill -0 "$APP_PID" 2> /dev/null || break
    sleep 0.05
  done
  fail "the application writer did not start: $(cat "$name.err")"
}
# app_stop NAME: stops it (stop file) and waits; fails when it failed.
app_stop() {
  local name=$1 rc=0
  touch "$name.stop"
  wait "$APP_PID" || rc=$?
  APP_PID=
  [ "$rc" = 0 ] || fail "the application writer failed (exit $rc): $(cat "$name.err")"
  cat "$name.err" >&2
}

# ids FILE: the "id" of every record of a JSON Lines file, one a line.
ids() {
  python3 -c '
import json, sys
for line in open(sys.argv[1]):
    print(json.loads(line)["id"])' "$1"
}

# sqlite_wal DB: switches the database to WAL mode (what Ferry and applications use).
sqlite_wal() { python3 -c 'import sqlite3, sys; sqlite3.connect(sys.argv[1]).execute("PRAGMA journal_mode=WAL")' "$1" > /dev/null; }

# pg_load FILE URI TABLE: loads a JSON Lines file into a PostgreSQL table as an
# application stored it (key = the record's id, else row-N; version NULL), without Ferry.
pg_load() {
  psql "$2" -Xq -v ON_ERROR_STOP=1 <<SQL
CREATE TABLE staging_$3 (n bigserial, doc jsonb);
\copy staging_$3 (doc) from '$1' with (format csv, quote e'\x01', delimiter e'\x02')
CREATE TABLE $3 (key text PRIMARY KEY, version text, document jsonb NOT NULL,
                 updated_at timestamptz NOT NULL DEFAULT now());
INSERT INTO $3 (key, document)
  SELECT coalesce(doc->>'id', 'row-' || (n - 1)), doc FROM staging_$3 ORDER BY n;
DROP TABLE staging_$3;
SQL
}

# oracle ARGS...: runs the oracle's check; returns its exit code (no failure).
oracle() {
  local rc=0
  python3 "$ORACLE" check "$@" || rc=$?
  return "$rc"
}

# prepare_legacy N SEED: N generated workouts (the default mix: every legacy
# version, some already unified, some invalid) in in.jsonl; expected.jsonl is a
# file-to-file run of them (the run without the application), keys.txt the keys
# the application writes to: two thirds of those the run migrates (invalid rows stay out
# of its way; the other third shows that rows nobody else wrote are migrated exactly).
prepare_legacy() {
  "$FERRY" generate workouts --count "$1" --seed "$2" --output in.jsonl > /dev/null
  "$FERRY" run -q --state reference.db --project "$PROJECT" --source in.jsonl --target expected.jsonl \
    --rejects expected.rej.jsonl > /dev/null
  ids expected.jsonl | awk 'NR % 3 != 0' > keys.txt
}

# run_resuming NAME ARGS...: `ferry run ARGS` (report NAME.run.json); when it fails, runs the
# same command again (it resumes), as a user would, up to 3 times, so that the oracle still
# sees a finished run. Each failure is a failure of the test all the same: RUN_FAILURES
# counts them, NAME.run.err keeps their messages.
RUN_FAILURES=0
run_resuming() {
  local name=$1 attempt rc
  shift
  : > "$name.run.err"
  for attempt in 1 2 3 4; do
    rc=0
    "$FERRY" run -q --report "$name.run.json" "$@" > /dev/null 2>> "$name.run.err" || rc=$?
    [ "$rc" = 0 ] && return 0
    RUN_FAILURES=$((RUN_FAILURES + 1))
    echo "run attempt $attempt failed (exit $rc): $(tail -n 1 "$name.run.err" | cut -c1-400)" >&2
  done
  return 1
}
# run_failures_ok: 0 when no run failed, else says so and returns 1.
run_failures_ok() {
  [ "$RUN_FAILURES" = 0 ] && return 0
  echo "FAILED: the run failed $RUN_FAILURES time(s) under the application's writes (resumed each time)" >&2
  return 1
}

# in_place_with_app STORE NAME [APP ARGS...]: snapshots the table, starts the
# application, migrates the table in place (batches of 200, 40 ms apart, as in issue 11: the run
# lasts several seconds), stops the application APP_TAIL seconds after (default 0), and
# runs the oracle.
# The run's JSON report is NAME.run.json; the window NAME.window ("START END" in ns).
# Returns the oracle's exit code.
IN_PLACE_RUN_ARGS=(--batch-size 200 --throttle-ms 40)
APP_TAIL=0
in_place_with_app() {
  local store=$1 name=$2
  shift 2
  python3 "$ORACLE" snapshot --store "$store" --out "$name.before.jsonl"
  app_start "$name.app" "$store" --keys-file keys.txt --insert-docs in.jsonl "$@"
  local t0 t1 rc=0
  t0=$(now_ns)
  run_resuming "$name" --project "$PROJECT" --source "$store" "${IN_PLACE_RUN_ARGS[@]}" --rejects "$name.rej.jsonl" \
    || rc=$?
  t1=$(now_ns)
  sleep "$APP_TAIL"
  app_stop "$name.app"
  [ "$rc" = 0 ] || fail "the in-place run failed, 4 times: $(cat "$name.run.err")"
  echo "$t0 $t1" > "$name.window"
  echo "in-place run: $(( (t1 - t0) / 1000000 )) ms" >&2
  rc=0
  oracle --store "$store" --before "$name.before.jsonl" --log "$name.app.log" --kind in-place --phase after-run \
    --expected expected.jsonl --expected-rejects expected.rej.jsonl --insert-docs in.jsonl --report "$name.run.json" \
    --window "$t0" "$t1" --min-writes 10000 --summary "$name.oracle.json" || rc=$?
  run_failures_ok || rc=1
  return "$rc"
}

# rollback_and_check STORE NAME KIND [ORACLE ARGS...]: stops nothing (the application must
# be stopped), shows the impact (NAME.impact.json), rolls the newest run on STORE back
# (NAME.rollback.json; exit 0, or 75 when rows changed after the run were left as they are),
# and checks the table against what the application made of the table before the run.
# Returns the oracle's exit code.
rollback_and_check() {
  local store=$1 name=$2 kind=$3 rc=0
  shift 3
  "$FERRY" rollback -q --dry-run --json --project "$PROJECT" --target "$store" > "$name.impact.json" \
    2> "$name.impact.err" || true
  "$FERRY" rollback -q --yes --json --project "$PROJECT" --target "$store" > "$name.rollback.json" \
    2> "$name.rollback.err" || rc=$?
  [ "$rc" = 0 ] || [ "$rc" = 75 ] || fail "the rollback failed (exit $rc): $(cat "$name.rollback.err" "$name.rollback.json")"
  oracle --store "$store" --before "$name.before.jsonl" --log "$name.app.log" --kind "$kind" --phase after-rollback \
    --rollback-report "$name.rollback.json" --rollback-exit "$rc" --summary "$name.rollback-oracle.json" "$@"
}

# rollback_with_app STORE NAME [APP ARGS...]: the table holds a run's work (done with nobody
# else writing; NAME.before.jsonl is the table before that run); starts the application,
# rolls the run back (200 records a transaction, 40 ms apart: it lasts several seconds),
# stops the application, and checks the table against what the application made of the
# table before the run: a restore must never write over an application write (the row
# changed since the run: a conflict, kept), nor bring back a row the application deleted.
# Returns the oracle's exit code.
ROLLBACK_ARGS=(--commit-records 2000 --throttle-ms 100)
rollback_with_app() {
  local store=$1 name=$2 rc=0 t0 t1
  shift 2
  app_start "$name.app" "$store" --keys-file keys.txt --insert-docs in.jsonl "$@"
  t0=$(now_ns)
  "$FERRY" rollback -q --yes --json --project "$PROJECT" --target "$store" "${ROLLBACK_ARGS[@]}" \
    > "$name.rollback.json" 2> "$name.rollback.err" || rc=$?
  t1=$(now_ns)
  app_stop "$name.app"
  [ "$rc" = 0 ] || [ "$rc" = 75 ] || fail "the rollback failed (exit $rc): $(cat "$name.rollback.err" "$name.rollback.json")"
  echo "rollback: $(( (t1 - t0) / 1000000 )) ms" >&2
  oracle --store "$store" --before "$name.before.jsonl" --log "$name.app.log" --kind in-place --phase after-rollback \
    --expected expected.jsonl --insert-docs in.jsonl --rollback-report "$name.rollback.json" --rollback-exit "$rc" \
    --window "$t0" "$t1" --min-writes 10000 --summary "$name.rollback-oracle.json"
}

# prepare_live N SEED: a live table and a file to run into it, --on-conflict overwrite.
#   live.jsonl   the table's rows: the first 2/3 of N valid workouts, already unified, each
#                with its own name ("table-<n>": the application's data, different from the
#                run's documents)
#   src.jsonl    the run's source: the last 2/3 of them, legacy (half overlap the table)
#   src.expected.jsonl  what the run writes for each of them (a file-to-file run)
#   keys.txt     the keys the application writes to: the overlap, where the run and the
#                application race for the same rows
prepare_live() {
  "$FERRY" generate workouts --scenario all-valid --count "$1" --seed "$2" --output all.jsonl > /dev/null
  "$FERRY" run -q --state reference.db --project "$PROJECT" --source all.jsonl --target all.expected.jsonl > /dev/null
  python3 - "$1" <<'PY'
import json, sys
n = int(sys.argv[1])
legacy = [l.rstrip("\n") for l in open("all.jsonl")]
unified = {json.loads(l)["id"]: l.rstrip("\n") for l in open("all.expected.jsonl")}
ids = [json.loads(l)["id"] for l in legacy]
assert len(unified) == n == len(ids)
third = n // 3
with open("live.jsonl", "w") as f:
    for i in range(0, 2 * third):
        d = json.loads(unified[ids[i]])
        d["name"] = "table-%d" % i
        f.write(json.dumps(d, separators=(",", ":")) + "\n")
with open("src.jsonl", "w") as f, open("src.expected.jsonl", "w") as e:
    for i in range(third, n):
        f.write(legacy[i] + "\n")
        e.write(unified[ids[i]] + "\n")
with open("keys.txt", "w") as f:
    for i in range(third, 2 * third):
        f.write(ids[i] + "\n")
PY
}

# live_overwrite_with_app STORE NAME [APP ARGS...]: snapshots the live table, starts the
# application on the overlapping keys, runs src.jsonl into the table with --on-conflict
# overwrite (small batches, throttled), lets the application go on for a moment, stops it
# and checks the table (oracle, after-run); then rolls the run back and checks that the
# table is what the application made of it (oracle, after-rollback): an application write
# the run replaced must be the before-image the run journaled. Returns 0 when both hold.
LIVE_RUN_ARGS=(--batch-size 100 --throttle-ms 40)
live_overwrite_with_app() {
  local store=$1 name=$2
  shift 2
  python3 "$ORACLE" snapshot --store "$store" --out "$name.before.jsonl"
  app_start "$name.app" "$store" --keys-file keys.txt --insert-docs live.jsonl "$@"
  local t0 t1 rc=0 after_run=0 after_rollback=0
  t0=$(now_ns)
  run_resuming "$name" --project "$PROJECT" --source src.jsonl --target "$store" --on-conflict overwrite \
    "${LIVE_RUN_ARGS[@]}" || rc=$?
  t1=$(now_ns)
  sleep 0.5
  app_stop "$name.app"
  [ "$rc" = 0 ] || fail "the run into the live table failed, 4 times: $(cat "$name.run.err")"
  echo "run into the live table: $(( (t1 - t0) / 1000000 )) ms" >&2
  oracle --store "$store" --before "$name.before.jsonl" --log "$name.app.log" --kind overwrite --phase after-run \
    --expected src.expected.jsonl --insert-docs live.jsonl --report "$name.run.json" \
    --window "$t0" "$t1" --min-writes 10000 --summary "$name.oracle.json" || after_run=$?
  rollback_and_check "$store" "$name" overwrite --expected src.expected.jsonl --insert-docs live.jsonl \
    || after_rollback=$?
  run_failures_ok || after_run=1
  [ "$after_run" = 0 ] && [ "$after_rollback" = 0 ]
}
