#!/usr/bin/env bash
# name: formats/kill_import_resumes_by_record_count
# description: an import of a gzip-compressed CSV file into SQLite, SIGKILLed at random moments and run
#   again each time, resumes after the records its checkpoint consumed (the stream is reopened and that many
#   records skipped) and ends with exactly the documents of the file, each once.
# group: e2e nosan
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../formats_lib.sh"
export FERRY_KILLS=${FERRY_KILLS:-6}
source "$(dirname "$0")/../kill_lib.sh"
write_things_project
things_fixture things.jsonl 4000
"$FERRY" export -q --state st.db --project things.yaml --source things.jsonl --target things.csv.gz > /dev/null
KILL_PROGRESS_CHECK='[ "$(sqlite3 out.db "select count(*) from ferry_checkpoints where seq > 0")" -ge 1 ]' \
KILL_COMMAND=import kill_until_done --state st.db --project things.yaml --source things.csv.gz \
  --target sqlite:out.db#things --batch-size 5 --throttle-ms 8 --commit-interval 0.05
grep -q "Resumed run" final.out || fail "the last attempt did not resume: $(cat final.out)"
canon_table out.db things | cmp -s - <(canon_jsonl things.jsonl) || fail "the resumed import differs from the file"
"$FERRY" status --state st.db --json > status.json
python3 - <<'PY'
import json
runs = [r for r in json.load(open("status.json")) if r["source"] == "things.csv.gz"]
assert len(runs) == 1 and runs[0]["status"] == "completed", runs
rep = runs[0]["report"]
assert rep["input"] == 4000 and rep["resumed"] and rep["resumed_at"] > 0, rep
PY
echo PASS
