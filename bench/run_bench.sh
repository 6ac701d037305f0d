#!/usr/bin/env bash
# Times Ferry and the peers (../shared/peers: Node.js, DuckDB, jq; simdjson/RapidJSON copy baselines)
# on the same generated workouts files, in one run, and prints a Markdown table of medians.
#
#   bench/run_bench.sh                 # N=1000000 (and 100000), RUNS=3
#   N=200000 RUNS=5 bench/run_bench.sh
#   PEERS=0 bench/run_bench.sh         # Ferry only
# Data and outputs go to $DATA (default /tmp/ferry-bench), never into the repository.
# Timer: ../shared/peers/timeit.py (one warm-up, RUNS timed runs; median wall, cpu, peak RSS).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SHARED=${FERRY_SHARED_DIR:-$ROOT/../shared}
N=${N:-1000000}
N_SMALL=${N_SMALL:-100000}
RUNS=${RUNS:-3}
SEED=${SEED:-20261122}
DATA=${DATA:-/tmp/ferry-bench}
PEERS=${PEERS:-1}
mkdir -p "$DATA/out"
FERRY=$ROOT/build-bench/src/ferry

echo "== build (Release)" >&2
cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DFERRY_BUILD_TESTS=OFF -DFERRY_BUILD_FUZZ=OFF >/dev/null
ninja -C build-bench ferry_cli >/dev/null

if [ "$PEERS" = 1 ]; then
  echo "== peers setup" >&2
  # The peers' scripts are copied to $DATA (../shared is read-only) and their npm packages installed there.
  mkdir -p "$DATA/peers"
  cp "$SHARED"/peers/peers/* "$SHARED"/peers/package.json "$SHARED"/peers/package-lock.json "$DATA/peers/"
  [ -d "$DATA/peers/node_modules/@duckdb" ] || (cd "$DATA/peers" && npm install --no-audit --no-fund >/dev/null 2>&1) \
    || echo "npm install failed: DuckDB peer skipped" >&2
  make -s -C "$SHARED/peers/cpp" BIN="$DATA/cpp" >/dev/null 2>&1 || echo "C++ baselines not built" >&2
fi

for n in "$N_SMALL" "$N"; do
  f="$DATA/w$n.jsonl"
  [ -s "$f" ] || "$FERRY" generate workouts --count "$n" --seed "$SEED" --output "$f" >/dev/null
done

timeit() { python3 "$SHARED/peers/timeit.py" "$@"; }
rows=()
run() {  # name n cmd
  local name=$1 n=$2 cmd=$3 f="$DATA/w$2.jsonl"
  local bytes; bytes=$(stat -c %s "$f")
  echo "-- $name" >&2
  rows+=("$(timeit "$name" "$RUNS" "$bytes" "$n" "$cmd")")
}
P="--project $ROOT/examples/workouts --state $DATA/state.db"
for n in "$N_SMALL" "$N"; do
  f="$DATA/w$n.jsonl"; o="$DATA/out"
  run "ferry_recommended_$n" "$n" "$FERRY run -q $P --source $f --target $o/ferry_$n.jsonl --rejects $o/ferry_$n.rej.jsonl"
  run "ferry_fast_$n" "$n" "$FERRY run -q $P --preset fast --source $f --target $o/ferry_fast_$n.jsonl --rejects $o/ferry_fast_$n.rej.jsonl"
  run "ferry_1thread_$n" "$n" "$FERRY run -q $P --threads 1 --source $f --target $o/ferry_1t_$n.jsonl --rejects $o/ferry_1t_$n.rej.jsonl"
  if [ "$PEERS" = 1 ]; then
    run "node_migrate_$n" "$n" "node $DATA/peers/migrate.mjs $f $o/node_$n.jsonl $o/node_$n.rej.jsonl"
    [ -d "$DATA/peers/node_modules/@duckdb" ] && \
      run "duckdb_migrate_$n" "$n" "node $DATA/peers/migrate_duckdb.mjs $f $o/duckdb_$n.jsonl $o/duckdb_$n.rej.jsonl"
    [ -x "$DATA/cpp/simdjson_base" ] && run "simdjson_copy_$n" "$n" "$DATA/cpp/simdjson_base copy $f $o/sj_$n.jsonl"
    [ -x "$DATA/cpp/rapidjson_base" ] && run "rapidjson_copy_$n" "$n" "$DATA/cpp/rapidjson_base copy $f $o/rj_$n.jsonl"
    [ "$n" = "$N_SMALL" ] && command -v jq >/dev/null && \
      run "jq_migrate_$n" "$n" "$DATA/peers/migrate_jq.sh $f $o/jq_$n.jsonl $o/jq_$n.rej.jsonl"
  fi
done

if [ "$PEERS" = 1 ]; then
  echo "== correctness: Ferry vs Node peer (SPEC equivalence)" >&2
  python3 "$ROOT/tests/e2e/compare_with_peer.py" "$DATA/out/ferry_$N.jsonl" "$DATA/out/ferry_$N.rej.jsonl" \
    "$DATA/out/node_$N.jsonl" "$DATA/out/node_$N.rej.jsonl" >&2
fi

echo "| command | runs | wall s (median) | min | max | cpu s | peak MiB | MB/s | docs/s |"
echo "|---|---|---|---|---|---|---|---|---|"
for r in "${rows[@]}"; do
  IFS=$'\t' read -r name runs wall wmin wmax cpu peak mbs dps <<< "$r"
  echo "| $name | $runs | $wall | $wmin | $wmax | $cpu | $peak | $mbs | $dps |"
done
