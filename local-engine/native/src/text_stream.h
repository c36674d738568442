// Turns a slot's token pieces into text that is safe to hand out: never half a UTF-8 character,
// never the start of what may become a stop string, never the stop string itself.
#pragma once

#include <string>
#include <vector>

namespace switchyard {

class TextStream {
 public:
  TextStream() { pending_.reserve(256); }

  void reset(const std::vector<std::string>* stops) {
    stops_ = stops;
    pending_.clear();
  }

  // Appends a token's bytes; appends to `out` what may be emitted now. Returns true when a stop
  // string completed: then `out` got the text before it and the rest is dropped.
  bool append(const char* bytes, size_t length, std::string& out);

  // End of generation: whatever is held back is plain text after all.
  void flush(std::string& out) {
    out.append(pending_);
    pending_.clear();
  }

 private:
  size_t heldForStops() const;
  size_t heldForUtf8() const;

  std::string pending_;
  const std::vector<std::string>* stops_ = nullptr;
};

}  // namespace switchyard
