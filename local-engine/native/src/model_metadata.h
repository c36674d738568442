// What the memory-fit check and the engine's info need from a GGUF file, read from its header
// without loading any weights.
#pragma once

#include <cstdint>
#include <string>

namespace switchyard {

struct ModelMetadata {
  std::string architecture;
  std::string name;
  std::string chatTemplate;
  int64_t layers = 0;
  int64_t embedding = 0;
  int64_t feedForward = 0;
  int64_t heads = 0;
  int64_t headsKv = 0;
  int64_t keyLength = 0;    // per head
  int64_t valueLength = 0;  // per head
  int64_t contextLength = 0;
  int64_t vocabSize = 0;
  int64_t poolingType = -1;  // `<arch>.pooling_type` (llama_pooling_type), -1 when the file names none
};

// Throws std::runtime_error when the file is missing or not a GGUF model.
ModelMetadata readModelMetadata(const std::string& path);

}  // namespace switchyard
