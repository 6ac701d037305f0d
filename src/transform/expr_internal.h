// Copyright (c) the Ferry authors.
//
// The compiled form of an Expression: a flat vector of AST nodes (children
// by index), built once by the parser in expr_parse.cc and walked by the
// evaluator in expr_eval.cc.

#ifndef FERRY_TRANSFORM_EXPR_INTERNAL_H_
#define FERRY_TRANSFORM_EXPR_INTERNAL_H_

#include <cstdint>
#include <string>
#include <vector>

#include "ferry/expr.h"
#include "ferry/json.h"

namespace ferry::internal {

enum class NodeKind : uint8_t {
  kLiteral,  // literal (a Value viewing `text`)
  kPath,     // base (scope or child `a`) followed by `path` ops
  kUnary,    // op a
  kBinary,   // a op b
  kAnd,      // a && b
  kOr,       // a || b
  kCond,     // a ? b : c
  kCall,     // func(args...)
  kArray,    // [args...]
};

enum class BinOp : uint8_t { kAdd, kSub, kMul, kDiv, kMod, kEq, kNe, kLt, kLe, kGt, kGe };
enum class UnOp : uint8_t { kNot, kNeg };
enum class Func : uint8_t {
  kSum, kCount, kMin, kMax, kAvg, kLen, kLower, kUpper, kTrim, kCoalesce, kExists, kConcat, kType,
  kStartsWith, kByteLen, kSplit, kSplitTrim, kParseDate, kIn,
};

enum class LiteralKind : uint8_t { kNull, kBool, kNumber, kString };

struct PathOp {
  enum Kind : uint8_t { kMember, kIndex, kFilter } kind;
  std::string key;    // kMember
  int64_t index = 0;  // kIndex
  int32_t filter = -1;  // kFilter: node evaluated with each element as scope
};

struct Node {
  NodeKind kind = NodeKind::kLiteral;
  uint8_t op = 0;  // BinOp / UnOp / Func
  int32_t a = -1, b = -1, c = -1;
  uint32_t column = 0;
  std::string text;  // literal source (number literal or decoded string)
  LiteralKind literal_kind = LiteralKind::kNull;
  Value literal;     // kLiteral; set once parsing is done (views `text`)
  // Number literals pre-parsed for arithmetic.
  bool is_int = false;
  int64_t int_value = 0;
  double double_value = 0;
  std::vector<int32_t> args;   // kCall, kArray
  std::vector<PathOp> path;    // kPath
};

}  // namespace ferry::internal

namespace ferry {

struct Expression::Impl {
  std::string text;
  std::vector<internal::Node> nodes;
  int32_t root = -1;
};

}  // namespace ferry

#endif  // FERRY_TRANSFORM_EXPR_INTERNAL_H_
