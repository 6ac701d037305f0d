// Copyright (c) the Ferry authors.

#include "common/json_builder.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>

#include "ferry/json.h"

namespace ferry::internal {
namespace {

TEST(JsonBuilderTest, CommasGoBetweenMembersAndItemsAtEveryDepth) {
  JsonBuilder j;
  j.Begin().Key("a").BeginArray().Num(uint64_t(1)).Begin().End().BeginArray().EndArray().EndArray();
  j.Key("b").Begin().Key("c").Null().Key("d").Bool(false).End().End();
  EXPECT_EQ(j.Take(), R"({"a":[1,{},[]],"b":{"c":null,"d":false}})");
}

TEST(JsonBuilderTest, KeysAndStringsAreEscaped) {
  JsonBuilder j;
  j.Begin().Key("say \"hi\"").Str("a\\b\n\x01").End();
  EXPECT_EQ(j.Take(), "{\"say \\\"hi\\\"\":\"a\\\\b\\n\\u0001\"}");
}

TEST(JsonBuilderTest, IntegersOfEveryWidthAndSignAreWrittenExactly) {
  JsonBuilder j;
  j.BeginArray().Num(-5).Num(uint32_t(7)).Num(int16_t(-300)).Num(std::numeric_limits<int64_t>::min());
  j.Num(std::numeric_limits<uint64_t>::max()).Int(-1).EndArray();
  EXPECT_EQ(j.Take(), "[-5,7,-300,-9223372036854775808,18446744073709551615,-1]");
}

TEST(JsonBuilderTest, DoublesHaveThreeDecimalsOrTheDecimalsAsked) {
  JsonBuilder j;
  j.BeginArray().Num(2.0).Num(0.1234).Fixed(1.5, 6).Fixed(2.26, 1).Fixed(-1.25, 2).EndArray();
  EXPECT_EQ(j.Take(), "[2.000,0.123," + std::to_string(1.5) + ",2.3,-1.25]");
}

TEST(JsonBuilderTest, AppendsToTheCallersBufferAfterWhatItHolds) {
  std::string buffer = "{\"first\":1}\n";
  {
    JsonBuilder j(&buffer);
    j.Begin().Key("second").Num(2).End();
    EXPECT_EQ(j.text(), buffer);
    EXPECT_EQ(j.Take(), "");  // the text stays in the caller's buffer
  }
  buffer.push_back('\n');
  JsonBuilder next(&buffer);
  next.BeginArray().Str("x").EndArray();
  EXPECT_EQ(buffer, "{\"first\":1}\n{\"second\":2}\n[\"x\"]");
}

TEST(JsonBuilderTest, WritesADocumentTreeAsParsed) {
  const std::string text = R"({"n":1e2,"s":"a\"b","l":[67.50,true,null]})";
  Arena arena;
  JsonParser parser;
  auto v = parser.Parse(text, arena);
  ASSERT_TRUE(v.ok());
  JsonBuilder j;
  j.Begin().Key("doc").Json(v.value()).Key("raw").Json("[1]").End();
  EXPECT_EQ(j.Take(), "{\"doc\":" + text + ",\"raw\":[1]}");
}

TEST(JsonBuilderTest, CountsAndStringListsAreObjectsAndArrays) {
  JsonBuilder j;
  j.Begin().Key("c").Counts({{"a", 1}, {"b", 2}}).Key("s").Strings({"x", "y"}).Key("e").Strings({}).End();
  EXPECT_EQ(j.Take(), R"({"c":{"a":1,"b":2},"s":["x","y"],"e":[]})");
}

}  // namespace
}  // namespace ferry::internal
