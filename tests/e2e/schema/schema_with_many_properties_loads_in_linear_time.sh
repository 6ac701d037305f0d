#!/usr/bin/env bash
# name: schema/schema_with_many_properties_loads_in_linear_time
# description: a schema of 200,000 properties, half of them a "$ref" to one of 100,000 definitions, with
#   additionalProperties false, loads and checks records in seconds (103 s before compiling was indexed:
#   a linear search per property and per "$ref" made it quadratic); its rules still hold, and 150,000
#   small records are checked at the cost of their own members. The `timeout`s are the check, not a timing.
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
with open("many.jsonl", "w") as out:
    for i in range(150000):
        out.write('{"id":"r%d","p0":"x","p1":%d,"p2":"y","p3":3}\n' % (i, i))
PY
# 40 s each (the old code took 103 s to load, then 0.5 ms a record); five times as long under
# AddressSanitizer, which slows every step but changes no complexity.
limit=40
if ldd "$FERRY" | grep -q libasan; then limit=200; fi
cat > ferry.yaml <<'YAML'
collection: wide
versions:
  v1:
    detect: { has: [id] }
    schema: schemas/v1.json
target: v1
YAML
set +e
timeout "$limit" "$FERRY" run -q --json --project ferry.yaml --source in.jsonl --target out.jsonl --rejects rej.jsonl > r.json
code=$?
set -e
[ "$code" != 124 ] || fail "loading a schema of 200,000 properties did not finish within $limit s (quadratic?)"
[ "$code" = 0 ] || fail "exit $code"
python3 - <<'PY'
import json
r = json.load(open("r.json"))
assert r["input"] == 4 and r["rejected"] == 3, r
assert [json.loads(l)["id"] for l in open("out.jsonl")] == ["good"]
rejects = {x["key"]: x["errors"][0]["keyword"] for x in map(json.loads, open("rej.jsonl"))}
assert rejects == {"bad-ref": "minimum", "bad-type": "type", "bad-extra": "additionalProperties"}, rejects
PY
# Each small record costs its own size, not the schema's (it was 1 ms a record: 200,000 names looked up).
set +e
timeout "$limit" "$FERRY" run -q --json --state many.db --project ferry.yaml --source many.jsonl --target many.out.jsonl > m.json
code=$?
set -e
[ "$code" != 124 ] || fail "checking 150,000 small records against 200,000 properties took over $limit s"
[ "$code" = 0 ] || fail "exit $code"
python3 -c "
import json; r = json.load(open('m.json'))
assert r['input'] == 150000 and r['rejected'] == 0, r"
echo "200,000 properties: loaded and checked within the timeout"
