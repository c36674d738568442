#!/usr/bin/env bash
# ON THE GPU HOST after the pipeline's build: what getLlama("lastBuild") and the engine need (the
# build's Release folder, buildDone.status, lastBuild.json) plus llama-batched-bench, in 15 MiB
# pieces under $1 (default $SY/out/export). Bring them back into .gpu/build/ and restore them on a
# fresh host with device_import_build.sh (carry [".gpu/build"] in a second call: with node they
# exceed one call's 64 MiB).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/device_env.sh"
TO=${1:-$SY/out/export}
mkdir -p "$TO"
cd "$NLC_LLAMA"
D=$(find localBuilds -mindepth 1 -maxdepth 1 -type d -name '*cuda*' | head -1)
[ -n "$D" ] || { echo "no CUDA build under $NLC_LLAMA/localBuilds" >&2; exit 1; }
BB=$(find "$D" -type f -name llama-batched-bench | head -1)
tar -cf - "$D/Release" "$D/buildDone.status" lastBuild.json ${BB:+"$BB"} | xz -T0 -6 |
  split -b 15M - "$TO/nlc-cuda-build.tar.xz.part-"
ls -l "$TO"
