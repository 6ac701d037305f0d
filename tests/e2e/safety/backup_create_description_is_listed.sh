#!/usr/bin/env bash
# name: safety/backup_create_description_is_listed
# description: `ferry backup create --description TEXT` keeps the text in the backup's manifest.json,
#   and `ferry backup list` shows it (as does `backup list --json`, "description"); a backup without
#   one lists "description": "". The backup still verifies (the text is part of the manifest).
# group: e2e
source "$(dirname "$0")/../lib.sh"
"$FERRY" generate workouts --scenario all-valid --count 50 --seed 31 --output in.jsonl > /dev/null
"$FERRY" backup create --json --project "$PROJECT" --source in.jsonl --description 'before the v2 upgrade' > a.json
"$FERRY" backup create --json --project "$PROJECT" --source in.jsonl > b.json
a=$(python3 -c "import json; print(json.load(open('a.json'))['id'])")
b=$(python3 -c "import json; print(json.load(open('b.json'))['id'])")
grep -q '"description":"before the v2 upgrade"' ".ferry/backups/$a/manifest.json" || fail "not in the manifest"
"$FERRY" backup list > list.txt
grep -A1 "$a" list.txt | grep -q "before the v2 upgrade" || fail "backup list does not show it: $(cat list.txt)"
"$FERRY" backup list --json > list.json
python3 - "$a" "$b" <<'PY'
import json, sys
by_id = {b["id"]: b for b in json.load(open("list.json"))}
assert by_id[sys.argv[1]]["description"] == "before the v2 upgrade", by_id
assert by_id[sys.argv[2]]["description"] == "", by_id
PY
"$FERRY" backup verify "$a" > /dev/null || fail "a backup with a description does not verify"
echo PASS
