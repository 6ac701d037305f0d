#!/usr/bin/env bash
# name: server/check_response_refuses_undocumented_status
# description: tools/node/check_response.mjs exits 1 when the status, the media type or the presence of a body
#   is not what the document says for the route: 200 where POST /api/v1/runs answers 202, a 418, a 401 on
#   /healthz (which takes no token), a 429 nowhere documented, a JSON body where 204 has none, and a Content-Type
#   the response does not document; the message lists what is documented. The documented ones pass.
# group: e2e
source "$(dirname "$0")/../lib.sh"
source "$E2E/openapi_lib.sh"
OP=op-20457deb7b28e397
ACCEPTED="{\"id\": \"$OP\", \"kind\": \"run\", \"href\": \"/api/v1/runs/$OP\"}"
PROBLEM='{"type":"urn:ferry:problem:UNAUTHENTICATED","title":"Unauthorized","status":401,"detail":"d","instance":"/healthz","code":"UNAUTHENTICATED","request_id":"r"}'
echo "$ACCEPTED" | check POST /api/v1/runs 202 > /dev/null || fail "the documented 202 is refused"
echo "$ACCEPTED" | refused "200 for a started run" \
  "status 200 is not documented for POST /api/v1/runs (documented: 202," POST /api/v1/runs 200
jq -c . "$SAMPLES/snapshot_completed_run.json" | refused "a 418" "status 418 is not documented for GET /api/v1/runs/{id}" \
  GET "/api/v1/runs/$OP" 418
echo "$PROBLEM" | check GET /api/v1/runs 401 application/problem+json > /dev/null || fail "a documented 401 is refused"
echo "$PROBLEM" | refused "401 on /healthz" "status 401 is not documented for GET /healthz" \
  GET /healthz 401 application/problem+json
echo "$PROBLEM" | refused "429" "status 429 is not documented for GET /api/v1/projects" \
  GET /api/v1/projects 429 application/problem+json
printf '' | check DELETE /api/v1/templates/nightly 204 > /dev/null || fail "an empty 204 is refused"
echo '{}' | refused "a body on 204" "no body is documented, got 3 bytes" DELETE /api/v1/templates/nightly 204
jq -c . "$SAMPLES/snapshot_completed_run.json" | refused "text/html" \
  "Content-Type text/html is not documented (documented: application/json)" GET "/api/v1/runs/$OP" 200 "text/html"
echo "$PROBLEM" | refused "an error as plain JSON" "Content-Type application/json is not documented (documented: application/problem+json)" \
  GET /api/v1/runs 401 application/json
check_refused
echo PASS
