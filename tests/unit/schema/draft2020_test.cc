// Copyright (c) the Ferry authors.
//
// Drafts 2020-12 and 2019-09 (include/ferry/schema.h): the draft chosen by
// "$schema" (draft-07 by default) per schema resource, the keywords new in
// those drafts with the same error detail as draft-07 (instance pointer,
// keyword), "unevaluatedProperties" resolved at compile time and at run
// time alike, "$dynamicRef", vocabularies, and the built-in meta-schemas.

#include <memory>
#include <string>
#include <vector>

#include "ferry/json.h"
#include "ferry/schema.h"
#include "util/test_util.h"

namespace ferry {
namespace {

constexpr std::string_view k2020 = R"("$schema":"https://json-schema.org/draft/2020-12/schema",)";
constexpr std::string_view k2019 = R"("$schema":"https://json-schema.org/draft/2019-09/schema",)";

// `{` + "$schema" of 2020-12 + the rest of an object's text.
std::string Modern(std::string_view rest, std::string_view schema_member = k2020) {
  return "{" + std::string(schema_member) + std::string(rest);
}

class Draft2020Test : public ::testing::Test {
 protected:
  std::shared_ptr<const CompiledSchema> Compile(const std::string& schema) {
    Result<std::shared_ptr<const CompiledSchema>> r = registry_.CompileJson(schema);
    EXPECT_TRUE(r.ok()) << r.status().ToString() << " for " << schema;
    return r.ok() ? r.value() : nullptr;
  }
  // The errors of JSON text `doc`; both entry points must agree.
  std::vector<SchemaError> Errors(const std::string& schema, std::string_view doc) {
    auto s = Compile(schema);
    if (s == nullptr) return {SchemaError{"", "compile", "", ""}};
    Value v = test::ParseJson(doc, arena_);
    std::vector<SchemaError> errors;
    bool valid = s->Validate(v, &errors);
    EXPECT_EQ(valid, s->IsValid(v)) << doc;
    EXPECT_EQ(valid, errors.empty()) << doc;
    return errors;
  }
  bool Valid(const std::string& schema, std::string_view doc) { return Errors(schema, doc).empty(); }

  SchemaRegistry registry_;
  Arena arena_;
};

TEST_F(Draft2020Test, RefBesideKeywordsIsIgnoredInDraft07AndAppliedIn2020) {
  const std::string rest = R"("definitions":{"s":{"type":"string"}},"$ref":"#/definitions/s","maxLength":2})";
  EXPECT_TRUE(Valid("{" + rest, "\"abc\""));        // draft-07 by default: maxLength ignored
  EXPECT_FALSE(Valid(Modern(rest), "\"abc\""));     // 2020-12: both apply
  EXPECT_FALSE(Valid(Modern(rest, k2019), "\"abc\""));
  EXPECT_FALSE(Valid(Modern(rest), "1"));
}

TEST_F(Draft2020Test, DefsAnchorAndPrefixItemsReportPointerAndKeyword) {
  const std::string schema = Modern(R"("$defs":{"n":{"$anchor":"num","type":"integer"}},
      "prefixItems":[{"$ref":"#num"},{"type":"string"}],"items":false})");
  EXPECT_TRUE(Valid(schema, R"([1,"a"])"));
  std::vector<SchemaError> errors = Errors(schema, R"(["x","a",3])");
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].instance_pointer, "/0");
  EXPECT_EQ(errors[0].keyword, "type");
  EXPECT_EQ(errors[1].instance_pointer, "");
  EXPECT_EQ(errors[1].keyword, "items");
}

TEST_F(Draft2020Test, ContainsCountsMatchesAgainstMinAndMaxContains) {
  const std::string schema = Modern(R"("contains":{"const":1},"minContains":2,"maxContains":3})");
  EXPECT_FALSE(Valid(schema, "[1]"));
  EXPECT_TRUE(Valid(schema, "[1,1,2]"));
  EXPECT_FALSE(Valid(schema, "[1,1,1,1]"));
  EXPECT_EQ(Errors(schema, "[1]")[0].keyword, "minContains");
  EXPECT_EQ(Errors(schema, "[1,1,1,1]")[0].keyword, "maxContains");
  EXPECT_TRUE(Valid(Modern(R"("contains":false,"minContains":0})"), "[1]"));
  // Draft-07 knows no minContains: one match is enough.
  EXPECT_TRUE(Valid(R"({"contains":{"const":1},"minContains":2})", "[1]"));
}

TEST_F(Draft2020Test, DependentRequiredAndDependentSchemas) {
  const std::string schema = Modern(R"("dependentRequired":{"a":["b"]},
      "dependentSchemas":{"c":{"required":["d"]}}})");
  EXPECT_TRUE(Valid(schema, R"({"a":1,"b":2,"c":3,"d":4})"));
  std::vector<SchemaError> errors = Errors(schema, R"({"a":1,"c":3})");
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].keyword, "dependentRequired");
  EXPECT_EQ(errors[0].field_pointer, "/b");
  EXPECT_EQ(errors[1].keyword, "required");
  EXPECT_EQ(errors[1].field_pointer, "/d");
}

TEST_F(Draft2020Test, UnevaluatedPropertiesWithLocalPropertiesActsAsAdditionalProperties) {
  const std::string schema = Modern(R"("properties":{"a":true},"patternProperties":{"^x":true},
      "unevaluatedProperties":false})");
  EXPECT_TRUE(Valid(schema, R"({"a":1,"x1":2})"));
  std::vector<SchemaError> errors = Errors(schema, R"({"a":1,"b":2})");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].instance_pointer, "/b");
  EXPECT_EQ(errors[0].keyword, "unevaluatedProperties");
  EXPECT_EQ(errors[0].message, "property \"b\" is not allowed (unevaluatedProperties is false)");
}

TEST_F(Draft2020Test, UnevaluatedPropertiesSeesOnlyValidSubschemas) {
  const std::string schema = Modern(R"("$defs":{"base":{"properties":{"id":true}}},"$ref":"#/$defs/base",
      "anyOf":[{"properties":{"a":true},"required":["a"]},{"properties":{"b":true},"required":["b"]}],
      "if":{"properties":{"kind":{"const":"x"}}},"then":{"properties":{"x":true}},
      "not":{"properties":{"n":true},"required":["never"]},
      "unevaluatedProperties":false})");
  EXPECT_TRUE(Valid(schema, R"({"id":1,"a":1})"));
  EXPECT_TRUE(Valid(schema, R"({"id":1,"a":1,"b":2})"));            // both anyOf branches valid
  EXPECT_TRUE(Valid(schema, R"({"id":1,"a":1,"kind":"x","x":1})"));  // if and then evaluate
  std::vector<SchemaError> errors = Errors(schema, R"({"id":1,"a":1,"b":[],"kind":"y","x":1,"n":1})");
  // b is evaluated by the valid second branch; kind by no valid "if"; x and
  // n by no valid subschema.
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_EQ(errors[0].instance_pointer, "/kind");
  EXPECT_EQ(errors[1].instance_pointer, "/x");
  EXPECT_EQ(errors[2].instance_pointer, "/n");
  EXPECT_EQ(errors[0].keyword, "unevaluatedProperties");
}

TEST_F(Draft2020Test, UnevaluatedPropertiesIgnoresNestedInstances) {
  const std::string schema = Modern(R"("properties":{"o":{"properties":{"a":true}}},
      "allOf":[true],"unevaluatedProperties":false})");
  EXPECT_TRUE(Valid(schema, R"({"o":{"a":1,"b":2}})"));
  EXPECT_FALSE(Valid(schema, R"({"o":{},"p":1})"));
}

TEST_F(Draft2020Test, UnevaluatedItemsAfterPrefixItemsAndContains) {
  const std::string schema = Modern(R"("prefixItems":[true],"contains":{"type":"string"},
      "unevaluatedItems":{"type":"integer"}})");
  EXPECT_TRUE(Valid(schema, R"([null,"a",1,"b"])"));
  std::vector<SchemaError> errors = Errors(schema, R"([null,"a",true])");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].instance_pointer, "/2");
  EXPECT_EQ(errors[0].keyword, "type");
  const std::string closed = Modern(R"("prefixItems":[true],"unevaluatedItems":false})");
  EXPECT_TRUE(Valid(closed, "[1]"));
  EXPECT_EQ(Errors(closed, "[1,2]")[0].keyword, "unevaluatedItems");
}

TEST_F(Draft2020Test, DynamicRefResolvesToTheOutermostDynamicAnchor) {
  ASSERT_OK(registry_.RegisterJson("http://x/tree", Modern(R"("$id":"http://x/tree","$dynamicAnchor":"node",
      "type":"object","properties":{"kids":{"type":"array","items":{"$dynamicRef":"#node"}}}})")));
  const std::string strict = Modern(R"("$id":"http://x/strict","$dynamicAnchor":"node",
      "$ref":"tree","unevaluatedProperties":false})");
  EXPECT_TRUE(Valid(strict, R"({"kids":[{"kids":[]}]})"));
  std::vector<SchemaError> errors = Errors(strict, R"({"kids":[{"kidz":[]}]})");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].instance_pointer, "/kids/0/kidz");
  EXPECT_EQ(errors[0].keyword, "unevaluatedProperties");
  // Through the tree alone, the anchor is the tree's: extra members pass.
  auto tree = registry_.CompileUri("http://x/tree");
  ASSERT_OK(tree.status());
  EXPECT_TRUE(tree.value()->IsValid(test::ParseJson(R"({"kids":[{"kidz":[]}]})", arena_)));
}

TEST_F(Draft2020Test, RecursiveRefExtendsThe2019Tree) {
  ASSERT_OK(registry_.RegisterJson("http://x/tree19", Modern(R"("$id":"http://x/tree19","$recursiveAnchor":true,
      "type":"object","properties":{"kids":{"type":"array","items":{"$recursiveRef":"#"}}}})", k2019)));
  const std::string strict = Modern(R"("$id":"http://x/strict19","$recursiveAnchor":true,
      "$ref":"tree19","unevaluatedProperties":false})", k2019);
  EXPECT_TRUE(Valid(strict, R"({"kids":[{"kids":[]}]})"));
  EXPECT_FALSE(Valid(strict, R"({"kids":[{"kidz":[]}]})"));
}

TEST_F(Draft2020Test, DraftsMixAcrossRefsPerResource) {
  // A draft-07 document referenced from 2020-12 keeps draft-07 rules ($ref
  // overrides its siblings there), and the other way round.
  ASSERT_OK(registry_.RegisterJson("http://x/d7", R"({"$schema":"http://json-schema.org/draft-07/schema#",
      "definitions":{"s":{"type":"string"}},"$ref":"#/definitions/s","maxLength":1})"));
  ASSERT_OK(registry_.RegisterJson("http://x/d20", Modern(R"("$defs":{"s":{"type":"string"}},
      "$ref":"#/$defs/s","maxLength":1})")));
  EXPECT_TRUE(Valid(Modern(R"("$ref":"http://x/d7"})"), "\"abc\""));
  EXPECT_FALSE(Valid(R"({"$ref":"http://x/d20"})", "\"abc\""));
}

TEST_F(Draft2020Test, MetaSchemaWithoutValidationVocabularyTurnsValidationOff) {
  ASSERT_OK(registry_.RegisterJson("http://x/meta", Modern(R"("$id":"http://x/meta",
      "$vocabulary":{"https://json-schema.org/draft/2020-12/vocab/core":true,
                     "https://json-schema.org/draft/2020-12/vocab/applicator":true}})")));
  const std::string schema = R"({"$schema":"http://x/meta","properties":{"a":false},"minimum":5})";
  EXPECT_TRUE(Valid(schema, "1"));
  EXPECT_FALSE(Valid(schema, R"({"a":1})"));
  ASSERT_OK(registry_.RegisterJson("http://x/unknown-vocab", Modern(R"("$id":"http://x/unknown-vocab",
      "$vocabulary":{"https://json-schema.org/draft/2020-12/vocab/core":true,"http://x/vocab/new":true}})")));
  Result<std::shared_ptr<const CompiledSchema>> r = registry_.CompileJson(R"({"$schema":"http://x/unknown-vocab"})");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kProjectError);
  EXPECT_NE(r.status().message().find("http://x/vocab/new"), std::string::npos) << r.status().ToString();
}

TEST_F(Draft2020Test, BuiltInMetaSchemaChecksSchemasWithoutNetwork) {
  const std::string schema = Modern(R"("$ref":"https://json-schema.org/draft/2020-12/schema"})");
  EXPECT_TRUE(Valid(schema, R"({"$defs":{"a":{"type":"string"}},"prefixItems":[true]})"));
  EXPECT_FALSE(Valid(schema, R"({"$defs":{"a":{"type":1}}})"));
  EXPECT_FALSE(Valid(schema, R"({"minContains":-1})"));
  // 2019-09's meta-schemas recurse through "$recursiveRef".
  const std::string schema2019 = Modern(R"("$ref":"https://json-schema.org/draft/2019-09/schema"})", k2019);
  EXPECT_TRUE(Valid(schema2019, R"({"$defs":{"a":{"items":[{"type":"string"}]}}})"));
  EXPECT_FALSE(Valid(schema2019, R"({"$defs":{"a":{"items":[{"type":1}]}}})"));
  EXPECT_FALSE(Valid(schema2019, R"({"properties":{"a":{"maxContains":-1}}})"));
}

TEST_F(Draft2020Test, LoopWithoutProgressIsCutOffOnceForTheWholeDocument) {
  // "$ref" beside keywords makes loops easy to write: each member would
  // start a new descent to the stack limit (thousands of levels per member,
  // to the power of the document's depth). The first cut-off ends it all.
  const std::string schema = Modern(R"("$ref":"#","allOf":[{"additionalProperties":{"$ref":"#"}}]})");
  std::vector<SchemaError> errors = Errors(schema, R"({"a":{"b":{"c":{"d":{"e":{}}}}},"f":{"g":{"h":{}}}})");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].keyword, "$ref");
  // Cut off inside "not": still invalid, with the error at the document.
  errors = Errors(Modern(R"("not":{"$ref":"#"}})"), "1");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].instance_pointer, "");
}

TEST_F(Draft2020Test, FormatIsAnAnnotationUnlessAsserted) {
  const std::string schema = Modern(R"("format":"date"})");
  EXPECT_TRUE(Valid(schema, "\"not a date\""));
  SchemaCompileOptions options;
  options.assert_formats = true;
  auto asserted = registry_.CompileJson(schema, options);
  ASSERT_OK(asserted.status());
  EXPECT_FALSE(asserted.value()->IsValid(test::ParseJson("\"not a date\"", arena_)));
}

}  // namespace
}  // namespace ferry
