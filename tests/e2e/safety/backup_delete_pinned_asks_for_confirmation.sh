#!/usr/bin/env bash
# name: safety/backup_delete_pinned_asks_for_confirmation
# description: deleting a pinned backup asks first: without a terminal and without --yes it is refused
#   (exit 2, the message says it is pinned and to confirm with --yes) and nothing is deleted; on a
#   terminal, answering anything but yes deletes nothing, answering yes deletes it; --yes deletes it
#   without asking. An unpinned backup is deleted without asking, as before.
# group: e2e
source "$(dirname "$0")/../lib.sh"
"$FERRY" generate workouts --scenario all-valid --count 50 --seed 37 --output in.jsonl > /dev/null
create() { "$FERRY" backup create --json --project "$PROJECT" --source in.jsonl "$@" | python3 -c "import json,sys; print(json.load(sys.stdin)['id'])"; }
listed() { "$FERRY" backup list --json | python3 -c "import json,sys; print(any(b['id'] == '$1' for b in json.load(sys.stdin)))"; }
pinned=$(create --pin --description keep-me)
set +e; "$FERRY" backup delete "$pinned" < /dev/null > out.txt 2> err.txt; code=$?; set -e
[ "$code" = 2 ] || fail "a pinned backup's deletion without a terminal exited $code"
grep -q "is pinned" err.txt && grep -q -- "--yes" err.txt || fail "the refusal does not say why and what to do: $(cat err.txt)"
[ "$(listed "$pinned")" = True ] || fail "the refused deletion deleted the backup"
[ -f ".ferry/backups/$pinned/manifest.json" ] || fail "the refused deletion removed files"
if command -v script > /dev/null; then
  # On a terminal (script(1) gives the command one): "no" keeps it.
  echo no | script -qec "$FERRY backup delete $pinned" /dev/null > tty.txt 2>&1 || true
  grep -q "Type 'yes'" tty.txt || fail "no question on a terminal: $(cat tty.txt)"
  [ "$(listed "$pinned")" = True ] || fail "answering no deleted the backup"
  echo yes | script -qec "$FERRY backup delete $pinned" /dev/null > tty.txt 2>&1 || fail "answering yes failed: $(cat tty.txt)"
  [ "$(listed "$pinned")" = False ] || fail "answering yes did not delete the backup"
  pinned=$(create --pin)
fi
"$FERRY" backup delete "$pinned" --yes < /dev/null > /dev/null
[ "$(listed "$pinned")" = False ] || fail "--yes did not delete the pinned backup"
plain=$(create)
"$FERRY" backup delete "$plain" < /dev/null > /dev/null || fail "an unpinned backup needs no confirmation"
[ "$(listed "$plain")" = False ] || fail "the unpinned backup was not deleted"
echo PASS
