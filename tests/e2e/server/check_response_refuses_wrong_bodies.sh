#!/usr/bin/env bash
# name: server/check_response_refuses_wrong_bodies
# description: tools/node/check_response.mjs exits 1 naming what is wrong when a body does not match its
#   documented schema: a snapshot member of the wrong type, missing, or outside its enum; a report with a
#   negative count; a 202 answer without its id; a problem without Ferry's code, or whose status is not the
#   one the error-code table gives its code; an event whose `event:` or `id:` disagrees with its data, or
#   whose data is no OperationEvent; a reject line without its code; a body that is not JSON. The same
#   bodies unchanged are accepted (so each refusal is the change's doing).
# group: e2e
source "$(dirname "$0")/../lib.sh"
source "$E2E/openapi_lib.sh"
OP=op-20457deb7b28e397
SNAP=$SAMPLES/snapshot_completed_run.json
SSE=$SAMPLES/events_of_a_run.sse
check GET "/api/v1/runs/$OP" 200 < "$SNAP" > /dev/null || fail "the sample snapshot itself is refused"
check GET "/api/v1/events?run=$OP" 200 text/event-stream < "$SSE" > /dev/null || fail "the sample events are refused"
# snapshot JQ: the sample snapshot changed by JQ.
snapshot() { jq -c "$1" "$SNAP"; }
snapshot '.counters.processed = "300"' | refused "a count as a string" "/counters/processed: must be integer" \
  GET "/api/v1/runs/$OP" 200
snapshot 'del(.state)' | refused "no state" "must have required property 'state'" GET "/api/v1/runs/$OP" 200
snapshot '.state = "paused"' | refused "an unknown state" "/state: must be equal to one of the allowed values" \
  GET "/api/v1/runs/$OP" 200
snapshot '.id = "20261208-005722-c0022c11"' | refused "a run id for the operation id" '/id: must match pattern' \
  GET "/api/data-migration/operations/$OP/progress" 200
snapshot '.result.input = -1' | refused "a negative count in the result" "/result/input: must be >= 0" \
  GET "/api/v1/runs/$OP" 200
jq -c '.result | .versions = []' "$SNAP" | refused "versions as an array in a report" "/versions: must be object" \
  GET "/api/v1/runs/$OP/report" 200
echo "{\"kind\": \"run\", \"href\": \"/api/v1/runs/$OP\"}" | refused "a 202 without its id" \
  "must have required property 'id'" POST /api/v1/runs 202
echo '{"type":"about:blank","title":"Not Found","status":404,"detail":"no such run","instance":"/api/v1/runs/x","request_id":"r"}' |
  refused "a problem without code" "must have required property 'code'" GET "/api/v1/runs/$OP" 404 application/problem+json
echo '{"type":"urn:ferry:problem:NOT_FOUND","title":"Bad Request","status":400,"detail":"d","instance":"/api/v1/runs","code":"NOT_FOUND","request_id":"r"}' |
  refused "NOT_FOUND answered 400" "code NOT_FOUND answers 404 (x-ferry-error-statuses), not 400" \
  POST /api/v1/runs 400 application/problem+json
echo '{"type":"urn:ferry:problem:LOCKED","title":"Locked","status":409,"detail":"d","instance":"/api/v1/runs","code":"LOCKED","request_id":"r"}' |
  refused "a problem whose status is not the response's" "the problem's status 409 is not the response's" \
  POST "/api/v1/runs/$OP/resume" 423 application/problem+json
sed '0,/^event: progress$/s//event: completed/' "$SSE" | refused "an event named after another type" \
  "event: completed is not the data's type progress" GET "/api/v1/events?run=$OP" 200 text/event-stream
sed '0,/^id: 4$/s//id: 5/' "$SSE" | refused "an id that is not the seq" "id: 5 is not the data's seq 4" \
  GET "/api/v1/events?run=$OP" 200 text/event-stream
printf 'id: 1\nevent: progress\ndata: {"seq": 1, "type": "progress"}\n\n' | refused "data that is no OperationEvent" \
  "data does not match its schema" GET "/api/v1/events?run=$OP" 200 text/event-stream
printf '{"ferry_reject":1,"key":"wk-1","record":1,"line":1,"version":null,"errors":[],"document":{}}\n' |
  refused "a reject line without code" "line 1 does not match its schema" \
  GET "/api/v1/runs/$OP/rejects?format=jsonl" 200 application/x-ndjson
echo 'status: ok' | refused "a body that is not JSON" "the body is not JSON" GET /healthz 200
check_refused
echo PASS
