#!/usr/bin/env bash
# name: safety/rollback_to_after_file_to_table_run_says_rows_were_created
# description: after a file -> table run into a new table, `rollback --to strength` says what is true:
#   every row was created by the run (none existed in the target before it), so it has no earlier
#   version there; a plain rollback removes them and --to works on in-place runs. It does not say the
#   rows "never were at that version" (many were strength in the source file). --json counts them as
#   created_by_run; the plain rollback then removes every row.
# group: e2e
source "$(dirname "$0")/../lib.sh"
"$FERRY" generate workouts --scenario all-valid --count 300 --seed 13 --output in.jsonl > /dev/null
strength=$(grep -c '"exercises"' in.jsonl)
[ "$strength" -gt 0 ] || fail "the generated data has no strength records"
"$FERRY" run -q --project "$PROJECT" --source in.jsonl --target 'sqlite:w.db#workouts' --backup > /dev/null
"$FERRY" rollback --project "$PROJECT" --target 'sqlite:w.db#workouts' --to strength --dry-run > impact.txt
grep -q "300 were created by the run (they did not exist in the target before it)" impact.txt \
  || fail "the impact does not say the rows were created by the run: $(cat impact.txt)"
grep -q "ferry rollback\` without --to removes them" impact.txt || fail "no advice: $(cat impact.txt)"
grep -q "in-place run" impact.txt || fail "does not say --to works on in-place runs: $(cat impact.txt)"
if grep -q "never were at that version" impact.txt; then fail "still says the rows never were at that version"; fi
"$FERRY" rollback --project "$PROJECT" --target 'sqlite:w.db#workouts' --to strength --dry-run --json > impact.json
python3 - <<'PY'
import json
i = json.load(open("impact.json"))
assert i["records"] == 300 and i["created_by_run"] == 300 and i["not_restorable"] == 300, i
assert i["to_change"] == 0, i
PY
# Asked anyway, it changes nothing and exits CONFLICT (75), as before.
expect_exit 75 "$FERRY" rollback -q --project "$PROJECT" --target 'sqlite:w.db#workouts' --to strength --yes > /dev/null
[ "$(sqlite3 w.db 'SELECT count(*) FROM workouts')" = 300 ] || fail "--to changed rows"
# What the message advises: a plain rollback removes them.
"$FERRY" rollback -q --project "$PROJECT" --target 'sqlite:w.db#workouts' --yes > /dev/null
[ "$(sqlite3 w.db 'SELECT count(*) FROM workouts')" = 0 ] || fail "the plain rollback left rows"
echo PASS
