// The JavaScript side of the event function: turns a StepBuffer into plain objects and calls
// onEvent(kind, payload) once per message.
#include <cmath>

#include "engine.h"

namespace switchyard {
namespace {

const char* reasonName(FinishReason reason) {
  switch (reason) {
    case FinishReason::Stop: return "stop";
    case FinishReason::Length: return "length";
    case FinishReason::Abort: return "abort";
    case FinishReason::Error: return "error";
  }
  return "error";
}

Napi::String text(Napi::Env env, const StepBuffer& buffer, uint32_t begin, uint32_t length) {
  return Napi::String::New(env, buffer.bytes.data() + begin, length);
}

Napi::Object tokenObject(Napi::Env env, const StepBuffer& buffer, const TokenRecord& record) {
  Napi::Object token = Napi::Object::New(env);
  token.Set("id", record.id);
  token.Set("text", text(env, buffer, record.pieceBegin, record.pieceLength));
  if (std::isnan(record.logprob)) return token;
  token.Set("logprob", record.logprob);
  if (record.topCount == 0) return token;
  Napi::Array top = Napi::Array::New(env, record.topCount);
  for (uint32_t i = 0; i < record.topCount; ++i) {
    const TopRecord& entry = buffer.tops[record.topBegin + i];
    Napi::Object alternative = Napi::Object::New(env);
    alternative.Set("id", entry.id);
    alternative.Set("text", text(env, buffer, entry.pieceBegin, entry.pieceLength));
    alternative.Set("logprob", entry.logprob);
    top.Set(i, alternative);
  }
  token.Set("top", top);
  return token;
}

Napi::Object finishObject(Napi::Env env, const FinishRecord& record) {
  Napi::Object finish = Napi::Object::New(env);
  finish.Set("reason", reasonName(record.reason));
  finish.Set("promptTokens", record.promptTokens);
  finish.Set("completionTokens", record.completionTokens);
  finish.Set("cachedPromptTokens", record.cachedPromptTokens);
  finish.Set("queuedMs", record.queuedMs);
  finish.Set("ttftMs", record.ttftMs);
  finish.Set("prefillTokensPerSec", record.prefillTokensPerSec);
  finish.Set("decodeTokensPerSec", record.decodeTokensPerSec);
  if (!record.error.empty()) finish.Set("error", record.error);
  return finish;
}

Napi::Array stepUpdates(Napi::Env env, EngineCore& core, const StepBuffer& buffer) {
  Napi::Array updates = Napi::Array::New(env, buffer.updateCount);
  for (size_t u = 0; u < buffer.updateCount; ++u) {
    const UpdateRecord& record = buffer.updates[u];
    Napi::Object update = Napi::Object::New(env);
    update.Set("id", static_cast<double>(record.requestId));
    update.Set("text", text(env, buffer, record.textBegin, record.textLength));
    Napi::Array tokens = Napi::Array::New(env, record.tokenCount);
    for (uint32_t t = 0; t < record.tokenCount; ++t) {
      tokens.Set(t, tokenObject(env, buffer, buffer.tokens[record.tokenBegin + t]));
    }
    update.Set("tokens", tokens);
    if (record.admitted) update.Set("admitted", true);
    if (!record.capturedLogits.empty()) {
      auto logits = Napi::Float32Array::New(env, record.capturedLogits.size());
      std::copy(record.capturedLogits.begin(), record.capturedLogits.end(), logits.Data());
      update.Set("capturedLogits", logits);
      update.Set("capturedNormalizer", record.capturedNormalizer);
    }
    if (record.finished) {
      update.Set("finish", finishObject(env, record.finish));
      --core.outstanding;
    }
    updates.Set(static_cast<uint32_t>(u), update);
  }
  return updates;
}

Napi::Object infoObject(Napi::Env env, const EngineInfo& info) {
  Napi::Object object = Napi::Object::New(env);
  object.Set("slots", info.slots);
  object.Set("contextPerSlot", info.contextPerSlot);
  object.Set("trainContext", info.trainContext);
  object.Set("vocabSize", info.vocabSize);
  object.Set("batchSize", info.batchSize);
  object.Set("modelBytes", static_cast<double>(info.modelBytes));
  object.Set("chatTemplate", info.chatTemplate);
  object.Set("bos", info.bos);
  object.Set("eos", info.eos);
  Napi::Array eog = Napi::Array::New(env, info.eogTokens.size());
  for (size_t i = 0; i < info.eogTokens.size(); ++i) eog.Set(static_cast<uint32_t>(i), info.eogTokens[i]);
  object.Set("eogTokens", eog);
  return object;
}

}  // namespace

void deliverToJs(Napi::Env env, Napi::Function callback, EngineCore* core, StepBuffer* data) {
  std::unique_ptr<StepBuffer> buffer(data);
  struct ReturnToPool {
    EngineCore& core;
    std::unique_ptr<StepBuffer>& buffer;
    ~ReturnToPool() { core.scheduler.pool().release(std::move(buffer)); }
  } returnToPool{*core, buffer};

  switch (buffer->kind) {
    case MessageKind::Progress:
      callback.Call({Napi::String::New(env, "progress"), Napi::Number::New(env, buffer->progress)});
      break;
    case MessageKind::Ready:
      core->loading = false;
      core->updateReference(env);
      callback.Call({Napi::String::New(env, "ready"), infoObject(env, core->scheduler.info())});
      break;
    case MessageKind::LoadFailed:
      core->loading = false;
      callback.Call({Napi::String::New(env, "loadFailed"), Napi::String::New(env, buffer->message)});
      break;
    case MessageKind::Closed:
      callback.Call({Napi::String::New(env, "closed"), env.Undefined()});
      break;
    case MessageKind::Step: {
      Napi::Array updates = stepUpdates(env, *core, *buffer);
      core->updateReference(env);
      callback.Call({Napi::String::New(env, "step"), updates});
      break;
    }
  }
}

}  // namespace switchyard
