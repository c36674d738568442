#include "thread_handoff.h"

#include <atomic>
#include <chrono>
#include <thread>

namespace switchyard {
namespace {

// What ggml's barrier does while it waits: spin with a pause hint, never yield.
inline void relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

constexpr int kStop = -1;

}  // namespace

double threadHandoffMicros(double budgetMillis) {
  constexpr int kMaxRoundTrips = 4000;
  std::atomic<int> turn{0};
  std::thread partner([&turn] {
    for (int expected = 1;; expected += 2) {
      int seen = 0;
      while ((seen = turn.load(std::memory_order_acquire)) != expected && seen != kStop) relax();
      if (seen == kStop) return;
      turn.store(expected + 1, std::memory_order_release);
    }
  });
  const auto started = std::chrono::steady_clock::now();
  const auto deadline = started + std::chrono::duration<double, std::milli>(budgetMillis);
  int roundTrips = 0;
  while (roundTrips < kMaxRoundTrips && std::chrono::steady_clock::now() < deadline) {
    turn.store(2 * roundTrips + 1, std::memory_order_release);
    while (turn.load(std::memory_order_acquire) != 2 * roundTrips + 2) relax();
    ++roundTrips;
  }
  const double elapsed = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - started).count();
  turn.store(kStop, std::memory_order_release);
  partner.join();
  return elapsed / roundTrips;
}

}  // namespace switchyard
