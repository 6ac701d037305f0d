#!/usr/bin/env bash
# name: cli/version_names_project_and_library_versions
# description: `ferry version` (and `--version`) prints the version CMake's project(VERSION) declares and
#   the versions of the libraries the binary runs with; `--json` prints the same as JSON.
# group: e2e
source "$(dirname "$0")/../lib.sh"
want=$(sed -n 's/^project(ferry VERSION \([0-9.]*\).*/\1/p' "$FERRY_SOURCE_DIR/CMakeLists.txt")
[ -n "$want" ] || fail "no project(ferry VERSION ...) in CMakeLists.txt"
"$FERRY" version > version.txt
[ "$(head -1 version.txt)" = "ferry $want" ] || fail "first line: $(head -1 version.txt), want 'ferry $want'"
grep -Eq '^libraries: sqlite 3\.[0-9]+\.[0-9]+, libpq [0-9]+\.[0-9]+' version.txt || fail "libraries: $(cat version.txt)"
"$FERRY" --version > flag.txt
cmp version.txt flag.txt || fail "--version differs from version: $(cat flag.txt)"
"$FERRY" version --json > version.json
python3 - "$want" <<'PY'
import json, re, sqlite3, sys
v = json.load(open('version.json'))
assert v['version'] == sys.argv[1], v
libs = v['libraries']
for name in ('sqlite', 'libpq', 'openssl', 'zlib', 'zstd', 'brotli', 'libsodium'):
    assert re.fullmatch(r'\d+\.\d+(\.\d+)?[a-z]?', libs[name]), (name, libs)
# The SQLite the binary loads is the system's, as Python's is here.
assert libs['sqlite'] == sqlite3.sqlite_version, (libs['sqlite'], sqlite3.sqlite_version)
text = open('version.txt').read()
assert all(f'{n} {x}' in text for n, x in libs.items()), (text, libs)
PY
echo PASS
