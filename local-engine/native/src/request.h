// A generation request as the scheduler sees it: tokens in, limits, its own sampler chain.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "llama_api.h"

namespace switchyard {

using Clock = std::chrono::steady_clock;

struct SamplerDeleter {
  void operator()(llama_sampler* sampler) const { api().llama_sampler_free(sampler); }
};
using SamplerPtr = std::unique_ptr<llama_sampler, SamplerDeleter>;

enum class FinishReason : uint8_t { Stop, Length, Abort, Error };

struct Request {
  uint64_t id = 0;
  int32_t priority = 0;
  uint64_t order = 0;  // FIFO within a priority
  std::vector<llama_token> prompt;
  int32_t maxTokens = 0;
  int32_t logprobs = -1;  // -1: none; 0: the chosen token's only; k: plus the k most likely
  bool captureLogits = false;
  // Generated control tokens (`<|python_tag|>`, `[TOOL_CALLS]`) count as their text, so that a
  // tool-call parser sees the markers; end-of-generation tokens still end the request unseen.
  bool renderSpecial = false;
  std::vector<std::string> stops;
  SamplerPtr chain;    // null: plain greedy (argmax, no chain at all)
  SamplerPtr grammar;  // null: unconstrained
  Clock::time_point submittedAt;
};

}  // namespace switchyard
