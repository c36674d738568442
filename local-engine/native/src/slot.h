// One sequence of the shared llama context. A slot keeps its tokens and their K/V after a request
// finishes, so the next request with the same prefix (a system prompt) prefills only the rest.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "log_softmax.h"
#include "request.h"
#include "text_stream.h"

namespace switchyard {

constexpr int32_t kMaxTopLogprobs = 20;

inline size_t commonPrefix(const std::vector<llama_token>& a, const std::vector<llama_token>& b) {
  const size_t limit = a.size() < b.size() ? a.size() : b.size();
  size_t common = 0;
  while (common < limit && a[common] == b[common]) ++common;
  return common;
}

enum class SlotPhase : uint8_t { Free, Prefill, Decode };

struct Slot {
  Slot(llama_seq_id sequence, int32_t vocabularySize)
      : seqId(sequence), vocabSize(vocabularySize), top(kMaxTopLogprobs) {
    piece.resize(64);
    emitted.reserve(256);
  }

  llama_seq_id seqId;
  int32_t vocabSize;
  std::vector<llama_token> cache;  // the tokens whose K/V this sequence holds, in order
  std::unique_ptr<Request> request;
  SlotPhase phase = SlotPhase::Free;
  size_t prefillCursor = 0;   // next prompt token to evaluate
  int32_t batchIndex = -1;    // the batch entry whose logits this slot samples from this step
  int32_t prefillAllowance = 0;
  llama_token nextToken = 0;  // sampled last step, decoded this step
  int32_t generated = 0;
  int32_t cachedTokens = 0;
  Clock::time_point admittedAt, firstTokenAt;

  TextStream text;
  std::string emitted;  // text released this step
  std::string piece;    // scratch for one token's bytes
  std::vector<llama_token_data> candidates;  // vocabulary-sized once a chain needs it, then reused
  std::vector<TokenLogit> top;

  // This step's pick, made in the sampling phase (possibly on a worker thread) and read by the
  // serial phase that reports it.
  const float* logits = nullptr;  // the row this slot samples from
  llama_token picked = 0;
  float normalizer = 0;           // log-sum-exp of the row, when log-probs are asked for
  std::string pickError;          // non-empty: sampling failed for this reason

  bool busy() const { return phase != SlotPhase::Free; }
};

}  // namespace switchyard
