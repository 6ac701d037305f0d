#!/usr/bin/env bash
# name: concurrency/live_table_overwrite_with_app_writer
# description: issue 11: a run from a JSON Lines file into a live SQLite table (--on-conflict overwrite,
#   batches of 100, throttled) while an application (ferry_app_writer) updates, deletes and re-inserts
#   the rows both hold, as fast as it can (at least 10,000 writes during the run). After the run, for
#   each key the application wrote: the row is its last write, or the run's document (never an older
#   application write); then the rollback (impact first) must give back exactly what the application
#   made of the table: every application write the run replaced was journaled as the before-image, a
#   row deleted before the run created it is removed, rows changed after the run are conflicts, kept.
#   Fails on an engine whose journal takes the before-image apart from the write (stale originals).
# group: e2e
source "$(dirname "$0")/../lib.sh"
source "$E2E/concurrency_lib.sh"
prepare_live 30000 1103
load_table live.jsonl live.db w
sqlite_wal live.db
live_overwrite_with_app sqlite:live.db#w sqlite --seed 13 --mix "$APP_MIX" \
  || fail "application writes were lost or journaled stale by a run into a live SQLite table (oracle above)"
echo PASS
