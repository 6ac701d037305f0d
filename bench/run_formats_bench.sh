#!/usr/bin/env bash
# Export and import throughput of every file format (issue 5): N context-store records (default
# 1,000,000; examples/context-store) are imported into SQLite once, then for each format the table is
# exported to a file and the file imported into a new table. Prints, per step: wall seconds, the file's
# uncompressed bytes (MB) and its bytes on disk (disk MB), MB/s of the uncompressed bytes, peak RSS
# (/usr/bin/time -f). Each import must give back the table's row count (checked), and the JSON Lines ones
# the same documents (compared by hash).
#
#   bench/run_formats_bench.sh              # N=1000000
#   N=100000 bench/run_formats_bench.sh
#   FORMATS="jsonl csv" bench/run_formats_bench.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
N=${N:-1000000}
DATA=${DATA:-/tmp/ferry-formats-bench}
FORMATS=${FORMATS:-"jsonl json yaml xml csv md jsonl.zst jsonl.enc"}
rm -rf "$DATA" && mkdir -p "$DATA"
# Release build; ccache when /work/ccache-env.sh is there (optional).
launcher=()
if [ -f /work/ccache-env.sh ] && command -v ccache > /dev/null; then
  source /work/ccache-env.sh
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
fi
cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DFERRY_BUILD_TESTS=OFF -DFERRY_BUILD_FUZZ=OFF \
  ${launcher[@]+"${launcher[@]}"} > /dev/null
ninja -C build-bench -j2 ferry_cli > /dev/null
FERRY=$ROOT/build-bench/src/ferry
P=$ROOT/examples/context-store
export FERRY_KDF=${FERRY_KDF:-interactive}
cd "$DATA"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores, ferry $("$FERRY" --version | cut -d' ' -f2)"
"$FERRY" generate context --count "$N" --seed 1 --shape mixed --output in.jsonl > /dev/null
mb() { python3 -c "print('%.1f' % ($1 / 1e6))"; }
echo "input: $N context records (mixed), $(mb "$(stat -c %s in.jsonl)") MB of JSON Lines"
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > key.hex
# timed CMD...: runs CMD under /usr/bin/time; sets secs and rss (KB).
timed() {
  /usr/bin/time -f "%e %M" -o time.txt "$@" > cmd.out 2> cmd.err || { cat cmd.err >&2; exit 1; }
  read -r secs rss < time.txt
}
# row LABEL BYTES DISK: a table row for the last timed command: the file's uncompressed BYTES, its DISK
# bytes, MB/s of BYTES.
row() {
  python3 -c "
import sys; label, b, d, s, r = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
print('| %-25s | %6.2f | %7.1f | %7.1f | %7.1f | %6d |' % (label, s, b / 1e6, d / 1e6, b / 1e6 / max(s, 0.01), r // 1024))" \
    "$1" "$2" "$3" "$secs" "$rss"
}
echo
echo "| step                      |      s |      MB | disk MB |    MB/s | RSS MB |"
echo "| ------------------------- | -----: | ------: | ------: | ------: | -----: |"
timed "$FERRY" import -q --state st.db --project "$P" --source in.jsonl --target sqlite:src.db#contexts
row "import in.jsonl (migrate)" "$(stat -c %s in.jsonl)" "$(stat -c %s in.jsonl)"
rows=$(sqlite3 src.db 'select count(*) from contexts')
[ "$rows" = "$N" ] || { echo "src.db holds $rows rows, not $N" >&2; exit 1; }
want_hash=$(sqlite3 src.db 'select document from contexts order by key' | sha256sum)
for f in $FORMATS; do
  key=(); case $f in *.enc) key=(--key-file key.hex) ;; esac
  target=out.$f
  [ "$f" = md ] && target="md:out.md?title=title"
  timed "$FERRY" export -q --state st.db --project "$P" --source sqlite:src.db#contexts --target "$target" \
    ${key[@]+"${key[@]}"}
  base=${f%%.*}
  disk=$(stat -c %s "out.$f")
  # MB/s counts the uncompressed, unencrypted bytes: those of the plain file of the same format
  # (written earlier in the loop; FORMATS must list the plain format before its variants).
  if [ "$f" != "$base" ]; then plain=$(stat -c %s "out.$base"); else plain=$disk; fi
  row "export $f" "$plain" "$disk"
  [ "$base" = md ] && continue  # Markdown is write-only
  timed "$FERRY" import -q --state st.db --project "$P" --source "out.$f" --target "sqlite:back.db#t_${f//./_}" \
    ${key[@]+"${key[@]}"}
  row "import $f" "$plain" "$disk"
  got=$(sqlite3 back.db "select count(*) from t_${f//./_}")
  [ "$got" = "$N" ] || { echo "import of out.$f gave $got rows, not $N" >&2; exit 1; }
  if [ "$base" = jsonl ]; then
    [ "$(sqlite3 back.db "select document from t_${f//./_} order by key" | sha256sum)" = "$want_hash" ] \
      || { echo "import of out.$f gave other documents" >&2; exit 1; }
  fi
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
