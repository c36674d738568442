// Text <-> tokens through the model's vocabulary. llama.cpp documents these as thread-safe, so the
// JavaScript thread calls them directly while the scheduler thread decodes.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "llama_api.h"

namespace switchyard {

// Throws std::runtime_error when llama.cpp refuses the text.
std::vector<llama_token> tokenize(const llama_vocab* vocab, const std::string& text, bool addSpecial,
                                  bool parseSpecial);

std::string detokenize(const llama_vocab* vocab, const std::vector<llama_token>& tokens, bool renderSpecial);

// One token's bytes into `piece` (grown when needed); returns their length. Control tokens
// (`<|im_start|>`, `[TOOL_CALLS]`) have no bytes unless `renderSpecial` asks for their text.
size_t tokenPiece(const llama_vocab* vocab, llama_token token, std::string& piece, bool renderSpecial);

// llama.cpp's built-in chat template renderer. Returns false when it does not recognize `tmpl`.
bool applyChatTemplate(const std::string& tmpl, const std::vector<std::pair<std::string, std::string>>& messages,
                       bool addAssistant, std::string& out);

}  // namespace switchyard
