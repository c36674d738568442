// Per-request sampler chains (llama.cpp's samplers) and the per-step sampling of one slot.
#pragma once

#include <cstdint>
#include <string>

#include "request.h"
#include "slot.h"

namespace switchyard {

struct SamplingParams {
  float temperature = 0.8f;
  int32_t topK = 40;
  float topP = 0.95f;
  float minP = 0.05f;
  float repeatPenalty = 1.0f;
  int32_t repeatLastN = 64;
  uint32_t seed = LLAMA_DEFAULT_SEED;
};

// Null for plain greedy decoding without penalties: the slot then takes the argmax directly.
SamplerPtr makeSamplerChain(const SamplingParams& params, int32_t vocabSize);

// Throws std::invalid_argument when llama.cpp cannot parse the GBNF text.
SamplerPtr makeGrammarSampler(const llama_vocab* vocab, const std::string& gbnf);

// Picks the next token from a row of raw logits and lets the samplers accept it (EOG tokens are
// not fed to the grammar: generation ends there). Throws std::runtime_error when the grammar
// admits no token at all.
llama_token sampleToken(Slot& slot, const float* logits, const llama_vocab* vocab);

}  // namespace switchyard
