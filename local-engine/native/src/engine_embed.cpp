// Engine methods for embeddings (embed, cancelEmbed, embeddingInfo) and the event function that
// carries each decoded batch's vectors to JavaScript: onEmbeddings([{ id, tokens, vector, ... }]).
#include <cmath>
#include <cstring>

#include "coded_error.h"
#include "engine.h"
#include "js_errors.h"
#include "vocab_text.h"

namespace switchyard {
namespace {

int32_t boundedInt(Napi::Env env, const Napi::Object& object, const char* key, int32_t fallback, int32_t min,
                   int32_t max) {
  const Napi::Value value = object.Get(key);
  if (value.IsUndefined()) return fallback;
  const double number = value.IsNumber() ? value.As<Napi::Number>().DoubleValue() : std::nan("");
  if (!(number >= min && number <= max) || std::floor(number) != number) {
    throw codedError(env, "INVALID_ARGUMENT", std::string("embeddings.") + key + " must be a whole number in [" +
                                                  std::to_string(min) + ", " + std::to_string(max) + "]");
  }
  return static_cast<int32_t>(number);
}

void deliverEmbeddings(napi_env rawEnv, napi_value callback, void* context, void* data) {
  std::unique_ptr<EmbedResults> results(static_cast<EmbedResults*>(data));
  if (rawEnv == nullptr || callback == nullptr) return;  // the environment is being torn down
  Napi::Env env(rawEnv);
  auto* core = static_cast<EngineCore*>(context);
  try {
    Napi::Array array = Napi::Array::New(env, results->size());
    for (size_t i = 0; i < results->size(); ++i) {
      const EmbedResult& result = (*results)[i];
      Napi::Object entry = Napi::Object::New(env);
      entry.Set("id", static_cast<double>(result.id));
      entry.Set("tokens", result.tokens);
      entry.Set("queuedMs", result.queuedMs);
      entry.Set("decodeMs", result.decodeMs);
      if (result.code.empty()) {
        auto vector = Napi::Float32Array::New(env, result.vector.size());
        std::memcpy(vector.Data(), result.vector.data(), result.vector.size() * sizeof(float));
        entry.Set("vector", vector);
      } else {
        entry.Set("code", result.code);
        entry.Set("error", result.error);
      }
      array.Set(static_cast<uint32_t>(i), entry);
    }
    core->outstandingEmbeds -= static_cast<int64_t>(results->size());
    core->updateEmbedReference(env);
    Napi::Function(env, callback).Call({array});
  } catch (const Napi::Error& error) {
    error.ThrowAsJavaScriptException();  // a throwing onEmbeddings surfaces as an uncaught exception
  }
}

void onEmbedEventsFinalized(napi_env, void* data, void*) {
  std::unique_ptr<std::shared_ptr<EngineCore>> owner(static_cast<std::shared_ptr<EngineCore>*>(data));
  (*owner)->embedFinalized = true;
}

}  // namespace

void EngineCore::updateEmbedReference(Napi::Env env) {
  const bool wanted = outstandingEmbeds > 0;
  if (embedEvents == nullptr || embedFinalized || wanted == embedReferenced) return;
  embedReferenced = wanted;
  if (wanted) {
    napi_ref_threadsafe_function(env, embedEvents);
  } else {
    napi_unref_threadsafe_function(env, embedEvents);
  }
}

EmbedOptions embedOptionsFrom(Napi::Env env, const Napi::Object& options) {
  EmbedOptions result;
  const Napi::Value value = options.Get("embeddings");
  if (value.IsUndefined()) return result;
  if (!value.IsObject()) throw codedError(env, "INVALID_ARGUMENT", "options.embeddings must be an object");
  const Napi::Object embeddings = value.As<Napi::Object>();
  const std::string mode = embeddings.Get("mode").IsString() ? embeddings.Get("mode").ToString().Utf8Value() : "auto";
  if (mode == "off") {
    result.mode = EmbedOptions::Mode::Off;
  } else if (mode == "on") {
    result.mode = EmbedOptions::Mode::On;
  } else if (mode != "auto") {
    throw codedError(env, "INVALID_ARGUMENT", "embeddings.mode must be off, auto or on");
  }
  const Napi::Value pooling = embeddings.Get("pooling");
  if (!pooling.IsUndefined()) {
    const std::string name = pooling.ToString().Utf8Value();
    if (name == "mean") {
      result.pooling = LLAMA_POOLING_TYPE_MEAN;
    } else if (name == "cls") {
      result.pooling = LLAMA_POOLING_TYPE_CLS;
    } else if (name == "last") {
      result.pooling = LLAMA_POOLING_TYPE_LAST;
    } else {
      throw codedError(env, "INVALID_ARGUMENT", "embeddings.pooling must be mean, cls or last");
    }
  }
  result.batchTokens = boundedInt(env, embeddings, "batchTokens", result.batchTokens, 16, 1 << 20);
  result.sequences = boundedInt(env, embeddings, "sequences", result.sequences, 1, 256);
  result.queueLimit = boundedInt(env, embeddings, "queueLimit", result.queueLimit, 0, 1 << 24);
  result.threads = boundedInt(env, embeddings, "threads", result.threads, 1, 1024);
  return result;
}

void attachEmbeddings(Napi::Env env, const std::shared_ptr<EngineCore>& core, const EmbedOptions& options,
                      const Napi::Value& onEmbeddings) {
  if (options.mode == EmbedOptions::Mode::Off || !onEmbeddings.IsFunction()) return;
  EngineCore* raw = core.get();
  auto owner = std::make_unique<std::shared_ptr<EngineCore>>(core);
  const napi_status status = napi_create_threadsafe_function(
      env, onEmbeddings, nullptr, Napi::String::New(env, "switchyard.embeddings"), 0, 1, owner.get(),
      onEmbedEventsFinalized, raw, deliverEmbeddings, &raw->embedEvents);
  if (status != napi_ok) throw codedError(env, "INTERNAL", "cannot create the engine's embedding event function");
  owner.release();  // freed by onEmbedEventsFinalized
  napi_unref_threadsafe_function(env, raw->embedEvents);
  raw->embedReferenced = false;
  raw->embedder = std::make_unique<Embedder>(options, [raw](std::unique_ptr<EmbedResults>& results) {
    if (napi_call_threadsafe_function(raw->embedEvents, results.get(), napi_tsfn_nonblocking) != napi_ok) return false;
    results.release();  // owned by the queued call now
    return true;
  });
  raw->scheduler.onModelLoaded = [raw](llama_model* model) { return raw->embedder->start(model); };
  raw->scheduler.onModelUnloading = [raw] { raw->embedder->stop(); };
}

void releaseEmbeddings(EngineCore& core) {
  if (core.embedEvents != nullptr) napi_release_threadsafe_function(core.embedEvents, napi_tsfn_release);
}

// embeddingInfo() -> null when the model serves no embeddings, else { dimensions, pooling, ... }
Napi::Value Engine::embeddingInfo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  usableVocab(env);
  const Embedder* embedder = core_->embedder.get();
  if (embedder == nullptr || !embedder->running()) return env.Null();
  const EmbedInfo& embed = embedder->info();
  Napi::Object result = Napi::Object::New(env);
  result.Set("dimensions", embed.dimensions);
  result.Set("pooling", poolingName(embed.pooling));
  result.Set("maxTokens", embed.maxTokens);
  result.Set("batchTokens", embed.batchTokens);
  result.Set("sequences", embed.sequences);
  result.Set("maxInputBytes", static_cast<double>(embed.maxInputBytes));
  return result;
}

// embed(id, text) -> the text's token count; its vector arrives through onEmbeddings.
Napi::Value Engine::embed(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const llama_vocab* vocab = usableVocab(env);
  if (info.Length() < 2 || !info[0].IsNumber() || !info[1].IsString()) {
    throw codedError(env, "INVALID_ARGUMENT", "embed(id, text)");
  }
  Embedder* embedder = core_->embedder.get();
  if (embedder == nullptr || !embedder->running()) {
    throw codedError(env, "NOT_EMBEDDING",
                     "this engine serves no embeddings: the model's metadata names no pooling and embeddings are "
                     "not turned on");
  }
  const EmbedInfo& embed = embedder->info();
  size_t bytes = 0;
  if (napi_get_value_string_utf8(env, info[1], nullptr, 0, &bytes) != napi_ok) {
    throw codedError(env, "INVALID_ARGUMENT", "the input is not a string");
  }
  if (static_cast<int64_t>(bytes) > embed.maxInputBytes) {
    throw codedError(env, "CONTEXT_LENGTH", "the input has " + std::to_string(bytes) +
                                                " bytes, more than the " + std::to_string(embed.maxTokens) +
                                                " tokens the embedding model takes can hold");
  }
  std::vector<llama_token> tokens;
  try {
    tokens = switchyard::tokenize(vocab, info[1].As<Napi::String>().Utf8Value(), true, true);
  } catch (const std::runtime_error& error) {
    throw codedError(env, "TOKENIZE", error.what());
  }
  const auto count = static_cast<int32_t>(tokens.size());
  if (count == 0) throw codedError(env, "INVALID_ARGUMENT", "the input has no tokens");
  if (count > embed.maxTokens) {
    throw codedError(env, "CONTEXT_LENGTH", "the input has " + std::to_string(count) +
                                                " tokens but the embedding model takes at most " +
                                                std::to_string(embed.maxTokens));
  }
  try {
    embedder->submit(static_cast<uint64_t>(info[0].As<Napi::Number>().Int64Value()), std::move(tokens));
  } catch (const CodedError& error) {
    throw codedError(env, error.code(), error.what());
  }
  ++core_->outstandingEmbeds;
  core_->updateEmbedReference(env);
  return Napi::Number::New(env, count);
}

Napi::Value Engine::cancelEmbed(const Napi::CallbackInfo& info) {
  if (info.Length() < 1 || !info[0].IsNumber()) throw codedError(info.Env(), "INVALID_ARGUMENT", "cancelEmbed(id)");
  if (core_->embedder) core_->embedder->cancel(static_cast<uint64_t>(info[0].As<Napi::Number>().Int64Value()));
  return info.Env().Undefined();
}

}  // namespace switchyard
