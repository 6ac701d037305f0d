#!/usr/bin/env bash
# name: server/openapi_documents_every_endpoint_and_alias
# description: docs/openapi.json documents every endpoint of `ferry serve` (issue 16) under /api/v1, /healthz,
#   /readyz and /metrics, and every legacy path existing apps call, each marked deprecated with
#   x-ferry-alias-of naming a documented /api/v1 operation whose responses it shares and its description
#   naming that operation; /healthz and /readyz take no token, every other operation names its least role;
#   tools/node/list_paths.mjs prints exactly the documented operations (as jq finds them).
# group: e2e
source "$(dirname "$0")/../lib.sh"
source "$E2E/openapi_lib.sh"
node "$NODE_TOOLS/list_paths.mjs" "$SPEC" > listed
jq -r '.paths | to_entries[] | .key as $p | .value | keys[] | select(. != "parameters") | "\(ascii_upcase) \($p)"' \
  "$SPEC" | sort > expected
diff expected listed > /dev/null || fail "list_paths.mjs differs from the document: $(diff expected listed)"
[ "$(wc -l < listed)" -ge 50 ] || fail "only $(wc -l < listed) operations listed"
V1="GET /api/v1/projects
GET /api/v1/projects/{name}
POST /api/v1/analyze
POST /api/v1/plan
POST /api/v1/validate
POST /api/v1/verify
POST /api/v1/runs
GET /api/v1/runs
GET /api/v1/runs/{id}
POST /api/v1/runs/{id}/cancel
POST /api/v1/runs/{id}/resume
GET /api/v1/runs/{id}/report
GET /api/v1/runs/{id}/rejects
GET /api/v1/events
POST /api/v1/rollbacks/impact
POST /api/v1/rollbacks
POST /api/v1/imports
POST /api/v1/exports
GET /api/v1/exports/{id}/file
GET /api/v1/templates
POST /api/v1/templates
GET /api/v1/templates/{name}
GET /api/v1/backups
POST /api/v1/backups
POST /api/v1/backups/{id}/verify
POST /api/v1/backups/{id}/restore
DELETE /api/v1/backups/{id}
POST /api/v1/backups/prune
GET /api/v1/history
GET /api/v1/audit
GET /api/v1/operations/active
GET /api/v1/operations/history
GET /healthz
GET /readyz
GET /metrics
GET /api/v1/openapi.json"
LEGACY="POST /api/migration/analyze
POST /api/migration/start
POST /api/migration/rollback
GET /api/migration/status
GET /api/migration/results
POST /api/data-migration/export
POST /api/data-migration/import
POST /api/data-migration/validate
GET /api/data-migration/operations/{id}/progress
GET /api/data-migration/operations/active
GET /api/data-migration/operations/history
POST /api/data-migration/operations/{id}/cancel
POST /api/data-migration/templates
GET /api/data-migration/templates
GET /api/data-migration/templates/{id}"
while read -r op; do
  grep -qxF "$op" listed || fail "not documented: $op"
  jq -e --arg m "${op%% *}" --arg p "${op#* }" '.paths[$p][$m | ascii_downcase].deprecated | not' "$SPEC" > /dev/null \
    || fail "$op is marked deprecated"
done <<< "$V1"
while read -r op; do
  grep -qxF "$op" listed || fail "legacy path not documented: $op"
  m=${op%% *} p=${op#* }
  o=$(jq -c --arg m "$m" --arg p "$p" '.paths[$p][$m | ascii_downcase]' "$SPEC")
  [ "$(jq .deprecated <<< "$o")" = true ] || fail "$op is not deprecated"
  of=$(jq -r '."x-ferry-alias-of" // empty' <<< "$o")
  grep -qxF "$of" <<< "$V1" || fail "$op: x-ferry-alias-of '$of' is no /api/v1 operation"
  jq -r .description <<< "$o" | grep -qF "alias of $of" || fail "$op: its description does not name $of"
  target=$(jq -c --arg m "${of%% *}" --arg p "${of#* }" '.paths[$p][$m | ascii_downcase].responses' "$SPEC")
  [ "$(jq -c .responses <<< "$o")" = "$target" ] || fail "$op answers otherwise than $of"
done <<< "$LEGACY"
for op in healthz readyz; do
  jq -e ".paths[\"/$op\"].get.security == []" "$SPEC" > /dev/null || fail "/$op asks for a token"
done
jq -e '.security == [{"bearer": []}] and .components.securitySchemes.bearer.scheme == "bearer"' "$SPEC" > /dev/null \
  || fail "the bearer token is not required by default"
bad=$(jq -r '.paths | to_entries[] | .key as $p | .value | to_entries[] | select(.key != "parameters")
  | select((.value."x-ferry-role" | IN("viewer", "operator", "admin")) != ($p | IN("/healthz", "/readyz") | not))
  | "\(.key) \($p): \(.value."x-ferry-role")"' "$SPEC")
[ -z "$bad" ] || fail "roles: $bad"
echo PASS
