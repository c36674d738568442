#!/usr/bin/env bash
# ON A FRESH GPU HOST after device_setup.sh: restores the build device_export_build.sh saved (pieces
# carried in $1, default .gpu/build), so the pipeline can run with SKIP_BUILD=1 (saves ~5.5 min).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/device_env.sh"
FROM=${1:-$REPO/.gpu/build}
cat "$FROM"/nlc-cuda-build.tar.xz.part-* | xz -dc | tar -C "$NLC_LLAMA" -xf -
cat "$NLC_LLAMA/lastBuild.json"; echo
