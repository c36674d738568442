#!/usr/bin/env bash
# ON THE GPU HOST, from the repo root, after device_setup.sh: builds, tests and benchmarks everything
# unattended, logging each stage to $SY/out/stages.log. Start it detached from a private copy (bash
# reads scripts lazily and the repo copy is re-synced at every device call), then poll with wait.sh:
#   mkdir -p /root/sy && cp -r bench/gpu /root/sy/rb &&
#   setsid nohup bash /root/sy/rb/device_pipeline.sh > /root/sy/pipeline.log 2>&1 < /dev/null &
#   bash bench/gpu/wait.sh 520
# Stages: environment and copy bandwidth; the 1.1B models (F16, Q8_0) and Switchyard's addon in the
# background; node-llama-cpp's CUDA source build (sm_90, ~5.5 min; SKIP_BUILD=1 after
# device_import_build.sh); llama-batched-bench from the same build tree; the engine's test suite on
# CUDA; then the benchmarks with nvidia-smi dmon sampling: llama-batched-bench, engine-bench,
# latency-bench, router-bench, multi-engine-bench, node-llama-cpp, and the engine's A/B variants.
# Dry run on a machine without a GPU (checks the flow, not the numbers): a fake localBuilds/*cuda*
# folder holding a CPU build, BENCH_GPU=cpu, SKIP_BUILD=1 SKIP_MODELS=1 SKIP_NLC=1, F16/Q8 = small models.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/device_env.sh"
O=$SY/out
mkdir -p "$O" "$SY/models"
stage() { echo "$(date +%s) $(date -u +%T) $*" >> "$O/stages.log"; }
cd "$REPO" || exit 1
stage start
{ nvidia-smi; nvidia-smi -q -d CLOCK | grep -A4 -i "max clocks"; nvcc --version | tail -2; cmake --version | head -1
  gcc --version | head -1; node --version; nproc; lscpu | grep -i "model name"; free -g | head -2; uname -r
  date -u; } > "$O/env.txt" 2>&1

# Copy bandwidth (the floor's denominator), while the GPU is otherwise idle.
python3 "$HERE/bandwidth.py" > "$O/bandwidth.json" 2> "$O/bandwidth.err"
stage "bandwidth rc=$? $(cat "$O/bandwidth.json" 2>/dev/null)"

# Models and the addon overlap with the CUDA build.
( [ "${SKIP_MODELS:-0}" = 1 ] && exit 0
  for ty in f16 q8_0; do node scripts/make-test-model.mjs --preset 1b --type $ty --out "$SY/models/llama1b-$ty.gguf" || exit 1; done
) > "$O/models.log" 2>&1 &
MODELS=$!
node scripts/build-native.mjs > "$O/addon.log" 2>&1 &
ADDON=$!

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  stage build_start
  T0=$SECONDS
  ( cd "$REPO" && npx --no node-llama-cpp source build --gpu cuda --noUsageExample ) > "$O/build.log" 2>&1
  stage "build_done rc=$? seconds=$((SECONDS - T0))"
fi
# The CUDA build folder that holds a libllama (a failed build leaves a folder without one).
LIBLLAMA=$(find "$NLC_LLAMA/localBuilds" -path '*cuda*' -name 'libllama.*.so' 2>/dev/null | head -1)
LIBDIR=$(dirname "$LIBLLAMA" 2>/dev/null)
BD=$NLC_LLAMA/localBuilds/$(realpath --relative-to="$NLC_LLAMA/localBuilds" "$LIBDIR" 2>/dev/null | cut -d/ -f1)
echo "$LIBDIR" > "$O/libdir.txt"
{ echo "build dir: $BD"; echo "library dir: $LIBDIR"; ls -la "$LIBDIR"; cat "$NLC_LLAMA/lastBuild.json"; echo
  for so in "$LIBDIR"/*.so; do echo "== $(basename "$so")"; readelf -d "$so" | grep -E "SONAME|NEEDED|RUNPATH|RPATH"; done
  grep -E "GGML_CUDA_GRAPHS|GGML_NATIVE|GGML_BACKEND_DL|CMAKE_CUDA_ARCHITECTURES|GGML_CUDA_FA|CMAKE_BUILD_TYPE" "$BD/CMakeCache.txt"
} > "$O/sonames.txt" 2>&1
if [ -z "$LIBLLAMA" ]; then stage "all_done (no CUDA build)"; exit 1; fi
export SWITCHYARD_LLAMA_LIBRARY_DIR=$LIBDIR

# llama-batched-bench from the same tree: only the tool and llama-common compile (seconds).
BB=$(find "$BD" -type f -name llama-batched-bench | head -1)
if [ -n "$BB" ] && [ "${SKIP_BUILD:-0}" = 1 ]; then
  # An imported build lacks the tool's own libllama-batched-bench-impl.so: compile the two sources
  # against the imported libraries instead (2 s).
  SRC=$SWITCHYARD_LLAMA_SOURCE
  BB=$SY/llama-batched-bench
  g++ -O2 -std=c++17 -I"$SRC/include" -I"$SRC/common" -I"$SRC/ggml/include" -I"$SRC/tools/batched-bench" \
    -I"$SRC/vendor" "$SRC/tools/batched-bench/batched-bench.cpp" "$SRC/tools/batched-bench/main.cpp" \
    -L"$LIBDIR" -l:libllama-common.so -l:"$(basename "$LIBLLAMA")" -l:libggml-base.so -Wl,-rpath,"$LIBDIR" \
    -pthread -o "$BB" > "$O/native-build.log" 2>&1
  stage "native_build_direct rc=$?"
elif [ -z "$BB" ]; then
  T0=$SECONDS
  { cmake -DLLAMA_BUILD_TOOLS=ON "$BD" > /dev/null && cmake --build "$BD" --target llama-batched-bench -j "$(nproc)"; } > "$O/native-build.log" 2>&1
  stage "native_build_done rc=$? seconds=$((SECONDS - T0))"
  BB=$(find "$BD" -type f -name llama-batched-bench | head -1)
fi
[ "${SKIP_BUILD:-0}" != 1 ] && { bash "$HERE/device_export_build.sh" > "$O/export.log" 2>&1; stage "export rc=$?"; }

wait $ADDON; stage "addon rc=$? $(tail -1 "$O/addon.log")"
wait $MODELS; stage "models rc=$? $(ls -l "$SY"/models/*.gguf 2>/dev/null | awk '{printf "%s=%s ", $NF, $5}')"
cp local-engine/native/build/Release/switchyard_llama.node "$O/" 2>/dev/null

# Correctness on the GPU first.
T0=$SECONDS
SWITCHYARD_TEST_GPU=$BENCH_GPU SWITCHYARD_TEST_LIBRARY_DIR=$LIBDIR npx vitest run local-engine/local-engine.test.ts local-engine/devices.test.ts > "$O/tests.log" 2>&1
stage "tests rc=$? seconds=$((SECONDS - T0))"

nvidia-smi dmon -s um -d 1 -o T > "$O/dmon.log" 2>&1 &
DMON=$!
bench() { # name, command...
  local name=$1; shift
  local t0=$SECONDS
  stage "$name start"
  timeout "${BENCH_TIMEOUT:-300}" "$@" > "$O/$name.bench.log" 2>&1
  stage "$name rc=$? seconds=$((SECONDS - t0))"
}
native() { # log, models...
  [ -n "$BB" ] || return 0
  local log=$1; shift
  for m in "$@"; do
    echo "== $m" >> "$O/$log"
    LD_LIBRARY_PATH="$(find "$BD" -name '*.so' -printf '%h\n' | sort -u | paste -sd:)" \
      timeout 120 "$BB" -m "$m" -ngl 99 -c 20480 -b 2048 -ub 512 -npp 128 -ntg 128 -npl 1,4,16,64 >> "$O/$log" 2>&1
  done
  stage "$log rc=$?"
}
native native.log "$F16" "$Q8"
G="--gpu $BENCH_GPU"
[ "${SKIP_ENGINE:-0}" = 1 ] || bench engine-f16 node bench/gpu/engine-bench.mjs --model "$F16" --label f16 --repeat 5 $G
[ "${SKIP_Q8:-0}" = 1 ] || bench engine-q8 node bench/gpu/engine-bench.mjs --model "$Q8" --label q8_0 --repeat 5 $G
[ "${SKIP_LATENCY:-0}" = 1 ] || bench latency-f16 node bench/gpu/latency-bench.mjs --model "$F16" --label f16 $G
[ "${LATENCY_EXTRA:-1}" = 1 ] &&
  bench latency512-f16 node bench/gpu/latency-bench.mjs --model "$F16" --label f16 --prefill-chunk 512 $G
for tokens in ${ROUTER_TOKENS:-128}; do
  bench router$tokens-f16 node bench/gpu/router-bench.mjs --model "$F16" --label f16 --tokens "$tokens" $G
done
# One engine per GPU through the router (devices: [0] in a child process vs in this process; all GPUs when there are more).
[ "${SKIP_MULTI:-0}" = 1 ] || bench multi-f16 node bench/gpu/multi-engine-bench.mjs --model "$F16" --label f16 --repeat 3 $G
if [ "${SKIP_NLC:-0}" != 1 ]; then
  bench nlc-f16 node bench/gpu/nlc-bench.mjs --model "$F16" --label f16 --repeat 2 --sort-seqs
  bench nlc-q8 node bench/gpu/nlc-bench.mjs --model "$Q8" --label q8_0 --repeat 2
fi
bench ab-f16 node bench/gpu/engine-bench.mjs --model "$F16" --label f16 --ab-only ${AB_VARIANTS:+--variants $AB_VARIANTS} --repeat "${AB_REPEAT:-3}" $G
[ "${LATENCY_EXTRA:-1}" = 1 ] && bench latency-q8 node bench/gpu/latency-bench.mjs --model "$Q8" --label q8_0 $G
native native-end.log "$F16" # the same again last: how much the machine drifted over the run
kill $DMON 2>/dev/null
stage all_done
