#!/usr/bin/env bash
# Loading PostgreSQL: Ferry against psql \copy (one session: the limit the issue measures against;
# two sessions for reference) and pgloader (../shared/peers/pg), on the same rows, in one run.
#
#   bench/run_pg_bench.sh                   # N=1000000 workouts, RUNS=3 (pgloader: PGLOADER_RUNS=1)
#   N=200000 RUNS=5 bench/run_pg_bench.sh
# The rows: N generated legacy workouts migrated to unified-1 by Ferry (the same file every loader
# reads). Ferry loads that file ("load") and, separately, migrates the legacy file straight into
# PostgreSQL ("migrate+load"). A throwaway cluster (scripts/pg-cluster.sh, stock settings, fsync on)
# lives under $DATA/pg and is stopped at the end. Timer: ../shared/peers/timeit.py.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
SHARED=${FERRY_SHARED_DIR:-$ROOT/../shared}
N=${N:-1000000}
RUNS=${RUNS:-3}
PGLOADER_RUNS=${PGLOADER_RUNS:-1}
SEED=${SEED:-20261122}
DATA=${DATA:-/tmp/ferry-bench}
mkdir -p "$DATA/out"
FERRY=$ROOT/build-bench/src/ferry

command -v pgloader > /dev/null || { echo "== installing pgloader (apt)" >&2; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq pgloader > /dev/null; }
echo "== build (Release)" >&2
cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DFERRY_BUILD_TESTS=OFF -DFERRY_BUILD_FUZZ=OFF > /dev/null
ninja -C build-bench ferry_cli > /dev/null

legacy="$DATA/w$N.jsonl"
rows_file="$DATA/out/unified_$N.jsonl"
[ -s "$legacy" ] || "$FERRY" generate workouts --count "$N" --seed "$SEED" --output "$legacy" > /dev/null
[ -s "$rows_file" ] || "$FERRY" run -q --state "$DATA/state.db" --project examples/workouts --source "$legacy" \
  --target "$rows_file" --rejects "$DATA/out/unified_$N.rej.jsonl" > /dev/null

echo "== PostgreSQL" >&2
uri=$(scripts/pg-cluster.sh start "$DATA/pg")
trap 'scripts/pg-cluster.sh stop "$DATA/pg" > /dev/null' EXIT
export PGHOST=127.0.0.1 PGUSER=postgres PGDATABASE=bench
PGPORT=${uri#*127.0.0.1:}; PGPORT=${PGPORT%%/*}; export PGPORT
psql -Xq -d postgres -c "DROP DATABASE IF EXISTS bench" -c "CREATE DATABASE bench"
psql -Xq -f "$SHARED/peers/pg/schema.sql"
db="postgres://postgres@127.0.0.1:$PGPORT/bench"

timeit() { python3 "$SHARED/peers/timeit.py" "$@"; }
table_summary() {  # TABLE KEYEXPR DOCCOL: rows and md5 over the documents in key order
  psql -XAt -c "SELECT count(*) || ' rows, md5 ' || md5(string_agg($3::text, E'\n' ORDER BY $2)) FROM $1"
}
results=()
run() {  # name runs bytes cmd
  echo "-- $1" >&2
  results+=("$(timeit "$1" "$2" "$3" "$rows" "$4")")
}
rows=$(wc -l < "$rows_file")
bytes=$(stat -c %s "$rows_file")
legacy_bytes=$(stat -c %s "$legacy")
# Each Ferry load starts from nothing (no table, no ferry schema), like the peers' TRUNCATE. The
# timer runs `exec CMD`, so a compound command goes into a script.
cat > "$DATA/ferry_load.sh" << EOT
#!/bin/sh
set -e
psql -Xq -c 'DROP TABLE IF EXISTS ferry_workouts' -c 'DROP SCHEMA IF EXISTS ferry CASCADE' 2> /dev/null
exec "$FERRY" run -q --project "$ROOT/examples/workouts" --target '$db?table=ferry_workouts' "\$@"
EOT

run "psql_copy_1_session" "$RUNS" "$bytes" "sh $SHARED/peers/pg/load_copy.sh $rows_file"
echo "psql \\copy table: $(table_summary workouts id doc)" >&2
run "psql_copy_2_sessions" "$RUNS" "$bytes" "sh $SHARED/peers/pg/load_copy_par.sh $rows_file 2"
run "pgloader" "$PGLOADER_RUNS" "$bytes" "sh $SHARED/peers/pg/load_pgloader.sh $rows_file"
echo "pgloader table: $(table_summary workouts id doc)" >&2
run "ferry_load" "$RUNS" "$bytes" "sh $DATA/ferry_load.sh --source $rows_file"
echo "ferry table: $(table_summary ferry_workouts key document)" >&2
run "ferry_migrate_and_load" "$RUNS" "$legacy_bytes" "sh $DATA/ferry_load.sh --source $legacy --rejects $DATA/out/pg.rej.jsonl"
echo "ferry table (migrate+load): $(table_summary ferry_workouts key document)" >&2
"$FERRY" verify -q --project examples/workouts --source "$legacy" --target "$db?table=ferry_workouts" >&2

echo "| command | runs | wall s (median) | min | max | cpu s | peak MiB | MB/s | rows/s |"
echo "|---|---|---|---|---|---|---|---|---|"
for r in "${results[@]}"; do
  IFS=$'\t' read -r name runs wall wmin wmax cpu peak mbs dps <<< "$r"
  echo "| $name | $runs | $wall | $wmin | $wmax | $cpu | $peak | $mbs | $dps |"
done
