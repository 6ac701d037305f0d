// Copyright (c) the Ferry authors.

#include "common/utf8_cut.h"

#include <gtest/gtest.h>

#include <string>

namespace ferry::internal {
namespace {

TEST(Utf8PrefixTest, ShortTextIsKeptWhole) {
  EXPECT_EQ(Utf8Prefix("abc", 3), "abc");
  EXPECT_EQ(Utf8Prefix("", 0), "");
}

TEST(Utf8PrefixTest, AsciiIsCutAtTheLimit) { EXPECT_EQ(Utf8Prefix("abcdef", 4), "abcd"); }

TEST(Utf8PrefixTest, NeverSplitsACharacter) {
  const std::string text = "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80z";  // a é € 😀 z
  EXPECT_EQ(Utf8Prefix(text, 1), "a");
  EXPECT_EQ(Utf8Prefix(text, 2), "a");             // inside é
  EXPECT_EQ(Utf8Prefix(text, 3), "a\xC3\xA9");
  EXPECT_EQ(Utf8Prefix(text, 5), "a\xC3\xA9");     // inside €
  EXPECT_EQ(Utf8Prefix(text, 9), "a\xC3\xA9\xE2\x82\xAC");  // inside 😀
  EXPECT_EQ(Utf8Prefix(text, 10), "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80");
}

TEST(Utf8PrefixTest, ALeadingMultiByteCharacterLongerThanTheLimitGivesNothing) {
  EXPECT_EQ(Utf8Prefix("\xF0\x9F\x98\x80", 2), "");
}

}  // namespace
}  // namespace ferry::internal
