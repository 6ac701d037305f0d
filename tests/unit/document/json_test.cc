// Copyright (c) the Ferry authors.
#include <string>

#include "ferry/json.h"
#include "util/test_util.h"

namespace ferry {
namespace {

std::string RoundTrip(std::string_view text) {
  Arena arena;
  JsonParser parser;
  Result<Value> r = parser.Parse(text, arena);
  if (!r.ok()) return "ERROR " + r.status().ToString();
  return ToJson(r.value());
}

TEST(JsonTest, NumberLiteralsPassThroughUnchanged) {
  EXPECT_EQ(RoundTrip("[67.5,1e2,30.0,-0,1E+400,100000000000000000000]"),
            "[67.5,1e2,30.0,-0,1E+400,100000000000000000000]");
}

TEST(JsonTest, WhitespaceIsRemoved) {
  EXPECT_EQ(RoundTrip(" { \"a\" : [ 1 , 2 ] , \"b\" : null } \n"), "{\"a\":[1,2],\"b\":null}");
}

TEST(JsonTest, EscapedStringsAreDecodedAndReEscapedMinimally) {
  EXPECT_EQ(RoundTrip(R"(["a\"b","\u00e9","\/","tab\there","\u0001"])"),
            "[\"a\\\"b\",\"\xc3\xa9\",\"/\",\"tab\\there\",\"\\u0001\"]");
}

TEST(JsonTest, EscapedKeysAreDecoded) {
  Arena arena;
  Value v = test::ParseJson(R"({"a\u0062":1})", arena);
  ASSERT_TRUE(v.IsObject());
  EXPECT_NE(v.Find("ab"), nullptr);
}

TEST(JsonTest, DuplicateNamesAreAParseErrorWithTheirPointer) {
  Arena arena;
  JsonParser parser;
  struct Case {
    const char* text;
    const char* pointer;
  };
  // Small objects are checked pairwise, objects of more than 16 members by hashing.
  std::string big = "{";
  for (int i = 0; i < 40; ++i) big += "\"k" + std::to_string(i) + "\":" + std::to_string(i) + ",";
  big += "\"k7\":0}";
  const std::string nested_big = "[1,{\"a/b\":" + big + "}]";
  // Two names repeated: the one repeated first in the text is reported.
  std::string two = "{";
  for (int i = 0; i < 40; ++i) two += "\"k" + std::to_string(i) + "\":" + std::to_string(i) + ",";
  two += "\"k30\":0,\"k5\":0}";
  for (const Case& c : {Case{R"({"a":1,"a":2})", "/a"}, Case{R"({"id":"x","n":[{"q":1,"r":2,"q":3}],"z":0})", "/n/0/q"},
                        Case{R"({"a\u0062":1,"ab":2})", "/ab"}, Case{R"({"~":{"x":{},"x":[]}})", "/~0/x"},
                        Case{big.c_str(), "/k7"}, Case{nested_big.c_str(), "/1/a~1b/k7"},
                        Case{two.c_str(), "/k30"}}) {
    Result<Value> r = parser.Parse(c.text, arena);
    ASSERT_FALSE(r.ok()) << c.text;
    EXPECT_TRUE(r.status().IsParseError()) << r.status().ToString();
    EXPECT_EQ(parser.error_pointer(), c.pointer) << c.text;
    EXPECT_NE(r.status().message().find(std::string("at ") + c.pointer), std::string::npos) << r.status().message();
  }
  // Equal names in different objects are fine, and the pointer is cleared by the next parse.
  ASSERT_TRUE(parser.Parse(R"({"a":{"a":1},"b":[{"a":1},{"a":2}]})", arena).ok());
  EXPECT_EQ(parser.error_pointer(), "");
}

TEST(JsonTest, DuplicateKeysKeepLastForLookupWhenAllowed) {
  Arena arena;
  Value v = test::ParseJson(R"({"a":1,"a":2})", arena);
  EXPECT_EQ(v.Find("a")->NumberLiteral(), "2");
  EXPECT_EQ(ToJson(v), R"({"a":1,"a":2})");
}

TEST(JsonTest, RejectsMalformedInput) {
  for (const char* bad : {"", " ", "[1,]", "[1 2]", "{\"a\"}", "[01]", "[1.]", "tru", "nul", "[\"a\\x\"]",
                          "{\"a\":1}x", "1 2", "[1]]", "[-]", "\"abc", "[.5]", "[1e]", "{,}"}) {
    EXPECT_EQ(RoundTrip(bad).rfind("ERROR PARSE_ERROR", 0), 0u) << bad << " -> " << RoundTrip(bad);
  }
}

TEST(JsonTest, AcceptsRootScalars) {
  EXPECT_EQ(RoundTrip("1"), "1");
  EXPECT_EQ(RoundTrip(" \"x\" "), "\"x\"");
  EXPECT_EQ(RoundTrip("true"), "true");
  EXPECT_EQ(RoundTrip("null"), "null");
}

TEST(JsonTest, DeepNestingIsAnErrorNotACrash) {
  std::string deep(100000, '[');
  EXPECT_EQ(RoundTrip(deep).rfind("ERROR PARSE_ERROR", 0), 0u);
  std::string ok = std::string(100, '[') + std::string(100, ']');
  EXPECT_EQ(RoundTrip(ok), ok);
}

TEST(ValueTest, ObjectMutationKeepsOrder) {
  Arena arena;
  Value v = test::ParseJson(R"({"a":1,"b":2})", arena);
  v.Set("c", Value::Bool(true), arena);
  v.InsertMemberAt(0, "z", Value::Null(), arena);
  Value removed;
  EXPECT_TRUE(v.Remove("a", &removed));
  EXPECT_EQ(removed.NumberLiteral(), "1");
  EXPECT_EQ(ToJson(v), R"({"z":null,"b":2,"c":true})");
}

TEST(ValueTest, NumbersKnowIntegrality) {
  Arena arena;
  Value v = test::ParseJson("[1,1.0,1e2,1.5,-3]", arena);
  EXPECT_TRUE(v[0].IsIntegral());
  EXPECT_TRUE(v[1].IsIntegral());
  EXPECT_TRUE(v[2].IsIntegral());
  EXPECT_FALSE(v[3].IsIntegral());
  int64_t i = 0;
  EXPECT_TRUE(v[4].GetInt64(&i));
  EXPECT_EQ(i, -3);
}

TEST(ValueTest, EqualityIgnoresKeyOrderAndNumberSpelling) {
  Arena arena;
  EXPECT_TRUE(test::ParseJson(R"({"a":1,"b":[1.0]})", arena).Equals(test::ParseJson(R"({"b":[1],"a":1})", arena)));
  EXPECT_FALSE(test::ParseJson(R"({"a":1})", arena).Equals(test::ParseJson(R"({"a":1,"b":2})", arena)));
}

TEST(JsonPointerTest, ResolvesEscapedTokens) {
  Arena arena;
  Value v = test::ParseJson(R"({"a/b":{"c~d":[10,20]}})", arena);
  std::string p;
  AppendPointerToken("a/b", &p);
  AppendPointerToken("c~d", &p);
  AppendPointerIndex(1, &p);
  EXPECT_EQ(p, "/a~1b/c~0d/1");
  ASSERT_NE(ResolvePointer(v, p), nullptr);
  EXPECT_EQ(ResolvePointer(v, p)->NumberLiteral(), "20");
}

}  // namespace
}  // namespace ferry
