// Log-probabilities over the full vocabulary, straight from a row of raw logits: no copy, no
// allocation, no sampler in between (so truncation samplers never renormalize them).
#pragma once

#include <cstdint>

namespace switchyard {

struct TokenLogit {
  int32_t id;
  float logit;
};

// Writes the k highest logits of `logits[0..n)`, highest first, into `top` (room for k entries).
// Ties keep the lower token id first. Requires 0 < k <= n.
void topLogits(const float* logits, int32_t n, int32_t k, TokenLogit* top);

float maxLogit(const float* logits, int32_t n);

// The first index holding the highest logit (0 when there is none: all NaN or -inf). One pass.
int32_t argmaxLogit(const float* logits, int32_t n);

// log(sum_i exp(logits[i])), given the row's maximum; log-prob of token t = logits[t] - result.
float logNormalizer(const float* logits, int32_t n, float max);

}  // namespace switchyard
