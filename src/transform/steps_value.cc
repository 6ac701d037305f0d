// Copyright (c) the Ferry authors.
//
// Value steps: convert, keys, trim/lower/upper, datetime, to_string,
// to_number, set. They follow one rule: Forward computes its result r and
// the value Backward would produce from r by default; when that is not
// byte-identical to the input, the input is saved as the complement.

#include <chrono>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "common/text.h"
#include "ferry/expr.h"
#include "transform/transform_internal.h"

namespace ferry::internal {
namespace {

constexpr size_t kMaxPointerTokens = 32;

Status FailAtPath(StepContext& ctx, const FieldPath& p, std::string msg) {
  std::string_view buf[kMaxPointerTokens];
  size_t n = 0;
  for (size_t i = 0; i < p.tokens.size() && n < kMaxPointerTokens; ++i) buf[n++] = p.tokens[i];
  return ctx.Fail(std::span<const std::string_view>(buf, n), std::move(msg));
}

// Base for steps that map one value to another: subclasses give Apply
// (forward) and Revert (backward default); complements are automatic.
class ValueStep : public StepBase {
 public:
  explicit ValueStep(std::string_view name) : StepBase(name) {}
  FieldPath field;

  // Forward result for `v`; `*out` = v when unchanged. May fail.
  virtual Status Apply(const Value& v, Value* out, StepContext& ctx) const = 0;
  // Default backward result for `v`.
  virtual Value Revert(const Value& v, Arena& arena) const = 0;

  Status Forward(Value& doc, StepContext& ctx) const override {
    Value* slot = Resolve(doc, field);
    if (slot == nullptr) return Status::OK();
    Value r;
    FERRY_RETURN_IF_ERROR(Apply(*slot, &r, ctx));
    if (!Identical(Revert(r, ctx.arena()), *slot)) ctx.SaveComplementCopy(*slot);
    *slot = r;
    return Status::OK();
  }

  Status Backward(Value& doc, StepContext& ctx) const override {
    Value* slot = Resolve(doc, field);
    if (slot == nullptr) return Status::OK();
    if (const Value* c = ctx.complement()) {
      *slot = c->DeepCopy(ctx.arena());
      return Status::OK();
    }
    *slot = Revert(*slot, ctx.arena());
    return Status::OK();
  }

 protected:
  Status Fail(StepContext& ctx, std::string msg) const { return FailAtPath(ctx, field, std::move(msg)); }
};

// --- convert ------------------------------------------------------------------

class ConvertStep final : public ValueStep {
 public:
  ConvertStep() : ValueStep("convert") {}
  Arena arena{1024};
  std::vector<std::pair<Value, Value>> pairs;  // from -> to, in spec order
  bool has_default = false;
  Value default_value;
  bool injective = true;

  bool lossy() const override { return !injective || has_default; }

  Status Apply(const Value& v, Value* out, StepContext& ctx) const override {
    for (const auto& [from, to] : pairs) {
      if (from.Equals(v)) {
        *out = Materialize(to, ctx.arena());
        return Status::OK();
      }
    }
    *out = has_default ? Materialize(default_value, ctx.arena()) : v;
    return Status::OK();
  }

  Value Revert(const Value& v, Arena& a) const override {
    for (const auto& [from, to] : pairs) {
      if (to.Equals(v)) return Materialize(from, a);
    }
    return v;
  }
};

// --- trim / lower / upper -------------------------------------------------------

enum class TextOp { kTrim, kLower, kUpper };

class TextStep final : public ValueStep {
 public:
  TextStep(std::string_view name, TextOp op) : ValueStep(name), op_(op) {}

  bool lossy() const override { return true; }

  Status Apply(const Value& v, Value* out, StepContext& ctx) const override {
    *out = v;
    if (!v.IsString()) return Status::OK();
    std::string_view s = v.AsString();
    if (op_ == TextOp::kTrim) {
      size_t b = 0, e = s.size();
      auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; };
      while (b < e && space(s[b])) ++b;
      while (e > b && space(s[e - 1])) --e;
      if (b != 0 || e != s.size()) *out = Value::StringView(s.substr(b, e - b));
      return Status::OK();
    }
    bool lower = op_ == TextOp::kLower;
    char lo = lower ? 'A' : 'a', hi = lower ? 'Z' : 'z';
    size_t first = 0;
    while (first < s.size() && !(s[first] >= lo && s[first] <= hi)) ++first;
    if (first == s.size()) return Status::OK();
    char* p = static_cast<char*>(ctx.arena().Allocate(s.size(), 1));
    std::memcpy(p, s.data(), s.size());
    for (size_t i = first; i < s.size(); ++i) {
      if (p[i] >= lo && p[i] <= hi) p[i] = char(p[i] + (lower ? 32 : -32));
    }
    *out = Value::StringView(std::string_view(p, s.size()));
    return Status::OK();
  }

  // The original is kept whenever the text changed.
  Value Revert(const Value& v, Arena&) const override { return v; }

 private:
  TextOp op_;
};

// --- to_string / to_number ------------------------------------------------------

Value NumberToString(const Value& v) { return v.IsNumber() ? Value::StringView(v.NumberLiteral()) : v; }
Value StringToNumber(const Value& v) {
  return v.IsString() && IsJsonNumberLiteral(v.AsString()) ? Value::NumberLiteral(v.AsString()) : v;
}

class ToStringStep final : public ValueStep {
 public:
  ToStringStep() : ValueStep("to_string") {}
  bool lossy() const override { return false; }
  Status Apply(const Value& v, Value* out, StepContext&) const override {
    *out = NumberToString(v);
    return Status::OK();
  }
  Value Revert(const Value& v, Arena&) const override { return StringToNumber(v); }
};

class ToNumberStep final : public ValueStep {
 public:
  ToNumberStep() : ValueStep("to_number") {}
  bool lossy() const override { return false; }
  Status Apply(const Value& v, Value* out, StepContext& ctx) const override {
    if (v.IsString() && !IsJsonNumberLiteral(v.AsString())) {
      std::string shown;
      WriteJsonString(v.AsString().substr(0, 64), &shown);
      return Fail(ctx, "to_number: " + shown + " is not a number");
    }
    *out = StringToNumber(v);
    return Status::OK();
  }
  Value Revert(const Value& v, Arena&) const override { return NumberToString(v); }
};

// --- datetime -------------------------------------------------------------------

enum class DateForm : uint8_t { kEpoch, kSql, kIso };

constexpr int64_t kMinEpoch = -62135596800;  // 0001-01-01T00:00:00Z
constexpr int64_t kMaxEpoch = 253402300799;  // 9999-12-31T23:59:59Z

bool Matches(const Value& v, DateForm f, int64_t* epoch) {
  switch (f) {
    case DateForm::kEpoch:
      return v.IsNumber() && v.GetInt64(epoch) && *epoch >= kMinEpoch && *epoch <= kMaxEpoch;
    case DateForm::kSql: {
      // SPEC iso(): a string whose 11th character is a space.
      if (!v.IsString()) return false;
      std::string_view s = v.AsString();
      return s.size() >= 11 && s[10] == ' ';
    }
    case DateForm::kIso: {
      if (!v.IsString()) return false;
      std::string_view s = v.AsString();
      return s.size() >= 12 && s[10] == 'T' && s.back() == 'Z';
    }
  }
  return false;
}

// Formats `epoch` (UTC) as "YYYY-MM-DD HH:MM:SS" or "...THH:MM:SSZ".
Value FormatEpoch(int64_t epoch, bool iso, Arena& arena) {
  using namespace std::chrono;
  int64_t days = epoch >= 0 ? epoch / 86400 : -((-epoch + 86399) / 86400);
  int64_t secs = epoch - days * 86400;
  year_month_day ymd{sys_days{std::chrono::days{days}}};
  int y = int(ymd.year());
  unsigned mo = unsigned(ymd.month()), d = unsigned(ymd.day());
  int hh = int(secs / 3600), mm = int(secs / 60 % 60), ss = int(secs % 60);
  size_t len = iso ? 20 : 19;
  char* p = static_cast<char*>(arena.Allocate(len, 1));
  auto put = [](char* at, int v, int width) {
    for (int i = width - 1; i >= 0; --i) {
      at[i] = char('0' + v % 10);
      v /= 10;
    }
  };
  put(p, y, 4);
  p[4] = '-';
  put(p + 5, int(mo), 2);
  p[7] = '-';
  put(p + 8, int(d), 2);
  p[10] = iso ? 'T' : ' ';
  put(p + 11, hh, 2);
  p[13] = ':';
  put(p + 14, mm, 2);
  p[16] = ':';
  put(p + 17, ss, 2);
  if (iso) p[19] = 'Z';
  return Value::StringView(std::string_view(p, len));
}

// Strictly parses "YYYY-MM-DD?HH:MM:SS" (sep ' ' or 'T', optional 'Z').
bool ParseDateTime(std::string_view s, bool iso, int64_t* epoch) {
  if (s.size() != (iso ? 20u : 19u)) return false;
  auto num = [&](size_t at, int width, int* out) {
    int v = 0;
    for (int i = 0; i < width; ++i) {
      char c = s[at + size_t(i)];
      if (c < '0' || c > '9') return false;
      v = v * 10 + (c - '0');
    }
    *out = v;
    return true;
  };
  int y, mo, d, hh, mm, ss;
  if (!num(0, 4, &y) || s[4] != '-' || !num(5, 2, &mo) || s[7] != '-' || !num(8, 2, &d) ||
      s[10] != (iso ? 'T' : ' ') || !num(11, 2, &hh) || s[13] != ':' || !num(14, 2, &mm) || s[16] != ':' ||
      !num(17, 2, &ss) || (iso && s[19] != 'Z')) {
    return false;
  }
  using namespace std::chrono;
  year_month_day ymd{year{y}, month{unsigned(mo)}, day{unsigned(d)}};
  if (y < 1 || !ymd.ok() || hh > 23 || mm > 59 || ss > 59) return false;
  int64_t days = sys_days{ymd}.time_since_epoch().count();
  *epoch = days * 86400 + hh * 3600 + mm * 60 + ss;
  return true;
}

// Converts `v` (known to match `from`) to `to`; returns v when impossible.
Value ConvertDate(const Value& v, DateForm from, DateForm to, Arena& a) {
  if (from == to) return v;
  int64_t epoch = 0;
  if (from == DateForm::kEpoch) {
    if (!Matches(v, DateForm::kEpoch, &epoch)) return v;
    return FormatEpoch(epoch, to == DateForm::kIso, a);
  }
  std::string_view s = v.AsString();
  if (to == DateForm::kEpoch) {
    if (!ParseDateTime(s, from == DateForm::kIso, &epoch)) return v;
    return Value::Int(epoch, a);
  }
  if (from == DateForm::kSql) {  // s[0:10] + "T" + s[11:] + "Z"
    char* p = static_cast<char*>(a.Allocate(s.size() + 1, 1));
    std::memcpy(p, s.data(), s.size());
    p[10] = 'T';
    p[s.size()] = 'Z';
    return Value::StringView(std::string_view(p, s.size() + 1));
  }
  // iso -> sql: t[0:10] + " " + t[11:-1]
  char* p = static_cast<char*>(a.Allocate(s.size() - 1, 1));
  std::memcpy(p, s.data(), s.size() - 1);
  p[10] = ' ';
  return Value::StringView(std::string_view(p, s.size() - 1));
}

class DatetimeStep final : public ValueStep {
 public:
  DatetimeStep() : ValueStep("datetime") {}
  std::vector<DateForm> from;
  DateForm to = DateForm::kIso;

  // Going back needs data when more than one accepted form converts.
  bool lossy() const override {
    int forms = 0;
    for (DateForm f : from) forms += f != to;
    return forms > 1;
  }

  Status Apply(const Value& v, Value* out, StepContext& ctx) const override {
    int64_t epoch;
    for (DateForm f : from) {
      if (Matches(v, f, &epoch)) {
        *out = ConvertDate(v, f, to, ctx.arena());
        return Status::OK();
      }
    }
    *out = v;
    return Status::OK();
  }

  // Back to the first accepted form.
  Value Revert(const Value& v, Arena& a) const override {
    int64_t epoch;
    if (from.empty() || !Matches(v, to, &epoch)) return v;
    return ConvertDate(v, to, from[0], a);
  }
};

// --- keys -------------------------------------------------------------------------

bool IsLower(char c) { return c >= 'a' && c <= 'z'; }
bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }

// snake_case -> camelCase: "_x" after a letter or digit becomes "X".
std::string_view ToCamel(std::string_view k, Arena& a) {
  size_t hits = 0;
  for (size_t i = 1; i + 1 < k.size(); ++i) hits += k[i] == '_' && IsAlnum(k[i - 1]) && IsLower(k[i + 1]);
  if (hits == 0) return k;
  char* p = static_cast<char*>(a.Allocate(k.size() - hits, 1));
  size_t w = 0;
  for (size_t i = 0; i < k.size(); ++i) {
    if (i > 0 && i + 1 < k.size() && k[i] == '_' && IsAlnum(k[i - 1]) && IsLower(k[i + 1])) {
      p[w++] = char(k[++i] - 32);
    } else {
      p[w++] = k[i];
    }
  }
  return std::string_view(p, w);
}

// camelCase -> snake_case: "X" becomes "_x" (a leading capital just "x").
std::string_view ToSnake(std::string_view k, Arena& a) {
  size_t hits = 0;
  bool any = false;
  for (size_t i = 0; i < k.size(); ++i) {
    if (IsUpper(k[i])) {
      any = true;
      hits += i > 0;
    }
  }
  if (!any) return k;
  char* p = static_cast<char*>(a.Allocate(k.size() + hits, 1));
  size_t w = 0;
  for (size_t i = 0; i < k.size(); ++i) {
    if (IsUpper(k[i])) {
      if (i > 0) p[w++] = '_';
      p[w++] = char(k[i] + 32);
    } else {
      p[w++] = k[i];
    }
  }
  return std::string_view(p, w);
}

// Position of a container inside the value the step was applied to.
struct Trail {
  const Trail* parent;
  int64_t index;
};

class KeysStep final : public StepBase {
 public:
  KeysStep() : StepBase("keys") {}
  FieldPath field;
  bool camel = true;
  bool deep = false;

  bool lossy() const override { return false; }

  std::string_view Convert(std::string_view k, bool forward, Arena& a) const {
    return (forward == camel) ? ToCamel(k, a) : ToSnake(k, a);
  }

  // Records the original key of member `m` under `trail`.
  static void Record(Value* entries, const Trail* trail, int64_t m, std::string_view original, Arena& a) {
    size_t depth = 0;
    for (const Trail* t = trail; t != nullptr; t = t->parent) ++depth;
    Value e = Value::Array(a, uint32_t(depth + 2));
    for (size_t i = 0; i < depth + 2; ++i) e.Append(Value(), a);
    size_t at = depth;
    for (const Trail* t = trail; t != nullptr; t = t->parent) e[--at] = SmallInt(t->index, a);
    e[depth] = SmallInt(m, a);
    e[depth + 1] = Value::String(original, a);
    if (entries->IsNull()) *entries = Value::Array(a, 2);
    entries->Append(e, a);
  }

  void ForwardValue(Value& v, const Trail* trail, Value* entries, Arena& a) const {
    if (v.IsObject()) {
      Member* m = v.members();
      const uint32_t n = v.size();
      for (uint32_t i = 0; i < n; ++i) {
        std::string_view orig = m[i].key.AsString();
        std::string_view cand = Convert(orig, true, a);
        if (cand != orig) {
          // Never create a duplicate key: compare with the final names
          // before i and the original names after i.
          bool clash = false;
          for (uint32_t j = 0; j < n && !clash; ++j) clash = j != i && m[j].key.AsString() == cand;
          if (!clash) m[i].key = Value::StringView(cand);
        }
        std::string_view now = m[i].key.AsString();
        if (Convert(now, false, a) != orig) Record(entries, trail, i, orig, a);
      }
      if (!deep) return;
      for (uint32_t i = 0; i < n; ++i) {
        Trail t{trail, i};
        ForwardValue(m[i].value, &t, entries, a);
      }
    } else if (v.IsArray() && deep) {
      for (uint32_t i = 0; i < v.size(); ++i) {
        Trail t{trail, i};
        ForwardValue(v[i], &t, entries, a);
      }
    }
  }

  void BackwardValue(Value& v, Arena& a, int depth) const {
    if (v.IsObject()) {
      for (Member* m = v.members(); m != v.members_end(); ++m) {
        std::string_view k = m->key.AsString();
        std::string_view back = Convert(k, false, a);
        if (back != k) m->key = Value::StringView(back);
        if (deep) BackwardValue(m->value, a, depth + 1);
      }
    } else if (v.IsArray() && deep) {
      for (Value& e : v) BackwardValue(e, a, depth + 1);
    }
  }

  Status Forward(Value& doc, StepContext& ctx) const override {
    Value* slot = Resolve(doc, field);
    if (slot == nullptr) return Status::OK();
    Value entries;
    ForwardValue(*slot, nullptr, &entries, ctx.arena());
    if (!entries.IsNull()) ctx.SaveComplement(entries);
    return Status::OK();
  }

  Status Backward(Value& doc, StepContext& ctx) const override {
    const Value* c = ctx.complement();
    if (c != nullptr && !c->IsArray()) return BadComplement(name());
    Value* slot = Resolve(doc, field);
    if (slot == nullptr) return Status::OK();
    Arena& a = ctx.arena();
    BackwardValue(*slot, a, 0);
    for (uint32_t e = 0; c != nullptr && e < c->size(); ++e) {
      const Value& entry = (*c)[e];
      if (!entry.IsArray() || entry.size() < 2 || !entry[entry.size() - 1].IsString()) return BadComplement(name());
      Value* cur = slot;
      for (uint32_t k = 0; k + 1 < entry.size(); ++k) {
        int64_t idx;
        if (!ReadIndex(&entry[k], &idx)) return BadComplement(name());
        bool last = k + 2 == entry.size();
        if (cur->IsObject() && idx < int64_t(cur->size())) {
          if (last) {
            cur->members()[idx].key = Value::String(entry[entry.size() - 1].AsString(), a);
          } else {
            cur = &cur->members()[idx].value;
          }
        } else if (!last && cur->IsArray() && idx < int64_t(cur->size())) {
          cur = &(*cur)[size_t(idx)];
        } else {
          return BadComplement(name());
        }
      }
    }
    return Status::OK();
  }
};

// --- set ------------------------------------------------------------------------

// Complement entries of `set` (the overwritten value otherwise, as it is):
// the missing parents it created, from the one at token index N: {"\0created": N};
// an overwritten value that could be taken for such a marker is wrapped:
// {"\0value": V}.
constexpr std::string_view kSetCreated("\0created", 8);
constexpr std::string_view kSetValue("\0value", 6);

// The single member's key of a marker-shaped complement ("" otherwise).
std::string_view SetMarker(const Value& c) {
  if (!c.IsObject() || c.size() != 1) return {};
  std::string_view key = c.members()[0].key.AsString();
  return !key.empty() && key[0] == '\0' ? key : std::string_view();
}

class SetStep final : public StepBase {
 public:
  SetStep() : StepBase("set") {}
  FieldPath field;
  std::unique_ptr<const Expression> expr;

  bool lossy() const override { return false; }

  Status Forward(Value& doc, StepContext& ctx) const override {
    Value r;
    Status s = expr->Evaluate(doc, ctx.arena(), &r);
    if (!s.ok()) return FailAtPath(ctx, field, "set: " + s.message());
    // A path result is a node of this very document: copy containers so
    // the tree never shares nodes.
    if (r.IsArray() || r.IsObject()) r = r.DeepCopy(ctx.arena());
    int64_t created_from = -1;
    Value* parent = ParentCreating(doc, ctx.arena(), &created_from);
    if (parent == nullptr) return FailNoObject(ctx);
    int64_t i = parent->IndexOf(field.leaf());
    if (i >= 0) {
      Value& old = parent->members()[i].value;
      if (SetMarker(old).empty()) {
        ctx.SaveComplementCopy(old);
      } else {
        Value wrapped = Value::Object(ctx.arena(), 1);
        AppendMember(wrapped, kSetValue, old.DeepCopy(ctx.arena()), ctx.arena());
        ctx.SaveComplement(wrapped);
      }
      old = r;
      return Status::OK();
    }
    AppendMember(*parent, field.leaf(), r, ctx.arena());
    if (created_from >= 0) {
      Value marker = Value::Object(ctx.arena(), 1);
      AppendMember(marker, kSetCreated, SmallInt(created_from, ctx.arena()), ctx.arena());
      ctx.SaveComplement(marker);
    }
    return Status::OK();
  }

  Status Backward(Value& doc, StepContext& ctx) const override {
    const Value* c = ctx.complement();
    const std::string_view marker = c != nullptr ? SetMarker(*c) : std::string_view();
    if (marker == kSetCreated) return RemoveCreated(doc, c->members()[0].value);
    Value* parent = ResolveParent(doc, field);
    if (parent == nullptr) return Status::OK();
    int64_t i = parent->IndexOf(field.leaf());
    if (c != nullptr) {
      Value old = (marker == kSetValue ? c->members()[0].value : *c).DeepCopy(ctx.arena());
      if (i >= 0) {
        parent->members()[i].value = old;
      } else {
        AppendMember(*parent, field.leaf(), old, ctx.arena());
      }
      return Status::OK();
    }
    if (i >= 0) parent->EraseMemberAt(size_t(i));
    return Status::OK();
  }

 private:
  // The object to hold the field, creating missing parent objects (like
  // --compute); *created_from: the token index of the first one created
  // (-1: none). Null when the document or a parent is not an object.
  Value* ParentCreating(Value& doc, Arena& arena, int64_t* created_from) const {
    Value* obj = &doc;
    for (size_t i = 0; i + 1 < field.tokens.size(); ++i) {
      if (!obj->IsObject()) return nullptr;
      Value* child = obj->Find(field.tokens[i]);
      if (child == nullptr) {
        if (*created_from < 0) *created_from = int64_t(i);
        AppendMember(*obj, field.tokens[i], Value::Object(arena), arena);
        child = obj->Find(field.tokens[i]);
      }
      obj = child;
    }
    return obj->IsObject() ? obj : nullptr;
  }

  Status FailNoObject(StepContext& ctx) const {
    std::string_view buf[kMaxPointerTokens];
    size_t n = 0;
    for (size_t i = 0; i + 1 < field.tokens.size() && n < kMaxPointerTokens; ++i) buf[n++] = field.tokens[i];
    return ctx.Fail(std::span<const std::string_view>(buf, n), "set: no object to hold \"" + field.leaf() + "\"");
  }

  // Backward of a set that created parents from token `from`: removes the
  // first one created (the field is inside it).
  Status RemoveCreated(Value& doc, const Value& from) const {
    int64_t at = -1;
    if (!ReadIndex(&from, &at) || at < 0 || size_t(at) + 1 >= field.tokens.size()) return BadComplement("set");
    Value* obj = &doc;
    for (int64_t i = 0; i < at && obj != nullptr; ++i) {
      obj = obj->IsObject() ? obj->Find(field.tokens[size_t(i)]) : nullptr;
    }
    if (obj == nullptr || !obj->IsObject()) return Status::OK();
    int64_t k = obj->IndexOf(field.tokens[size_t(at)]);
    if (k >= 0) obj->EraseMemberAt(size_t(k));
    return Status::OK();
  }
};

Result<std::unique_ptr<Step>> NewTextStep(SpecReader& spec, std::string_view name, TextOp op) {
  auto s = std::make_unique<TextStep>(name, op);
  FERRY_RETURN_IF_ERROR(spec.RequirePath("field", &s->field, true));
  FERRY_RETURN_IF_ERROR(spec.Finish());
  return std::unique_ptr<Step>(std::move(s));
}

Status ParseDateForm(SpecReader& spec, std::string_view param, std::string_view text, DateForm* out) {
  if (text == "epoch") {
    *out = DateForm::kEpoch;
  } else if (text == "sql") {
    *out = DateForm::kSql;
  } else if (text == "iso8601") {
    *out = DateForm::kIso;
  } else {
    return spec.ErrorAt(param, "unknown form \"" + std::string(text) + "\" (epoch, sql, iso8601)");
  }
  return Status::OK();
}

}  // namespace

Result<std::unique_ptr<Step>> NewConvertStep(SpecReader& spec, CompileEnv&) {
  auto s = std::make_unique<ConvertStep>();
  FERRY_RETURN_IF_ERROR(spec.RequirePath("field", &s->field, true));
  const Value* mapping = spec.Get("mapping");
  if (mapping == nullptr) return spec.Error("missing \"mapping\"");
  if (mapping->IsObject()) {
    for (const Member* m = mapping->members(); m != mapping->members_end(); ++m) {
      s->pairs.emplace_back(m->key.DeepCopy(s->arena), m->value.DeepCopy(s->arena));
    }
  } else if (mapping->IsArray()) {
    for (uint32_t i = 0; i < mapping->size(); ++i) {
      const Value& p = (*mapping)[i];
      if (!p.IsArray() || p.size() != 2) {
        return spec.ErrorAt("mapping[" + std::to_string(i) + "]", "expected a pair [from, to]");
      }
      s->pairs.emplace_back(p[0].DeepCopy(s->arena), p[1].DeepCopy(s->arena));
    }
  } else {
    return spec.ErrorAt("mapping", "expected an object {from: to} or a list of [from, to] pairs");
  }
  for (size_t i = 0; i < s->pairs.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (s->pairs[j].first.Equals(s->pairs[i].first)) {
        return spec.ErrorAt("mapping", "the value " + ToJson(s->pairs[i].first) + " is mapped twice");
      }
      if (s->pairs[j].second.Equals(s->pairs[i].second)) s->injective = false;
    }
  }
  if (const Value* d = spec.Get("default")) {
    s->has_default = true;
    s->default_value = d->DeepCopy(s->arena);
  }
  FERRY_RETURN_IF_ERROR(spec.Finish());
  return std::unique_ptr<Step>(std::move(s));
}

Result<std::unique_ptr<Step>> NewKeysStep(SpecReader& spec, CompileEnv&) {
  auto s = std::make_unique<KeysStep>();
  std::string which;
  FERRY_RETURN_IF_ERROR(spec.RequireString("case", &which));
  if (which == "camel") {
    s->camel = true;
  } else if (which == "snake") {
    s->camel = false;
  } else {
    return spec.ErrorAt("case", "expected camel or snake, got \"" + which + "\"");
  }
  FERRY_RETURN_IF_ERROR(spec.OptionalBool("deep", &s->deep));
  bool present = false;
  FERRY_RETURN_IF_ERROR(spec.OptionalPath("field", &s->field, &present, true));
  FERRY_RETURN_IF_ERROR(spec.Finish());
  return std::unique_ptr<Step>(std::move(s));
}

Result<std::unique_ptr<Step>> NewTrimStep(SpecReader& spec, CompileEnv&) {
  return NewTextStep(spec, "trim", TextOp::kTrim);
}
Result<std::unique_ptr<Step>> NewLowerStep(SpecReader& spec, CompileEnv&) {
  return NewTextStep(spec, "lower", TextOp::kLower);
}
Result<std::unique_ptr<Step>> NewUpperStep(SpecReader& spec, CompileEnv&) {
  return NewTextStep(spec, "upper", TextOp::kUpper);
}

Result<std::unique_ptr<Step>> NewDatetimeStep(SpecReader& spec, CompileEnv&) {
  auto s = std::make_unique<DatetimeStep>();
  FERRY_RETURN_IF_ERROR(spec.RequirePath("field", &s->field, true));
  const Value* from = spec.Get("from");
  if (from == nullptr) return spec.Error("missing \"from\"");
  if (from->IsString()) {
    DateForm f;
    FERRY_RETURN_IF_ERROR(ParseDateForm(spec, "from", from->AsString(), &f));
    s->from.push_back(f);
  } else if (from->IsArray() && !from->empty()) {
    for (uint32_t i = 0; i < from->size(); ++i) {
      std::string param = "from[" + std::to_string(i) + "]";
      if (!(*from)[i].IsString()) return spec.ErrorAt(param, "expected epoch, sql or iso8601");
      DateForm f;
      FERRY_RETURN_IF_ERROR(ParseDateForm(spec, param, (*from)[i].AsString(), &f));
      for (DateForm g : s->from) {
        if (g == f) return spec.ErrorAt(param, "listed twice");
      }
      s->from.push_back(f);
    }
  } else {
    return spec.ErrorAt("from", "expected a form or a non-empty list of forms");
  }
  std::string to;
  FERRY_RETURN_IF_ERROR(spec.RequireString("to", &to));
  FERRY_RETURN_IF_ERROR(ParseDateForm(spec, "to", to, &s->to));
  FERRY_RETURN_IF_ERROR(spec.Finish());
  return std::unique_ptr<Step>(std::move(s));
}

Result<std::unique_ptr<Step>> NewToStringStep(SpecReader& spec, CompileEnv&) {
  auto s = std::make_unique<ToStringStep>();
  FERRY_RETURN_IF_ERROR(spec.RequirePath("field", &s->field, true));
  FERRY_RETURN_IF_ERROR(spec.Finish());
  return std::unique_ptr<Step>(std::move(s));
}

Result<std::unique_ptr<Step>> NewToNumberStep(SpecReader& spec, CompileEnv&) {
  auto s = std::make_unique<ToNumberStep>();
  FERRY_RETURN_IF_ERROR(spec.RequirePath("field", &s->field, true));
  FERRY_RETURN_IF_ERROR(spec.Finish());
  return std::unique_ptr<Step>(std::move(s));
}

Result<std::unique_ptr<Step>> NewSetStep(SpecReader& spec, CompileEnv&) {
  auto s = std::make_unique<SetStep>();
  FERRY_RETURN_IF_ERROR(spec.RequirePath("field", &s->field, false));
  std::string text;
  FERRY_RETURN_IF_ERROR(spec.RequireString("expr", &text));
  auto compiled = Expression::Compile(text);
  if (!compiled.ok()) return spec.ErrorAt("expr", compiled.status().message());
  s->expr = std::move(compiled).value();
  FERRY_RETURN_IF_ERROR(spec.Finish());
  return std::unique_ptr<Step>(std::move(s));
}

}  // namespace ferry::internal
