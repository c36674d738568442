// A small pool for one step's per-slot sampling and log-prob work. On a GPU the decode of 64 slots
// takes ~3 ms, and reading 64 rows of 32k logits plus an argmax on one thread would add 1-2 ms to
// every step. The calling thread takes part in the work, so a worker that wakes late only finds
// nothing left to do, and nothing is allocated per step.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

namespace switchyard {

class SlotWorkers {
 public:
  // Must not throw: it runs on a worker thread.
  using Task = void (*)(void* context, int32_t index) noexcept;

  SlotWorkers() = default;
  SlotWorkers(const SlotWorkers&) = delete;
  SlotWorkers& operator=(const SlotWorkers&) = delete;
  ~SlotWorkers() { stop(); }

  // Starts `workers` threads besides the caller (0: everything runs on the caller). Returns the number
  // started, which is smaller when the system refuses a thread.
  int32_t start(int32_t workers);
  void stop();
  int32_t workers() const { return static_cast<int32_t>(threads_.size()); }

  // Runs task(context, i) for every i in [0, count) and returns when all have run.
  void run(int32_t count, Task task, void* context);

 private:
  void work();
  // Claims and runs indices of `generation` until none is left; stale generations claim nothing.
  void drain(uint32_t generation, int32_t count, Task task, void* context);

  std::vector<std::thread> threads_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  uint32_t generation_ = 0;  // guarded by mutex_, with the job below
  Task task_ = nullptr;
  void* context_ = nullptr;
  int32_t count_ = 0;
  std::atomic<uint64_t> ticket_{0};  // generation << 32 | next index to claim
  std::atomic<int32_t> done_{0};
};

}  // namespace switchyard
