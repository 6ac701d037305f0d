#!/usr/bin/env bash
# name: workouts/export_version_older_goes_down_or_rejects_each_record
# description: `ferry export --version strength` of records born at unified-1 (strength is older): the
#   strength workouts go down through the backward steps of strength-to-unified-1 (they detect and
#   validate as strength, and migrating them up again gives exactly the unified-1 records); the others
#   (conditioning, hybrid, agility types) have no faithful strength form and each is rejected with
#   MIGRATION_ERROR, its key and what to do, not the whole export refused at load. Declaring the
#   downgrade migration is refused as a cycle with advice: every migration is reversible, use export --version.
# group: e2e
source "$(dirname "$0")/../lib.sh"
"$FERRY" generate workouts --scenario all-valid --count 400 --seed 43 --output in.jsonl > /dev/null
"$FERRY" run -q --state s.db --project "$PROJECT" --source in.jsonl --target unified.jsonl > /dev/null
total=$(wc -l < unified.jsonl)
strength=$(grep -c '"type":"strength"' unified.jsonl)
[ "$strength" -gt 0 ] && [ "$strength" -lt "$total" ] || fail "the data must mix strength and other types"
"$FERRY" export -q --state s.db --project "$PROJECT" --source unified.jsonl --target down.jsonl --version strength \
  --on-error skip --rejects rejects.jsonl > export.txt || fail "export --version strength failed: $(cat export.txt)"
[ "$(wc -l < down.jsonl)" = "$strength" ] || fail "$(wc -l < down.jsonl) records exported, want $strength"
"$FERRY" validate --project "$PROJECT" --source down.jsonl --version strength > /dev/null || fail "not valid strength records"
"$FERRY" analyze --json --project "$PROJECT" --source down.jsonl > analyze.json
python3 -c "
import json; a = json.load(open('analyze.json')); assert set(a['versions']) == {'strength'}, a['versions']"
# Up again: exactly the unified-1 strength records.
"$FERRY" run -q --state s2.db --project "$PROJECT" --source down.jsonl --target up.jsonl > /dev/null
python3 - "$total" "$strength" <<'PY'
import json, sys
canon = lambda line: json.dumps(json.loads(line), sort_keys=True, separators=(",", ":"))
unified = sorted(canon(l) for l in open("unified.jsonl") if '"type":"strength"' in l)
up = sorted(canon(l) for l in open("up.jsonl"))
assert up == unified, "migrating the exported records up again does not give the unified-1 records"
rejects = [json.loads(l) for l in open("rejects.jsonl")]
total, strength = int(sys.argv[1]), int(sys.argv[2])
assert len(rejects) == total - strength, (len(rejects), total - strength)
keys = {json.loads(l)["id"] for l in open("unified.jsonl") if '"type":"strength"' not in l}
for r in rejects:
    assert r["code"] == "MIGRATION_ERROR", r
    assert r["key"] in keys, r
    text = json.dumps(r)
    assert "newer than 'strength'" in text and "export it at its own version" in text, r
PY
# A version with no path either way: each record rejected, saying so.
"$FERRY" export -q --state s3.db --project "$PROJECT" --source in.jsonl --target c.jsonl --version conditioning \
  --on-error skip --rejects rejects2.jsonl > /dev/null || fail "export --version conditioning failed"
grep -q "no migration leads from version 'strength' to 'conditioning'" rejects2.jsonl \
  || fail "a record with no path is not rejected saying so: $(head -c 600 rejects2.jsonl)"
cp -r "$PROJECT" proj
# The downgrade migration, declared: refused as a cycle, saying what to do instead.
python3 - "$PROJECT/ferry.yaml" > proj/ferry.yaml <<'PY'
import sys
text = open(sys.argv[1]).read()
print(text.replace("migrations:\n", "migrations:\n  - id: unified-1-to-strength\n    from: unified-1\n    to: strength\n    steps:\n      - remove: type\n", 1))
PY
expect_exit 78 "$FERRY" plan --project proj --source in.jsonl 2> cycle.txt
grep -q "every migration is reversible" cycle.txt && grep -q "ferry export --version" cycle.txt \
  || fail "the cycle refusal does not say how to get the older version: $(cat cycle.txt)"
echo PASS
