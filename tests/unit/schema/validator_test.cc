// Copyright (c) the Ferry authors.
//
// Behaviour of the draft-07 validator (include/ferry/schema.h): semantics
// Ferry relies on, error pointers/keywords/messages, error order, compile
// errors, and sharing one compiled schema between threads.

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "ferry/json.h"
#include "ferry/schema.h"
#include "util/test_util.h"

namespace ferry {
namespace {

std::shared_ptr<const CompiledSchema> MustCompile(std::string_view schema, SchemaCompileOptions options = {}) {
  Result<std::shared_ptr<const CompiledSchema>> r = CompileSchemaJson(schema, options);
  EXPECT_TRUE(r.ok()) << r.status().ToString() << " for " << schema;
  return r.ok() ? r.value() : nullptr;
}

class ValidatorTest : public ::testing::Test {
 protected:
  // Validates JSON text `doc` against `schema`, checking that both entry
  // points agree; returns the errors.
  std::vector<SchemaError> Errors(const CompiledSchema& schema, std::string_view doc,
                                  size_t max_errors = CompiledSchema::kAllErrors) {
    Value v = test::ParseJson(doc, arena_);
    std::vector<SchemaError> errors;
    bool valid = schema.Validate(v, &errors, max_errors);
    EXPECT_EQ(valid, schema.IsValid(v)) << doc;
    EXPECT_EQ(valid, errors.empty()) << doc;
    return errors;
  }
  bool Valid(std::string_view schema, std::string_view doc) {
    auto s = MustCompile(schema);
    if (s == nullptr) return false;
    return s->IsValid(test::ParseJson(doc, arena_));
  }

  Arena arena_;
};

// --- semantics --------------------------------------------------------------

TEST_F(ValidatorTest, IntegerAcceptsIntegralFloat) {
  EXPECT_TRUE(Valid(R"({"type":"integer"})", "1.0"));
  EXPECT_TRUE(Valid(R"({"type":"integer"})", "1e2"));
  EXPECT_TRUE(Valid(R"({"type":"integer"})", "-0"));
  EXPECT_FALSE(Valid(R"({"type":"integer"})", "1.5"));
  EXPECT_FALSE(Valid(R"({"type":"integer"})", "\"1\""));
}

TEST_F(ValidatorTest, IntegerRejectsLiteralBeyondDoubleRange) {
  // As JavaScript's Number.isInteger (the peers' definition): Infinity is not
  // an integer, whether written 1e400 or with 400 digits.
  EXPECT_FALSE(Valid(R"({"type":"integer"})", "1e400"));
  EXPECT_FALSE(Valid(R"({"type":"integer"})", "1" + std::string(400, '0')));
  EXPECT_TRUE(Valid(R"({"type":"integer"})", "1" + std::string(50, '0')));
}

TEST_F(ValidatorTest, LengthCountsCodePoints) {
  EXPECT_TRUE(Valid(R"({"maxLength":2})", "\"\xC3\xA9\xF0\x9F\x92\xA9\""));  // é + U+1F4A9
  EXPECT_FALSE(Valid(R"({"minLength":3})", "\"\xC3\xA9\xF0\x9F\x92\xA9\""));
}

TEST_F(ValidatorTest, DuplicateKeysLastOneWins) {
  const char* schema = R"({"properties":{"a":{"type":"integer"}},"required":["a"]})";
  EXPECT_TRUE(Valid(schema, R"({"a":"x","a":1})"));
  EXPECT_FALSE(Valid(schema, R"({"a":1,"a":"x"})"));
  // Shadowed duplicates are not counted as extra properties either.
  EXPECT_TRUE(Valid(R"({"maxProperties":1})", R"({"a":1,"a":2})"));
}

TEST_F(ValidatorTest, UniqueItemsUsesJsonEquality) {
  EXPECT_FALSE(Valid(R"({"uniqueItems":true})", "[1, 1.0]"));
  EXPECT_FALSE(Valid(R"({"uniqueItems":true})", R"([{"a":1,"b":2},{"b":2,"a":1}])"));
  EXPECT_TRUE(Valid(R"({"uniqueItems":true})", "[0, false, null, \"0\"]"));
}

TEST_F(ValidatorTest, FormatIsAnAnnotationUnlessAsserted) {
  EXPECT_TRUE(Valid(R"({"format":"date"})", "\"not a date\""));
  SchemaCompileOptions options;
  options.assert_formats = true;
  auto s = MustCompile(R"({"format":"date"})", options);
  ASSERT_NE(s, nullptr);
  EXPECT_FALSE(s->IsValid(test::ParseJson("\"2024-02-30\"", arena_)));
  EXPECT_TRUE(s->IsValid(test::ParseJson("\"2024-02-29\"", arena_)));
}

TEST_F(ValidatorTest, RefIgnoresSiblingKeywords) {
  const char* schema = R"({"definitions":{"s":{"type":"string"}},
      "properties":{"a":{"$ref":"#/definitions/s","maxLength":1}}})";
  EXPECT_TRUE(Valid(schema, R"({"a":"long string"})"));
  EXPECT_FALSE(Valid(schema, R"({"a":1})"));
}

TEST_F(ValidatorTest, RecursiveRefValidatesTrees) {
  const char* schema = R"({"type":"object","required":["v"],
      "properties":{"v":{"type":"integer"},"kids":{"type":"array","items":{"$ref":"#"}}}})";
  EXPECT_TRUE(Valid(schema, R"({"v":1,"kids":[{"v":2},{"v":3,"kids":[{"v":4}]}]})"));
  EXPECT_FALSE(Valid(schema, R"({"v":1,"kids":[{"v":2},{"v":3,"kids":[{"v":"4"}]}]})"));
}

TEST_F(ValidatorTest, LocationIndependentIdentifierAndEscapedPointers) {
  const char* schema = R"({"definitions":{"a/b":{"$id":"#ab","type":"integer"},"c~d":{"type":"string"},
      "e%f":{"type":"null"}},
      "properties":{"x":{"$ref":"#ab"},"y":{"$ref":"#/definitions/c~0d"},"z":{"$ref":"#/definitions/e%25f"},
      "w":{"$ref":"#/definitions/a~1b"}}})";
  EXPECT_TRUE(Valid(schema, R"({"x":1,"y":"s","z":null,"w":2})"));
  EXPECT_FALSE(Valid(schema, R"({"x":"1"})"));
  EXPECT_FALSE(Valid(schema, R"({"y":1})"));
  EXPECT_FALSE(Valid(schema, R"({"z":1})"));
  EXPECT_FALSE(Valid(schema, R"({"w":"2"})"));
}

TEST_F(ValidatorTest, RegistryResolvesRemoteRefsAndIds) {
  SchemaRegistry registry;
  ASSERT_OK(registry.RegisterJson("http://example.com/defs.json",
                                  R"({"definitions":{"id":{"type":"string","minLength":1}},
                                      "items":{"$id":"http://example.com/other.json","type":"boolean"}})"));
  EXPECT_TRUE(registry.Contains("http://example.com/defs.json"));
  EXPECT_TRUE(registry.Contains("http://example.com/other.json"));
  SchemaCompileOptions options;
  options.base_uri = "http://example.com/main.json";
  auto r = registry.CompileJson(R"({"properties":{"id":{"$ref":"defs.json#/definitions/id"},
                                    "ok":{"$ref":"other.json"}}})", options);
  ASSERT_OK(r.status());
  EXPECT_TRUE(r.value()->IsValid(test::ParseJson(R"({"id":"a","ok":true})", arena_)));
  EXPECT_FALSE(r.value()->IsValid(test::ParseJson(R"({"id":""})", arena_)));
  EXPECT_FALSE(r.value()->IsValid(test::ParseJson(R"({"ok":1})", arena_)));

  auto by_uri = registry.CompileUri("http://example.com/defs.json#/definitions/id");
  ASSERT_OK(by_uri.status());
  EXPECT_TRUE(by_uri.value()->IsValid(test::ParseJson("\"x\"", arena_)));
  EXPECT_TRUE(registry.CompileUri("http://example.com/nothing.json").status().IsNotFound());
}

TEST_F(ValidatorTest, MetaSchemaIsBuiltIn) {
  auto meta = MustCompile(R"({"$ref":"http://json-schema.org/draft-07/schema#"})");
  ASSERT_NE(meta, nullptr);
  EXPECT_TRUE(meta->IsValid(test::ParseJson(R"({"type":"integer","minimum":0})", arena_)));
  std::vector<SchemaError> errors = Errors(*meta, R"({"type":"intger"})");
  ASSERT_FALSE(errors.empty());
  EXPECT_EQ(errors[0].instance_pointer, "/type");
  EXPECT_EQ(errors[0].keyword, "anyOf");
}

TEST_F(ValidatorTest, CompiledSchemaOwnsItsValues) {
  std::shared_ptr<const CompiledSchema> s;
  {
    SchemaRegistry registry;
    Arena schema_arena;
    Value schema = test::ParseJson(R"({"enum":[{"k":"v"},"x"],"properties":{"c":{"const":[1,"two"]}}})",
                                   schema_arena);
    auto r = registry.Compile(schema);
    ASSERT_OK(r.status());
    s = r.value();
  }  // the registry and the schema's memory are gone
  EXPECT_TRUE(s->IsValid(test::ParseJson(R"({"k":"v"})", arena_)));
  EXPECT_FALSE(s->IsValid(test::ParseJson(R"({"k":"w"})", arena_)));
  EXPECT_FALSE(s->IsValid(test::ParseJson(R"({"k":"v","c":[1,"three"]})", arena_)));
}

// --- errors -----------------------------------------------------------------

TEST_F(ValidatorTest, TypeErrorNamesExpectedAndActual) {
  auto s = MustCompile(R"({"properties":{"exercises":{"items":{"properties":{"sets":{"type":"integer"}}}}}})");
  ASSERT_NE(s, nullptr);
  std::vector<SchemaError> errors = Errors(*s, R"({"exercises":[{"sets":1},{"sets":2},{"sets":"4"}]})");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].instance_pointer, "/exercises/2/sets");
  EXPECT_EQ(errors[0].keyword, "type");
  EXPECT_EQ(errors[0].message, "expected integer, got string \"4\"");
}

TEST_F(ValidatorTest, RequiredPointsAtTheObjectAndNamesTheProperty) {
  auto s = MustCompile(R"({"properties":{"items":{"items":{"required":["id","name"]}}}})");
  ASSERT_NE(s, nullptr);
  std::vector<SchemaError> errors = Errors(*s, R"({"items":[{"id":1,"name":"a"},{"name":"b"}]})");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].instance_pointer, "/items/1");
  EXPECT_EQ(errors[0].keyword, "required");
  EXPECT_EQ(errors[0].message, "missing required property \"id\" (at \"/items/1/id\")");
}

TEST_F(ValidatorTest, PointerTokensAreEscaped) {
  auto s = MustCompile(R"({"properties":{"a/b~c":{"type":"string"}}})");
  ASSERT_NE(s, nullptr);
  std::vector<SchemaError> errors = Errors(*s, R"({"a/b~c":1})");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].instance_pointer, "/a~1b~0c");
  EXPECT_EQ(errors[0].message, "expected string, got integer 1");
}

TEST_F(ValidatorTest, ErrorsFollowSchemaKeywordOrder) {
  auto s = MustCompile(R"({"required":["b","c"],
                           "properties":{"z":{"type":"string"},"a":{"minimum":10}},
                           "minProperties":5,
                           "allOf":[{"properties":{"a":{"multipleOf":3}}}],
                           "type":"array"})");
  ASSERT_NE(s, nullptr);
  std::vector<SchemaError> errors = Errors(*s, R"({"a":7,"z":1})");
  std::vector<std::pair<std::string, std::string>> got;
  for (const SchemaError& e : errors) got.emplace_back(e.instance_pointer, e.keyword);
  std::vector<std::pair<std::string, std::string>> want = {
      {"", "required"}, {"", "required"}, {"/z", "type"}, {"/a", "minimum"},
      {"", "minProperties"}, {"/a", "multipleOf"}, {"", "type"}};
  EXPECT_EQ(got, want);
  EXPECT_EQ(errors[0].message, "missing required property \"b\" (at \"/b\")");
  EXPECT_EQ(errors[1].message, "missing required property \"c\" (at \"/c\")");
  EXPECT_EQ(errors[3].message, "7 is less than the minimum 10");
  EXPECT_EQ(errors[6].message, "expected array, got object");
}

TEST_F(ValidatorTest, ManyPropertiesReportInSchemaOrderWhateverTheDocumentSize) {
  // 100 properties, declared p99 first: a small document is checked by its
  // own members, a large one by the declared names; both report in schema
  // order, and a duplicate member counts by its last occurrence.
  std::string schema = R"({"properties":{)";
  for (int i = 99; i >= 0; --i) schema += (i == 99 ? "" : ",") + std::string("\"p") + std::to_string(i) + R"(":{"type":"integer"})";
  schema += "}}";
  auto s = MustCompile(schema);
  ASSERT_NE(s, nullptr);
  std::string small = R"({"p1":"x","p98":"y","p5":"bad","p5":2,"extra":"z"})";
  std::string large = R"({"p1":"x","p98":"y","p5":"bad","p5":2)";
  for (int i = 0; i < 70; ++i) large += ",\"q" + std::to_string(i) + "\":0";
  large += "}";
  for (const std::string& doc : {small, large}) {
    std::vector<std::string> pointers;
    for (const SchemaError& e : Errors(*s, doc)) pointers.push_back(e.instance_pointer);
    EXPECT_EQ(pointers, (std::vector<std::string>{"/p98", "/p1"})) << doc;
  }
  EXPECT_TRUE(s->IsValid(test::ParseJson(R"({"p5":"bad","p5":2,"p7":1})", arena_)));
  EXPECT_FALSE(s->IsValid(test::ParseJson(R"({"p5":2,"p5":"bad","p7":1})", arena_)));
}

TEST_F(ValidatorTest, MaxErrorsStopsCollecting) {
  auto s = MustCompile(R"({"items":{"type":"string"}})");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(Errors(*s, "[1,2,3,4]").size(), 4u);
  std::vector<SchemaError> errors = Errors(*s, "[1,2,3,4]", 2);
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[1].instance_pointer, "/1");
}

TEST_F(ValidatorTest, ThenBranchReportsItsOwnKeywords) {
  auto s = MustCompile(R"({"items":{"if":{"properties":{"kind":{"const":"a"}}},
                                    "then":{"required":["n"]},"else":{"properties":{"n":{"type":"null"}}}}})");
  ASSERT_NE(s, nullptr);
  std::vector<SchemaError> errors = Errors(*s, R"([{"kind":"b","n":1},{"kind":"a"}])");
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].instance_pointer, "/0/n");
  EXPECT_EQ(errors[0].keyword, "type");
  EXPECT_EQ(errors[1].instance_pointer, "/1");
  EXPECT_EQ(errors[1].keyword, "required");
}

TEST_F(ValidatorTest, AlternativesQuoteTheirFirstError) {
  auto s = MustCompile(R"({"anyOf":[{"type":"string"},{"required":["id"]}]})");
  ASSERT_NE(s, nullptr);
  std::vector<SchemaError> errors = Errors(*s, "{}");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].keyword, "anyOf");
  EXPECT_EQ(errors[0].message,
            "value matches none of the 2 alternatives of anyOf (#0: expected string, got object; "
            "#1: missing required property \"id\" (at \"/id\"))");

  auto one = MustCompile(R"({"oneOf":[{"type":"integer"},{"minimum":0}]})");
  ASSERT_NE(one, nullptr);
  errors = Errors(*one, "3");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].message, "value matches alternatives #0 and #1 of oneOf; exactly one must match");
}

TEST_F(ValidatorTest, OtherKeywordMessages) {
  struct Case {
    const char* schema;
    const char* doc;
    const char* pointer;
    const char* keyword;
    const char* message;
  };
  const Case cases[] = {
      {R"({"enum":["work","rest"]})", "\"walk\"", "", "enum", "\"walk\" is not one of the allowed values [\"work\", \"rest\"]"},
      {R"({"const":"unified-1"})", "\"unified-2\"", "", "const", "expected \"unified-1\", got \"unified-2\""},
      {R"({"minItems":1})", "[]", "", "minItems", "array has 0 items, fewer than minItems 1"},
      {R"({"maxLength":2})", "\"abc\"", "", "maxLength", "string is 3 characters long, more than maxLength 2"},
      {R"({"pattern":"^a"})", "\"b\"", "", "pattern", "string \"b\" does not match the pattern \"^a\""},
      {R"({"multipleOf":2})", "7", "", "multipleOf", "7 is not a multiple of 2"},
      {R"({"exclusiveMaximum":5})", "5", "", "exclusiveMaximum", "5 is not less than 5"},
      {R"({"uniqueItems":true})", "[1,2,1]", "", "uniqueItems", "items 0 and 2 are equal; all items must be unique"},
      {R"({"contains":{"type":"string"}})", "[1]", "", "contains", "none of the 1 items matches the \"contains\" schema"},
      {R"({"not":{"type":"string"}})", "\"s\"", "", "not", "value must not match the schema in \"not\""},
      {R"({"properties":{"a":false}})", R"({"a":1})", "/a", "false", "no value is allowed here (the schema is false)"},
      {R"({"properties":{"a":{}},"additionalProperties":false})", R"({"a":1,"b":2})", "/b", "additionalProperties",
       "property \"b\" is not allowed (additionalProperties is false)"},
      {R"({"items":[{}],"additionalItems":false})", "[1,2]", "", "additionalItems",
       "array has 2 items; at most 1 are allowed"},
      {R"({"dependencies":{"a":["b"]}})", R"({"a":1})", "", "dependencies",
       "property \"a\" requires property \"b\" (at \"/b\")"},
      {R"({"propertyNames":{"maxLength":2}})", R"({"abc":1})", "/abc", "propertyNames",
       "property name \"abc\" is invalid: string is 3 characters long, more than maxLength 2"},
  };
  for (const Case& c : cases) {
    auto s = MustCompile(c.schema);
    ASSERT_NE(s, nullptr);
    std::vector<SchemaError> errors = Errors(*s, c.doc);
    ASSERT_EQ(errors.size(), 1u) << c.schema;
    EXPECT_EQ(errors[0].instance_pointer, c.pointer) << c.schema;
    EXPECT_EQ(errors[0].keyword, c.keyword) << c.schema;
    EXPECT_EQ(errors[0].message, c.message) << c.schema;
  }
}

// --- compile errors ---------------------------------------------------------

TEST_F(ValidatorTest, CompileErrorsNameTheSchemaPointer) {
  struct Case {
    const char* schema;
    const char* message;
  };
  const Case cases[] = {
      {R"({"properties":{"n":{"type":"int"}}})", "schema \"#/properties/n/type\": unknown type name \"int\""},
      {R"({"type":["string","lst"]})", "schema \"#/type/1\": unknown type name \"lst\""},
      {R"({"items":{"pattern":"(unclosed"}})", "schema \"#/items/pattern\": bad regular expression \"(unclosed\""},
      {R"({"patternProperties":{"[":{}}})", "schema \"#/patternProperties/[\": bad regular expression \"[\""},
      {R"({"allOf":[{"$ref":"#/definitions/missing"}]})",
       "schema \"#/allOf/0/$ref\": unresolvable $ref \"#/definitions/missing\""},
      {R"({"$ref":"http://nowhere.example/x.json"})", "schema \"#/$ref\": unresolvable $ref"},
      {R"({"minLength":-1})", "schema \"#/minLength\": must be a non-negative integer"},
      {R"({"properties":{"a":3}})", "schema \"#/properties/a\": a schema must be an object or a boolean"},
      {R"({"definitions":{"a":{"$ref":"#/definitions/b"},"b":{"$ref":"#/definitions/a"}},"$ref":"#/definitions/a"})",
       "$ref cycle never reaches a schema keyword"},
  };
  for (const Case& c : cases) {
    Result<std::shared_ptr<const CompiledSchema>> r = CompileSchemaJson(c.schema);
    ASSERT_FALSE(r.ok()) << c.schema;
    EXPECT_TRUE(r.status().IsProjectError()) << r.status().ToString();
    EXPECT_NE(r.status().message().find(c.message), std::string::npos)
        << r.status().message() << "\n  wanted: " << c.message;
  }
  EXPECT_TRUE(CompileSchemaJson("{").status().IsParseError());
}

TEST_F(ValidatorTest, SchemaLoopsWithoutProgressAreBounded) {
  // Valid JSON Schema, but evaluation would never end: it is cut off and
  // reported instead of overflowing the stack.
  auto s = MustCompile(R"({"allOf":[{"$ref":"#"}]})");
  ASSERT_NE(s, nullptr);
  std::vector<SchemaError> errors = Errors(*s, "1", 1);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].keyword, "$ref");
}

TEST_F(ValidatorTest, DeepDocumentsWithinTheParserLimitValidate) {
  // 500 levels (the parser accepts 512), each through items -> $ref.
  auto s = MustCompile(R"({"type":["array","integer"],"items":{"$ref":"#"}})");
  ASSERT_NE(s, nullptr);
  std::string deep = std::string(500, '[') + "1" + std::string(500, ']');
  EXPECT_TRUE(Errors(*s, deep).empty());
  std::string bad = std::string(500, '[') + "\"x\"" + std::string(500, ']');
  std::vector<SchemaError> errors = Errors(*s, bad);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].keyword, "type");
  EXPECT_EQ(errors[0].instance_pointer.size(), 2u * 500);  // "/0" per array
}

// --- threads ----------------------------------------------------------------

TEST_F(ValidatorTest, OneCompiledSchemaIsSharedByTwoThreads) {
  auto s = MustCompile(R"({"type":"object","required":["id"],
      "properties":{"id":{"type":"string","pattern":"^w-[0-9]+$"},
                    "sets":{"type":"array","items":{"type":"integer","minimum":1}}}})");
  ASSERT_NE(s, nullptr);
  std::atomic<int> mismatches{0};
  auto worker = [&](int seed) {
    Arena arena;
    JsonParser parser;
    for (int i = 0; i < 5000; ++i) {
      bool bad = (i + seed) % 3 == 0;
      std::string doc = std::string(R"({"id":"w-)") + std::to_string(i) + R"(","sets":[1,2,)" +
                        (bad ? "0" : "3") + "]}";
      Result<Value> v = parser.Parse(doc, arena);
      if (!v.ok()) {
        ++mismatches;
        continue;
      }
      std::vector<SchemaError> errors;
      bool valid = s->Validate(v.value(), &errors);
      if (valid == bad || s->IsValid(v.value()) == bad) ++mismatches;
      if (bad && (errors.size() != 1 || errors[0].instance_pointer != "/sets/2")) ++mismatches;
      arena.Reset();
    }
  };
  std::thread a(worker, 0), b(worker, 1);
  a.join();
  b.join();
  EXPECT_EQ(mismatches.load(), 0);
}

}  // namespace
}  // namespace ferry
