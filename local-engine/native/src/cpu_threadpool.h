// A persistent CPU thread pool for the llama context. Without one, ggml starts and joins fresh
// threads for every graph, and a new thread often lands on the core where the decoding thread is
// spinning in a barrier: on 2 cores that cost ~40 ms per token.
#pragma once

#include <cstdint>

#include "llama_api.h"

namespace switchyard {

class CpuThreadpool {
 public:
  CpuThreadpool() = default;
  CpuThreadpool(const CpuThreadpool&) = delete;
  CpuThreadpool& operator=(const CpuThreadpool&) = delete;
  ~CpuThreadpool() { reset(); }

  // Creates the pool through the CPU backend's exported functions; false when the backend has none.
  bool create(int32_t threads, uint32_t poll);
  void reset();
  ggml_threadpool_t get() const { return pool_; }

 private:
  using FreeFunction = void (*)(ggml_threadpool_t);
  ggml_threadpool_t pool_ = nullptr;
  FreeFunction free_ = nullptr;
};

}  // namespace switchyard
