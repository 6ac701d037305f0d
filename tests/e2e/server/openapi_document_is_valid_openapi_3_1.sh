#!/usr/bin/env bash
# name: server/openapi_document_is_valid_openapi_3_1
# description: docs/openapi.json is a valid OpenAPI 3.1 document for the pinned validator
#   (tools/node/validate_openapi.mjs: the OpenAPI 3.1 schema, every $ref resolving, every schema compiling as
#   JSON Schema 2020-12, schema examples valid, path parameters declared); and the validator is no rubber
#   stamp: a copy with a dangling $ref, a misspelt schema keyword, an undeclared path parameter, a response
#   without description, `openapi: 3.0.3`, or an example its schema refuses is refused with the place named.
# group: e2e
source "$(dirname "$0")/../lib.sh"
source "$E2E/openapi_lib.sh"
VALIDATE=$NODE_TOOLS/validate_openapi.mjs
node "$VALIDATE" "$SPEC" > valid.out || fail "docs/openapi.json is not valid"
grep -q "valid OpenAPI 3\.1\.[0-9]* (" valid.out || fail "no verdict: $(cat valid.out)"
# broken NAME PYTHON SAYS: a copy of the document changed by PYTHON (on `d`) must be refused, saying SAYS.
broken() {
  python3 -c "import json,sys
d = json.load(open(sys.argv[1]))
$2
json.dump(d, open(sys.argv[2], 'w'))" "$SPEC" "$1.json"
  set +e; node "$VALIDATE" "$1.json" > "$1.out" 2>&1; local rc=$?; set -e
  [ "$rc" = 1 ] || fail "$1: exit $rc, not 1: $(cat "$1.out")"
  grep -qF -- "$3" "$1.out" || fail "$1: the message does not say '$3': $(cat "$1.out")"
}
broken dangling_ref "d['components']['schemas']['OperationSnapshot']['properties']['counters'] = {'\$ref': '#/components/schemas/Nowhere'}" \
  "#/components/schemas/Nowhere"
broken misspelt_keyword "d['components']['schemas']['RunReport']['properties']['input']['minimun'] = 0" \
  'unknown keyword: "minimun"'
broken undeclared_parameter "d['paths']['/api/v1/runs/{id}']['get']['parameters'] = []" \
  "GET /api/v1/runs/{id}: path parameters declared [] differ from the template's [id]"
broken response_without_description "del d['paths']['/api/v1/runs']['get']['responses']['200']['description']" \
  "must have required property 'description'"
broken openapi_3_0 "d['openapi'] = '3.0.3'" 'openapi is "3.0.3", not 3.1.x'
broken invalid_example "d['components']['schemas']['RunRequest']['examples'][0]['batchSize'] = 5" \
  "/components/schemas/RunRequest/examples/0: not valid against its schema"
echo PASS
