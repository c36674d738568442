#include "text_stream.h"

#include <algorithm>

namespace switchyard {

bool TextStream::append(const char* bytes, size_t length, std::string& out) {
  pending_.append(bytes, length);
  if (stops_ != nullptr) {
    size_t first = std::string::npos;
    for (const auto& stop : *stops_) first = std::min(first, pending_.find(stop));
    if (first != std::string::npos) {
      out.append(pending_, 0, first);
      pending_.clear();
      return true;
    }
  }
  const size_t held = std::max(heldForStops(), heldForUtf8());
  const size_t ready = pending_.size() - held;
  out.append(pending_, 0, ready);
  pending_.erase(0, ready);
  return false;
}

// The longest tail of pending text that is a proper prefix of some stop string.
size_t TextStream::heldForStops() const {
  if (stops_ == nullptr) return 0;
  size_t held = 0;
  for (const auto& stop : *stops_) {
    const size_t longest = std::min(stop.size() - 1, pending_.size());
    for (size_t length = longest; length > held; --length) {
      if (pending_.compare(pending_.size() - length, length, stop, 0, length) == 0) {
        held = length;
        break;
      }
    }
  }
  return held;
}

// The bytes of a trailing UTF-8 sequence that is not complete yet.
size_t TextStream::heldForUtf8() const {
  const size_t size = pending_.size();
  for (size_t back = 1; back <= std::min<size_t>(4, size); ++back) {
    const auto byte = static_cast<unsigned char>(pending_[size - back]);
    if ((byte & 0xC0) == 0x80) continue;  // continuation byte: keep looking for the lead
    size_t expected = 1;
    if ((byte & 0xE0) == 0xC0) expected = 2;
    else if ((byte & 0xF0) == 0xE0) expected = 3;
    else if ((byte & 0xF8) == 0xF0) expected = 4;
    return expected > back ? back : 0;
  }
  return 0;
}

}  // namespace switchyard
