#!/usr/bin/env bash
# name: formats/kill_export_restarts_output
# description: an export to a compressed CSV file, and one to encrypted split parts, killed with SIGKILL at
#   random moments and run again each time, end with exactly the output of an uninterrupted export
#   (byte for byte for zstd CSV; the same records once each, decrypted, for the encrypted parts), nothing
#   published before completion and no temporary file left; the last attempt says the output started again.
# group: e2e nosan
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../formats_lib.sh"
export FERRY_KILLS=${FERRY_KILLS:-8}
source "$(dirname "$0")/../kill_lib.sh"
# Small batches paced 8 ms apart (600 batches: about 5 s a run), so that the kills land mid-export.
SLOW_RUN=(--batch-size 5 --throttle-ms 8 --commit-interval 0.05)
"$FERRY" generate workouts --count 3000 --seed 5 --scenario all-valid --output legacy.jsonl > /dev/null
"$FERRY" run -q --state st.db --project "$PROJECT" --source legacy.jsonl --target unified.jsonl > /dev/null
"$FERRY" export -q --state clean.db --project "$PROJECT" --source unified.jsonl --target expected.csv.zst > /dev/null
export KILL_COMMAND=export
KILL_PROGRESS_CHECK='[ "$(sqlite3 .ferry/state.db "select count(*) from checkpoints where seq > 0")" -ge 1 ]' \
kill_until_done --project "$PROJECT" --source unified.jsonl --target out.csv.zst "${SLOW_RUN[@]}"
cmp out.csv.zst expected.csv.zst || fail "the killed export differs from an uninterrupted one"
grep -q "written again from the first record" final.out || fail "the last attempt did not say the output restarted: $(cat final.out)"
leftover=$(ls -a | grep -c 'ferry-' || true)
[ "$leftover" = 0 ] || fail "temporary files left: $(ls -a | grep ferry-)"
"$FERRY" status --json > status.json
python3 - <<'PY'
import json
runs = [r for r in json.load(open("status.json")) if r["target"] == "out.csv.zst"]
assert len(runs) == 1 and runs[0]["status"] == "completed", runs
assert runs[0]["report"]["input"] == 3000, runs[0]["report"]
PY
# Encrypted, split: while killed, nothing is published; at the end every record is there once.
echo "kill secret" > pass.txt
mkdir parts
probe() {
  # No part may appear before the export completes.
  [ -e parts/u.00001.jsonl.enc ] && fail "a part was published before the export completed"
  return 0
}
delays=$(kill_delays)
for delay in $delays; do
  "$FERRY" export -q --state st.db --project "$PROJECT" --source unified.jsonl --target parts/u.jsonl.enc \
    --split 300KB --passphrase-file pass.txt "${SLOW_RUN[@]}" > attempt.out 2> attempt.err &
  pid=$!
  sleep "$delay"
  kill -KILL "$pid" 2> /dev/null || true
  set +e; wait "$pid" 2> /dev/null; rc=$?; set -e
  [ "$rc" = 137 ] || fail "the encrypted export ended by itself (exit $rc): $(cat attempt.err)"
  probe
done
"$FERRY" export -q --state st.db --project "$PROJECT" --source unified.jsonl --target parts/u.jsonl.enc \
  --split 300KB --passphrase-file pass.txt "${SLOW_RUN[@]}" > final.out
[ -e parts/u.00002.jsonl.enc ] || fail "expected several parts: $(ls parts)"
[ "$(ls -a parts | grep -c 'ferry-' || true)" = 0 ] || fail "temporary parts left: $(ls -a parts)"
"$FERRY" import -q --json --state st.db --project "$PROJECT" --source parts/u.jsonl.enc --target sqlite:back.db#workouts \
  --passphrase-file pass.txt > import.json
python3 -c 'import json,sys; r=json.load(open("import.json")); assert r["input"] == 3000, r["input"]' \
  || fail "the decrypted parts do not hold each record once"
canon_table back.db workouts | cmp -s - <(canon_jsonl unified.jsonl) || fail "the decrypted parts differ from the source"
echo PASS
