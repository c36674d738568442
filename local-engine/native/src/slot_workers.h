// A small pool for one step's per-slot sampling and log-prob work. On a GPU the decode of 64 slots
// takes ~3 ms, and reading 64 rows of 32k logits plus an argmax on one thread would add 1-2 ms to
// every step. A step wakes only the workers its work pays for (see threadsForLogits); the calling
// thread takes part in the work, so a worker that wakes late only finds nothing left to do, and
// nothing is allocated per step.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

namespace switchyard {

// Logits one sampling thread takes in a step before another is woken. Measured: one thread samples a
// row of 32k logits (sampler chain, argmax or top-k) in ~4-5 µs; a futex wake-up round trip on a VM
// (time-sliced vCPUs) costs tens of µs, so a helper must get several rows to pay for itself. On the
// H200 VM, 64 rows on 4 threads (16 rows each) sampled in 167 µs against 77 µs on 8, with the step
// 0.4 ms longer; 8 rows a thread keeps 64 slots on 8 threads and wakes one helper at 16.
constexpr int32_t kLogitsPerSamplingThread = 8 * 32768;
// A row that also wants log-probs counts as this many rows of work.
constexpr int64_t kLogprobRowWork = 4;

// Threads (the caller's included) worth using for `rows` rows of `vocabSize` logits: one per
// `logitsPerThread` logits, rounded up, at least 1 and at most `available`.
int32_t threadsForLogits(int64_t rows, int64_t vocabSize, int64_t logitsPerThread, int32_t available);

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

  // Runs task(context, i) for every i in [0, count) with the caller and up to `helpers` workers, and
  // returns when all have run. Returns the number of workers woken (0 when the caller ran it alone).
  int32_t run(int32_t count, Task task, void* context, int32_t helpers);

 private:
  void work();
  // Claims and runs indices of `generation` until none is left; stale generations claim nothing.
  void drain(uint32_t generation, int32_t count, Task task, void* context);

  std::vector<std::thread> threads_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  uint32_t generation_ = 0;  // guarded by mutex_, with the job and openings_ below
  Task task_ = nullptr;
  void* context_ = nullptr;
  int32_t count_ = 0;
  // Workers that may still join the current generation. Each run sets it (stale openings of the last
  // step are dropped) and wakes that many with notify_one; a worker that wakes while it is 0 (a
  // spurious wake-up, or a notify that found it asleep after another worker already took the opening
  // on its way back to waiting) goes back to sleep.
  int32_t openings_ = 0;
  std::atomic<uint64_t> ticket_{0};  // generation << 32 | next index to claim
  std::atomic<int32_t> done_{0};
};

}  // namespace switchyard
