#!/usr/bin/env bash
# name: safety/backup_restore_rebuilds_a_deleted_sqlite_database
# description: the disaster case, SQLite: a table is backed up, then dropped (and then its database
#   file deleted); `ferry backup restore` without --project (no ferry.yaml where it runs) creates the
#   database file and the table with Ferry's layout and writes every row back exactly (key, version,
#   stored text, a NULL or stale version column included). A target without a table name gets the
#   backup's collection.
# group: e2e
source "$(dirname "$0")/../lib.sh"
source "$E2E/safety_lib.sh"
"$FERRY" generate workouts --count 500 --seed 23 --output in.jsonl > /dev/null
"$FERRY" run -q --project "$PROJECT" --source in.jsonl --target 'sqlite:data/w.db#workouts' --on-error skip > /dev/null
# Rows as an application may leave them: a NULL version column, a stale one.
sqlite3 data/w.db "UPDATE workouts SET version = NULL WHERE key IN (SELECT key FROM workouts ORDER BY key LIMIT 10);
                   UPDATE workouts SET version = 'old' WHERE key IN (SELECT key FROM workouts ORDER BY key DESC LIMIT 5)"
rows() { sqlite3 "$1" "SELECT key, coalesce(version, '<null>'), document FROM workouts ORDER BY key" | sha256sum; }
before=$(rows data/w.db)
count=$(sqlite3 data/w.db 'SELECT count(*) FROM workouts')
[ "$count" -gt 400 ] || fail "too few rows to test with: $count"
"$FERRY" backup create --json --project "$PROJECT" --source 'sqlite:data/w.db#workouts' > b.json
id=$(python3 -c "import json; print(json.load(open('b.json'))['id'])")
[ ! -e ferry.yaml ] || fail "the test must run where no ferry.yaml is"

# Dropped table.
sqlite3 data/w.db 'DROP TABLE workouts'
"$FERRY" backup restore "$id" --target 'sqlite:data/w.db#workouts' --yes > restore.txt \
  || fail "restore into a dropped table failed: $(cat restore.txt)"
[ "$(rows data/w.db)" = "$before" ] || fail "the rows restored into the dropped table differ"

# Deleted database file (and its directory).
rm -rf data
"$FERRY" backup restore "$id" --target 'sqlite:data/w.db#workouts' --yes > restore.txt \
  || fail "restore into a deleted database failed: $(cat restore.txt)"
[ "$(rows data/w.db)" = "$before" ] || fail "the rows restored into a new database differ"
sqlite3 data/w.db "SELECT name, type FROM pragma_table_info('workouts') ORDER BY cid" | tr '\n' ' ' > layout.txt
[ "$(cat layout.txt)" = "key|TEXT version|TEXT document|TEXT updated_at|TEXT " ] || fail "not Ferry's layout: $(cat layout.txt)"

# No table name: the backup's collection names it.
"$FERRY" backup restore "$id" --target sqlite:other.db --yes > /dev/null
[ "$(rows other.db)" = "$before" ] || fail "restore without a table name did not write table workouts"
echo PASS
