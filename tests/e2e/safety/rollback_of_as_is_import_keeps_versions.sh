#!/usr/bin/env bash
# name: safety/rollback_of_as_is_import_keeps_versions
# description: an `import --as-is` into an SQLite table that overwrites rows (some with a version, some
#   NULL) and adds others, rolled back: every row's key, version column (NULL stays NULL) and text are as
#   they were; the history records no migration undone (the import applied none); `ferry status` then
#   counts the records the rollback went through, not "0 records".
# group: e2e
source "$(dirname "$0")/../lib.sh"
source "$E2E/safety_lib.sh"
"$FERRY" generate workouts --count 1000 --seed 23 --output first.jsonl > /dev/null
"$FERRY" generate workouts --count 1500 --seed 24 --output other.jsonl > /dev/null
sed -n '501,1500p' other.jsonl > import.jsonl  # ~500 overwrite existing keys (other documents), ~500 are new
load_table first.jsonl data.db workouts
sqlite3 data.db "UPDATE workouts SET version = 'strength' WHERE rowid % 3 = 0"
table() { sqlite3 data.db "SELECT key, quote(version), document FROM workouts ORDER BY key" | sha256sum; }
before=$(table)
"$FERRY" import -q --as-is --on-conflict overwrite --project "$PROJECT" --source import.jsonl \
  --target "sqlite:data.db#workouts" > /dev/null
[ "$(table)" != "$before" ] || fail "the import changed nothing"
"$FERRY" rollback -q --json --yes --project "$PROJECT" > rb.json || fail "rollback failed: $(cat rb.json)"
python3 -c "
import json; r = json.load(open('rb.json')); i = r['impact']
assert i['conflicts'] == 0 and i['not_restorable'] == 0 and r['deleted'] > 400 and r['restored'] > 400, r"
if [ "$(table)" != "$before" ]; then
  sqlite3 data.db "SELECT quote(version), count(*) FROM workouts GROUP BY 1" >&2
  fail "the rollback of an --as-is import did not give back the version column"
fi

rb=$(python3 -c "import json; print(json.load(open('rb.json'))['rollback_run_id'])")
"$FERRY" history --json --project "$PROJECT" > history.json
python3 - "$rb" <<'PY'
import json, sys
undone = [e for e in json.load(open("history.json")) if e["run_id"] == sys.argv[1]]
assert undone == [], ("an --as-is import applied no migration, yet the history says these were undone", undone)
assert json.load(open("rb.json"))["impact"]["migrations"] == {}
PY
"$FERRY" status --json > status.json
records=$(python3 -c "import json; print(json.load(open('rb.json'))['impact']['records'])")
python3 - "$rb" "$records" <<'PY'
import json, sys
r = {x["run_id"]: x for x in json.load(open("status.json"))}[sys.argv[1]]
assert r["checkpoint"]["records"] == int(sys.argv[2]) > 900, (r, sys.argv[2])
PY
"$FERRY" status > status.txt
grep "$rb" status.txt | grep -q " $records records" || fail "status does not count the rollback's $records records: $(grep "$rb" status.txt)"
echo "as-is import rolled back with its versions; status counts the rollback"
