#!/usr/bin/env bash
# The main job on the bundled workouts example:
#   install -> build -> generate -> analyze -> plan -> run into SQLite -> status -> verify
# The run writes to the embedded default store, an SQLite database, with Ferry's
# state (.ferry/state.db: runs, history, checkpoints) beside it in the demo directory.
# Usage (Debian 12, root): scripts/demo.sh [COUNT]   (default 200000 documents)
# FERRY_DEMO_BINARY=PATH runs that ferry binary instead of installing and building
# (tests/e2e/ci/readme_commands_run_as_written.sh); FERRY_DEMO_DIR=DIR works in DIR.
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-200000}
if [ -n "${FERRY_DEMO_BINARY:-}" ]; then
  ferry=$FERRY_DEMO_BINARY
else
  scripts/install-deps.sh
  scripts/build.sh build -DFERRY_BUILD_TESTS=OFF -DFERRY_BUILD_BENCH=OFF -DFERRY_SHARED=OFF
  ferry=$PWD/build/src/ferry
fi
project=$PWD/examples/workouts
work=${FERRY_DEMO_DIR:-/tmp/ferry-demo}
rm -rf "$work" && mkdir -p "$work"
cd "$work"
set -x
$ferry generate workouts --count "$count" --seed 42 --scenario mixed --output workouts.jsonl
$ferry analyze --project "$project" --source workouts.jsonl
$ferry plan --project "$project" --source workouts.jsonl --target sqlite:workouts.db#workouts
$ferry run --project "$project" --source workouts.jsonl --target sqlite:workouts.db#workouts \
  --rejects rejects.jsonl --report report.json
$ferry status
$ferry history --project "$project"
# verify: every stored record is valid unified-1, and the counts add up
$ferry validate --project "$project" --source sqlite:workouts.db#workouts --version unified-1
$ferry verify --project "$project" --source workouts.jsonl --target sqlite:workouts.db#workouts
# the way back: the run's rollback point and what a rollback would do (nothing is changed)
$ferry rollback --list
$ferry rollback --project "$project" --dry-run
set +x
python3 - report.json workouts.db rejects.jsonl <<'PY'
import json, sqlite3, sys
r = json.load(open(sys.argv[1]))
rows = sqlite3.connect(sys.argv[2]).execute("SELECT count(*), count(DISTINCT key) FROM workouts").fetchone()
rej = sum(1 for _ in open(sys.argv[3], encoding="utf-8"))
assert r["input"] == r["migrated"] + r["already_at_target"] + r["rejected"] + r["filtered"], r
assert rows[0] == rows[1] == r["migrated"] + r["already_at_target"], (rows, r)
assert rej == r["rejected"], (rej, r)
print(f"verified: {r['input']} in = {r['migrated']} migrated + {r['already_at_target']} already at target"
      f" + {r['rejected']} rejected; the SQLite table and the reject file match the report")
PY
