# Shared helpers for the end-to-end tests (sourced). Each test runs in its own
# temporary directory, with $FERRY pointing at the built binary.
set -euo pipefail
: "${FERRY:?FERRY must point at the ferry binary}"
: "${FERRY_SOURCE_DIR:?}"
# Ferry's own environment variables from the caller's shell would change what the
# tests run: FERRY_PASSPHRASE encrypts every file target (and the plain-file
# reads after it fail with WRONG_KEY), FERRY_STATE moves the state. A test sets
# the ones it needs itself.
unset FERRY_PASSPHRASE FERRY_BACKUP_PASSPHRASE FERRY_STATE FERRY_USER FERRY_KDF
SHARED=${FERRY_SHARED_DIR:-$FERRY_SOURCE_DIR/../shared}
PROJECT=$FERRY_SOURCE_DIR/examples/workouts
E2E=$FERRY_SOURCE_DIR/tests/e2e
WORK=$(mktemp -d "${TMPDIR:-/tmp}/ferry-e2e.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"

fail() { echo "FAIL: $*" >&2; exit 1; }
# skip REASON: ends the test as skipped. The code is one Ferry never exits with
# (docs/exit-codes.md), so that an unguarded ferry command failing under set -e
# is never taken for a skip; tests/e2e/CMakeLists.txt gives ctest the same code,
# and scripts/test.sh fails on skips unless FERRY_ALLOW_SKIPS=1.
FERRY_E2E_SKIP=200
skip() { echo "SKIP: $*"; exit "$FERRY_E2E_SKIP"; }
# expect_exit CODE CMD...: runs CMD, fails unless it exits with CODE.
expect_exit() {
  local want=$1; shift
  set +e; "$@"; local got=$?; set -e
  [ "$got" = "$want" ] || fail "expected exit $want, got $got: $*"
}
# snapshot DIR: prints name, size and checksum of every file under DIR.
snapshot() { (cd "$1" && find . -type f -print0 | sort -z | xargs -0 sha256sum); }
# Node.js peer (../shared/peers/peers/migrate.mjs): the reference migration.
peer() { node "$SHARED/peers/peers/migrate.mjs" "$1" "$2" "$3" 2>/dev/null; }
have_node() { command -v node > /dev/null 2>&1; }
# PostgreSQL (tests whose "# group:" line says postgres run with the ctest
# fixture that starts a throwaway cluster; its URI is in $FERRY_PG_URI_FILE).
# pg_database NAME: creates a fresh database NAME_<pid> there; prints its URI.
pg_database() {
  [ -s "${FERRY_PG_URI_FILE:-}" ] || fail "no PostgreSQL test cluster (FERRY_PG_URI_FILE=${FERRY_PG_URI_FILE:-unset})"
  local base name
  base=$(cat "$FERRY_PG_URI_FILE")
  name="$1_$$"
  psql "$base" -Xq -v ON_ERROR_STOP=1 -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $name" -c "CREATE DATABASE $name" > /dev/null
  echo "${base%/*}/$name"
}
