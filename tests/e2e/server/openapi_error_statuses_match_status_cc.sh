#!/usr/bin/env bash
# name: server/openapi_error_statuses_match_status_cc
# description: the OpenAPI document's table from error code to HTTP status (x-ferry-error-statuses, which
#   check_response.mjs holds every problem body to) and its ErrorCode and Problem.code enums list exactly the
#   codes of src/common/status.cc with the HTTP statuses it gives them (plus OK, and the HTTP layer's own
#   codes in the problem), so a code appended to status.cc or a status changed there fails until the
#   document follows; docs/exit-codes.md gives the same statuses.
# group: e2e
source "$(dirname "$0")/../lib.sh"
source "$E2E/openapi_lib.sh"
# {ErrorCode::kX, "NAME", exit, http} lines of status.cc -> "NAME HTTP".
sed -nE 's/^ *\{ErrorCode::k[A-Za-z]+, "([A-Z_]+)", [0-9]+, ([0-9]+)\},$/\1 \2/p' \
  "$FERRY_SOURCE_DIR/src/common/status.cc" | grep -v '^OK ' | sort > status_cc
[ "$(wc -l < status_cc)" -ge 18 ] || fail "read only $(wc -l < status_cc) codes from status.cc: $(cat status_cc)"
HTTP_LAYER="UNAUTHENTICATED PERMISSION_DENIED METHOD_NOT_ALLOWED LENGTH_REQUIRED PAYLOAD_TOO_LARGE UNSUPPORTED_MEDIA_TYPE"
jq -r '."x-ferry-error-statuses" | to_entries[] | "\(.key) \(.value)"' "$SPEC" \
  | grep -vE "^($(tr ' ' '|' <<< "$HTTP_LAYER")) " | sort > documented
diff status_cc documented > /dev/null || fail "x-ferry-error-statuses differs from status.cc: $(diff status_cc documented)"
jq -r '.components.schemas.ErrorCode.enum[]' "$SPEC" | sort > enum
(echo OK; cut -d' ' -f1 status_cc) | sort > expected
diff expected enum > /dev/null || fail "the ErrorCode enum differs from status.cc: $(diff expected enum)"
jq -r '.components.schemas.Problem.properties.code.enum[]' "$SPEC" | sort > problem_codes
(cut -d' ' -f1 status_cc; tr ' ' '\n' <<< "$HTTP_LAYER") | sort > expected
diff expected problem_codes > /dev/null || fail "Problem.code differs: $(diff expected problem_codes)"
while read -r name http; do
  grep -qE "^\| [0-9]+ \| $name \| [0-9]+ \| $http \|" "$FERRY_SOURCE_DIR/docs/exit-codes.md" \
    || fail "docs/exit-codes.md does not give $name HTTP $http"
done < status_cc
echo "PASS ($(wc -l < status_cc) codes)"
