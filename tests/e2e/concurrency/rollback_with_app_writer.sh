#!/usr/bin/env bash
# name: concurrency/rollback_with_app_writer
# description: issue 11: an SQLite table of 30,000 legacy workouts migrated in place (nobody else
#   writing), then rolled back (200 records a transaction, throttled) while an application
#   (ferry_app_writer) updates, deletes and re-inserts random rows as fast as it can (at least 10,000
#   writes during the rollback). A restore must be conditional on the row still being what the run
#   wrote: key by key, the application's last write survives (kept as a conflict, or written after the
#   restore), a row it deleted stays deleted, every other row is back to its exact original text, and
#   the rows kept are counted as conflicts (exit 75).
# group: e2e
source "$(dirname "$0")/../lib.sh"
source "$E2E/concurrency_lib.sh"
prepare_legacy 30000 1107
load_table in.jsonl app.db w
sqlite_wal app.db
python3 "$ORACLE" snapshot --store sqlite:app.db#w --out rb.before.jsonl
"$FERRY" run -q --project "$PROJECT" --source sqlite:app.db#w > /dev/null
rollback_with_app sqlite:app.db#w rb --seed 17 --mix "$APP_MIX" \
  || fail "a rollback wrote over application writes made during it (oracle above)"
echo PASS
