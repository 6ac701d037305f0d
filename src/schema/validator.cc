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

// The resources evaluation has entered, innermost first (for "$dynamicRef").
struct ScopeLink {
  const Resource* resource;
  const ScopeLink* outer;
};

struct Ctx {
  std::vector<SchemaError>* errors;  // null: fast mode
  size_t error_limit;                // stop once errors->size() reaches it
  std::string* pointer;              // null in fast mode
  uintptr_t stack_base;              // frame address at the entry point
  // Members/items of the current instance that keywords evaluated, by
  // index (null when no "unevaluated*" reads them).
  std::vector<uint8_t>* evaluated = nullptr;
  const ScopeLink* scope = nullptr;  // the dynamic scope (when tracked)
  bool track_scope = false;          // the program has a dynamic $dynamicRef
  // Set once evaluation recursed too deep: everything after it fails
  // at once, so a schema that loops without consuming the instance costs
  // one descent, not one per keyword that reaches the loop. Shared by the
  // trial evaluations.
  bool* aborted = nullptr;
};

bool Eval(const Node& node, const Value& v, Ctx& c);

// Value::Find, specialised for the hot path: the last member named `key`
// (JavaScript semantics for duplicates). Comparing length and first byte
// before memcmp makes a miss cost two loads; lookups are most of the time
// spent validating typical documents.
inline const Member* FindMemberEntry(const Value& object, std::string_view key) {
  const Member* first = object.members();
  for (const Member* m = object.members_end(); m != first;) {
    --m;
    std::string_view k = m->key.AsString();
    if (k.size() == key.size() && (key.empty() || (k[0] == key[0] && std::memcmp(k.data(), key.data(), key.size()) == 0))) {
      return m;
    }
  }
  return nullptr;
}

inline const Value* FindMember(const Value& object, std::string_view key) {
  const Member* m = FindMemberEntry(object, key);
  return m == nullptr ? nullptr : &m->value;
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

// Evaluates without reporting; collects annotations into `marks` when
// non-null (sized for `v`).
bool Trial(const Node& node, const Value& v, const Ctx& c, std::vector<uint8_t>* marks = nullptr) {
  Ctx fast{nullptr, 0, nullptr, c.stack_base, marks, c.scope, c.track_scope, c.aborted};
  return Eval(node, v, fast);
}

// The first error of `node` on `v`, as "message" or "at \"/p\": message".
std::string FirstError(const Node& node, const Value& v, const Ctx& c) {
  std::vector<SchemaError> errors;
  std::string pointer = *c.pointer;
  Ctx sub{&errors, 1, &pointer, c.stack_base, nullptr, c.scope, c.track_scope, c.aborted};
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

FERRY_COLD void ReportUniqueItems(const Check& k, uint32_t i, uint32_t j, Ctx& c) {
  AddError(c, k.keyword,
           "items " + std::to_string(i) + " and " + std::to_string(j) + " are equal; all items must be unique");
}

FERRY_COLD void ReportAdditionalItems(const char* keyword, size_t size, size_t allowed, Ctx& c) {
  AddError(c, keyword,
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
  AddError(c, k.keyword, "property " + Quote(key) + " is not allowed (" + std::string(k.keyword) + " is false)");
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

// --- leaf keywords: a test and a message ----------------------------------------

using LeafTest = bool (*)(const Check& k, const Value& v);
using LeafMessage = std::string (*)(const Check& k, const Value& v);

bool TypeOk(const Check& k, const Value& v) { return TypeMatches(k.type_mask, v); }
std::string TypeMessage(const Check& k, const Value& v) {
  return "expected " + TypeList(k.type_mask) + ", got " + Describe(v);
}

bool EnumOk(const Check& k, const Value& v) {
  return std::any_of(k.values.begin(), k.values.end(), [&v](const Value& e) { return v.Equals(e); });
}
std::string EnumMessage(const Check& k, const Value& v) {
  return Preview(v) + " is not one of the allowed values [" + EnumList(k) + "]";
}

bool ConstOk(const Check& k, const Value& v) { return v.Equals(k.values[0]); }
std::string ConstMessage(const Check& k, const Value& v) {
  return "expected " + Preview(k.values[0]) + ", got " + Preview(v);
}

std::string Number(const Value& v) { return std::string(v.NumberLiteral()); }

bool MultipleOfOk(const Check& k, const Value& v) { return !v.IsNumber() || IsMultipleOf(v, k.number); }
std::string MultipleOfMessage(const Check& k, const Value& v) { return Number(v) + " is not a multiple of " + k.literal; }

bool MaximumOk(const Check& k, const Value& v) { return !v.IsNumber() || !(v.AsDouble() > k.number); }
std::string MaximumMessage(const Check& k, const Value& v) {
  return Number(v) + " is greater than the maximum " + k.literal;
}

bool ExclusiveMaximumOk(const Check& k, const Value& v) { return !v.IsNumber() || v.AsDouble() < k.number; }
std::string ExclusiveMaximumMessage(const Check& k, const Value& v) { return Number(v) + " is not less than " + k.literal; }

bool MinimumOk(const Check& k, const Value& v) { return !v.IsNumber() || !(v.AsDouble() < k.number); }
std::string MinimumMessage(const Check& k, const Value& v) { return Number(v) + " is less than the minimum " + k.literal; }

bool ExclusiveMinimumOk(const Check& k, const Value& v) { return !v.IsNumber() || v.AsDouble() > k.number; }
std::string ExclusiveMinimumMessage(const Check& k, const Value& v) {
  return Number(v) + " is not greater than " + k.literal;
}

bool MaxLengthOk(const Check& k, const Value& v) { return !v.IsString() || CodePoints(v.AsString()) <= k.count; }
std::string MaxLengthMessage(const Check& k, const Value& v) {
  return "string is " + std::to_string(CodePoints(v.AsString())) + " characters long, more than maxLength " +
         std::to_string(k.count);
}

bool MinLengthOk(const Check& k, const Value& v) { return !v.IsString() || CodePoints(v.AsString()) >= k.count; }
std::string MinLengthMessage(const Check& k, const Value& v) {
  return "string is " + std::to_string(CodePoints(v.AsString())) + " characters long, fewer than minLength " +
         std::to_string(k.count);
}

bool PatternOk(const Check& k, const Value& v) { return !v.IsString() || RegexMatches(*k.re, v.AsString()); }
std::string PatternMessage(const Check& k, const Value& v) {
  return "string " + Preview(v) + " does not match the pattern " + Quote(k.literal);
}

bool FormatOk(const Check& k, const Value& v) { return !v.IsString() || k.format(v.AsString()); }
std::string FormatMessage(const Check& k, const Value& v) {
  return "string " + Preview(v) + " is not a valid " + k.literal;
}

bool MaxItemsOk(const Check& k, const Value& v) { return !v.IsArray() || v.size() <= k.count; }
std::string MaxItemsMessage(const Check& k, const Value& v) {
  return "array has " + std::to_string(v.size()) + " items, more than maxItems " + std::to_string(k.count);
}

bool MinItemsOk(const Check& k, const Value& v) { return !v.IsArray() || v.size() >= k.count; }
std::string MinItemsMessage(const Check& k, const Value& v) {
  return "array has " + std::to_string(v.size()) + " items, fewer than minItems " + std::to_string(k.count);
}

bool MaxPropertiesOk(const Check& k, const Value& v) {
  return !v.IsObject() || v.size() <= k.count || DistinctKeys(v) <= k.count;
}
std::string MaxPropertiesMessage(const Check& k, const Value& v) {
  return "object has " + std::to_string(DistinctKeys(v)) + " properties, more than maxProperties " +
         std::to_string(k.count);
}

bool MinPropertiesOk(const Check& k, const Value& v) { return !v.IsObject() || DistinctKeys(v) >= k.count; }
std::string MinPropertiesMessage(const Check& k, const Value& v) {
  return "object has " + std::to_string(DistinctKeys(v)) + " properties, fewer than minProperties " +
         std::to_string(k.count);
}

FERRY_COLD void ReportLeaf(const Check& k, const Value& v, LeafMessage message, Ctx& c) {
  AddError(c, k.keyword, message(k, v));
}

template <LeafTest kTest, LeafMessage kMessage>
bool EvalLeaf(const Check& k, const Value& v, Ctx& c) {
  if (kTest(k, v)) return true;
  if (c.errors != nullptr) ReportLeaf(k, v, kMessage, c);
  return false;
}

// --- annotations (what "unevaluated*" reads) --------------------------------------

inline void Mark(Ctx& c, size_t index) {
  if (c.evaluated != nullptr) (*c.evaluated)[index] = 1;
}

inline void MarkFrom(Ctx& c, size_t from) {
  if (c.evaluated == nullptr || from >= c.evaluated->size()) return;
  std::fill(c.evaluated->begin() + static_cast<ptrdiff_t>(from), c.evaluated->end(), 1);
}

void Merge(std::vector<uint8_t>* into, const std::vector<uint8_t>& marks) {
  for (size_t i = 0; i < marks.size(); ++i) (*into)[i] |= marks[i];
}

// Trial() that adds the annotations of a valid `node` to the collector.
bool TrialCollecting(const Node& node, const Value& v, const Ctx& c) {
  std::vector<uint8_t> marks(c.evaluated->size());
  bool ok = Trial(node, v, c, &marks);
  if (ok) Merge(c.evaluated, marks);
  return ok;
}

// Evaluates a member or item of the current instance: the collector is for
// the current instance only.
inline bool EvalChild(const Node& node, const Value& child, Ctx& c) {
  std::vector<uint8_t>* saved = c.evaluated;
  c.evaluated = nullptr;
  bool ok = Eval(node, child, c);
  c.evaluated = saved;
  return ok;
}

// --- applicators on arrays -----------------------------------------------------------

bool EvalItemsFrom(const Check& k, const Value& v, Ctx& c, size_t from) {
  if (!v.IsArray()) return true;
  const bool report = c.errors != nullptr;
  MarkFrom(c, from);
  if (k.node->kind == Node::Kind::kFalse && v.size() > from) {
    if (report) ReportAdditionalItems(k.keyword, v.size(), from, c);
    return false;
  }
  bool ok = true;
  for (uint32_t i = static_cast<uint32_t>(from); i < v.size(); ++i) {
    if (!WithIndex(c, i, [&] { return EvalChild(*k.node, v[i], c); })) {
      ok = false;
      if (!report || Full(c)) break;
    }
  }
  return ok;
}

bool EvalItems(const Check& k, const Value& v, Ctx& c) { return EvalItemsFrom(k, v, c, 0); }
bool EvalItemsAfter(const Check& k, const Value& v, Ctx& c) { return EvalItemsFrom(k, v, c, k.count); }

bool EvalItemsTuple(const Check& k, const Value& v, Ctx& c) {
  if (!v.IsArray()) return true;
  const bool report = c.errors != nullptr;
  const size_t covered = k.node != nullptr ? v.size() : std::min<size_t>(k.nodes.size(), v.size());
  for (size_t i = 0; c.evaluated != nullptr && i < covered; ++i) Mark(c, i);
  bool ok = true;
  for (uint32_t i = 0; i < v.size(); ++i) {
    const Node* n = i < k.nodes.size() ? k.nodes[i] : k.node;
    if (n == nullptr) break;
    if (i >= k.nodes.size() && n->kind == Node::Kind::kFalse) {
      if (report) ReportAdditionalItems(k.rest_keyword, v.size(), k.nodes.size(), c);
      return false;
    }
    if (!WithIndex(c, i, [&] { return EvalChild(*n, v[i], c); })) {
      ok = false;
      if (!report || Full(c)) break;
    }
  }
  return ok;
}

FERRY_COLD void ReportContains(const Check& k, const Value& v, uint64_t matches, Ctx& c) {
  std::string counted = "array has " + std::to_string(matches) + " items matching the \"contains\" schema, ";
  if (matches > k.max_count) {
    AddError(c, "maxContains", counted + "more than maxContains " + std::to_string(k.max_count));
  } else if (k.count != 1) {
    AddError(c, "minContains", counted + "fewer than minContains " + std::to_string(k.count));
  } else {
    AddError(c, k.keyword, v.empty() ? "array is empty; it must contain an item matching the \"contains\" schema"
                                     : "none of the " + std::to_string(v.size()) +
                                           " items matches the \"contains\" schema");
  }
}

bool EvalContains(const Check& k, const Value& v, Ctx& c) {
  if (!v.IsArray()) return true;
  const bool count_all = c.evaluated != nullptr || k.max_count != UINT64_MAX;
  uint64_t matches = 0;
  for (uint32_t i = 0; i < v.size(); ++i) {
    if (!Trial(*k.node, v[i], c)) continue;
    ++matches;
    Mark(c, i);
    if (!count_all && matches >= k.count) break;
  }
  if (matches >= k.count && matches <= k.max_count) return true;
  if (c.errors != nullptr) ReportContains(k, v, matches, c);
  return false;
}

bool EvalUniqueItems(const Check& k, const Value& v, Ctx& c) {
  if (!v.IsArray()) return true;
  for (uint32_t i = 0; i < v.size(); ++i) {
    for (uint32_t j = i + 1; j < v.size(); ++j) {
      if (!v[i].Equals(v[j])) continue;
      if (c.errors != nullptr) ReportUniqueItems(k, i, j, c);
      return false;
    }
  }
  return true;
}

FERRY_COLD void ReportUnevaluatedItem(const Check& k, size_t index, Ctx& c) {
  size_t old = c.pointer->size();
  AppendPointerIndex(index, c.pointer);
  AddError(c, k.keyword, "item " + std::to_string(index) + " is not allowed (" + std::string(k.keyword) +
                             " is false)");
  c.pointer->resize(old);
}

bool EvalUnevaluatedItems(const Check& k, const Value& v, Ctx& c) {
  if (!v.IsArray()) return true;
  const std::vector<uint8_t>* seen = c.evaluated;
  const bool report = c.errors != nullptr;
  bool ok = true;
  for (uint32_t i = 0; i < v.size(); ++i) {
    if (seen != nullptr && (*seen)[i]) continue;
    bool item_ok = k.node->kind != Node::Kind::kFalse;
    if (!item_ok && report) ReportUnevaluatedItem(k, i, c);
    if (item_ok) item_ok = WithIndex(c, i, [&] { return EvalChild(*k.node, v[i], c); });
    if (!item_ok) {
      ok = false;
      if (!report || Full(c)) break;
    }
  }
  MarkFrom(c, 0);
  return ok;
}

// --- applicators on objects ----------------------------------------------------------

bool EvalRequired(const Check& k, const Value& v, Ctx& c) {
  if (!v.IsObject()) return true;
  bool ok = true;
  for (const std::string& name : k.names) {
    if (FindMember(v, name) != nullptr) continue;
    ok = false;
    if (c.errors == nullptr) break;
    ReportRequired(k, name, c);
    if (Full(c)) break;
  }
  return ok;
}

bool EvalProperties(const Check& k, const Value& v, Ctx& c) {
  if (!v.IsObject()) return true;
  if (!k.property_positions.empty() && v.size() <= kMembersCheckedByName) return EvalPropertiesByMember(k, v, c);
  const bool report = c.errors != nullptr;
  bool ok = true;
  for (const NamedNode& nn : k.properties) {
    const Member* m = FindMemberEntry(v, nn.name);
    if (m == nullptr) continue;
    Mark(c, static_cast<size_t>(m - v.members()));
    if (!WithKey(c, nn.name, [&] { return EvalChild(*nn.node, m->value, c); })) {
      ok = false;
      if (!report || Full(c)) break;
    }
  }
  return ok;
}

bool EvalPatternProperties(const Check& k, const Value& v, Ctx& c) {
  if (!v.IsObject()) return true;
  const bool report = c.errors != nullptr;
  bool ok = true;
  for (const Member* m = v.members(); m != v.members_end(); ++m) {
    if (!IsLastOccurrence(v, m)) continue;
    std::string_view key = m->key.AsString();
    for (const PatternNode& pn : k.patterns) {
      if (!RegexMatches(*pn.re, key)) continue;
      Mark(c, static_cast<size_t>(m - v.members()));
      if (!WithKey(c, key, [&] { return EvalChild(*pn.node, m->value, c); })) {
        ok = false;
        if (!report || Full(c)) return false;
      }
    }
  }
  return ok;
}

// "additionalProperties", and "unevaluatedProperties" resolved at compile
// time into it: the members no sibling "properties"/"patternProperties"
// names; with `seen` (runtime "unevaluatedProperties"), the members no
// keyword evaluated instead.
bool EvalMembersNotDeclared(const Check& k, const Value& v, Ctx& c, const std::vector<uint8_t>* seen) {
  const bool report = c.errors != nullptr;
  bool ok = true;
  for (const Member* m = v.members(); m != v.members_end(); ++m) {
    std::string_view key = m->key.AsString();
    if (!IsLastOccurrence(v, m)) continue;
    if (seen != nullptr ? (*seen)[m - v.members()] != 0 : IsDeclaredProperty(k, key)) continue;
    bool item_ok = false;
    if (k.node->kind == Node::Kind::kFalse) {
      if (report) ReportAdditionalProperty(k, key, c);
    } else {
      item_ok = WithKey(c, key, [&] { return EvalChild(*k.node, m->value, c); });
    }
    if (!item_ok) {
      ok = false;
      if (!report || Full(c)) break;
    }
  }
  MarkFrom(c, 0);
  return ok;
}

bool EvalAdditionalProperties(const Check& k, const Value& v, Ctx& c) {
  if (!v.IsObject()) return true;
  if (k.node->kind == Node::Kind::kTrue) {
    MarkFrom(c, 0);
    return true;
  }
  return EvalMembersNotDeclared(k, v, c, nullptr);
}

bool EvalUnevaluatedProperties(const Check& k, const Value& v, Ctx& c) {
  if (!v.IsObject()) return true;
  std::vector<uint8_t> none(c.evaluated == nullptr ? v.size() : 0);
  return EvalMembersNotDeclared(k, v, c, c.evaluated != nullptr ? c.evaluated : &none);
}

bool EvalDependencies(const Check& k, const Value& v, Ctx& c) {
  if (!v.IsObject()) return true;
  const bool report = c.errors != nullptr;
  bool ok = true;
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

bool EvalPropertyNames(const Check& k, const Value& v, Ctx& c) {
  if (!v.IsObject()) return true;
  bool ok = true;
  for (const Member* m = v.members(); m != v.members_end(); ++m) {
    if (Trial(*k.node, m->key, c)) continue;
    if (c.errors == nullptr) return false;
    ok = false;
    ReportPropertyName(k, m->key, c);
    if (Full(c)) return false;
  }
  return ok;
}

// --- in-place applicators ----------------------------------------------------------

bool EvalIfThenElse(const Check& k, const Value& v, Ctx& c) {
  const bool condition = c.evaluated != nullptr ? TrialCollecting(*k.nodes[0], v, c) : Trial(*k.nodes[0], v, c);
  const Node* branch = condition ? k.nodes[1] : k.nodes[2];
  return branch == nullptr || Eval(*branch, v, c);
}

bool EvalAllOf(const Check& k, const Value& v, Ctx& c) {
  bool ok = true;
  for (const Node* n : k.nodes) {
    if (!Eval(*n, v, c)) {
      ok = false;
      if (c.errors == nullptr || Full(c)) break;
    }
  }
  return ok;
}

FERRY_COLD void ReportAnyOf(const Check& k, const Value& v, Ctx& c) {
  AddError(c, k.keyword, "value matches none of the " + std::to_string(k.nodes.size()) + " alternatives of anyOf" +
                             Alternatives(k.nodes, v, c));
}

// Collecting annotations, every alternative is tried (each valid one adds
// its own); otherwise the first valid one decides.
bool EvalAnyOf(const Check& k, const Value& v, Ctx& c) {
  bool ok = false;
  for (const Node* n : k.nodes) {
    if (c.evaluated != nullptr) {
      ok |= TrialCollecting(*n, v, c);
    } else if (Trial(*n, v, c)) {
      ok = true;
      break;
    }
  }
  if (!ok && c.errors != nullptr) ReportAnyOf(k, v, c);
  return ok;
}

bool EvalOneOf(const Check& k, const Value& v, Ctx& c) {
  int first = -1, second = -1;
  for (size_t i = 0; i < k.nodes.size(); ++i) {
    bool valid = c.evaluated != nullptr ? TrialCollecting(*k.nodes[i], v, c) : Trial(*k.nodes[i], v, c);
    if (!valid) continue;
    if (first >= 0) {
      second = static_cast<int>(i);
      break;
    }
    first = static_cast<int>(i);
  }
  if (first >= 0 && second < 0) return true;
  if (c.errors != nullptr) ReportOneOf(k, v, first, second, c);
  return false;
}

FERRY_COLD void ReportNot(const Check& k, Ctx& c) { AddError(c, k.keyword, "value must not match the schema in \"not\""); }

bool EvalNot(const Check& k, const Value& v, Ctx& c) {
  if (!Trial(*k.node, v, c)) return true;
  if (c.errors != nullptr) ReportNot(k, c);
  return false;
}

bool EvalRef(const Check& k, const Value& v, Ctx& c) { return Eval(*k.node, v, c); }

// The static target, or the outermost dynamic anchor of the same name in
// the dynamic scope.
bool EvalDynamicRef(const Check& k, const Value& v, Ctx& c) {
  const Node* target = k.node;
  if (k.dynamic) {
    for (const ScopeLink* link = c.scope; link != nullptr; link = link->outer) {
      if (const Node* n = link->resource->FindDynamicAnchor(k.literal); n != nullptr) target = n;
    }
  }
  return Eval(*target, v, c);
}

// --- dispatch ------------------------------------------------------------------------

// One call per keyword: a switch (not a table of function pointers), so that
// the compiler can inline the small evaluators into the loop of EvalChecks
// (a table cost about 3% more instructions per document on bench/run_bench.sh).
inline bool EvalCheck(const Check& k, const Value& v, Ctx& c) {
  switch (k.op) {
    case Op::kType: return EvalLeaf<TypeOk, TypeMessage>(k, v, c);
    case Op::kEnum: return EvalLeaf<EnumOk, EnumMessage>(k, v, c);
    case Op::kConst: return EvalLeaf<ConstOk, ConstMessage>(k, v, c);
    case Op::kMultipleOf: return EvalLeaf<MultipleOfOk, MultipleOfMessage>(k, v, c);
    case Op::kMaximum: return EvalLeaf<MaximumOk, MaximumMessage>(k, v, c);
    case Op::kExclusiveMaximum: return EvalLeaf<ExclusiveMaximumOk, ExclusiveMaximumMessage>(k, v, c);
    case Op::kMinimum: return EvalLeaf<MinimumOk, MinimumMessage>(k, v, c);
    case Op::kExclusiveMinimum: return EvalLeaf<ExclusiveMinimumOk, ExclusiveMinimumMessage>(k, v, c);
    case Op::kMaxLength: return EvalLeaf<MaxLengthOk, MaxLengthMessage>(k, v, c);
    case Op::kMinLength: return EvalLeaf<MinLengthOk, MinLengthMessage>(k, v, c);
    case Op::kPattern: return EvalLeaf<PatternOk, PatternMessage>(k, v, c);
    case Op::kFormat: return EvalLeaf<FormatOk, FormatMessage>(k, v, c);
    case Op::kMaxItems: return EvalLeaf<MaxItemsOk, MaxItemsMessage>(k, v, c);
    case Op::kMinItems: return EvalLeaf<MinItemsOk, MinItemsMessage>(k, v, c);
    case Op::kMaxProperties: return EvalLeaf<MaxPropertiesOk, MaxPropertiesMessage>(k, v, c);
    case Op::kMinProperties: return EvalLeaf<MinPropertiesOk, MinPropertiesMessage>(k, v, c);
    case Op::kItems: return EvalItems(k, v, c);
    case Op::kItemsTuple: return EvalItemsTuple(k, v, c);
    case Op::kItemsFrom: return EvalItemsAfter(k, v, c);
    case Op::kContains: return EvalContains(k, v, c);
    case Op::kUniqueItems: return EvalUniqueItems(k, v, c);
    case Op::kUnevaluatedItems: return EvalUnevaluatedItems(k, v, c);
    case Op::kRequired: return EvalRequired(k, v, c);
    case Op::kProperties: return EvalProperties(k, v, c);
    case Op::kPatternProperties: return EvalPatternProperties(k, v, c);
    case Op::kAdditionalProperties: return EvalAdditionalProperties(k, v, c);
    case Op::kUnevaluatedProperties: return EvalUnevaluatedProperties(k, v, c);
    case Op::kDependencies: return EvalDependencies(k, v, c);
    case Op::kPropertyNames: return EvalPropertyNames(k, v, c);
    case Op::kIfThenElse: return EvalIfThenElse(k, v, c);
    case Op::kAllOf: return EvalAllOf(k, v, c);
    case Op::kAnyOf: return EvalAnyOf(k, v, c);
    case Op::kOneOf: return EvalOneOf(k, v, c);
    case Op::kNot: return EvalNot(k, v, c);
    case Op::kRef: return EvalRef(k, v, c);
    case Op::kDynamicRef: return EvalDynamicRef(k, v, c);
    case Op::kCount: break;
  }
  return true;
}

constexpr const char* kTooDeep = "schema recursion is too deep (a $ref loop?)";

FERRY_COLD bool Abort(Ctx& c) {
  if (!*c.aborted && c.errors != nullptr) AddError(c, "$ref", kTooDeep);
  *c.aborted = true;
  return false;
}

bool EvalChecks(const Node& node, const Value& v, Ctx& c) {
  bool ok = true;
  for (const Check& k : node.checks) {
    if (!EvalCheck(k, v, c)) {
      ok = false;
      if (c.errors == nullptr || Full(c)) break;
    }
  }
  return ok;
}

// Eval for a node that collects annotations or enters a resource of the
// dynamic scope. Out of line: its locals stay out of the common frames.
[[gnu::noinline]] bool EvalWithState(const Node& node, const Value& v, Ctx& c) {
  const ScopeLink* outer_scope = c.scope;
  ScopeLink link{node.resource, outer_scope};
  if (c.track_scope && (outer_scope == nullptr || outer_scope->resource != node.resource)) c.scope = &link;
  bool ok = true;
  if (node.collects) {
    std::vector<uint8_t> marks(v.IsObject() || v.IsArray() ? v.size() : 0);
    std::vector<uint8_t>* outer = c.evaluated;
    c.evaluated = &marks;
    ok = EvalChecks(node, v, c);
    c.evaluated = outer;
    if (ok && outer != nullptr) Merge(outer, marks);
  } else {
    ok = EvalChecks(node, v, c);
  }
  c.scope = outer_scope;
  return ok;
}

bool Eval(const Node& node, const Value& v, Ctx& c) {
  if (node.kind == Node::Kind::kTrue) return true;
  if (node.kind == Node::Kind::kFalse) {
    if (c.errors != nullptr) AddError(c, "false", "no value is allowed here (the schema is false)");
    return false;
  }
  if (*c.aborted || StackUsed(c) > kMaxStackBytes) return Abort(c);
  if (node.collects || c.track_scope) return EvalWithState(node, v, c);
  return EvalChecks(node, v, c);
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
    Mark(c, static_cast<size_t>(m - v.members()));
  }
  std::sort(matched.begin(), matched.begin() + n,
            [](const auto& a, const auto& b) { return a.first < b.first; });
  const bool report = c.errors != nullptr;
  bool ok = true;
  for (size_t i = 0; i < n; ++i) {
    const NamedNode& nn = k.properties[matched[i].first];
    if (!WithKey(c, nn.name, [&] { return EvalChild(*nn.node, matched[i].second->value, c); })) {
      ok = false;
      if (!report || Full(c)) break;
    }
  }
  return ok;
}

}  // namespace
}  // namespace internal

bool CompiledSchema::IsValid(const Value& instance) const {
  bool aborted = false;
  internal::Ctx c{nullptr, 0, nullptr, internal::FrameAddress(), nullptr, nullptr, program_->dynamic_scope, &aborted};
  return internal::Eval(*program_->root, instance, c) && !aborted;
}

bool CompiledSchema::Validate(const Value& instance, std::vector<SchemaError>* errors, size_t max_errors) const {
  if (errors == nullptr || max_errors == 0) return IsValid(instance);
  std::string pointer;
  const size_t before = errors->size();
  size_t limit = before + std::min(max_errors, static_cast<size_t>(-1) - before);
  bool aborted = false;
  internal::Ctx c{errors, limit, &pointer, internal::FrameAddress(), nullptr, nullptr, program_->dynamic_scope, &aborted};
  bool ok = internal::Eval(*program_->root, instance, c) && !aborted;
  // Aborted inside a trial (under "not", say): the error is the document's.
  if (aborted && errors->size() == before) errors->push_back(SchemaError{"", "$ref", internal::kTooDeep, ""});
  return ok;
}

}  // namespace ferry
