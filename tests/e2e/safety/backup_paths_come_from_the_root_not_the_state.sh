#!/usr/bin/env bash
# name: safety/backup_paths_come_from_the_root_not_the_state
# description: a backup's files are found from the backup root and its id, never from what the state says:
#   a state edited to point a backup's `dir` at another directory makes `backup delete` and `prune` leave
#   that directory (and its canary) alone; chunk names other than chunk-NNNNNN.fbk (../../x.fbk, an
#   absolute path) make `verify --decode` and `restore` refuse with INTEGRITY_ERROR (65), reading nothing;
#   delete removes only Ferry's files and leaves a directory that holds others, saying so; ids that are
#   not one path component are refused.
# group: e2e
source "$(dirname "$0")/../lib.sh"
"$FERRY" generate workouts --count 12000 --seed 5 --output in.jsonl > /dev/null
create() { "$FERRY" backup create --json --project "$PROJECT" --source in.jsonl | python3 -c "import json,sys; print(json.load(sys.stdin)['id'])"; }
# edit_manifest ID PYTHON: applies PYTHON to the manifest `m` in the state (and in manifest.json on disk,
# so that the files agree with the index as an attacker with both would leave them).
edit_manifest() {
  python3 - "$1" "$2" <<'PY'
import json, os, sqlite3, sys
id, code = sys.argv[1:]
db = sqlite3.connect(".ferry/state.db")
m = json.loads(db.execute("SELECT manifest FROM backups WHERE id = ?", (id,)).fetchone()[0])
exec(code, {"m": m})
db.execute("UPDATE backups SET manifest = ? WHERE id = ?", (json.dumps(m), id))
db.commit()
disk = os.path.join(".ferry/backups", id, "manifest.json")
d = json.load(open(disk))
exec(code, {"m": d})
json.dump(d, open(disk, "w"))
PY
}
mkdir victim
echo "precious" > victim/canary.txt
mkdir victim/sub && echo "also precious" > victim/sub/file.txt
VICTIM=$(cd victim && pwd)

# 1. `dir` pointed at the victim: delete leaves it, and removes the backup's own files.
b1=$(create)
[ -f ".ferry/backups/$b1/chunk-000001.fbk" ] || fail "no chunk file written"
edit_manifest "$b1" "m['dir'] = '$VICTIM'"
"$FERRY" backup delete "$b1" > delete.out 2> delete.err || fail "delete failed: $(cat delete.err)"
[ -f victim/canary.txt ] && [ -f victim/sub/file.txt ] || fail "backup delete removed the directory the state named"
[ ! -e ".ferry/backups/$b1" ] || fail "backup delete left the backup's own directory: $(ls ".ferry/backups/$b1")"

# 2. The same through prune.
b2=$(create)
edit_manifest "$b2" "m['dir'] = '$VICTIM'"
"$FERRY" backup prune --keep 0 --json > pruned.json 2> prune.err || fail "prune failed: $(cat prune.err)"
grep -q "$b2" pruned.json || fail "prune did not prune $b2: $(cat pruned.json)"
[ -f victim/canary.txt ] && [ -f victim/sub/file.txt ] || fail "backup prune removed the directory the state named"
[ ! -e ".ferry/backups/$b2" ] || fail "prune left the backup's own directory"

# 3. A stray file in a backup directory: only Ferry's files go, the directory stays, and delete says so.
b3=$(create)
echo "mine" > ".ferry/backups/$b3/notes.txt"
"$FERRY" backup delete "$b3" > delete.out 2> delete.err || fail "delete failed: $(cat delete.err)"
[ "$(ls ".ferry/backups/$b3")" = notes.txt ] || fail "delete should leave only notes.txt: $(ls ".ferry/backups/$b3")"
grep -q "notes.txt" delete.err || fail "delete did not say why the directory was left: $(cat delete.err)"

# 4. Chunk names that are not Ferry's: verify --decode and restore refuse, read nothing.
for bad in "../../x.fbk" "$PWD/x.fbk"; do
  b=$(create)
  # The file the edited name points to holds the real chunk's bytes: reading it would "succeed".
  cp ".ferry/backups/$b/chunk-000001.fbk" x.fbk
  cp ".ferry/backups/$b/chunk-000001.fbk" .ferry/x.fbk
  edit_manifest "$b" "m['chunks'][0]['file'] = '$bad'"
  expect_exit 65 "$FERRY" backup verify "$b" --decode > verify.out 2> verify.err
  grep -q "chunk-000001.fbk" verify.err || fail "verify --decode: no clear message for $bad: $(cat verify.err)"
  expect_exit 65 "$FERRY" backup restore "$b" --yes --project "$PROJECT" --target restored.jsonl > restore.out 2> restore.err
  [ ! -e restored.jsonl ] || fail "restore wrote from a chunk named $bad"
  grep -q "not one Ferry writes\|as Ferry writes it" restore.err || fail "restore: no clear message: $(cat restore.err)"
done

# 5. An id that is not one path component (an edited index) is refused, nothing deleted.
b5=$(create)
sqlite3 .ferry/state.db "UPDATE backups SET id = '../../victim', manifest = json_set(manifest, '$.id', '../../victim') WHERE id = '$b5';
                         UPDATE backup_chunks SET backup_id = '../../victim' WHERE backup_id = '$b5'"
expect_exit 65 "$FERRY" backup delete "../../victim" > /dev/null 2> id.err
grep -q "not one Ferry gives" id.err || fail "no clear message for a bad id: $(cat id.err)"
[ -f victim/canary.txt ] || fail "a bad id deleted the victim"
echo "backup paths come from the root and the id"
