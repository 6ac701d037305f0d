#!/usr/bin/env bash
# name: concurrency/postgres_in_place_with_app_writer
# description: issue 11: a PostgreSQL table of 40,000 legacy workouts migrated in place (batches of 200,
#   throttled) while an application (ferry_app_writer) updates (one statement: jsonb_set), deletes and
#   re-inserts random rows as fast as it can (at least 10,000 writes during the run). Key by key: every
#   application update survives (migrated when the run saw it, else as written), every deleted row stays
#   deleted, no key twice, untouched rows equal a run without the application, rejected rows untouched,
#   the report's counters add up (concurrent_changes tolerated). Fails on an engine without a
#   compare-and-set on its in-place writes (lost updates, resurrected rows).
# group: e2e postgres
source "$(dirname "$0")/../lib.sh"
source "$E2E/concurrency_lib.sh"
db=$(pg_database conc_in_place)
prepare_legacy 40000 1102
pg_load in.jsonl "$db" w
in_place_with_app "$db?table=w" postgres --seed 12 --mix "$APP_MIX" \
  || fail "application writes were lost during an in-place PostgreSQL run (oracle above)"
echo PASS
