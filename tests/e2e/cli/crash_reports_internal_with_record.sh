#!/usr/bin/env bash
# name: cli/crash_reports_internal_with_record
# description: a crash (here SIGSEGV sent to a run busy migrating a large input) is reported as one line,
#   "ferry: INTERNAL: crashed (SIGSEGV) while processing record N (line L...)", and exit 70 (INTERNAL),
#   not a bare 139; SIGABRT likewise gives 70, not 134. Sanitizer builds keep the sanitizers' handlers.
# group: e2e nosan
source "$(dirname "$0")/../lib.sh"
"$FERRY" generate workouts --count 200000 --seed 5 --scenario all-valid --output in.jsonl > /dev/null
# crash SIGNAL ATTEMPT: starts a run, sends SIGNAL once its workers are busy; prints its stderr.
crash() {
  rm -rf out.jsonl .ferry
  "$FERRY" run -q --project "$PROJECT" --source in.jsonl --target out.jsonl --threads 2 2> err.txt &
  local pid=$! tries=0
  # Its worker threads are there: records are being processed.
  while [ "$(ls /proc/$pid/task 2> /dev/null | wc -l)" -lt 3 ] && [ $tries -lt 500 ]; do
    sleep 0.01
    tries=$((tries + 1))
  done
  sleep 0.2
  kill -"$1" "$pid" 2> /dev/null || fail "the run ended before it could be signalled (input too small?)"
  set +e
  wait "$pid"
  local code=$?
  set -e
  [ "$code" = 70 ] || fail "SIG$1: exit $code, expected 70 (INTERNAL): $(cat err.txt)"
  grep -q "^ferry: INTERNAL: crashed (SIG$1)" err.txt || fail "SIG$1: no INTERNAL line: $(cat err.txt)"
  grep -q "please report this bug" err.txt || fail "SIG$1: no advice: $(cat err.txt)"
  cat err.txt
}
# The signal may land between two records: then the line names none. A busy
# run is inside a record nearly always; one of five attempts must name it.
named=0
for attempt in 1 2 3 4 5; do
  crash SEGV > report.txt
  if grep -Eq "while processing record [1-9][0-9]* \(line [1-9][0-9]*" report.txt; then
    named=1
    break
  fi
done
[ "$named" = 1 ] || fail "no crash report named the record being processed"
crash ABRT > /dev/null
echo "crashes: INTERNAL (70) with the record being processed"
