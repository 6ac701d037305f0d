#!/usr/bin/env bash
# name: safety/rollback_killed_resumes
# description: an in-place SQLite migration SIGKILLed 10 times and resumed keeps an exact journal (its backup
#   holds each changed record once), and its rollback, SIGKILLed 10 times and resumed, restores every record
#   byte for byte, once: the rollback's counters add up to the run's changes.
# group: e2e nosan
source "$(dirname "$0")/../lib.sh"
source "$E2E/safety_lib.sh"
export FERRY_KILLS=${FERRY_KILLS:-10}
source "$E2E/kill_lib.sh"
"$FERRY" generate workouts --count 12000 --seed 41 --output in.jsonl > /dev/null
load_table in.jsonl data.db workouts
original=$(dump_bytes data.db workouts)
# Checkpoints with progress in the target (seq > 0): the run's, then the rollback's too.
KILL_PROGRESS_CHECK='[ "$(sqlite3 data.db "select count(*) from ferry_checkpoints where seq > 0")" -ge 1 ]' \
  kill_until_done --project "$PROJECT" --source sqlite:data.db#workouts "${SLOW_RUN[@]}" --json
python3 - <<'PY'
import json
r = json.load(open("final.out"))
assert r["status"] == "completed" and r["resumed"], r
assert r["backup_records"] == r["migrated"] > 10000, r
PY
"$FERRY" backup verify --decode "$(python3 -c "import json; print(json.load(open('final.out'))['backup'])")" > /dev/null
migrated=$(python3 -c "import json; print(json.load(open('final.out'))['migrated'])")
KILL_PROGRESS_CHECK='[ "$(sqlite3 data.db "select count(*) from ferry_checkpoints where seq > 0")" -ge 2 ]' \
  KILL_COMMAND=rollback kill_until_done --project "$PROJECT" --yes --commit-records 20 --throttle-ms 8 --json
python3 - "$migrated" <<'PY'
import json, sys
r = json.load(open("final.out")); migrated = int(sys.argv[1])
assert r["status"] == "completed" and r["resumed"], r
i = r["impact"]
assert r["restored"] == migrated and i["via_backup"] == migrated and i["records"] == migrated, (r, migrated)
assert i["conflicts"] == 0 and i["unchanged"] == 0, i
PY
[ "$(dump_bytes data.db workouts)" = "$original" ] || fail "the table differs from before the migration"
