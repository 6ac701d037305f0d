#!/usr/bin/env bash
# name: safety/postgres_backup_restore_recreates_a_dropped_table
# description: the disaster case, PostgreSQL: a table migrated into by a run is backed up (the state and
#   the backup's chunks in the database), then dropped; `ferry backup restore` without --project creates
#   the table with Ferry's layout and every row comes back exactly (key, version, jsonb document; a NULL
#   or stale version column included).
# group: e2e postgres
source "$(dirname "$0")/../lib.sh"
db=$(pg_database pg_restore_dropped)
"$FERRY" generate workouts --count 500 --seed 29 --output in.jsonl > /dev/null
"$FERRY" run -q --project "$PROJECT" --source in.jsonl --target "$db?table=workouts" --on-error skip > /dev/null
# Rows as an application may leave them: a NULL version column, a stale one.
psql "$db" -Xq -c "UPDATE workouts SET version = NULL WHERE key IN (SELECT key FROM workouts ORDER BY key LIMIT 10)" \
  -c "UPDATE workouts SET version = 'old' WHERE key IN (SELECT key FROM workouts ORDER BY key DESC LIMIT 5)"
rows() { psql "$db" -XAt -c "SELECT key, coalesce(version, '<null>'), document::text FROM workouts ORDER BY key" | sha256sum; }
before=$(rows)
count=$(psql "$db" -XAt -c "SELECT count(*) FROM workouts")
[ "$count" -gt 400 ] || fail "too few rows to test with: $count"
"$FERRY" backup create --json --project "$PROJECT" --source "$db?table=workouts" > b.json
id=$(python3 -c "import json; print(json.load(open('b.json'))['id'])")
psql "$db" -Xq -c "DROP TABLE workouts"
[ ! -e ferry.yaml ] || fail "the test must run where no ferry.yaml is"
"$FERRY" backup restore "$id" --target "$db?table=workouts" --yes > restore.txt \
  || fail "restore into a dropped table failed: $(cat restore.txt)"
[ "$(rows)" = "$before" ] || fail "the rows restored differ"
cols=$(psql "$db" -XAt -c "SELECT string_agg(column_name || ':' || data_type, ' ' ORDER BY ordinal_position)
                            FROM information_schema.columns WHERE table_name = 'workouts'")
[ "$cols" = "key:text version:text document:jsonb updated_at:timestamp with time zone" ] || fail "not Ferry's layout: $cols"
[ ! -e .ferry ] || fail "a PostgreSQL state wrote local files"
echo PASS
