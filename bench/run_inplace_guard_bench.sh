#!/usr/bin/env bash
# What the compare-and-set guard costs: an in-place migration of N legacy workouts in SQLite and in
# PostgreSQL, with the ferry of an earlier commit (no guard) and this tree's, alternately, REPS times
# each, in one run. Prints wall time and records/s per run. Both tables must end identical (checked).
#
#   bench/run_inplace_guard_bench.sh                       # N=200000, REPS=2, BEFORE=62be427
#   N=100000 REPS=3 BEFORE=<commit> bench/run_inplace_guard_bench.sh
# Builds Release binaries of both into build-bench/ and build-bench-before/ (SKIP_BUILD=1 reuses them).
# PostgreSQL: a throwaway cluster (scripts/pg-cluster.sh) under $DATA/pg.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
N=${N:-200000}
REPS=${REPS:-2}
BEFORE=${BEFORE:-62be427}
DATA=${DATA:-/tmp/ferry-inplace-bench}
rm -rf "$DATA" && mkdir -p "$DATA"
release() {  # release SRC_DIR BUILD_DIR
  cmake -S "$1" -B "$2" -G Ninja -DCMAKE_BUILD_TYPE=Release -DFERRY_BUILD_TESTS=OFF -DFERRY_BUILD_FUZZ=OFF \
    -DFERRY_BUILD_BENCH=OFF > /dev/null
  ninja -C "$2" ferry_cli > /dev/null
}
if [ -z "${SKIP_BUILD:-}" ]; then
  rm -rf "$ROOT/build-bench-before/src-tree"
  git -C "$ROOT" worktree add -f --detach "$ROOT/build-bench-before/src-tree" "$BEFORE" > /dev/null 2>&1
  release "$ROOT/build-bench-before/src-tree" "$ROOT/build-bench-before/build"
  release "$ROOT" "$ROOT/build-bench"
fi
OLD=$ROOT/build-bench-before/build/src/ferry
NEW=$ROOT/build-bench/src/ferry
P=$ROOT/examples/workouts
FERRY=$NEW
FERRY_SOURCE_DIR=$ROOT
source tests/e2e/safety_lib.sh
cd "$DATA"
"$NEW" generate workouts --count "$N" --seed 5 --output in.jsonl > /dev/null
bytes=$(stat -c %s in.jsonl)
echo "input: $N legacy workouts, $bytes bytes; before = $BEFORE, after = this tree"
load_table in.jsonl legacy.db workouts
uri=$("$ROOT/scripts/pg-cluster.sh" start "$DATA/pg")
trap '"$ROOT/scripts/pg-cluster.sh" stop "$DATA/pg" > /dev/null' EXIT
base=${uri%/*}
psql "$uri" -Xq -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS seed" -c "CREATE DATABASE seed" > /dev/null
"$NEW" import -q --as-is --project "$P" --source in.jsonl --target "$base/seed?table=workouts" --state seed-state.db \
  > /dev/null

timed() {  # timed LABEL CMD...: one line, wall seconds and records/s
  local label=$1 t0 t1
  shift
  t0=$(date +%s.%N)
  "$@" > /dev/null
  t1=$(date +%s.%N)
  awk -v l="$label" -v a="$t0" -v b="$t1" -v n="$N" -v by="$bytes" \
    'BEGIN { s = b - a; printf "%-34s %6.2f s  %8.0f records/s  %6.1f MB/s\n", l, s, n / s, by / 1e6 / s }'
}
sqlite_run() {  # sqlite_run LABEL BINARY
  rm -rf "s-$1" && mkdir "s-$1" && cp legacy.db "s-$1/t.db"
  (cd "s-$1" && timed "SQLite in place, $1" "$2" run -q --project "$P" --source sqlite:t.db#workouts)
}
pg_run() {  # pg_run LABEL BINARY
  local db="bench_$1"
  psql "$uri" -Xq -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db TEMPLATE seed" > /dev/null
  rm -rf "p-$1" && mkdir "p-$1"
  (cd "p-$1" && timed "PostgreSQL in place, $1" "$2" run -q --project "$P" --source "$base/$db?table=workouts")
}
for rep in $(seq "$REPS"); do
  sqlite_run before "$OLD"
  sqlite_run after "$NEW"
  pg_run before "$OLD"
  pg_run after "$NEW"
done
[ "$(dump_canonical s-before/t.db workouts)" = "$(dump_canonical s-after/t.db workouts)" ] ||
  { echo "SQLite tables differ" >&2; exit 1; }
q="SELECT md5(string_agg(key || version || document::text, ',' ORDER BY key)) FROM workouts"
[ "$(psql "$base/bench_before" -Atc "$q")" = "$(psql "$base/bench_after" -Atc "$q")" ] ||
  { echo "PostgreSQL tables differ" >&2; exit 1; }
echo "before and after give identical tables (SQLite and PostgreSQL)"
