#!/usr/bin/env bash
# name: runs/plan_shows_path_choice_and_alternatives
# description: when a version has more than one shortest migration path to the target, `ferry plan` names
#   the chosen one, why (fewer lossy migrations, else the ids' order) and the alternatives, in text and
#   --json; the run takes the path the plan named.
# group: e2e
source "$(dirname "$0")/../lib.sh"
mkdir proj
write_project() {  # $1: the steps of migration a-first
  cat > proj/ferry.yaml <<YAML
collection: notes
versions:
  v1: { detect: { equals: { v: 1 } } }
  v2a: { detect: { equals: { v: 21 } } }
  v2b: { detect: { equals: { v: 22 } } }
  v3: { detect: { equals: { v: 3 } } }
migrations:
  - { id: a-first, from: v1, to: v2a, steps: [ $1 ] }
  - { id: a-then, from: v2a, to: v3, steps: [ { add: { field: a2, value: true } } ] }
  - { id: b-first, from: v1, to: v2b, steps: [ { add: { field: b1, value: true } } ] }
  - { id: b-then, from: v2b, to: v3, steps: [ { add: { field: b2, value: true } } ] }
target: v3
YAML
}
python3 -c "
import json
for i in range(1, 41): print(json.dumps({'id': 'n%d' % i, 'v': 1, 'note': 'x'}))" > notes.jsonl

# Two lossless paths of two migrations: a tie, broken by the ids.
write_project "{ add: { field: a1, value: true } }"
"$FERRY" plan -q --project proj --source notes.jsonl > plan.txt
grep -q "chosen because the 2 shortest paths (2 migrations, 0 lossy) tie; the one whose migration ids sort first" plan.txt \
  || fail "plan does not say why: $(cat plan.txt)"
grep -A1 "the alternatives:" plan.txt | grep -q "b-first -> b-then" || fail "no alternative shown: $(cat plan.txt)"
"$FERRY" plan -q --json --project proj --source notes.jsonl > plan.json
python3 - <<'PY'
import json
v1 = [v for v in json.load(open("plan.json"))["versions"] if v["version"] == "v1"][0]
assert [s["migration"] for s in v1["path"]] == ["a-first", "a-then"], v1
assert v1["alternatives"] == [["b-first", "b-then"]], v1
assert "tie" in v1["chosen_because"], v1
PY

# a-first made lossy: the path with fewer lossy migrations wins, and the run takes it.
write_project "{ remove: { field: note } }"
"$FERRY" plan -q --json --project proj --source notes.jsonl > plan2.json
python3 - <<'PY'
import json
v1 = [v for v in json.load(open("plan2.json"))["versions"] if v["version"] == "v1"][0]
assert [s["migration"] for s in v1["path"]] == ["b-first", "b-then"], v1
assert v1["alternatives"] == [["a-first", "a-then"]], v1
assert "fewest lossy migrations (0)" in v1["chosen_because"], v1
PY
"$FERRY" run -q --project proj --source notes.jsonl --target out.jsonl --state trial.db > /dev/null
python3 -c "
import json
for l in open('out.jsonl'):
    r = json.loads(l); assert r.get('b1') and r.get('b2') and 'a1' not in r and r['note'] == 'x', r"

# A single shortest path: nothing to choose between.
"$FERRY" plan -q --json --project "$PROJECT" --source <("$FERRY" generate workouts --count 50) > one.json
python3 -c "
import json
for v in json.load(open('one.json'))['versions']: assert v['alternatives'] == [] and v['chosen_because'] == '', v"
echo PASS
