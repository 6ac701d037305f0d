// Copyright (c) the Ferry authors.
// The schema type map and the conversions of loosely typed (CSV) leaves.
#include "engine/schema_types.h"

#include <gtest/gtest.h>

#include <string>

namespace ferry::internal {
namespace {

class SchemaTypesTest : public ::testing::Test {
 protected:
  SchemaTypes Types(const std::string& schema) {
    Result<Value> v = parser_.Parse(schema, arena_);
    EXPECT_TRUE(v.ok()) << v.status().ToString();
    return BuildSchemaTypes(v.ok() ? v.value() : Value());
  }
  // `doc` converted with `schema`'s types, as compact JSON.
  std::string Convert(const std::string& schema, const std::string& doc) {
    SchemaTypes t = Types(schema);
    Result<Value> v = parser_.Parse(doc, arena_);
    EXPECT_TRUE(v.ok()) << v.status().ToString();
    Value d = v.value();
    ApplySchemaTypes(t, d);
    std::string out;
    WriteJson(d, &out);
    return out;
  }
  // One field "x" of `type` (JSON) holding `value` (JSON), converted.
  std::string One(const std::string& type, const std::string& value) {
    return Convert(R"({"properties":{"x":{"type":)" + type + "}}}", R"({"x":)" + value + "}");
  }
  Arena arena_;
  JsonParser parser_;
};

TEST_F(SchemaTypesTest, MapFollowsPropertiesItemsTypeArraysAndLocalRefs) {
  SchemaTypes t = Types(R"({
    "type": "object",
    "definitions": {"zip": {"type": "string"}, "loop": {"$ref": "#/definitions/loop"}},
    "$defs": {"n": {"type": ["integer", "null"]}},
    "properties": {
      "zip": {"$ref": "#/definitions/zip"},
      "n": {"$ref": "#/$defs/n"},
      "loop": {"$ref": "#/definitions/loop"},
      "remote": {"$ref": "other.json#/definitions/zip"},
      "any": {"anyOf": [{"type": "string"}, {"type": "integer"}]},
      "tags": {"type": "array", "items": {"type": "string"}},
      "tuple": {"type": "array", "items": [{"type": "string"}]},
      "addr": {"type": "object", "properties": {"city": {"type": "string"}}}}})");
  EXPECT_EQ(t.properties.at("zip").types, SchemaTypes::kString);
  EXPECT_EQ(t.properties.at("n").types, SchemaTypes::kInteger | SchemaTypes::kNull);
  // What cannot be resolved is left out, never guessed.
  EXPECT_EQ(t.properties.count("loop"), 0u);
  EXPECT_EQ(t.properties.count("remote"), 0u);
  EXPECT_EQ(t.properties.count("any"), 0u);
  EXPECT_EQ(t.properties.count("tuple"), 0u);  // a tuple "items" is skipped
  ASSERT_NE(t.properties.at("tags").items, nullptr);
  EXPECT_EQ(t.properties.at("tags").items->types, SchemaTypes::kString);
  EXPECT_EQ(t.properties.at("addr").properties.at("city").types, SchemaTypes::kString);
  EXPECT_TRUE(Types(R"({"description": "no types"})").empty());
}

TEST_F(SchemaTypesTest, StringWantedKeepsTheLiteralTextExactly) {
  EXPECT_EQ(One(R"("string")", "12345"), R"({"x":"12345"})");
  EXPECT_EQ(One(R"("string")", "-42"), R"({"x":"-42"})");
  EXPECT_EQ(One(R"("string")", "1.50"), R"({"x":"1.50"})");
  EXPECT_EQ(One(R"("string")", "2E+10"), R"({"x":"2E+10"})");
  EXPECT_EQ(One(R"("string")", "true"), R"({"x":"true"})");
  EXPECT_EQ(One(R"("string")", "false"), R"({"x":"false"})");
  EXPECT_EQ(One(R"("string")", R"("02134")"), R"({"x":"02134"})");
  // A null (an empty CSV field) becomes "" only when null is not allowed.
  EXPECT_EQ(One(R"("string")", "null"), R"({"x":""})");
  EXPECT_EQ(One(R"(["string","null"])", "null"), R"({"x":null})");
  // A type the schema also allows is kept.
  EXPECT_EQ(One(R"(["string","number"])", "7"), R"({"x":7})");
}

TEST_F(SchemaTypesTest, NumberWantedParsesWholeJsonNumbers) {
  EXPECT_EQ(One(R"("integer")", R"("7")"), R"({"x":7})");
  EXPECT_EQ(One(R"("integer")", R"("-7")"), R"({"x":-7})");
  EXPECT_EQ(One(R"("integer")", R"("1e3")"), R"({"x":1e3})");  // integral
  EXPECT_EQ(One(R"("integer")", R"("7.5")"), R"({"x":"7.5"})");  // not integral: left for validation
  EXPECT_EQ(One(R"("number")", R"("7.5")"), R"({"x":7.5})");
  EXPECT_EQ(One(R"("number")", R"("-2.5E-3")"), R"({"x":-2.5E-3})");
  // Not JSON numbers: kept as they are.
  for (const char* s : {R"("02134")", R"("+1")", R"(".5")", R"("1.")", R"(" 7")", R"("7 ")", R"("")", R"("0x1F")"}) {
    EXPECT_EQ(One(R"("number")", s), std::string(R"({"x":)") + s + "}") << s;
  }
  EXPECT_EQ(One(R"("integer")", "true"), R"({"x":true})");  // no rule from boolean to number
}

TEST_F(SchemaTypesTest, BooleanAndNullWanted) {
  EXPECT_EQ(One(R"("boolean")", R"("true")"), R"({"x":true})");
  EXPECT_EQ(One(R"("boolean")", R"("false")"), R"({"x":false})");
  EXPECT_EQ(One(R"("boolean")", R"("TRUE")"), R"({"x":"TRUE"})");
  EXPECT_EQ(One(R"("boolean")", R"("1")"), R"({"x":"1"})");
  EXPECT_EQ(One(R"(["integer","null"])", R"("")"), R"({"x":null})");
  EXPECT_EQ(One(R"(["integer","null"])", R"("5")"), R"({"x":5})");
  EXPECT_EQ(One(R"(["string","null"])", R"("")"), R"({"x":""})");  // string allowed: kept
}

TEST_F(SchemaTypesTest, NestedObjectsArraysAndUnknownFields) {
  const std::string schema = R"({"properties": {
      "a": {"properties": {"zip": {"type": "string"}}},
      "ids": {"items": {"type": "string"}},
      "n": {"type": "integer"}}})";
  EXPECT_EQ(Convert(schema, R"({"a":{"zip":1001,"other":5},"ids":[1,"x",2.0],"n":"3","free":"4","z":1})"),
            R"({"a":{"zip":"1001","other":5},"ids":["1","x","2.0"],"n":3,"free":"4","z":1})");
  // A container where the schema expects a scalar (or the reverse) is left alone.
  EXPECT_EQ(Convert(schema, R"({"a":"text","ids":"1","n":[1]})"), R"({"a":"text","ids":"1","n":[1]})");
}

}  // namespace
}  // namespace ferry::internal
