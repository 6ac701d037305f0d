// Copyright (c) the Ferry authors.
//
// The keyword compilers of compiler.h: one member function per keyword (or
// family of keywords), and the table that says in which drafts and
// vocabularies each keyword exists.

#include <limits>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "schema/compiler.h"
#include "schema/program.h"
#include "schema/uri.h"

namespace ferry::internal {
namespace {

// A "properties" of more than this many names is indexed by name
// (Check::property_positions).
constexpr size_t kIndexedProperties = 64;

constexpr uint8_t kD7 = 1, kD2019 = 2, kD2020 = 4, kModern = kD2019 | kD2020, kAllDrafts = 7;

// Reads a non-negative integer keyword value.
bool ReadCount(const Value& v, uint64_t* out) {
  if (!v.IsNumber() || !v.IsIntegral()) return false;
  double d = v.AsDouble();
  if (d < 0) return false;
  int64_t i = 0;
  if (v.GetInt64(&i)) {
    *out = static_cast<uint64_t>(i);
  } else {
    *out = std::numeric_limits<uint64_t>::max();
  }
  return true;
}

uint32_t TypeBitFor(std::string_view name) {
  if (name == "null") return kTypeNull;
  if (name == "boolean") return kTypeBoolean;
  if (name == "number") return kTypeNumber;
  if (name == "integer") return kTypeInteger;
  if (name == "string") return kTypeString;
  if (name == "array") return kTypeArray;
  if (name == "object") return kTypeObject;
  return 0;
}

Op OpOfKeyword(std::string_view key) {
  static const std::unordered_map<std::string_view, Op> kOps = {
      {"multipleOf", Op::kMultipleOf},       {"maximum", Op::kMaximum},
      {"exclusiveMaximum", Op::kExclusiveMaximum}, {"minimum", Op::kMinimum},
      {"exclusiveMinimum", Op::kExclusiveMinimum}, {"maxLength", Op::kMaxLength},
      {"minLength", Op::kMinLength},         {"maxItems", Op::kMaxItems},
      {"minItems", Op::kMinItems},           {"maxProperties", Op::kMaxProperties},
      {"minProperties", Op::kMinProperties}, {"allOf", Op::kAllOf},
      {"anyOf", Op::kAnyOf},                 {"oneOf", Op::kOneOf},
      {"not", Op::kNot},                     {"propertyNames", Op::kPropertyNames},
      {"additionalProperties", Op::kAdditionalProperties},
      {"unevaluatedProperties", Op::kUnevaluatedProperties},
      {"unevaluatedItems", Op::kUnevaluatedItems},
      {"properties", Op::kProperties},       {"patternProperties", Op::kPatternProperties},
  };
  return kOps.at(key);
}

// Which members of `object` are the last ones with their key.
std::vector<bool> LastNames(const Value& object) {
  std::vector<bool> last(object.size(), true);
  std::unordered_map<std::string_view, uint32_t> seen;
  for (uint32_t i = 0; i < object.size(); ++i) {
    auto [it, added] = seen.try_emplace(object.members()[i].key.AsString(), i);
    if (!added) {
      last[it->second] = false;
      it->second = i;
    }
  }
  return last;
}

}  // namespace

// --- helpers ---------------------------------------------------------------------

Status Compiler::Error(const std::string& location, std::string_view keyword, const std::string& problem) const {
  std::string where = location;
  if (!keyword.empty()) AppendPointerToken(keyword, &where);
  return Status::ProjectError("schema " + QuoteJson(where) + ": " + problem);
}

// A subschema under `location`/`token`.
Status Compiler::Sub(const Site& s, const Value& v, const std::string& location, std::string_view token,
                     const Node** out) {
  std::string where = location;
  AppendPointerToken(token, &where);
  if (!IsSchemaValue(v)) {
    return Status::ProjectError("schema " + QuoteJson(where) + ": a schema must be an object or a boolean, got " +
                                std::string(JsonTypeName(v.type())));
  }
  *out = GetNode(v, s.base, where, s.draft, s.vocab);
  return Status::OK();
}

Status Compiler::SubArray(const Site& s, const Value& v, std::string_view keyword, bool non_empty,
                          std::vector<const Node*>* out) {
  if (!v.IsArray() || (non_empty && v.empty())) {
    return Error(s.location, keyword,
                 non_empty ? "must be a non-empty array of schemas" : "must be an array of schemas");
  }
  std::string where = s.location;
  AppendPointerToken(keyword, &where);
  for (uint32_t i = 0; i < v.size(); ++i) {
    const Node* n = nullptr;
    FERRY_RETURN_IF_ERROR(Sub(s, v[i], where, std::to_string(i), &n));
    out->push_back(n);
  }
  return Status::OK();
}

Status Compiler::CompileRegex(const std::string& source, const std::string& location, std::string_view keyword,
                              std::unique_ptr<EcmaRegex>* out) {
  Result<std::unique_ptr<EcmaRegex>> re = EcmaRegex::Compile(source);
  if (!re.ok()) {
    return Error(location, keyword, "bad regular expression " + QuoteJson(source) + ": " + re.status().message());
  }
  *out = std::move(re).value();
  return Status::OK();
}

// The node `ref` (resolved against the site's base) leads to; `target` is
// where it is.
Status Compiler::ResolveRefTarget(const Site& s, std::string_view keyword, std::string_view ref, const Node** out,
                                  SchemaLocation* target) {
  std::string problem;
  if (!Resolve(ResolveUri(s.base, ref), target, &problem)) {
    return Error(s.location, keyword, "unresolvable " + std::string(keyword) + " " + QuoteJson(ref) + ": " + problem);
  }
  if (!IsSchemaValue(*target->value)) {
    return Error(s.location, keyword, std::string(keyword) + " " + QuoteJson(ref) + " points at a " +
                                          std::string(JsonTypeName(target->value->type())) + ", not a schema");
  }
  const bool declared = target->draft != Draft::kUnset;
  *out = GetNode(*target->value, target->parent_base, target->description, declared ? target->draft : s.draft,
                 declared ? kVocabAll : s.vocab);
  return Status::OK();
}

// Compiles every dynamic anchor called `name` (in the schema and the
// registry) and files it under its resource, for the run-time lookup.
void Compiler::RegisterDynamicAnchors(const std::string& name, Draft draft) {
  if (!dynamic_names_.insert(name).second) return;
  for (const SchemaIndex* index : {static_cast<const SchemaIndex*>(&local_), &registry_.index}) {
    auto [begin, end] = index->dynamic_anchors.equal_range(name);
    for (auto it = begin; it != end; ++it) {
      const SchemaLocation& loc = it->second.location;
      const Node* node = GetNode(*loc.value, loc.parent_base, loc.description,
                                 loc.draft == Draft::kUnset ? draft : loc.draft, kVocabAll);
      GetResource(it->second.resource_uri)->dynamic_anchors.push_back(NamedNode{name, node});
    }
  }
}

// --- assertions --------------------------------------------------------------------

Status Compiler::CompileType(const Site& s, std::string_view key, const Value& kv, Check* c, bool* emit) {
  c->op = Op::kType;
  if (kv.IsString()) {
    c->type_mask = TypeBitFor(kv.AsString());
    if (c->type_mask == 0) return Error(s.location, key, "unknown type name " + QuoteJson(kv.AsString()));
    return Status::OK();
  }
  if (!kv.IsArray() || kv.empty()) {
    return Error(s.location, key, "must be a type name or a non-empty array of type names");
  }
  for (uint32_t t = 0; t < kv.size(); ++t) {
    uint32_t bit = kv[t].IsString() ? TypeBitFor(kv[t].AsString()) : 0;
    if (bit == 0) {
      std::string where = s.location;
      AppendPointerToken("type", &where);
      return Error(where, std::to_string(t),
                   kv[t].IsString() ? "unknown type name " + QuoteJson(kv[t].AsString())
                                    : "a type name must be a string");
    }
    c->type_mask |= bit;
  }
  return Status::OK();
}

Status Compiler::CompileEnum(const Site& s, std::string_view key, const Value& kv, Check* c, bool* emit) {
  c->op = Op::kEnum;
  if (!kv.IsArray()) return Error(s.location, key, "must be an array");
  for (const Value& e : kv) c->values.push_back(e.DeepCopy(program_->arena));
  return Status::OK();
}

Status Compiler::CompileConst(const Site& s, std::string_view key, const Value& kv, Check* c, bool* emit) {
  c->op = Op::kConst;
  c->values.push_back(kv.DeepCopy(program_->arena));
  return Status::OK();
}

// multipleOf, maximum, exclusiveMaximum, minimum, exclusiveMinimum.
Status Compiler::CompileNumber(const Site& s, std::string_view key, const Value& kv, Check* c, bool* emit) {
  if (!kv.IsNumber()) return Error(s.location, key, "must be a number");
  c->op = OpOfKeyword(key);
  c->number = kv.AsDouble();
  c->literal = std::string(kv.NumberLiteral());
  if (c->op == Op::kMultipleOf && !(c->number > 0)) {
    return Error(s.location, key, "must be a number greater than 0");
  }
  return Status::OK();
}

// maxLength, minLength, maxItems, minItems, maxProperties, minProperties.
Status Compiler::CompileCount(const Site& s, std::string_view key, const Value& kv, Check* c, bool* emit) {
  if (!ReadCount(kv, &c->count)) return Error(s.location, key, "must be a non-negative integer");
  c->op = OpOfKeyword(key);
  return Status::OK();
}

Status Compiler::CompilePattern(const Site& s, std::string_view key, const Value& kv, Check* c, bool* emit) {
  if (!kv.IsString()) return Error(s.location, key, "must be a string");
  c->op = Op::kPattern;
  c->literal = std::string(kv.AsString());
  return CompileRegex(c->literal, s.location, key, &c->re);
}

// An annotation unless formats are asserted (the option, or the 2020-12
// format-assertion vocabulary); unknown formats are always ignored.
Status Compiler::CompileFormat(const Site& s, std::string_view key, const Value& kv, Check* c, bool* emit) {
  if (!kv.IsString()) return Error(s.location, key, "must be a string");
  c->op = Op::kFormat;
  c->literal = std::string(kv.AsString());
  const bool assert = options_.assert_formats || (s.vocab & kVocabFormatAssertion) != 0;
  c->format = assert ? FindFormat(kv.AsString()) : nullptr;
  *emit = c->format != nullptr;
  return Status::OK();
}

Status Compiler::CompileUniqueItems(const Site& s, std::string_view key, const Value& kv, Check* c, bool* emit) {
  if (!kv.IsBool()) return Error(s.location, key, "must be a boolean");
  c->op = Op::kUniqueItems;
  *emit = kv.AsBool();
  return Status::OK();
}

Status Compiler::CompileRequired(const Site& s, std::string_view key, const Value& kv, Check* c, bool* emit) {
  c->op = Op::kRequired;
  if (!kv.IsArray()) return Error(s.location, key, "must be an array of strings");
  for (const Value& n : kv) {
    if (!n.IsString()) return Error(s.location, key, "must be an array of strings");
    c->names.emplace_back(n.AsString());
  }
  *emit = !c->names.empty();
  return Status::OK();
}

Status Compiler::CompileDependentRequired(const Site& s, std::string_view key, const Value& kv, Check* c,
                                          bool* emit) {
  if (!kv.IsObject()) return Error(s.location, key, "must be an object of string arrays");
  c->op = Op::kDependencies;
  std::string where = s.location;
  AppendPointerToken(key, &where);
  const std::vector<bool> last = LastNames(kv);
  for (uint32_t j = 0; j < kv.size(); ++j) {
    if (!last[j]) continue;
    Dependency d;
    d.property = std::string(kv.members()[j].key.AsString());
    const Value& dv = kv.members()[j].value;
    if (!dv.IsArray()) return Error(where, d.property, "must be an array of strings");
    for (const Value& n : dv) {
      if (!n.IsString()) return Error(where, d.property, "must be an array of strings");
      d.required.emplace_back(n.AsString());
    }
    c->dependencies.push_back(std::move(d));
  }
  return Status::OK();
}

// --- applicators ---------------------------------------------------------------------

// "items": one schema for every element, or (draft-07, 2019-09) a tuple
// followed by "additionalItems". In 2020-12, "items" beside "prefixItems"
// is compiled with it.
Status Compiler::CompileItems(const Site& s, std::string_view key, const Value& kv, Check* c, bool* emit) {
  if (kv.IsArray()) {
    c->op = Op::kItemsTuple;
    FERRY_RETURN_IF_ERROR(SubArray(s, kv, key, false, &c->nodes));
    if (const Value* add = s.schema.Find("additionalItems"); add != nullptr) {
      FERRY_RETURN_IF_ERROR(Sub(s, *add, s.location, "additionalItems", &c->node));
    }
    return Status::OK();
  }
  if (s.draft == Draft::k2020 && s.schema.Find("prefixItems") != nullptr) {
    *emit = false;
    return Status::OK();
  }
  c->op = Op::kItems;
  return Sub(s, kv, s.location, key, &c->node);
}

Status Compiler::CompilePrefixItems(const Site& s, std::string_view key, const Value& kv, Check* c, bool* emit) {
  c->op = Op::kItemsTuple;
  c->rest_keyword = "items";
  FERRY_RETURN_IF_ERROR(SubArray(s, kv, key, true, &c->nodes));
  if (const Value* items = s.schema.Find("items"); items != nullptr) {
    FERRY_RETURN_IF_ERROR(Sub(s, *items, s.location, "items", &c->node));
  }
  return Status::OK();
}

// "contains" with, from 2019-09 on, its siblings "minContains" (default 1)
// and "maxContains".
Status Compiler::CompileContains(const Site& s, std::string_view key, const Value& kv, Check* c, bool* emit) {
  c->op = Op::kContains;
  c->count = 1;
  if (s.draft != Draft::k7) {
    for (auto [name, out] : {std::pair{"minContains", &c->count}, std::pair{"maxContains", &c->max_count}}) {
      const Value* bound = s.schema.Find(name);
      if (bound != nullptr && !ReadCount(*bound, out)) return Error(s.location, name, "must be a non-negative integer");
    }
  }
  return Sub(s, kv, s.location, key, &c->node);
}

// properties, patternProperties.
Status Compiler::CompileProperties(const Site& s, std::string_view key, const Value& kv, Check* c, bool* emit) {
  if (!kv.IsObject()) return Error(s.location, key, "must be an object of schemas");
  std::string where = s.location;
  AppendPointerToken(key, &where);
  c->op = OpOfKeyword(key);
  const bool patterns = c->op == Op::kPatternProperties;
  const std::vector<bool> last = LastNames(kv);
  for (uint32_t j = 0; j < kv.size(); ++j) {
    if (!last[j]) continue;
    std::string name(kv.members()[j].key.AsString());
    const Node* n = nullptr;
    FERRY_RETURN_IF_ERROR(Sub(s, kv.members()[j].value, where, name, &n));
    if (patterns) {
      PatternNode pn{name, nullptr, n};
      FERRY_RETURN_IF_ERROR(CompileRegex(name, where, name, &pn.re));
      c->patterns.push_back(std::move(pn));
    } else {
      c->properties.push_back(NamedNode{std::move(name), n});
    }
  }
  if (c->properties.size() > kIndexedProperties) {
    for (uint32_t j = 0; j < c->properties.size(); ++j) c->property_positions.emplace(c->properties[j].name, j);
  }
  return Status::OK();
}

// Keywords whose value is one schema: additionalProperties, propertyNames,
// not, unevaluatedProperties, unevaluatedItems.
Status Compiler::CompileSubschema(const Site& s, std::string_view key, const Value& kv, Check* c, bool* emit) {
  c->op = OpOfKeyword(key);
  return Sub(s, kv, s.location, key, &c->node);
}

// Draft-07 "dependencies": arrays of names or schemas.
Status Compiler::CompileDependencies(const Site& s, std::string_view key, const Value& kv, Check* c, bool* emit) {
  if (!kv.IsObject()) return Error(s.location, key, "must be an object");
  c->op = Op::kDependencies;
  std::string where = s.location;
  AppendPointerToken(key, &where);
  const std::vector<bool> last = LastNames(kv);
  for (uint32_t j = 0; j < kv.size(); ++j) {
    if (!last[j]) continue;
    Dependency d;
    d.property = std::string(kv.members()[j].key.AsString());
    const Value& dv = kv.members()[j].value;
    if (dv.IsArray()) {
      for (const Value& n : dv) {
        if (!n.IsString()) return Error(where, d.property, "must be an array of strings or a schema");
        d.required.emplace_back(n.AsString());
      }
    } else {
      FERRY_RETURN_IF_ERROR(Sub(s, dv, where, d.property, &d.node));
    }
    c->dependencies.push_back(std::move(d));
  }
  return Status::OK();
}

Status Compiler::CompileDependentSchemas(const Site& s, std::string_view key, const Value& kv, Check* c,
                                         bool* emit) {
  if (!kv.IsObject()) return Error(s.location, key, "must be an object of schemas");
  c->op = Op::kDependencies;
  std::string where = s.location;
  AppendPointerToken(key, &where);
  const std::vector<bool> last = LastNames(kv);
  for (uint32_t j = 0; j < kv.size(); ++j) {
    if (!last[j]) continue;
    Dependency d;
    d.property = std::string(kv.members()[j].key.AsString());
    FERRY_RETURN_IF_ERROR(Sub(s, kv.members()[j].value, where, d.property, &d.node));
    c->dependencies.push_back(std::move(d));
  }
  return Status::OK();
}

Status Compiler::CompileIf(const Site& s, std::string_view key, const Value& kv, Check* c, bool* emit) {
  c->op = Op::kIfThenElse;
  const Node* n = nullptr;
  FERRY_RETURN_IF_ERROR(Sub(s, kv, s.location, key, &n));
  c->nodes.push_back(n);
  for (std::string_view branch : {std::string_view("then"), std::string_view("else")}) {
    const Node* b = nullptr;
    if (const Value* bv = s.schema.Find(branch); bv != nullptr) {
      FERRY_RETURN_IF_ERROR(Sub(s, *bv, s.location, branch, &b));
    }
    c->nodes.push_back(b);
  }
  // Without "then"/"else", "if" only matters for the annotations it makes
  // (2019-09 and later: a sibling or parent "unevaluated*" reads them).
  *emit = c->nodes[1] != nullptr || c->nodes[2] != nullptr || s.draft != Draft::k7;
  return Status::OK();
}

// allOf, anyOf, oneOf.
Status Compiler::CompileSchemaArray(const Site& s, std::string_view key, const Value& kv, Check* c, bool* emit) {
  c->op = OpOfKeyword(key);
  return SubArray(s, kv, key, true, &c->nodes);
}

// definitions, $defs: compiled when referenced.
Status Compiler::CompileDefinitions(const Site& s, std::string_view key, const Value& kv, Check* c, bool* emit) {
  if (!kv.IsObject()) return Error(s.location, key, "must be an object of schemas");
  *emit = false;
  return Status::OK();
}

// "$ref" beside other keywords (2019-09 and later).
Status Compiler::CompileRef(const Site& s, std::string_view key, const Value& kv, Check* c, bool* emit) {
  if (!kv.IsString()) return Error(s.location, key, "must be a URI reference");
  c->op = Op::kRef;
  SchemaLocation target;
  return ResolveRefTarget(s, key, kv.AsString(), &c->node, &target);
}

// "$dynamicRef": a "$ref" whose target, when it is a "$dynamicAnchor" of the
// same name, is replaced at run time by the outermost resource in the
// dynamic scope that has that dynamic anchor.
Status Compiler::CompileDynamicRef(const Site& s, std::string_view key, const Value& kv, Check* c, bool* emit) {
  if (!kv.IsString()) return Error(s.location, key, "must be a URI reference");
  c->op = Op::kDynamicRef;
  SchemaLocation target;
  FERRY_RETURN_IF_ERROR(ResolveRefTarget(s, key, kv.AsString(), &c->node, &target));
  std::string without_fragment, raw_fragment;
  SplitFragment(kv.AsString(), &without_fragment, &raw_fragment);
  const std::string name = PercentDecode(raw_fragment);
  const Value* anchor = target.value->IsObject() ? target.value->Find("$dynamicAnchor") : nullptr;
  c->dynamic = !name.empty() && name[0] != '/' && anchor != nullptr && anchor->IsString() && anchor->AsString() == name;
  if (c->dynamic) {
    c->literal = name;
    RegisterDynamicAnchors(name, s.draft);
    program_->dynamic_scope = true;
  }
  return Status::OK();
}

// 2019-09 "$recursiveRef": "#" whose target, when it has "$recursiveAnchor":
// true, is replaced at run time by the outermost resource in the dynamic
// scope with "$recursiveAnchor": true (a dynamic anchor named "").
Status Compiler::CompileRecursiveRef(const Site& s, std::string_view key, const Value& kv, Check* c, bool* emit) {
  if (!kv.IsString()) return Error(s.location, key, "must be a URI reference");
  c->op = Op::kDynamicRef;
  SchemaLocation target;
  FERRY_RETURN_IF_ERROR(ResolveRefTarget(s, key, kv.AsString(), &c->node, &target));
  const Value* anchor = target.value->IsObject() ? target.value->Find("$recursiveAnchor") : nullptr;
  c->dynamic = anchor != nullptr && anchor->IsBool() && anchor->AsBool();
  if (c->dynamic) {
    RegisterDynamicAnchors("", s.draft);
    program_->dynamic_scope = true;
  }
  return Status::OK();
}

// --- the table -------------------------------------------------------------------------

const Compiler::KeywordRule Compiler::kKeywordRules[] = {
    {"type", kAllDrafts, kVocabValidation, &Compiler::CompileType},
    {"enum", kAllDrafts, kVocabValidation, &Compiler::CompileEnum},
    {"const", kAllDrafts, kVocabValidation, &Compiler::CompileConst},
    {"multipleOf", kAllDrafts, kVocabValidation, &Compiler::CompileNumber},
    {"maximum", kAllDrafts, kVocabValidation, &Compiler::CompileNumber},
    {"exclusiveMaximum", kAllDrafts, kVocabValidation, &Compiler::CompileNumber},
    {"minimum", kAllDrafts, kVocabValidation, &Compiler::CompileNumber},
    {"exclusiveMinimum", kAllDrafts, kVocabValidation, &Compiler::CompileNumber},
    {"maxLength", kAllDrafts, kVocabValidation, &Compiler::CompileCount},
    {"minLength", kAllDrafts, kVocabValidation, &Compiler::CompileCount},
    {"maxItems", kAllDrafts, kVocabValidation, &Compiler::CompileCount},
    {"minItems", kAllDrafts, kVocabValidation, &Compiler::CompileCount},
    {"maxProperties", kAllDrafts, kVocabValidation, &Compiler::CompileCount},
    {"minProperties", kAllDrafts, kVocabValidation, &Compiler::CompileCount},
    {"pattern", kAllDrafts, kVocabValidation, &Compiler::CompilePattern},
    {"format", kAllDrafts, kVocabFormat, &Compiler::CompileFormat},
    {"uniqueItems", kAllDrafts, kVocabValidation, &Compiler::CompileUniqueItems},
    {"required", kAllDrafts, kVocabValidation, &Compiler::CompileRequired},
    {"dependentRequired", kModern, kVocabValidation, &Compiler::CompileDependentRequired},
    {"items", kAllDrafts, kVocabApplicator, &Compiler::CompileItems},
    {"prefixItems", kD2020, kVocabApplicator, &Compiler::CompilePrefixItems},
    {"contains", kAllDrafts, kVocabApplicator, &Compiler::CompileContains},
    {"properties", kAllDrafts, kVocabApplicator, &Compiler::CompileProperties},
    {"patternProperties", kAllDrafts, kVocabApplicator, &Compiler::CompileProperties},
    {"additionalProperties", kAllDrafts, kVocabApplicator, &Compiler::CompileSubschema},
    {"propertyNames", kAllDrafts, kVocabApplicator, &Compiler::CompileSubschema},
    {"not", kAllDrafts, kVocabApplicator, &Compiler::CompileSubschema},
    {"dependencies", kAllDrafts, kVocabApplicator, &Compiler::CompileDependencies},  // kept in 2019+ for compatibility
    {"dependentSchemas", kModern, kVocabApplicator, &Compiler::CompileDependentSchemas},
    {"if", kAllDrafts, kVocabApplicator, &Compiler::CompileIf},
    {"allOf", kAllDrafts, kVocabApplicator, &Compiler::CompileSchemaArray},
    {"anyOf", kAllDrafts, kVocabApplicator, &Compiler::CompileSchemaArray},
    {"oneOf", kAllDrafts, kVocabApplicator, &Compiler::CompileSchemaArray},
    {"unevaluatedProperties", kModern, kVocabUnevaluated | kVocabApplicator, &Compiler::CompileSubschema},
    {"unevaluatedItems", kModern, kVocabUnevaluated | kVocabApplicator, &Compiler::CompileSubschema},
    {"definitions", kAllDrafts, kVocabCore, &Compiler::CompileDefinitions},
    {"$defs", kModern, kVocabCore, &Compiler::CompileDefinitions},
    {"$ref", kModern, kVocabCore, &Compiler::CompileRef},
    {"$dynamicRef", kD2020, kVocabCore, &Compiler::CompileDynamicRef},
    {"$recursiveRef", kD2019, kVocabCore, &Compiler::CompileRecursiveRef},
};

const Compiler::KeywordRule* Compiler::FindKeywordRule(std::string_view name) {
  static const std::unordered_map<std::string_view, const KeywordRule*> kByName = [] {
    std::unordered_map<std::string_view, const KeywordRule*> by_name;
    for (const KeywordRule& rule : kKeywordRules) by_name.emplace(rule.name, &rule);
    return by_name;
  }();
  auto it = kByName.find(name);
  return it == kByName.end() ? nullptr : it->second;
}

}  // namespace ferry::internal
