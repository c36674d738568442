// The embedding thread: its context, the packing of waiting texts into one decode, pooling read-out.
#include "embedder.h"

#include <algorithm>
#include <cmath>

#include "coded_error.h"
#include "llama_log.h"
#include "vocab_text.h"

namespace switchyard {
namespace {

// `<arch>.pooling_type` as llama.cpp stores it, or -1 when the file has none.
int32_t declaredPooling(const llama_model* model) {
  char value[128];
  if (api().llama_model_meta_val_str(model, "general.architecture", value, sizeof value) < 0) return -1;
  const std::string key = std::string(value) + ".pooling_type";
  if (api().llama_model_meta_val_str(model, key.c_str(), value, sizeof value) < 0) return -1;
  try {
    return static_cast<int32_t>(std::stol(value));
  } catch (const std::exception&) {
    return -1;
  }
}

double millisBetween(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double, std::milli>(to - from).count();
}

}  // namespace

const char* poolingName(enum llama_pooling_type pooling) {
  switch (pooling) {
    case LLAMA_POOLING_TYPE_MEAN: return "mean";
    case LLAMA_POOLING_TYPE_CLS: return "cls";
    case LLAMA_POOLING_TYPE_LAST: return "last";
    case LLAMA_POOLING_TYPE_RANK: return "rank";
    default: return "none";
  }
}

std::string Embedder::start(llama_model* model) {
  if (options_.mode == EmbedOptions::Mode::Off) return "";
  const int32_t declared = declaredPooling(model);
  if (options_.mode == EmbedOptions::Mode::Auto && declared <= LLAMA_POOLING_TYPE_NONE) return "";
  int32_t pooling = options_.pooling >= 0 ? options_.pooling : declared;
  if (pooling <= LLAMA_POOLING_TYPE_NONE) pooling = LLAMA_POOLING_TYPE_MEAN;
  if (pooling != LLAMA_POOLING_TYPE_MEAN && pooling != LLAMA_POOLING_TYPE_CLS && pooling != LLAMA_POOLING_TYPE_LAST) {
    // A reranker (rank pooling) scores pairs rather than embedding texts.
    if (options_.mode == EmbedOptions::Mode::Auto) return "";
    return std::string("embeddings need mean, cls or last pooling; the model declares ") +
           poolingName(static_cast<enum llama_pooling_type>(pooling));
  }

  const auto batchTokens = static_cast<uint32_t>(options_.batchTokens);
  llama_context_params params = api().llama_context_default_params();
  params.n_ctx = batchTokens;
  params.n_batch = batchTokens;
  params.n_ubatch = batchTokens;  // a non-causal model must see a whole text in one ubatch
  params.n_seq_max = static_cast<uint32_t>(options_.sequences);
  params.kv_unified = true;  // cleared before every decode: the texts of one batch share the pool
  params.embeddings = true;
  params.pooling_type = static_cast<enum llama_pooling_type>(pooling);
  params.n_threads = options_.threads;
  params.n_threads_batch = options_.threads;
  params.no_perf = true;
  context_.reset(api().llama_init_from_model(model, params));
  if (!context_) {
    const std::string reason = takeRecentLlamaErrors();
    return "cannot create the embedding context" + (reason.empty() ? "" : ": " + reason);
  }
  model_ = model;
  info_.pooling = api().llama_pooling_type(context_.get());
  info_.dimensions = api().llama_model_n_embd_out(model);
  info_.batchTokens = options_.batchTokens;
  info_.sequences = options_.sequences;
  const int32_t trainContext = api().llama_model_n_ctx_train(model);
  info_.maxTokens = trainContext > 0 ? std::min(options_.batchTokens, trainContext) : options_.batchTokens;

  const llama_vocab* vocab = api().llama_model_get_vocab(model);
  const int32_t vocabSize = api().llama_vocab_n_tokens(vocab);
  size_t longestPiece = 1;
  std::string piece;
  for (llama_token token = 0; token < vocabSize; ++token) {
    longestPiece = std::max(longestPiece, tokenPiece(vocab, token, piece, true));
  }
  info_.maxInputBytes = static_cast<int64_t>(info_.maxTokens) * static_cast<int64_t>(longestPiece);

  batch_ = api().llama_batch_init(options_.batchTokens, 0, 1);
  batchAllocated_ = true;
  running_ = true;
  thread_ = std::thread([this] { loop(); });
  return "";
}

void Embedder::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    wakeup_.notify_all();
  }
  if (thread_.joinable()) thread_.join();
  running_ = false;
  if (batchAllocated_) api().llama_batch_free(batch_);
  batchAllocated_ = false;
  context_.reset();
}

void Embedder::submit(uint64_t id, std::vector<llama_token> tokens) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (stopping_ || !running_) throw CodedError("CLOSED", "the engine is closed");
  if (queue_.size() >= static_cast<size_t>(options_.queueLimit)) {
    throw CodedError("QUEUE_FULL",
                     "the local engine's embedding queue is full (" + std::to_string(options_.queueLimit) + " waiting)");
  }
  queue_.push_back(Waiting{id, std::move(tokens), Clock::now()});
  wakeup_.notify_all();
}

void Embedder::cancel(uint64_t id) {
  std::unique_ptr<EmbedResults> results;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto queued = std::find_if(queue_.begin(), queue_.end(), [id](const Waiting& w) { return w.id == id; });
    if (queued != queue_.end()) {
      results = std::make_unique<EmbedResults>(1);
      results->front().id = id;
      results->front().tokens = static_cast<int32_t>(queued->tokens.size());
      results->front().code = "ABORTED";
      results->front().error = "aborted while waiting";
      queue_.erase(queued);
    } else if (std::find(inFlight_.begin(), inFlight_.end(), id) != inFlight_.end()) {
      cancelled_.insert(id);  // its decode is under way: its vector is dropped when it ends
    }
  }
  if (results) post(results);
}

void Embedder::post(std::unique_ptr<EmbedResults>& results) {
  if (!results->empty()) post_(results);
}

void Embedder::loop() {
  std::vector<Waiting> taken;
  taken.reserve(static_cast<size_t>(options_.sequences));
  std::unique_lock<std::mutex> lock(mutex_);
  while (true) {
    wakeup_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (stopping_) break;
    taken.clear();
    size_t tokens = 0;
    while (!queue_.empty() && taken.size() < static_cast<size_t>(options_.sequences) &&
           tokens + queue_.front().tokens.size() <= static_cast<size_t>(options_.batchTokens)) {
      tokens += queue_.front().tokens.size();
      taken.push_back(std::move(queue_.front()));
      queue_.pop_front();
    }
    inFlight_.clear();
    for (const Waiting& waiting : taken) inFlight_.push_back(waiting.id);
    lock.unlock();
    auto results = std::make_unique<EmbedResults>();
    decode(taken, *results);
    lock.lock();
    for (EmbedResult& result : *results) {
      if (cancelled_.count(result.id) == 0) continue;
      result.code = "ABORTED";
      result.error = "aborted";
      result.vector.clear();
    }
    inFlight_.clear();
    cancelled_.clear();
    lock.unlock();
    post(results);
    lock.lock();
  }
  auto closed = std::make_unique<EmbedResults>();
  for (const Waiting& waiting : queue_) {
    EmbedResult result;
    result.id = waiting.id;
    result.tokens = static_cast<int32_t>(waiting.tokens.size());
    result.code = "CLOSED";
    result.error = "the engine closed before the text was embedded";
    closed->push_back(std::move(result));
  }
  queue_.clear();
  lock.unlock();
  post(closed);
}

void Embedder::decode(std::vector<Waiting>& taken, EmbedResults& results) {
  batch_.n_tokens = 0;
  for (size_t sequence = 0; sequence < taken.size(); ++sequence) {
    const std::vector<llama_token>& tokens = taken[sequence].tokens;
    for (size_t position = 0; position < tokens.size(); ++position) {
      const int32_t at = batch_.n_tokens++;
      batch_.token[at] = tokens[position];
      batch_.pos[at] = static_cast<llama_pos>(position);
      batch_.n_seq_id[at] = 1;
      batch_.seq_id[at][0] = static_cast<llama_seq_id>(sequence);
      batch_.logits[at] = 1;  // pooling reads every token's output
    }
  }
  api().llama_memory_clear(api().llama_get_memory(context_.get()), true);
  const Clock::time_point started = Clock::now();
  const int32_t status = api().llama_decode(context_.get(), batch_);
  const Clock::time_point ended = Clock::now();
  const std::string reason = status == 0 ? "" : takeRecentLlamaErrors();
  const auto dimensions = static_cast<size_t>(info_.dimensions);
  results.resize(taken.size());
  for (size_t sequence = 0; sequence < taken.size(); ++sequence) {
    EmbedResult& result = results[sequence];
    result.id = taken[sequence].id;
    result.tokens = static_cast<int32_t>(taken[sequence].tokens.size());
    result.queuedMs = millisBetween(taken[sequence].submittedAt, started);
    result.decodeMs = millisBetween(started, ended);
    const float* pooled =
        status == 0 ? api().llama_get_embeddings_seq(context_.get(), static_cast<llama_seq_id>(sequence)) : nullptr;
    if (pooled == nullptr) {
      result.code = "DECODE";
      result.error = status != 0 ? "llama_decode returned " + std::to_string(status) + (reason.empty() ? "" : ": " + reason)
                                 : "llama.cpp returned no pooled embedding";
      continue;
    }
    double squares = 0;
    for (size_t i = 0; i < dimensions; ++i) squares += static_cast<double>(pooled[i]) * pooled[i];
    const double norm = std::sqrt(squares);
    const float scale = norm > 0 ? static_cast<float>(1.0 / norm) : 0.0f;
    result.vector.resize(dimensions);
    for (size_t i = 0; i < dimensions; ++i) result.vector[i] = pooled[i] * scale;
  }
}

}  // namespace switchyard
