#!/usr/bin/env bash
# name: concurrency/postgres_live_table_overwrite_with_app_writer
# description: issue 11: a run from a JSON Lines file into a live PostgreSQL table (--on-conflict
#   overwrite, batches of 100, throttled) while an application (ferry_app_writer) updates (jsonb_set),
#   deletes and re-inserts the rows both hold, as fast as it can (at least 10,000 writes during the run).
#   After the run, for each key the application wrote: the row is its last write, or the run's document
#   (never an older application write); then the rollback must give back exactly what the application
#   made of the table: every application write the run replaced was journaled as the before-image, a row
#   deleted before the run created it is removed, rows changed after the run are conflicts, kept.
# group: e2e postgres
source "$(dirname "$0")/../lib.sh"
source "$E2E/concurrency_lib.sh"
db=$(pg_database conc_live)
prepare_live 30000 1104
pg_load live.jsonl "$db" w
live_overwrite_with_app "$db?table=w" postgres --seed 14 --mix "$APP_MIX" \
  || fail "application writes were lost or journaled stale by a run into a live PostgreSQL table (oracle above)"
echo PASS
