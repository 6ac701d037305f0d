#!/usr/bin/env bash
# name: ci/skipped_test_fails_the_test_command
# description: scripts/test.sh fails when ctest skipped a test: on a real ctest run (its JUnit file) with one
#   e2e-style skip (lib.sh's code) and one GoogleTest binary that skipped a case, scripts/ctest-skips.py names
#   both and exits 1; FERRY_ALLOW_SKIPS=1 lists them and exits 0; a run with no skip exits 0; and every ctest
#   that scripts/test.sh runs goes through that check.
# group: e2e
source "$(dirname "$0")/../lib.sh"
CHECK=$FERRY_SOURCE_DIR/scripts/ctest-skips.py
mkdir proj
cat > proj/CMakeLists.txt <<CMAKE
cmake_minimum_required(VERSION 3.20)
project(skips NONE)
enable_testing()
add_test(NAME passes COMMAND sh -c "echo ok")
add_test(NAME e2e_skips COMMAND sh -c "echo 'SKIP: node not installed'; exit $FERRY_E2E_SKIP")
add_test(NAME gtest_skips COMMAND sh -c "printf '[  SKIPPED ] Oracle.MatchesNode (0 ms)\\\\n[  PASSED  ] 1 test.\\\\n'")
set_tests_properties(e2e_skips PROPERTIES SKIP_RETURN_CODE $FERRY_E2E_SKIP)
CMAKE
cmake -S proj -B proj/build > /dev/null
ctest --test-dir proj/build --output-junit junit.xml > ctest.out  # ctest itself passes: skips are not failures
expect_exit 1 python3 "$CHECK" proj/build/junit.xml 2> check.err
grep -q "skipped: e2e_skips (SKIP: node not installed)" check.err || fail "the e2e skip is not named: $(cat check.err)"
grep -q "skipped: gtest_skips (GoogleTest skipped: Oracle.MatchesNode)" check.err \
  || fail "the GoogleTest skip is not named: $(cat check.err)"
grep -q "^skipped: passes" check.err && fail "a passing test was called skipped: $(cat check.err)"
FERRY_ALLOW_SKIPS=1 python3 "$CHECK" proj/build/junit.xml 2> allowed.err || fail "FERRY_ALLOW_SKIPS=1 did not allow"
grep -q "2 test(s) skipped; allowed by FERRY_ALLOW_SKIPS=1" allowed.err || fail "$(cat allowed.err)"
ctest --test-dir proj/build -R '^passes$' --output-junit junit-pass.xml > /dev/null
python3 "$CHECK" proj/build/junit-pass.xml || fail "a run without skips failed the check"
# scripts/test.sh: every ctest it runs is followed by the check.
TEST_SH=$FERRY_SOURCE_DIR/scripts/test.sh
[ "$(grep -c '^ *ctest ' "$TEST_SH")" = 1 ] || fail "scripts/test.sh runs ctest outside run_ctest"
grep -A1 '^ *ctest ' "$TEST_SH" | grep -q 'scripts/ctest-skips.py "$dir/ctest-junit.xml"' \
  || fail "run_ctest does not check its JUnit file"
grep -q -- '--output-junit ctest-junit.xml' "$TEST_SH" || fail "run_ctest writes no JUnit file"
[ "$(grep -c '^ *\(.*\)\?run_ctest build' "$TEST_SH")" = 2 ] || fail "scripts/test.sh does not check both builds"
echo PASS
