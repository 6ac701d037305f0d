#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for Ferry's integration tests (and for trying Ferry out).
#
#   scripts/pg-cluster.sh start DIR [PORT]   initdb DIR/data (first time), start the server on
#                                            127.0.0.1:PORT (default: a free port), create the
#                                            database ferry_test; prints the URI and writes it to DIR/uri
#   scripts/pg-cluster.sh stop DIR           fast shutdown (idempotent); removes DIR/uri (and the
#                                            cluster itself when it lives under /tmp, see below)
#   scripts/pg-cluster.sh uri DIR            prints the URI of the running cluster
#
# Trust authentication, TCP on 127.0.0.1 only, the unix socket inside DIR, fsync on.
# As root (Debian 12 after scripts/install-deps.sh), the server runs as user postgres, which
# then owns DIR; when postgres cannot reach DIR (under /root, say), the cluster lives in
# /tmp/ferry-pg.XXXXXX instead and DIR/datadir names it. PGBIN overrides where the server
# binaries are (/usr/lib/postgresql/15/bin).
set -euo pipefail

usage() { echo "usage: $0 start DIR [PORT] | stop DIR | uri DIR" >&2; exit 2; }
die() { echo "pg-cluster: $*" >&2; exit 1; }

cmd=${1:-}
[ $# -ge 2 ] || usage
dir=$2
port=${3:-}
case $cmd in start | stop | uri) ;; *) usage ;; esac

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
if [ ! -x "$PGBIN/pg_ctl" ]; then
  die "PostgreSQL 15 server binaries not found in $PGBIN: install postgresql-15 (scripts/install-deps.sh) or set PGBIN"
fi

# The server refuses to run as root: run it (and everything touching its files) as postgres.
if [ "$(id -u)" = 0 ]; then
  id postgres > /dev/null 2>&1 || die "running as root needs the user postgres (created by the postgresql-15 package)"
  as_server() { runuser -u postgres -- "$@"; }
else
  as_server() { "$@"; }
fi

# The data directory: DIR/data, or (as root, when user postgres cannot reach DIR, e.g. under
# /root) a directory under /tmp that DIR/datadir names.
data=
locate_data() {
  if [ -s "$dir/datadir" ]; then data=$(cat "$dir/datadir"); else data=$dir/data; fi
}
running() { [ -f "$data/postmaster.pid" ] && as_server "$PGBIN/pg_ctl" -D "$data" status > /dev/null 2>&1; }
uri_of() { echo "postgres://postgres@127.0.0.1:$1/ferry_test"; }

if [ "$cmd" = stop ]; then
  [ -d "$dir" ] || exit 0
  dir=$(cd "$dir" && pwd)
  locate_data
  rm -f "$dir/uri"
  if running; then
    as_server "$PGBIN/pg_ctl" -D "$data" -m fast -w -t 60 stop > /dev/null
  fi
  # A cluster kept under /tmp for DIR is removed with it (nothing else would).
  if [ -s "$dir/datadir" ]; then
    case $data in /tmp/ferry-pg.*/data) rm -rf "$(dirname "$data")" ;; esac
    rm -f "$dir/datadir" "$dir/server.log"
  fi
  exit 0
fi

mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
locate_data

if [ "$cmd" = uri ]; then
  if ! running || [ ! -s "$dir/uri" ]; then die "no cluster running in $dir (scripts/pg-cluster.sh start $dir)"; fi
  cat "$dir/uri"
  exit 0
fi

# start
if [ "$(id -u)" = 0 ] && [ ! -s "$dir/datadir" ]; then
  if ! { chown postgres: "$dir" && runuser -u postgres -- test -w "$dir"; }; then
    # A parent of DIR is closed to user postgres: keep the cluster under /tmp.
    base=$(mktemp -d /tmp/ferry-pg.XXXXXX)
    chown postgres: "$base"
    echo "$base/data" > "$dir/datadir"
    locate_data
  fi
fi
base=$(dirname "$data")
[ "$base" = "$dir" ] || ln -sfn "$base/server.log" "$dir/server.log"
if [ ! -s "$data/PG_VERSION" ]; then
  rm -rf "$data"
  as_server "$PGBIN/initdb" -D "$data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync \
    > "$dir/initdb.log" 2>&1 || die "initdb failed: see $dir/initdb.log"
  # The unix socket lives beside the data unless its path is too long for a socket address.
  socket_dir=$base
  [ ${#base} -le 80 ] || socket_dir=
  cat >> "$data/postgresql.conf" << EOF

# scripts/pg-cluster.sh
listen_addresses = '127.0.0.1'
unix_socket_directories = '$socket_dir'
fsync = on
synchronous_commit = on
max_connections = 100
EOF
fi

if running; then
  [ -s "$dir/uri" ] || die "a server runs on $data but $dir/uri is missing; stop it first"
  cat "$dir/uri"
  exit 0
fi

port_free() { ! (exec 3<> "/dev/tcp/127.0.0.1/$1") 2> /dev/null; }
if [ -n "$port" ]; then
  candidates=$port
else
  # Start from a port derived from DIR, so that build directories rarely collide.
  first=$((20000 + $(printf '%s' "$dir" | cksum | cut -d' ' -f1) % 20000))
  candidates=$(seq "$first" $((first + 40)))
fi
started=
for p in $candidates; do
  port_free "$p" || continue
  if as_server "$PGBIN/pg_ctl" -D "$data" -l "$base/server.log" -w -t 60 -o "-p $p" start > /dev/null 2>&1; then
    started=$p
    break
  fi
  # Lost a race for the port (or a real failure: the log tells); try the next one.
  if running; then as_server "$PGBIN/pg_ctl" -D "$data" -m immediate -w stop > /dev/null 2>&1 || true; fi
done
[ -n "$started" ] || die "the server did not start (ports tried: ${candidates//$'\n'/ }); see $base/server.log"

psql=("$PGBIN/psql" -X -q -h 127.0.0.1 -p "$started" -U postgres -v ON_ERROR_STOP=1)
if [ "$("${psql[@]}" -d postgres -Atc "SELECT 1 FROM pg_database WHERE datname = 'ferry_test'")" != 1 ]; then
  "${psql[@]}" -d postgres -c "CREATE DATABASE ferry_test" > /dev/null
fi
uri=$(uri_of "$started")
printf '%s\n' "$uri" > "$dir/uri.tmp"
mv "$dir/uri.tmp" "$dir/uri"
echo "$uri"
