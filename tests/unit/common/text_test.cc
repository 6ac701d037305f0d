// Copyright (c) the Ferry authors.

#include "common/text.h"

#include <gtest/gtest.h>

#include <cctype>
#include <string>

namespace ferry::internal {
namespace {

TEST(TextTest, IsDigitIsTheTenAsciiDigitsOnly) {
  for (int c = -128; c < 128; ++c) {
    EXPECT_EQ(IsDigit(char(c)), c >= '0' && c <= '9') << c;
  }
}

TEST(TextTest, HexValueReadsBothCasesAndRefusesTheRest) {
  EXPECT_EQ(HexValue('0'), 0);
  EXPECT_EQ(HexValue('9'), 9);
  EXPECT_EQ(HexValue('a'), 10);
  EXPECT_EQ(HexValue('F'), 15);
  for (char c : std::string("gG/:@`\x80 ")) {
    EXPECT_EQ(HexValue(c), -1) << int(c);
    EXPECT_FALSE(IsHexDigit(c));
  }
  for (int c = 0; c < 128; ++c) EXPECT_EQ(IsHexDigit(char(c)), std::isxdigit(c) != 0) << c;
}

TEST(TextTest, PercentDecodeDecodesEachEscapeToItsByte) {
  EXPECT_EQ(PercentDecode("p%40ss%2Fw%3ard"), "p@ss/w:rd");
  EXPECT_EQ(PercentDecode("%E2%82%AC"), "\xE2\x82\xAC");
  EXPECT_EQ(PercentDecode("%00x"), std::string("\0x", 2));
  EXPECT_EQ(PercentDecode("a+b"), "a+b");  // '+' is not a space
}

TEST(TextTest, PercentDecodeKeepsAPercentWithoutTwoHexDigits) {
  EXPECT_EQ(PercentDecode("100%"), "100%");
  EXPECT_EQ(PercentDecode("%4"), "%4");
  EXPECT_EQ(PercentDecode("%zz%41"), "%zzA");
  EXPECT_EQ(PercentDecode("%%41"), "%A");
  EXPECT_EQ(PercentDecode(""), "");
}

TEST(TextTest, ThousandsGroupsDigitsByThree) {
  EXPECT_EQ(Thousands(0), "0");
  EXPECT_EQ(Thousands(999), "999");
  EXPECT_EQ(Thousands(1000), "1,000");
  EXPECT_EQ(Thousands(123456), "123,456");
  EXPECT_EQ(Thousands(1234567), "1,234,567");
  EXPECT_EQ(Thousands(18446744073709551615ull), "18,446,744,073,709,551,615");
}

}  // namespace
}  // namespace ferry::internal
