// Lifecycle, the waiting queue, cancellation and admission.
#include "scheduler.h"

#include <algorithm>

#include "coded_error.h"

namespace switchyard {

Scheduler::~Scheduler() { unload(); }

void Scheduler::run() {
  std::string error;
  if (load(error) && (!onModelLoaded || (error = onModelLoaded(model_.get())).empty())) {
    ready_ = true;
    postMessage(MessageKind::Ready, 1.0f, "");
    loop();
  } else {
    postMessage(MessageKind::LoadFailed, 0.0f, error);
  }
  auto buffer = pool_.acquire();
  abortEverything(*buffer);
  flush(buffer);
  if (onModelUnloading) onModelUnloading();
  unload();
  postMessage(MessageKind::Closed, 0.0f, "");
}

void Scheduler::requestStop() {
  stopRequested_ = true;
  std::lock_guard<std::mutex> lock(mutex_);
  stopping_ = true;
  wakeup_.notify_all();
}

void Scheduler::submit(std::unique_ptr<Request> request) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (stopping_) throw CodedError("CLOSED", "the engine is closed");
  const auto freeSlots = static_cast<size_t>(options_.slots - busySlots_.load());
  if (waiting_.size() >= static_cast<size_t>(options_.queueLimit) + freeSlots) {
    throw CodedError("QUEUE_FULL", "the local engine's queue is full (" + std::to_string(options_.queueLimit) +
                                       " waiting, " + std::to_string(options_.slots) + " slots busy)");
  }
  request->order = nextOrder_++;
  const auto key = std::make_pair(-request->priority, request->order);
  waiting_.emplace(key, std::move(request));
  wakeup_.notify_all();
}

void Scheduler::cancel(uint64_t requestId) {
  std::lock_guard<std::mutex> lock(mutex_);
  cancels_.push_back(requestId);
  wakeup_.notify_all();
}

MetricsSnapshot Scheduler::metrics() const {
  int64_t queueDepth = 0;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    queueDepth = static_cast<int64_t>(waiting_.size());
  }
  return MetricsSnapshot{queueDepth,
                         busySlots_.load(),
                         steps_.load(),
                         multiSlotSteps_.load(),
                         batchTokens_.load(),
                         generatedTokens_.load(),
                         prefillTokens_.load(),
                         gapFillers_.load(),
                         samplingWakeups_.load(),
                         decodeTokensPerSec_.load(),
                         phases_.between.load(),
                         phases_.build.load(),
                         phases_.decode.load(),
                         phases_.post.load(),
                         phases_.wait.load(),
                         phases_.sample.load(),
                         phases_.report.load(),
                         phases_.steps.load()};
}

void Scheduler::flush(std::unique_ptr<StepBuffer>& buffer) {
  if (buffer->updateCount == 0 || !post_(buffer)) {
    if (buffer) pool_.release(std::move(buffer));
  }
}

// A step's buffer is posted during the next step's forward pass (decodeStep), or at once when no
// next step is about to start; either way in step order.
void Scheduler::loop() {
  std::unique_ptr<StepBuffer> pending;
  const auto hasWork = [this] {
    return stopping_ || !waiting_.empty() || !cancels_.empty() || busySlots_.load() > 0;
  };
  while (true) {
    {
      std::unique_lock<std::mutex> lock(mutex_);
      if (pending && !hasWork()) {
        lock.unlock();
        flush(pending);
        lock.lock();
      }
      wakeup_.wait(lock, hasWork);
      if (stopping_) break;
      cancelsTaken_.swap(cancels_);
    }
    auto buffer = pool_.acquire();
    applyCancels(*buffer);
    admit(*buffer);
    if (busySlots_.load() > 0) decodeStep(*buffer, pending);
    if (pending) flush(pending);  // no decode was launched
    pending = std::move(buffer);
  }
  if (pending) flush(pending);
}

void Scheduler::applyCancels(StepBuffer& buffer) {
  for (const uint64_t id : cancelsTaken_) {
    std::unique_ptr<Request> queued;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      auto found = std::find_if(waiting_.begin(), waiting_.end(),
                                [id](const auto& entry) { return entry.second->id == id; });
      if (found != waiting_.end()) {
        queued = std::move(found->second);
        waiting_.erase(found);
      }
    }
    if (queued) {
      finishWaiting(*queued, buffer);
      continue;
    }
    for (auto& slot : slots_) {
      if (slot->busy() && slot->request->id == id) {
        finish(*slot, buffer, buffer.addUpdate(id), FinishReason::Abort, "");
        break;
      }
    }
  }
  cancelsTaken_.clear();
}

void Scheduler::admit(StepBuffer& buffer) {
  auto freeSlots = static_cast<size_t>(options_.slots - busySlots_.load());
  {
    std::lock_guard<std::mutex> lock(mutex_);
    while (freeSlots-- > 0 && !waiting_.empty()) {
      admitted_.push_back(std::move(waiting_.begin()->second));
      waiting_.erase(waiting_.begin());
    }
  }
  for (auto& request : admitted_) {
    if (static_cast<int32_t>(request->prompt.size()) >= contextPerSlot_) {
      auto& update = buffer.addUpdate(request->id);
      update.finished = true;
      update.finish.reason = FinishReason::Error;
      update.finish.promptTokens = static_cast<int32_t>(request->prompt.size());
      update.finish.error = "the prompt has " + std::to_string(request->prompt.size()) +
                            " tokens; a slot holds " + std::to_string(contextPerSlot_);
      continue;
    }
    // The free slot sharing the longest prefix; ties go to the lowest sequence id, which keeps busy
    // sequences contiguous so llama.cpp can put them in one ubatch.
    Slot* best = nullptr;
    size_t bestCommon = 0;
    for (auto& slot : slots_) {
      if (slot->busy()) continue;
      const size_t common = commonPrefix(slot->cache, request->prompt);
      if (best == nullptr || common > bestCommon) {
        best = slot.get();
        bestCommon = common;
      }
    }
    // JavaScript learns that the request no longer waits: a timeout from here on is the slot's.
    buffer.addUpdate(request->id).admitted = true;
    start(*best, std::move(request));
  }
  admitted_.clear();
}

void Scheduler::start(Slot& slot, std::unique_ptr<Request> request) {
  // The last prompt token is evaluated again even when cached: its logits give the first token.
  size_t common = std::min(commonPrefix(slot.cache, request->prompt), request->prompt.size() - 1);
  if (common < slot.cache.size()) {
    llama_memory_t memory = api().llama_get_memory(context_.get());
    if (!api().llama_memory_seq_rm(memory, slot.seqId, static_cast<llama_pos>(common), -1)) {
      api().llama_memory_seq_rm(memory, slot.seqId, -1, -1);
      common = 0;
    }
    slot.cache.resize(common);
  }
  slot.request = std::move(request);
  slot.phase = SlotPhase::Prefill;
  slot.prefillCursor = common;
  slot.cachedTokens = static_cast<int32_t>(common);
  slot.generated = 0;
  slot.admittedAt = Clock::now();
  slot.text.reset(&slot.request->stops);
  busySlots_.fetch_add(1);
}

void Scheduler::abortEverything(StepBuffer& buffer) {
  Waiting waiting;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    waiting.swap(waiting_);
    stopping_ = true;
  }
  for (auto& entry : waiting) finishWaiting(*entry.second, buffer);
  for (auto& slot : slots_) {
    if (slot->busy()) finish(*slot, buffer, buffer.addUpdate(slot->request->id), FinishReason::Abort, "");
  }
}

}  // namespace switchyard
