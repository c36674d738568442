#include "model_metadata.h"

#include <algorithm>
#include <memory>
#include <stdexcept>

#include "llama_api.h"
#include "llama_log.h"

namespace switchyard {
namespace {

struct GgufDeleter {
  void operator()(gguf_context* context) const { api().gguf_free(context); }
};
using GgufPtr = std::unique_ptr<gguf_context, GgufDeleter>;

int64_t scalarAt(gguf_type type, const void* data, size_t index) {
  switch (type) {
    case GGUF_TYPE_UINT8: return static_cast<const uint8_t*>(data)[index];
    case GGUF_TYPE_INT8: return static_cast<const int8_t*>(data)[index];
    case GGUF_TYPE_UINT16: return static_cast<const uint16_t*>(data)[index];
    case GGUF_TYPE_INT16: return static_cast<const int16_t*>(data)[index];
    case GGUF_TYPE_UINT32: return static_cast<const uint32_t*>(data)[index];
    case GGUF_TYPE_INT32: return static_cast<const int32_t*>(data)[index];
    case GGUF_TYPE_UINT64: return static_cast<int64_t>(static_cast<const uint64_t*>(data)[index]);
    case GGUF_TYPE_INT64: return static_cast<const int64_t*>(data)[index];
    default: return 0;
  }
}

// An integer key; per-layer arrays (some architectures vary head counts by layer) give their maximum.
int64_t integer(const gguf_context* context, const std::string& key) {
  const int64_t id = api().gguf_find_key(context, key.c_str());
  if (id < 0) return 0;
  const gguf_type type = api().gguf_get_kv_type(context, id);
  if (type != GGUF_TYPE_ARRAY) return scalarAt(type, api().gguf_get_val_data(context, id), 0);
  const gguf_type elementType = api().gguf_get_arr_type(context, id);
  if (elementType == GGUF_TYPE_STRING || elementType == GGUF_TYPE_ARRAY) return 0;
  const void* data = api().gguf_get_arr_data(context, id);
  int64_t best = 0;
  for (size_t i = 0, n = api().gguf_get_arr_n(context, id); i < n; ++i) {
    best = std::max(best, scalarAt(elementType, data, i));
  }
  return best;
}

std::string string(const gguf_context* context, const std::string& key) {
  const int64_t id = api().gguf_find_key(context, key.c_str());
  if (id < 0 || api().gguf_get_kv_type(context, id) != GGUF_TYPE_STRING) return "";
  return api().gguf_get_val_str(context, id);
}

size_t arrayLength(const gguf_context* context, const std::string& key) {
  const int64_t id = api().gguf_find_key(context, key.c_str());
  if (id < 0 || api().gguf_get_kv_type(context, id) != GGUF_TYPE_ARRAY) return 0;
  return api().gguf_get_arr_n(context, id);
}

}  // namespace

ModelMetadata readModelMetadata(const std::string& path) {
  gguf_init_params params{};
  params.no_alloc = true;
  params.ctx = nullptr;
  GgufPtr context(api().gguf_init_from_file(path.c_str(), params));
  if (!context) {
    const std::string reason = takeRecentLlamaErrors();
    throw std::runtime_error("cannot read GGUF metadata of " + path + (reason.empty() ? "" : ": " + reason));
  }
  ModelMetadata meta;
  meta.architecture = string(context.get(), "general.architecture");
  if (meta.architecture.empty()) throw std::runtime_error(path + " has no general.architecture");
  const std::string& arch = meta.architecture;
  meta.name = string(context.get(), "general.name");
  meta.chatTemplate = string(context.get(), "tokenizer.chat_template");
  meta.layers = integer(context.get(), arch + ".block_count");
  meta.embedding = integer(context.get(), arch + ".embedding_length");
  meta.feedForward = integer(context.get(), arch + ".feed_forward_length");
  meta.heads = integer(context.get(), arch + ".attention.head_count");
  meta.headsKv = integer(context.get(), arch + ".attention.head_count_kv");
  if (meta.headsKv == 0) meta.headsKv = meta.heads;
  const int64_t headSize = meta.heads > 0 ? meta.embedding / meta.heads : 0;
  meta.keyLength = integer(context.get(), arch + ".attention.key_length");
  if (meta.keyLength == 0) meta.keyLength = headSize;
  meta.valueLength = integer(context.get(), arch + ".attention.value_length");
  if (meta.valueLength == 0) meta.valueLength = headSize;
  meta.contextLength = integer(context.get(), arch + ".context_length");
  meta.vocabSize = static_cast<int64_t>(arrayLength(context.get(), "tokenizer.ggml.tokens"));
  if (meta.vocabSize == 0) meta.vocabSize = integer(context.get(), arch + ".vocab_size");
  if (api().gguf_find_key(context.get(), (arch + ".pooling_type").c_str()) >= 0) {
    meta.poolingType = integer(context.get(), arch + ".pooling_type");
  }
  return meta;
}

}  // namespace switchyard
