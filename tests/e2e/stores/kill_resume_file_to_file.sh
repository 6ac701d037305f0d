#!/usr/bin/env bash
# name: stores/kill_resume_file_to_file
# description: a file-to-file run killed with SIGKILL at 20 random moments and resumed each time ends with
#   exactly the output and reject file of an uninterrupted run (nothing missing, nothing twice), the
#   source unchanged and no temporary file left behind.
# group: e2e nosan
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../kill_lib.sh"
"$FERRY" generate workouts --count 20000 --seed 31 --output in.jsonl > /dev/null
before=$(sha256sum < in.jsonl)
"$FERRY" run -q --state clean.db --project "$PROJECT" --source in.jsonl --target expected.jsonl \
  --rejects expected.rej.jsonl > /dev/null
KILL_PROGRESS_CHECK='[ "$(sqlite3 .ferry/state.db "select count(*) from checkpoints where seq > 0")" -ge 1 ]' \
  kill_until_done --project "$PROJECT" --source in.jsonl --target out.jsonl --rejects out.rej.jsonl "${SLOW_RUN[@]}"
cmp out.jsonl expected.jsonl || fail "output differs from an uninterrupted run"
cmp out.rej.jsonl expected.rej.jsonl || fail "reject file differs from an uninterrupted run"
[ "$(sha256sum < in.jsonl)" = "$before" ] || fail "the source changed"
leftover=$(ls -a | grep -c 'ferry-' || true)
[ "$leftover" = 0 ] || fail "temporary files left: $(ls -a | grep ferry-)"
"$FERRY" status --json > status.json
python3 - <<'PY'
import json
runs = json.load(open("status.json"))
assert len(runs) == 1, runs
r = runs[0]
assert r["status"] == "completed", r
assert r["report"]["input"] == 20000 and r["report"]["resumed"], r["report"]
PY
grep -q "Resumed run" final.out || fail "the last attempt did not say it resumed: $(cat final.out)"
echo PASS
