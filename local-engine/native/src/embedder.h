// Embeddings beside generation: a second llama context over the same model, created with
// `embeddings = true` and the model's pooling (mean, first token, last token), owned by a thread of
// its own. The scheduler's generation loop never waits for it: each side decodes on its own context
// (on a GPU both graphs go to the same device, on the CPU they share the cores), and the two contexts
// only share the model's weights, which llama.cpp reads and never writes.
//
// Requests are one text each. The embedding thread packs as many waiting requests as fit into one
// llama_decode (at most `sequences` texts and `batchTokens` tokens; a text never spans two decodes, so
// non-causal models see their whole input in one ubatch), reads each sequence's pooled vector, scales
// it to unit L2 norm and posts the batch's vectors to JavaScript in one call. The KV cache is cleared
// before every decode: embeddings keep no state.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include "llama_api.h"
#include "request.h"

namespace switchyard {

struct EmbedOptions {
  enum class Mode { Off, Auto, On };
  // Auto: only when the GGUF metadata names a pooling (`<arch>.pooling_type`); On: always.
  Mode mode = Mode::Auto;
  // llama_pooling_type to use instead of the model's (-1: the model's, else mean).
  int32_t pooling = -1;
  int32_t batchTokens = 2048;  // tokens per decode; also the longest text (capped by the training context)
  int32_t sequences = 16;      // texts per decode
  int32_t queueLimit = 1024;   // texts waiting for a decode
  int32_t threads = 1;
};

struct EmbedInfo {
  int32_t dimensions = 0, maxTokens = 0, batchTokens = 0, sequences = 0;
  enum llama_pooling_type pooling = LLAMA_POOLING_TYPE_MEAN;
  // No text of more bytes can fit in maxTokens tokens (every token but the added ones covers at
  // least one byte, and none more than the vocabulary's longest piece); JavaScript refuses such a
  // text before tokenizing it.
  int64_t maxInputBytes = 0;
};

struct EmbedResult {
  uint64_t id = 0;
  int32_t tokens = 0;
  double queuedMs = 0, decodeMs = 0;
  std::string code;  // empty on success; "ABORTED", "DECODE", "CLOSED"
  std::string error;
  std::vector<float> vector;
};

using EmbedResults = std::vector<EmbedResult>;

class Embedder {
 public:
  // Hands results to JavaScript; false (keeping them) when JavaScript is gone.
  using Post = std::function<bool(std::unique_ptr<EmbedResults>&)>;

  Embedder(EmbedOptions options, Post post) : options_(options), post_(std::move(post)) {}
  Embedder(const Embedder&) = delete;
  Embedder& operator=(const Embedder&) = delete;
  ~Embedder() { stop(); }

  // Scheduler thread, right after the model loaded. Returns "" when embeddings are not wanted or
  // started, else why they cannot start (which fails the load: they were asked for).
  std::string start(llama_model* model);
  // Finishes every waiting request with CLOSED, joins the thread, frees the context. Idempotent.
  void stop();
  bool running() const { return running_; }
  const EmbedInfo& info() const { return info_; }

  // JavaScript thread. Throws CodedError (QUEUE_FULL, CLOSED).
  void submit(uint64_t id, std::vector<llama_token> tokens);
  void cancel(uint64_t id);

 private:
  struct Waiting {
    uint64_t id;
    std::vector<llama_token> tokens;
    Clock::time_point submittedAt;
  };
  struct ContextDeleter {
    void operator()(llama_context* context) const { api().llama_free(context); }
  };

  void loop();
  void decode(std::vector<Waiting>& taken, EmbedResults& results);
  void post(std::unique_ptr<EmbedResults>& results);

  EmbedOptions options_;
  Post post_;
  EmbedInfo info_;
  const llama_model* model_ = nullptr;
  std::unique_ptr<llama_context, ContextDeleter> context_;
  llama_batch batch_{};
  bool batchAllocated_ = false;
  bool running_ = false;
  std::thread thread_;

  std::mutex mutex_;
  std::condition_variable wakeup_;
  bool stopping_ = false;
  std::deque<Waiting> queue_;
  std::unordered_set<uint64_t> cancelled_;  // ids of requests in the decode under way
  std::vector<uint64_t> inFlight_;
};

// "mean", "cls", "last", "rank", "none".
const char* poolingName(enum llama_pooling_type pooling);

}  // namespace switchyard
