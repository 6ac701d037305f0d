// Copyright (c) the Ferry authors.
//
// Evaluation of a compiled schema (program.h) against a Value.
//
// One recursive function serves both entry points. With `errors == null`
// (IsValid, and the trial evaluations inside anyOf/oneOf/not/if/contains)
// it stops at the first failure and builds nothing. With errors it keeps
// the JSON Pointer of the current value in one string (tokens are appended
// on the way down and cut off on the way up) and continues past failures
// until max_errors are collected.

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <string>
#include <utility>

#include "ferry/schema.h"
#include "schema/program.h"
#include "common/utf8_cut.h"

namespace ferry {
namespace internal {
namespace {

// Stack the evaluator may use below its entry point. Schemas that recurse
// without consuming the document, e.g. {"allOf": [{"$ref": "#"}]}, are cut
// off there and reported instead of overflowing the stack. Measured in
// bytes, not levels, so the bound holds whatever the frame size (sanitizer
// builds have far larger frames). 1 MiB is over 3000 levels in a release
// build, far more than the 512 levels of nesting the parser allows.
#if defined(__SANITIZE_ADDRESS__)
constexpr uintptr_t kMaxStackBytes = 6 << 20;  // ASan frames are ~20x larger; 8 MiB stacks
#else
constexpr uintptr_t kMaxStackBytes = 1 << 20;
#endif
constexpr size_t kPreviewChars = 40;

struct Ctx {
  std::vector<SchemaError>* errors;  // null: fast mode
  size_t error_limit;                // stop once errors->size() reaches it
  std::string* pointer;              // null in fast mode
  uintptr_t stack_base;               // frame address at the entry point
};

bool Eval(const Node& node, const Value& v, Ctx& c);

// Value::Find, specialised for the hot path: the last member named `key`
// (JavaScript semantics for duplicates). Comparing length and first byte
// before memcmp makes a miss cost two loads; lookups are most of the time
// spent validating typical documents.
inline const Value* FindMember(const Value& object, std::string_view key) {
  const Member* first = object.members();
  for (const Member* m = object.members_end(); m != first;) {
    --m;
    std::string_view k = m->key.AsString();
    if (k.size() == key.size() && (key.empty() || (k[0] == key[0] && std::memcmp(k.data(), key.data(), key.size()) == 0))) {
      return &m->value;
    }
  }
  return nullptr;
}

uintptr_t FrameAddress() { return reinterpret_cast<uintptr_t>(__builtin_frame_address(0)); }

// Bytes of stack between the entry point and here (the stack grows down).
inline uintptr_t StackUsed(const Ctx& c) {
  uintptr_t here = FrameAddress();
  return here < c.stack_base ? c.stack_base - here : 0;
}

bool Full(const Ctx& c) { return c.errors->size() >= c.error_limit; }

void AddError(Ctx& c, const char* keyword, std::string message, std::string field_pointer = {}) {
  std::string field = field_pointer.empty() ? *c.pointer : std::move(field_pointer);
  c.errors->push_back(SchemaError{*c.pointer, keyword, std::move(message), std::move(field)});
}

std::string Quote(std::string_view s) {
  std::string out;
  WriteJsonString(s, &out);
  return out;
}

// Length in Unicode code points of UTF-8 text.
size_t CodePoints(std::string_view s) {
  size_t n = 0;
  for (unsigned char ch : s) n += (ch & 0xC0) != 0x80;
  return n;
}

// A short JSON rendering of `v` for messages, cut after kPreviewChars.
std::string Preview(const Value& v) {
  std::string json = ToJson(v);
  if (json.size() <= kPreviewChars) return json;
  json.resize(internal::Utf8Prefix(json, kPreviewChars).size());
  json.append("...");
  return json;
}

// "string \"4\"", "number 1.5", "null", "object" ...
std::string Describe(const Value& v) {
  switch (v.type()) {
    case JsonType::kNull:
      return "null";
    case JsonType::kBool:
      return v.AsBool() ? "boolean true" : "boolean false";
    case JsonType::kNumber:
      return (v.IsIntegral() ? "integer " : "number ") + std::string(v.NumberLiteral());
    case JsonType::kString:
      return "string " + Preview(v);
    case JsonType::kArray:
      return "array";
    case JsonType::kObject:
      return "object";
  }
  return "value";
}

std::string TypeList(uint32_t mask) {
  static constexpr std::pair<uint32_t, const char*> kNames[] = {
      {kTypeObject, "object"}, {kTypeArray, "array"},     {kTypeString, "string"}, {kTypeInteger, "integer"},
      {kTypeNumber, "number"}, {kTypeBoolean, "boolean"}, {kTypeNull, "null"}};
  std::vector<const char*> names;
  for (const auto& [bit, name] : kNames) {
    if (mask & bit) names.push_back(name);
  }
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out.append(i + 1 == names.size() ? " or " : ", ");
    out.append(names[i]);
  }
  return out;
}

// "integer": an integral number, as JavaScript's Number.isInteger sees it
// (the peers' definition): a plain literal too long for a double (1e309 and
// up) is Infinity there, hence not an integer.
bool IsInteger(const Value& v) {
  constexpr size_t kMaxExactLiteral = 300;
  return v.IsIntegral() && (v.NumberLiteral().size() < kMaxExactLiteral || std::isfinite(v.AsDouble()));
}

bool TypeMatches(uint32_t mask, const Value& v) {
  switch (v.type()) {
    case JsonType::kNull:
      return mask & kTypeNull;
    case JsonType::kBool:
      return mask & kTypeBoolean;
    case JsonType::kNumber:
      return (mask & kTypeNumber) || ((mask & kTypeInteger) && IsInteger(v));
    case JsonType::kString:
      return mask & kTypeString;
    case JsonType::kArray:
      return mask & kTypeArray;
    case JsonType::kObject:
      return mask & kTypeObject;
  }
  return false;
}

bool IsMultipleOf(const Value& v, double divisor) {
  double x = v.AsDouble();
  if (!std::isfinite(x)) return false;
  int64_t xi = 0, di = 0;
  if (divisor == std::floor(divisor) && divisor < 9e18 && v.GetInt64(&xi)) {
    di = static_cast<int64_t>(divisor);
    return xi % di == 0;
  }
  double q = x / divisor;
  if (!std::isfinite(q)) {
    // Overflow: an integral x is a multiple of any divisor 1/k.
    double k = 1.0 / divisor;
    return k == std::floor(k) && x == std::floor(x);
  }
  // Binary floating point: 0.0075 / 0.0001 is 74.99999999999999.
  return std::fabs(q - std::nearbyint(q)) < 1e-9;
}

// Out of line: RE2's search state must not sit in the recursive
// evaluator's frames.
[[gnu::noinline]] bool RegexMatches(const EcmaRegex& re, std::string_view s) { return re.Search(s); }

// Runs `fn` with the token `key` appended to the pointer (error mode only).
template <typename Fn>
bool WithKey(Ctx& c, std::string_view key, Fn fn) {
  if (c.pointer == nullptr) return fn();
  size_t old = c.pointer->size();
  AppendPointerToken(key, c.pointer);
  bool ok = fn();
  c.pointer->resize(old);
  return ok;
}

template <typename Fn>
bool WithIndex(Ctx& c, size_t index, Fn fn) {
  if (c.pointer == nullptr) return fn();
  size_t old = c.pointer->size();
  AppendPointerIndex(index, c.pointer);
  bool ok = fn();
  c.pointer->resize(old);
  return ok;
}

bool Trial(const Node& node, const Value& v, const Ctx& c) {
  Ctx fast{nullptr, 0, nullptr, c.stack_base};
  return Eval(node, v, fast);
}

// The first error of `node` on `v`, as "message" or "at \"/p\": message".
std::string FirstError(const Node& node, const Value& v, const Ctx& c) {
  std::vector<SchemaError> errors;
  std::string pointer = *c.pointer;
  Ctx sub{&errors, 1, &pointer, c.stack_base};
  Eval(node, v, sub);
  if (errors.empty()) return "valid";
  const SchemaError& e = errors.front();
  if (e.instance_pointer == *c.pointer) return e.message;
  return "at " + Quote(e.instance_pointer) + ": " + e.message;
}

std::string PointerWith(const Ctx& c, std::string_view key) {
  std::string p = *c.pointer;
  AppendPointerToken(key, &p);
  return p;
}

std::string Alternatives(const std::vector<const Node*>& nodes, const Value& v, const Ctx& c) {
  std::string out;
  for (size_t i = 0; i < nodes.size(); ++i) {
    out.append(i == 0 ? " (" : "; ");
    out.append("#" + std::to_string(i) + ": " + FirstError(*nodes[i], v, c));
  }
  out.append(")");
  return out;
}

bool IsLastOccurrence(const Value& object, const Member* m) {
  return object.IndexOf(m->key.AsString()) == m - object.members();
}

uint64_t DistinctKeys(const Value& object) {
  uint64_t n = 0;
  for (const Member* m = object.members(); m != object.members_end(); ++m) n += IsLastOccurrence(object, m);
  return n;
}

bool IsDeclaredProperty(const Check& k, std::string_view key) {
  const Check* props = k.sibling_properties;
  if (props != nullptr) {
    if (!k.property_set.empty() && props->properties.size() > 8) {
      if (k.property_set.count(key) != 0) return true;
    } else {
      for (const NamedNode& nn : props->properties) {
        if (nn.name == key) return true;
      }
    }
  }
  if (k.sibling_patterns != nullptr) {
    for (const PatternNode& pn : k.sibling_patterns->patterns) {
      if (RegexMatches(*pn.re, key)) return true;
    }
  }
  return false;
}

// A document of at most this many members is checked against a "properties"
// with an index by its own members: the cost is its size, not the schema's.
constexpr uint32_t kMembersCheckedByName = 64;

bool EvalPropertiesByMember(const Check& k, const Value& v, Ctx& c);

// --- error reporting ----------------------------------------------------------
// Messages are built out of line (and marked cold) so that the evaluator's
// stack frames stay small: recursion depth is bounded by stack bytes.

#define FERRY_COLD [[gnu::noinline, gnu::cold]]

std::string EnumList(const Check& k) {
  constexpr size_t kMaxListed = 10;
  std::string list;
  for (size_t i = 0; i < k.values.size() && i < kMaxListed; ++i) {
    if (i > 0) list.append(", ");
    list.append(Preview(k.values[i]));
  }
  if (k.values.size() > kMaxListed) list.append(", ...");
  return list;
}

// Reports the failure of a keyword that looks at `v` alone.
FERRY_COLD void ReportLeaf(const Check& k, const Value& v, Ctx& c) {
  std::string m;
  std::string number = v.IsNumber() ? std::string(v.NumberLiteral()) : std::string();
  switch (k.op) {
    case Op::kType:
      m = "expected " + TypeList(k.type_mask) + ", got " + Describe(v);
      break;
    case Op::kEnum:
      m = Preview(v) + " is not one of the allowed values [" + EnumList(k) + "]";
      break;
    case Op::kConst:
      m = "expected " + Preview(k.values[0]) + ", got " + Preview(v);
      break;
    case Op::kMultipleOf:
      m = number + " is not a multiple of " + k.literal;
      break;
    case Op::kMaximum:
      m = number + " is greater than the maximum " + k.literal;
      break;
    case Op::kExclusiveMaximum:
      m = number + " is not less than " + k.literal;
      break;
    case Op::kMinimum:
      m = number + " is less than the minimum " + k.literal;
      break;
    case Op::kExclusiveMinimum:
      m = number + " is not greater than " + k.literal;
      break;
    case Op::kMaxLength:
      m = "string is " + std::to_string(CodePoints(v.AsString())) + " characters long, more than maxLength " +
          std::to_string(k.count);
      break;
    case Op::kMinLength:
      m = "string is " + std::to_string(CodePoints(v.AsString())) + " characters long, fewer than minLength " +
          std::to_string(k.count);
      break;
    case Op::kPattern:
      m = "string " + Preview(v) + " does not match the pattern " + Quote(k.literal);
      break;
    case Op::kFormat:
      m = "string " + Preview(v) + " is not a valid " + k.literal;
      break;
    case Op::kContains:
      m = v.empty() ? "array is empty; it must contain an item matching the \"contains\" schema"
                    : "none of the " + std::to_string(v.size()) + " items matches the \"contains\" schema";
      break;
    case Op::kMaxItems:
      m = "array has " + std::to_string(v.size()) + " items, more than maxItems " + std::to_string(k.count);
      break;
    case Op::kMinItems:
      m = "array has " + std::to_string(v.size()) + " items, fewer than minItems " + std::to_string(k.count);
      break;
    case Op::kMaxProperties:
      m = "object has " + std::to_string(DistinctKeys(v)) + " properties, more than maxProperties " +
          std::to_string(k.count);
      break;
    case Op::kMinProperties:
      m = "object has " + std::to_string(DistinctKeys(v)) + " properties, fewer than minProperties " +
          std::to_string(k.count);
      break;
    case Op::kAnyOf:
      m = "value matches none of the " + std::to_string(k.nodes.size()) + " alternatives of anyOf" +
          Alternatives(k.nodes, v, c);
      break;
    case Op::kNot:
      m = "value must not match the schema in \"not\"";
      break;
    default:
      m = "value is invalid";
      break;
  }
  AddError(c, k.keyword, std::move(m));
}

FERRY_COLD void ReportUniqueItems(const Check& k, uint32_t i, uint32_t j, Ctx& c) {
  AddError(c, k.keyword,
           "items " + std::to_string(i) + " and " + std::to_string(j) + " are equal; all items must be unique");
}

FERRY_COLD void ReportAdditionalItems(size_t size, size_t allowed, Ctx& c) {
  AddError(c, "additionalItems",
           "array has " + std::to_string(size) + " items; at most " + std::to_string(allowed) + " are allowed");
}

FERRY_COLD void ReportRequired(const Check& k, const std::string& name, Ctx& c) {
  std::string at = PointerWith(c, name);
  AddError(c, k.keyword, "missing required property " + Quote(name) + " (at " + Quote(at) + ")", at);
}

FERRY_COLD void ReportDependency(const Check& k, const Dependency& d, const std::string& name, Ctx& c) {
  std::string at = PointerWith(c, name);
  AddError(c, k.keyword, "property " + Quote(d.property) + " requires property " + Quote(name) + " (at " + Quote(at) + ")",
           at);
}

FERRY_COLD void ReportAdditionalProperty(const Check& k, std::string_view key, Ctx& c) {
  size_t old = c.pointer->size();
  AppendPointerToken(key, c.pointer);
  AddError(c, k.keyword, "property " + Quote(key) + " is not allowed (additionalProperties is false)");
  c.pointer->resize(old);
}

FERRY_COLD void ReportPropertyName(const Check& k, const Value& key, Ctx& c) {
  size_t old = c.pointer->size();
  AppendPointerToken(key.AsString(), c.pointer);
  AddError(c, k.keyword, "property name " + Preview(key) + " is invalid: " + FirstError(*k.node, key, c));
  c.pointer->resize(old);
}

FERRY_COLD void ReportOneOf(const Check& k, const Value& v, int first, int second, Ctx& c) {
  if (first < 0) {
    AddError(c, k.keyword, "value matches none of the " + std::to_string(k.nodes.size()) + " alternatives of oneOf" +
                               Alternatives(k.nodes, v, c));
  } else {
    AddError(c, k.keyword, "value matches alternatives #" + std::to_string(first) + " and #" +
                               std::to_string(second) + " of oneOf; exactly one must match");
  }
}

// --- evaluation -----------------------------------------------------------------

// Returns whether `v` passes keyword `k`; in error mode, records why not.
bool EvalCheck(const Check& k, const Value& v, Ctx& c) {
  const bool report = c.errors != nullptr;
  bool ok = true;
  switch (k.op) {
    case Op::kType:
      ok = TypeMatches(k.type_mask, v);
      break;
    case Op::kEnum:
      ok = false;
      for (const Value& e : k.values) {
        if (v.Equals(e)) {
          ok = true;
          break;
        }
      }
      break;
    case Op::kConst:
      ok = v.Equals(k.values[0]);
      break;
    case Op::kMultipleOf:
      ok = !v.IsNumber() || IsMultipleOf(v, k.number);
      break;
    case Op::kMaximum:
      ok = !v.IsNumber() || !(v.AsDouble() > k.number);
      break;
    case Op::kExclusiveMaximum:
      ok = !v.IsNumber() || v.AsDouble() < k.number;
      break;
    case Op::kMinimum:
      ok = !v.IsNumber() || !(v.AsDouble() < k.number);
      break;
    case Op::kExclusiveMinimum:
      ok = !v.IsNumber() || v.AsDouble() > k.number;
      break;
    case Op::kMaxLength:
      ok = !v.IsString() || CodePoints(v.AsString()) <= k.count;
      break;
    case Op::kMinLength:
      ok = !v.IsString() || CodePoints(v.AsString()) >= k.count;
      break;
    case Op::kPattern:
      ok = !v.IsString() || RegexMatches(*k.re, v.AsString());
      break;
    case Op::kFormat:
      ok = !v.IsString() || k.format(v.AsString());
      break;
    case Op::kMaxItems:
      ok = !v.IsArray() || v.size() <= k.count;
      break;
    case Op::kMinItems:
      ok = !v.IsArray() || v.size() >= k.count;
      break;
    case Op::kMaxProperties:
      ok = !v.IsObject() || v.size() <= k.count || DistinctKeys(v) <= k.count;
      break;
    case Op::kMinProperties:
      ok = !v.IsObject() || DistinctKeys(v) >= k.count;
      break;
    case Op::kContains:
      if (!v.IsArray()) break;
      ok = false;
      for (const Value& item : v) {
        if (Trial(*k.node, item, c)) {
          ok = true;
          break;
        }
      }
      break;
    case Op::kAnyOf:
      ok = false;
      for (const Node* n : k.nodes) {
        if (Trial(*n, v, c)) {
          ok = true;
          break;
        }
      }
      break;
    case Op::kNot:
      ok = !Trial(*k.node, v, c);
      break;

    case Op::kItems: {
      if (!v.IsArray()) return true;
      for (uint32_t i = 0; i < v.size(); ++i) {
        if (!WithIndex(c, i, [&] { return Eval(*k.node, v[i], c); })) {
          ok = false;
          if (!report || Full(c)) break;
        }
      }
      return ok;
    }

    case Op::kItemsTuple: {
      if (!v.IsArray()) return true;
      for (uint32_t i = 0; i < v.size(); ++i) {
        const Node* n = i < k.nodes.size() ? k.nodes[i] : k.node;
        if (n == nullptr) break;
        if (i >= k.nodes.size() && n->kind == Node::Kind::kFalse) {
          if (report) ReportAdditionalItems(v.size(), k.nodes.size(), c);
          return false;
        }
        if (!WithIndex(c, i, [&] { return Eval(*n, v[i], c); })) {
          ok = false;
          if (!report || Full(c)) break;
        }
      }
      return ok;
    }

    case Op::kUniqueItems: {
      if (!v.IsArray()) return true;
      for (uint32_t i = 0; i < v.size(); ++i) {
        for (uint32_t j = i + 1; j < v.size(); ++j) {
          if (v[i].Equals(v[j])) {
            if (report) ReportUniqueItems(k, i, j, c);
            return false;
          }
        }
      }
      return true;
    }

    case Op::kRequired: {
      if (!v.IsObject()) return true;
      for (const std::string& name : k.names) {
        if (FindMember(v, name) != nullptr) continue;
        ok = false;
        if (!report) break;
        ReportRequired(k, name, c);
        if (Full(c)) break;
      }
      return ok;
    }

    case Op::kProperties: {
      if (!v.IsObject()) return true;
      if (!k.property_positions.empty() && v.size() <= kMembersCheckedByName) return EvalPropertiesByMember(k, v, c);
      for (const NamedNode& nn : k.properties) {
        const Value* p = FindMember(v, nn.name);
        if (p == nullptr) continue;
        if (!WithKey(c, nn.name, [&] { return Eval(*nn.node, *p, c); })) {
          ok = false;
          if (!report || Full(c)) break;
        }
      }
      return ok;
    }

    case Op::kPatternProperties: {
      if (!v.IsObject()) return true;
      for (const Member* m = v.members(); m != v.members_end(); ++m) {
        if (!IsLastOccurrence(v, m)) continue;
        std::string_view key = m->key.AsString();
        for (const PatternNode& pn : k.patterns) {
          if (!RegexMatches(*pn.re, key)) continue;
          if (!WithKey(c, key, [&] { return Eval(*pn.node, m->value, c); })) {
            ok = false;
            if (!report || Full(c)) return false;
          }
        }
      }
      return ok;
    }

    case Op::kAdditionalProperties: {
      if (!v.IsObject() || k.node->kind == Node::Kind::kTrue) return true;
      for (const Member* m = v.members(); m != v.members_end(); ++m) {
        std::string_view key = m->key.AsString();
        if (!IsLastOccurrence(v, m) || IsDeclaredProperty(k, key)) continue;
        bool item_ok = false;
        if (k.node->kind == Node::Kind::kFalse) {
          if (report) ReportAdditionalProperty(k, key, c);
        } else {
          item_ok = WithKey(c, key, [&] { return Eval(*k.node, m->value, c); });
        }
        if (!item_ok) {
          ok = false;
          if (!report || Full(c)) break;
        }
      }
      return ok;
    }

    case Op::kDependencies: {
      if (!v.IsObject()) return true;
      for (const Dependency& d : k.dependencies) {
        if (FindMember(v, d.property) == nullptr) continue;
        if (d.node != nullptr) {
          if (!Eval(*d.node, v, c)) {
            ok = false;
            if (!report || Full(c)) return false;
          }
          continue;
        }
        for (const std::string& name : d.required) {
          if (FindMember(v, name) != nullptr) continue;
          if (!report) return false;
          ok = false;
          ReportDependency(k, d, name, c);
          if (Full(c)) return false;
        }
      }
      return ok;
    }

    case Op::kPropertyNames: {
      if (!v.IsObject()) return true;
      for (const Member* m = v.members(); m != v.members_end(); ++m) {
        if (Trial(*k.node, m->key, c)) continue;
        if (!report) return false;
        ok = false;
        ReportPropertyName(k, m->key, c);
        if (Full(c)) return false;
      }
      return ok;
    }

    case Op::kIfThenElse: {
      const Node* branch = Trial(*k.nodes[0], v, c) ? k.nodes[1] : k.nodes[2];
      return branch == nullptr || Eval(*branch, v, c);
    }

    case Op::kAllOf: {
      for (const Node* n : k.nodes) {
        if (!Eval(*n, v, c)) {
          ok = false;
          if (!report || Full(c)) break;
        }
      }
      return ok;
    }

    case Op::kOneOf: {
      int first = -1, second = -1;
      for (size_t i = 0; i < k.nodes.size(); ++i) {
        if (!Trial(*k.nodes[i], v, c)) continue;
        if (first >= 0) {
          second = static_cast<int>(i);
          break;
        }
        first = static_cast<int>(i);
      }
      if (first >= 0 && second < 0) return true;
      if (report) ReportOneOf(k, v, first, second, c);
      return false;
    }

    case Op::kRef:
      return Eval(*k.node, v, c);
  }
  if (!ok && report) ReportLeaf(k, v, c);
  return ok;
}

bool Eval(const Node& node, const Value& v, Ctx& c) {
  if (node.kind == Node::Kind::kTrue) return true;
  if (node.kind == Node::Kind::kFalse) {
    if (c.errors != nullptr) AddError(c, "false", "no value is allowed here (the schema is false)");
    return false;
  }
  if (StackUsed(c) > kMaxStackBytes) {
    if (c.errors != nullptr) AddError(c, "$ref", "schema recursion is too deep (a $ref loop?)");
    return false;
  }
  bool ok = true;
  for (const Check& k : node.checks) {
    if (!EvalCheck(k, v, c)) {
      ok = false;
      if (c.errors == nullptr || Full(c)) break;
    }
  }
  return ok;
}

// "properties" for a small document and many declared names: the members
// that have a subschema, in the order of the schema (as the loop over the
// names reports them), each the last member with its name.
[[gnu::noinline]] bool EvalPropertiesByMember(const Check& k, const Value& v, Ctx& c) {
  std::array<std::pair<uint32_t, const Member*>, kMembersCheckedByName> matched;
  size_t n = 0;
  for (const Member* m = v.members(); m != v.members_end(); ++m) {
    auto it = k.property_positions.find(m->key.AsString());
    if (it == k.property_positions.end() || FindMember(v, m->key.AsString()) != &m->value) continue;
    matched[n++] = {it->second, m};
  }
  std::sort(matched.begin(), matched.begin() + n,
            [](const auto& a, const auto& b) { return a.first < b.first; });
  const bool report = c.errors != nullptr;
  bool ok = true;
  for (size_t i = 0; i < n; ++i) {
    const NamedNode& nn = k.properties[matched[i].first];
    if (!WithKey(c, nn.name, [&] { return Eval(*nn.node, matched[i].second->value, c); })) {
      ok = false;
      if (!report || Full(c)) break;
    }
  }
  return ok;
}

}  // namespace
}  // namespace internal

bool CompiledSchema::IsValid(const Value& instance) const {
  internal::Ctx c{nullptr, 0, nullptr, internal::FrameAddress()};
  return internal::Eval(*program_->root, instance, c);
}

bool CompiledSchema::Validate(const Value& instance, std::vector<SchemaError>* errors, size_t max_errors) const {
  if (errors == nullptr || max_errors == 0) return IsValid(instance);
  std::string pointer;
  size_t limit = errors->size() + std::min(max_errors, static_cast<size_t>(-1) - errors->size());
  internal::Ctx c{errors, limit, &pointer, internal::FrameAddress()};
  bool ok = internal::Eval(*program_->root, instance, c);
  return ok;
}

}  // namespace ferry
