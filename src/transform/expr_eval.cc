// Copyright (c) the Ferry authors.
//
// Evaluator for compiled expressions. Intermediate numbers are kept as
// int64/double (not as literals) so arithmetic does not touch the arena;
// only the final result, concatenated strings and materialised projections
// are written to the arena. Paths are walked with a callback so that
// aggregates (sum(intervals[type == "work"].duration)) stream over the
// document without building the filtered list.

#include <charconv>
#include <cmath>
#include <cstring>
#include <iterator>
#include <limits>
#include <string>

#include "transform/date_format.h"
#include "transform/expr_internal.h"

namespace ferry {

using internal::BinOp;
using internal::Func;
using internal::Node;
using internal::NodeKind;
using internal::PathOp;
using internal::UnOp;

namespace {

// An intermediate result.
struct EV {
  enum Kind : uint8_t { kMissing, kInt, kDouble, kValue } kind = kMissing;
  int64_t i = 0;
  double d = 0;
  Value v;

  static EV Missing() { return EV(); }
  static EV Int(int64_t x) {
    EV e;
    e.kind = kInt;
    e.i = x;
    return e;
  }
  static EV Double(double x) {
    EV e;
    e.kind = kDouble;
    e.d = x;
    return e;
  }
  static EV Of(Value x) {
    EV e;
    e.kind = kValue;
    e.v = x;
    return e;
  }
};

struct Num {
  bool is_int = false;
  int64_t i = 0;
  double d = 0;
  double AsDouble() const { return is_int ? double(i) : d; }
};

bool IsPlainIntegerLiteral(std::string_view lit) {
  for (char c : lit) {
    if (c == '.' || c == 'e' || c == 'E') return false;
  }
  return true;
}

bool NumberOf(const Value& v, Num* out) {
  if (!v.IsNumber()) return false;
  std::string_view lit = v.NumberLiteral();
  if (IsPlainIntegerLiteral(lit) &&
      std::from_chars(lit.data(), lit.data() + lit.size(), out->i).ec == std::errc()) {
    out->is_int = true;
    return true;
  }
  out->is_int = false;
  out->d = v.AsDouble();
  return true;
}

bool NumberOf(const EV& e, Num* out) {
  switch (e.kind) {
    case EV::kInt:
      out->is_int = true;
      out->i = e.i;
      return true;
    case EV::kDouble:
      out->is_int = false;
      out->d = e.d;
      return true;
    case EV::kValue:
      return NumberOf(e.v, out);
    case EV::kMissing:
      return false;
  }
  return false;
}

EV FromNum(const Num& n) { return n.is_int ? EV::Int(n.i) : EV::Double(n.d); }

std::string_view TypeName(const EV& e) {
  switch (e.kind) {
    case EV::kMissing: return "missing";
    case EV::kInt:
    case EV::kDouble: return "number";
    case EV::kValue: return JsonTypeName(e.v.type());
  }
  return "missing";
}

bool Truthy(const EV& e) {
  switch (e.kind) {
    case EV::kMissing: return false;
    case EV::kInt: return e.i != 0;
    case EV::kDouble: return e.d != 0 && !std::isnan(e.d);
    case EV::kValue: return IsTruthy(e.v);
  }
  return false;
}

bool IsString(const EV& e) { return e.kind == EV::kValue && e.v.IsString(); }
bool IsNullish(const EV& e) { return e.kind == EV::kMissing || (e.kind == EV::kValue && e.v.IsNull()); }

Value ToValue(const EV& e, Arena& arena) {
  switch (e.kind) {
    case EV::kMissing: return Value::Null();
    case EV::kInt: return Value::Int(e.i, arena);
    case EV::kDouble: return Value::Double(e.d, arena);
    case EV::kValue: return e.v;
  }
  return Value::Null();
}

bool IsAsciiSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

class Evaluator {
 public:
  Evaluator(const Expression::Impl& impl, Arena& arena) : impl_(impl), arena_(arena) {}

  Status Eval(int32_t id, const Value& scope, EV* out) {
    const Node& n = impl_.nodes[size_t(id)];
    switch (n.kind) {
      case NodeKind::kLiteral:
        *out = EV::Of(n.literal);  // numbers keep their literal text
        return Status::OK();
      case NodeKind::kPath:
        return EvalPath(n, scope, out);
      case NodeKind::kUnary:
        return EvalUnary(n, scope, out);
      case NodeKind::kBinary:
        return EvalBinary(n, scope, out);
      case NodeKind::kAnd:
      case NodeKind::kOr: {
        EV lhs;
        FERRY_RETURN_IF_ERROR(Eval(n.a, scope, &lhs));
        bool t = Truthy(lhs);
        if (n.kind == NodeKind::kAnd ? !t : t) {
          *out = EV::Of(Value::Bool(t));
          return Status::OK();
        }
        EV rhs;
        FERRY_RETURN_IF_ERROR(Eval(n.b, scope, &rhs));
        *out = EV::Of(Value::Bool(Truthy(rhs)));
        return Status::OK();
      }
      case NodeKind::kCond: {
        EV c;
        FERRY_RETURN_IF_ERROR(Eval(n.a, scope, &c));
        return Eval(Truthy(c) ? n.b : n.c, scope, out);
      }
      case NodeKind::kCall:
        return EvalCall(n, scope, out);
      case NodeKind::kArray: {
        Value list = Value::Array(arena_, uint32_t(n.args.size()));
        for (int32_t arg : n.args) {
          EV x;
          FERRY_RETURN_IF_ERROR(Eval(arg, scope, &x));
          list.Append(ToValue(x, arena_), arena_);
        }
        *out = EV::Of(list);
        return Status::OK();
      }
    }
    return Status::Internal("bad expression node");
  }

  Status Condition(int32_t id, const Value& scope, bool* out) {
    EV e;
    FERRY_RETURN_IF_ERROR(Eval(id, scope, &e));
    *out = Truthy(e);
    return Status::OK();
  }

 private:
  Status Error(const Node& n, std::string msg) const {
    return Status::MigrationError("expression '" + impl_.text + "': column " + std::to_string(n.column) + ": " +
                                  msg);
  }

  // Walks the path ops of `n` from `v`, calling f(const Value&) for every
  // result. Sets *projected when the path fans out over an array.
  template <typename F>
  Status WalkOps(const Node& n, size_t i, const Value& v, bool* projected, F& f) {
    if (i == n.path.size()) return f(v);
    const PathOp& op = n.path[i];
    switch (op.kind) {
      case PathOp::kMember:
        if (v.IsObject()) {
          const Value* m = v.Find(op.key);
          if (m == nullptr) return Status::OK();
          return WalkOps(n, i + 1, *m, projected, f);
        }
        if (v.IsArray()) {
          *projected = true;
          for (const Value& e : v) {
            if (!e.IsObject()) continue;
            const Value* m = e.Find(op.key);
            if (m != nullptr) FERRY_RETURN_IF_ERROR(WalkOps(n, i + 1, *m, projected, f));
          }
        }
        return Status::OK();
      case PathOp::kIndex: {
        if (!v.IsArray()) return Status::OK();
        int64_t idx = op.index < 0 ? int64_t(v.size()) + op.index : op.index;
        if (idx < 0 || idx >= int64_t(v.size())) return Status::OK();
        return WalkOps(n, i + 1, v[size_t(idx)], projected, f);
      }
      case PathOp::kFilter:
        if (!v.IsArray()) return Status::OK();
        *projected = true;
        for (const Value& e : v) {
          bool keep = false;
          FERRY_RETURN_IF_ERROR(Condition(op.filter, e, &keep));
          if (keep) FERRY_RETURN_IF_ERROR(WalkOps(n, i + 1, e, projected, f));
        }
        return Status::OK();
    }
    return Status::OK();
  }

  // Resolves the base of a path node. Returns false when it is missing.
  Status PathBase(const Node& n, const Value& scope, Value* base, bool* present) {
    if (n.a < 0) {
      *base = scope;
      *present = true;
      return Status::OK();
    }
    EV b;
    FERRY_RETURN_IF_ERROR(Eval(n.a, scope, &b));
    *present = b.kind != EV::kMissing;
    *base = ToValue(b, arena_);
    return Status::OK();
  }

  template <typename F>
  Status WalkPath(const Node& n, const Value& scope, bool* projected, F& f) {
    Value base;
    bool present = false;
    FERRY_RETURN_IF_ERROR(PathBase(n, scope, &base, &present));
    if (!present) return Status::OK();
    return WalkOps(n, 0, base, projected, f);
  }

  Status EvalPath(const Node& n, const Value& scope, EV* out) {
    bool projected = false;
    bool found = false;
    Value single;
    Value list;  // created on the first projected result
    auto collect = [&](const Value& v) -> Status {
      if (projected) {
        if (list.IsNull()) list = Value::Array(arena_, 4);
        list.Append(v, arena_);
      } else {
        single = v;
        found = true;
      }
      return Status::OK();
    };
    FERRY_RETURN_IF_ERROR(WalkPath(n, scope, &projected, collect));
    if (projected) {
      *out = EV::Of(list.IsNull() ? Value::Array(arena_, 0) : list);
    } else {
      *out = found ? EV::Of(single) : EV::Missing();
    }
    return Status::OK();
  }

  // Calls f(const Value&) for each item of an aggregate's argument: the
  // results of a projection, the elements of an array, or the value itself.
  template <typename F>
  Status ForEachItem(int32_t id, const Value& scope, F& f) {
    const Node& n = impl_.nodes[size_t(id)];
    if (n.kind == NodeKind::kPath) {
      bool projected = false;
      auto each = [&](const Value& v) -> Status {
        if (!projected && v.IsArray()) {
          for (const Value& e : v) FERRY_RETURN_IF_ERROR(f(e));
          return Status::OK();
        }
        return f(v);
      };
      return WalkPath(n, scope, &projected, each);
    }
    EV e;
    FERRY_RETURN_IF_ERROR(Eval(id, scope, &e));
    if (e.kind == EV::kMissing) return Status::OK();
    Value v = ToValue(e, arena_);
    if (v.IsArray()) {
      for (const Value& x : v) FERRY_RETURN_IF_ERROR(f(x));
      return Status::OK();
    }
    return f(v);
  }

  Status EvalUnary(const Node& n, const Value& scope, EV* out) {
    EV x;
    FERRY_RETURN_IF_ERROR(Eval(n.a, scope, &x));
    if (UnOp(n.op) == UnOp::kNot) {
      *out = EV::Of(Value::Bool(!Truthy(x)));
      return Status::OK();
    }
    Num num;
    if (!NumberOf(x, &num)) return Error(n, "unary '-' expects a number, got " + std::string(TypeName(x)));
    if (num.is_int && num.i != std::numeric_limits<int64_t>::min()) {
      *out = EV::Int(-num.i);
    } else {
      *out = EV::Double(-num.AsDouble());
    }
    return Status::OK();
  }

  // Text of a scalar for string concatenation. Returns false for
  // containers, null and missing.
  bool ScalarText(const EV& e, std::string_view* out) {
    switch (e.kind) {
      case EV::kMissing: return false;
      case EV::kInt:
      case EV::kDouble: {
        Value v = ToValue(e, arena_);
        *out = v.NumberLiteral();
        return true;
      }
      case EV::kValue:
        if (e.v.IsString()) {
          *out = e.v.AsString();
          return true;
        }
        if (e.v.IsNumber()) {
          *out = e.v.NumberLiteral();
          return true;
        }
        if (e.v.IsBool()) {
          *out = e.v.AsBool() ? "true" : "false";
          return true;
        }
        return false;
    }
    return false;
  }

  Value Concat(std::string_view a, std::string_view b) {
    if (a.empty()) return Value::StringView(b);
    if (b.empty()) return Value::StringView(a);
    char* p = static_cast<char*>(arena_.Allocate(a.size() + b.size(), 1));
    std::memcpy(p, a.data(), a.size());
    std::memcpy(p + a.size(), b.data(), b.size());
    return Value::StringView(std::string_view(p, a.size() + b.size()));
  }

  static int CompareNums(const Num& a, const Num& b) {
    if (a.is_int && b.is_int) return a.i < b.i ? -1 : (a.i > b.i ? 1 : 0);
    double x = a.AsDouble(), y = b.AsDouble();
    return x < y ? -1 : (x > y ? 1 : 0);
  }

  bool EqualEV(const EV& a, const EV& b) {
    Num x, y;
    if (NumberOf(a, &x) && NumberOf(b, &y)) return CompareNums(x, y) == 0;
    if (IsNullish(a) && IsNullish(b)) return true;
    if (IsNullish(a) || IsNullish(b)) return false;
    if (a.kind != EV::kValue || b.kind != EV::kValue) return false;
    return a.v.Equals(b.v);
  }

  Status EvalBinary(const Node& n, const Value& scope, EV* out) {
    EV a, b;
    FERRY_RETURN_IF_ERROR(Eval(n.a, scope, &a));
    FERRY_RETURN_IF_ERROR(Eval(n.b, scope, &b));
    BinOp op = BinOp(n.op);
    switch (op) {
      case BinOp::kEq:
      case BinOp::kNe:
        *out = EV::Of(Value::Bool(EqualEV(a, b) == (op == BinOp::kEq)));
        return Status::OK();
      case BinOp::kLt:
      case BinOp::kLe:
      case BinOp::kGt:
      case BinOp::kGe:
        return Order(n, op, a, b, out);
      default:
        break;
    }
    if (op == BinOp::kAdd && (IsString(a) || IsString(b))) return JoinText(n, a, b, out);
    return Arithmetic(n, op, a, b, out);
  }

  // <, <=, >, >= between two numbers or two strings. A comparison with NaN
  // is false.
  Status Order(const Node& n, BinOp op, const EV& a, const EV& b, EV* out) {
    int c;
    Num x, y;
    if (NumberOf(a, &x) && NumberOf(b, &y)) {
      double dx = x.AsDouble(), dy = y.AsDouble();
      if (!(x.is_int && y.is_int) && (std::isnan(dx) || std::isnan(dy))) {
        *out = EV::Of(Value::Bool(false));
        return Status::OK();
      }
      c = CompareNums(x, y);
    } else if (IsString(a) && IsString(b)) {
      int r = a.v.AsString().compare(b.v.AsString());
      c = r < 0 ? -1 : (r > 0 ? 1 : 0);
    } else {
      return Error(n, "cannot compare " + std::string(TypeName(a)) + " with " + std::string(TypeName(b)));
    }
    bool r = op == BinOp::kLt ? c < 0 : op == BinOp::kLe ? c <= 0 : op == BinOp::kGt ? c > 0 : c >= 0;
    *out = EV::Of(Value::Bool(r));
    return Status::OK();
  }

  // '+' with a string on either side: joins the two scalars' texts.
  Status JoinText(const Node& n, const EV& a, const EV& b, EV* out) {
    std::string_view x, y;
    if (!ScalarText(a, &x) || !ScalarText(b, &y)) {
      return Error(n, "'+' cannot join " + std::string(TypeName(a)) + " and " + std::string(TypeName(b)) +
                          " (use concat() to skip nulls)");
    }
    *out = EV::Of(Concat(x, y));
    return Status::OK();
  }

  // + - * / % on numbers: exact in int64 where the result fits, else double.
  Status Arithmetic(const Node& n, BinOp op, const EV& a, const EV& b, EV* out) {
    Num x, y;
    static constexpr std::string_view kOpNames[] = {"+", "-", "*", "/", "%"};
    if (!NumberOf(a, &x) || !NumberOf(b, &y)) {
      return Error(n, "'" + std::string(kOpNames[int(op)]) + "' expects numbers, got " + std::string(TypeName(a)) +
                          " and " + std::string(TypeName(b)));
    }
    if (x.is_int && y.is_int) {
      bool exact = false;
      FERRY_RETURN_IF_ERROR(IntArithmetic(n, op, x.i, y.i, out, &exact));
      if (exact) return Status::OK();
    }
    return DoubleArithmetic(n, op, x.AsDouble(), y.AsDouble(), out);
  }

  // Sets *out and *exact when x op y has an exact int64 result; leaves
  // *exact false on overflow or a fractional quotient.
  Status IntArithmetic(const Node& n, BinOp op, int64_t x, int64_t y, EV* out, bool* exact) {
    int64_t r = 0;
    switch (op) {
      case BinOp::kAdd: *exact = !__builtin_add_overflow(x, y, &r); break;
      case BinOp::kSub: *exact = !__builtin_sub_overflow(x, y, &r); break;
      case BinOp::kMul: *exact = !__builtin_mul_overflow(x, y, &r); break;
      case BinOp::kDiv:
        if (y == 0) return Error(n, "division by zero");
        *exact = !(x == std::numeric_limits<int64_t>::min() && y == -1) && x % y == 0;
        if (*exact) r = x / y;
        break;
      case BinOp::kMod:
        if (y == 0) return Error(n, "division by zero");
        r = y == -1 ? 0 : x % y;
        *exact = true;
        break;
      default: break;
    }
    if (*exact) *out = EV::Int(r);
    return Status::OK();
  }

  Status DoubleArithmetic(const Node& n, BinOp op, double x, double y, EV* out) {
    double r = 0;
    switch (op) {
      case BinOp::kAdd: r = x + y; break;
      case BinOp::kSub: r = x - y; break;
      case BinOp::kMul: r = x * y; break;
      case BinOp::kDiv:
        if (y == 0) return Error(n, "division by zero");
        r = x / y;
        break;
      case BinOp::kMod:
        if (y == 0) return Error(n, "division by zero");
        r = std::fmod(x, y);
        break;
      default: break;
    }
    if (!std::isfinite(r)) return Error(n, "numeric overflow");
    *out = EV::Double(r);
    return Status::OK();
  }

  Status StringFunc(const Node& n, Func f, const EV& x, EV* out) {
    if (IsNullish(x)) {
      *out = EV::Of(Value::Null());
      return Status::OK();
    }
    if (!IsString(x)) {
      static constexpr std::string_view kNames[] = {"lower", "upper", "trim"};
      return Error(n, std::string(kNames[int(f) - int(Func::kLower)]) + "() expects a string, got " +
                          std::string(TypeName(x)));
    }
    std::string_view s = x.v.AsString();
    if (f == Func::kTrim) {
      size_t b = 0, e = s.size();
      while (b < e && IsAsciiSpace(s[b])) ++b;
      while (e > b && IsAsciiSpace(s[e - 1])) --e;
      *out = EV::Of(Value::StringView(s.substr(b, e - b)));
      return Status::OK();
    }
    bool lower = f == Func::kLower;
    size_t first = s.size();
    for (size_t i = 0; i < s.size(); ++i) {
      char c = s[i];
      if (lower ? (c >= 'A' && c <= 'Z') : (c >= 'a' && c <= 'z')) {
        first = i;
        break;
      }
    }
    if (first == s.size()) {
      *out = x;
      return Status::OK();
    }
    char* p = static_cast<char*>(arena_.Allocate(s.size(), 1));
    for (size_t i = 0; i < s.size(); ++i) {
      char c = s[i];
      if (lower && c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
      if (!lower && c >= 'a' && c <= 'z') c = char(c - 'a' + 'A');
      p[i] = c;
    }
    *out = EV::Of(Value::StringView(std::string_view(p, s.size())));
    return Status::OK();
  }

  // Dispatches through kCalls (below the class): one handler per Func.
  Status EvalCall(const Node& n, const Value& scope, EV* out);

  // The value of a call's argument `i`.
  Status Arg(const Node& n, size_t i, const Value& scope, EV* out) { return Eval(n.args[i], scope, out); }

  Status NumericItem(const Node& n, const char* name, const Value& v, Num* x) {
    if (NumberOf(v, x)) return Status::OK();
    return Error(n, std::string(name) + "() expects numbers, got " + std::string(JsonTypeName(v.type())));
  }

  // sum() and avg(): nulls are skipped; int64 while exact, then double.
  Status SumOrAvg(const Node& n, const Value& scope, EV* out) {
    const bool sum = Func(n.op) == Func::kSum;
    Num acc;
    acc.is_int = true;
    int64_t count = 0;
    auto add = [&](const Value& v) -> Status {
      if (v.IsNull()) return Status::OK();
      Num x;
      FERRY_RETURN_IF_ERROR(NumericItem(n, sum ? "sum" : "avg", v, &x));
      ++count;
      int64_t r;
      if (acc.is_int && x.is_int && !__builtin_add_overflow(acc.i, x.i, &r)) {
        acc.i = r;
      } else {
        acc.d = acc.AsDouble() + x.AsDouble();
        acc.is_int = false;
      }
      return Status::OK();
    };
    FERRY_RETURN_IF_ERROR(ForEachItem(n.args[0], scope, add));
    if (sum) {
      *out = FromNum(acc);
    } else if (count == 0) {
      *out = EV::Of(Value::Null());
    } else if (acc.is_int && acc.i % count == 0) {
      *out = EV::Int(acc.i / count);
    } else {
      *out = EV::Double(acc.AsDouble() / double(count));
    }
    return Status::OK();
  }

  Status Count(const Node& n, const Value& scope, EV* out) {
    int64_t count = 0;
    auto inc = [&](const Value&) -> Status {
      ++count;
      return Status::OK();
    };
    FERRY_RETURN_IF_ERROR(ForEachItem(n.args[0], scope, inc));
    *out = EV::Int(count);
    return Status::OK();
  }

  // min() and max(): the winning element keeps its literal (min of [1.50]
  // is 1.50); nulls are skipped.
  Status MinOrMax(const Node& n, const Value& scope, EV* out) {
    const bool min = Func(n.op) == Func::kMin;
    bool any = false;
    Num best;
    Value best_value;
    auto pick = [&](const Value& v) -> Status {
      if (v.IsNull()) return Status::OK();
      Num x;
      FERRY_RETURN_IF_ERROR(NumericItem(n, min ? "min" : "max", v, &x));
      int c = any ? CompareNums(x, best) : 0;
      if (!any || (min ? c < 0 : c > 0)) {
        best = x;
        best_value = v;
        any = true;
      }
      return Status::OK();
    };
    FERRY_RETURN_IF_ERROR(ForEachItem(n.args[0], scope, pick));
    *out = EV::Of(any ? best_value : Value::Null());
    return Status::OK();
  }

  // len(): code points of a string, members of an array or object.
  Status Len(const Node& n, const Value& scope, EV* out) {
    EV x;
    FERRY_RETURN_IF_ERROR(Arg(n, 0, scope, &x));
    if (IsNullish(x)) {
      *out = EV::Of(Value::Null());
      return Status::OK();
    }
    if (x.kind == EV::kValue && x.v.IsString()) {
      int64_t cps = 0;
      for (char c : x.v.AsString()) cps += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
      *out = EV::Int(cps);
      return Status::OK();
    }
    if (x.kind == EV::kValue && (x.v.IsArray() || x.v.IsObject())) {
      *out = EV::Int(x.v.size());
      return Status::OK();
    }
    return Error(n, "len() expects a string, array or object, got " + std::string(TypeName(x)));
  }

  // lower(), upper(), trim().
  Status CaseOrTrim(const Node& n, const Value& scope, EV* out) {
    EV x;
    FERRY_RETURN_IF_ERROR(Arg(n, 0, scope, &x));
    return StringFunc(n, Func(n.op), x, out);
  }

  Status Coalesce(const Node& n, const Value& scope, EV* out) {
    for (int32_t arg : n.args) {
      EV x;
      FERRY_RETURN_IF_ERROR(Eval(arg, scope, &x));
      if (!IsNullish(x)) {
        *out = x;
        return Status::OK();
      }
    }
    *out = EV::Of(Value::Null());
    return Status::OK();
  }

  Status Exists(const Node& n, const Value& scope, EV* out) {
    bool projected = false, any = false;
    auto found = [&](const Value&) -> Status {
      any = true;
      return Status::OK();
    };
    FERRY_RETURN_IF_ERROR(WalkPath(impl_.nodes[size_t(n.args[0])], scope, &projected, found));
    *out = EV::Of(Value::Bool(any));
    return Status::OK();
  }

  // concat(): joins the scalars' texts, skipping nulls and missing values.
  Status ConcatCall(const Node& n, const Value& scope, EV* out) {
    Value acc = Value::StringView(std::string_view());
    for (int32_t arg : n.args) {
      EV x;
      FERRY_RETURN_IF_ERROR(Eval(arg, scope, &x));
      if (IsNullish(x)) continue;
      std::string_view piece;
      if (!ScalarText(x, &piece)) return Error(n, "concat() cannot join " + std::string(TypeName(x)));
      acc = Concat(acc.AsString(), piece);
    }
    *out = EV::Of(acc);
    return Status::OK();
  }

  Status Type(const Node& n, const Value& scope, EV* out) {
    EV x;
    FERRY_RETURN_IF_ERROR(Arg(n, 0, scope, &x));
    *out = EV::Of(Value::StringView(TypeName(x)));
    return Status::OK();
  }

  Status StartsWith(const Node& n, const Value& scope, EV* out) {
    EV x, prefix;
    FERRY_RETURN_IF_ERROR(Arg(n, 0, scope, &x));
    FERRY_RETURN_IF_ERROR(Arg(n, 1, scope, &prefix));
    if (IsNullish(x) || IsNullish(prefix)) {
      *out = EV::Of(Value::Bool(false));
      return Status::OK();
    }
    if (!IsString(x) || !IsString(prefix)) {
      return Error(n, "starts_with() expects strings, got " + std::string(TypeName(x)) + " and " +
                          std::string(TypeName(prefix)));
    }
    *out = EV::Of(Value::Bool(x.v.AsString().starts_with(prefix.v.AsString())));
    return Status::OK();
  }

  Status ByteLen(const Node& n, const Value& scope, EV* out) {
    EV x;
    FERRY_RETURN_IF_ERROR(Arg(n, 0, scope, &x));
    if (IsNullish(x)) {
      *out = EV::Of(Value::Null());
      return Status::OK();
    }
    if (!IsString(x)) return Error(n, "byte_len() expects a string, got " + std::string(TypeName(x)));
    *out = EV::Int(int64_t(x.v.AsString().size()));
    return Status::OK();
  }

  Status Split(const Node& n, const Value& scope, EV* out) {
    EV x, sep;
    FERRY_RETURN_IF_ERROR(Arg(n, 0, scope, &x));
    FERRY_RETURN_IF_ERROR(Arg(n, 1, scope, &sep));
    if (IsNullish(x)) {
      *out = EV::Of(Value::Null());
      return Status::OK();
    }
    if (!IsString(x) || !IsString(sep) || sep.v.AsString().empty()) {
      return Error(n, "split() expects a string and a non-empty separator string, got " + std::string(TypeName(x)) +
                          " and " + std::string(TypeName(sep)));
    }
    // "" splits into [] (not [""]), so join(split(s)) == s for every s
    // and an empty list round-trips through its joined form.
    const std::string_view s = x.v.AsString();
    const std::string_view d = sep.v.AsString();
    Value list = Value::Array(arena_, 4);
    if (!s.empty()) {
      size_t begin = 0;
      for (;;) {
        const size_t at = s.find(d, begin);
        list.Append(Value::StringView(s.substr(begin, at == std::string_view::npos ? at : at - begin)), arena_);
        if (at == std::string_view::npos) break;
        begin = at + d.size();
      }
    }
    *out = EV::Of(list);
    return Status::OK();
  }

  // split_trim(s[, sep]): pieces trimmed of ASCII space, empty ones dropped.
  Status SplitTrim(const Node& n, const Value& scope, EV* out) {
    EV x, sep;
    FERRY_RETURN_IF_ERROR(Arg(n, 0, scope, &x));
    std::string_view separator = ",";
    if (n.args.size() > 1) {
      FERRY_RETURN_IF_ERROR(Arg(n, 1, scope, &sep));
      if (!IsString(sep) || sep.v.AsString().empty()) {
        return Error(n, "split_trim() expects a non-empty separator string, got " + std::string(TypeName(sep)));
      }
      separator = sep.v.AsString();
    }
    if (IsNullish(x)) {
      *out = EV::Of(Value::Null());
      return Status::OK();
    }
    if (!IsString(x)) return Error(n, "split_trim() expects a string, got " + std::string(TypeName(x)));
    std::string_view s = x.v.AsString();
    Value list = Value::Array(arena_, 4);
    size_t start = 0;
    for (;;) {
      size_t end = s.find(separator, start);
      std::string_view piece = s.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
      size_t b = 0, e = piece.size();
      while (b < e && IsAsciiSpace(piece[b])) ++b;
      while (e > b && IsAsciiSpace(piece[e - 1])) --e;
      if (e > b) list.Append(Value::StringView(piece.substr(b, e - b)), arena_);
      if (end == std::string_view::npos) break;
      start = end + separator.size();
    }
    *out = EV::Of(list);
    return Status::OK();
  }

  Status ParseDate(const Node& n, const Value& scope, EV* out) {
    EV x, fmt;
    FERRY_RETURN_IF_ERROR(Arg(n, 0, scope, &x));
    FERRY_RETURN_IF_ERROR(Arg(n, 1, scope, &fmt));
    if (!IsString(fmt)) return Error(n, "parse_date() expects a format string, got " + std::string(TypeName(fmt)));
    if (IsNullish(x)) {
      *out = EV::Of(Value::Null());
      return Status::OK();
    }
    if (!IsString(x)) return Error(n, "parse_date() expects a string, got " + std::string(TypeName(x)));
    std::string iso, why;
    if (!internal::ParseDateWithFormat(x.v.AsString(), fmt.v.AsString(), &iso, &why)) {
      std::string shown(x.v.AsString().substr(0, 40));
      return Error(n, "parse_date(): \"" + shown + "\" does not match \"" + std::string(fmt.v.AsString()) +
                          "\": " + why);
    }
    *out = EV::Of(Value::String(iso, arena_));
    return Status::OK();
  }

  Status In(const Node& n, const Value& scope, EV* out) {
    EV x, list;
    FERRY_RETURN_IF_ERROR(Arg(n, 0, scope, &x));
    FERRY_RETURN_IF_ERROR(Arg(n, 1, scope, &list));
    if (IsNullish(list)) {
      *out = EV::Of(Value::Bool(false));
      return Status::OK();
    }
    if (list.kind != EV::kValue || !list.v.IsArray()) {
      return Error(n, "in() expects an array as its second argument, got " + std::string(TypeName(list)));
    }
    bool found = false;
    for (const Value& item : list.v) {
      if (EqualEV(x, EV::Of(item))) {
        found = true;
        break;
      }
    }
    *out = EV::Of(Value::Bool(found));
    return Status::OK();
  }

  const Expression::Impl& impl_;
  Arena& arena_;
};

// Dispatches a call through a table holding the handler of each built-in
// function, in the order of enum Func.
Status Evaluator::EvalCall(const Node& n, const Value& scope, EV* out) {
  struct Entry {
    Func func;
    Status (Evaluator::*handler)(const Node&, const Value&, EV*);
  };
  static constexpr Entry kCalls[] = {
      {Func::kSum, &Evaluator::SumOrAvg},       {Func::kCount, &Evaluator::Count},
      {Func::kMin, &Evaluator::MinOrMax},       {Func::kMax, &Evaluator::MinOrMax},
      {Func::kAvg, &Evaluator::SumOrAvg},       {Func::kLen, &Evaluator::Len},
      {Func::kLower, &Evaluator::CaseOrTrim},   {Func::kUpper, &Evaluator::CaseOrTrim},
      {Func::kTrim, &Evaluator::CaseOrTrim},    {Func::kCoalesce, &Evaluator::Coalesce},
      {Func::kExists, &Evaluator::Exists},      {Func::kConcat, &Evaluator::ConcatCall},
      {Func::kType, &Evaluator::Type},          {Func::kStartsWith, &Evaluator::StartsWith},
      {Func::kByteLen, &Evaluator::ByteLen},    {Func::kSplit, &Evaluator::Split},
      {Func::kSplitTrim, &Evaluator::SplitTrim}, {Func::kParseDate, &Evaluator::ParseDate},
      {Func::kIn, &Evaluator::In},
  };
  static_assert(
      [] {
        for (size_t i = 0; i < std::size(kCalls); ++i) {
          if (kCalls[i].func != Func(i)) return false;
        }
        return std::size(kCalls) == size_t(Func::kIn) + 1;
      }(),
      "kCalls needs one entry per Func, in enum order");
  if (n.op >= std::size(kCalls)) return Status::Internal("bad function");
  return (this->*kCalls[n.op].handler)(n, scope, out);
}

}  // namespace

bool IsTruthy(const Value& v) {
  switch (v.type()) {
    case JsonType::kNull: return false;
    case JsonType::kBool: return v.AsBool();
    case JsonType::kNumber: {
      double d = v.AsDouble();
      return d != 0 && !std::isnan(d);
    }
    case JsonType::kString: return !v.AsString().empty();
    case JsonType::kArray:
    case JsonType::kObject: return true;
  }
  return false;
}

Status Expression::Evaluate(const Value& scope, Arena& arena, Value* out) const {
  Evaluator ev(*impl_, arena);
  EV r;
  FERRY_RETURN_IF_ERROR(ev.Eval(impl_->root, scope, &r));
  *out = ToValue(r, arena);
  return Status::OK();
}

Status Expression::EvaluateCondition(const Value& scope, Arena& arena, bool* out) const {
  Evaluator ev(*impl_, arena);
  return ev.Condition(impl_->root, scope, out);
}

}  // namespace ferry
