#!/usr/bin/env bash
# name: stores/checksum_refuses_edited_migration
# description: after a migration was applied, editing its definition makes plan and run refuse with
#   CHECKSUM_MISMATCH (exit 78) naming the migration and what changed; whitespace, comments and key
#   order are not changes; `ferry repair` accepts the edit, records who did, and the run goes through.
# group: e2e
source "$(dirname "$0")/../lib.sh"
cp -r "$PROJECT" proj
"$FERRY" generate workouts --count 2000 --seed 43 --output in.jsonl > /dev/null
"$FERRY" run -q --project proj --source in.jsonl --target out.jsonl > /dev/null
# Layout, comments and key order do not count.
python3 - <<'PY'
import re
p = "proj/ferry.yaml"
s = open(p).read()
s = s.replace("collection: workouts", "# a new comment\ncollection:   workouts")
s = s.replace("- rename: { from: type, to: phase }", "- rename: {  to: phase,   from: type }  # reordered")
open(p, "w").write(s)
PY
"$FERRY" plan -q --project proj --source in.jsonl > /dev/null || fail "a layout-only edit was refused"
# A real edit is refused by plan and run.
sed -i 's/- rename: {  to: phase,   from: type }/- rename: { from: type, to: stage }/' proj/ferry.yaml
expect_exit 78 "$FERRY" plan -q --project proj --source in.jsonl > plan.out 2> plan.err
grep -q CHECKSUM_MISMATCH plan.err || fail "plan: no CHECKSUM_MISMATCH: $(cat plan.err)"
grep -q "conditioning-to-unified-1" plan.err || fail "plan does not name the migration: $(cat plan.err)"
grep -q '"phase" -> "stage"' plan.err || fail "plan does not say what changed: $(cat plan.err)"
expect_exit 78 "$FERRY" run -q --project proj --source in.jsonl --target out2.jsonl > run.out 2> run.err
grep -q CHECKSUM_MISMATCH run.err || fail "run: no CHECKSUM_MISMATCH: $(cat run.err)"
[ ! -e out2.jsonl ] || fail "the refused run wrote output"
FERRY_USER=alice "$FERRY" repair --project proj > repair.out || fail "repair failed: $(cat repair.out)"
grep -q "conditioning-to-unified-1" repair.out || fail "repair does not name the migration"
"$FERRY" history --project proj --json | python3 -c "
import json, sys
h = json.load(sys.stdin)
rep = [e for e in h if e['kind'] == 'repair']
# The edited block is a YAML anchor shared by two migrations: both changed.
assert sorted(e['migration'] for e in rep) == ['conditioning-to-unified-1', 'hybrid-to-unified-1'], h
assert all(e['applied_by'] == 'alice' for e in rep), h"
"$FERRY" plan -q --project proj --source in.jsonl > /dev/null || fail "plan still refuses after repair"
"$FERRY" run -q --project proj --source in.jsonl --target out2.jsonl > /dev/null || fail "run refused after repair"
"$FERRY" repair --project proj | grep -q "Nothing to repair" || fail "a second repair found something"
echo PASS
