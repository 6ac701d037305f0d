#!/usr/bin/env bash
# name: schema/relative_ref_to_shared_file_and_later_version
# description: two versions' schemas share schemas/common.json through relative "$ref"s (resolved
#   against the referring file: "common.json#/…" beside it, "../common.json#/…" from a sub-directory), and
#   v2, declared first, refers to v1's schema, declared after it; the rules of both files are enforced.
#   A "$ref" to a missing file is refused before any data is read (PROJECT_ERROR naming the schema file, the
#   pointer and the missing file); a remote "$ref" is still refused, never fetched.
# group: e2e
source "$(dirname "$0")/../lib.sh"
mkdir -p schemas/v2
cat > schemas/common.json <<'JSON'
{ "definitions": { "name": { "type": "string", "minLength": 1 }, "count": { "type": "integer", "minimum": 0 } } }
JSON
cat > schemas/v1.json <<'JSON'
{ "type": "object", "required": ["id", "name"],
  "properties": { "id": { "type": "string" }, "name": { "$ref": "common.json#/definitions/name" } } }
JSON
cat > schemas/v2/v2.json <<'JSON'
{ "allOf": [ { "$ref": "../v1.json" } ], "required": ["reps"],
  "properties": { "reps": { "$ref": "../common.json#/definitions/count" } } }
JSON
cat > ferry.yaml <<'YAML'
collection: sets
versions:
  v2:
    detect: { has: [reps] }
    schema: schemas/v2/v2.json
  v1:
    detect: { has: [name] }
    schema: schemas/v1.json
migrations:
  - id: v1-to-v2
    from: v1
    to: v2
    steps:
      - add: { field: reps, value: 0 }
target: v2
YAML
cat > in.jsonl <<'JSONL'
{"id":"a","name":"squat"}
{"id":"b","name":"press","reps":5}
{"id":"c","name":"","reps":3}
{"id":"d","name":"row","reps":-1}
JSONL
"$FERRY" run -q --json --project ferry.yaml --source in.jsonl --target out.jsonl --rejects rej.jsonl > r.json || true
python3 - <<'PY'
import json
r = json.load(open("r.json"))
assert r["input"] == 4 and r["migrated"] + r.get("unchanged", 0) >= 1, r
out = sorted(json.loads(l)["id"] for l in open("out.jsonl"))
assert out == ["a", "b"], out
rejects = {x["key"]: x for x in map(json.loads, open("rej.jsonl"))}
assert sorted(rejects) == ["c", "d"], rejects
# c breaks common.json's minLength through v1.json; d breaks common.json's minimum through v2.json.
assert rejects["c"]["code"] == "VALIDATION_ERROR" and rejects["c"]["errors"][0]["keyword"] == "minLength", rejects["c"]
assert rejects["d"]["code"] == "VALIDATION_ERROR" and rejects["d"]["errors"][0]["keyword"] == "minimum", rejects["d"]
PY

# A missing shared file: refused at load, naming the schema file, the pointer and the file.
sed 's|common.json#/definitions/count|shared/missing.json#/definitions/count|' schemas/v2/v2.json > schemas/v2/broken.json
sed 's|schemas/v2/v2.json|schemas/v2/broken.json|' ferry.yaml > broken.yaml
expect_exit 78 "$FERRY" plan -q --project broken.yaml --source in.jsonl 2> err.txt
grep -q "PROJECT_ERROR" err.txt || fail "$(cat err.txt)"
grep -qF "schema file 'schemas/v2/broken.json'" err.txt || fail "the message does not name the schema file: $(cat err.txt)"
grep -qF '#/properties/reps/$ref' err.txt || fail "the message does not name the pointer: $(cat err.txt)"
grep -qF "'schemas/shared/missing.json'" err.txt || fail "the message does not name the missing file: $(cat err.txt)"
grep -q "broken.yaml:[0-9]*:" err.txt || fail "the message does not name the project file line: $(cat err.txt)"

# A remote "$ref" is not fetched: refused as unresolvable.
sed 's|../common.json#/definitions/count|http://127.0.0.1:9/common.json#/definitions/count|' schemas/v2/v2.json > schemas/v2/remote.json
sed 's|schemas/v2/v2.json|schemas/v2/remote.json|' ferry.yaml > remote.yaml
expect_exit 78 "$FERRY" plan -q --project remote.yaml --source in.jsonl 2> err.txt
grep -qF 'no schema is registered at "http://127.0.0.1:9/common.json"' err.txt || fail "$(cat err.txt)"
echo PASS
