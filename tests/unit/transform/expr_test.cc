// Copyright (c) the Ferry authors.
//
// The expression language: parsing, precedence, integer vs double results,
// paths and filters, functions, and errors with columns.

#include <string>

#include "ferry/expr.h"
#include "unit/transform/transform_test_util.h"

namespace ferry {
namespace {

constexpr const char* kDoc = R"({"a":2,"b":3,"s":"Hi","f":1.5,"big":9223372036854775807,"n":null,
  "intervals":[{"type":"work","duration":60},{"type":"rest","duration":30},{"type":"work","duration":45.5}],
  "blocks":[{"kind":"exercise"},{"kind":"transition"},{"kind":"exercise"}],
  "o":{"odd key":1,"x":{"y":[10,20,30]}},"e":[]})";

// Evaluates `text` over kDoc and returns the result as JSON, or
// "ERROR <message>".
std::string Eval(std::string_view text) {
  auto compiled = Expression::Compile(text);
  if (!compiled.ok()) return "COMPILE " + compiled.status().message();
  Arena arena;
  Value doc = test::ParseJson(kDoc, arena);
  Value out;
  Status s = compiled.value()->Evaluate(doc, arena, &out);
  if (!s.ok()) return "ERROR " + s.message();
  return ToJson(out);
}

TEST(ExprTest, Literals) {
  EXPECT_EQ(Eval("1.50"), "1.50");
  EXPECT_EQ(Eval("1e2"), "1e2");
  EXPECT_EQ(Eval("'it''s'"), "COMPILE column 5: unexpected '''");
  EXPECT_EQ(Eval(R"("a\"b\u00e9")"), "\"a\\\"b\xc3\xa9\"");
  EXPECT_EQ(Eval("'x'"), "\"x\"");
  EXPECT_EQ(Eval("true"), "true");
  EXPECT_EQ(Eval("null"), "null");
}

TEST(ExprTest, IntegersStayIntegers) {
  EXPECT_EQ(Eval("100 + 200 + 300"), "600");
  EXPECT_EQ(Eval("a * b"), "6");
  EXPECT_EQ(Eval("6 / 3"), "2");
  EXPECT_EQ(Eval("7 / 2"), "3.5");
  EXPECT_EQ(Eval("7 % 3"), "1");
  EXPECT_EQ(Eval("-7 % 3"), "-1");
  EXPECT_EQ(Eval("f * 2"), "3");
  EXPECT_EQ(Eval("0.1 + 0.2"), "0.30000000000000004");
  EXPECT_EQ(Eval("big + 1"), "9223372036854775808");  // falls back to double
  EXPECT_EQ(Eval("-a"), "-2");
}

TEST(ExprTest, Precedence) {
  EXPECT_EQ(Eval("1 + 2 * 3"), "7");
  EXPECT_EQ(Eval("(1 + 2) * 3"), "9");
  EXPECT_EQ(Eval("10 - 4 - 3"), "3");
  EXPECT_EQ(Eval("1 < 2 == true"), "true");
  EXPECT_EQ(Eval("!false && 1 > 2 || a == 2"), "true");
  EXPECT_EQ(Eval("a == 2 ? 'two' : 'other'"), "\"two\"");
  EXPECT_EQ(Eval("a == 3 ? 1 : b == 3 ? 2 : 3"), "2");
}

TEST(ExprTest, ComparisonsAndEquality) {
  EXPECT_EQ(Eval("a == 2.0"), "true");
  EXPECT_EQ(Eval("'b' > 'a'"), "true");
  EXPECT_EQ(Eval("s == 'Hi'"), "true");
  EXPECT_EQ(Eval("missing == null"), "true");
  EXPECT_EQ(Eval("a == '2'"), "false");
  EXPECT_EQ(Eval("o.x == o.x"), "true");
  EXPECT_EQ(Eval("a < 'x'").substr(0, 5), "ERROR");
}

TEST(ExprTest, PathsIndicesAndFilters) {
  EXPECT_EQ(Eval("$.a"), "2");
  EXPECT_EQ(Eval("o.x.y[1]"), "20");
  EXPECT_EQ(Eval("o.x.y[-1]"), "30");
  EXPECT_EQ(Eval("o.x.y[5]"), "null");
  EXPECT_EQ(Eval("o['odd key']"), "1");
  EXPECT_EQ(Eval("intervals.duration"), "[60,30,45.5]");
  EXPECT_EQ(Eval("intervals[type == 'work'].duration"), "[60,45.5]");
  EXPECT_EQ(Eval("intervals[duration > 100]"), "[]");
  EXPECT_EQ(Eval("blocks[kind != 'exercise'][0]"), "[]");
}

TEST(ExprTest, Aggregates) {
  EXPECT_EQ(Eval("sum(intervals[type == \"work\"].duration)"), "105.5");
  EXPECT_EQ(Eval("sum(intervals[type == 'rest'].duration)"), "30");
  EXPECT_EQ(Eval("count(blocks[kind == \"exercise\"])"), "2");
  EXPECT_EQ(Eval("count(e)"), "0");
  EXPECT_EQ(Eval("sum(e)"), "0");
  EXPECT_EQ(Eval("min(intervals.duration)"), "30");
  EXPECT_EQ(Eval("max(intervals.duration)"), "60");
  EXPECT_EQ(Eval("avg(o.x.y)"), "20");
  EXPECT_EQ(Eval("avg(e)"), "null");
  EXPECT_EQ(Eval("sum(blocks.kind)").substr(0, 5), "ERROR");
}

TEST(ExprTest, StringFunctions) {
  EXPECT_EQ(Eval("s + '!' + a"), "\"Hi!2\"");
  EXPECT_EQ(Eval("concat(s, n, '-', 1.50, true)"), "\"Hi-1.50true\"");
  EXPECT_EQ(Eval("lower(s)"), "\"hi\"");
  EXPECT_EQ(Eval("upper(s)"), "\"HI\"");
  EXPECT_EQ(Eval("trim('  x ')"), "\"x\"");
  EXPECT_EQ(Eval("len('h\xc3\xa9')"), "2");
  EXPECT_EQ(Eval("len(intervals)"), "3");
  EXPECT_EQ(Eval("coalesce(n, missing, a)"), "2");
  EXPECT_EQ(Eval("exists(o.x.y)"), "true");
  EXPECT_EQ(Eval("exists(o.z)"), "false");
  EXPECT_EQ(Eval("exists(n)"), "true");
  EXPECT_EQ(Eval("type(f)"), "\"number\"");
  EXPECT_EQ(Eval("type(nothing)"), "\"missing\"");
  EXPECT_EQ(Eval("s + n").substr(0, 5), "ERROR");
}

TEST(ExprTest, PrefixAndByteLength) {
  EXPECT_EQ(Eval("starts_with(s, 'H')"), "true");
  EXPECT_EQ(Eval("starts_with(s, 'Hi!')"), "false");
  EXPECT_EQ(Eval("starts_with(s, '')"), "true");
  EXPECT_EQ(Eval("starts_with('journal:2026-03-14', 'journal:')"), "true");
  EXPECT_EQ(Eval("starts_with(n, 'x')"), "false");
  EXPECT_EQ(Eval("starts_with(missing, 'x')"), "false");
  EXPECT_EQ(Eval("starts_with(a, 'x')"),
            "ERROR expression 'starts_with(a, 'x')': column 1: starts_with() expects strings, got number and string");
  EXPECT_EQ(Eval("starts_with(s)"), "COMPILE column 1: starts_with() takes 2 arguments, got 1");
  EXPECT_EQ(Eval("byte_len('h\xc3\xa9')"), "3");
  EXPECT_EQ(Eval("len('h\xc3\xa9')"), "2");
  EXPECT_EQ(Eval("byte_len('')"), "0");
  EXPECT_EQ(Eval("byte_len(n)"), "null");
  EXPECT_EQ(Eval("byte_len(e)"), "ERROR expression 'byte_len(e)': column 1: byte_len() expects a string, got array");
}

TEST(ExprTest, SplitCutsAStringAtEverySeparator) {
  EXPECT_EQ(Eval("split('a,b,,c', ',')"), "[\"a\",\"b\",\"\",\"c\"]");
  EXPECT_EQ(Eval("split('abc', ',')"), "[\"abc\"]");
  EXPECT_EQ(Eval("split('', ',')"), "[]");
  EXPECT_EQ(Eval("split(',', ',')"), "[\"\",\"\"]");
  EXPECT_EQ(Eval("split('a::b', '::')"), "[\"a\",\"b\"]");
  EXPECT_EQ(Eval("split('h\xc3\xa9,x', ',')"), "[\"h\xc3\xa9\",\"x\"]");
  EXPECT_EQ(Eval("split(n, ',')"), "null");
  EXPECT_EQ(Eval("split(missing, ',')"), "null");
  EXPECT_EQ(Eval("split(a, ',')"),
            "ERROR expression 'split(a, ',')': column 1: split() expects a string and a non-empty separator string, "
            "got number and string");
  EXPECT_EQ(Eval("split('a', '')"),
            "ERROR expression 'split('a', '')': column 1: split() expects a string and a non-empty separator "
            "string, got string and string");
  EXPECT_EQ(Eval("split('a')"), "COMPILE column 1: split() takes 2 arguments, got 1");
}

TEST(ExprTest, RuntimeErrorsAreMigrationErrors) {
  auto compiled = Expression::Compile("a / (b - 3)");
  ASSERT_TRUE(compiled.ok());
  Arena arena;
  Value doc = test::ParseJson(kDoc, arena);
  Value out;
  Status s = compiled.value()->Evaluate(doc, arena, &out);
  EXPECT_EQ(s.code(), ErrorCode::kMigrationError);
  EXPECT_EQ(s.message(), "expression 'a / (b - 3)': column 3: division by zero");
  EXPECT_EQ(Eval("s * 2"), "ERROR expression 's * 2': column 3: '*' expects numbers, got string and number");
}

TEST(ExprTest, CompileErrorsHaveColumns) {
  EXPECT_EQ(Eval("1 +"), "COMPILE column 4: unexpected end of expression");
  EXPECT_EQ(Eval("(a"), "COMPILE column 3: expected ')', got end of expression");
  EXPECT_EQ(Eval("a @ b"), "COMPILE column 3: unexpected '@'");
  EXPECT_EQ(Eval("foo(1)"), "COMPILE column 1: unknown function 'foo'");
  EXPECT_EQ(Eval("sum(1, 2)"), "COMPILE column 1: sum() takes 1 argument, got 2");
  EXPECT_EQ(Eval("'abc"), "COMPILE column 1: unterminated string");
  EXPECT_EQ(Eval("1.x"), "COMPILE column 3: expected a digit after '.'");
  EXPECT_EQ(Eval("exists(1)"), "COMPILE column 1: exists() takes a path");
  EXPECT_EQ(Eval(std::string(500, '(') + "1" + std::string(500, ')')).substr(0, 7), "COMPILE");
}

TEST(ExprTest, ConditionTruthiness) {
  Arena arena;
  Value doc = test::ParseJson(kDoc, arena);
  for (auto [text, want] : std::vector<std::pair<const char*, bool>>{
           {"a", true}, {"n", false}, {"missing", false}, {"''", false}, {"e", true}, {"0", false}, {"-0.0", false}}) {
    auto c = Expression::Compile(text);
    ASSERT_TRUE(c.ok());
    bool got = !want;
    ASSERT_OK(c.value()->EvaluateCondition(doc, arena, &got));
    EXPECT_EQ(got, want) << text;
  }
}


TEST(ExprTest, ArrayLiterals) {
  EXPECT_EQ(Eval("[]"), "[]");
  EXPECT_EQ(Eval("[1, 'x', a + b, missing, [true]]"), "[1,\"x\",5,null,[true]]");
  EXPECT_EQ(Eval("sum([1, 2.5, a])"), "5.5");
  EXPECT_EQ(Eval("len([1, 2])"), "2");
  EXPECT_EQ(Eval("[1, 2"), "COMPILE column 6: expected ',', got end of expression");
  EXPECT_EQ(Eval("[1,]"), "COMPILE column 4: unexpected ']'");
}

TEST(ExprTest, SplitTrimsItemsAndDropsEmptyOnes) {
  EXPECT_EQ(Eval("split_trim(' a, b ,,c ')"), "[\"a\",\"b\",\"c\"]");
  EXPECT_EQ(Eval("split_trim('a; b', '; ')"), "[\"a\",\"b\"]");
  EXPECT_EQ(Eval("split_trim('a|b|', '|')"), "[\"a\",\"b\"]");
  EXPECT_EQ(Eval("split_trim('')"), "[]");
  EXPECT_EQ(Eval("split_trim('  ')"), "[]");
  EXPECT_EQ(Eval("split_trim(missing)"), "null");
  EXPECT_EQ(Eval("split_trim(n)"), "null");
  EXPECT_EQ(Eval("split_trim(a)"),
            "ERROR expression 'split_trim(a)': column 1: split_trim() expects a string, got number");
  EXPECT_EQ(Eval("split_trim(s, '')"),
            "ERROR expression 'split_trim(s, '')': column 1: split_trim() expects a non-empty separator string, got "
            "string");
  EXPECT_EQ(Eval("split_trim()"), "COMPILE column 1: split_trim() takes 1 to 2 arguments, got 0");
}

TEST(ExprTest, ParseDateWithFormats) {
  EXPECT_EQ(Eval("parse_date('15/01/2024 10:30', '%d/%m/%Y %H:%M')"), "\"2024-01-15T10:30:00Z\"");
  EXPECT_EQ(Eval("parse_date('5/1/2024', '%d/%m/%Y')"), "\"2024-01-05\"");
  EXPECT_EQ(Eval("parse_date('2024-02-29', '%F')"), "\"2024-02-29\"");
  EXPECT_EQ(Eval("parse_date('Mar 3, 99 11:05:09 PM', '%b %d, %y %I:%M:%S %p')"), "\"1999-03-03T23:05:09Z\"");
  EXPECT_EQ(Eval("parse_date('3 december 2023', '%d %B %Y')"), "\"2023-12-03\"");
  EXPECT_EQ(Eval("parse_date('2024-01-01T01:30:00+02:00', '%FT%T%z')"), "\"2023-12-31T23:30:00Z\"");
  EXPECT_EQ(Eval("parse_date('100%', '%d%%') "),
            "COMPILE column 1: parse_date(): the format needs a year (%Y or %y), a month (%m or %b) and a day (%d)");
  EXPECT_EQ(Eval("parse_date(missing, '%F')"), "null");
  EXPECT_EQ(Eval("parse_date(n, '%F')"), "null");
}

TEST(ExprTest, ParseDateRejectsWhatDoesNotMatch) {
  EXPECT_EQ(Eval("parse_date('31/02/2024', '%d/%m/%Y')"),
            "ERROR expression 'parse_date('31/02/2024', '%d/%m/%Y')': column 1: parse_date(): \"31/02/2024\" does "
            "not match \"%d/%m/%Y\": no such date 2024-02-31");
  EXPECT_EQ(Eval("parse_date('2024-01-15', '%d/%m/%Y')"),
            "ERROR expression 'parse_date('2024-01-15', '%d/%m/%Y')': column 1: parse_date(): \"2024-01-15\" does "
            "not match \"%d/%m/%Y\": expected '/' at offset 2");
  EXPECT_EQ(Eval("parse_date('15/01/2024x', '%d/%m/%Y')"),
            "ERROR expression 'parse_date('15/01/2024x', '%d/%m/%Y')': column 1: parse_date(): \"15/01/2024x\" "
            "does not match \"%d/%m/%Y\": unexpected trailing text at offset 10");
  EXPECT_EQ(Eval("parse_date('15/01/2024 25:00', '%d/%m/%Y %H:%M')"),
            "ERROR expression 'parse_date('15/01/2024 25:00', '%d/%m/%Y %H:%M')': column 1: parse_date(): "
            "\"15/01/2024 25:00\" does not match \"%d/%m/%Y %H:%M\": time 25:00:00 out of range");
  EXPECT_EQ(Eval("parse_date(a, '%F')"), "ERROR expression 'parse_date(a, '%F')': column 1: parse_date() expects a "
                                          "string, got number");
  EXPECT_EQ(Eval("parse_date('x', '%Q')"),
            "COMPILE column 1: parse_date(): unsupported directive '%Q' (use %Y %y %m %d %b %B %H %I %M %S %p %z %F %T "
            "%%)");
  // A format that is not a literal is checked when evaluated.
  EXPECT_EQ(Eval("parse_date('1', s)"),
            "ERROR expression 'parse_date('1', s)': column 1: parse_date(): \"1\" does not match \"Hi\": bad format "
            "\"Hi\": the format needs a year (%Y or %y), a month (%m or %b) and a day (%d)");
}

TEST(ExprTest, InComparesLikeEquals) {
  EXPECT_EQ(Eval("in(s, ['Hi', 'Ho'])"), "true");
  EXPECT_EQ(Eval("in(s, ['hi'])"), "false");
  EXPECT_EQ(Eval("in(a, [1, 2.0])"), "true");  // numbers by value, like ==
  EXPECT_EQ(Eval("in(a, ['2'])"), "false");    // no conversion between types
  EXPECT_EQ(Eval("in(missing, [1])"), "false");
  EXPECT_EQ(Eval("in(n, [null])"), "true");
  EXPECT_EQ(Eval("in(s, missing)"), "false");
  EXPECT_EQ(Eval("in('work', intervals.type)"), "true");
  EXPECT_EQ(Eval("in(s, 'Hi')"),
            "ERROR expression 'in(s, 'Hi')': column 1: in() expects an array as its second argument, got string");
}

}  // namespace
}  // namespace ferry
