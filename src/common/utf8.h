// Copyright (c) the Ferry authors.
//
// UTF-8 validation, the one of Ferry: the document formats need it (parsers
// underneath can let invalid text through: pugixml passes invalid bytes; YAML
// escapes can name surrogates, "\ud800"), and a document must be valid JSON
// text.

#ifndef FERRY_COMMON_UTF8_H_
#define FERRY_COMMON_UTF8_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace ferry::internal {

// Offset of the first byte that does not start a well-formed UTF-8 sequence
// (RFC 3629: no overlongs, no surrogates, at most U+10FFFF), or npos. Walks
// the text byte by byte up to that offset: use IsValidUtf8 for a yes or no.
size_t FindInvalidUtf8(std::string_view s);

// FindInvalidUtf8(s) == npos, by simdjson's SIMD validator (several times
// faster on valid text).
bool IsValidUtf8(std::string_view s);

// Decodes the UTF-8 sequence at s[i], which must be valid (text that came
// from the JSON parser); stores its length in *len.
inline uint32_t DecodeUtf8(std::string_view s, size_t i, size_t* len) {
  const auto c = uint8_t(s[i]);
  if (c < 0x80) {
    *len = 1;
    return c;
  }
  size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
  n = std::min(n, s.size() - i);
  uint32_t cp = c & (0x3F >> (n - 1));
  for (size_t k = 1; k < n; ++k) cp = (cp << 6) | (uint8_t(s[i + k]) & 0x3F);
  *len = n;
  return cp;
}

}  // namespace ferry::internal

#endif  // FERRY_COMMON_UTF8_H_
