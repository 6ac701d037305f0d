// Copyright (c) the Ferry authors.

#include "common/utf8.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace ferry::internal {
namespace {

constexpr size_t kNone = std::string_view::npos;

// FindInvalidUtf8 and IsValidUtf8 (two implementations: byte walk and
// simdjson) must agree on every input.
void ExpectInvalidAt(std::string_view s, size_t at) {
  EXPECT_EQ(FindInvalidUtf8(s), at) << testing::PrintToString(std::string(s));
  EXPECT_EQ(IsValidUtf8(s), at == kNone) << testing::PrintToString(std::string(s));
}

TEST(Utf8Test, WellFormedTextHasNoInvalidByte) {
  ExpectInvalidAt("", kNone);
  ExpectInvalidAt("plain ascii", kNone);
  ExpectInvalidAt("a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80z", kNone);  // a é € 😀 z
  ExpectInvalidAt("\xED\x9F\xBF\xEE\x80\x80\xF4\x8F\xBF\xBF", kNone);  // U+D7FF U+E000 U+10FFFF
}

TEST(Utf8Test, NamesTheFirstByteThatStartsNoWellFormedSequence) {
  ExpectInvalidAt("ab\xFF", 2);
  ExpectInvalidAt("a\x80", 1);                // a lone continuation byte
  ExpectInvalidAt("\xC0\xAF", 0);             // overlong '/'
  ExpectInvalidAt("\xE0\x80\xAF", 0);         // overlong, three bytes
  ExpectInvalidAt("x\xED\xA0\x80", 1);        // a surrogate (U+D800)
  ExpectInvalidAt("\xF4\x90\x80\x80", 0);     // above U+10FFFF
  ExpectInvalidAt("\xC3\xA9\xE2\x82", 2);     // cut short at the end
  ExpectInvalidAt("\xE2\x28\xA1", 0);         // a bad continuation
}

// Longer than simdjson's SIMD blocks, with the bad byte in every position.
TEST(Utf8Test, AgreesOnLongTextWithOneBadByteAnywhere) {
  const std::string valid = std::string(100, 'a') + "\xC3\xA9" + std::string(100, 'b');
  ExpectInvalidAt(valid, kNone);
  for (size_t at = 0; at < valid.size(); ++at) {
    std::string bad = valid;
    bad[at] = '\xFF';
    // A bad continuation byte (101) makes its lead byte (100) the invalid one.
    ExpectInvalidAt(bad, at == 101 ? 100 : at);
  }
}

}  // namespace
}  // namespace ferry::internal
