// The JavaScript face of one loaded model: `new Engine(options, onEvent)` starts the scheduler
// thread, which loads the model and then reports through one thread-safe function (progress,
// ready, one call per step with every slot's news, closed).
//
// Event-loop policy: the thread-safe function is referenced only while something is owed to
// JavaScript (loading, unfinished requests, closing), so an idle engine never keeps Node alive; an
// environment cleanup hook stops and joins the thread if the process exits without close().
#pragma once

#include <napi.h>

#include <memory>
#include <thread>

#include "embedder.h"
#include "scheduler.h"

namespace switchyard {

struct EngineCore;
void deliverToJs(Napi::Env env, Napi::Function callback, EngineCore* core, StepBuffer* buffer);

// The C API's thread-safe function, used directly: node-addon-api's typed wrapper takes the callback
// as a template argument, which GCC's -fsanitize=null cannot compile.
struct EventFunction {
  napi_threadsafe_function handle = nullptr;

  bool call(StepBuffer* buffer) const {
    return napi_call_threadsafe_function(handle, buffer, napi_tsfn_nonblocking) == napi_ok;
  }
  void release() const { napi_release_threadsafe_function(handle, napi_tsfn_release); }
  void ref(napi_env env) const { napi_ref_threadsafe_function(env, handle); }
  void unref(napi_env env) const { napi_unref_threadsafe_function(env, handle); }
};

struct EngineCore {
  explicit EngineCore(EngineOptions options)
      : scheduler(std::move(options), [this](std::unique_ptr<StepBuffer>& buffer) { return post(buffer); }) {}

  // Scheduler thread: queue a buffer for JavaScript; false when the environment is going away.
  bool post(std::unique_ptr<StepBuffer>& buffer) {
    if (!events.call(buffer.get())) return false;
    buffer.release();  // owned by the queued call now
    return true;
  }

  Scheduler scheduler;
  EventFunction events;
  std::thread thread;
  bool cleanupHookRegistered = false;
  // JavaScript thread only:
  int64_t outstanding = 0;  // submitted requests not finished yet
  bool loading = true;
  bool referenced = true;
  bool closing = false;
  bool finalized = false;  // the event function is gone: no more Ref/Unref
  std::unique_ptr<Napi::Promise::Deferred> closed;

  void updateReference(Napi::Env env);

  // Embeddings (engine_embed.cpp): the embedding thread, and its own thread-safe function,
  // referenced only while embeddings are owed to JavaScript.
  std::unique_ptr<Embedder> embedder;
  napi_threadsafe_function embedEvents = nullptr;
  int64_t outstandingEmbeds = 0;
  bool embedReferenced = true;
  bool embedFinalized = false;
  void updateEmbedReference(Napi::Env env);
};

// engine_embed.cpp: options.embeddings, checked (throws INVALID_ARGUMENT)...
EmbedOptions embedOptionsFrom(Napi::Env env, const Napi::Object& options);
// ...then, when onEmbeddings is a function, the embedder and its event function (JavaScript
// thread, before the scheduler thread starts)...
void attachEmbeddings(Napi::Env env, const std::shared_ptr<EngineCore>& core, const EmbedOptions& options,
                      const Napi::Value& onEmbeddings);
// ...and lets that event function go once the scheduler thread is done (scheduler thread).
void releaseEmbeddings(EngineCore& core);

class Engine : public Napi::ObjectWrap<Engine> {
 public:
  static Napi::Function define(Napi::Env env);
  explicit Engine(const Napi::CallbackInfo& info);

 private:
  Napi::Value submit(const Napi::CallbackInfo& info);
  Napi::Value cancel(const Napi::CallbackInfo& info);
  Napi::Value tokenize(const Napi::CallbackInfo& info);
  Napi::Value detokenize(const Napi::CallbackInfo& info);
  Napi::Value applyChatTemplate(const Napi::CallbackInfo& info);
  Napi::Value metrics(const Napi::CallbackInfo& info);
  Napi::Value embed(const Napi::CallbackInfo& info);
  Napi::Value cancelEmbed(const Napi::CallbackInfo& info);
  Napi::Value embeddingInfo(const Napi::CallbackInfo& info);
  Napi::Value close(const Napi::CallbackInfo& info);
  const llama_vocab* usableVocab(Napi::Env env) const;

  std::shared_ptr<EngineCore> core_;
};

}  // namespace switchyard
