#!/usr/bin/env bash
# name: cli/plan_from_stdin_reads_it_once
# description: `ferry plan --source -` from a pipe reads it once: it counts every record by version, and says that a
#   stream gives no timed sample instead of timing an empty second read (0 records, "0.0 s"); planning the
#   same data from a file still times a sample.
# group: e2e
source "$(dirname "$0")/../lib.sh"
"$FERRY" generate workouts --count 500 --seed 3 --output in.jsonl > /dev/null
cat in.jsonl | "$FERRY" plan --json --project "$PROJECT" --source - > piped.json
cat in.jsonl | "$FERRY" plan --project "$PROJECT" --source - > piped.txt
"$FERRY" plan --json --project "$PROJECT" --source in.jsonl > file.json
python3 - <<'PY'
import json
piped, file = json.load(open("piped.json")), json.load(open("file.json"))
assert piped["records"] == file["records"] == 500, (piped["records"], file["records"])
by_version = lambda p: {v["version"]: v["records"] for v in p["versions"]}
assert by_version(piped) == by_version(file), (by_version(piped), by_version(file))
assert piped["sample_records"] == 0 and any("is a stream" in w for w in piped["warnings"]), piped
assert file["sample_records"] > 0 and not any("is a stream" in w for w in file["warnings"]), file
PY
grep -q "Estimated duration: unknown (no timed sample)" piped.txt || fail "the text plan claims a duration: $(cat piped.txt)"
echo PASS
