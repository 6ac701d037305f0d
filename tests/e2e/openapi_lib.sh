# Helpers for the tests of docs/openapi.json and tools/node (sourced after lib.sh).
NODE_TOOLS=$FERRY_SOURCE_DIR/tools/node
SPEC=$FERRY_SOURCE_DIR/docs/openapi.json
SAMPLES=$E2E/server/samples
have_node || skip "node not installed (scripts/install-deps.sh)"
[ -d "$NODE_TOOLS/node_modules/ajv" ] || skip "tools/node packages not installed (scripts/install-deps.sh runs npm ci)"
# check METHOD PATH STATUS [CONTENT_TYPE] < BODY: check_response.mjs on one response.
check() {
  node "$NODE_TOOLS/check_response.mjs" --spec "$SPEC" --method "$1" --path "$2" --status "$3" \
    ${4:+--content-type "$4"}
}
# refused WHAT SAYS METHOD PATH STATUS [CONTENT_TYPE] < BODY: notes a response check_response.mjs must refuse
# saying SAYS; check_refused then checks them all in one node process (one start per response is slow).
refused() {
  local what=$1 says=$2 body
  body=$(mktemp body.XXXXXX)
  cat > "$body"
  batch_line "$3" "$4" "$5" "${6:-}" "$body" >> refused.jsonl
  printf '%s\t%s\n' "$what" "$says" >> refused.expect
}
# check_refused: every response noted by `refused` is refused (exit 1), each saying what it should.
check_refused() {
  set +e
  node "$NODE_TOOLS/check_response.mjs" --spec "$SPEC" --batch refused.jsonl > refused.out 2> refused.err
  local rc=$?
  set -e
  [ "$rc" = 1 ] || fail "exit $rc, not 1: $(cat refused.out refused.err)"
  python3 - refused.err refused.expect <<'PY' || fail "$(cat refused.err)"
import re, sys
blocks, n = {}, None
for line in open(sys.argv[1], encoding="utf-8"):
    m = re.match(r"refused\.jsonl:(\d+): ", line)
    if m:
        n = int(m.group(1))
    if m or n in blocks:
        blocks[n] = blocks.get(n, "") + line
expected = [l.rstrip("\n").split("\t") for l in open(sys.argv[2], encoding="utf-8")]
problems = [f"{what}: not refused" if i + 1 not in blocks else f"{what}: the message does not say {says!r}"
            for i, (what, says) in enumerate(expected) if says not in blocks.get(i + 1, "")]
for p in problems:
    print("FAIL: " + p, file=sys.stderr)
sys.exit(1 if problems else 0)
PY
  grep -q "^$(wc -l < refused.expect) of $(wc -l < refused.expect) response(s) do not conform" refused.err \
    || fail "not every response was refused: $(cat refused.err)"
}
# batch_line METHOD PATH STATUS CONTENT_TYPE BODY_FILE: one line of a --batch file.
batch_line() {
  python3 -c 'import json,sys
print(json.dumps({"method": sys.argv[1], "path": sys.argv[2], "status": int(sys.argv[3]),
                  "content_type": sys.argv[4], "body": open(sys.argv[5], encoding="utf-8").read()}))' "$@"
}
