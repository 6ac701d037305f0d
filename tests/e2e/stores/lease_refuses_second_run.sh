#!/usr/bin/env bash
# name: stores/lease_refuses_second_run
# description: while a run holds the lease on a target, a second run on the same target is refused
#   with LOCKED (exit 75) naming the holder's run id, host and start; a run on another target is not
#   blocked; after the first run ends, the lease is gone.
# group: e2e
source "$(dirname "$0")/../lib.sh"
# 1,200 batches paced 10 ms apart: the first run holds its lease for 12 s at least.
"$FERRY" generate workouts --count 12000 --seed 41 --output in.jsonl > /dev/null
"$FERRY" run -q --project "$PROJECT" --source in.jsonl --target sqlite:out.db --batch-size 10 --throttle-ms 10 \
  > first.out 2> first.err &
pid=$!
for _ in $(seq 100); do
  "$FERRY" status --json 2> /dev/null | grep -q '"lease_held":true' && break
  sleep 0.1
done
run_id=$("$FERRY" status --json | python3 -c "import json,sys; print(json.load(sys.stdin)[0]['run_id'])")
set +e
"$FERRY" run -q --project "$PROJECT" --source in.jsonl --target sqlite:out.db > second.out 2> second.err
rc=$?
set -e
[ "$rc" = 75 ] || fail "second run: expected exit 75 (LOCKED), got $rc: $(cat second.err)"
grep -q "LOCKED" second.err || fail "no LOCKED code: $(cat second.err)"
grep -q "$run_id" second.err || fail "the refusal does not name run $run_id: $(cat second.err)"
grep -q "host $(hostname)" second.err || fail "the refusal does not name the host: $(cat second.err)"
grep -q "started 20" second.err || fail "the refusal does not give the start time: $(cat second.err)"
# Another target is independent.
"$FERRY" run -q --project "$PROJECT" --source in.jsonl --target other.jsonl > /dev/null
wait $pid || fail "the first run failed: $(cat first.err)"
"$FERRY" status --json | python3 -c "
import json, sys
runs = json.load(sys.stdin)
assert all(not r['lease_held'] for r in runs), runs
assert sorted(r['status'] for r in runs) == ['completed', 'completed'], runs"
echo PASS
