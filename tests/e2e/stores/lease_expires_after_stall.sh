#!/usr/bin/env bash
# name: stores/lease_expires_after_stall
# description: a run that stops heart-beating (SIGSTOP) loses its lease when it expires; the same
#   command started again takes the run over without any unlock command and finishes it; the stalled
#   process, once continued, stops with LOCKED and writes nothing more; the target is exactly right.
# group: e2e nosan
source "$(dirname "$0")/../lib.sh"
"$FERRY" generate workouts --count 4000 --seed 42 --output in.jsonl > /dev/null
"$FERRY" run -q --state clean.db --project "$PROJECT" --source in.jsonl --target expected.jsonl > /dev/null
args=(--project "$PROJECT" --source in.jsonl --target out.jsonl --lease-ttl 1 --batch-size 10 --throttle-ms 5
  --commit-interval 0.05)
"$FERRY" run -q "${args[@]}" > first.out 2> first.err &
pid=$!
sleep 0.7
kill -STOP $pid
# Within the lease time the run is still protected.
set +e
"$FERRY" run -q "${args[@]}" > early.out 2> early.err
rc=$?
set -e
[ "$rc" = 75 ] || fail "a takeover before expiry: expected exit 75, got $rc: $(cat early.err)"
sleep 1.2
"$FERRY" run "${args[@]}" > second.out 2> second.err || fail "the takeover run failed: $(cat second.err)"
grep -q "took over the lease" second.out || fail "no takeover notice: $(cat second.out)"
cp out.jsonl published.jsonl
kill -CONT $pid
set +e
wait $pid
rc=$?
set -e
[ "$rc" = 75 ] || fail "the stalled run: expected exit 75 (LOCKED) after losing its lease, got $rc: $(cat first.err)"
cmp out.jsonl expected.jsonl || fail "output differs from an uninterrupted run"
cmp out.jsonl published.jsonl || fail "the stalled process changed the published output"
echo PASS
