#!/usr/bin/env bash
# name: cli/numeric_options_strict
# description: every numeric option takes one plain number inside its range, or the command stops with
#   INVALID_ARGUMENT (exit 2) naming the option before anything is read: --lease-ttl nan/inf, --batch-size
#   -5/0/huge/1e3, --threads 0, --commit-interval nan, --retries -1, --throttle-ms 1.5, status --limit -1,
#   rollback --commit-records 0, backup prune --keep -1, a template holding --lease-ttl nan; --split below
#   4KB is refused instead of writing one file per record; good values still run.
# group: e2e
source "$(dirname "$0")/../lib.sh"
unset FERRY_STATE
"$FERRY" generate workouts --count 40 --seed 1 --output in.jsonl > /dev/null
run() { "$FERRY" run -q --state st.db --project "$PROJECT" --source in.jsonl --target out.jsonl "$@"; }
bad() {  # bad OPTION-NAME CMD...: exit 2 and a message naming the option
  local name=$1; shift
  set +e
  "$@" > out.txt 2> err.txt
  local rc=$?
  set -e
  [ "$rc" = 2 ] || fail "$*: expected exit 2, got $rc: $(cat err.txt)"
  grep -q -- "$name" err.txt || fail "$*: the message does not name $name: $(cat err.txt)"
}
bad --lease-ttl run --lease-ttl nan
bad --lease-ttl run --lease-ttl inf
bad --lease-ttl run --lease-ttl 0.01
bad --batch-size run --batch-size -5
bad --batch-size run --batch-size 0
bad --batch-size run --batch-size 99999999999999999999
bad --batch-size run --batch-size 1e3
bad --batch-size run --batch-size 10x
bad --threads run --threads 0
bad --threads run --threads -1
bad --commit-interval run --commit-interval nan
bad --retries run --retries -1
bad --throttle-ms run --throttle-ms 1.5
bad --compress-level run --compress-level abc
bad --limit "$FERRY" status --state st.db --limit -1
bad --commit-records "$FERRY" rollback --state st.db --commit-records 0 --yes
bad --keep "$FERRY" backup prune --state st.db --keep -1
bad --lease-ttl "$FERRY" template save t --state st.db --for run -- --lease-ttl nan
bad --split run --split 1
[ ! -e out.jsonl ] && [ ! -e out.00001.jsonl ] || fail "a refused run wrote its target"
"$FERRY" run -q --state st2.db --project "$PROJECT" --source in.jsonl --target good.jsonl --batch-size 7 \
  --threads 1 --lease-ttl 2.5 --commit-interval 0 --retries 0 --throttle-ms 0 --split 4KB > /dev/null 2> err.txt || fail "good values refused: $(cat err.txt)"
[ -e good.00002.jsonl ] || fail "the good run wrote no parts: $(ls)"
echo PASS
