// What one scheduler step hands to JavaScript: every slot's new tokens, text and finish, in flat
// arrays that are reused step after step (cleared, never shrunk), so steady decoding allocates nothing.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "request.h"

namespace switchyard {

struct TokenRecord {
  int32_t id;
  uint32_t pieceBegin, pieceLength;  // in StepBuffer::bytes
  float logprob;                     // NaN when not requested
  uint32_t topBegin, topCount;       // in StepBuffer::tops
};

struct TopRecord {
  int32_t id;
  float logprob;
  uint32_t pieceBegin, pieceLength;
};

struct FinishRecord {
  FinishReason reason = FinishReason::Stop;
  int32_t promptTokens = 0, completionTokens = 0, cachedPromptTokens = 0;
  double queuedMs = 0, ttftMs = 0, prefillTokensPerSec = 0, decodeTokensPerSec = 0;
  std::string error;

  void reset() {
    reason = FinishReason::Stop;
    promptTokens = completionTokens = cachedPromptTokens = 0;
    queuedMs = ttftMs = prefillTokensPerSec = decodeTokensPerSec = 0;
    error.clear();  // keeps its capacity
  }
};

struct UpdateRecord {
  uint64_t requestId = 0;
  uint32_t tokenBegin = 0, tokenCount = 0;
  uint32_t textBegin = 0, textLength = 0;  // in StepBuffer::bytes
  bool admitted = false;  // the request left the queue for a slot this step
  bool finished = false;
  FinishRecord finish;
  std::vector<float> capturedLogits;  // debug: the raw row behind the first token
  float capturedNormalizer = 0;
};

enum class MessageKind : uint8_t { Step, Progress, Ready, LoadFailed, Closed };

struct StepBuffer {
  MessageKind kind = MessageKind::Step;
  float progress = 0;
  std::string message;  // LoadFailed: the reason
  std::vector<UpdateRecord> updates;
  size_t updateCount = 0;
  std::vector<TokenRecord> tokens;
  std::vector<TopRecord> tops;
  std::string bytes;

  void clear() {
    kind = MessageKind::Step;
    message.clear();
    updateCount = 0;
    tokens.clear();
    tops.clear();
    bytes.clear();
  }

  UpdateRecord& addUpdate(uint64_t requestId) {
    if (updateCount == updates.size()) updates.emplace_back();
    UpdateRecord& update = updates[updateCount++];
    update.requestId = requestId;
    update.tokenBegin = static_cast<uint32_t>(tokens.size());
    update.tokenCount = 0;
    update.textBegin = update.textLength = 0;
    update.admitted = false;
    update.finished = false;
    update.finish.reset();
    update.capturedLogits.clear();
    return update;
  }

  uint32_t appendBytes(const char* data, size_t length) {
    const auto begin = static_cast<uint32_t>(bytes.size());
    bytes.append(data, length);
    return begin;
  }
};

// Buffers travel scheduler → JS thread → back here.
class StepBufferPool {
 public:
  std::unique_ptr<StepBuffer> acquire() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (free_.empty()) return std::make_unique<StepBuffer>();
    auto buffer = std::move(free_.back());
    free_.pop_back();
    return buffer;
  }

  void release(std::unique_ptr<StepBuffer> buffer) {
    buffer->clear();
    std::lock_guard<std::mutex> lock(mutex_);
    free_.push_back(std::move(buffer));
  }

 private:
  std::mutex mutex_;
  std::vector<std::unique_ptr<StepBuffer>> free_;
};

}  // namespace switchyard
