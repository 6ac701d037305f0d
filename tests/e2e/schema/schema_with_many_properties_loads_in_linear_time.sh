#!/usr/bin/env bash
# name: schema/schema_with_many_properties_loads_in_linear_time
# description: a schema of 200,000 properties, half of them a "$ref" to one of 100,000 definitions, with
#   additionalProperties false, loads and checks records in seconds (56 s before compiling was indexed:
#   a linear search per property and per "$ref" made it quadratic); its rules still hold. The `timeout`
#   is the check, not a timing.
# group: e2e
source "$(dirname "$0")/../lib.sh"
mkdir schemas
python3 - <<'PY'
import json
n = 200000
props, defs = {"id": {"type": "string"}}, {}
for i in range(n):
    if i % 2:
        defs["d%d" % i] = {"type": "integer", "minimum": 0}
        props["p%d" % i] = {"$ref": "#/definitions/d%d" % i}
    else:
        props["p%d" % i] = {"type": "string"}
schema = {"type": "object", "required": ["id"], "properties": props, "additionalProperties": False,
          "definitions": defs}
json.dump(schema, open("schemas/v1.json", "w"))
with open("in.jsonl", "w") as out:
    out.write('{"id":"good","p0":"x","p1":1,"p199999":2,"p199998":"y"}\n')
    out.write('{"id":"bad-ref","p199999":-1}\n')
    out.write('{"id":"bad-type","p199998":7}\n')
    out.write('{"id":"bad-extra","p200000":1}\n')
PY
cat > ferry.yaml <<'YAML'
collection: wide
versions:
  v1:
    detect: { has: [id] }
    schema: schemas/v1.json
target: v1
YAML
set +e
timeout 40 "$FERRY" run -q --json --project ferry.yaml --source in.jsonl --target out.jsonl --rejects rej.jsonl > r.json
code=$?
set -e
[ "$code" != 124 ] || fail "loading a schema of 200,000 properties did not finish within 40 s (quadratic?)"
[ "$code" = 0 ] || fail "exit $code"
python3 - <<'PY'
import json
r = json.load(open("r.json"))
assert r["input"] == 4 and r["rejected"] == 3, r
assert [json.loads(l)["id"] for l in open("out.jsonl")] == ["good"]
rejects = {x["key"]: x["errors"][0]["keyword"] for x in map(json.loads, open("rej.jsonl"))}
assert rejects == {"bad-ref": "minimum", "bad-type": "type", "bad-extra": "additionalProperties"}, rejects
PY
echo "200,000 properties: loaded and checked within the timeout"
