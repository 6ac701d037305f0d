#!/usr/bin/env bash
# name: safety/postgres_backup_paths_come_from_the_root
# description: PostgreSQL state: a database user who edits ferry.backups to point a backup's `dir` at
#   another directory cannot make `backup delete` or `prune` remove it: the files are looked for only in
#   --dir/ID (and without --dir, on-disk files are left with a note); chunks kept in the state with a chunk
#   name that is not Ferry's are refused by verify --decode (INTEGRITY_ERROR, 65).
# group: e2e postgres
source "$(dirname "$0")/../lib.sh"
db=$(pg_database pg_backup_paths)
"$FERRY" generate workouts --count 8000 --seed 9 --output in.jsonl > /dev/null
create() {
  "$FERRY" backup create --json --state "$db" --project "$PROJECT" --source in.jsonl "$@" \
    | python3 -c "import json,sys; print(json.load(sys.stdin)['id'])"
}
set_dir() { psql "$db" -XAtq -v ON_ERROR_STOP=1 -c "UPDATE ferry.backups SET manifest = jsonb_set(manifest::jsonb, '{dir}', to_jsonb('$2'::text))::text WHERE id = '$1'"; }
mkdir victim
echo "precious" > victim/canary.txt
VICTIM=$(cd victim && pwd)

b1=$(create --dir bk)
[ -f "bk/$b1/chunk-000001.fbk" ] || fail "no chunk file in bk/$b1"
set_dir "$b1" "$VICTIM"
"$FERRY" backup delete "$b1" --state "$db" > /dev/null 2> delete.err || fail "delete: $(cat delete.err)"
[ -f victim/canary.txt ] || fail "backup delete removed the directory ferry.backups named"
grep -q "pass --dir" delete.err || fail "delete did not say the on-disk files were left: $(cat delete.err)"

b2=$(create --dir bk)
set_dir "$b2" "$VICTIM"
"$FERRY" backup prune --keep 0 --state "$db" > /dev/null 2> prune.err || fail "prune: $(cat prune.err)"
[ -f victim/canary.txt ] || fail "prune (without --dir) removed the directory ferry.backups named"
grep -q "pass --dir" prune.err || fail "prune did not say the on-disk files were left: $(cat prune.err)"

# With --dir, the backup's own files go, and still nothing else.
b4=$(create --dir bk)
set_dir "$b4" "$VICTIM"
"$FERRY" backup delete "$b4" --state "$db" --dir bk > /dev/null 2> delete.err || fail "delete --dir: $(cat delete.err)"
[ -f victim/canary.txt ] || fail "backup delete --dir removed the directory ferry.backups named"
[ ! -e "bk/$b4" ] || fail "backup delete --dir left bk/$b4"

# Chunks kept in the state (no --dir): a chunk name that is not Ferry's is refused.
b3=$(create)
psql "$db" -XAtq -v ON_ERROR_STOP=1 -c "UPDATE ferry.backups SET manifest = jsonb_set(manifest::jsonb, '{chunks,0,file}', '\"../../x.fbk\"')::text WHERE id = '$b3'"
expect_exit 65 "$FERRY" backup verify "$b3" --decode --state "$db" > /dev/null 2> verify.err
grep -q "chunk-000001.fbk" verify.err || fail "verify --decode: no clear message: $(cat verify.err)"
echo "PostgreSQL state: backup paths come from the root and the id"
