#!/usr/bin/env bash
# ON THE GPU HOST, from the repo root, with .gpu/{node.xz,npm.tar.xz,nm.tar.xz,llamacpp-src.tar.xz}
# carried (pack.sh): node and npm to $SY (default /root/sy), node_modules into the repo, the
# llama.cpp source where node-llama-cpp expects its clone. Then: source bench/gpu/device_env.sh
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/device_env.sh"
CARRY=${CARRY_DIR:-$REPO/.gpu}
mkdir -p "$SY/bin" "$SY/lib" "$SY/models" "$SY/out"
xz -dc "$CARRY/node.xz" > "$SY/bin/node" && chmod +x "$SY/bin/node" &
tar -C "$SY/lib" -xJf "$CARRY/npm.tar.xz" &
tar -C "$REPO" -xJf "$CARRY/nm.tar.xz" &
mkdir -p "$SWITCHYARD_LLAMA_SOURCE"
tar -C "$SWITCHYARD_LLAMA_SOURCE" -xJf "$CARRY/llamacpp-src.tar.xz" &
wait
ln -sf ../lib/npm/bin/npm-cli.js "$SY/bin/npm"
ln -sf ../lib/npm/bin/npx-cli.js "$SY/bin/npx"
# node-llama-cpp treats the source as cloned when llama.cpp/.git and llama/llama.cpp.info.json exist
mkdir -p "$SWITCHYARD_LLAMA_SOURCE/.git"
echo "set up in $SY: node $(node --version), npm $(npm --version), $(du -sh "$REPO/node_modules" | cut -f1) node_modules"
