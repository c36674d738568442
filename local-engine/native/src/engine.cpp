// Engine lifecycle: construction, the event function, references, close and process exit.
#include "engine.h"

#include <system_error>

#include "coded_error.h"
#include "js_errors.h"

namespace switchyard {
namespace {

int32_t intOption(const Napi::Object& options, const char* key, int32_t fallback) {
  const Napi::Value value = options.Get(key);
  return value.IsNumber() ? value.As<Napi::Number>().Int32Value() : fallback;
}

void onEnvironmentCleanup(void* data) {
  auto* core = static_cast<EngineCore*>(data);
  core->cleanupHookRegistered = false;
  core->scheduler.requestStop();
  if (core->thread.joinable()) core->thread.join();
}

void callJs(napi_env env, napi_value callback, void* context, void* data) {
  auto* buffer = static_cast<StepBuffer*>(data);
  if (env == nullptr || callback == nullptr) {
    delete buffer;  // the environment is being torn down
    return;
  }
  try {
    deliverToJs(Napi::Env(env), Napi::Function(env, callback), static_cast<EngineCore*>(context), buffer);
  } catch (const Napi::Error& error) {
    error.ThrowAsJavaScriptException();  // a throwing onEvent surfaces as an uncaught exception
  } catch (const std::exception& error) {
    Napi::Error::New(env, error.what()).ThrowAsJavaScriptException();
  }
}

// Runs on the JavaScript thread once the scheduler thread released the function and every queued
// event was delivered.
void onEventsFinalized(napi_env rawEnv, void* data, void* context) {
  Napi::Env env(rawEnv);
  std::unique_ptr<std::shared_ptr<EngineCore>> release(static_cast<std::shared_ptr<EngineCore>*>(data));
  auto* core = static_cast<EngineCore*>(context);
  core->finalized = true;
  if (core->thread.joinable()) core->thread.join();
  if (core->cleanupHookRegistered) {
    napi_remove_env_cleanup_hook(env, onEnvironmentCleanup, core);
    core->cleanupHookRegistered = false;
  }
  if (core->closed) {
    try {
      core->closed->Resolve(env.Undefined());
    } catch (...) {  // the environment is being torn down: nobody is waiting any more
    }
  }
}

}  // namespace

void EngineCore::updateReference(Napi::Env env) {
  const bool wanted = loading || closing || outstanding > 0;
  if (finalized || wanted == referenced) return;
  referenced = wanted;
  if (wanted) {
    events.ref(env);
  } else {
    events.unref(env);
  }
}

Napi::Function Engine::define(Napi::Env env) {
  return DefineClass(env, "Engine",
                     {InstanceMethod<&Engine::submit>("submit"), InstanceMethod<&Engine::cancel>("cancel"),
                      InstanceMethod<&Engine::tokenize>("tokenize"),
                      InstanceMethod<&Engine::detokenize>("detokenize"),
                      InstanceMethod<&Engine::applyChatTemplate>("applyChatTemplate"),
                      InstanceMethod<&Engine::metrics>("metrics"), InstanceMethod<&Engine::embed>("embed"),
                      InstanceMethod<&Engine::cancelEmbed>("cancelEmbed"),
                      InstanceMethod<&Engine::embeddingInfo>("embeddingInfo"),
                      InstanceMethod<&Engine::close>("close")});
}

Engine::Engine(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Engine>(info) {
  Napi::Env env = info.Env();
  if (!isBound()) throw codedError(env, "LIBRARY_NOT_BOUND", "bindLibrary() must succeed before an Engine is created");
  if (info.Length() < 2 || !info[0].IsObject() || !info[1].IsFunction()) {
    throw codedError(env, "INVALID_ARGUMENT", "new Engine(options, onEvent)");
  }
  const Napi::Object options = info[0].As<Napi::Object>();
  EngineOptions engineOptions;
  const Napi::Value modelPath = options.Get("modelPath");
  if (!modelPath.IsString()) throw codedError(env, "INVALID_ARGUMENT", "options.modelPath must be a string");
  engineOptions.modelPath = modelPath.As<Napi::String>().Utf8Value();
  engineOptions.slots = intOption(options, "slots", engineOptions.slots);
  engineOptions.contextPerSlot = intOption(options, "contextPerSlot", engineOptions.contextPerSlot);
  engineOptions.threads = intOption(options, "threads", engineOptions.threads);
  engineOptions.threadsBatch = intOption(options, "threadsBatch", engineOptions.threads);
  engineOptions.queueLimit = intOption(options, "queueLimit", engineOptions.queueLimit);
  engineOptions.prefillChunk = intOption(options, "prefillChunk", engineOptions.prefillChunk);
  engineOptions.gpuLayers = intOption(options, "gpuLayers", engineOptions.gpuLayers);
  engineOptions.threadPoll = intOption(options, "threadPoll", engineOptions.threadPoll);
  engineOptions.samplingThreads = intOption(options, "samplingThreads", engineOptions.samplingThreads);
  engineOptions.logitsPerSamplingThread =
      intOption(options, "logitsPerSamplingThread", engineOptions.logitsPerSamplingThread);
  engineOptions.gpuDevice = intOption(options, "gpuDevice", engineOptions.gpuDevice);
  engineOptions.kvUnified = options.Get("kvUnified").ToBoolean().Value();
  if (engineOptions.slots < 1 || engineOptions.slots > 256 || engineOptions.contextPerSlot < 16 ||
      engineOptions.contextPerSlot > (1 << 20) || engineOptions.threads < 1 || engineOptions.queueLimit < 0 ||
      engineOptions.prefillChunk < 1 || engineOptions.prefillChunk > (1 << 16) || engineOptions.samplingThreads < 1 ||
      engineOptions.samplingThreads > 256 || engineOptions.logitsPerSamplingThread < 1 ||
      engineOptions.gpuDevice < -1) {
    throw codedError(env, "INVALID_ARGUMENT",
                     "slots, contextPerSlot, threads, queueLimit, prefillChunk, samplingThreads, "
                     "logitsPerSamplingThread or gpuDevice out of range");
  }

  const EmbedOptions embedOptions = embedOptionsFrom(env, options);
  core_ = std::make_shared<EngineCore>(std::move(engineOptions));
  EngineCore* core = core_.get();
  attachEmbeddings(env, core_, embedOptions, info.Length() > 2 ? info[2] : env.Undefined());
  auto owner = std::make_unique<std::shared_ptr<EngineCore>>(core_);
  napi_status status = napi_create_threadsafe_function(env, info[1], nullptr, Napi::String::New(env, "switchyard.engine"),
                                                       0, 1, owner.get(), onEventsFinalized, core, callJs,
                                                       &core->events.handle);
  if (status != napi_ok) {
    releaseEmbeddings(*core);
    throw codedError(env, "INTERNAL", "cannot create the engine's event function");
  }
  owner.release();  // freed by onEventsFinalized
  if (napi_add_env_cleanup_hook(env, onEnvironmentCleanup, core) == napi_ok) core->cleanupHookRegistered = true;
  try {
    core->thread = std::thread([core] {
      core->scheduler.run();
      releaseEmbeddings(*core);
      core->events.release();
    });
  } catch (const std::system_error& error) {
    releaseEmbeddings(*core);
    core->events.release();  // nothing will run: let the event function finalize
    throw codedError(env, "INTERNAL", std::string("cannot start the scheduler thread: ") + error.what());
  }
}

Napi::Value Engine::close(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  EngineCore& core = *core_;
  if (!core.closed) {
    core.closed = std::make_unique<Napi::Promise::Deferred>(env);
    core.closing = true;
    core.updateReference(env);
    core.scheduler.requestStop();
    if (core.finalized) core.closed->Resolve(env.Undefined());
  }
  return core.closed->Promise();
}

Napi::Value Engine::metrics(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const MetricsSnapshot snapshot = core_->scheduler.metrics();
  Napi::Object result = Napi::Object::New(env);
  result.Set("queueDepth", static_cast<double>(snapshot.queueDepth));
  result.Set("busySlots", static_cast<double>(snapshot.busySlots));
  result.Set("steps", static_cast<double>(snapshot.steps));
  result.Set("multiSlotSteps", static_cast<double>(snapshot.multiSlotSteps));
  result.Set("batchTokens", static_cast<double>(snapshot.batchTokens));
  result.Set("generatedTokens", static_cast<double>(snapshot.generatedTokens));
  result.Set("prefillTokens", static_cast<double>(snapshot.prefillTokens));
  result.Set("decodeTokensPerSec", snapshot.decodeTokensPerSec);
  result.Set("gapFillers", static_cast<double>(snapshot.gapFillers));
  result.Set("samplingWakeups", static_cast<double>(snapshot.samplingWakeups));
  Napi::Object phases = Napi::Object::New(env);
  const auto micros = [](int64_t nanos) { return static_cast<double>(nanos) / 1000.0; };
  phases.Set("between", micros(snapshot.betweenNs));
  phases.Set("build", micros(snapshot.buildNs));
  phases.Set("decode", micros(snapshot.decodeNs));
  phases.Set("post", micros(snapshot.postNs));
  phases.Set("wait", micros(snapshot.waitNs));
  phases.Set("sample", micros(snapshot.sampleNs));
  phases.Set("report", micros(snapshot.reportNs));
  result.Set("phaseMicros", phases);
  result.Set("phaseSteps", static_cast<double>(snapshot.phaseSteps));
  return result;
}

}  // namespace switchyard
