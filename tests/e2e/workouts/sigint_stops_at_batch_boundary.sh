#!/usr/bin/env bash
# name: workouts/sigint_stops_at_batch_boundary
# description: SIGINT stops the run at a batch boundary with a summary (exit 130); the target is not
#   published; running the same command again resumes the run and publishes exactly the output of an
#   uninterrupted run.
# group: e2e
source "$(dirname "$0")/../lib.sh"
"$FERRY" generate workouts --count 20000 --seed 4 --output in.jsonl > /dev/null
"$FERRY" run -q --state full.db --project "$PROJECT" --source in.jsonl --target full.jsonl > /dev/null
set +e
"$FERRY" run --project "$PROJECT" --source in.jsonl --target out.jsonl --batch-size 100 --throttle-ms 20 \
  > summary.txt 2> err.txt &
pid=$!
sleep 1
kill -INT $pid
wait $pid
rc=$?
set -e
[ "$rc" = 130 ] || fail "expected exit 130 after SIGINT, got $rc: $(cat err.txt)"
grep -q "cancelled" summary.txt || fail "no summary: $(cat summary.txt)"
grep -q "run the same command again" err.txt summary.txt || fail "no resume advice: $(cat err.txt summary.txt)"
[ ! -e out.jsonl ] || fail "target published after interruption"
"$FERRY" status | grep -q cancelled || fail "status does not show the cancelled run"
"$FERRY" run --project "$PROJECT" --source in.jsonl --target out.jsonl > resumed.txt
grep -q "Resumed run" resumed.txt || fail "the second run did not resume: $(cat resumed.txt)"
cmp out.jsonl full.jsonl || fail "resumed output differs from an uninterrupted run"
echo PASS
