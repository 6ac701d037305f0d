#!/usr/bin/env bash
# name: server/check_response_batch_names_each_failing_line
# description: tools/node/check_response.mjs --batch checks hundreds of responses in one node process: with 300
#   lines of which two are wrong (line 7: a snapshot without counters; line 250: an undocumented status) it
#   exits 1, names exactly those two lines and counts "2 of 300"; the same batch without them passes; a line
#   that is not JSON is refused with its line number.
# group: e2e
source "$(dirname "$0")/../lib.sh"
source "$E2E/openapi_lib.sh"
OP=op-20457deb7b28e397
jq -c 'del(.counters)' "$SAMPLES/snapshot_completed_run.json" > no_counters.json
good=$(batch_line GET "/api/v1/runs/$OP" 200 application/json "$SAMPLES/snapshot_completed_run.json")
for i in $(seq 1 300); do
  case $i in
    7) batch_line GET "/api/v1/runs/$OP" 200 application/json no_counters.json ;;
    250) batch_line GET "/api/v1/runs/$OP" 201 application/json "$SAMPLES/snapshot_completed_run.json" ;;
    *) echo "$good" ;;
  esac
done > batch.jsonl
set +e; node "$NODE_TOOLS/check_response.mjs" --spec "$SPEC" --batch batch.jsonl > out 2> err; rc=$?; set -e
[ "$rc" = 1 ] || fail "exit $rc, not 1"
grep -q "^batch.jsonl:7: GET /api/v1/runs/$OP 200: the body does not match its schema" err || fail "line 7 not named: $(cat err)"
grep -q "^batch.jsonl:250: GET /api/v1/runs/$OP 201: status 201 is not documented" err || fail "line 250 not named: $(cat err)"
[ "$(grep -c '^batch.jsonl:' err)" = 2 ] || fail "other lines named: $(cat err)"
grep -q "^2 of 300 response(s) do not conform" err || fail "no count: $(cat err)"
sed -e 7d -e 250d batch.jsonl > good.jsonl
node "$NODE_TOOLS/check_response.mjs" --spec "$SPEC" --batch good.jsonl > out || fail "the good lines were refused"
grep -qx "298 response(s) conform to $SPEC" out || fail "$(cat out)"
{ head -3 good.jsonl; echo '{"method": "GET",'; } > broken.jsonl
expect_exit 1 node "$NODE_TOOLS/check_response.mjs" --spec "$SPEC" --batch broken.jsonl 2> err
grep -q "broken.jsonl:4: not JSON" err || fail "the broken line is not named: $(cat err)"
echo PASS
