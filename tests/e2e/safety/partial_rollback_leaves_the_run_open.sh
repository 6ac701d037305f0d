#!/usr/bin/env bash
# name: safety/partial_rollback_leaves_the_run_open
# description: workouts in SQLite: an `import --as-is` adds rows, an in-place run migrates the table, then
#   `rollback --to strength` restores the strength records and cannot move the others (exit 75): the run is
#   NOT marked rolled back, `rollback --list` says it was partly rolled back, and the plain `rollback` that
#   follows picks that same run (not the earlier import), restores the rest and leaves the imported rows;
#   the history has, per rollback, only the migrations it undid, on the records it undid them on.
# group: e2e
source "$(dirname "$0")/../lib.sh"
source "$E2E/safety_lib.sh"
"$FERRY" generate workouts --count 2500 --seed 17 --output all.jsonl > /dev/null
head -n 2000 all.jsonl > first.jsonl
tail -n 500 all.jsonl > extra.jsonl
load_table first.jsonl data.db workouts
"$FERRY" import -q --as-is --project "$PROJECT" --source extra.jsonl --target "sqlite:data.db#workouts" > /dev/null
before=$(dump_canonical data.db workouts)
rows() { sqlite3 data.db "SELECT count(*) FROM workouts"; }
imported=$(rows)
[ "$imported" -gt 2400 ] || fail "the import left $imported rows"
"$FERRY" run -q --json --project "$PROJECT" --source "sqlite:data.db#workouts" > run.json
run=$(python3 -c "import json; r = json.load(open('run.json')); assert r['status'] == 'completed', r; print(r['run_id'])")
strength=$(python3 -c "import json; print(json.load(open('run.json'))['versions']['strength']['migrated'])")
[ "$strength" -gt 100 ] || fail "too few strength records migrated: $strength"
expect_exit 75 "$FERRY" rollback -q --json --yes --to strength --project "$PROJECT" > partial.json
python3 - "$run" "$strength" <<'PY'
import json, sys
run, strength = sys.argv[1], int(sys.argv[2])
r = json.load(open("partial.json")); i = r["impact"]
assert i["run_id"] == run, i
assert r["restored"] == strength and i["not_restorable"] > 0, (r["restored"], strength, i)
assert i["migrations"] == {"strength-to-unified-1": strength}, i["migrations"]
PY
"$FERRY" status --json > status.json
python3 - "$run" <<'PY'
import json, sys
runs = {r["run_id"]: r for r in json.load(open("status.json"))}
assert runs[sys.argv[1]]["status"] != "rolled_back", "a rollback --to marked the whole run rolled back"
PY
"$FERRY" rollback --list --json > points.json
python3 - "$run" <<'PY'
import json, sys
p = {x["run_id"]: x for x in json.load(open("points.json"))}[sys.argv[1]]
assert p["rolled_back_by"] == "" and p["partly_rolled_back_by"], p
PY

# The plain rollback picks the partly rolled-back run and finishes it.
"$FERRY" rollback --dry-run --json --project "$PROJECT" > impact.json
python3 -c "import json,sys; i = json.load(open('impact.json')); assert i['run_id'] == sys.argv[1], i" "$run" \
  || fail "a plain rollback skipped the partly rolled-back run"
"$FERRY" rollback -q --json --yes --project "$PROJECT" > whole.json || fail "the plain rollback failed: $(cat whole.json)"
python3 - "$run" "$strength" <<'PY'
import json, sys
run, strength = sys.argv[1], int(sys.argv[2])
r = json.load(open("whole.json")); i = r["impact"]
assert i["run_id"] == run and i["conflicts"] == 0 and i["not_restorable"] == 0, i
assert i["unchanged"] >= strength and i["deletions"] == 0, i
assert "strength-to-unified-1" not in i["migrations"], i["migrations"]
PY
[ "$(rows)" = "$imported" ] || fail "the rollbacks removed imported rows: $(rows) left of $imported"
[ "$(dump_canonical data.db workouts)" = "$before" ] || fail "the table is not as the run found it"
"$FERRY" status --json > status.json
python3 - "$run" <<'PY'
import json, sys
runs = {r["run_id"]: r for r in json.load(open("status.json"))}
assert runs[sys.argv[1]]["status"] == "rolled_back", runs[sys.argv[1]]["status"]
PY

# History: per rollback run, only what it undid.
"$FERRY" history --json --project "$PROJECT" > history.json
python3 - "$strength" partial.json whole.json <<'PY'
import json, sys
strength = int(sys.argv[1])
h = [e for e in json.load(open("history.json")) if e["kind"] == "rollback"]
for f in sys.argv[2:]:
    r = json.load(open(f))
    got = {e["migration"]: e["records"] for e in h if e["run_id"] == r["rollback_run_id"]}
    assert got == r["impact"]["migrations"], (f, got, r["impact"]["migrations"])
first = json.load(open(sys.argv[2]))["rollback_run_id"]
assert {e["migration"] for e in h if e["run_id"] == first} == {"strength-to-unified-1"}, h
PY
echo "partial rollback of $strength strength records left the run open; the plain rollback finished it"
