#!/usr/bin/env bash
# name: stores/failed_start_leaves_no_running_run
# description: A run refused at its start (read-only target directory, bad --compress-level, an SQLite target
#   that is not a database) leaves no run marked `running`: the next run on that target, from another source,
#   is not refused with CONFLICT (a file that is not a database is INVALID_ARGUMENT, exit 2, as for a source); nor after a run that failed before its first commit. A run killed with SIGKILL shows as dead in `ferry status` (text and JSON),
#   and running it again resumes it.
# group: e2e
source "$(dirname "$0")/../lib.sh"
source "$E2E/stop_lib.sh"
"$FERRY" generate workouts --count 300 --seed 4 --output in.jsonl > /dev/null
head -50 in.jsonl > other.jsonl
run() { "$FERRY" run -q --project "$PROJECT" "$@" > /dev/null; }
no_running_run() {
  "$FERRY" status --json > status.json
  python3 -c "
import json, sys
left = [r for r in json.load(open('status.json')) if r['status'] == 'running']
assert not left, 'after a failed start ($1): %s' % left"
}

# A target directory nobody may write to (as root, only an immutable directory is).
mkdir ro
if [ "$(id -u)" = 0 ]; then chattr +i ro 2> /dev/null || fail "chattr +i is needed to make a directory read-only for root"
else chmod 555 ro; fi
trap 'chattr -i "$WORK/ro" 2> /dev/null; chmod 755 "$WORK/ro"; rm -rf "$WORK"' EXIT
expect_exit 74 run --source in.jsonl --target ro/out.jsonl
no_running_run "read-only target"
if [ "$(id -u)" = 0 ]; then chattr -i ro; else chmod 755 ro; fi
run --source other.jsonl --target ro/out.jsonl || fail "the run after a read-only target's failed start was refused"
[ "$(wc -l < ro/out.jsonl)" = 50 ] || fail "the corrected run did not write the other source"

# A compression level the codec refuses (the level is checked when the output opens).
expect_exit 2 run --source in.jsonl --target out.jsonl.gz --compress-level 12
no_running_run "bad --compress-level"
run --source other.jsonl --target out.jsonl.gz || fail "the run after a bad --compress-level was refused"

# An SQLite target that is not a database.
echo "not a database" > plain.db
expect_exit 2 run --source in.jsonl --target sqlite:plain.db
no_running_run "not a database"
rm plain.db
run --source other.jsonl --target sqlite:plain.db || fail "the run after a target that was not a database was refused"

# A run that failed before its first commit (stopped by its first record) holds nothing to resume.
stop_source first-bad.jsonl 0 50
expect_exit 65 run --source first-bad.jsonl --target sqlite:stopped.db --on-error stop
run --source other.jsonl --target sqlite:stopped.db || fail "the run after a run that committed nothing was refused"

# A run killed with SIGKILL is dead, not running, in `ferry status`; running it again resumes it.
"$FERRY" generate workouts --count 60000 --seed 5 --output big.jsonl > /dev/null
"$FERRY" run -q --project "$PROJECT" --source big.jsonl --target sqlite:big.db --batch-size 10 --commit-interval 0 \
  > killed.out 2>&1 &
pid=$!
for _ in $(seq 600); do
  "$FERRY" status --json > status.json
  python3 -c "
import json, sys
sys.exit(0 if any(r['status'] == 'running' and r['checkpoint']['commits'] > 0 for r in json.load(open('status.json'))) else 1)" && break
  kill -0 "$pid" 2> /dev/null || fail "the run ended before it could be killed: $(cat killed.out)"
  sleep 0.05
done
kill -KILL "$pid"
wait "$pid" 2> /dev/null || true
"$FERRY" status > status.txt
grep -E "^  [0-9a-f-]+ +dead " status.txt | grep -q big.db || fail "the killed run is not shown dead: $(cat status.txt)"
"$FERRY" status --json > status.json
python3 -c "
import json
runs = [r for r in json.load(open('status.json')) if r['target'] == 'sqlite:big.db']
assert runs[0]['status'] == 'running' and runs[0]['process_gone'] is True, runs[0]
assert all(r['process_gone'] is False for r in json.load(open('status.json')) if r['status'] != 'running')"
id=$(python3 -c "import json; print([r for r in json.load(open('status.json')) if r['target'] == 'sqlite:big.db'][0]['run_id'])")
"$FERRY" status "$id" | grep -q "^Run $id: dead" || fail "the killed run's detail does not say dead"
"$FERRY" run -q --project "$PROJECT" --source big.jsonl --target sqlite:big.db --report resumed.json > /dev/null
python3 -c "import json; r = json.load(open('resumed.json')); assert r['resumed'] and r['run_id'] == '$id', r"
"$FERRY" status --json > status.json
python3 -c "
import json
assert not any(r['process_gone'] for r in json.load(open('status.json')))"
echo PASS
