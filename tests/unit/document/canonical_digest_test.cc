// Copyright (c) the Ferry authors.

#include "document/canonical_digest.h"

#include <gtest/gtest.h>

#include <string>

#include "common/digest.h"
#include "ferry/json.h"

namespace ferry::internal {
namespace {

std::string ShaOfParsed(std::string_view text) {
  JsonParser parser;
  Arena arena;
  auto doc = parser.Parse(text, arena);
  EXPECT_TRUE(doc.ok()) << text;
  std::string scratch = "left over";
  return CanonicalSha(doc.value(), &scratch);
}

TEST(CanonicalDigestTest, IsTheSha256OfTheCanonicalText) {
  EXPECT_EQ(ShaOfParsed(R"({ "b": [1, 2], "a": {"y": null, "x": "s"} })"),
            Sha256Hex(R"({"a":{"x":"s","y":null},"b":[1,2]})"));
}

TEST(CanonicalDigestTest, KeyOrderAndLayoutDoNotCountValuesDo) {
  EXPECT_EQ(ShaOfParsed(R"({"a":1,"b":2})"), ShaOfParsed("{ \"b\" : 2,\n \"a\" : 1 }"));
  EXPECT_NE(ShaOfParsed(R"({"a":1,"b":2})"), ShaOfParsed(R"({"a":1,"b":3})"));
  EXPECT_NE(ShaOfParsed(R"([1,2])"), ShaOfParsed(R"([2,1])"));
}

TEST(CanonicalDigestTest, OfATextIsTheShaOfItsDocumentOrOfTheTextWhenNotJson) {
  CanonicalDigest digest;
  EXPECT_EQ(digest.Of(R"({"b":2, "a":1})"), ShaOfParsed(R"({"a":1,"b":2})"));
  EXPECT_EQ(digest.Of("not json {"), Sha256Hex("not json {"));
  // The digest keeps no state from one text to the next.
  EXPECT_EQ(digest.Of(R"({"a":1,"b":2})"), ShaOfParsed(R"({"b":2,"a":1})"));
}

}  // namespace
}  // namespace ferry::internal
