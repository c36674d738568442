#include "slot_workers.h"

#include <algorithm>
#include <system_error>

namespace switchyard {

int32_t threadsForLogits(int64_t rows, int64_t vocabSize, int64_t logitsPerThread, int32_t available) {
  if (rows <= 0 || vocabSize <= 0 || logitsPerThread <= 0 || available <= 1) return 1;
  const int64_t wanted = (rows * vocabSize + logitsPerThread - 1) / logitsPerThread;
  return static_cast<int32_t>(std::clamp<int64_t>(wanted, 1, std::min<int64_t>(available, rows)));
}

int32_t SlotWorkers::start(int32_t workers) {
  stop();
  stopping_ = false;
  threads_.reserve(static_cast<size_t>(workers > 0 ? workers : 0));
  for (int32_t i = 0; i < workers; ++i) {
    try {
      threads_.emplace_back([this] { work(); });
    } catch (const std::system_error&) {
      break;  // fewer workers; the caller still does all the work it has to
    }
  }
  return this->workers();
}

void SlotWorkers::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& thread : threads_) thread.join();
  threads_.clear();
}

int32_t SlotWorkers::run(int32_t count, Task task, void* context, int32_t helpers) {
  helpers = std::min({helpers, workers(), count - 1});
  if (helpers <= 0) {
    for (int32_t i = 0; i < count; ++i) task(context, i);
    return 0;
  }
  uint32_t generation = 0;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    generation = ++generation_;
    task_ = task;
    context_ = context;
    count_ = count;
    openings_ = helpers;
    done_.store(0, std::memory_order_relaxed);
    ticket_.store(static_cast<uint64_t>(generation) << 32, std::memory_order_release);
  }
  // notify_one per helper rather than notify_all: every worker woken costs a futex round trip even
  // when it finds nothing to claim. Which workers wake does not matter: the caller drains too.
  for (int32_t i = 0; i < helpers; ++i) wake_.notify_one();
  drain(generation, count, task, context);
  for (int spins = 0; done_.load(std::memory_order_acquire) < count; ++spins) {
    if (spins >= 64) std::this_thread::yield();
  }
  return helpers;
}

void SlotWorkers::work() {
  uint32_t seen = 0;
  while (true) {
    Task task = nullptr;
    void* context = nullptr;
    int32_t count = 0;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || (openings_ > 0 && generation_ != seen); });
      if (stopping_) return;
      --openings_;
      seen = generation_;
      task = task_;
      context = context_;
      count = count_;
    }
    drain(seen, count, task, context);
  }
}

void SlotWorkers::drain(uint32_t generation, int32_t count, Task task, void* context) {
  while (true) {
    uint64_t ticket = ticket_.load(std::memory_order_acquire);
    do {
      if (static_cast<uint32_t>(ticket >> 32) != generation ||
          static_cast<int32_t>(ticket & 0xffffffffu) >= count) {
        return;
      }
    } while (!ticket_.compare_exchange_weak(ticket, ticket + 1, std::memory_order_acq_rel,
                                            std::memory_order_acquire));
    task(context, static_cast<int32_t>(ticket & 0xffffffffu));
    done_.fetch_add(1, std::memory_order_release);
  }
}

}  // namespace switchyard
