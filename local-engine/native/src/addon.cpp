// Module entry: bind a llama.cpp library, list its devices, read GGUF metadata, create engines.
#include <napi.h>

#include <algorithm>

#include "engine.h"
#include "js_errors.h"
#include "llama_api.h"
#include "model_metadata.h"
#include "thread_handoff.h"

namespace switchyard {
namespace {

std::string stringArgument(const Napi::CallbackInfo& info, size_t index) {
  if (info.Length() <= index || !info[index].IsString()) return "";
  return info[index].As<Napi::String>().Utf8Value();
}

// bindLibrary(libllamaPath, probePath, backendDir): throws LIBRARY_LOAD with dlopen's reason.
Napi::Value bindLibraryJs(const Napi::CallbackInfo& info) {
  const std::string error = bindLibrary(stringArgument(info, 0), stringArgument(info, 1), stringArgument(info, 2));
  if (!error.empty()) throw codedError(info.Env(), "LIBRARY_LOAD", error);
  return Napi::String::New(info.Env(), boundLibraryPath());
}

Napi::Value boundLibraryJs(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), isBound() ? boundLibraryPath() : std::string());
}

const char* deviceType(enum ggml_backend_dev_type type) {
  switch (type) {
    case GGML_BACKEND_DEVICE_TYPE_CPU: return "cpu";
    case GGML_BACKEND_DEVICE_TYPE_GPU: return "gpu";
    case GGML_BACKEND_DEVICE_TYPE_IGPU: return "igpu";
    default: return "accel";
  }
}

// devices() -> [{ name, description, type, freeBytes, totalBytes }]
Napi::Value devicesJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!isBound()) throw codedError(env, "LIBRARY_NOT_BOUND", "bindLibrary() first");
  const size_t count = api().ggml_backend_dev_count();
  Napi::Array devices = Napi::Array::New(env, count);
  for (size_t i = 0; i < count; ++i) {
    ggml_backend_dev_t device = api().ggml_backend_dev_get(i);
    size_t freeBytes = 0, totalBytes = 0;
    api().ggml_backend_dev_memory(device, &freeBytes, &totalBytes);
    Napi::Object entry = Napi::Object::New(env);
    entry.Set("name", api().ggml_backend_dev_name(device));
    entry.Set("description", api().ggml_backend_dev_description(device));
    entry.Set("type", deviceType(api().ggml_backend_dev_type(device)));
    entry.Set("freeBytes", static_cast<double>(freeBytes));
    entry.Set("totalBytes", static_cast<double>(totalBytes));
    devices.Set(static_cast<uint32_t>(i), entry);
  }
  return devices;
}

Napi::Value readModelMetadataJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!isBound()) throw codedError(env, "LIBRARY_NOT_BOUND", "bindLibrary() first");
  ModelMetadata meta;
  try {
    meta = readModelMetadata(stringArgument(info, 0));
  } catch (const std::exception& error) {
    throw codedError(env, "MODEL_METADATA", error.what());
  }
  Napi::Object result = Napi::Object::New(env);
  result.Set("architecture", meta.architecture);
  result.Set("name", meta.name);
  result.Set("chatTemplate", meta.chatTemplate);
  result.Set("layers", static_cast<double>(meta.layers));
  result.Set("embedding", static_cast<double>(meta.embedding));
  result.Set("feedForward", static_cast<double>(meta.feedForward));
  result.Set("heads", static_cast<double>(meta.heads));
  result.Set("headsKv", static_cast<double>(meta.headsKv));
  result.Set("keyLength", static_cast<double>(meta.keyLength));
  result.Set("valueLength", static_cast<double>(meta.valueLength));
  result.Set("contextLength", static_cast<double>(meta.contextLength));
  result.Set("vocabSize", static_cast<double>(meta.vocabSize));
  result.Set("poolingType", static_cast<double>(meta.poolingType));
  return result;
}

// threadHandoffMicros(budgetMillis = 20) -> mean microseconds per spin round trip
Napi::Value threadHandoffMicrosJs(const Napi::CallbackInfo& info) {
  const double budget = info.Length() > 0 && info[0].IsNumber() ? info[0].As<Napi::Number>().DoubleValue() : 20;
  return Napi::Number::New(info.Env(), threadHandoffMicros(std::clamp(budget, 1.0, 1000.0)));
}

}  // namespace

Napi::Object init(Napi::Env env, Napi::Object exports) {
  exports.Set("bindLibrary", Napi::Function::New<bindLibraryJs>(env, "bindLibrary"));
  exports.Set("boundLibrary", Napi::Function::New<boundLibraryJs>(env, "boundLibrary"));
  exports.Set("devices", Napi::Function::New<devicesJs>(env, "devices"));
  exports.Set("readModelMetadata", Napi::Function::New<readModelMetadataJs>(env, "readModelMetadata"));
  exports.Set("threadHandoffMicros", Napi::Function::New<threadHandoffMicrosJs>(env, "threadHandoffMicros"));
  exports.Set("Engine", Engine::define(env));
  return exports;
}

}  // namespace switchyard

static Napi::Object InitSwitchyard(Napi::Env env, Napi::Object exports) { return switchyard::init(env, exports); }

NODE_API_MODULE(switchyard_llama, InitSwitchyard)
