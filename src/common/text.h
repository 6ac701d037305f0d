// Copyright (c) the Ferry authors.
//
// Small text helpers shared across Ferry: ASCII character classes (never
// the locale's), percent-decoding of URI parts, and numbers as people read
// them. One of each: a file that needs one includes this header rather than
// writing its own. (A suffix test is std::string_view::ends_with.)

#ifndef FERRY_COMMON_TEXT_H_
#define FERRY_COMMON_TEXT_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace ferry::internal {

// '0'..'9' only (std::isdigit depends on the locale and takes an int).
constexpr bool IsDigit(char c) { return c >= '0' && c <= '9'; }
// 'a'..'z' and 'A'..'Z' only.
constexpr bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
constexpr bool IsAlnum(char c) { return IsAlpha(c) || IsDigit(c); }

// The value of a hex digit (0-9, a-f, A-F), or -1.
constexpr int HexValue(char c) {
  if (IsDigit(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
constexpr bool IsHexDigit(char c) { return HexValue(c) >= 0; }

// `s` with each "%XX" (two hex digits, either case) replaced by that byte;
// a '%' not followed by two hex digits is kept as it is. '+' is not a space.
// (Defined in schema/uri.cc for now: see text.cc.)
std::string PercentDecode(std::string_view s);

// `n` in decimal with a comma between groups of three digits: 1234567 ->
// "1,234,567".
std::string Thousands(uint64_t n);

}  // namespace ferry::internal

#endif  // FERRY_COMMON_TEXT_H_
