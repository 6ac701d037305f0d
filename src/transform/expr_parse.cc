// Copyright (c) the Ferry authors.
//
// Recursive-descent parser for Ferry expressions (grammar in
// include/ferry/expr.h). Errors carry the 1-based column of the offending
// token. Recursion is bounded by kMaxDepth so hostile input cannot overflow
// the stack.

#include <charconv>
#include <cstring>
#include <string>
#include <utility>

#include "common/text.h"
#include "transform/date_format.h"
#include "transform/expr_internal.h"

namespace ferry {

using internal::BinOp;
using internal::Func;
using internal::HexValue;
using internal::IsDigit;
using internal::LiteralKind;
using internal::Node;
using internal::NodeKind;
using internal::PathOp;
using internal::UnOp;

namespace {

constexpr int kMaxDepth = 128;

struct FuncInfo {
  std::string_view name;
  Func func;
  int min_args;
  int max_args;  // -1: any
};

constexpr FuncInfo kFuncs[] = {
    {"sum", Func::kSum, 1, 1},         {"count", Func::kCount, 1, 1},
    {"min", Func::kMin, 1, 1},         {"max", Func::kMax, 1, 1},
    {"avg", Func::kAvg, 1, 1},         {"len", Func::kLen, 1, 1},
    {"lower", Func::kLower, 1, 1},     {"upper", Func::kUpper, 1, 1},
    {"trim", Func::kTrim, 1, 1},       {"coalesce", Func::kCoalesce, 1, -1},
    {"exists", Func::kExists, 1, 1},   {"concat", Func::kConcat, 1, -1},
    {"type", Func::kType, 1, 1},       {"starts_with", Func::kStartsWith, 2, 2},
    {"byte_len", Func::kByteLen, 1, 1},   {"split", Func::kSplit, 2, 2},
    {"split_trim", Func::kSplitTrim, 1, 2}, {"parse_date", Func::kParseDate, 2, 2},
    {"in", Func::kIn, 2, 2},
};

bool IsIdentStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool IsIdentChar(char c) { return IsIdentStart(c) || IsDigit(c); }

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(char(cp));
  } else if (cp < 0x800) {
    out->push_back(char(0xC0 | (cp >> 6)));
    out->push_back(char(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(char(0xE0 | (cp >> 12)));
    out->push_back(char(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(char(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(char(0xF0 | (cp >> 18)));
    out->push_back(char(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(char(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(char(0x80 | (cp & 0x3F)));
  }
}

class Parser {
 public:
  Parser(std::string_view text, Expression::Impl* impl) : s_(text), impl_(impl) {}

  Status Parse() {
    int32_t root;
    FERRY_RETURN_IF_ERROR(ParseExpr(&root));
    SkipSpace();
    if (pos_ < s_.size()) return Error("unexpected '" + std::string(1, s_[pos_]) + "'");
    impl_->root = root;
    return Status::OK();
  }

 private:
  Status Error(std::string msg) const { return ErrorAt(pos_, std::move(msg)); }
  Status ErrorAt(size_t pos, std::string msg) const {
    return Status::ProjectError("column " + std::to_string(pos + 1) + ": " + msg);
  }

  void SkipSpace() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r')) {
      ++pos_;
    }
  }
  // Consumes `tok` (after spaces) when it is next.
  bool Accept(std::string_view tok) {
    SkipSpace();
    if (s_.substr(pos_, tok.size()) != tok) return false;
    // Do not split "==" into "=" "=", "<=" into "<" "=" and so on.
    if (tok.size() == 1 && pos_ + 1 < s_.size() && s_[pos_ + 1] == '=' &&
        (tok == "<" || tok == ">" || tok == "!" || tok == "=")) {
      return false;
    }
    if ((tok == "&" || tok == "|") && pos_ + 1 < s_.size() && s_[pos_ + 1] == tok[0]) return false;
    pos_ += tok.size();
    return true;
  }
  Status Expect(std::string_view tok) {
    if (Accept(tok)) return Status::OK();
    SkipSpace();
    if (pos_ >= s_.size()) return Error("expected '" + std::string(tok) + "', got end of expression");
    return Error("expected '" + std::string(tok) + "'");
  }

  int32_t NewNode(NodeKind kind, size_t column) {
    impl_->nodes.emplace_back();
    impl_->nodes.back().kind = kind;
    impl_->nodes.back().column = uint32_t(column + 1);
    return int32_t(impl_->nodes.size() - 1);
  }
  Node& N(int32_t i) { return impl_->nodes[size_t(i)]; }

  struct DepthGuard {
    explicit DepthGuard(int* d) : d_(d) { ++*d_; }
    ~DepthGuard() { --*d_; }
    int* d_;
  };

  Status ParseExpr(int32_t* out) {
    DepthGuard guard(&depth_);
    if (depth_ > kMaxDepth) return Error("expression nested too deeply");
    return ParseCond(out);
  }

  Status ParseCond(int32_t* out) {
    FERRY_RETURN_IF_ERROR(ParseOr(out));
    SkipSpace();
    size_t at = pos_;
    if (!Accept("?")) return Status::OK();
    int32_t then_node, else_node;
    FERRY_RETURN_IF_ERROR(ParseExpr(&then_node));
    FERRY_RETURN_IF_ERROR(Expect(":"));
    FERRY_RETURN_IF_ERROR(ParseExpr(&else_node));
    int32_t n = NewNode(NodeKind::kCond, at);
    N(n).a = *out;
    N(n).b = then_node;
    N(n).c = else_node;
    *out = n;
    return Status::OK();
  }

  Status ParseOr(int32_t* out) {
    FERRY_RETURN_IF_ERROR(ParseAnd(out));
    for (;;) {
      SkipSpace();
      size_t at = pos_;
      if (!Accept("||")) return Status::OK();
      int32_t rhs;
      FERRY_RETURN_IF_ERROR(ParseAnd(&rhs));
      int32_t n = NewNode(NodeKind::kOr, at);
      N(n).a = *out;
      N(n).b = rhs;
      *out = n;
    }
  }

  Status ParseAnd(int32_t* out) {
    FERRY_RETURN_IF_ERROR(ParseEquality(out));
    for (;;) {
      SkipSpace();
      size_t at = pos_;
      if (!Accept("&&")) return Status::OK();
      int32_t rhs;
      FERRY_RETURN_IF_ERROR(ParseEquality(&rhs));
      int32_t n = NewNode(NodeKind::kAnd, at);
      N(n).a = *out;
      N(n).b = rhs;
      *out = n;
    }
  }

  Status MakeBinary(BinOp op, size_t at, int32_t lhs, int32_t rhs, int32_t* out) {
    int32_t n = NewNode(NodeKind::kBinary, at);
    N(n).op = uint8_t(op);
    N(n).a = lhs;
    N(n).b = rhs;
    *out = n;
    return Status::OK();
  }

  Status ParseEquality(int32_t* out) {
    FERRY_RETURN_IF_ERROR(ParseRelational(out));
    for (;;) {
      SkipSpace();
      size_t at = pos_;
      BinOp op;
      if (Accept("==")) {
        op = BinOp::kEq;
      } else if (Accept("!=")) {
        op = BinOp::kNe;
      } else {
        return Status::OK();
      }
      int32_t rhs;
      FERRY_RETURN_IF_ERROR(ParseRelational(&rhs));
      FERRY_RETURN_IF_ERROR(MakeBinary(op, at, *out, rhs, out));
    }
  }

  Status ParseRelational(int32_t* out) {
    FERRY_RETURN_IF_ERROR(ParseAdditive(out));
    for (;;) {
      SkipSpace();
      size_t at = pos_;
      BinOp op;
      if (Accept("<=")) {
        op = BinOp::kLe;
      } else if (Accept(">=")) {
        op = BinOp::kGe;
      } else if (Accept("<")) {
        op = BinOp::kLt;
      } else if (Accept(">")) {
        op = BinOp::kGt;
      } else {
        return Status::OK();
      }
      int32_t rhs;
      FERRY_RETURN_IF_ERROR(ParseAdditive(&rhs));
      FERRY_RETURN_IF_ERROR(MakeBinary(op, at, *out, rhs, out));
    }
  }

  Status ParseAdditive(int32_t* out) {
    FERRY_RETURN_IF_ERROR(ParseMultiplicative(out));
    for (;;) {
      SkipSpace();
      size_t at = pos_;
      BinOp op;
      if (Accept("+")) {
        op = BinOp::kAdd;
      } else if (Accept("-")) {
        op = BinOp::kSub;
      } else {
        return Status::OK();
      }
      int32_t rhs;
      FERRY_RETURN_IF_ERROR(ParseMultiplicative(&rhs));
      FERRY_RETURN_IF_ERROR(MakeBinary(op, at, *out, rhs, out));
    }
  }

  Status ParseMultiplicative(int32_t* out) {
    FERRY_RETURN_IF_ERROR(ParseUnary(out));
    for (;;) {
      SkipSpace();
      size_t at = pos_;
      BinOp op;
      if (Accept("*")) {
        op = BinOp::kMul;
      } else if (Accept("/")) {
        op = BinOp::kDiv;
      } else if (Accept("%")) {
        op = BinOp::kMod;
      } else {
        return Status::OK();
      }
      int32_t rhs;
      FERRY_RETURN_IF_ERROR(ParseUnary(&rhs));
      FERRY_RETURN_IF_ERROR(MakeBinary(op, at, *out, rhs, out));
    }
  }

  Status ParseUnary(int32_t* out) {
    DepthGuard guard(&depth_);
    if (depth_ > kMaxDepth) return Error("expression nested too deeply");
    SkipSpace();
    size_t at = pos_;
    UnOp op;
    if (Accept("!")) {
      op = UnOp::kNot;
    } else if (Accept("-")) {
      op = UnOp::kNeg;
    } else {
      return ParsePostfix(out);
    }
    int32_t operand;
    FERRY_RETURN_IF_ERROR(ParseUnary(&operand));
    int32_t n = NewNode(NodeKind::kUnary, at);
    N(n).op = uint8_t(op);
    N(n).a = operand;
    *out = n;
    return Status::OK();
  }

  // Turns `*node` into a path node (if it is not one) so that ops can be
  // appended.
  int32_t EnsurePath(int32_t node, size_t at) {
    if (N(node).kind == NodeKind::kPath) return node;
    int32_t p = NewNode(NodeKind::kPath, at);
    N(p).a = node;
    return p;
  }

  Status ParsePostfix(int32_t* out) {
    FERRY_RETURN_IF_ERROR(ParsePrimary(out));
    for (;;) {
      SkipSpace();
      size_t at = pos_;
      if (Accept(".")) {
        SkipSpace();
        if (pos_ >= s_.size() || !IsIdentStart(s_[pos_])) return Error("expected a member name after '.'");
        size_t start = pos_;
        while (pos_ < s_.size() && IsIdentChar(s_[pos_])) ++pos_;
        int32_t p = EnsurePath(*out, at);
        PathOp op{PathOp::kMember, std::string(s_.substr(start, pos_ - start))};
        N(p).path.push_back(std::move(op));
        *out = p;
      } else if (Accept("[")) {
        int32_t inner;
        FERRY_RETURN_IF_ERROR(ParseExpr(&inner));
        FERRY_RETURN_IF_ERROR(Expect("]"));
        int32_t p = EnsurePath(*out, at);
        PathOp op{PathOp::kFilter, std::string()};
        const Node& in = N(inner);
        if (in.kind == NodeKind::kLiteral && in.literal_kind == LiteralKind::kNumber && in.is_int) {
          op.kind = PathOp::kIndex;
          op.index = in.int_value;
        } else if (in.kind == NodeKind::kUnary && in.op == uint8_t(UnOp::kNeg) &&
                   N(in.a).kind == NodeKind::kLiteral && N(in.a).is_int) {
          op.kind = PathOp::kIndex;
          op.index = -N(in.a).int_value;
        } else if (in.kind == NodeKind::kLiteral && in.literal_kind == LiteralKind::kString) {
          op.kind = PathOp::kMember;
          op.key = in.text;
        } else {
          op.filter = inner;
        }
        N(p).path.push_back(std::move(op));
        *out = p;
      } else {
        return Status::OK();
      }
    }
  }

  Status ParseString(char quote, int32_t* out) {
    size_t at = pos_;
    ++pos_;  // opening quote
    std::string decoded;
    for (;;) {
      if (pos_ >= s_.size()) return ErrorAt(at, "unterminated string");
      char c = s_[pos_++];
      if (c == quote) break;
      if (c != '\\') {
        decoded.push_back(c);
        continue;
      }
      if (pos_ >= s_.size()) return ErrorAt(at, "unterminated string");
      char e = s_[pos_++];
      switch (e) {
        case '"': decoded.push_back('"'); break;
        case '\'': decoded.push_back('\''); break;
        case '\\': decoded.push_back('\\'); break;
        case '/': decoded.push_back('/'); break;
        case 'b': decoded.push_back('\b'); break;
        case 'f': decoded.push_back('\f'); break;
        case 'n': decoded.push_back('\n'); break;
        case 'r': decoded.push_back('\r'); break;
        case 't': decoded.push_back('\t'); break;
        case 'u': {
          uint32_t cp = 0;
          if (!ParseHex4(&cp)) return ErrorAt(pos_ - 2, "bad \\u escape");
          if (cp >= 0xD800 && cp < 0xDC00) {
            uint32_t lo = 0;
            if (pos_ + 1 < s_.size() && s_[pos_] == '\\' && s_[pos_ + 1] == 'u') {
              pos_ += 2;
              if (!ParseHex4(&lo) || lo < 0xDC00 || lo > 0xDFFF) return ErrorAt(pos_, "bad surrogate pair");
              cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            } else {
              return ErrorAt(pos_, "lone surrogate in \\u escape");
            }
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            return ErrorAt(pos_, "lone surrogate in \\u escape");
          }
          AppendUtf8(cp, &decoded);
          break;
        }
        default:
          return ErrorAt(pos_ - 2, std::string("unknown escape '\\") + e + "'");
      }
    }
    int32_t n = NewNode(NodeKind::kLiteral, at);
    N(n).text = std::move(decoded);
    N(n).literal_kind = LiteralKind::kString;
    *out = n;
    return Status::OK();
  }

  bool ParseHex4(uint32_t* out) {
    if (pos_ + 4 > s_.size()) return false;
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      const int digit = HexValue(s_[pos_ + size_t(i)]);
      if (digit < 0) return false;
      v = v << 4 | uint32_t(digit);
    }
    pos_ += 4;
    *out = v;
    return true;
  }

  Status ParseNumber(int32_t* out) {
    size_t at = pos_;
    // JSON number grammar without the sign (unary minus is an operator).
    if (s_[pos_] == '0') {
      ++pos_;
    } else {
      while (pos_ < s_.size() && IsDigit(s_[pos_])) ++pos_;
    }
    bool integral = true;
    if (pos_ < s_.size() && s_[pos_] == '.') {
      integral = false;
      ++pos_;
      if (pos_ >= s_.size() || !IsDigit(s_[pos_])) return Error("expected a digit after '.'");
      while (pos_ < s_.size() && IsDigit(s_[pos_])) ++pos_;
    }
    if (pos_ < s_.size() && (s_[pos_] == 'e' || s_[pos_] == 'E')) {
      integral = false;
      ++pos_;
      if (pos_ < s_.size() && (s_[pos_] == '+' || s_[pos_] == '-')) ++pos_;
      if (pos_ >= s_.size() || !IsDigit(s_[pos_])) return Error("expected a digit in the exponent");
      while (pos_ < s_.size() && IsDigit(s_[pos_])) ++pos_;
    }
    if (pos_ < s_.size() && (IsIdentChar(s_[pos_]))) return Error("malformed number");
    int32_t n = NewNode(NodeKind::kLiteral, at);
    Node& node = N(n);
    node.text = std::string(s_.substr(at, pos_ - at));
    node.literal_kind = LiteralKind::kNumber;
    const char* b = node.text.data();
    const char* e = b + node.text.size();
    if (integral && std::from_chars(b, e, node.int_value).ec == std::errc()) {
      node.is_int = true;
      node.double_value = double(node.int_value);
    } else {
      Value tmp = Value::NumberLiteral(node.text);
      node.double_value = tmp.AsDouble();
    }
    *out = n;
    return Status::OK();
  }

  Status ParsePrimary(int32_t* out) {
    SkipSpace();
    if (pos_ >= s_.size()) return Error("unexpected end of expression");
    size_t at = pos_;
    char c = s_[pos_];
    if (c == '(') {
      ++pos_;
      FERRY_RETURN_IF_ERROR(ParseExpr(out));
      return Expect(")");
    }
    if (c == '"' || c == '\'') return ParseString(c, out);
    if (c == '[') {
      // An array literal: [a, b, ...] (a trailing comma is not allowed).
      ++pos_;
      std::vector<int32_t> items;
      if (!Accept("]")) {
        for (;;) {
          int32_t item;
          FERRY_RETURN_IF_ERROR(ParseExpr(&item));
          items.push_back(item);
          if (Accept("]")) break;
          FERRY_RETURN_IF_ERROR(Expect(","));
        }
      }
      int32_t n = NewNode(NodeKind::kArray, at);
      N(n).args = std::move(items);
      *out = n;
      return Status::OK();
    }
    if (IsDigit(c)) return ParseNumber(out);
    if (c == '$') {
      ++pos_;
      *out = NewNode(NodeKind::kPath, at);
      return Status::OK();
    }
    if (!IsIdentStart(c)) return Error("unexpected '" + std::string(1, c) + "'");
    while (pos_ < s_.size() && IsIdentChar(s_[pos_])) ++pos_;
    std::string_view ident = s_.substr(at, pos_ - at);
    if (ident == "true" || ident == "false" || ident == "null") {
      int32_t n = NewNode(NodeKind::kLiteral, at);
      N(n).text = std::string(ident);
      N(n).literal_kind = ident == "null" ? LiteralKind::kNull : LiteralKind::kBool;
      *out = n;
      return Status::OK();
    }
    SkipSpace();
    if (pos_ < s_.size() && s_[pos_] == '(') {
      const FuncInfo* info = nullptr;
      for (const FuncInfo& f : kFuncs) {
        if (f.name == ident) info = &f;
      }
      if (info == nullptr) return ErrorAt(at, "unknown function '" + std::string(ident) + "'");
      ++pos_;
      std::vector<int32_t> args;
      SkipSpace();
      if (!Accept(")")) {
        for (;;) {
          int32_t arg;
          FERRY_RETURN_IF_ERROR(ParseExpr(&arg));
          args.push_back(arg);
          if (Accept(")")) break;
          FERRY_RETURN_IF_ERROR(Expect(","));
        }
      }
      if (int(args.size()) < info->min_args || (info->max_args >= 0 && int(args.size()) > info->max_args)) {
        const int last = info->max_args < 0 ? info->min_args : info->max_args;
        return ErrorAt(at, std::string(ident) + "() takes " +
                               (info->max_args == info->min_args ? std::to_string(info->min_args)
                                : info->max_args < 0 ? "at least " + std::to_string(info->min_args)
                                                     : std::to_string(info->min_args) + " to " + std::to_string(last)) +
                               " argument" + (last == 1 ? "" : "s") + ", got " + std::to_string(args.size()));
      }
      if (info->func == Func::kExists && N(args[0]).kind != NodeKind::kPath) {
        return ErrorAt(at, "exists() takes a path");
      }
      if (info->func == Func::kParseDate && N(args[1]).kind == NodeKind::kLiteral &&
          N(args[1]).literal_kind == LiteralKind::kString) {
        std::string bad = internal::CheckDateFormat(N(args[1]).text);
        if (!bad.empty()) return ErrorAt(at, "parse_date(): " + bad);
      }
      int32_t n = NewNode(NodeKind::kCall, at);
      N(n).op = uint8_t(info->func);
      N(n).args = std::move(args);
      *out = n;
      return Status::OK();
    }
    int32_t n = NewNode(NodeKind::kPath, at);
    N(n).path.push_back(PathOp{PathOp::kMember, std::string(ident)});
    *out = n;
    return Status::OK();
  }

  std::string_view s_;
  Expression::Impl* impl_;
  size_t pos_ = 0;
  int depth_ = 0;
};

}  // namespace

Expression::Expression(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Expression::~Expression() = default;

const std::string& Expression::text() const { return impl_->text; }

Result<std::unique_ptr<const Expression>> Expression::Compile(std::string_view text) {
  auto impl = std::make_unique<Impl>();
  impl->text = std::string(text);
  Parser parser(impl->text, impl.get());
  Status s = parser.Parse();
  if (!s.ok()) return s;
  // The node vector is final now: literals may view their own text.
  for (Node& n : impl->nodes) {
    if (n.kind != NodeKind::kLiteral) continue;
    switch (n.literal_kind) {
      case internal::LiteralKind::kNull: n.literal = Value::Null(); break;
      case internal::LiteralKind::kBool: n.literal = Value::Bool(n.text == "true"); break;
      case internal::LiteralKind::kNumber: n.literal = Value::NumberLiteral(n.text); break;
      case internal::LiteralKind::kString: n.literal = Value::StringView(n.text); break;
    }
  }
  return std::unique_ptr<const Expression>(new Expression(std::move(impl)));
}

}  // namespace ferry
