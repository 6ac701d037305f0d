// Copyright (c) the Ferry authors.
//
// Internal: the compiled form of a JSON Schema (the "program" a
// CompiledSchema runs) and the registry's document store.
//
// A schema location compiles to one Node: a list of Checks in the order the
// keywords appear in the schema, so errors come out in that order. "$ref"
// compiles to a Check pointing at the target Node; recursive references
// are simply cycles in the graph. Nodes are owned by the Program and never
// change after compiling, which makes validation lock-free.

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
// are used) keeps the evaluator a single switch.
struct Check {
  Op op = Op::kType;
  const char* keyword = "";  // as reported in SchemaError::keyword
  uint32_t type_mask = 0;
  double number = 0;
  std::string literal;       // number or format name or pattern, for messages
  uint64_t count = 0;
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

struct Node {
  enum class Kind : uint8_t { kTrue, kFalse, kChecks };
  Kind kind = Kind::kChecks;
  std::vector<Check> checks;
  std::string location;  // "<uri>#<pointer>", for compile messages
};

}  // namespace ferry::internal

namespace ferry {

struct CompiledSchema::Program {
  Arena arena;                          // enum/const values
  std::deque<internal::Node> nodes;     // stable addresses
  const internal::Node* root = nullptr;
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
};

struct SchemaRegistry::Impl {
  Arena arena;
  std::deque<RegisteredSchema> documents;
  std::unordered_map<std::string, SchemaLocation> index;
};

namespace internal {

// Adds every "$id" of the schema tree `root` (known applicator keywords
// only; never inside "enum", "const" or unknown keywords) to `index`.
// `doc_uri` names the document: `root` is indexed under it too.
void IndexSchemaIds(const Value& root, const std::string& doc_uri,
                    std::unordered_map<std::string, SchemaLocation>* index);

// The draft-07 meta-schema as JSON text, and its URI.
std::string_view Draft7MetaSchemaText();
inline constexpr std::string_view kDraft7MetaSchemaUri = "http://json-schema.org/draft-07/schema";

// Returns the checker for format `name`, or null when Ferry does not know it.
FormatFn FindFormat(std::string_view name);

}  // namespace internal
}  // namespace ferry

#endif  // FERRY_SRC_SCHEMA_PROGRAM_H_
