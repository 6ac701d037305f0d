#!/usr/bin/env bash
# Configures and builds Ferry. Usage: scripts/build.sh [BUILD_DIR] [extra cmake args...]
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build}
shift || true
launcher=()
# A developer who sets CCACHE_DIR rebuilds fresh clones from that cache; otherwise
# (CI) the build is plain, and leaves no cache behind on the disk.
if [ -n "${CCACHE_DIR:-}" ] && command -v ccache > /dev/null; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
fi
cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "${launcher[@]}" "$@" >/dev/null
ninja -C "$dir"
