// Copyright (c) the Ferry authors.
//
// Regression tests for bugs found by fuzzing (tests/fuzz/fuzz_json_parse.cc)
// and by the JSONTestSuite conformance run. Each test names the input that
// found the bug; the inputs are also in tests/fuzz/corpus/json/.

#include <string>
#include <string_view>

#include "ferry/json.h"
#include "util/test_util.h"

namespace ferry {
namespace {

Result<Value> ParseText(std::string_view text, Arena& arena) {
  static thread_local JsonParser parser;
  return parser.Parse(text, arena);
}

void ExpectRejected(std::string_view text) {
  Arena arena;
  Result<Value> r = ParseText(text, arena);
  EXPECT_FALSE(r.ok()) << text << " was accepted as " << (r.ok() ? ToJson(r.value()) : "");
  if (!r.ok()) {
    EXPECT_TRUE(r.status().IsParseError()) << r.status().ToString();
  }
}

// crash-empty-key-ubsan.json: `{"":0}`. Looking up the empty key passed a
// null pointer to memcmp (undefined behaviour, reported by UBSan), because
// Arena::CopyString("") returned a view with a null data().
TEST(JsonRegressionTest, EmptyKeyLookupIsDefined) {
  Arena arena;
  Value v = test::ParseJson(R"({"":0})", arena);
  ASSERT_TRUE(v.IsObject());
  ASSERT_NE(v.Find(""), nullptr);
  EXPECT_EQ(v.Find("")->NumberLiteral(), "0");
  EXPECT_EQ(v.IndexOf(std::string_view()), 0);

  Arena copy_arena;
  Value copy = v.DeepCopy(copy_arena);  // copies the empty key
  EXPECT_TRUE(copy.Equals(v));
  EXPECT_NE(copy.Find(""), nullptr);
  Value removed;
  EXPECT_TRUE(copy.Remove("", &removed));
  EXPECT_EQ(removed.NumberLiteral(), "0");
  EXPECT_EQ(ToJson(copy), "{}");

  Value obj = Value::Object(arena);
  obj.Set(std::string_view(), Value::Bool(true), arena);  // a null empty key
  EXPECT_TRUE(obj.Has(""));
  EXPECT_EQ(ToJson(obj), R"({"":true})");
}

TEST(JsonRegressionTest, CopyStringOfEmptyIsNotNull) {
  Arena arena;
  std::string_view s = arena.CopyString("");
  EXPECT_TRUE(s.empty());
  EXPECT_NE(s.data(), nullptr);
}

TEST(JsonRegressionTest, ParsingAnEmptyViewIsAParseError) {
  ExpectRejected(std::string_view());
}

// crash-string-then-colon-in-array-{1,2}.json: a string element followed by
// ':' inside an array was accepted, e.g. `[{},"a":1}]` parsed as `[{},"a"]`.
// simdjson On-Demand skips a value that was not consumed with a
// non-validating skip that takes `"a":` for an object key; the parser now
// consumes every string it reads.
TEST(JsonRegressionTest, StringFollowedByColonIsRejected) {
  for (std::string_view bad : {
           R"([{},"a":1}])",
           R"([{"a":[1]},"a":1}])",
           R"([1,"a":1}])",
           R"(["a":1}])",
           R"(["a":1])",
           R"([[],"a":{}])",
           R"({"a":"b":1}})",
           R"({"a":{"b":"c":1}})",
           R"({"a":["b":1}]})",
           R"([{"x":"y"},"k":"v"}])",
       }) {
    ExpectRejected(bad);
  }
  // And the well-formed neighbours still parse.
  Arena arena;
  EXPECT_EQ(ToJson(test::ParseJson(R"([{},"a",{"b":"c"}])", arena)), R"([{},"a",{"b":"c"}])");
  EXPECT_EQ(ToJson(test::ParseJson(R"({"a":"b","c":["d","e\"f"]})", arena)), R"({"a":"b","c":["d","e\"f"]})");
}

TEST(JsonRegressionTest, FuzzFindsInCorpusAreRejected) {
  for (const char* name : {"crash-string-then-colon-in-array-1.json", "crash-string-then-colon-in-array-2.json"}) {
    std::string bytes = test::ReadFile(test::SourceDir() + "/tests/fuzz/corpus/json/" + name);
    ASSERT_FALSE(bytes.empty()) << name;
    SCOPED_TRACE(name);
    ExpectRejected(bytes);
  }
}

}  // namespace
}  // namespace ferry
