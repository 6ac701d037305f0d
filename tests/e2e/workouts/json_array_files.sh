#!/usr/bin/env bash
# name: workouts/json_array_files
# description: JSON array files are read as a stream of elements and written as an array; results equal
#   the JSON Lines path; a broken element is one reject, a truncated array an error.
# group: e2e
source "$(dirname "$0")/../lib.sh"
"$FERRY" generate workouts --count 3000 --seed 12 --output in.jsonl > /dev/null
python3 -c "
import json
docs = [json.loads(l) for l in open('in.jsonl', encoding='utf-8')]
json.dump(docs, open('in.json', 'w', encoding='utf-8'), ensure_ascii=False, indent=2)"
"$FERRY" run -q --project "$PROJECT" --source in.jsonl --target a.jsonl > /dev/null
"$FERRY" run -q --project "$PROJECT" --source json:in.json --target jsonl:b.jsonl > /dev/null
python3 "$E2E/compare_with_peer.py" a.jsonl /dev/null b.jsonl /dev/null > /dev/null || fail "array input differs"
"$FERRY" run -q --project "$PROJECT" --source in.jsonl --target json:c.json > /dev/null
python3 -c "
import json
a = [json.loads(l) for l in open('a.jsonl', encoding='utf-8')]
c = json.load(open('c.json', encoding='utf-8'))
assert a == c, 'array output differs'"
printf '[{"id":"x1","name":"n","exercises":[{"exerciseId":"e","sets":1,"reps":2}],"warmupDuration":1,"cooldownDuration":1,"restBetweenExercises":1,"created_at":0}, {"id": broken}]\n' > two.json
"$FERRY" run -q --project "$PROJECT" --source two.json --target two.jsonl --rejects two.rej --json > two.report
python3 -c "
import json; r = json.load(open('two.report'))
assert r['migrated'] == 1 and r['rejected'] == 1 and r['rejects_by_code'] == {'PARSE_ERROR': 1}, r"
grep -q '"createdAt":"1970-01-01T00:00:00Z"' two.jsonl || fail "epoch 0 not converted"
printf '[{"id":"x1"},' > trunc.json
expect_exit 65 "$FERRY" run -q --project "$PROJECT" --source trunc.json --target t.jsonl
[ ! -e t.jsonl ] || fail "truncated input published output"
echo PASS
