#!/usr/bin/env bash
# The main job on the bundled workouts example:
#   install -> build -> generate -> analyze -> plan -> run -> verify
# Usage (Debian 12, root): scripts/demo.sh [COUNT]   (default 200000 documents)
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-200000}
scripts/install-deps.sh
scripts/build.sh build -DFERRY_BUILD_TESTS=OFF -DFERRY_BUILD_BENCH=OFF
ferry=build/src/ferry
work=${FERRY_DEMO_DIR:-/tmp/ferry-demo}
rm -rf "$work" && mkdir -p "$work"
project=examples/workouts
set -x
$ferry generate workouts --count "$count" --seed 42 --scenario mixed --output "$work/workouts.jsonl"
$ferry analyze --project $project --source "$work/workouts.jsonl"
$ferry plan --project $project --source "$work/workouts.jsonl"
$ferry run --project $project --source "$work/workouts.jsonl" --target "$work/unified.jsonl" \
  --rejects "$work/rejects.jsonl" --report "$work/report.json"
# verify: every output record is valid unified-1, and the counts add up
$ferry validate --project $project --source "$work/unified.jsonl" --version unified-1
set +x
python3 - "$work/report.json" "$work/unified.jsonl" "$work/rejects.jsonl" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
out = sum(1 for _ in open(sys.argv[2], encoding="utf-8"))
rej = sum(1 for _ in open(sys.argv[3], encoding="utf-8"))
assert r["input"] == r["migrated"] + r["already_at_target"] + r["rejected"], r
assert out == r["migrated"] + r["already_at_target"], (out, r)
assert rej == r["rejected"], (rej, r)
print(f"verified: {r['input']} in = {r['migrated']} migrated + {r['already_at_target']} already at target"
      f" + {r['rejected']} rejected; output and reject files match the report")
PY
