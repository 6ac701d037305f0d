// Copyright (c) the Ferry authors.
//
// Internal: the compiled form of a JSON Schema (the "program" a
// CompiledSchema runs) and the registry's document store.
//
// A schema location compiles to one Node: a list of Checks in the order the
// keywords appear in the schema, so errors come out in that order (runtime
// "unevaluated*" checks go last: they read what their siblings evaluated).
// "$ref" compiles to a Check pointing at the target Node; recursive
// references are simply cycles in the graph. Nodes are owned by the Program
// and never change after compiling, which makes validation lock-free.
//
// Drafts: each schema resource is compiled under the draft its "$schema"
// names (draft-07 by default), with the vocabularies its meta-schema turns
// on. "$dynamicRef" (2020-12) and "$recursiveRef" (2019-09) compile to a
// static target plus, when dynamic, an anchor name looked up at run time in
// the Resources the evaluation has entered (the dynamic scope).

#ifndef FERRY_SRC_SCHEMA_PROGRAM_H_
#define FERRY_SRC_SCHEMA_PROGRAM_H_

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "ferry/json.h"
#include "ferry/schema.h"
#include "schema/regex.h"

namespace ferry::internal {

// Bits of Check::type_mask.
enum TypeBit : uint32_t {
  kTypeNull = 1u << 0,
  kTypeBoolean = 1u << 1,
  kTypeNumber = 1u << 2,
  kTypeString = 1u << 3,
  kTypeArray = 1u << 4,
  kTypeObject = 1u << 5,
  kTypeInteger = 1u << 6,
};

enum class Op : uint8_t {
  kType,
  kEnum,
  kConst,
  kMultipleOf,
  kMaximum,
  kExclusiveMaximum,
  kMinimum,
  kExclusiveMinimum,
  kMaxLength,
  kMinLength,
  kPattern,
  kFormat,
  kItems,        // node: schema for every element
  kItemsTuple,   // nodes: per position; node: additionalItems (nullable)
  kContains,
  kMaxItems,
  kMinItems,
  kUniqueItems,
  kMaxProperties,
  kMinProperties,
  kRequired,
  kProperties,
  kPatternProperties,
  kAdditionalProperties,
  kDependencies,
  kPropertyNames,
  kIfThenElse,   // nodes: {if, then (nullable), else (nullable)}
  kAllOf,
  kAnyOf,
  kOneOf,
  kNot,
  kRef,
  kItemsFrom,              // node: schema for every element from index `count` on
  kDynamicRef,             // node: static target; literal: dynamic anchor name
  kUnevaluatedProperties,  // node: schema for members no sibling evaluated
  kUnevaluatedItems,       // node: schema for elements no sibling evaluated
  kCount,                  // number of ops (not an op)
};

// The draft a schema resource is written in.
enum class Draft : uint8_t { kUnset, k7, k2019, k2020 };

// Vocabulary bits: which keywords a meta-schema's "$vocabulary" turns on.
enum VocabBit : uint32_t {
  kVocabCore = 1u << 0,
  kVocabApplicator = 1u << 1,
  kVocabUnevaluated = 1u << 2,
  kVocabValidation = 1u << 3,
  kVocabFormat = 1u << 4,
  kVocabMetaData = 1u << 5,
  kVocabContent = 1u << 6,
  kVocabAll = (1u << 7) - 1,
  kVocabFormatAssertion = 1u << 7,  // "format" asserts (not in kVocabAll)
};

struct Node;

// Returns true when `s` is in the format. Formats are pure functions.
using FormatFn = bool (*)(std::string_view s);

struct NamedNode {
  std::string name;
  const Node* node = nullptr;
};

struct PatternNode {
  std::string source;
  std::unique_ptr<EcmaRegex> re;
  const Node* node = nullptr;
};

struct Dependency {
  std::string property;
  std::vector<std::string> required;  // array form
  const Node* node = nullptr;          // schema form (else null)
};

// One keyword of a schema object. A fat struct (only the fields of `op`
// are used); the evaluator dispatches on `op` through a table.
struct Check {
  Op op = Op::kType;
  const char* keyword = "";  // as reported in SchemaError::keyword
  uint32_t type_mask = 0;
  double number = 0;
  std::string literal;       // number or format name or pattern, for messages
  uint64_t count = 0;
  uint64_t max_count = UINT64_MAX;  // kContains: maxContains
  const char* rest_keyword = "additionalItems";  // kItemsTuple: keyword of `node`
  bool dynamic = false;             // kDynamicRef: look `literal` up in the dynamic scope
  FormatFn format = nullptr;
  std::unique_ptr<EcmaRegex> re;
  const Node* node = nullptr;
  std::vector<const Node*> nodes;
  std::vector<NamedNode> properties;
  // kProperties with many properties: the position of each name in
  // `properties`, so a small document is checked by its own members.
  std::unordered_map<std::string_view, uint32_t> property_positions;
  std::vector<PatternNode> patterns;
  std::vector<std::string> names;
  std::vector<Value> values;
  std::vector<Dependency> dependencies;
  // kAdditionalProperties: the sibling "properties"/"patternProperties"
  // (null when absent) and, for many properties, a set of their names.
  const Check* sibling_properties = nullptr;
  const Check* sibling_patterns = nullptr;
  std::unordered_set<std::string_view> property_set;
};

// A schema resource (a document or a subschema with "$id"): its dynamic
// anchors ("$dynamicAnchor"; "" for "$recursiveAnchor": true).
struct Resource {
  std::vector<NamedNode> dynamic_anchors;

  const Node* FindDynamicAnchor(std::string_view name) const {
    for (const NamedNode& a : dynamic_anchors) {
      if (a.name == name) return a.node;
    }
    return nullptr;
  }
};

struct Node {
  enum class Kind : uint8_t { kTrue, kFalse, kChecks };
  Kind kind = Kind::kChecks;
  // True when a check of this node reads which members/items its siblings
  // evaluated (a runtime "unevaluated*"): the evaluator then collects them.
  bool collects = false;
  std::vector<Check> checks;
  const Resource* resource = nullptr;
  std::string location;  // "<uri>#<pointer>", for compile messages
};

}  // namespace ferry::internal

namespace ferry {

struct CompiledSchema::Program {
  Arena arena;                          // enum/const values
  std::deque<internal::Node> nodes;     // stable addresses
  std::deque<internal::Resource> resources;
  const internal::Node* root = nullptr;
  bool dynamic_scope = false;           // some check is a dynamic $dynamicRef
  std::string base_uri;
};

// A registered document, kept in the registry's arena.
struct RegisteredSchema {
  Value root;
  std::string uri;
};

// Where a URI (no fragment, or "<uri>#<name>" for a location-independent
// identifier) leads: a schema value and the base URI in force at its
// parent (its own "$id", if any, is applied when it is compiled).
struct SchemaLocation {
  const Value* value = nullptr;
  std::string parent_base;
  std::string description;  // "<uri>#<pointer>" for messages
  internal::Draft draft = internal::Draft::kUnset;  // declared by the document (else kUnset)
};

// A "$dynamicAnchor" (or "$recursiveAnchor": true), by its resource's URI.
struct DynamicAnchorLocation {
  std::string resource_uri;
  SchemaLocation location;
};

// The identifiers of schema documents: "$id"s and anchors by URI, and the
// dynamic anchors by name.
struct SchemaIndex {
  std::unordered_map<std::string, SchemaLocation> ids;
  std::unordered_multimap<std::string, DynamicAnchorLocation> dynamic_anchors;
};

struct SchemaRegistry::Impl {
  Arena arena;
  std::deque<RegisteredSchema> documents;
  SchemaIndex index;
};

namespace internal {

// Adds every "$id", "$anchor" and "$dynamicAnchor" of the schema tree
// `root` (known applicator keywords only; never inside "enum", "const" or
// unknown keywords) to `index`. `doc_uri` names the document: `root` is
// indexed under it too.
void IndexSchemaIds(const Value& root, const std::string& doc_uri, SchemaIndex* index);

// The draft-07 meta-schema as JSON text, and its URI.
std::string_view Draft7MetaSchemaText();
inline constexpr std::string_view kDraft7MetaSchemaUri = "http://json-schema.org/draft-07/schema";

// The built-in meta-schemas of drafts 2020-12 and 2019-09 (the draft's
// "schema" and its vocabulary meta-schemas), by URI.
struct EmbeddedSchema {
  std::string_view uri;
  std::string_view text;
};
const std::vector<EmbeddedSchema>& ModernMetaSchemas();

// The draft a "$schema" URI names: known meta-schema URIs (with or without
// an empty fragment); kUnset for others.
Draft DraftOfMetaSchemaUri(std::string_view uri);

// Returns the checker for format `name`, or null when Ferry does not know it.
FormatFn FindFormat(std::string_view name);

}  // namespace internal
}  // namespace ferry

#endif  // FERRY_SRC_SCHEMA_PROGRAM_H_
