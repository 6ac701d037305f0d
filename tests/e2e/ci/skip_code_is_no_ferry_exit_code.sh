#!/usr/bin/env bash
# name: ci/skip_code_is_no_ferry_exit_code
# description: the exit code ctest takes for "skipped" (every e2e test's SKIP_RETURN_CODE, lib.sh's `skip`) is
#   none of Ferry's exit codes (src/common/status.cc, docs/exit-codes.md), so an unguarded ferry command
#   failing under set -e (WRONG_KEY is 77) fails its test instead of skipping it; and no e2e script exits
#   with a literal code to skip.
# group: e2e
source "$(dirname "$0")/../lib.sh"
# The build directory: FERRY_PG_URI_FILE is BUILD/pg/uri (tests/e2e/CMakeLists.txt).
BUILD=$(dirname "$(dirname "${FERRY_PG_URI_FILE:?}")")
ctest --test-dir "$BUILD" -R '^e2e_' --show-only=json-v1 > tests.json
python3 - "$FERRY_SOURCE_DIR" "$FERRY_E2E_SKIP" <<'PY'
import json, re, sys
src, lib_skip = sys.argv[1], int(sys.argv[2])
status = open(src + "/src/common/status.cc", encoding="utf-8").read()
codes = {int(c) for c in re.findall(r'\{ErrorCode::k\w+, "\w+", (\d+), \d+\}', status)}
doc = open(src + "/docs/exit-codes.md", encoding="utf-8").read()
doc_codes = {int(c) for c in re.findall(r"^\| \d+ \| [A-Z_]+ \| (\d+) \|", doc, re.M)}
assert len(codes) >= 10 and codes == doc_codes, (codes, doc_codes)
ferry_exits = codes | {1, 255} | set(range(126, 193))  # plus a shell's own failures, deaths by signal, exit -1
tests = [t for t in json.load(open("tests.json"))["tests"] if t["name"].startswith("e2e_")]  # not fixtures
assert len(tests) >= 50, len(tests)
for t in tests:
    props = {p["name"]: p["value"] for p in t.get("properties", [])}
    skip = int(props.get("SKIP_RETURN_CODE", -1))
    assert skip == lib_skip, (t["name"], skip, lib_skip)
    assert skip not in ferry_exits, (t["name"], "skips on", skip, "which Ferry or a shell exits with")
print("skip code", lib_skip, "for", len(tests), "e2e tests; Ferry exits with", sorted(codes))
PY
# A script that skips says `skip REASON`; a literal "exit 77" would be taken for WRONG_KEY.
if grep -rnE '(^|[;{&|]|\bthen|\belse|\bdo)\s*exit\s+[0-9]+' "$E2E" --include='*.sh' | grep -vE 'exit\s+[01]\b' > literal.txt; then
  fail "e2e scripts exit with a literal code (use skip or fail from lib.sh): $(cat literal.txt)"
fi
echo PASS
