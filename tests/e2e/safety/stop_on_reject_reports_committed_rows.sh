#!/usr/bin/env bash
# name: safety/stop_on_reject_reports_committed_rows
# description: --on-error stop (preset safe) into SQLite, in place and from a file: the message says how many
#   rows the run committed before the rejected record (the table's own count), that they are kept, and the
#   command that undoes them, which gives the table back byte for byte; the report counts what was
#   committed plus the reject, not the records read after the last commit; running again with --on-error skip
#   goes on after the last commit, as the message says; a file target publishes nothing, and the advice names
#   the stopping record even when its batch held records before it.
# group: e2e
source "$(dirname "$0")/../lib.sh"
source "$E2E/safety_lib.sh"
source "$E2E/stop_lib.sh"
stop_source src.jsonl 2500 500   # record 2501 fails validation

# In place: batches of 10, each committed (--commit-interval 0): 250 commits before the reject.
load_table src.jsonl app.db workouts
before=$(dump_bytes app.db workouts)
expect_exit 65 "$FERRY" run -q --project "$PROJECT" --source sqlite:app.db#workouts --preset safe --commit-interval 0 \
  --report inplace.json > inplace.err 2>&1
grep -q "published nothing" inplace.err && fail "a table run that committed rows says it published nothing"
grep -q "record 2501 (key wk-00002501) rejected" inplace.err || fail "the stopping record is not named: $(cat inplace.err)"
rows=$(grep -o '[0-9]* rows were committed to sqlite:app.db' inplace.err | head -1 | cut -d' ' -f1)
changed=$(python3 - src.jsonl app.db <<'PY'
import sqlite3, sys
orig = {}
for i, line in enumerate(open(sys.argv[1], encoding="utf-8"), 1):
    orig["wk-%08d" % i] = line.rstrip("\n")
rows = sqlite3.connect(sys.argv[2]).execute("SELECT key, document FROM workouts")
print(sum(1 for k, d in rows if d != orig[k]))
PY
)
[ -n "$rows" ] && [ "$rows" = "$changed" ] || fail "message says '$rows' rows committed, the table has $changed changed: $(cat inplace.err)"
[ "$changed" -gt 2000 ] || fail "only $changed rows changed before record 2501"
python3 - inplace.json "$changed" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
assert r["input"] == 2501 and r["rejected"] == 1, r
assert r["input"] == r["migrated"] + r["already_at_target"] + r["rejected"] + r["filtered"], r
assert r["migrated"] == int(sys.argv[2]), (r["migrated"], sys.argv[2])
PY
grep -q "run the same command again" inplace.err && fail "a rerun cannot get past the reject, but the message says to rerun"
grep -q "on-error skip" inplace.err || fail "no way past the reject offered: $(cat inplace.err)"
undo_command inplace.err > undo.out
[ "$(dump_bytes app.db workouts)" = "$before" ] || fail "the undo command did not give the table back"

# From a file into a new table: the rows the message counts are the table's rows, and the undo removes them.
expect_exit 65 "$FERRY" run -q --project "$PROJECT" --source src.jsonl --target sqlite:copy.db#workouts --preset safe \
  --commit-interval 0 --report copy.json > copy.err 2>&1
count=$(python3 -c "import sqlite3; print(sqlite3.connect('copy.db').execute('SELECT count(*) FROM workouts').fetchone()[0])")
[ "$count" = 2500 ] || fail "expected the 250 committed batches (2500 rows) in the table, found $count"
grep -q "2500 rows were committed to sqlite:copy.db" copy.err || fail "the message does not say 2500 rows: $(cat copy.err)"
python3 -c "import json; r = json.load(open('copy.json')); assert r['input'] == 2501 and r['migrated'] + r['already_at_target'] == 2500, r"
undo_command copy.err > undo.out
count=$(python3 -c "import sqlite3; print(sqlite3.connect('copy.db').execute('SELECT count(*) FROM workouts').fetchone()[0])")
[ "$count" = 0 ] || fail "the undo command left $count rows"

# The advice holds: run again with --on-error skip resumes after the last commit and rejects the record.
expect_exit 65 "$FERRY" run -q --project "$PROJECT" --source src.jsonl --target sqlite:go-on.db#workouts --preset safe \
  --commit-interval 0 > /dev/null 2>&1
"$FERRY" run -q --project "$PROJECT" --source src.jsonl --target sqlite:go-on.db#workouts --preset safe --on-error skip \
  --report go-on.json > /dev/null || fail "--on-error skip did not go on past the record"
python3 -c "import json; r = json.load(open('go-on.json')); assert r['resumed'] and r['resumed_at'] == 2500 and r['rejected'] == 1, r"
count=$(python3 -c "import sqlite3; print(sqlite3.connect('go-on.db').execute('SELECT count(*) FROM workouts').fetchone()[0])")
[ "$count" = 3000 ] || fail "after going on past the record the table has $count rows, not 3000"

# A file target: nothing published, and the message says so.
expect_exit 65 "$FERRY" run -q --project "$PROJECT" --source src.jsonl --target out.jsonl --preset safe > file.err 2>&1
[ ! -e out.jsonl ] || fail "a stopped file run published its output"
grep -q "nothing was published to out.jsonl" file.err || fail "the file run does not say nothing was published: $(cat file.err)"
# Its batch (records 2001 on) was not committed: the advice names the stopping record, not a count.
grep -q "stopped at record 2501; to go on past record 2501," file.err || fail "the advice names another record: $(cat file.err)"
echo PASS
