// One step: build the batch, decode it once, sample every slot that has logits (in parallel when
// there are enough of them), report.
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

void Scheduler::decodeStep(StepBuffer& buffer, std::unique_ptr<StepBuffer>& previous) {
  const Clock::time_point started = Clock::now();
  allotPrefill();
  // With per-sequence KV, llama.cpp puts only consecutive sequence ids into one ubatch, so an idle slot
  // between busy ones would split the step into two graph evaluations (measured on the H200: a 63-of-64
  // step took 2x as long as a 64-slot one). Such a slot gets a throwaway token at its next position,
  // without logits, whose KV is removed right after the decode: one more row in the matrix products
  // instead of a second pass over the weights. Only a slot whose cache is no longer than the longest
  // in the batch is used, so the attention span does not grow.
  int32_t first = -1, last = -1;
  size_t longest = 0;
  for (auto& slot : slots_) {
    const bool inBatch =
        slot->phase == SlotPhase::Decode || (slot->phase == SlotPhase::Prefill && slot->prefillAllowance > 0);
    if (!inBatch) continue;
    if (first < 0) first = slot->seqId;
    last = slot->seqId;
    const size_t length = slot->cache.size() +
                          (slot->phase == SlotPhase::Decode ? 1 : static_cast<size_t>(slot->prefillAllowance));
    longest = std::max(longest, length);
  }
  batch_.n_tokens = 0;
  fillers_.clear();
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
        const bool lastToken = i + 1 == prompt.size();
        addToBatch(batch_, prompt[i], static_cast<llama_pos>(slot->cache.size()), slot->seqId, lastToken);
        slot->cache.push_back(prompt[i]);
        if (lastToken) slot->batchIndex = batch_.n_tokens - 1;
      }
      slot->prefillCursor = end;
      prefilled += slot->prefillAllowance;
      ++slotsInBatch;
    } else if (!options_.kvUnified && slot->seqId > first && slot->seqId < last &&
               slot->cache.size() + 1 <= longest && static_cast<int32_t>(slot->cache.size()) + 1 < contextPerSlot_) {
      const llama_token filler = slot->cache.empty() ? 0 : slot->cache.back();
      addToBatch(batch_, filler, static_cast<llama_pos>(slot->cache.size()), slot->seqId, false);
      fillers_.push_back(slot.get());
    }
  }
  if (batch_.n_tokens == 0) return;

  const Clock::time_point launching = Clock::now();
  const int32_t status = api().llama_decode(context_.get(), batch_);
  const Clock::time_point launched = Clock::now();
  if (previous) flush(previous);
  const Clock::time_point posted = Clock::now();
  if (!fillers_.empty()) {
    llama_memory_t memory = api().llama_get_memory(context_.get());
    for (Slot* slot : fillers_) {
      api().llama_memory_seq_rm(memory, slot->seqId, static_cast<llama_pos>(slot->cache.size()), -1);
    }
    gapFillers_.fetch_add(static_cast<int64_t>(fillers_.size()), std::memory_order_relaxed);
  }
  if (status != 0) {
    failBatch(buffer, status);
    return;
  }
  steps_.fetch_add(1);
  if (slotsInBatch >= 2) multiSlotSteps_.fetch_add(1);
  batchTokens_.fetch_add(batch_.n_tokens - static_cast<int32_t>(fillers_.size()));
  prefillTokens_.fetch_add(prefilled);

  // The first logits call waits for the GPU; after it the rows are plain host memory.
  sampling_.clear();
  // A row with log-probs costs about four plain ones (a log-softmax over the vocabulary and a top-k
  // besides the sampler chain: 13 vs 4 µs per 32k row on the H200 host).
  int64_t rowWork = 0;
  for (auto& slot : slots_) {
    if (slot->batchIndex < 0) continue;
    slot->logits = api().llama_get_logits_ith(context_.get(), slot->batchIndex);
    sampling_.push_back(slot.get());
    rowWork += slot->request->logprobs >= 0 ? kLogprobRowWork : 1;
  }
  const Clock::time_point computed = Clock::now();
  // As many threads as the step's logits pay for (kLogitsPerSamplingThread explains the measure).
  const auto rows = static_cast<int32_t>(sampling_.size());
  const int32_t threads =
      std::min(rows, threadsForLogits(rowWork, info_.vocabSize, options_.logitsPerSamplingThread,
                                      workers_.workers() + 1));
  const int32_t woken = workers_.run(rows, &Scheduler::pickTask, this, threads - 1);
  if (woken > 0) samplingWakeups_.fetch_add(woken, std::memory_order_relaxed);
  const Clock::time_point picked = Clock::now();
  for (Slot* slot : sampling_) emitToken(*slot, buffer);
  const Clock::time_point reported = Clock::now();
  if (prefilled == 0) {
    const auto nanos = [](Clock::time_point from, Clock::time_point to) {
      return std::chrono::duration_cast<std::chrono::nanoseconds>(to - from).count();
    };
    constexpr auto relaxed = std::memory_order_relaxed;
    if (lastStepEnd_ != Clock::time_point{}) phases_.between.fetch_add(nanos(lastStepEnd_, started), relaxed);
    phases_.build.fetch_add(nanos(started, launching), relaxed);
    phases_.decode.fetch_add(nanos(launching, launched), relaxed);
    phases_.post.fetch_add(nanos(launched, posted), relaxed);
    phases_.wait.fetch_add(nanos(posted, computed), relaxed);
    phases_.sample.fetch_add(nanos(computed, picked), relaxed);
    phases_.report.fetch_add(nanos(picked, reported), relaxed);
    phases_.steps.fetch_add(1, relaxed);
  }
  lastStepEnd_ = reported;

  const auto sampled = static_cast<int32_t>(sampling_.size());
  generatedTokens_.fetch_add(sampled);
  const double seconds = std::chrono::duration<double>(reported - launching).count();
  if (sampled > 0 && prefilled == 0 && seconds > 0) {
    const double rate = sampled / seconds;
    const double average = decodeTokensPerSec_.load();
    decodeTokensPerSec_.store(average == 0 ? rate : average * 0.9 + rate * 0.1);
  }
}

void Scheduler::pickTask(void* self, int32_t index) noexcept {
  auto* scheduler = static_cast<Scheduler*>(self);
  scheduler->pick(*scheduler->sampling_[static_cast<size_t>(index)]);
}

// The part of a slot's step that reads only the slot, its request and the logits row, so slots can
// run it concurrently: sampling (the request's own sampler chain and grammar) and the log-prob pass.
void Scheduler::pick(Slot& slot) noexcept {
  slot.pickError.clear();
  if (slot.logits == nullptr) return;
  const Request& request = *slot.request;
  try {
    slot.picked = sampleToken(slot, slot.logits, vocab_);
  } catch (const std::exception& error) {
    slot.pickError = error.what();
    if (slot.pickError.empty()) slot.pickError = "sampling failed";
    return;
  }
  if (request.logprobs < 0 || api().llama_vocab_is_eog(vocab_, slot.picked)) return;
  const int32_t k = std::min(request.logprobs, kMaxTopLogprobs);
  float max = 0;
  if (k > 0) {
    topLogits(slot.logits, slot.vocabSize, k, slot.top.data());
    max = slot.top[0].logit;
  } else {
    max = maxLogit(slot.logits, slot.vocabSize);
  }
  slot.normalizer = logNormalizer(slot.logits, slot.vocabSize, max);
}

void Scheduler::emitToken(Slot& slot, StepBuffer& buffer) {
  Request& request = *slot.request;
  UpdateRecord& update = buffer.addUpdate(request.id);
  const float* logits = slot.logits;
  if (logits == nullptr) {
    finish(slot, buffer, update, FinishReason::Error, "llama.cpp returned no logits for this sequence");
    return;
  }
  if (slot.phase == SlotPhase::Prefill) {
    slot.phase = SlotPhase::Decode;
    slot.firstTokenAt = Clock::now();
  }
  if (!slot.pickError.empty()) {
    finish(slot, buffer, update, FinishReason::Error, slot.pickError);
    return;
  }
  const llama_token token = slot.picked;
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
  const size_t pieceLength = tokenPiece(vocab_, token, slot.piece, request.renderSpecial);
  record.pieceBegin = buffer.appendBytes(slot.piece.data(), pieceLength);
  record.pieceLength = static_cast<uint32_t>(pieceLength);
  if (request.logprobs >= 0) {  // top entries and normalizer come from pick()
    const int32_t k = std::min(request.logprobs, kMaxTopLogprobs);
    const float normalizer = slot.normalizer;
    record.logprob = logits[token] - normalizer;
    for (int32_t i = 0; i < k; ++i) {
      const TokenLogit& entry = slot.top[static_cast<size_t>(i)];
      const size_t length = tokenPiece(vocab_, entry.id, slot.piece, request.renderSpecial);
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
