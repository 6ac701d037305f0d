#!/usr/bin/env bash
# name: safety/backup_create_killed_is_pruned
# description: a `backup create` killed with SIGKILL while writing leaves a backup in state `writing`;
#   `backup prune` removes it (index and files) because the process that wrote it is gone, while a backup
#   whose writer is alive (stopped with SIGSTOP) is left alone and completes afterwards.
# group: e2e
source "$(dirname "$0")/../lib.sh"
"$FERRY" generate workouts --count 60000 --seed 13 --output in.jsonl > /dev/null
# start_create: a backup create in the background ($pid); waits until its first chunk is in the index and
# sets $new to its id.
start_create() {
  local known
  known=$(sqlite3 .ferry/state.db "SELECT group_concat(quote(id)) FROM backups" 2> /dev/null || true)
  "$FERRY" backup create --project "$PROJECT" --source in.jsonl > create.out 2> create.err &
  pid=$!
  local waited=0
  new=""
  until [ -n "$new" ]; do
    sleep 0.01
    new=$(sqlite3 .ferry/state.db "SELECT b.id FROM backups b JOIN backup_chunks c ON b.id = c.backup_id
                                   WHERE b.status = 'writing' AND b.id NOT IN (${known:-''}) LIMIT 1" 2> /dev/null || true)
    waited=$((waited + 1))
    [ "$waited" -lt 6000 ] || fail "backup create wrote no chunk in 60 s: $(cat create.err)"
    kill -0 "$pid" 2> /dev/null || fail "backup create ended before it could be killed: $(cat create.err)"
  done
}
writing() { sqlite3 .ferry/state.db "SELECT id FROM backups WHERE status = 'writing'"; }

# Two killed creates: orphans in state `writing`.
for i in 1 2; do
  start_create
  kill -KILL "$pid"
  set +e; wait "$pid" 2> /dev/null; set -e
done
mapfile -t orphans < <(writing)
[ "${#orphans[@]}" = 2 ] || fail "expected 2 backups left writing, got ${#orphans[@]}"
for id in "${orphans[@]}"; do [ -d ".ferry/backups/$id" ] || fail "no directory for $id"; done

# A live writer, paused: prune must leave it.
start_create
kill -STOP "$pid"
live=$new

"$FERRY" backup prune --dry-run --json > would.json
"$FERRY" backup prune --json > pruned.json
cmp would.json pruned.json || fail "--dry-run and prune disagree"
python3 - "$live" "${orphans[@]}" <<'PY'
import json, sys
live, orphans = sys.argv[1], set(sys.argv[2:])
pruned = set(json.load(open("pruned.json")))
assert orphans <= pruned, ("orphans not pruned", orphans - pruned)
assert live not in pruned, "a backup whose writer is alive was pruned"
PY
for id in "${orphans[@]}"; do
  [ ! -e ".ferry/backups/$id" ] || fail "prune left the files of $id"
  [ -z "$(sqlite3 .ferry/state.db "SELECT id FROM backups WHERE id = '$id'")" ] || fail "prune left $id in the index"
done
[ -d ".ferry/backups/$live" ] || fail "prune removed the live backup's files"

kill -CONT "$pid"
wait "$pid" || fail "the paused create failed after prune: $(cat create.err)"
"$FERRY" backup verify "$live" > /dev/null || fail "the live backup is not intact after prune"
[ -z "$(writing)" ] || fail "backups still writing: $(writing)"
echo "killed creates pruned, the live one kept"
