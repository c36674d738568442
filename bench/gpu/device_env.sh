# Source me ON THE GPU HOST, from the repo root, after device_setup.sh.
export SY=${SY_DIR:-/root/sy}
export REPO=${REPO:-$PWD}
# the node/npm we carried; nvcc; cmake and ninja live in the image's python venv (python3 with torch too)
export PATH="$SY/bin:/usr/local/cuda/bin:/opt/torch/.venv/bin:$PATH"
export CUDACXX=${CUDACXX:-/usr/local/cuda/bin/nvcc}
# node-llama-cpp forwards NODE_LLAMA_CPP_CMAKE_OPTION_<X>=<v> as -D<X>=<v>: build for Hopper only
export NODE_LLAMA_CPP_CMAKE_OPTION_CMAKE_CUDA_ARCHITECTURES=${CUDA_ARCH:-90}
# no network there: never try to download prebuilt binaries, cmake or updates
export NODE_LLAMA_CPP_SKIP_DOWNLOAD=true
export NPM_CONFIG_UPDATE_NOTIFIER=false NPM_CONFIG_FUND=false NPM_CONFIG_AUDIT=false
export NLC_LLAMA=$REPO/node_modules/node-llama-cpp/llama
# Switchyard's addon compiles against the same (patched) llama.cpp tree, with every core
export SWITCHYARD_LLAMA_SOURCE=$NLC_LLAMA/llama.cpp
export SWITCHYARD_BUILD_JOBS=${SWITCHYARD_BUILD_JOBS:-$(nproc)}
export F16=${F16:-$SY/models/llama1b-f16.gguf} Q8=${Q8:-$SY/models/llama1b-q8_0.gguf}
export BENCH_GPU=${BENCH_GPU:-cuda}
