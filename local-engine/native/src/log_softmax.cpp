#include "log_softmax.h"

#include <cmath>

// Release builds compile the two row kernels for several x86 levels; the loader picks one (ifunc).
#if defined(SWITCHYARD_SIMD_CLONES) && defined(__x86_64__)
#define SWITCHYARD_KERNEL __attribute__((target_clones("default", "avx2", "avx512f")))
#else
#define SWITCHYARD_KERNEL
#endif

namespace switchyard {
namespace {

// sum(exp(x[i] - max)) with exp computed in straight-line arithmetic the compiler vectorizes (glibc's
// expf is not vectorized without -ffast-math). Written out inside the loop on purpose: GCC does not
// inline a helper into the target clones, which then stay scalar (25x slower). Relative error of
// each term ~2e-7; terms below exp(-87) count as exp(-87), adding at most n * 1.6e-38 to a sum whose
// largest term is 1.
SWITCHYARD_KERNEL float blockSum(const float* x, int32_t n, float max) {
  constexpr float kLog2e = 1.44269504088896341f;
  constexpr float kRound = 12582912.0f;  // 1.5 * 2^23: adding it rounds to an integer
  float sum = 0.0f;
#pragma omp simd reduction(+ : sum)
  for (int32_t i = 0; i < n; ++i) {
    float v = x[i] - max;
    v = v > -87.0f ? v : -87.0f;
    const float k = (v * kLog2e + kRound) - kRound;
    const float r = (v - k * 0.693145751953125f) - k * 1.428606765330187e-06f;
    float p = 1.0f / 720.0f;
    p = p * r + 1.0f / 120.0f;
    p = p * r + 1.0f / 24.0f;
    p = p * r + 1.0f / 6.0f;
    p = p * r + 0.5f;
    p = p * r + 1.0f;
    p = p * r + 1.0f;
    // 2^k in the exponent bits; k >= -126 after the clamp, so this is a normal float.
    sum += p * __builtin_bit_cast(float, (static_cast<int32_t>(k) + 127) << 23);
  }
  return sum;
}

}  // namespace

SWITCHYARD_KERNEL float maxLogit(const float* logits, int32_t n) {
  float max = -INFINITY;
#pragma omp simd reduction(max : max)
  for (int32_t i = 0; i < n; ++i) max = logits[i] > max ? logits[i] : max;
  return max;
}

// One pass: a vectorized max per block, remembering the first block that holds the row's maximum, then
// a scan of that block alone (a max followed by a full scan for its index reads the row twice).
SWITCHYARD_KERNEL int32_t argmaxLogit(const float* logits, int32_t n) {
  constexpr int32_t kBlock = 256;
  float best = -INFINITY;
  int32_t bestStart = -1;
  for (int32_t start = 0; start < n; start += kBlock) {
    const int32_t end = n - start < kBlock ? n : start + kBlock;
    float blockMax = -INFINITY;
#pragma omp simd reduction(max : blockMax)
    for (int32_t i = start; i < end; ++i) blockMax = logits[i] > blockMax ? logits[i] : blockMax;
    if (blockMax > best) {
      best = blockMax;
      bestStart = start;
    }
  }
  if (bestStart < 0) return 0;
  for (int32_t i = bestStart; i < n; ++i) {
    if (logits[i] == best) return i;
  }
  return 0;
}

float logNormalizer(const float* logits, int32_t n, float max) {
  // Float lanes inside a block, double across blocks: a 150k-entry row stays accurate to ~1e-7.
  constexpr int32_t kBlock = 4096;
  double total = 0.0;
  for (int32_t start = 0; start < n; start += kBlock) {
    const int32_t count = n - start < kBlock ? n - start : kBlock;
    total += blockSum(logits + start, count, max);
  }
  return max + static_cast<float>(std::log(total));
}

// Blocks whose maximum cannot enter the current top k are skipped after one vectorized pass; after
// the first few blocks that is almost all of them, so the row is read at max-reduction speed.
SWITCHYARD_KERNEL void topLogits(const float* logits, int32_t n, int32_t k, TokenLogit* top) {
  constexpr int32_t kBlock = 64;
  int32_t filled = 0;
  for (int32_t start = 0; start < n; start += kBlock) {
    const int32_t end = n - start < kBlock ? n : start + kBlock;
    if (filled == k) {
      float blockMax = -INFINITY;
#pragma omp simd reduction(max : blockMax)
      for (int32_t i = start; i < end; ++i) blockMax = logits[i] > blockMax ? logits[i] : blockMax;
      if (!(blockMax > top[k - 1].logit)) continue;
    }
    for (int32_t i = start; i < end; ++i) {
      const float value = logits[i];
      if (filled == k && !(value > top[k - 1].logit)) continue;
      int32_t at = filled < k ? filled++ : k - 1;
      while (at > 0 && value > top[at - 1].logit) {
        top[at] = top[at - 1];
        --at;
      }
      top[at] = TokenLogit{i, value};
    }
  }
}

}  // namespace switchyard
