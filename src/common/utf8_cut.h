// Copyright (c) the Ferry authors.
//
// Cutting UTF-8 text for messages and excerpts without splitting a character.

#ifndef FERRY_COMMON_UTF8_CUT_H_
#define FERRY_COMMON_UTF8_CUT_H_

#include <cstddef>
#include <string_view>

namespace ferry::internal {

// The longest prefix of `text` of at most `max_bytes` bytes that ends at a
// character boundary (a continuation byte 10xxxxxx never starts the rest).
// `text` itself when it is short enough; never longer than `max_bytes`.
inline std::string_view Utf8Prefix(std::string_view text, size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  size_t cut = max_bytes;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return text.substr(0, cut);
}

}  // namespace ferry::internal

#endif  // FERRY_COMMON_UTF8_CUT_H_
