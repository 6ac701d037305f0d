#!/usr/bin/env bash
# What going back costs: an in-place SQLite migration without a backup (journal only), with the
# backup, with an encrypted backup (Argon2id MODERATE: ~256 MiB once, for the key), then the rollback
# from the backup and through the backward steps with the complements. Prints wall time, peak RSS and
# the backup's size. Every rollback must give the original table back (checked).
#
#   bench/run_rollback_bench.sh            # N=200000 workouts
#   N=1000000 bench/run_rollback_bench.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
N=${N:-200000}
DATA=${DATA:-/tmp/ferry-rollback-bench}
rm -rf "$DATA" && mkdir -p "$DATA"
[ -n "${SKIP_BUILD:-}" ] || cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DFERRY_BUILD_TESTS=OFF -DFERRY_BUILD_FUZZ=OFF > /dev/null
[ -n "${SKIP_BUILD:-}" ] || ninja -C build-bench ferry_cli > /dev/null
FERRY=$ROOT/build-bench/src/ferry
P=$ROOT/examples/workouts
FERRY_SOURCE_DIR=$ROOT
source tests/e2e/safety_lib.sh
cd "$DATA"
"$FERRY" generate workouts --count "$N" --seed 3 --output in.jsonl > /dev/null
echo "input: $N workouts, $(stat -c %s in.jsonl) bytes"
load_table in.jsonl a.db workouts
original=$(dump_canonical a.db workouts)
cp a.db b.db; cp a.db c.db
echo pw > pass.txt
t() { local label=$1; shift; /usr/bin/time -f "$label: %e s, peak RSS %M KB" "$@" > /dev/null; }
t "run, journal only (--no-backup)" "$FERRY" run -q --project "$P" --source sqlite:a.db#workouts --no-backup --state sa.db
t "run, backup (default)" "$FERRY" run -q --project "$P" --source sqlite:b.db#workouts --state sb.db
t "run, encrypted backup" "$FERRY" run -q --project "$P" --source sqlite:c.db#workouts --state sc.db \
  --backup-passphrase-file pass.txt
echo "backups on disk: $(du -sh backups | cut -f1) for the three runs (each: $(du -sh backups/* | cut -f1 | paste -sd' '))"
t "rollback from the backup" "$FERRY" rollback -q --yes --project "$P" --state sb.db
t "rollback through backward steps + complements" "$FERRY" rollback -q --yes --project "$P" --state sa.db
t "rollback from the encrypted backup" "$FERRY" rollback -q --yes --project "$P" --state sc.db --passphrase-file pass.txt
for db in a b c; do
  [ "$(dump_canonical $db.db workouts)" = "$original" ] || { echo "MISMATCH in $db.db" >&2; exit 1; }
done
echo "all three tables are back to the original documents"
