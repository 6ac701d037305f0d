#!/usr/bin/env bash
# Installs, builds and runs every test (not the ones labelled `slow`):
#   1. a RelWithDebInfo build: unit, conformance, integration, e2e, fuzz replays
#   2. an AddressSanitizer + UndefinedBehaviorSanitizer build of the same tests
# Usage (Debian 12, root): scripts/test.sh        FERRY_SKIP_ASAN=1 skips step 2
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
jobs=$(nproc)
echo "== build (RelWithDebInfo)"
scripts/build.sh build -DFERRY_BUILD_TESTS=ON -DFERRY_BUILD_BENCH=OFF -DFERRY_SHARED=ON
echo "== tests"
ctest --test-dir build -LE slow --no-tests=error --output-on-failure -j "$jobs"
if [ "${FERRY_SKIP_ASAN:-0}" != 1 ]; then
  echo "== build (ASan + UBSan)"
  scripts/build.sh build-asan -DFERRY_SANITIZE=ON -DFERRY_BUILD_TESTS=ON -DFERRY_BUILD_BENCH=OFF -DFERRY_SHARED=ON
  echo "== tests under ASan + UBSan"
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir build-asan -LE "slow|nosan" --no-tests=error --output-on-failure -j "$jobs"
fi
