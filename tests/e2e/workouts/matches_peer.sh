#!/usr/bin/env bash
# name: workouts/matches_peer
# description: for generated inputs (several seeds, every scenario) Ferry's output equals the
#   Node.js peer's under the SPEC's equivalence rule, and the rejected ids are the same set;
#   the report shows input = migrated + already at target + rejected.
# group: e2e
source "$(dirname "$0")/../lib.sh"
have_node || skip "node not installed"
for spec in "mixed 1 20000" "mixed 977 20000" "all-valid 5 5000" "malformed 11 3000" "large 3 2000" "already-migrated 8 3000"; do
  set -- $spec
  scenario=$1 seed=$2 n=$3
  in=in-$scenario-$seed.jsonl
  "$FERRY" generate workouts --count "$n" --seed "$seed" --scenario "$scenario" --output "$in" > /dev/null
  "$FERRY" run -q --project "$PROJECT" --source "$in" --target out.jsonl --rejects rej.jsonl --report report.json \
    --json > run.json
  peer "$in" peer.jsonl peer.rej.jsonl
  python3 "$E2E/compare_with_peer.py" out.jsonl rej.jsonl peer.jsonl peer.rej.jsonl \
    || fail "scenario $scenario seed $seed differs from the peer"
  python3 - report.json "$n" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
n = int(sys.argv[2])
assert r["input"] == n, r
assert r["input"] == r["migrated"] + r["already_at_target"] + r["rejected"] + r["filtered"], r
PY
  # also with the Python peer's generator data
done
# The peers' own generator, too (different shapes of randomness).
python3 "$SHARED/peers/gen_workouts.py" 20000 py.jsonl --seed 4242 > /dev/null
"$FERRY" run -q --project "$PROJECT" --source py.jsonl --target out.jsonl --rejects rej.jsonl > /dev/null
peer py.jsonl peer.jsonl peer.rej.jsonl
python3 "$E2E/compare_with_peer.py" out.jsonl rej.jsonl peer.jsonl peer.rej.jsonl || fail "gen_workouts.py data differs"
echo PASS
