// One step: build the batch, decode it once, sample every slot that has logits, report.
#include <algorithm>
#include <cmath>

#include "sampling.h"
#include "scheduler.h"
#include "vocab_text.h"

namespace switchyard {
namespace {

double millisecondsBetween(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double, std::milli>(to - from).count();
}

void addToBatch(llama_batch& batch, llama_token token, llama_pos position, llama_seq_id sequence, bool logits) {
  const int32_t i = batch.n_tokens++;
  batch.token[i] = token;
  batch.pos[i] = position;
  batch.n_seq_id[i] = 1;
  batch.seq_id[i][0] = sequence;
  batch.logits[i] = logits ? 1 : 0;
}

}  // namespace

// Prompt tokens per step are capped across all prefilling slots, oldest admission first, so a long
// prompt advances a chunk at a time while the other slots keep decoding.
void Scheduler::allotPrefill() {
  prefillOrder_.clear();
  for (auto& slot : slots_) {
    slot->prefillAllowance = 0;
    if (slot->phase == SlotPhase::Prefill) prefillOrder_.push_back(slot.get());
  }
  std::sort(prefillOrder_.begin(), prefillOrder_.end(),
            [](const Slot* a, const Slot* b) { return a->admittedAt < b->admittedAt; });
  int32_t budget = options_.prefillChunk;
  for (Slot* slot : prefillOrder_) {
    const auto remaining = static_cast<int32_t>(slot->request->prompt.size() - slot->prefillCursor);
    slot->prefillAllowance = std::min(remaining, budget);
    budget -= slot->prefillAllowance;
  }
}

void Scheduler::decodeStep(StepBuffer& buffer) {
  allotPrefill();
  batch_.n_tokens = 0;
  int32_t slotsInBatch = 0;
  int32_t prefilled = 0;
  for (auto& slot : slots_) {
    slot->batchIndex = -1;
    if (slot->phase == SlotPhase::Decode) {
      addToBatch(batch_, slot->nextToken, static_cast<llama_pos>(slot->cache.size()), slot->seqId, true);
      slot->cache.push_back(slot->nextToken);
      slot->batchIndex = batch_.n_tokens - 1;
      ++slotsInBatch;
    } else if (slot->phase == SlotPhase::Prefill && slot->prefillAllowance > 0) {
      const auto& prompt = slot->request->prompt;
      const size_t end = slot->prefillCursor + static_cast<size_t>(slot->prefillAllowance);
      for (size_t i = slot->prefillCursor; i < end; ++i) {
        const bool last = i + 1 == prompt.size();
        addToBatch(batch_, prompt[i], static_cast<llama_pos>(slot->cache.size()), slot->seqId, last);
        slot->cache.push_back(prompt[i]);
        if (last) slot->batchIndex = batch_.n_tokens - 1;
      }
      slot->prefillCursor = end;
      prefilled += slot->prefillAllowance;
      ++slotsInBatch;
    }
  }
  if (batch_.n_tokens == 0) return;

  const Clock::time_point started = Clock::now();
  const int32_t status = api().llama_decode(context_.get(), batch_);
  if (status != 0) {
    failBatch(buffer, status);
    return;
  }
  steps_.fetch_add(1);
  if (slotsInBatch >= 2) multiSlotSteps_.fetch_add(1);
  batchTokens_.fetch_add(batch_.n_tokens);
  prefillTokens_.fetch_add(prefilled);

  int32_t sampled = 0;
  for (auto& slot : slots_) {
    if (slot->batchIndex < 0) continue;
    emitToken(*slot, buffer);
    ++sampled;
  }
  generatedTokens_.fetch_add(sampled);
  const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
  if (sampled > 0 && prefilled == 0 && seconds > 0) {
    const double rate = sampled / seconds;
    const double previous = decodeTokensPerSec_.load();
    decodeTokensPerSec_.store(previous == 0 ? rate : previous * 0.9 + rate * 0.1);
  }
}

void Scheduler::emitToken(Slot& slot, StepBuffer& buffer) {
  Request& request = *slot.request;
  UpdateRecord& update = buffer.addUpdate(request.id);
  const float* logits = api().llama_get_logits_ith(context_.get(), slot.batchIndex);
  if (logits == nullptr) {
    finish(slot, buffer, update, FinishReason::Error, "llama.cpp returned no logits for this sequence");
    return;
  }
  if (slot.phase == SlotPhase::Prefill) {
    slot.phase = SlotPhase::Decode;
    slot.firstTokenAt = Clock::now();
  }
  llama_token token = 0;
  try {
    token = sampleToken(slot, logits, vocab_);
  } catch (const std::exception& error) {
    finish(slot, buffer, update, FinishReason::Error, error.what());
    return;
  }
  if (request.captureLogits && slot.generated == 0) {
    update.capturedLogits.assign(logits, logits + slot.vocabSize);
    update.capturedNormalizer = logNormalizer(logits, slot.vocabSize, maxLogit(logits, slot.vocabSize));
  }
  if (api().llama_vocab_is_eog(vocab_, token)) {
    finish(slot, buffer, update, FinishReason::Stop, "");
    return;
  }
  ++slot.generated;
  recordToken(slot, buffer, update, token, logits);
  slot.emitted.clear();
  const size_t pieceLength = buffer.tokens.back().pieceLength;
  const bool stopped = slot.text.append(buffer.bytes.data() + buffer.tokens.back().pieceBegin, pieceLength,
                                        slot.emitted);
  if (stopped) {
    finish(slot, buffer, update, FinishReason::Stop, "");
  } else if (slot.generated >= request.maxTokens ||
             static_cast<int32_t>(slot.cache.size()) + 1 >= contextPerSlot_) {
    finish(slot, buffer, update, FinishReason::Length, "");
  } else {
    slot.nextToken = token;
    update.textBegin = buffer.appendBytes(slot.emitted.data(), slot.emitted.size());
    update.textLength = static_cast<uint32_t>(slot.emitted.size());
  }
}

void Scheduler::recordToken(Slot& slot, StepBuffer& buffer, UpdateRecord& update, llama_token token,
                            const float* logits) {
  const Request& request = *slot.request;
  TokenRecord record{token, 0, 0, NAN, static_cast<uint32_t>(buffer.tops.size()), 0};
  const size_t pieceLength = tokenPiece(vocab_, token, slot.piece);
  record.pieceBegin = buffer.appendBytes(slot.piece.data(), pieceLength);
  record.pieceLength = static_cast<uint32_t>(pieceLength);
  if (request.logprobs >= 0) {
    const int32_t k = std::min(request.logprobs, kMaxTopLogprobs);
    float max = 0;
    if (k > 0) {
      topLogits(logits, slot.vocabSize, k, slot.top.data());
      max = slot.top[0].logit;
    } else {
      max = maxLogit(logits, slot.vocabSize);
    }
    const float normalizer = logNormalizer(logits, slot.vocabSize, max);
    record.logprob = logits[token] - normalizer;
    for (int32_t i = 0; i < k; ++i) {
      const TokenLogit& entry = slot.top[static_cast<size_t>(i)];
      const size_t length = tokenPiece(vocab_, entry.id, slot.piece);
      const uint32_t begin = buffer.appendBytes(slot.piece.data(), length);
      buffer.tops.push_back(TopRecord{entry.id, entry.logit - normalizer, begin, static_cast<uint32_t>(length)});
    }
    record.topCount = static_cast<uint32_t>(k);
  }
  buffer.tokens.push_back(record);
  ++update.tokenCount;
}

void Scheduler::finish(Slot& slot, StepBuffer& buffer, UpdateRecord& update, FinishReason reason,
                       const std::string& error) {
  const Request& request = *slot.request;
  const Clock::time_point now = Clock::now();
  if (update.tokenCount == 0) slot.emitted.clear();
  slot.text.flush(slot.emitted);
  update.textBegin = buffer.appendBytes(slot.emitted.data(), slot.emitted.size());
  update.textLength = static_cast<uint32_t>(slot.emitted.size());
  update.finished = true;
  FinishRecord& record = update.finish;
  record.reason = reason;
  record.error = error;
  record.promptTokens = static_cast<int32_t>(request.prompt.size());
  record.completionTokens = slot.generated;
  record.cachedPromptTokens = slot.cachedTokens;
  record.queuedMs = millisecondsBetween(request.submittedAt, slot.admittedAt);
  const bool started = slot.phase == SlotPhase::Decode;
  record.ttftMs = started ? millisecondsBetween(request.submittedAt, slot.firstTokenAt) : 0;
  const double prefillMs = started ? millisecondsBetween(slot.admittedAt, slot.firstTokenAt) : 0;
  const auto prefilledTokens = static_cast<double>(request.prompt.size()) - slot.cachedTokens;
  record.prefillTokensPerSec = prefillMs > 0 ? prefilledTokens * 1000.0 / prefillMs : 0;
  const double decodeMs = started ? millisecondsBetween(slot.firstTokenAt, now) : 0;
  record.decodeTokensPerSec = decodeMs > 0 && slot.generated > 1 ? (slot.generated - 1) * 1000.0 / decodeMs : 0;

  slot.request.reset();
  slot.phase = SlotPhase::Free;
  slot.batchIndex = -1;
  busySlots_.fetch_sub(1);
}

void Scheduler::finishWaiting(const Request& request, StepBuffer& buffer) {
  UpdateRecord& update = buffer.addUpdate(request.id);
  update.finished = true;
  update.finish.reason = FinishReason::Abort;
  update.finish.promptTokens = static_cast<int32_t>(request.prompt.size());
  update.finish.queuedMs = millisecondsBetween(request.submittedAt, Clock::now());
}

// llama.cpp may keep part of a failed batch in memory: forget those sequences entirely.
void Scheduler::failBatch(StepBuffer& buffer, int32_t code) {
  llama_memory_t memory = api().llama_get_memory(context_.get());
  for (auto& slot : slots_) {
    const bool inBatch = slot->phase == SlotPhase::Decode ||
                         (slot->phase == SlotPhase::Prefill && slot->prefillAllowance > 0);
    if (!inBatch) continue;
    api().llama_memory_seq_rm(memory, slot->seqId, -1, -1);
    slot->cache.clear();
    finish(*slot, buffer, buffer.addUpdate(slot->request->id), FinishReason::Error,
           "llama_decode failed with status " + std::to_string(code));
  }
}

}  // namespace switchyard
