#!/usr/bin/env bash
# name: safety/backup_commands_without_state_create_nothing
# description: `backup list`, `prune`, `verify` and `delete` in a directory without a Ferry state say that
#   there is no state (NOT_FOUND, exit 66) and create nothing: no .ferry, no state file.
# group: e2e
source "$(dirname "$0")/../lib.sh"
mkdir empty && cd empty
for cmd in "list" "list --json" "prune" "prune --dry-run" "verify b-x" "delete b-x"; do
  set +e
  # shellcheck disable=SC2086
  "$FERRY" backup $cmd > out.txt 2> err.txt
  rc=$?
  set -e
  [ "$rc" = 66 ] || fail "backup $cmd: expected exit 66 (NOT_FOUND), got $rc: $(cat out.txt err.txt)"
  grep -q "no Ferry state" err.txt || fail "backup $cmd: no clear message: $(cat err.txt)"
  [ ! -e .ferry ] || fail "backup $cmd created .ferry"
  rm -f out.txt err.txt
done
expect_exit 66 "$FERRY" backup list --state elsewhere.db > /dev/null 2>&1
[ ! -e elsewhere.db ] || fail "backup list --state created the state file"
[ -z "$(ls -A)" ] || fail "files were created: $(ls -A)"
echo "backup commands without a state create nothing"
