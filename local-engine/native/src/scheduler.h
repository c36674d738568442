// The continuous-batching loop. One thread owns the model and its context; each step it admits
// waiting requests into free slots (longest cached prefix first), runs ONE llama_decode for every
// busy slot (decode tokens plus a bounded chunk of prompt prefill, batch ordered by sequence id),
// samples each slot, and posts every slot's news to JavaScript as one StepBuffer.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "cpu_threadpool.h"
#include "slot.h"
#include "slot_workers.h"
#include "step_buffer.h"

namespace switchyard {

struct EngineOptions {
  std::string modelPath;
  int32_t slots = 4;
  int32_t contextPerSlot = 2048;
  int32_t threads = 2;
  int32_t threadsBatch = 2;
  int32_t queueLimit = 64;
  int32_t prefillChunk = 256;  // prompt tokens per step, across all prefilling slots
  int32_t gpuLayers = -1;
  // Position in ggml's device registry (ggml_backend_dev_get) of the one GPU that holds the weights,
  // the KV cache and the compute buffers; -1 leaves placement to llama.cpp (the CPU build).
  int32_t gpuDevice = -1;
  bool kvUnified = false;
  int32_t threadPoll = 50;  // ggml's polling level for idle CPU workers (0: sleep at once)
  int32_t samplingThreads = 1;  // threads (the scheduler's own included) sampling the slots of a step
  int32_t logitsPerSamplingThread = kLogitsPerSamplingThread;  // see slot_workers.h
};

struct EngineInfo {
  int32_t slots = 0, contextPerSlot = 0, trainContext = 0, vocabSize = 0, batchSize = 0;
  uint64_t modelBytes = 0;
  std::string chatTemplate;
  llama_token bos = -1, eos = -1;
  std::vector<llama_token> eogTokens;
};

// Where the time of decode-only steps (no prompt tokens in the batch) goes, summed since load
// (nanoseconds): the scheduler loop between two steps (cancels, admission), building the batch, the
// llama_decode call (on a GPU: preparing and launching the graph), handing the previous step to JS
// (overlaps the GPU), waiting for the logits (the rest of the forward pass and the copy to host),
// sampling and log-probs, reporting (text, stops, the StepBuffer).
struct StepPhases {
  std::atomic<int64_t> between{0}, build{0}, decode{0}, post{0}, wait{0}, sample{0}, report{0}, steps{0};
};

struct MetricsSnapshot {
  int64_t queueDepth, busySlots, steps, multiSlotSteps, batchTokens, generatedTokens, prefillTokens, gapFillers,
      samplingWakeups;
  double decodeTokensPerSec;
  int64_t betweenNs, buildNs, decodeNs, postNs, waitNs, sampleNs, reportNs, phaseSteps;
};

class Scheduler {
 public:
  // Hands a buffer to JavaScript; returns false (keeping the buffer) when JavaScript is gone.
  using Post = std::function<bool(std::unique_ptr<StepBuffer>&)>;

  Scheduler(EngineOptions options, Post post) : options_(std::move(options)), post_(std::move(post)) {}
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;
  ~Scheduler();

  // The scheduler thread's body: load, loop until stopped, abort what is left, free everything.
  void run();
  void requestStop();

  // JavaScript thread, after Ready.
  void submit(std::unique_ptr<Request> request);
  void cancel(uint64_t requestId);
  bool ready() const { return ready_.load(); }
  const EngineInfo& info() const { return info_; }
  const llama_vocab* vocab() const { return vocab_; }
  MetricsSnapshot metrics() const;
  StepBufferPool& pool() { return pool_; }

  // Scheduler thread, set before run(): called right after the model loaded (a non-empty answer
  // fails the load with it) and right before the model is freed (embedder.h hangs off these).
  std::function<std::string(llama_model*)> onModelLoaded;
  std::function<void()> onModelUnloading;

 private:
  struct ModelDeleter {
    void operator()(llama_model* model) const { api().llama_model_free(model); }
  };
  struct ContextDeleter {
    void operator()(llama_context* context) const { api().llama_free(context); }
  };
  using Waiting = std::map<std::pair<int32_t, uint64_t>, std::unique_ptr<Request>>;

  bool load(std::string& error);
  void unload();
  static bool onProgress(float progress, void* self);
  void postMessage(MessageKind kind, float progress, const std::string& message);
  void flush(std::unique_ptr<StepBuffer>& buffer);

  void loop();
  void applyCancels(StepBuffer& buffer);
  void admit(StepBuffer& buffer);
  void start(Slot& slot, std::unique_ptr<Request> request);
  void abortEverything(StepBuffer& buffer);

  // `previous` (the last step's news, if any) is posted to JavaScript once this step's decode is
  // launched, so on a GPU the hand-off overlaps the forward pass.
  void decodeStep(StepBuffer& buffer, std::unique_ptr<StepBuffer>& previous);
  void allotPrefill();
  void pick(Slot& slot) noexcept;
  static void pickTask(void* self, int32_t index) noexcept;
  void emitToken(Slot& slot, StepBuffer& buffer);
  void recordToken(Slot& slot, StepBuffer& buffer, UpdateRecord& update, llama_token token, const float* logits);
  void finish(Slot& slot, StepBuffer& buffer, UpdateRecord& update, FinishReason reason, const std::string& error);
  void finishWaiting(const Request& request, StepBuffer& buffer);
  void failBatch(StepBuffer& buffer, int32_t code);

  EngineOptions options_;
  Post post_;
  StepBufferPool pool_;
  EngineInfo info_;

  std::unique_ptr<llama_model, ModelDeleter> model_;
  CpuThreadpool threadpool_;  // declared before the context: freed after it
  std::unique_ptr<llama_context, ContextDeleter> context_;
  const llama_vocab* vocab_ = nullptr;
  llama_batch batch_{};
  bool batchAllocated_ = false;
  int32_t contextPerSlot_ = 0;
  std::vector<std::unique_ptr<Slot>> slots_;
  std::vector<Slot*> prefillOrder_;
  std::vector<Slot*> sampling_;  // this step's slots with logits, in sequence order
  std::vector<Slot*> fillers_;   // idle slots given a throwaway token this step (see decodeStep)
  SlotWorkers workers_;
  std::vector<std::unique_ptr<Request>> admitted_;
  float lastProgress_ = -1.0f;

  mutable std::mutex mutex_;
  std::condition_variable wakeup_;
  bool stopping_ = false;
  Waiting waiting_;
  uint64_t nextOrder_ = 0;
  std::vector<uint64_t> cancels_, cancelsTaken_;

  std::atomic<bool> ready_{false};
  std::atomic<bool> stopRequested_{false};
  std::atomic<int64_t> busySlots_{0}, steps_{0}, multiSlotSteps_{0}, batchTokens_{0}, generatedTokens_{0},
      prefillTokens_{0}, gapFillers_{0}, samplingWakeups_{0};
  StepPhases phases_;
  Clock::time_point lastStepEnd_{};  // when the last decode step ended (for StepPhases::between)
  std::atomic<double> decodeTokensPerSec_{0.0};
};

}  // namespace switchyard
