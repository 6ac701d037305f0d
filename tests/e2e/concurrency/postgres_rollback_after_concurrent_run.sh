#!/usr/bin/env bash
# name: concurrency/postgres_rollback_after_concurrent_run
# description: issue 11: the same as rollback_after_concurrent_run in PostgreSQL: a table of 30,000
#   legacy workouts migrated in place while an application updates (jsonb_set), deletes and re-inserts
#   random rows, during the run and for a second after it; then `ferry rollback --yes`: rows changed
#   after the run are conflicts (exit 75), kept; rows the application wrote before the run wrote them
#   come back as it left them; deleted rows stay deleted; every other row is back as it was (jsonb-equal,
#   version included).
# group: e2e postgres
source "$(dirname "$0")/../lib.sh"
source "$E2E/concurrency_lib.sh"
db=$(pg_database conc_rollback)
prepare_legacy 30000 1106
pg_load in.jsonl "$db" w
APP_TAIL=1
in_place_with_app "$db?table=w" rb --seed 16 --mix "$APP_MIX" \
  || echo "(the in-place run lost application writes: concurrency/postgres_in_place_with_app_writer fails on that)" >&2
rollback_and_check "$db?table=w" rb in-place --expected expected.jsonl --insert-docs in.jsonl --no-anomalies \
  || fail "the rollback after a concurrent run lost application writes or put stale text back (oracle above)"
echo PASS
