// Copyright (c) the Ferry authors.
//
// ECMA-262 patterns on RE2 (src/schema/regex.h): the translation where the
// two syntaxes differ, code-point semantics, what is refused at compile time
// (with the schema location), and linear time on long values and on
// patterns that make a backtracking engine explode.

#include <memory>
#include <string>
#include <string_view>

#include "ferry/json.h"
#include "ferry/schema.h"
#include "schema/regex.h"
#include "util/test_util.h"

namespace ferry::internal {
namespace {

std::string Translated(std::string_view pattern) {
  Result<std::string> r = TranslateEcmaRegex(pattern);
  EXPECT_TRUE(r.ok()) << pattern << ": " << r.status().ToString();
  return r.ok() ? r.value() : "";
}

bool Matches(std::string_view pattern, std::string_view text) {
  Result<std::unique_ptr<EcmaRegex>> re = EcmaRegex::Compile(pattern);
  EXPECT_TRUE(re.ok()) << pattern << ": " << re.status().ToString();
  return re.ok() && re.value()->Search(text);
}

Status CompileError(std::string_view pattern) {
  Result<std::unique_ptr<EcmaRegex>> re = EcmaRegex::Compile(pattern);
  return re.ok() ? Status::OK() : re.status();
}

TEST(EcmaRegexTranslationTest, RewritesWhatRe2ReadsDifferently) {
  EXPECT_EQ(Translated("^a+$"), "^a+$");
  EXPECT_EQ(Translated("a.b"), R"(a[^\n\r\x{2028}\x{2029}]b)");
  EXPECT_EQ(Translated(R"(\d\w\D\W)"), R"(\d\w\D\W)");
  EXPECT_EQ(Translated(R"((?<year>\d{4}))"), R"((?P<year>\d{4}))");
  EXPECT_EQ(Translated(R"(\u00e9\u{1F600}\uD83D\uDE00)"), R"(\x{E9}\x{1F600}\x{1F600})");
  EXPECT_EQ(Translated(R"(\cJ\0\v\x41)"), R"(\x{A}\x{0}\x{B}\x{41})");
  EXPECT_EQ(Translated(R"([\b])"), R"([\x{8}])");
  EXPECT_EQ(Translated(R"(\p{Letter}\P{Script=Greek}\p{gc=Lu})"), R"(\p{L}\P{Greek}\p{Lu})");
  EXPECT_EQ(Translated("[]"), R"([^\x{0}-\x{10FFFF}])");
  EXPECT_EQ(Translated("[^]"), R"([\x{0}-\x{10FFFF}])");
  EXPECT_EQ(Translated("[[:a]"), R"([\[:a])");
  EXPECT_EQ(Translated("a{2,3}b{,4}c{"), R"(a{2,3}b\{,4\}c\{)");
  EXPECT_EQ(Translated(R"(\/\-\_)"), R"(\/\-_)");
}

TEST(EcmaRegexTest, MatchesCodePointsWithEcmaClasses) {
  EXPECT_TRUE(Matches("^.$", "\xC3\xA9"));            // é is one code point
  EXPECT_TRUE(Matches(R"(^\p{L}+$)", "h\xC3\xA9llo\xE6\x97\xA5"));
  EXPECT_FALSE(Matches(R"(^\w+$)", "h\xC3\xA9llo"));  // \w is ASCII
  EXPECT_TRUE(Matches(R"(^\s$)", "\xC2\xA0"));        // U+00A0 is ECMA white space
  EXPECT_TRUE(Matches(R"(^\s$)", "\v"));
  EXPECT_FALSE(Matches(R"(^\S$)", "\xE2\x80\xA8"));    // U+2028 neither
  EXPECT_TRUE(Matches(R"(^[\S]$)", "x"));
  EXPECT_FALSE(Matches("^.$", "\xE2\x80\xA8"));       // . stops at line terminators
  EXPECT_TRUE(Matches("^[^]$", "\n"));
  EXPECT_FALSE(Matches("[]", "anything"));
  EXPECT_TRUE(Matches(R"(^\p{Script=Greek}+$)", "\xCE\xB1\xCE\xB2"));
  EXPECT_TRUE(Matches(R"(^\p{ASCII}+$)", "abc"));
  EXPECT_FALSE(Matches(R"(^\P{ASCII}$)", "a"));
  EXPECT_TRUE(Matches("^\\uD83D\\uDE00$", "\xF0\x9F\x98\x80"));
  EXPECT_TRUE(Matches("a$", "a"));
  EXPECT_FALSE(Matches("a$", "a\n"));  // $ is the end of the text only
  EXPECT_TRUE(Matches("b", "abc"));    // a search, not anchored
  EXPECT_TRUE(Matches("^x{,2}$", "x{,2}"));
}

TEST(EcmaRegexTest, RefusesLookaroundAndBackreferencesWithTheirOffset) {
  struct Case {
    const char* pattern;
    const char* what;
  };
  for (const Case& c : {Case{"^a(?=b)", "lookahead at offset 2"}, Case{"(?!x)", "lookahead at offset 0"},
                        Case{"x(?<=a)", "lookbehind at offset 1"}, Case{"(?<!a)", "lookbehind at offset 0"},
                        Case{"(a)\\1", "backreference at offset 3"},
                        Case{"(?<n>a)\\k<n>", "backreference at offset 7"}}) {
    Status s = CompileError(c.pattern);
    EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument) << c.pattern;
    EXPECT_NE(s.message().find(c.what), std::string::npos) << c.pattern << ": " << s.message();
    EXPECT_NE(s.message().find("linear-time"), std::string::npos) << s.message();
    // Valid ECMA-262 all the same (the "regex" format).
    EXPECT_TRUE(EcmaRegex::IsValidSyntax(c.pattern)) << c.pattern;
  }
}

TEST(EcmaRegexTest, RefusesSyntaxErrors) {
  for (const char* p : {"(", "[a", "a\\", "a**", "\\q", "\\u12", "\\uD800", "(?i)a", "\\p{NoSuchProperty}",
                        "\\p{scx=Greek}", "a{2000}"}) {
    EXPECT_FALSE(CompileError(p).ok()) << p;
  }
  EXPECT_FALSE(EcmaRegex::IsValidSyntax("(unclosed"));
  EXPECT_FALSE(EcmaRegex::IsValidSyntax("\\a"));
  EXPECT_TRUE(EcmaRegex::IsValidSyntax("^[a-z]+(?:-[a-z]+)*$"));
}

// Inputs on which a backtracking engine takes hours (x1.8 per character)
// or overflows its stack; the test's timeout catches a regression.
TEST(EcmaRegexTest, LongValuesAndNestedQuantifiersRunInLinearTime) {
  std::string as(60, 'a');
  EXPECT_FALSE(Matches("^(a+)+$", as + "!"));
  EXPECT_TRUE(Matches("^(a+)+$", as));
  EXPECT_FALSE(Matches("^(a|a)*$", as + "!"));
  std::string id(1 << 20, 'x');
  EXPECT_TRUE(Matches("^[a-z0-9_-]+$", id));
  EXPECT_TRUE(Matches("^(?:[a-z]|-)+$", id));
  EXPECT_FALSE(Matches("^(x+x+)+y$", id));
}

TEST(EcmaRegexSchemaTest, RefusedPatternNamesItsSchemaLocation) {
  auto s = CompileSchemaJson(R"j({"properties":{"id":{"pattern":"^(?=x)"}}})j");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), ErrorCode::kProjectError);
  EXPECT_NE(s.status().message().find("schema \"#/properties/id/pattern\""), std::string::npos)
      << s.status().message();
  EXPECT_NE(s.status().message().find("lookahead"), std::string::npos) << s.status().message();

  auto p = CompileSchemaJson(R"j({"patternProperties":{"(a)\\1":{}}})j");
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().message().find("schema \"#/patternProperties/(a)"), std::string::npos)
      << p.status().message();
  EXPECT_NE(p.status().message().find("backreference"), std::string::npos) << p.status().message();
}

TEST(EcmaRegexSchemaTest, LongValueIsValidatedNotCrashed) {
  auto s = CompileSchemaJson(R"j({"properties":{"id":{"type":"string","pattern":"^[a-z0-9-]+$"}}})j");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  Arena arena;
  std::string id(50 * 1024, 'a');
  Value good = test::ParseJson("{\"id\":\"" + id + "\"}", arena);
  Value bad = test::ParseJson("{\"id\":\"" + id + "!\"}", arena);
  EXPECT_TRUE(s.value()->IsValid(good));
  std::vector<SchemaError> errors;
  EXPECT_FALSE(s.value()->Validate(bad, &errors));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].keyword, "pattern");
  EXPECT_EQ(errors[0].instance_pointer, "/id");
}

}  // namespace
}  // namespace ferry::internal
