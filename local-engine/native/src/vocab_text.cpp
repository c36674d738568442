#include "vocab_text.h"

#include <climits>
#include <stdexcept>

namespace switchyard {

std::vector<llama_token> tokenize(const llama_vocab* vocab, const std::string& text, bool addSpecial,
                                  bool parseSpecial) {
  if (text.size() > INT32_MAX / 2) throw std::runtime_error("text too long to tokenize");
  const auto length = static_cast<int32_t>(text.size());
  std::vector<llama_token> tokens(text.size() + 2);
  int32_t count = api().llama_tokenize(vocab, text.data(), length, tokens.data(),
                                       static_cast<int32_t>(tokens.size()), addSpecial, parseSpecial);
  if (count < 0 && count != INT32_MIN) {
    tokens.resize(static_cast<size_t>(-count));
    count = api().llama_tokenize(vocab, text.data(), length, tokens.data(), -count, addSpecial, parseSpecial);
  }
  if (count < 0) throw std::runtime_error("llama_tokenize failed");
  tokens.resize(static_cast<size_t>(count));
  return tokens;
}

std::string detokenize(const llama_vocab* vocab, const std::vector<llama_token>& tokens, bool renderSpecial) {
  std::string text(tokens.size() * 8 + 16, '\0');
  const auto count = static_cast<int32_t>(tokens.size());
  int32_t length = api().llama_detokenize(vocab, tokens.data(), count, text.data(),
                                          static_cast<int32_t>(text.size()), false, renderSpecial);
  if (length < 0) {
    text.resize(static_cast<size_t>(-length));
    length = api().llama_detokenize(vocab, tokens.data(), count, text.data(), -length, false, renderSpecial);
  }
  if (length < 0) throw std::runtime_error("llama_detokenize failed");
  text.resize(static_cast<size_t>(length));
  return text;
}

size_t tokenPiece(const llama_vocab* vocab, llama_token token, std::string& piece, bool renderSpecial) {
  int32_t length = api().llama_token_to_piece(vocab, token, piece.data(), static_cast<int32_t>(piece.size()), 0,
                                              renderSpecial);
  if (length < 0) {
    piece.resize(static_cast<size_t>(-length));
    length = api().llama_token_to_piece(vocab, token, piece.data(), -length, 0, renderSpecial);
  }
  return length < 0 ? 0 : static_cast<size_t>(length);
}

bool applyChatTemplate(const std::string& tmpl, const std::vector<std::pair<std::string, std::string>>& messages,
                       bool addAssistant, std::string& out) {
  std::vector<llama_chat_message> chat;
  chat.reserve(messages.size());
  size_t total = 0;
  for (const auto& [role, content] : messages) {
    chat.push_back(llama_chat_message{role.c_str(), content.c_str()});
    total += role.size() + content.size();
  }
  out.assign(total * 2 + 256, '\0');
  int32_t length = api().llama_chat_apply_template(tmpl.c_str(), chat.data(), chat.size(), addAssistant,
                                                   out.data(), static_cast<int32_t>(out.size()));
  if (length > static_cast<int32_t>(out.size())) {
    out.assign(static_cast<size_t>(length), '\0');
    length = api().llama_chat_apply_template(tmpl.c_str(), chat.data(), chat.size(), addAssistant, out.data(),
                                             length);
  }
  if (length < 0) return false;
  out.resize(static_cast<size_t>(length));
  return true;
}

}  // namespace switchyard
