#!/usr/bin/env bash
# name: ci/install_deps_installs_test_tools
# description: every command-line tool the tests call (zstd, sqlite3, jq, psql, python3, node, ...) comes
#   from a package scripts/install-deps.sh installs or from an essential or required Debian package, so that a fresh
#   machine runs the tests without a missing command failing (or skipping) one of them.
# group: e2e
source "$(dirname "$0")/../lib.sh"
DEPS=$FERRY_SOURCE_DIR/scripts/install-deps.sh
# tool:package (Debian 12). A tool the tests do not call is not required.
TOOLS="zstd:zstd sqlite3:sqlite3 jq:jq psql:postgresql-client-15 python3:python3 node:nodejs cmake:cmake
  brotli:brotli xz:xz-utils curl:curl xxd:xxd bc:bc gzip:gzip od:coreutils runuser:util-linux awk:mawk
  initdb:postgresql-15 pg_ctl:postgresql-15 ctags:universal-ctags"
# Where tests call tools: the e2e scripts and their helpers, and the scripts they run.
CALLERS=("$E2E" "$FERRY_SOURCE_DIR/scripts/pg-cluster.sh" "$FERRY_SOURCE_DIR/scripts/demo.sh")
called=0
for entry in $TOOLS; do
  tool=${entry%%:*} pkg=${entry#*:}
  # A call: the tool's name as a command word (line start, after | ; & ( { $( or a shell keyword).
  grep -rqE "(^|[|;&({]|\\\$\(|\bthen|\bdo|\|\|)[[:space:]]*$tool[[:space:]]" "${CALLERS[@]}" --include='*.sh' \
    || continue
  called=$((called + 1))
  grep -qE "(^|[[:space:](])$pkg([[:space:])]|$)" "$DEPS" && continue
  # Essential or required: in every Debian installation.
  case "$(dpkg-query -W -f='${Essential} ${Priority}' "$pkg" 2>/dev/null)" in yes*|*required) continue ;; esac
  fail "the tests call '$tool' but scripts/install-deps.sh does not install its package $pkg"
done
[ "$called" -ge 6 ] || fail "found only $called of the tools the tests call: is the search broken?"
echo "PASS ($called tools)"
