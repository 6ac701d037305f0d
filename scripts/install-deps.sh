#!/usr/bin/env bash
# Installs what Ferry needs to build and test on Debian 12 (run as root).
# Idempotent: packages already present are left alone.
set -euo pipefail
PACKAGES=(
  g++ cmake ninja-build pkg-config git python3 jq
  libsimdjson-dev libyaml-cpp-dev libfyaml-dev libpugixml-dev libcli11-dev
  libgtest-dev libgmock-dev libbenchmark-dev libvalijson-dev nlohmann-json3-dev rapidjson-dev
  libcpp-httplib-dev libsqlite3-dev sqlite3 libpq-dev libssl-dev postgresql-15 postgresql-client-15
  libzstd-dev libbrotli-dev libsodium-dev zlib1g-dev libre2-dev
  curl  # docs/server.md: its curl examples run as written
  openssl  # tests make a self-signed certificate for `ferry serve --tls-cert`
  zstd  # the CLI: tests decompress Ferry's .zst output with another implementation
  zsh   # tests run `ferry completion zsh` in the real shell
  universal-ctags  # tests measure the length of every function in src/
)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node.js runs the peer migration (../shared/peers) that tests compare against.
command -v node >/dev/null 2>&1 || missing+=(nodejs)
# npm installs tools/node's pinned packages (the OpenAPI checks); nodesource's nodejs brings it.
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# promtool checks the text `ferry serve` answers GET /metrics with. It comes from Debian's
# prometheus package, downloaded and unpacked (not installed: no service is set up) into
# /opt/ferry-tools/prometheus; tests look for it there and never download anything.
PROMETHEUS_DIR=/opt/ferry-tools/prometheus
if [ ! -x "$PROMETHEUS_DIR/usr/bin/promtool" ]; then
  mkdir -p /var/cache/ferry
  cd /var/cache/ferry
  if ! ls prometheus_*.deb > /dev/null 2>&1; then
    apt-get download prometheus > /dev/null 2>&1 || { apt-get update -qq && apt-get download prometheus > /dev/null; }
  fi
  mkdir -p "$PROMETHEUS_DIR"
  dpkg -x "$(ls -t prometheus_*.deb | head -1)" "$PROMETHEUS_DIR"
  cd - > /dev/null
fi
# tools/node: exactly the packages its package-lock.json pins (npm ci), unless node_modules already
# holds them (a stamp of the lock's SHA-256 written after the last npm ci).
NODE_TOOLS="$(cd "$(dirname "$0")/.." && pwd)/tools/node"
lock_sum=$(sha256sum "$NODE_TOOLS/package-lock.json" | cut -d' ' -f1)
if [ "$(cat "$NODE_TOOLS/node_modules/.ferry-lock.sha256" 2>/dev/null)" != "$lock_sum" ]; then
  echo "installing tools/node packages (npm ci)" >&2
  npm ci --prefix "$NODE_TOOLS" --no-audit --no-fund --loglevel=error >/dev/null
  echo "$lock_sum" > "$NODE_TOOLS/node_modules/.ferry-lock.sha256"
fi
