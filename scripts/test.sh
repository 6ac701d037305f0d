#!/usr/bin/env bash
# Installs, builds and runs every test (not the ones labelled `slow` or `pending`):
#   1. a RelWithDebInfo build: unit, conformance, integration, e2e, fuzz replays
#   2. an AddressSanitizer + UndefinedBehaviorSanitizer build of the same tests
# A skipped test fails the command (a skip proves nothing: scripts/ctest-skips.py);
# FERRY_ALLOW_SKIPS=1 lets a local run without some tool pass, listing the skips.
# Usage (Debian 12, root): scripts/test.sh        FERRY_SKIP_ASAN=1 skips step 2
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
jobs=$(nproc)
# run_ctest DIR ARGS...: ctest in DIR, then fail on any test it skipped.
run_ctest() {
  local dir=$1; shift
  rm -f "$dir/ctest-junit.xml"
  ctest --test-dir "$dir" --no-tests=error --output-on-failure -j "$jobs" --output-junit ctest-junit.xml "$@"
  scripts/ctest-skips.py "$dir/ctest-junit.xml"
}
echo "== build (RelWithDebInfo)"
scripts/build.sh build -DFERRY_BUILD_TESTS=ON -DFERRY_BUILD_BENCH=OFF -DFERRY_SHARED=ON
echo "== tests"
run_ctest build -LE "slow|pending"
if [ "${FERRY_SKIP_ASAN:-0}" != 1 ]; then
  echo "== build (ASan + UBSan)"
  scripts/build.sh build-asan -DFERRY_SANITIZE=ON -DFERRY_BUILD_TESTS=ON -DFERRY_BUILD_BENCH=OFF -DFERRY_SHARED=ON
  echo "== tests under ASan + UBSan"
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    run_ctest build-asan -LE "slow|nosan|pending"
fi
