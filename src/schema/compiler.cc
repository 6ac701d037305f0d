// Copyright (c) the Ferry authors.
//
// SchemaRegistry and the schema compiler's core (compiler.h): the
// identifier index, "$ref" resolution, the worklist and node assembly. The
// keyword compilers are in keywords.cc.

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "ferry/schema.h"
#include "schema/compiler.h"
#include "schema/program.h"
#include "schema/references.h"
#include "schema/uri.h"

namespace ferry {
namespace internal {

bool IsSchemaValue(const Value& v) { return v.IsObject() || v.IsBool(); }

std::string QuoteJson(std::string_view s) {
  std::string out;
  WriteJsonString(s, &out);
  return out;
}

namespace {

bool HasStringRef(const Value& v) {
  const Value* ref = v.Find("$ref");
  return ref != nullptr && ref->IsString();
}

// The draft a "$schema" value names: the known meta-schemas, else a
// meta-schema URI that carries a draft's name (a custom meta-schema of that
// draft, e.g. ".../draft2020-12/metaschema-no-validation.json").
Draft DraftOfSchemaKeyword(const Value* schema) {
  if (schema == nullptr || !schema->IsString()) return Draft::kUnset;
  std::string_view uri = schema->AsString();
  Draft d = DraftOfMetaSchemaUri(uri);
  if (d != Draft::kUnset) return d;
  if (uri.find("2020-12") != std::string_view::npos) return Draft::k2020;
  if (uri.find("2019-09") != std::string_view::npos) return Draft::k2019;
  return Draft::kUnset;
}

// A JSON Pointer token with "~1" and "~0" decoded.
std::string UnescapePointerToken(std::string_view raw) {
  std::string token;
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '~' && i + 1 < raw.size() && (raw[i + 1] == '0' || raw[i + 1] == '1')) {
      token.push_back(raw[i + 1] == '0' ? '~' : '/');
      ++i;
    } else {
      token.push_back(raw[i]);
    }
  }
  return token;
}

// The element of `array` a JSON Pointer token names, or null.
const Value* ArrayElement(const Value& array, const std::string& token) {
  char* end = nullptr;
  unsigned long idx = std::strtoul(token.c_str(), &end, 10);
  bool numeric = !token.empty() && *end == '\0' && (token == "0" || token[0] != '0');
  return numeric && idx < array.size() ? &array[idx] : nullptr;
}

bool IsModern(Draft d) { return d == Draft::k2019 || d == Draft::k2020; }

// Draft-07 ignores every sibling of "$ref", "$id" included.
bool RefOverridesSiblings(const Value& v, Draft d) { return !IsModern(d) && HasStringRef(v); }

// The base URI in force inside `node`, given the one at its parent.
std::string BaseAfter(const Value& node, const std::string& parent_base, Draft draft) {
  if (!node.IsObject() || RefOverridesSiblings(node, draft)) return parent_base;
  const Value* id = node.Find("$id");
  if (id == nullptr || !id->IsString()) return parent_base;
  std::string resolved = ResolveUri(parent_base, id->AsString());
  std::string without_fragment, fragment;
  SplitFragment(resolved, &without_fragment, &fragment);
  return without_fragment;
}

// Objects up to this size are searched member by member; larger ones are
// hashed, so that a schema with many properties or definitions compiles in
// time linear in its size.
constexpr uint32_t kLinearSearchMembers = 16;

bool IsSchemaMapKeyword(std::string_view key) {
  return key == "definitions" || key == "$defs" || key == "properties" || key == "patternProperties" ||
         key == "dependencies" || key == "dependentSchemas";
}

bool IsSchemaOrArrayKeyword(std::string_view key) {
  return key == "items" || key == "allOf" || key == "anyOf" || key == "oneOf" || key == "prefixItems";
}

bool IsSubschemaKeyword(std::string_view key) {
  return key == "additionalItems" || key == "additionalProperties" || key == "contains" ||
         key == "propertyNames" || key == "if" || key == "then" || key == "else" || key == "not" ||
         key == "unevaluatedItems" || key == "unevaluatedProperties" || key == "contentSchema";
}

// Calls visit(object, parent_base, location, draft) for every schema object
// of the tree at `v` (known applicator keywords of every draft only; never
// inside "enum", "const" or unknown keywords), `parent_base` being the base
// URI in force at its parent, `location` its "<uri>#<pointer>" and `draft`
// the one declared in force there (kUnset when none is).
template <typename Visit>
void ForEachSchemaObject(const Value& v, const std::string& parent_base, const std::string& location,
                         Draft inherited, const Visit& visit) {
  if (!v.IsObject()) return;
  const Draft draft = DraftAt(v, inherited);
  visit(v, parent_base, location, draft);
  const std::string base = BaseAfter(v, parent_base, draft);
  auto child = [&](const Value& c, const std::string& key_location, std::string_view token) {
    std::string child_location = key_location;
    AppendPointerToken(token, &child_location);
    ForEachSchemaObject(c, base, child_location, draft, visit);
  };
  for (const Member* m = v.members(); m != v.members_end(); ++m) {
    std::string_view key = m->key.AsString();
    const Value& value = m->value;
    std::string key_location = location;
    AppendPointerToken(key, &key_location);
    if (IsSchemaMapKeyword(key)) {
      if (!value.IsObject()) continue;
      for (const Member* c = value.members(); c != value.members_end(); ++c) {
        child(c->value, key_location, c->key.AsString());
      }
    } else if (IsSchemaOrArrayKeyword(key) && value.IsArray()) {
      for (uint32_t i = 0; i < value.size(); ++i) child(value[i], key_location, std::to_string(i));
    } else if (IsSchemaOrArrayKeyword(key) || IsSubschemaKeyword(key)) {
      ForEachSchemaObject(value, base, key_location, draft, visit);
    }
  }
}

void IndexId(const Value& v, const std::string& parent_base, const std::string& where, Draft d,
             SchemaIndex* index) {
  const Value* id = v.Find("$id");
  // A document that declares no draft is indexed both ways: a "$id" beside
  // "$ref" counts when a 2019-09/2020-12 schema refers to it.
  if (id == nullptr || !id->IsString() || (d == Draft::k7 && HasStringRef(v))) return;
  std::string without_fragment, fragment;
  SplitFragment(ResolveUri(parent_base, id->AsString()), &without_fragment, &fragment);
  SchemaLocation loc{&v, parent_base, where, d};
  if (!fragment.empty() && fragment[0] != '/') {
    index->ids[without_fragment + "#" + PercentDecode(fragment)] = loc;
  } else {
    index->ids[without_fragment] = loc;
  }
}

// "$anchor", "$dynamicAnchor" and "$recursiveAnchor" (2019-09 and later).
void IndexAnchors(const Value& v, const std::string& parent_base, const std::string& where, Draft d,
                  SchemaIndex* index) {
  const std::string base = BaseAfter(v, parent_base, d);
  SchemaLocation loc{&v, parent_base, where, d};
  if (const Value* a = v.Find("$anchor"); a != nullptr && a->IsString()) {
    index->ids[base + "#" + std::string(a->AsString())] = loc;
  }
  if (const Value* a = v.Find("$dynamicAnchor"); a != nullptr && a->IsString()) {
    index->ids[base + "#" + std::string(a->AsString())] = loc;
    index->dynamic_anchors.emplace(std::string(a->AsString()), DynamicAnchorLocation{base, loc});
  }
  if (const Value* a = v.Find("$recursiveAnchor"); a != nullptr && a->IsBool() && a->AsBool()) {
    index->dynamic_anchors.emplace("", DynamicAnchorLocation{base, loc});
  }
}

void WalkIds(const Value& root, const std::string& doc_uri, const std::string& location, SchemaIndex* index) {
  ForEachSchemaObject(root, doc_uri, location, Draft::kUnset,
                      [index](const Value& v, const std::string& parent_base, const std::string& where, Draft d) {
                        IndexId(v, parent_base, where, d, index);
                        if (IsModern(d)) IndexAnchors(v, parent_base, where, d, index);
                      });
}

// Which members of `object` are the last ones with their key (the ones
// Find sees).
std::vector<bool> LastOccurrences(const Value& object) {
  std::vector<bool> last(object.size(), true);
  if (object.size() <= kLinearSearchMembers) {
    for (uint32_t i = 0; i < object.size(); ++i) {
      last[i] = object.IndexOf(object.members()[i].key.AsString()) == static_cast<int64_t>(i);
    }
    return last;
  }
  std::unordered_set<std::string_view> seen;
  seen.reserve(object.size());
  for (uint32_t i = object.size(); i-- > 0;) last[i] = seen.insert(object.members()[i].key.AsString()).second;
  return last;
}

// The vocabulary bit of a "$vocabulary" URI (0 when Ferry does not know it).
uint32_t VocabularyBit(std::string_view uri) {
  for (std::string_view prefix : {std::string_view("https://json-schema.org/draft/2020-12/vocab/"),
                                  std::string_view("https://json-schema.org/draft/2019-09/vocab/")}) {
    if (uri.substr(0, prefix.size()) != prefix) continue;
    std::string_view name = uri.substr(prefix.size());
    if (name == "core") return kVocabCore;
    if (name == "applicator") return kVocabApplicator;
    if (name == "unevaluated") return kVocabUnevaluated;
    if (name == "validation") return kVocabValidation;
    if (name == "meta-data") return kVocabMetaData;
    if (name == "format-annotation" || name == "format") return kVocabFormat;
    if (name == "format-assertion") return kVocabFormat | kVocabFormatAssertion;
    if (name == "content") return kVocabContent;
  }
  return 0;
}

bool IsRefOnly(const Node& n) {
  return n.kind == Node::Kind::kChecks && n.checks.size() == 1 && n.checks[0].op == Op::kRef;
}

bool IsUnevaluated(const Check& c) { return c.op == Op::kUnevaluatedProperties || c.op == Op::kUnevaluatedItems; }

// An applicator whose subschemas see the same instance: their annotations
// count for a sibling "unevaluated*".
bool IsInPlaceApplicator(const Check& c) {
  switch (c.op) {
    case Op::kRef:
    case Op::kDynamicRef:
    case Op::kAllOf:
    case Op::kAnyOf:
    case Op::kOneOf:
    case Op::kIfThenElse:
      return true;
    case Op::kDependencies:
      return std::any_of(c.dependencies.begin(), c.dependencies.end(),
                         [](const Dependency& d) { return d.node != nullptr; });
    default:
      return false;
  }
}

// What the siblings of an "unevaluated*" evaluate, known at compile time.
struct NodeShape {
  bool in_place = false;     // annotations may come from subschemas: decide at run time
  bool contains = false;     // "contains" evaluates the items it matches
  bool additional = false;   // "additionalProperties" evaluates every member
  bool all_items = false;    // "items" (or a tuple with a rest schema) evaluates every item
  uint64_t tuple_size = 0;   // a tuple evaluates the items before this index
};

NodeShape ShapeOf(const std::vector<Check>& checks) {
  NodeShape shape;
  for (const Check& c : checks) {
    shape.in_place |= IsInPlaceApplicator(c);
    shape.contains |= c.op == Op::kContains;
    shape.additional |= c.op == Op::kAdditionalProperties;
    shape.all_items |= c.op == Op::kItems || (c.op == Op::kItemsTuple && c.node != nullptr);
    if (c.op == Op::kItemsTuple) shape.tuple_size = c.nodes.size();
  }
  return shape;
}

// Links "additionalProperties" (and unevaluatedProperties resolved into it)
// to its siblings; their addresses are final.
void LinkSiblingProperties(Node* node) {
  const Check* properties = nullptr;
  const Check* patterns = nullptr;
  for (const Check& c : node->checks) {
    if (c.op == Op::kProperties) properties = &c;
    if (c.op == Op::kPatternProperties) patterns = &c;
  }
  for (Check& c : node->checks) {
    if (c.op != Op::kAdditionalProperties) continue;
    c.sibling_properties = properties;
    c.sibling_patterns = patterns;
    if (properties == nullptr) continue;
    for (const NamedNode& nn : properties->properties) c.property_set.insert(nn.name);
  }
}

}  // namespace

Draft DraftAt(const Value& v, Draft inherited) {
  if (!v.IsObject()) return inherited;
  Draft d = DraftOfSchemaKeyword(v.Find("$schema"));
  return d == Draft::kUnset ? inherited : d;
}

// --- Compiler: the worklist -------------------------------------------------

Status Compiler::CompileRoot(const Value& root, const std::string& parent_base, const std::string& location,
                             Draft draft) {
  if (!IsSchemaValue(root)) {
    return Status::ProjectError("schema " + QuoteJson(location) + ": a schema must be an object or a boolean, got " +
                                std::string(JsonTypeName(root.type())));
  }
  const Draft root_draft = DraftAt(root, draft == Draft::kUnset ? Draft::k7 : draft);
  program_->base_uri = BaseAfter(root, parent_base, root_draft);
  program_->root = GetNode(root, parent_base, location, root_draft, kVocabAll);
  while (!pending_.empty()) {
    Pending p = std::move(pending_.back());
    pending_.pop_back();
    FERRY_RETURN_IF_ERROR(CompileNode(p));
  }
  return CheckRefCycles();
}

void Compiler::IndexLocal(const Value& root, const std::string& uri) {
  std::string without_fragment, fragment;
  SplitFragment(uri, &without_fragment, &fragment);
  local_.ids[without_fragment] = SchemaLocation{&root, uri, "#", DraftAt(root, Draft::kUnset)};
  WalkIds(root, without_fragment, "#", &local_);
}

bool Compiler::Resolve(const std::string& uri, SchemaLocation* out, std::string* problem) const {
  std::string without_fragment, raw_fragment;
  SplitFragment(uri, &without_fragment, &raw_fragment);
  std::string fragment = PercentDecode(raw_fragment);
  if (!fragment.empty() && fragment[0] != '/') {
    const SchemaLocation* loc = Lookup(without_fragment + "#" + fragment);
    if (loc == nullptr) *problem = "no schema has the identifier " + QuoteJson(uri);
    if (loc != nullptr) *out = *loc;
    return loc != nullptr;
  }
  const SchemaLocation* loc = Lookup(without_fragment);
  if (loc == nullptr) {
    *problem = "no schema is registered at " + QuoteJson(without_fragment);
    return false;
  }
  *out = *loc;
  // Walk the JSON Pointer, tracking the base URI and draft through "$id"s
  // and "$schema"s.
  for (size_t pos = 0; pos < fragment.size();) {
    size_t next = fragment.find('/', pos + 1);
    if (next == std::string::npos) next = fragment.size();
    std::string token = UnescapePointerToken(std::string_view(fragment).substr(pos + 1, next - pos - 1));
    pos = next;
    const Value& cur = *out->value;
    out->draft = DraftAtIndexed(cur, out->draft);
    out->parent_base = BaseAt(cur, out->parent_base, out->draft);
    AppendPointerToken(token, &out->description);
    out->value = cur.IsObject() ? FindMember(cur, token) : cur.IsArray() ? ArrayElement(cur, token) : nullptr;
    if (out->value == nullptr) {
      *problem = "the JSON Pointer of " + QuoteJson(uri) + " does not resolve";
      return false;
    }
  }
  return true;
}

// Value::Find, through a hash index for large objects: resolving one
// "$ref" per property into a large "definitions" stays linear overall.
const Value* Compiler::FindMember(const Value& object, std::string_view key) const {
  if (object.size() <= kLinearSearchMembers) return object.Find(key);
  auto [it, added] = member_indexes_.try_emplace(&object);
  if (added) {
    it->second.reserve(object.size());
    for (const Member* m = object.members(); m != object.members_end(); ++m) {
      it->second[m->key.AsString()] = &m->value;  // the last occurrence wins, as in Find
    }
  }
  auto found = it->second.find(key);
  return found == it->second.end() ? nullptr : found->second;
}

// BaseAfter, through FindMember: the pointer walk passes large objects
// ("definitions") that are not schemas themselves.
std::string Compiler::BaseAt(const Value& node, const std::string& parent_base, Draft draft) const {
  if (!node.IsObject()) return parent_base;
  const Value* ref = FindMember(node, "$ref");
  const Value* id = FindMember(node, "$id");
  if ((!IsModern(draft) && ref != nullptr && ref->IsString()) || id == nullptr || !id->IsString()) {
    return parent_base;
  }
  std::string without_fragment, fragment;
  SplitFragment(ResolveUri(parent_base, id->AsString()), &without_fragment, &fragment);
  return without_fragment;
}

Draft Compiler::DraftAtIndexed(const Value& node, Draft inherited) const {
  if (!node.IsObject()) return inherited;
  Draft d = DraftOfSchemaKeyword(FindMember(node, "$schema"));
  return d == Draft::kUnset ? inherited : d;
}

const SchemaLocation* Compiler::Lookup(const std::string& key) const {
  auto it = local_.ids.find(key);
  if (it != local_.ids.end()) return &it->second;
  auto rit = registry_.index.ids.find(key);
  if (rit != registry_.index.ids.end()) return &rit->second;
  return nullptr;
}

Node* Compiler::GetNode(const Value& value, const std::string& parent_base, const std::string& location,
                        Draft draft, uint32_t vocab) {
  auto it = memo_.find(&value);
  if (it != memo_.end()) return it->second;
  Node* node = &program_->nodes.emplace_back();
  node->location = location;
  memo_.emplace(&value, node);
  pending_.push_back(Pending{node, &value, parent_base, location, draft, vocab});
  return node;
}

Resource* Compiler::GetResource(const std::string& uri) {
  auto [it, added] = resources_.try_emplace(uri, nullptr);
  if (added) it->second = &program_->resources.emplace_back();
  return it->second;
}

// The vocabularies of the meta-schema `v` names in "$schema" (all for the
// known drafts and for meta-schemas without "$vocabulary").
Status Compiler::VocabularyAt(const Value& v, const std::string& location, uint32_t* vocab) const {
  const Value* schema = v.Find("$schema");
  if (schema == nullptr || !schema->IsString()) return Status::OK();
  *vocab = kVocabAll;
  if (DraftOfMetaSchemaUri(schema->AsString()) != Draft::kUnset) return Status::OK();
  std::string meta_uri, fragment;
  SplitFragment(schema->AsString(), &meta_uri, &fragment);
  const SchemaLocation* meta = Lookup(meta_uri);
  const Value* vocabulary = meta != nullptr && meta->value->IsObject() ? meta->value->Find("$vocabulary") : nullptr;
  if (vocabulary == nullptr || !vocabulary->IsObject()) return Status::OK();
  *vocab = kVocabCore;
  for (const Member* m = vocabulary->members(); m != vocabulary->members_end(); ++m) {
    uint32_t bit = VocabularyBit(m->key.AsString());
    bool required = m->value.IsBool() && m->value.AsBool();
    if (bit == 0 && required) {
      return Error(location, "$schema", "the meta-schema requires the unknown vocabulary " +
                                            QuoteJson(m->key.AsString()));
    }
    *vocab |= bit;
  }
  return Status::OK();
}

Status Compiler::CompileNode(const Pending& p) {
  Node* node = p.node;
  const Value& v = *p.value;
  if (v.IsBool()) {
    node->kind = v.AsBool() ? Node::Kind::kTrue : Node::Kind::kFalse;
    return Status::OK();
  }
  node->kind = Node::Kind::kChecks;
  const Draft draft = DraftAt(v, p.draft);
  uint32_t vocab = p.vocab;
  FERRY_RETURN_IF_ERROR(VocabularyAt(v, p.location, &vocab));
  const std::string base = BaseAfter(v, p.parent_base, draft);
  node->resource = GetResource(base);
  const Site site{node, v, base, p.location, draft, vocab};
  if (RefOverridesSiblings(v, draft)) return CompileRefOnly(site);
  const std::vector<bool> last_keywords = LastOccurrences(v);
  for (uint32_t i = 0; i < v.size(); ++i) {
    if (!last_keywords[i]) continue;
    FERRY_RETURN_IF_ERROR(CompileKeyword(site, v.members()[i].key.AsString(), v.members()[i].value));
  }
  FinishNode(node);
  return Status::OK();
}

Status Compiler::CompileKeyword(const Site& s, std::string_view key, const Value& kv) {
  const KeywordRule* rule = FindKeywordRule(key);
  const uint8_t draft_bit = s.draft == Draft::k2020 ? 4 : s.draft == Draft::k2019 ? 2 : 1;
  if (rule == nullptr || (rule->drafts & draft_bit) == 0 || (rule->vocab & s.vocab) == 0) {
    return Status::OK();  // annotations, unknown keywords and keywords of other drafts
  }
  Check c;
  c.keyword = rule->name.data();
  bool emit = true;
  FERRY_RETURN_IF_ERROR((this->*rule->compile)(s, key, kv, &c, &emit));
  if (emit) s.node->checks.push_back(std::move(c));
  return Status::OK();
}

// Draft-07: "$ref" replaces the whole schema object.
Status Compiler::CompileRefOnly(const Site& s) {
  Check c;
  c.op = Op::kRef;
  c.keyword = "$ref";
  SchemaLocation target;
  FERRY_RETURN_IF_ERROR(ResolveRefTarget(s, "$ref", s.schema.Find("$ref")->AsString(), &c.node, &target));
  s.node->checks.push_back(std::move(c));
  return Status::OK();
}

// Resolves what "unevaluatedProperties"/"unevaluatedItems" can at compile
// time: with no in-place applicator beside it, the siblings alone decide
// what is evaluated, so unevaluatedProperties is additionalProperties and
// unevaluatedItems checks the items after the tuple. Otherwise the node
// collects annotations at run time, its "unevaluated*" checks last.
void Compiler::FinishNode(Node* node) {
  std::vector<Check>& checks = node->checks;
  std::stable_partition(checks.begin(), checks.end(), [](const Check& c) { return !IsUnevaluated(c); });
  const NodeShape shape = ShapeOf(checks);
  for (Check& c : checks) {
    if (!IsUnevaluated(c)) continue;
    if (shape.in_place || (c.op == Op::kUnevaluatedItems && shape.contains)) {
      node->collects = true;
    } else if (c.op == Op::kUnevaluatedProperties) {
      c.op = shape.additional ? Op::kCount : Op::kAdditionalProperties;  // kCount: nothing left to check
    } else {
      c.op = shape.all_items ? Op::kCount : Op::kItemsFrom;
      c.count = shape.tuple_size;
    }
  }
  checks.erase(std::remove_if(checks.begin(), checks.end(), [](const Check& c) { return c.op == Op::kCount; }),
               checks.end());
  LinkSiblingProperties(node);
}

// A chain of "$ref"-only nodes that loops never reaches a keyword: every
// validation through it would recurse forever. Each node is followed
// once: a chain that reaches a node already cleared stops there.
Status Compiler::CheckRefCycles() {
  enum class Mark : uint8_t { kOnChain, kCleared };
  std::unordered_map<const Node*, Mark> marks;
  std::vector<const Node*> chain;
  for (const Node& n : program_->nodes) {
    chain.clear();
    const Node* cur = &n;
    while (IsRefOnly(*cur) && marks.count(cur) == 0) {
      marks.emplace(cur, Mark::kOnChain);
      chain.push_back(cur);
      cur = cur->checks[0].node;
    }
    auto it = marks.find(cur);
    if (it != marks.end() && it->second == Mark::kOnChain) {
      return Status::ProjectError("schema " + QuoteJson(n.location) + ": $ref cycle never reaches a schema keyword");
    }
    for (const Node* c : chain) marks[c] = Mark::kCleared;
  }
  return Status::OK();
}

void IndexSchemaIds(const Value& root, const std::string& doc_uri, SchemaIndex* index) {
  index->ids[doc_uri] = SchemaLocation{&root, doc_uri, doc_uri + "#", DraftAt(root, Draft::kUnset)};
  WalkIds(root, doc_uri, doc_uri + "#", index);
}

std::vector<SchemaReference> ListSchemaReferences(const Value& root, const std::string& doc_uri) {
  std::vector<SchemaReference> refs;
  ForEachSchemaObject(root, doc_uri, "#", Draft::kUnset,
                      [&refs](const Value& v, const std::string& parent_base, const std::string& location, Draft d) {
                        if (!HasStringRef(v)) return;
                        std::string_view ref = v.Find("$ref")->AsString();
                        std::string target, fragment;
                        SplitFragment(ResolveUri(BaseAfter(v, parent_base, d), ref), &target, &fragment);
                        std::string pointer = location;
                        AppendPointerToken("$ref", &pointer);
                        refs.push_back(SchemaReference{std::move(pointer), std::string(ref), std::move(target)});
                      });
  return refs;
}

}  // namespace internal

// --- CompiledSchema (construction; evaluation is in validator.cc) ---------

CompiledSchema::CompiledSchema(std::unique_ptr<Program> program) : program_(std::move(program)) {}
CompiledSchema::~CompiledSchema() = default;
const std::string& CompiledSchema::base_uri() const { return program_->base_uri; }

// --- SchemaRegistry -------------------------------------------------------

SchemaRegistry::SchemaRegistry() : impl_(std::make_unique<Impl>()) {
  Status s = RegisterJson(internal::kDraft7MetaSchemaUri, internal::Draft7MetaSchemaText());
  for (const internal::EmbeddedSchema& meta : internal::ModernMetaSchemas()) {
    if (s.ok()) s = RegisterJson(meta.uri, meta.text);
  }
  (void)s;  // the embedded texts are valid JSON: covered by tests
}

SchemaRegistry::~SchemaRegistry() = default;

Status SchemaRegistry::Register(std::string_view uri, const Value& schema) {
  if (uri.empty()) return Status::InvalidArgument("schema URI must not be empty");
  if (!schema.IsObject() && !schema.IsBool()) {
    return Status::InvalidArgument("schema registered at \"" + std::string(uri) +
                                   "\" must be an object or a boolean");
  }
  std::string without_fragment, fragment;
  internal::SplitFragment(uri, &without_fragment, &fragment);
  RegisteredSchema& doc = impl_->documents.emplace_back();
  doc.root = schema.DeepCopy(impl_->arena);
  doc.uri = without_fragment;
  internal::IndexSchemaIds(doc.root, doc.uri, &impl_->index);
  return Status::OK();
}

Status SchemaRegistry::RegisterJson(std::string_view uri, std::string_view json_text) {
  JsonParser parser;
  Arena scratch;
  Result<Value> v = parser.Parse(json_text, scratch);
  if (!v.ok()) return v.status();
  return Register(uri, v.value());
}

bool SchemaRegistry::Contains(std::string_view uri) const {
  return impl_->index.ids.count(std::string(uri)) != 0;
}

Result<std::shared_ptr<const CompiledSchema>> SchemaRegistry::Compile(const Value& schema,
                                                                      const SchemaCompileOptions& options) const {
  auto program = std::make_unique<CompiledSchema::Program>();
  internal::Compiler compiler(*impl_, options, program.get());
  std::string base;
  std::string fragment;
  internal::SplitFragment(options.base_uri, &base, &fragment);
  if (schema.IsObject()) compiler.IndexLocal(schema, base);
  FERRY_RETURN_IF_ERROR(compiler.CompileRoot(schema, base, "#", internal::Draft::k7));
  return std::shared_ptr<const CompiledSchema>(std::make_shared<CompiledSchema>(std::move(program)));
}

Result<std::shared_ptr<const CompiledSchema>> SchemaRegistry::CompileJson(std::string_view json_text,
                                                                          const SchemaCompileOptions& options) const {
  JsonParser parser;
  Arena scratch;
  Result<Value> v = parser.Parse(json_text, scratch);
  if (!v.ok()) return v.status();
  return Compile(v.value(), options);
}

Result<std::shared_ptr<const CompiledSchema>> SchemaRegistry::CompileUri(std::string_view uri,
                                                                         const SchemaCompileOptions& options) const {
  auto program = std::make_unique<CompiledSchema::Program>();
  internal::Compiler compiler(*impl_, options, program.get());
  SchemaLocation target;
  std::string problem;
  if (!compiler.Resolve(std::string(uri), &target, &problem)) {
    return Status::NotFound("schema " + std::string(uri) + ": " + problem);
  }
  FERRY_RETURN_IF_ERROR(compiler.CompileRoot(*target.value, target.parent_base, target.description, target.draft));
  return std::shared_ptr<const CompiledSchema>(std::make_shared<CompiledSchema>(std::move(program)));
}

namespace {
const SchemaRegistry& DefaultRegistry() {
  static const SchemaRegistry* registry = new SchemaRegistry();  // never destroyed: used at exit
  return *registry;
}
}  // namespace

Result<std::shared_ptr<const CompiledSchema>> CompileSchema(const Value& schema, const SchemaCompileOptions& options) {
  return DefaultRegistry().Compile(schema, options);
}

Result<std::shared_ptr<const CompiledSchema>> CompileSchemaJson(std::string_view json_text,
                                                                const SchemaCompileOptions& options) {
  return DefaultRegistry().CompileJson(json_text, options);
}

}  // namespace ferry
