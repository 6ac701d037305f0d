// Copyright (c) the Ferry authors.
//
// Internal: ECMA-262 regular expressions (JSON Schema "pattern",
// "patternProperties" and the "regex" format) run by RE2, a linear-time
// engine: matching never backtracks and never recurses on the input, so a
// long value or a pattern such as "^(a+)+$" cannot crash or stall a run.
//
// A pattern has ECMA-262 syntax with the `u` flag's meaning (JSON Schema's
// choice): it matches code points of UTF-8 text. It is translated to RE2
// syntax where the two differ: `.` stops at every ECMA line terminator;
// `\s`/`\S` are ECMA's white space set; `\uXXXX` (surrogate pairs joined),
// `\u{X}`, `\cX`, `\0`, `\v`, `[\b]`; `\p{...}` with General_Category and
// Script names; `(?<name>...)`; `[]`, `[^]` and a `[` or `{` that is a plain
// character. What RE2 cannot do in linear time, lookahead, lookbehind and
// backreferences, is refused when the pattern is compiled, never at match
// time; so is a Unicode property RE2 does not know.
//
//   Result<std::unique_ptr<EcmaRegex>> re = EcmaRegex::Compile("^[a-z]+$");
//   if (!re.ok()) ...  // INVALID_ARGUMENT: "uses a lookahead at offset 3 ..."
//   bool found = (*re)->Search("abc");

#ifndef FERRY_SRC_SCHEMA_REGEX_H_
#define FERRY_SRC_SCHEMA_REGEX_H_

#include <memory>
#include <string>
#include <string_view>

#include "ferry/result.h"

namespace re2 {
class RE2;
}

namespace ferry::internal {

// How to treat what RE2 cannot run.
enum class RegexUse {
  kMatch,       // refuse lookarounds and backreferences
  kSyntaxOnly,  // accept them (as a non-capturing group / nothing): the
                // result only tells whether the pattern is valid ECMA-262
};

// The RE2 form of the ECMA-262 pattern `pattern`. Errors: INVALID_ARGUMENT
// naming the construct and its byte offset in `pattern`, for ECMA-262
// syntax errors and (RegexUse::kMatch) for lookarounds and backreferences.
Result<std::string> TranslateEcmaRegex(std::string_view pattern, RegexUse use = RegexUse::kMatch);

// A compiled pattern; immutable, so any number of threads may search with
// one at the same time.
class EcmaRegex {
 public:
  // Errors: INVALID_ARGUMENT as TranslateEcmaRegex(), and when RE2 refuses
  // the translation (e.g. a repetition count over 1000, an unknown Unicode
  // property, a pattern too large to compile), with RE2's reason.
  static Result<std::unique_ptr<EcmaRegex>> Compile(std::string_view pattern);
  // True when `pattern` is a valid ECMA-262 regular expression (lookarounds
  // and backreferences included), as far as RE2 can parse it.
  static bool IsValidSyntax(std::string_view pattern);

  ~EcmaRegex();
  EcmaRegex(const EcmaRegex&) = delete;
  EcmaRegex& operator=(const EcmaRegex&) = delete;

  // True when some part of `text` matches (ECMA-262 RegExp.prototype.test,
  // what "pattern" means). Time linear in text.size(); no allocation after
  // the first searches, no recursion on the input.
  bool Search(std::string_view text) const;

 private:
  explicit EcmaRegex(std::unique_ptr<re2::RE2> re);
  std::unique_ptr<re2::RE2> re_;
};

}  // namespace ferry::internal

#endif  // FERRY_SRC_SCHEMA_REGEX_H_
