#!/usr/bin/env bash
# name: ci/no_function_over_100_lines
# description: no function in src/ is over 100 lines (functions short enough to read at a
#   glance), as universal-ctags measures them (from the line of the name to the closing brace); the exceptions,
#   data tables, are named with a reason in tests/e2e/ci/long_functions_allowed.txt. Prints every function over
#   the limit, longest first.
# group: e2e
source "$(dirname "$0")/../lib.sh"
LIMIT=100
ALLOWED=$E2E/ci/long_functions_allowed.txt
ctags --version 2>/dev/null | grep -q "Universal Ctags" \
  || fail "needs universal-ctags (Debian package universal-ctags; scripts/install-deps.sh installs it)"

# long_functions DIR: "LINES PATH NAME" for every function under DIR over $LIMIT lines, longest first.
long_functions() {
  (cd "$1" && ctags -x --c++-kinds=f --fields=+ne -o - --output-format=json -R src) | python3 -c '
import json, sys
limit = int(sys.argv[1])
rows = set()
for line in sys.stdin:
    tag = json.loads(line)
    if tag.get("kind") != "function" or "end" not in tag:
        continue
    lines = tag["end"] - tag["line"] + 1
    if lines > limit:
        rows.add((lines, tag["path"], tag["name"]))
for lines, path, name in sorted(rows, key=lambda r: (-r[0], r[1], r[2])):
    print(lines, path, name)
' "$LIMIT"
}

# The measure itself: a 101-line function is found, a 100-line one is not.
mkdir -p probe/src
{
  echo "int Long() {"; for i in $(seq 1 99); do echo "  int v$i = $i;"; done; echo "}"
  echo "int Short() {"; for i in $(seq 1 98); do echo "  int v$i = $i;"; done; echo "}"
} > probe/src/probe.cc
[ "$(long_functions probe)" = "101 src/probe.cc Long" ] \
  || fail "the measure is broken: on a 101- and a 100-line function it found: $(long_functions probe)"

# Every allowed exception: "PATH NAME: reason".
declare -A allowed=()
while IFS= read -r entry; do
  case "$entry" in ''|'#'*) continue ;; esac
  key=${entry%%:*} reason=${entry#*:}
  [ "$key" != "$entry" ] && [ -n "${reason// /}" ] || fail "$ALLOWED: '$entry' needs 'PATH NAME: reason'"
  allowed[$key]=1
done < "$ALLOWED"

found=$(long_functions "$FERRY_SOURCE_DIR")
over=0
while read -r lines path name; do
  [ -n "${lines:-}" ] || continue
  if [ -n "${allowed[$path $name]:-}" ]; then
    echo "allowed: $lines $path $name"
  else
    echo "$lines $path $name"
    over=$((over + 1))
  fi
done <<< "$found"
[ "$over" -eq 0 ] || fail "$over functions in src/ are over $LIMIT lines (listed above): split them into named steps"
echo "PASS"
