// The llama.cpp C API as a table of function pointers resolved from one shared library at run time.
// The addon links no llama.cpp library: the variant (CPU, CUDA, Vulkan, a local build) is chosen when
// JavaScript binds a library directory, so one addon binary serves every variant.
#pragma once

#include <llama.h>

#include <string>

#define SWITCHYARD_LLAMA_FUNCTIONS(X)                                                                  \
  X(llama_backend_init)                                                                                \
  X(llama_log_set)                                                                                     \
  X(llama_model_default_params)                                                                        \
  X(llama_context_default_params)                                                                      \
  X(llama_sampler_chain_default_params)                                                                \
  X(llama_model_load_from_file)                                                                        \
  X(llama_model_free)                                                                                  \
  X(llama_init_from_model)                                                                             \
  X(llama_free)                                                                                        \
  X(llama_model_get_vocab)                                                                             \
  X(llama_model_n_ctx_train)                                                                           \
  X(llama_model_size)                                                                                  \
  X(llama_model_chat_template)                                                                         \
  X(llama_model_has_encoder)                                                                           \
  X(llama_n_ctx_seq)                                                                                   \
  X(llama_n_batch)                                                                                     \
  X(llama_get_memory)                                                                                  \
  X(llama_memory_seq_rm)                                                                               \
  X(llama_batch_init)                                                                                  \
  X(llama_batch_free)                                                                                  \
  X(llama_decode)                                                                                      \
  X(llama_get_logits_ith)                                                                              \
  X(llama_get_embeddings_seq)                                                                          \
  X(llama_pooling_type)                                                                                \
  X(llama_memory_clear)                                                                                \
  X(llama_model_n_embd_out)                                                                            \
  X(llama_model_meta_val_str)                                                                          \
  X(llama_vocab_n_tokens)                                                                              \
  X(llama_vocab_is_eog)                                                                                \
  X(llama_vocab_bos)                                                                                   \
  X(llama_vocab_eos)                                                                                   \
  X(llama_tokenize)                                                                                    \
  X(llama_token_to_piece)                                                                              \
  X(llama_detokenize)                                                                                  \
  X(llama_chat_apply_template)                                                                         \
  X(llama_sampler_chain_init)                                                                          \
  X(llama_sampler_chain_add)                                                                           \
  X(llama_sampler_free)                                                                                \
  X(llama_sampler_accept)                                                                              \
  X(llama_sampler_apply)                                                                               \
  X(llama_sampler_init_greedy)                                                                         \
  X(llama_sampler_init_dist)                                                                           \
  X(llama_sampler_init_top_k)                                                                          \
  X(llama_sampler_init_top_p)                                                                          \
  X(llama_sampler_init_min_p)                                                                          \
  X(llama_sampler_init_temp)                                                                           \
  X(llama_sampler_init_grammar)                                                                        \
  X(llama_sampler_init_penalties)                                                                      \
  X(llama_attach_threadpool)                                                                           \
  X(ggml_threadpool_params_default)                                                                    \
  X(ggml_backend_dev_by_type)                                                                          \
  X(ggml_backend_dev_backend_reg)                                                                      \
  X(ggml_backend_reg_get_proc_address)                                                                 \
  X(ggml_backend_load_all_from_path)                                                                   \
  X(ggml_backend_dev_count)                                                                            \
  X(ggml_backend_dev_get)                                                                              \
  X(ggml_backend_dev_type)                                                                             \
  X(ggml_backend_dev_name)                                                                             \
  X(ggml_backend_dev_description)                                                                      \
  X(ggml_backend_dev_memory)                                                                           \
  X(gguf_init_from_file)                                                                               \
  X(gguf_free)                                                                                         \
  X(gguf_find_key)                                                                                     \
  X(gguf_get_kv_type)                                                                                  \
  X(gguf_get_arr_type)                                                                                 \
  X(gguf_get_arr_n)                                                                                    \
  X(gguf_get_arr_data)                                                                                 \
  X(gguf_get_val_data)                                                                                 \
  X(gguf_get_val_str)

namespace switchyard {

struct LlamaApi {
#define SWITCHYARD_DECLARE(name) decltype(&::name) name = nullptr;
  SWITCHYARD_LLAMA_FUNCTIONS(SWITCHYARD_DECLARE)
#undef SWITCHYARD_DECLARE
};

// The process-wide table. Valid only after bindLibrary succeeded.
const LlamaApi& api();

bool isBound();
const std::string& boundLibraryPath();

// Loads `libraryPath` (a libllama variant) and resolves every function. If `probePath` is not empty it
// is loaded first and binding fails without side effects when it cannot be (a GPU backend whose runtime
// is missing). A process can bind one library only: llama.cpp's variants share sonames.
// Returns an empty string on success, else the reason.
std::string bindLibrary(const std::string& libraryPath, const std::string& probePath,
                        const std::string& backendDir);

}  // namespace switchyard
