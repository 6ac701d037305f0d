#!/usr/bin/env bash
# name: schema/nested_quantifier_pattern_runs_in_linear_time
# description: a schema pattern that makes a backtracking engine explode, ^(a+)+$, checks values of 60
#   characters (hours each with std::regex: x1.8 per character) at once: the non-matching ones are
#   rejected with VALIDATION_ERROR, the matching ones migrate. The `timeout` is the check, not a timing.
# group: e2e
source "$(dirname "$0")/../lib.sh"
mkdir schemas
cat > schemas/v1.json <<'JSON'
{ "type": "object", "properties": { "code": { "type": "string", "pattern": "^(a+)+$" } } }
JSON
cat > ferry.yaml <<'YAML'
collection: codes
key: id
versions:
  v1:
    detect: { has: [code] }
    schema: schemas/v1.json
target: v1
YAML
python3 - <<'PY'
with open("in.jsonl", "w") as out:
    for i in range(5):
        out.write('{"id":"bad-%d","code":"%s!"}\n' % (i, "a" * (56 + i)))
        out.write('{"id":"good-%d","code":"%s"}\n' % (i, "a" * (56 + i)))
PY
set +e
timeout 300 "$FERRY" run -q --json --project ferry.yaml --source in.jsonl --target out.jsonl --rejects rej.jsonl > r.json
code=$?
set -e
[ "$code" != 124 ] || fail "the pattern check did not finish within 300 s (backtracking?)"
[ "$code" = 0 ] || fail "exit $code"
python3 - <<'PY'
import json
r = json.load(open("r.json"))
assert r["input"] == 10 and r["rejected"] == 5, r
rejects = [json.loads(l) for l in open("rej.jsonl")]
assert sorted(x["key"] for x in rejects) == ["bad-%d" % i for i in range(5)], rejects
assert all(x["code"] == "VALIDATION_ERROR" and x["errors"][0]["keyword"] == "pattern" for x in rejects), rejects
assert sorted(json.loads(l)["id"] for l in open("out.jsonl")) == ["good-%d" % i for i in range(5)]
PY
echo "^(a+)+\$ on 60-character values: checked in linear time"
