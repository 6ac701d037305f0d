#!/usr/bin/env bash
# name: safety/backup_retention_from_project_file_after_each_backup
# description: with `backup: { keep: 2 }` in ferry.yaml, every `backup create` and every run that makes a
#   backup prune as `ferry backup prune --keep 2` would: after four backups of a file only the newest
#   two are left (pinned ones always stay, and each pruned id is a `note:`); a run into a table with
#   its backup on then leaves the newest two as well. keep: 0 and unknown keys are refused at load.
# group: e2e
source "$(dirname "$0")/../lib.sh"
cp -r "$PROJECT" proj
printf 'backup: { keep: 2 }\n' >> proj/ferry.yaml
"$FERRY" generate workouts --scenario all-valid --count 50 --seed 41 --output in.jsonl > /dev/null
ids=()
pin=$("$FERRY" backup create --json --project proj --source in.jsonl --pin | python3 -c "import json,sys; print(json.load(sys.stdin)['id'])")
for i in 1 2 3 4; do
  ids+=("$("$FERRY" backup create --json --project proj --source in.jsonl 2> "err$i.txt" |
           python3 -c "import json,sys; print(json.load(sys.stdin)['id'])")")
  sleep 1.1  # distinct creation times
done
grep -q "note: pruned backup ${ids[0]}" err3.txt || fail "the third backup did not prune the first: $(cat err3.txt)"
listed() { "$FERRY" backup list --json | python3 -c "import json,sys; print(' '.join(sorted(b['id'] for b in json.load(sys.stdin))))"; }
want=$(printf '%s\n' "$pin" "${ids[2]}" "${ids[3]}" | sort | tr '\n' ' ' | sed 's/ $//')
[ "$(listed)" = "$want" ] || fail "after four backups: $(listed), want $want"
[ ! -d ".ferry/backups/${ids[0]}" ] || fail "the pruned backup's files are left"

# A run's backup is a backup too.
"$FERRY" run -q --project proj --source in.jsonl --target 'sqlite:w.db#workouts' --backup > run.json
run_backup=$("$FERRY" backup list --json | python3 -c "import json,sys; print([b['id'] for b in json.load(sys.stdin) if b['kind'] == 'run'][0])")
want=$(printf '%s\n' "$pin" "${ids[3]}" "$run_backup" | sort | tr '\n' ' ' | sed 's/ $//')
[ "$(listed)" = "$want" ] || fail "after the run: $(listed), want $want"

# Refused at load.
cp -r "$PROJECT" bad && printf 'backup: { keep: 0 }\n' >> bad/ferry.yaml
expect_exit 78 "$FERRY" backup create --project bad --source in.jsonl 2> bad.txt
grep -q "backup.keep" bad.txt || fail "keep: 0 not explained: $(cat bad.txt)"
cp -r "$PROJECT" bad2 && printf 'backup: { kep: 3 }\n' >> bad2/ferry.yaml
expect_exit 78 "$FERRY" backup create --project bad2 --source in.jsonl 2> /dev/null
echo PASS
