// Copyright (c) the Ferry authors.
//
// Ferry's expression language: small, side-effect free expressions over one
// JSON value, used by the `set` and `when` steps (docs/steps.md, section
// "Expressions").
//
//   sum(intervals[type == "work"].duration)      -> 600
//   count(blocks[kind == "exercise"]) > 0 ? "strength" : "cardio"
//   coalesce(name, exerciseId) + " x" + sets
//
// Literals: numbers (JSON syntax; a literal passes through unchanged, so
// 1.50 stays 1.50), strings in "..." or '...' (escapes \" \' \\ \/ \b \f \n
// \r \t \uXXXX), true, false, null, arrays [a, b]. Paths: `a.b.c` is read from the scope,
// `$` is the scope itself, `x["odd key"]` reads a member with any name,
// `items[0]` an element (negative indices count from the end), and
// `items[<anything else>]` filters the array, evaluating the bracket with
// each element as the scope. A member access on an array, or anything after
// a filter, projects over the elements (missing members are skipped):
// `intervals.duration` is the list of every interval's duration.
//
// Operators, loosest first: `c ? a : b`, `||`, `&&`, `== !=`,
// `< <= > >=`, `+ -`, `* / %`, unary `! -`. Integers stay integers
// (2 + 3 is 5, never 5.0; an int64 overflow falls back to a double); other
// results are doubles written in the shortest form that round-trips.
// `/` of two integers is an integer when exact (6 / 3 is 2, 7 / 2 is 3.5).
// `+` concatenates when either side is a string (numbers and booleans are
// written as JSON text). `&&`, `||` and `!` use JavaScript truthiness and
// return booleans. Comparisons order numbers by value and strings by
// bytes; `==` between different types is false; a missing value compares as
// null.
//
// Functions: sum, count, min, max, avg (over an array or a projection;
// empty: 0, 0, null, null, null), len (string length in code points, array
// or object size), lower, upper, trim (ASCII), coalesce(a, b, ...) (first
// value neither missing nor null), exists(path), concat(a, b, ...) (null
// and missing append nothing), type(x) ("null", "boolean", "number",
// "string", "array", "object" or "missing"), starts_with(s, prefix) (false
// when either is missing or null), byte_len(s) (length of the UTF-8 text in
// bytes), split(s, sep) (the pieces of s between occurrences of the
// non-empty separator, as an array of strings; "" gives [], null or
// missing gives null), split_trim(s, sep = ",") (the same pieces trimmed
// of ASCII whitespace, empty ones dropped), parse_date(s, fmt)
// (strptime-like format -> ISO 8601 "YYYY-MM-DDTHH:MM:SSZ", or "YYYY-MM-DD"
// without time directives; a value that does not match is MIGRATION_ERROR),
// in(x, list) (x == an element of the array). Array literals: [a, b, ...].
//
// Errors: Compile() returns PROJECT_ERROR "column N: ..." (1-based);
// evaluation type errors (e.g. `"a" * 2`, division by zero) return
// MIGRATION_ERROR with a message naming the operator.
//
// Thread safety: a compiled Expression is immutable; Evaluate() may be
// called from any number of threads at once (each with its own Arena).

#ifndef FERRY_EXPR_H_
#define FERRY_EXPR_H_

#include <memory>
#include <string>
#include <string_view>

#include "ferry/json.h"
#include "ferry/result.h"
#include "ferry/status.h"

namespace ferry {

class Expression {
 public:
  // Compiles `text` once. Errors: PROJECT_ERROR "column N: <problem>".
  // Nesting deeper than 128 levels is an error (never a stack overflow).
  static Result<std::unique_ptr<const Expression>> Compile(std::string_view text);

  ~Expression();
  Expression(const Expression&) = delete;
  Expression& operator=(const Expression&) = delete;

  // Evaluates the expression with `scope` as `$` and stores the result in
  // `*out` (null when the expression reads a missing value). Computed
  // numbers and strings are allocated in `arena`; nothing else is
  // allocated.
  //
  // Ownership: the result may share nodes with `scope` (a path result is
  // the very value in the tree) and may point at strings owned by this
  // Expression (literals). DeepCopy() it before inserting it into the tree
  // it was read from, and keep the Expression alive while it is used.
  Status Evaluate(const Value& scope, Arena& arena, Value* out) const;

  // As Evaluate() but reduces the result to a boolean with JavaScript
  // truthiness (missing, null, false, 0, -0, "" are false).
  Status EvaluateCondition(const Value& scope, Arena& arena, bool* out) const;

  // The source text.
  const std::string& text() const;

  // Internal: the compiled form (src/transform/expr_internal.h).
  struct Impl;

 private:
  explicit Expression(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// JavaScript truthiness of a JSON value.
bool IsTruthy(const Value& v);

}  // namespace ferry

#endif  // FERRY_EXPR_H_
