// Loading and freeing the model and context, and the messages around them.
#include <algorithm>
#include <string>

#include "llama_log.h"
#include "scheduler.h"

namespace switchyard {

bool Scheduler::onProgress(float progress, void* self) {
  auto* scheduler = static_cast<Scheduler*>(self);
  if (progress >= 1.0f || progress - scheduler->lastProgress_ >= 0.02f) {
    scheduler->lastProgress_ = progress;
    scheduler->postMessage(MessageKind::Progress, progress, "");
  }
  return !scheduler->stopRequested_.load();  // false aborts the load: close() during loading
}

bool Scheduler::load(std::string& error) {
  llama_model_params modelParams = api().llama_model_default_params();
  modelParams.n_gpu_layers = options_.gpuLayers;
  // One GPU holds everything (one engine per GPU is how several GPUs of a host are used). Handing
  // llama.cpp the device itself, rather than only main_gpu, matters twice: main_gpu alone indexes
  // llama.cpp's own GPU list, which drops integrated GPUs when a discrete one exists and merges GPUs
  // two backends both see, so it need not match the registry order JavaScript counts in; and the
  // context creates its backends (KV cache, compute buffers) from the model's device list, which is
  // then just this device. With `devices` given and split mode NONE, main_gpu indexes that list
  // (llama_prepare_model_devices in llama.cpp's src/llama.cpp), so 0 is this device. Read by
  // llama_model_load_from_file only: the array may live on this stack frame.
  ggml_backend_dev_t pinned[2] = {nullptr, nullptr};
  if (options_.gpuDevice >= 0) {
    const size_t count = api().ggml_backend_dev_count();
    if (static_cast<size_t>(options_.gpuDevice) >= count) {
      error = "GPU device " + std::to_string(options_.gpuDevice) + " is not registered (" + std::to_string(count) +
              " devices)";
      return false;
    }
    pinned[0] = api().ggml_backend_dev_get(static_cast<size_t>(options_.gpuDevice));
    const enum ggml_backend_dev_type type = api().ggml_backend_dev_type(pinned[0]);
    if (type != GGML_BACKEND_DEVICE_TYPE_GPU && type != GGML_BACKEND_DEVICE_TYPE_IGPU) {
      error = std::string("device ") + api().ggml_backend_dev_name(pinned[0]) + " is not a GPU";
      return false;
    }
    modelParams.devices = pinned;
    modelParams.split_mode = LLAMA_SPLIT_MODE_NONE;
    modelParams.main_gpu = 0;
  }
  modelParams.progress_callback = &Scheduler::onProgress;
  modelParams.progress_callback_user_data = this;
  model_.reset(api().llama_model_load_from_file(options_.modelPath.c_str(), modelParams));
  if (!model_) {
    const std::string reason = takeRecentLlamaErrors();
    error = stopRequested_ ? "closed while loading"
                           : "cannot load " + options_.modelPath + (reason.empty() ? "" : ": " + reason);
    return false;
  }
  if (api().llama_model_has_encoder(model_.get())) {
    error = "encoder-decoder models are not supported";
    return false;
  }
  vocab_ = api().llama_model_get_vocab(model_.get());

  const auto slots = static_cast<uint32_t>(options_.slots);
  llama_context_params contextParams = api().llama_context_default_params();
  contextParams.n_ctx = slots * static_cast<uint32_t>(options_.contextPerSlot);
  contextParams.n_seq_max = slots;
  contextParams.n_batch = static_cast<uint32_t>(options_.prefillChunk) + slots;
  contextParams.n_ubatch = contextParams.n_batch;
  contextParams.n_threads = options_.threads;
  contextParams.n_threads_batch = options_.threadsBatch;
  contextParams.kv_unified = options_.kvUnified;
  contextParams.no_perf = true;
  context_.reset(api().llama_init_from_model(model_.get(), contextParams));
  if (!context_) {
    const std::string reason = takeRecentLlamaErrors();
    error = "cannot create a llama context" + (reason.empty() ? "" : ": " + reason);
    return false;
  }
  if (options_.threads > 1 && threadpool_.create(options_.threads, static_cast<uint32_t>(options_.threadPoll))) {
    api().llama_attach_threadpool(context_.get(), threadpool_.get(), threadpool_.get());
  }
  // Per-sequence KV rounds each sequence's share up to a multiple of 256; unified KV shares one pool
  // that the scheduler divides by keeping every slot within its own share.
  contextPerSlot_ = options_.kvUnified ? options_.contextPerSlot
                                       : static_cast<int32_t>(api().llama_n_ctx_seq(context_.get()));
  const auto batchSize = static_cast<int32_t>(api().llama_n_batch(context_.get()));
  batch_ = api().llama_batch_init(batchSize, 0, 1);
  batchAllocated_ = true;

  const int32_t vocabSize = api().llama_vocab_n_tokens(vocab_);
  slots_.reserve(slots);
  for (uint32_t i = 0; i < slots; ++i) slots_.push_back(std::make_unique<Slot>(static_cast<llama_seq_id>(i), vocabSize));
  prefillOrder_.reserve(slots);
  sampling_.reserve(slots);
  fillers_.reserve(slots);
  if (options_.samplingThreads > 1 && slots > 1) {
    workers_.start(std::min(options_.samplingThreads, static_cast<int32_t>(slots)) - 1);
  }
  admitted_.reserve(slots);
  cancels_.reserve(64);
  cancelsTaken_.reserve(64);

  info_.slots = options_.slots;
  info_.contextPerSlot = contextPerSlot_;
  info_.trainContext = api().llama_model_n_ctx_train(model_.get());
  info_.vocabSize = vocabSize;
  info_.batchSize = batchSize;
  info_.modelBytes = api().llama_model_size(model_.get());
  const char* tmpl = api().llama_model_chat_template(model_.get(), nullptr);
  info_.chatTemplate = tmpl != nullptr ? tmpl : "";
  info_.bos = api().llama_vocab_bos(vocab_);
  info_.eos = api().llama_vocab_eos(vocab_);
  for (llama_token token = 0; token < vocabSize && info_.eogTokens.size() < 64; ++token) {
    if (api().llama_vocab_is_eog(vocab_, token)) info_.eogTokens.push_back(token);
  }
  return true;
}

void Scheduler::unload() {
  workers_.stop();
  slots_.clear();  // requests and their samplers first: they may refer to the vocabulary
  if (batchAllocated_) api().llama_batch_free(batch_);
  batchAllocated_ = false;
  context_.reset();
  threadpool_.reset();
  model_.reset();
}

void Scheduler::postMessage(MessageKind kind, float progress, const std::string& message) {
  auto buffer = pool_.acquire();
  buffer->kind = kind;
  buffer->progress = progress;
  buffer->message = message;
  post_(buffer);
}

}  // namespace switchyard
