// Engine methods that take requests and text: submit, cancel, tokenize, detokenize, chat template.
#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdint>

#include "coded_error.h"
#include "engine.h"
#include "js_errors.h"
#include "sampling.h"
#include "vocab_text.h"

namespace switchyard {
namespace {

double number(const Napi::Object& object, const char* key, double fallback) {
  const Napi::Value value = object.Get(key);
  return value.IsNumber() ? value.As<Napi::Number>().DoubleValue() : fallback;
}

// A whole number clamped into [min, max] before the cast (casting an out-of-range double is UB).
template <typename Int>
Int integer(const Napi::Object& object, const char* key, Int fallback, double min, double max) {
  const double value = number(object, key, static_cast<double>(fallback));
  if (std::isnan(value)) return fallback;
  return static_cast<Int>(std::clamp(std::trunc(value), min, max));
}

std::vector<llama_token> tokensFrom(Napi::Env env, const Napi::Value& value, int32_t vocabSize) {
  std::vector<llama_token> tokens;
  auto push = [&](double id) {
    if (!(id >= 0 && id < vocabSize) || std::floor(id) != id) {
      throw codedError(env, "INVALID_ARGUMENT", "token id " + std::to_string(id) + " is not in the vocabulary");
    }
    tokens.push_back(static_cast<llama_token>(id));
  };
  if (value.IsTypedArray() && value.As<Napi::TypedArray>().TypedArrayType() == napi_int32_array) {
    const auto array = value.As<Napi::Int32Array>();
    tokens.reserve(array.ElementLength());
    for (size_t i = 0; i < array.ElementLength(); ++i) push(array[i]);
  } else if (value.IsArray()) {
    const auto array = value.As<Napi::Array>();
    tokens.reserve(array.Length());
    for (uint32_t i = 0; i < array.Length(); ++i) {
      const Napi::Value item = array.Get(i);
      push(item.IsNumber() ? item.As<Napi::Number>().DoubleValue() : -1);
    }
  } else {
    throw codedError(env, "INVALID_ARGUMENT", "tokens must be an Int32Array or an array of numbers");
  }
  return tokens;
}

Napi::Int32Array toInt32Array(Napi::Env env, const std::vector<llama_token>& tokens) {
  auto array = Napi::Int32Array::New(env, tokens.size());
  for (size_t i = 0; i < tokens.size(); ++i) array[i] = tokens[i];
  return array;
}

}  // namespace

const llama_vocab* Engine::usableVocab(Napi::Env env) const {
  if (core_->closing || core_->finalized) throw codedError(env, "CLOSED", "the engine is closed");
  if (!core_->scheduler.ready()) throw codedError(env, "NOT_READY", "the model is still loading");
  return core_->scheduler.vocab();
}

// submit(id, prompt: string | Int32Array | number[], params) -> number of prompt tokens
Napi::Value Engine::submit(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const llama_vocab* vocab = usableVocab(env);
  if (info.Length() < 3 || !info[0].IsNumber() || !info[2].IsObject()) {
    throw codedError(env, "INVALID_ARGUMENT", "submit(id, prompt, params)");
  }
  const EngineInfo& engineInfo = core_->scheduler.info();
  const Napi::Object params = info[2].As<Napi::Object>();
  auto request = std::make_unique<Request>();
  request->id = static_cast<uint64_t>(info[0].As<Napi::Number>().Int64Value());
  if (info[1].IsString()) {
    request->prompt = switchyard::tokenize(vocab, info[1].As<Napi::String>().Utf8Value(), true, true);
  } else {
    request->prompt = tokensFrom(env, info[1], engineInfo.vocabSize);
  }
  const auto promptTokens = static_cast<int32_t>(request->prompt.size());
  if (promptTokens == 0) throw codedError(env, "INVALID_ARGUMENT", "the prompt is empty");
  if (promptTokens >= engineInfo.contextPerSlot) {
    throw codedError(env, "CONTEXT_LENGTH", "the prompt has " + std::to_string(promptTokens) +
                                                " tokens but a slot holds " +
                                                std::to_string(engineInfo.contextPerSlot));
  }
  request->maxTokens = integer<int32_t>(params, "maxTokens", 0, 0, INT32_MAX);
  if (request->maxTokens < 1) throw codedError(env, "INVALID_ARGUMENT", "maxTokens must be at least 1");
  request->priority = integer<int32_t>(params, "priority", 0, -1e9, 1e9);
  request->logprobs = integer<int32_t>(params, "logprobs", -1, -1, 1e6);
  if (request->logprobs > kMaxTopLogprobs) {
    throw codedError(env, "INVALID_ARGUMENT", "logprobs is at most " + std::to_string(kMaxTopLogprobs));
  }
  request->captureLogits = params.Get("captureLogits").ToBoolean().Value();
  request->renderSpecial = params.Get("renderSpecialTokens").ToBoolean().Value();
  const Napi::Value stops = params.Get("stop");
  if (stops.IsArray()) {
    const auto array = stops.As<Napi::Array>();
    for (uint32_t i = 0; i < array.Length(); ++i) {
      const Napi::Value stop = array.Get(i);
      if (stop.IsString() && stop.As<Napi::String>().Utf8Value().size() > 0) {
        request->stops.push_back(stop.As<Napi::String>().Utf8Value());
      }
    }
  }
  SamplingParams sampling;
  sampling.temperature = static_cast<float>(number(params, "temperature", sampling.temperature));
  sampling.topK = integer<int32_t>(params, "topK", sampling.topK, 0, INT32_MAX);
  sampling.topP = static_cast<float>(number(params, "topP", sampling.topP));
  sampling.minP = static_cast<float>(number(params, "minP", sampling.minP));
  sampling.repeatPenalty = static_cast<float>(number(params, "repeatPenalty", sampling.repeatPenalty));
  sampling.repeatLastN = integer<int32_t>(params, "repeatLastN", sampling.repeatLastN, -1, INT32_MAX);
  sampling.seed = integer<uint32_t>(params, "seed", sampling.seed, 0, UINT32_MAX);
  request->chain = makeSamplerChain(sampling, engineInfo.vocabSize);
  const Napi::Value grammar = params.Get("grammar");
  if (grammar.IsString() && grammar.As<Napi::String>().Utf8Value().size() > 0) {
    try {
      request->grammar = makeGrammarSampler(vocab, grammar.As<Napi::String>().Utf8Value());
    } catch (const std::invalid_argument& error) {
      throw codedError(env, "GRAMMAR", error.what());
    }
  }
  request->submittedAt = Clock::now();
  try {
    core_->scheduler.submit(std::move(request));
  } catch (const CodedError& error) {
    throw codedError(env, error.code(), error.what());
  }
  ++core_->outstanding;
  core_->updateReference(env);
  return Napi::Number::New(env, promptTokens);
}

Napi::Value Engine::cancel(const Napi::CallbackInfo& info) {
  if (info.Length() < 1 || !info[0].IsNumber()) throw codedError(info.Env(), "INVALID_ARGUMENT", "cancel(id)");
  core_->scheduler.cancel(static_cast<uint64_t>(info[0].As<Napi::Number>().Int64Value()));
  return info.Env().Undefined();
}

// tokenize(text, addSpecial = true, parseSpecial = true) -> Int32Array
Napi::Value Engine::tokenize(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const llama_vocab* vocab = usableVocab(env);
  if (info.Length() < 1 || !info[0].IsString()) throw codedError(env, "INVALID_ARGUMENT", "tokenize(text)");
  const bool addSpecial = info.Length() < 2 || info[1].ToBoolean().Value();
  const bool parseSpecial = info.Length() < 3 || info[2].ToBoolean().Value();
  try {
    return toInt32Array(env, switchyard::tokenize(vocab, info[0].As<Napi::String>().Utf8Value(), addSpecial,
                                                  parseSpecial));
  } catch (const std::runtime_error& error) {
    throw codedError(env, "TOKENIZE", error.what());
  }
}

// detokenize(tokens, renderSpecial = false) -> string
Napi::Value Engine::detokenize(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const llama_vocab* vocab = usableVocab(env);
  if (info.Length() < 1) throw codedError(env, "INVALID_ARGUMENT", "detokenize(tokens)");
  const auto tokens = tokensFrom(env, info[0], core_->scheduler.info().vocabSize);
  const bool renderSpecial = info.Length() > 1 && info[1].ToBoolean().Value();
  try {
    return Napi::String::New(env, switchyard::detokenize(vocab, tokens, renderSpecial));
  } catch (const std::runtime_error& error) {
    throw codedError(env, "TOKENIZE", error.what());
  }
}

// applyChatTemplate(template, [{ role, content }], addAssistant) -> string, or null when llama.cpp
// does not know the template (the wrapper then renders it with Jinja).
Napi::Value Engine::applyChatTemplate(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  usableVocab(env);
  if (info.Length() < 3 || !info[0].IsString() || !info[1].IsArray()) {
    throw codedError(env, "INVALID_ARGUMENT", "applyChatTemplate(template, messages, addAssistant)");
  }
  std::vector<std::pair<std::string, std::string>> messages;
  const auto array = info[1].As<Napi::Array>();
  for (uint32_t i = 0; i < array.Length(); ++i) {
    const Napi::Value item = array.Get(i);
    if (!item.IsObject()) throw codedError(env, "INVALID_ARGUMENT", "each message is { role, content }");
    const Napi::Object message = item.As<Napi::Object>();
    messages.emplace_back(message.Get("role").ToString().Utf8Value(), message.Get("content").ToString().Utf8Value());
  }
  std::string out;
  if (!switchyard::applyChatTemplate(info[0].As<Napi::String>().Utf8Value(), messages,
                                     info[2].ToBoolean().Value(), out)) {
    return env.Null();
  }
  return Napi::String::New(env, out);
}

}  // namespace switchyard
