#!/usr/bin/env bash
# name: concurrency/postgres_rollback_with_app_writer
# description: issue 11: the same as rollback_with_app_writer in PostgreSQL: a table of 30,000 legacy
#   workouts migrated in place (nobody else writing), then rolled back (200 records a transaction,
#   throttled) while an application updates (jsonb_set), deletes and re-inserts random rows (at least
#   10,000 writes during the rollback): the application's last write to each key survives, deleted rows
#   stay deleted, every other row is back as it was, the rows kept are counted as conflicts (exit 75).
# group: e2e postgres
source "$(dirname "$0")/../lib.sh"
source "$E2E/concurrency_lib.sh"
db=$(pg_database conc_rollback_app)
prepare_legacy 30000 1108
pg_load in.jsonl "$db" w
python3 "$ORACLE" snapshot --store "$db?table=w" --out rb.before.jsonl
"$FERRY" run -q --project "$PROJECT" --source "$db?table=w" > /dev/null
rollback_with_app "$db?table=w" rb --seed 18 --mix "$APP_MIX" \
  || fail "a rollback wrote over application writes made during it (oracle above)"
echo PASS
