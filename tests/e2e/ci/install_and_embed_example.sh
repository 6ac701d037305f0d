#!/usr/bin/env bash
# name: ci/install_and_embed_example
# description: `cmake --install` gives a program everything it needs to embed libferry. Installed into a
#   temporary prefix, examples/embed finds it with find_package(ferry), once with the shared library
#   (ferry::ferry) and once with the static one (ferry::ferry_static), and each build migrates its
#   generated workouts file to the same output, with the same counts, as `ferry run` on that file; a second
#   program builds with `pkg-config --cflags --libs ferry` (shared), and with libferry.a and the private
#   dependencies ferry.pc names (so that list is complete), and runs. No network: the compilers and
#   the libraries are the build's own. Not under sanitizers (nosan): the install and its consumers are the
#   same code as in the plain build, and linking consumers against an instrumented libferry.a would only
#   test the sanitizer runtime's link flags.
# group: e2e nosan
source "$(dirname "$0")/../lib.sh"
BUILD=$(cd "$(dirname "$FERRY")/.." && pwd)
[ -f "$BUILD/CMakeCache.txt" ] || fail "no build tree above $FERRY"
# The build's compiler: a sanitizer build's library wants the same sanitizer runtime.
CXX=$(sed -n 's/^CMAKE_CXX_COMPILER:[A-Z]*=//p' "$BUILD/CMakeCache.txt")
PREFIX=$WORK/prefix
cmake --install "$BUILD" --prefix "$PREFIX" > install.log || fail "cmake --install failed: $(tail -5 install.log)"
for h in "$FERRY_SOURCE_DIR"/include/ferry/*.h; do
  cmp -s "$h" "$PREFIX/include/ferry/${h##*/}" || fail "include/ferry/${h##*/} is not installed as it is in the source"
done
PC=$(find "$PREFIX" -name ferry.pc)
[ -n "$PC" ] || fail "no ferry.pc under $PREFIX"
LIBDIR=$(dirname "$(dirname "$PC")")
[ -f "$LIBDIR/libferry.a" ] && [ -e "$LIBDIR/libferry.so" ] || fail "not both libferry.a and libferry.so in $LIBDIR"

# counts FILE: the four counts an embed run printed, one "name value" a line, in a fixed order.
counts() { grep -E '^(input|migrated|already_at_target|rejected) [0-9]+$' "$1"; }

# The reference: `ferry run` on the same generated file.
reference() {
  local count seed
  count=$(sed -n 's/^generated \([0-9]*\) workouts (seed \([0-9]*\))$/\1/p' "$1")
  seed=$(sed -n 's/^generated \([0-9]*\) workouts (seed \([0-9]*\))$/\2/p' "$1")
  [ -n "$count" ] && [ "$count" -gt 0 ] || fail "embed did not say what it generated: $(cat "$1")"
  "$FERRY" generate workouts --count "$count" --seed "$seed" --output ref.jsonl --expect-rejects ref-rejects.jsonl > /dev/null
  "$FERRY" run --project "$PROJECT" --source ref.jsonl --target ref-out.jsonl --rejects ref-rej.jsonl \
    --state ref-state.db --json --quiet > ref.json
  python3 - ref.json > ref-counts.txt <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
for name in ("input", "migrated", "already_at_target", "rejected"):
    print(name, r[name])
EOF
  [ "$(sed -n 's/^input //p' ref-counts.txt)" = "$(wc -l < ref.jsonl)" ] || fail "the reference run read $(cat ref-counts.txt)"
  [ "$(sed -n 's/^rejected //p' ref-counts.txt)" = "$(wc -l < ref-rejects.jsonl)" ] \
    || fail "the reference run rejected other records than the generator expects"
}

# embed_build NAME CMAKE_ARGS...: builds examples/embed against the installed package.
embed_build() {
  local name=$1; shift
  cmake -S "$FERRY_SOURCE_DIR/examples/embed" -B "$name" -G Ninja -DCMAKE_CXX_COMPILER="$CXX" \
    -DCMAKE_PREFIX_PATH="$PREFIX" "$@" > "$name.log" 2>&1 || fail "configuring $name: $(tail -20 "$name.log")"
  cmake --build "$name" >> "$name.log" 2>&1 || fail "building $name: $(tail -20 "$name.log")"
}

# embed_run NAME: runs the example NAME built, checks it against the reference.
embed_run() {
  local name=$1
  mkdir "run-$name"
  "$name/embed" "$PROJECT" "run-$name" 2000 > "$name.out" 2> "$name.events" \
    || fail "$name failed: $(cat "$name.out" "$name.events" | tail -20)"
  [ -f ref.json ] || reference "$name.out"
  cmp -s ref.jsonl "run-$name/workouts.jsonl" || fail "$name generated another file than ferry generate"
  diff <(counts "$name.out") ref-counts.txt > /dev/null \
    || fail "$name printed $(counts "$name.out" | tr '\n' ' ') but ferry run counted $(tr '\n' ' ' < ref-counts.txt)"
  cmp -s ref-out.jsonl "run-$name/unified.jsonl" || fail "$name wrote another output than ferry run"
  # Its subscription followed the operation to the end (events numbered from 1).
  grep -q '^event [0-9]* run_started ' "$name.events" || fail "$name saw no run_started event: $(head -5 "$name.events")"
  grep -q "^event [0-9]* completed .*processed=$(sed -n 's/^input //p' ref-counts.txt)\$" "$name.events" \
    || fail "$name saw no completed event with every record processed: $(tail -5 "$name.events")"
}

embed_build embed-shared
readelf -d embed-shared/embed | grep -q 'NEEDED.*libferry\.so' || fail "embed-shared does not link libferry.so"
embed_run embed-shared
embed_build embed-static -DEMBED_STATIC=ON
readelf -d embed-static/embed | grep -q 'NEEDED.*libferry' && fail "embed-static links libferry.so, not libferry.a"
embed_run embed-static

# A second consumer: pkg-config only.
export PKG_CONFIG_PATH=$LIBDIR/pkgconfig
cat > consumer.cc <<'EOF'
#include <cstdio>
#include "ferry/project.h"
int main(int argc, char** argv) {
  auto project = ferry::Project::Load(argv[1]);
  if (!project.ok()) return std::fprintf(stderr, "%s\n", project.status().ToString().c_str()), 1;
  std::printf("target %s, %zu versions\n", (*project)->target().c_str(), (*project)->versions().size());
  return 0;
}
EOF
want="target $(sed -n 's/^target: *//p' "$PROJECT/ferry.yaml"), $(grep -cE '^    schema: ' "$PROJECT/ferry.yaml") versions"
# shellcheck disable=SC2046  # pkg-config prints several words
"$CXX" consumer.cc -o consumer $(pkg-config --cflags --libs ferry) > consumer.log 2>&1 \
  || fail "c++ \$(pkg-config --cflags --libs ferry): $(tail -20 consumer.log)"
[ "$(LD_LIBRARY_PATH=$LIBDIR ./consumer "$PROJECT")" = "$want" ] || fail "the pkg-config consumer printed something else than '$want'"
# libferry.a with the shared libraries ferry.pc names as private (`pkg-config --static` would also ask for
# the private libraries of those, e.g. libpq's, which Debian ships only as shared libraries), and the
# flags of its Libs (a sanitizer build's -fsanitize=...).
requires=$(pkg-config --print-requires-private ferry | awk '{print $1}')
private=$(sed -n 's/^Libs.private: //p' "$PC")
# shellcheck disable=SC2046,SC2086
"$CXX" consumer.cc -o consumer-static $(pkg-config --cflags ferry) -L"$LIBDIR" -l:libferry.a \
  $(pkg-config --libs-only-other ferry) $(pkg-config --libs $requires) $private > consumer-static.log 2>&1 \
  || fail "linking libferry.a with ferry.pc's private dependencies: $(tail -20 consumer-static.log)"
readelf -d consumer-static | grep -q 'NEEDED.*libferry' && fail "consumer-static links libferry.so"
[ "$(./consumer-static "$PROJECT")" = "$want" ] || fail "the static pkg-config consumer printed something else than '$want'"
echo PASS
