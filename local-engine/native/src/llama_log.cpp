#include "llama_log.h"

#include <cstdio>
#include <cstdlib>
#include <deque>
#include <mutex>

#include "llama_api.h"

namespace switchyard {
namespace {

std::mutex logMutex;
std::deque<std::string> recent;
std::string partial;
bool passThrough = false;
constexpr size_t kKeptLines = 4;

void onLog(ggml_log_level level, const char* text, void* /*userData*/) {
  if (passThrough) std::fputs(text, stderr);
  std::lock_guard<std::mutex> lock(logMutex);
  // A continuation line carries the level of the line it continues.
  const bool keep = level == GGML_LOG_LEVEL_ERROR || level == GGML_LOG_LEVEL_WARN ||
                    (level == GGML_LOG_LEVEL_CONT && !partial.empty());
  if (!keep) return;
  partial += text;
  if (partial.empty() || partial.back() != '\n') return;
  partial.pop_back();
  recent.push_back(std::move(partial));
  partial.clear();
  while (recent.size() > kKeptLines) recent.pop_front();
}

}  // namespace

void installLogger() {
  const char* env = std::getenv("SWITCHYARD_LLAMA_LOG");
  passThrough = env != nullptr && env[0] == '1';
  api().llama_log_set(onLog, nullptr);
}

std::string takeRecentLlamaErrors() {
  std::lock_guard<std::mutex> lock(logMutex);
  std::string joined;
  for (const auto& line : recent) joined += (joined.empty() ? "" : "; ") + line;
  recent.clear();
  return joined;
}

}  // namespace switchyard
