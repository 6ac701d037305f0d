#!/usr/bin/env bash
# name: safety/rollback_restores_every_scenario
# description: every generated workouts scenario and the local-storage example, migrated in place in SQLite
#   then rolled back, come back byte for byte from the backup, identical as documents through the
#   complements and backward steps when the run kept no backup (lossy steps included), and byte for byte
#   from an encrypted backup; the rollback is in the history, and the rolled-back run is not resumed.
# group: e2e
source "$(dirname "$0")/../lib.sh"
source "$E2E/safety_lib.sh"
LS=$FERRY_SOURCE_DIR/examples/local-storage-to-postgres
echo "correct horse battery staple" > pass.txt
export FERRY_KDF=interactive  # Argon2id's interactive limits keep the test fast

check_roundtrip() {  # PROJECT INPUT NAME
  local project=$1 input=$2 name=$3 db=$3.db
  load_table "$input" "$db" t
  local bytes canon
  bytes=$(dump_bytes "$db" t)
  canon=$(dump_canonical "$db" t)
  for mode in backup journal encrypted; do
    local run_opts=() rb_opts=()
    case $mode in
      journal) run_opts=(--no-backup) ;;
      encrypted) run_opts=(--backup-passphrase-file pass.txt); rb_opts=(--passphrase-file pass.txt) ;;
    esac
    "$FERRY" run -q --json --project "$project" --source "sqlite:$db#t" "${run_opts[@]}" > "run-$name-$mode.json"
    local migrated
    migrated=$(python3 -c "import json,sys; r=json.load(open(sys.argv[1])); assert r['status']=='completed', r; print(r['migrated'])" "run-$name-$mode.json")
    [ "$(dump_canonical "$db" t)" != "$canon" ] || [ "$migrated" = 0 ] || fail "$name/$mode: the run changed nothing"
    "$FERRY" rollback -q --json --yes --project "$project" "${rb_opts[@]}" > "rb-$name-$mode.json" \
      || fail "$name/$mode: rollback failed: $(cat "rb-$name-$mode.json")"
    python3 - "rb-$name-$mode.json" "$migrated" "$mode" <<'PY'
import json, sys
r = json.load(open(sys.argv[1])); migrated = int(sys.argv[2]); mode = sys.argv[3]
i = r["impact"]
assert r["status"] == "completed" and r["restored"] == migrated, r
assert i["conflicts"] == 0 and i["not_restorable"] == 0, i
if mode == "journal":
    assert i["via_backup"] == 0 and i["via_complements"] + i["via_backward_steps"] == migrated, i
else:
    assert i["via_backup"] == migrated and i["has_originals"], i
    assert i["encrypted"] == (mode == "encrypted"), i
PY
    [ "$(dump_canonical "$db" t)" = "$canon" ] || fail "$name/$mode: the documents differ after the rollback"
    if [ "$mode" != journal ]; then
      [ "$(dump_bytes "$db" t)" = "$bytes" ] || fail "$name/$mode: the stored texts differ after the rollback"
    fi
    echo "$name/$mode: $migrated records migrated and rolled back"
  done
}

for scenario in all-valid mixed malformed large already-migrated; do
  count=1500
  [ "$scenario" = large ] && count=60
  "$FERRY" generate workouts --scenario "$scenario" --count "$count" --seed 11 --output "$scenario.jsonl" > /dev/null
  check_roundtrip "$PROJECT" "$scenario.jsonl" "$scenario"
done
"$FERRY" generate local-storage --count 3000 --seed 3 --output ls.jsonl > /dev/null
check_roundtrip "$LS" ls.jsonl local-storage

# The history says what was rolled back; the runs are marked and not resumed.
"$FERRY" history --json --project "$PROJECT" > history.json
python3 - <<'PY'
import json
h = json.load(open("history.json"))
kinds = {e["kind"] for e in h}
assert {"apply", "rollback"} <= kinds, kinds
PY
"$FERRY" status --json > status.json
python3 - <<'PY'
import json
runs = json.load(open("status.json"))
rolled = [r for r in runs if r["status"] == "rolled_back"]
assert len(rolled) >= 9 and "rolled_back" in {r["status"] for r in runs}, [r["status"] for r in runs]
PY
"$FERRY" rollback --list --json > points.json
python3 -c "
import json; p = json.load(open('points.json'))
assert p and all(x['rolled_back_by'] for x in p), p"
