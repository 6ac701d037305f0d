#!/usr/bin/env bash
# name: stores/failed_run_reports_what_was_committed
# description: A run into SQLite that fails midway on a conflict (--on-conflict fail) reports the records its
#   commits hold (the table's count), not those read after its last commit, says what was committed and how to
#   undo it, and does not tell to run the same command again (a rerun meets the same conflict): it says to fix
#   the cause first. The rerun after the cause is removed resumes and completes.
# group: e2e
source "$(dirname "$0")/../lib.sh"
source "$E2E/stop_lib.sh"
stop_source src.jsonl 2999 0   # 3000 records, all valid but the last
head -2999 src.jsonl > in.jsonl
# Record 2505's key already holds another document in the target.
python3 - <<'PY'
import json, sqlite3
db = sqlite3.connect("t.db")
db.execute("CREATE TABLE workouts (key TEXT PRIMARY KEY, version TEXT, document TEXT NOT NULL, updated_at TEXT)")
db.execute("INSERT INTO workouts VALUES ('wk-00002505', NULL, '{\"id\":\"wk-00002505\",\"other\":true}', 'x')")
db.commit()
PY
expect_exit 75 "$FERRY" run -q --project "$PROJECT" --source in.jsonl --target sqlite:t.db#workouts --on-conflict fail \
  --batch-size 10 --commit-interval 0 --report fail.json > fail.out 2>&1
count=$(python3 -c "import sqlite3; print(sqlite3.connect('t.db').execute('SELECT count(*) FROM workouts').fetchone()[0])")
[ "$count" = 2501 ] || fail "expected 250 batches (2500 rows) and the other row in the table, found $count"
python3 -c "
import json; r = json.load(open('fail.json'))
assert r['input'] == 2500 and r['migrated'] + r['already_at_target'] == 2500, r"
grep -q "Run failed: 2,500 records" fail.out || fail "the summary counts records never committed: $(cat fail.out)"
grep -q "2500 rows were committed to sqlite:t.db" fail.out || fail "the message does not say what was committed: $(cat fail.out)"
grep -q "undo them with: ferry rollback" fail.out || fail "the message does not say how to undo it"
grep -q "run the same command again" fail.out && fail "a rerun meets the same conflict, but the message says to rerun"
grep -q "once the cause is fixed" fail.out || fail "the message does not say to fix the cause first: $(cat fail.out)"
python3 -c "import sqlite3; db = sqlite3.connect('t.db'); db.execute(\"DELETE FROM workouts WHERE key = 'wk-00002505'\"); db.commit()"
"$FERRY" run -q --project "$PROJECT" --source in.jsonl --target sqlite:t.db#workouts --on-conflict fail \
  --report resumed.json > /dev/null || fail "the rerun after the cause was removed failed"
python3 -c "import json; r = json.load(open('resumed.json')); assert r['resumed'] and r['input'] == 2999, r"
echo PASS
