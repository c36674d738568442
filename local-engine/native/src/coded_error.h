// An error that reaches JavaScript as an Error with a stable `code` the TypeScript wrapper maps to
// its error classes.
#pragma once

#include <stdexcept>
#include <string>

namespace switchyard {

class CodedError : public std::runtime_error {
 public:
  CodedError(std::string code, const std::string& message) : std::runtime_error(message), code_(std::move(code)) {}
  const std::string& code() const { return code_; }

 private:
  std::string code_;
};

}  // namespace switchyard
