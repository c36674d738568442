#include "sampling.h"

#include <cmath>
#include <stdexcept>

#include "log_softmax.h"

namespace switchyard {
namespace {

llama_token argmax(const float* logits, int32_t n) { return argmaxLogit(logits, n); }

llama_token_data_array fill(Slot& slot, const float* logits) {
  if (slot.candidates.size() != static_cast<size_t>(slot.vocabSize)) {
    slot.candidates.resize(static_cast<size_t>(slot.vocabSize));
  }
  llama_token_data* data = slot.candidates.data();
  for (int32_t i = 0; i < slot.vocabSize; ++i) data[i] = llama_token_data{i, logits[i], 0.0f};
  return llama_token_data_array{data, slot.candidates.size(), -1, false};
}

llama_token applyChain(llama_sampler* chain, llama_token_data_array& candidates) {
  api().llama_sampler_apply(chain, &candidates);
  if (candidates.selected < 0 || candidates.selected >= static_cast<int64_t>(candidates.size)) {
    throw std::runtime_error("the sampler chain selected no token");
  }
  return candidates.data[candidates.selected].id;
}

bool grammarAllows(llama_sampler* grammar, llama_token token, float logit) {
  llama_token_data single{token, logit, 0.0f};
  llama_token_data_array one{&single, 1, -1, false};
  api().llama_sampler_apply(grammar, &one);
  return std::isfinite(single.logit);
}

}  // namespace

SamplerPtr makeSamplerChain(const SamplingParams& params, int32_t vocabSize) {
  const bool penalties = params.repeatPenalty != 1.0f && params.repeatLastN != 0;
  if (params.temperature <= 0.0f && !penalties) return nullptr;
  SamplerPtr chain(api().llama_sampler_chain_init(api().llama_sampler_chain_default_params()));
  auto add = [&](llama_sampler* sampler) { api().llama_sampler_chain_add(chain.get(), sampler); };
  if (penalties) {
    add(api().llama_sampler_init_penalties(vocabSize, params.repeatLastN, params.repeatPenalty, 0.0f, 0.0f));
  }
  if (params.temperature <= 0.0f) {
    add(api().llama_sampler_init_greedy());
    return chain;
  }
  if (params.topK > 0) add(api().llama_sampler_init_top_k(params.topK));
  if (params.topP < 1.0f) add(api().llama_sampler_init_top_p(params.topP, 1));
  if (params.minP > 0.0f) add(api().llama_sampler_init_min_p(params.minP, 1));
  add(api().llama_sampler_init_temp(params.temperature));
  add(api().llama_sampler_init_dist(params.seed));
  return chain;
}

SamplerPtr makeGrammarSampler(const llama_vocab* vocab, const std::string& gbnf) {
  SamplerPtr grammar(api().llama_sampler_init_grammar(vocab, gbnf.c_str(), "root"));
  if (!grammar) throw std::invalid_argument("the GBNF grammar does not parse (it needs a `root` rule)");
  return grammar;
}

llama_token sampleToken(Slot& slot, const float* logits, const llama_vocab* vocab) {
  Request& request = *slot.request;
  llama_sampler* grammar = request.grammar.get();
  if (!request.chain && grammar == nullptr) return argmax(logits, slot.vocabSize);

  llama_token token = -1;
  if (request.chain) {
    llama_token_data_array candidates = fill(slot, logits);
    token = applyChain(request.chain.get(), candidates);
  } else {
    token = argmax(logits, slot.vocabSize);
  }
  // Most picks already satisfy the grammar; constrain the whole vocabulary only when this one does not.
  if (grammar != nullptr && !grammarAllows(grammar, token, logits[token])) {
    llama_token_data_array candidates = fill(slot, logits);
    api().llama_sampler_apply(grammar, &candidates);
    bool any = false;
    for (size_t i = 0; i < candidates.size && !any; ++i) any = std::isfinite(candidates.data[i].logit);
    if (!any) throw std::runtime_error("the grammar admits no next token");
    if (request.chain) {
      token = applyChain(request.chain.get(), candidates);
    } else {
      size_t best = 0;
      for (size_t i = 1; i < candidates.size; ++i) {
        if (candidates.data[i].logit > candidates.data[best].logit) best = i;
      }
      token = candidates.data[best].id;
    }
  }
  if (grammar != nullptr && !api().llama_vocab_is_eog(vocab, token)) api().llama_sampler_accept(grammar, token);
  if (request.chain) api().llama_sampler_accept(request.chain.get(), token);
  return token;
}

}  // namespace switchyard
