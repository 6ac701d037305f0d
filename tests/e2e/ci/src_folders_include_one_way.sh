#!/usr/bin/env bash
# name: ci/src_folders_include_one_way
# description: the include graph between the folders of src/ has no cycle, public headers include only
#   ferry/ headers, and docs/architecture.md shows the graph the code has (include_graph.py). The checker
#   itself is shown to catch a cycle: a copy of the tree where store includes ops must fail.
# group: e2e
source "$(dirname "$0")/../lib.sh"
GRAPH=$E2E/ci/include_graph.py
python3 "$GRAPH" check "$FERRY_SOURCE_DIR" > problems.txt || fail "$(cat problems.txt)"

mkdir copy && cp -r "$FERRY_SOURCE_DIR/src" "$FERRY_SOURCE_DIR/include" "$FERRY_SOURCE_DIR/docs" copy/
echo '#include "ops/run_files.h"' >> copy/src/store/store.cc
if python3 "$GRAPH" check copy > problems.txt; then fail "a store -> ops include was not reported"; fi
grep -q 'include cycle between folders of src/: .*store.*ops\|include cycle between folders of src/: .*ops.*store' problems.txt \
  || fail "the cycle was not named: $(cat problems.txt)"
grep -q 'shows another graph' problems.txt || fail "the stale architecture.md graph was not reported"
echo "PASS"
