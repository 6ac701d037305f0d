#!/usr/bin/env bash
# name: workouts/sigint_stops_at_batch_boundary
# description: SIGINT stops the run at a batch boundary with a summary (exit 130); the target is not
#   published; the records written so far are whole batches, in order, in TARGET.partial.
# group: e2e
source "$(dirname "$0")/../lib.sh"
"$FERRY" generate workouts --count 20000 --seed 4 --output in.jsonl > /dev/null
"$FERRY" run -q --project "$PROJECT" --source in.jsonl --target full.jsonl > /dev/null
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
[ ! -e out.jsonl ] || fail "target published after interruption"
[ -s out.jsonl.partial ] || fail "no partial output"
n=$(wc -l < out.jsonl.partial)
head -n "$n" full.jsonl | cmp - out.jsonl.partial || fail "partial output is not a prefix of the full output"
echo PASS
