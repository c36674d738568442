#include "llama_api.h"

#include <dlfcn.h>

#include "llama_log.h"

namespace switchyard {
namespace {

LlamaApi table;
std::string boundPath;
bool bound = false;

std::string dlError(const char* what, const std::string& path) {
  const char* reason = dlerror();
  return std::string(what) + " " + path + ": " + (reason != nullptr ? reason : "unknown error");
}

}  // namespace

const LlamaApi& api() { return table; }

bool isBound() { return bound; }

const std::string& boundLibraryPath() { return boundPath; }

std::string bindLibrary(const std::string& libraryPath, const std::string& probePath,
                        const std::string& backendDir) {
  if (bound) {
    if (libraryPath == boundPath) return "";
    return "this process already uses " + boundPath + "; llama.cpp variants cannot be mixed in one process";
  }
  // Kept open for the life of the process: the GPU runtime it pulled in must stay loaded.
  if (!probePath.empty() && dlopen(probePath.c_str(), RTLD_NOW | RTLD_LOCAL) == nullptr) {
    return dlError("cannot load", probePath);
  }
  void* handle = dlopen(libraryPath.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) return dlError("cannot load", libraryPath);

  LlamaApi resolved;
  std::string missing;
#define SWITCHYARD_RESOLVE(name)                                                                       \
  resolved.name = reinterpret_cast<decltype(resolved.name)>(dlsym(handle, #name));                     \
  if (resolved.name == nullptr) missing += (missing.empty() ? "" : ", ") + std::string(#name);
  SWITCHYARD_LLAMA_FUNCTIONS(SWITCHYARD_RESOLVE)
#undef SWITCHYARD_RESOLVE
  if (!missing.empty()) {
    dlclose(handle);
    return libraryPath + " lacks " + missing + " (a llama.cpp release other than the one the addon was built for?)";
  }
  table = resolved;
  boundPath = libraryPath;
  bound = true;
  installLogger();
  table.llama_backend_init();
  table.ggml_backend_load_all_from_path(backendDir.c_str());
  return "";
}

}  // namespace switchyard
