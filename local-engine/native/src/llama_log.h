// llama.cpp logs through one global callback. The addon keeps the recent warnings and errors so a
// failure (a model that does not load) can be reported with llama.cpp's own reason, and stays quiet
// otherwise. SWITCHYARD_LLAMA_LOG=1 passes every line through to stderr.
#pragma once

#include <string>

namespace switchyard {

void installLogger();

// The last warning/error lines llama.cpp logged (joined, trimmed), then forgotten.
std::string takeRecentLlamaErrors();

}  // namespace switchyard
