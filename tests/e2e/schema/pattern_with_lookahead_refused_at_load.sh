#!/usr/bin/env bash
# name: schema/pattern_with_lookahead_refused_at_load
# description: a schema pattern that a linear-time matcher cannot run (a lookahead, a backreference) is
#   refused when the project loads, with PROJECT_ERROR naming the schema file and the pattern's JSON
#   Pointer, before any record is read or written.
# group: e2e
source "$(dirname "$0")/../lib.sh"
mkdir schemas
cat > ferry.yaml <<'YAML'
collection: codes
key: id
versions:
  v1:
    detect: { has: [code] }
    schema: schemas/v1.json
target: v1
YAML
echo '{"id":"a","code":"x1"}' > in.jsonl
for pattern in '^(?=.*[0-9])[a-z0-9]+$:properties/code/pattern:lookahead' \
               '^([a-z])\\1$:properties/code/pattern:backreference'; do
  IFS=: read -r regex pointer what <<< "$pattern"
  printf '{ "type": "object", "properties": { "code": { "type": "string", "pattern": "%s" } } }\n' "$regex" \
    > schemas/v1.json
  expect_exit 78 "$FERRY" run -q --project ferry.yaml --source in.jsonl --target out.jsonl 2> err.txt
  grep -q "PROJECT_ERROR" err.txt || fail "no PROJECT_ERROR: $(cat err.txt)"
  grep -q "v1.json" err.txt || fail "the schema file is not named: $(cat err.txt)"
  grep -qF "#/$pointer" err.txt || fail "the pattern's pointer is not named: $(cat err.txt)"
  grep -q "$what" err.txt || fail "the reason ($what) is not given: $(cat err.txt)"
  [ ! -e out.jsonl ] || fail "a target was written"
done
# patternProperties: the pointer is the property name's.
cat > schemas/v1.json <<'JSON'
{ "type": "object", "patternProperties": { "^(?<!x)y": {} } }
JSON
expect_exit 78 "$FERRY" run -q --project ferry.yaml --source in.jsonl --target out.jsonl 2> err.txt
grep -qF '#/patternProperties/^(?<!x)y' err.txt || fail "the patternProperties name is not named: $(cat err.txt)"
grep -q "lookbehind" err.txt || fail "no reason: $(cat err.txt)"
echo "lookaround and backreferences: refused at load with their location"
