#!/usr/bin/env bash
# ON THE DEVELOPMENT MACHINE, from anywhere: packs what the offline GPU host (no Node, no npm, no
# network) needs into $DEST (default <repo>/.gpu, git-ignored), to be sent with the device run's
# carry [".gpu", "dist"]:
#   node.xz              this machine's node binary
#   npm.tar.xz           npm: node-llama-cpp's source build runs `npm run -s cmake-js-llama`
#   nm.tar.xz            the node_modules that run vitest, the engine, the router and node-llama-cpp's
#                        source build (node-modules-closure.mjs), and node_modules/.bin; no prebuilt @node-llama-cpp/*
#                        binaries, no git bundle, no TypeScript/Biome, no source maps or .d.ts files
#   llamacpp-src.tar.xz  the llama.cpp source node-llama-cpp 3.21.1 ships (its git bundle, the tree
#                        local-engine/setup/llama-source.ts clones for the addon's headers) with node-llama-cpp's
#                        own patches applied, as `node-llama-cpp source download` would leave it;
#                        no docs, web UI, media or vocab models
# Prerequisites: npm run build (dist/) and node scripts/build-native.mjs (the llama.cpp clone).
# Re-running repacks only what is older than its inputs. Fails if the carry would exceed 64 MiB.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
DEST=${DEST:-$REPO/.gpu}
NODE_BIN=${NODE_BIN:-$(readlink -f "$(command -v node)")}
NPM_DIR=${NPM_DIR:-$(dirname "$(dirname "$NODE_BIN")")/lib/node_modules/npm}
NLC=$REPO/node_modules/node-llama-cpp
SRC=$REPO/local-engine/native/build/llama.cpp
LIMIT=$((64 * 1024 * 1024))

fail() { echo "pack.sh: $*" >&2; exit 1; }
[ -f "$REPO/dist/local-engine/index.js" ] || fail "dist/ is missing: run npm run build"
[ -f "$SRC/include/llama.h" ] || fail "$SRC is missing: run node scripts/build-native.mjs"
[ -d "$NLC/llama/patches" ] || fail "node-llama-cpp is not installed"
[ -f "$NPM_DIR/bin/npm-cli.js" ] || fail "no npm at $NPM_DIR (set NPM_DIR)"
mkdir -p "$DEST"

# 1. node (~98 MB -> ~24 MB)
if [ ! -f "$DEST/node.xz" ] || [ "$NODE_BIN" -nt "$DEST/node.xz" ]; then
  xz -T2 -6 -c "$NODE_BIN" > "$DEST/node.xz"
fi

# 2. npm
if [ ! -f "$DEST/npm.tar.xz" ]; then
  tar -C "$(dirname "$NPM_DIR")" -cf - --exclude=./npm/docs --exclude=./npm/man npm | xz -T2 -6 > "$DEST/npm.tar.xz"
fi

# 3. node_modules: the run-time closure of what the device runs. Peers and lightningcss (vite loads it
#    only for CSS) are left out.
if [ ! -f "$DEST/nm.tar.xz" ] || [ "$REPO/package-lock.json" -nt "$DEST/nm.tar.xz" ] || [ "$0" -nt "$DEST/nm.tar.xz" ]; then
  node "$HERE/node-modules-closure.mjs" --skip @node-llama-cpp,lightningcss,typescript \
    node-llama-cpp vitest node-addon-api @anthropic-ai/sdk bottleneck gpt-tokenizer ioredis openai \
    p-retry replicate yaml zod > "$DEST/nm.list"
  echo node_modules/.bin >> "$DEST/nm.list" # npx and `npm run` find vitest, node-llama-cpp, cmake-js here
  tar -C "$REPO" -cf - \
    --exclude='*.map' --exclude='*.d.ts' --exclude='*.d.mts' --exclude='*.d.cts' --exclude='CHANGELOG.md' \
    --exclude=node_modules/node-llama-cpp/llama/gitRelease.bundle \
    --exclude=node_modules/node-llama-cpp/llama/localBuilds \
    --exclude=node_modules/node-llama-cpp/llama/llama.cpp \
    --exclude=node_modules/gpt-tokenizer/cjs --exclude=node_modules/gpt-tokenizer/dist \
    --exclude=node_modules/gpt-tokenizer/src --exclude=node_modules/gpt-tokenizer/data \
    --exclude=node_modules/@anthropic-ai/sdk/src --exclude=node_modules/openai/src \
    $(cat "$DEST/nm.list") | xz -T2 -6 > "$DEST/nm.tar.xz"
fi

# 4. llama.cpp: the bundle's commit, patched like node-llama-cpp does, trimmed like shared/gpu/pack.sh
if [ ! -f "$DEST/llamacpp-src.tar.xz" ] || [ "$SRC/.switchyard-source-stamp" -nt "$DEST/llamacpp-src.tar.xz" ]; then
  STAGE=$(mktemp -d)
  trap 'rm -rf "$STAGE"' EXIT
  git -C "$SRC" archive --format=tar HEAD -- . ':(exclude)docs' ':(exclude)tools/ui' ':(exclude)media' \
    ':(exclude)models' | tar -C "$STAGE" -xf -
  for patch in "$NLC"/llama/patches/*.diff; do
    patch -d "$STAGE" -p1 --quiet < "$patch" || fail "$patch does not apply"
  done
  tar -C "$STAGE" -cf - . | xz -T2 -6 > "$DEST/llamacpp-src.tar.xz"
fi

ls -l "$DEST"
tree_bytes=$(cd "$REPO" && { git ls-files; git ls-files --others --exclude-standard; } | sort -u |
  while read -r f; do [ -f "$f" ] && stat -c %s "$f"; done | awk '{s += $1} END {print s + 0}')
carry_bytes=$(du -cb "$DEST"/*.xz "$REPO/dist" | tail -1 | cut -f1)
total=$((tree_bytes + carry_bytes))
echo "working tree $((tree_bytes / 1024)) KiB + carry (.gpu/*.xz, dist) $((carry_bytes / 1024)) KiB = $((total / 1048576)) MiB of 64"
[ "$total" -lt "$LIMIT" ] || fail "over the 64 MiB carry limit"
