#!/usr/bin/env bash
# name: runs/checksum_after_file_run_says_how_to_trial
# description: a file -> file run records history, so editing ferry.yaml after it gives CHECKSUM_MISMATCH;
#   the message names the file the run wrote and says how to go on (repair is safe for a rewritten file) and
#   how to keep trial runs out of the history (a scratch --state), and that way works.
# group: e2e
source "$(dirname "$0")/../lib.sh"
cp -r "$PROJECT" proj
"$FERRY" generate workouts --count 300 --seed 7 --output in.jsonl > /dev/null
edit() { sed -i "s/- rename: { from: type, to: $1 }/- rename: { from: type, to: $2 }/" proj/ferry.yaml; }
grep -q -- "- rename: { from: type, to: phase }" proj/ferry.yaml || fail "the example changed: adapt the edit"

# A trial with a scratch state records nothing in the default state.
"$FERRY" run -q --project proj --source in.jsonl --target trial.jsonl --state scratch/state.db > /dev/null
edit phase stage
"$FERRY" plan -q --project proj --source in.jsonl > /dev/null || fail "a scratch-state trial made the edit refused"
"$FERRY" run -q --project proj --source in.jsonl --target out.jsonl > /dev/null

# A trial in the default state: the edit is refused, and the message says what to do.
edit stage step
expect_exit 78 "$FERRY" plan -q --project proj --source in.jsonl > /dev/null 2> plan.err
grep -q CHECKSUM_MISMATCH plan.err || fail "no CHECKSUM_MISMATCH: $(cat plan.err)"
grep -q "into the file out.jsonl" plan.err || fail "the message does not name the file written: $(cat plan.err)"
grep -q "scratch state (--state /tmp/trial-state.db)" plan.err || fail "no advice on trial runs: $(cat plan.err)"
"$FERRY" repair --project proj > /dev/null
"$FERRY" plan -q --project proj --source in.jsonl > /dev/null || fail "repair did not accept the edit"
echo PASS
