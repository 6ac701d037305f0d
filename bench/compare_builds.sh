#!/usr/bin/env bash
# Compares two builds of ferry on the same input, runs interleaved (before,
# after, before, after, ...) so that a busy machine slows both alike: median
# wall time and peak RSS per configuration, and the instructions per record
# of a one-thread run under callgrind (load-independent).
#
#   bench/compare_builds.sh BEFORE_FERRY AFTER_FERRY          # N=1000000, RUNS=7
#   N=200000 RUNS=5 bench/compare_builds.sh old/ferry build-bench/src/ferry
#
# Build a commit's binary with: git worktree add /tmp/old REV &&
#   cmake -S /tmp/old -B /tmp/old/b -G Ninja -DCMAKE_BUILD_TYPE=Release \
#     -DFERRY_BUILD_TESTS=OFF -DFERRY_BUILD_FUZZ=OFF && ninja -C /tmp/old/b ferry_cli
# Data goes to $DATA (default /tmp/ferry-compare), never into the repository.
set -euo pipefail
cd "$(dirname "$0")/.."
BEFORE=$(realpath "$1"); AFTER=$(realpath "$2")
N=${N:-1000000}; RUNS=${RUNS:-7}; SEED=${SEED:-20261122}; DATA=${DATA:-/tmp/ferry-compare}
PROJECT=$PWD/examples/workouts
mkdir -p "$DATA"
IN=$DATA/w$N.jsonl
[ -s "$IN" ] || "$AFTER" generate workouts --count "$N" --seed "$SEED" --output "$IN" >/dev/null
: > "$DATA/times.txt"
one() {  # label which binary flags...
  local label=$1 which=$2 bin=$3; shift 3
  local d=$DATA/$which; rm -rf "$d"; mkdir -p "$d"
  /usr/bin/time -f "$label $which %e %M" -a -o "$DATA/times.txt" "$bin" run -q --project "$PROJECT" \
    --state "$d/s.db" "$@" --source "$IN" --target "$d/o.jsonl" --rejects "$d/r.jsonl" >/dev/null
}
for cfg in "recommended:" "fast:--preset fast" "1thread:--threads 1"; do
  label=${cfg%%:*}; read -r -a flags <<< "${cfg#*:}"
  for _ in $(seq "$RUNS"); do
    one "$label" before "$BEFORE" "${flags[@]}"
    one "$label" after "$AFTER" "${flags[@]}"
  done
done
cmp -s "$DATA/before/o.jsonl" "$DATA/after/o.jsonl" && echo "outputs: identical" || echo "outputs: DIFFER"
head -n 20000 "$IN" > "$DATA/w20k.jsonl"; head -n 2000 "$IN" > "$DATA/w2k.jsonl"
instructions() {  # binary input -> instructions of a one-thread run
  local d=$DATA/cg; rm -rf "$d"; mkdir -p "$d"
  valgrind --tool=callgrind --callgrind-out-file="$d/out" "$1" run -q --project "$PROJECT" --state "$d/s.db" \
    --threads 1 --source "$2" --target "$d/o.jsonl" --rejects "$d/r.jsonl" 2>&1 | sed -n 's/.*Collected : //p'
}
echo "| configuration | before wall s | after wall s | change | before peak MiB | after peak MiB |"
echo "|---|---|---|---|---|---|"
python3 - "$DATA/times.txt" <<'PY'
import collections, statistics, sys
d = collections.defaultdict(list)
for line in open(sys.argv[1]):
    p = line.split()
    if len(p) == 4: d[(p[0], p[1])].append((float(p[2]), int(p[3]) / 1024))
for label in ("recommended", "fast", "1thread"):
    b, a = d[(label, "before")], d[(label, "after")]
    bw, aw = statistics.median(x[0] for x in b), statistics.median(x[0] for x in a)
    bm, am = statistics.median(x[1] for x in b), statistics.median(x[1] for x in a)
    print(f"| {label} | {bw:.3f} | {aw:.3f} | {100 * (aw - bw) / bw:+.1f}% | {bm:.1f} | {am:.1f} |")
PY
if command -v valgrind >/dev/null; then
  b20=$(instructions "$BEFORE" "$DATA/w20k.jsonl"); b2=$(instructions "$BEFORE" "$DATA/w2k.jsonl")
  a20=$(instructions "$AFTER" "$DATA/w20k.jsonl"); a2=$(instructions "$AFTER" "$DATA/w2k.jsonl")
  python3 -c "
b=($b20-$b2)/18000; a=($a20-$a2)/18000
print(f'\ninstructions per record (callgrind, one thread, 20,000 minus 2,000 records): before {b:,.0f}, after {a:,.0f} ({100*(a-b)/b:+.1f}%)')
print(f'fixed cost per run (2,000 records): before {$b2:,}, after {$a2:,}')"
fi
