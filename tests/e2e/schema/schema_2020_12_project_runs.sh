#!/usr/bin/env bash
# name: schema/schema_2020_12_project_runs
# description: a project whose schema says "$schema": draft 2020-12 loads and runs: "$defs" with "$ref"
#   beside other keywords, "prefixItems", "dependentRequired" and "unevaluatedProperties": false (which sees
#   the properties of the "$ref"ed schema) are enforced; rejects name the keyword and the JSON Pointer.
# group: e2e
source "$(dirname "$0")/../lib.sh"
mkdir -p schemas
cat > schemas/set.json <<'JSON'
{ "$schema": "https://json-schema.org/draft/2020-12/schema",
  "$defs": { "base": { "properties": { "id": { "type": "string" } }, "required": ["id"] } },
  "$ref": "#/$defs/base",
  "type": "object",
  "properties": { "pair": { "prefixItems": [ { "type": "integer" }, { "type": "string" } ], "items": false },
                  "unit": { "enum": ["kg", "lb"] }, "weight": { "type": "number" } },
  "dependentRequired": { "weight": ["unit"] },
  "unevaluatedProperties": false }
JSON
cat > ferry.yaml <<'YAML'
collection: sets
versions:
  v1:
    detect: { has: [id] }
    schema: schemas/set.json
target: v1
YAML
cat > in.jsonl <<'JSONL'
{"id":"a","pair":[1,"x"],"weight":5,"unit":"kg"}
{"id":"b","extra":true}
{"id":"c","weight":5}
{"id":"d","pair":[1,"x",3]}
{"id":7}
JSONL
"$FERRY" run -q --json --project ferry.yaml --source in.jsonl --target out.jsonl --rejects rej.jsonl > r.json || true
python3 - <<'PY'
import json
out = sorted(json.loads(l)["id"] for l in open("out.jsonl"))
assert out == ["a"], out
rejects = {str(x["key"]): x for x in map(json.loads, open("rej.jsonl"))}
assert sorted(rejects) == ["7", "b", "c", "d"], rejects
def first(key):
    return rejects[key]["errors"][0]
assert first("b")["keyword"] == "unevaluatedProperties" and first("b")["pointer"] == "/extra", first("b")
assert first("c")["keyword"] == "dependentRequired" and first("c")["pointer"] == "/unit", first("c")
assert first("d")["keyword"] == "items" and first("d")["pointer"] == "/pair", first("d")
assert first("7")["keyword"] == "type" and first("7")["pointer"] == "/id", first("7")
PY
echo PASS
