#!/usr/bin/env bash
# name: server/check_response_refuses_undocumented_path
# description: tools/node/check_response.mjs exits 1 when no documented path matches the request's path (an
#   unknown route, another API version, an empty {id} segment, a path one segment too long or short) or
#   the path has no operation for the method (PUT /api/v1/runs, GET /api/migration/start); the documented
#   templates, legacy aliases and literal segments beside a template (/api/v1/backups/prune beside
#   /api/v1/backups/{id}) match.
# group: e2e
source "$(dirname "$0")/../lib.sh"
source "$E2E/openapi_lib.sh"
OP=op-20457deb7b28e397
ACCEPTED="{\"id\": \"$OP\", \"kind\": \"backup_prune\", \"href\": \"/api/v1/runs/$OP\"}"
echo "$ACCEPTED" | check POST /api/v1/backups/prune 202 > /dev/null || fail "POST /api/v1/backups/prune is refused"
echo "$ACCEPTED" | check POST /api/migration/start 202 > /dev/null || fail "the legacy alias is refused"
for path in /api/v1/nope /api/v2/runs /api/v1/runs/ "/api/v1/runs/$OP/report/extra" /api/v1 /api/migration/starts; do
  echo "$ACCEPTED" | refused "$path" "path $path matches no documented path" GET "$path" 200
done
echo "$ACCEPTED" | refused "PUT /api/v1/runs" "PUT is not documented for /api/v1/runs (documented: POST, GET)" \
  PUT /api/v1/runs 202
echo "$ACCEPTED" | refused "GET on a POST alias" "GET is not documented for /api/migration/start" \
  GET /api/migration/start 202
echo "$ACCEPTED" | refused "POST on a DELETE-only template" "POST is not documented for /api/v1/backups/{id}" \
  POST /api/v1/backups/b-1 202
check_refused
echo PASS
