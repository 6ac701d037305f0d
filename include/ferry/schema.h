// Copyright (c) the Ferry authors.
//
// JSON Schema (draft-07, 2019-09, 2020-12) validation over ferry::Value.
//
// A schema is compiled once into an immutable program: a graph of compiled
// nodes with every "$ref" resolved, every "pattern" compiled and every
// "enum"/"const" value copied into memory owned by the program. Validating a
// document walks that graph; it never parses, resolves or allocates on the
// IsValid() path (RE2 matching for "pattern"/"patternProperties" is the one
// exception: RE2 may grow its cache on the first searches).
//
//   SchemaRegistry registry;                     // knows the draft-07 meta-schema
//   FERRY_RETURN_IF_ERROR(registry.RegisterJson("http://x/common.json", text));
//   Result<std::shared_ptr<const CompiledSchema>> s = registry.CompileJson(schema_text);
//   if (!s.ok()) return s.status();              // PROJECT_ERROR naming the location
//   std::vector<SchemaError> errors;
//   if (!(*s)->Validate(doc, &errors, 10)) { ... errors[0].instance_pointer ... }
//
// Each schema resource is read in the draft its "$schema" names: draft-07
// (https://json-schema.org/draft-07/json-schema-validation) when absent,
// 2019-09 or 2020-12, or a registered meta-schema whose "$vocabulary" says
// which keywords apply. Draft-07: all validation and applicator keywords,
// boolean schemas, "$ref" with "$id" base-URI changes and
// location-independent identifiers ("#foo"); keywords beside "$ref" are
// ignored, as draft-07 requires. 2019-09/2020-12 add "$defs", "$anchor",
// "$ref" beside other keywords, "prefixItems", "minContains"/"maxContains",
// "dependentRequired"/"dependentSchemas", "unevaluatedProperties"/
// "unevaluatedItems", "$dynamicRef"/"$dynamicAnchor" (2020-12) and
// "$recursiveRef"/"$recursiveAnchor" (2019-09). "integer" means a number
// with an integral value (1.0 is an integer). String lengths count Unicode
// code points. Objects with duplicate keys are seen as JavaScript sees them:
// the last occurrence of a key wins. "format" is an annotation unless
// SchemaCompileOptions::assert_formats is set. Regular expressions are
// ECMA-262 patterns matched on code points by RE2, in time linear in the
// value; lookarounds and backreferences are refused at compile time.
// docs/schema.md lists the details.
//
// Thread safety: a CompiledSchema is immutable; any number of threads may
// validate with one CompiledSchema at the same time, without locking.
// SchemaRegistry: const methods (Compile*, Contains) may run concurrently
// with each other, but not with Register*().

#ifndef FERRY_SCHEMA_H_
#define FERRY_SCHEMA_H_

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ferry/json.h"
#include "ferry/result.h"
#include "ferry/status.h"

namespace ferry {

// One reason a document fails its schema.
struct SchemaError {
  // RFC 6901 JSON Pointer of the failing value inside the document, e.g.
  // "/exercises/2/sets"; "" is the document itself. For "required" and
  // "dependencies" it points at the object that lacks the property; the
  // message then names the property and the pointer it would have.
  std::string instance_pointer;
  // The schema keyword that failed, e.g. "type", "required", "enum";
  // "false" for a boolean schema `false`.
  std::string keyword;
  // A sentence for humans, e.g. `expected integer, got string "4"` or
  // `missing required property "id" (at "/id")`. Not a stable format.
  std::string message;
  // The field that failed: instance_pointer, except for "required" and
  // "dependencies", where it is the pointer the missing property would have
  // ("/created_at"). Reject records name this pointer.
  std::string field_pointer;
};

// Options for compiling one schema.
struct SchemaCompileOptions {
  // The URI the schema is known by: the base for its relative "$ref"s and
  // "$id"s. A "$id" at the schema's root is resolved against it. Default:
  // "" (no base: only fragment references such as "#/definitions/x",
  // absolute URIs and URIs of registered documents resolve).
  std::string base_uri;
  // When true, "format" is an assertion for the formats Ferry knows
  // (date-time, date, time, email, hostname, ipv4, ipv6, uri,
  // uri-reference, json-pointer, relative-json-pointer, regex, uuid);
  // unknown format names are always ignored. Default: false ("format" is
  // an annotation, as draft-07 recommends).
  bool assert_formats = false;
};

// A compiled schema: immutable and shareable. Obtain one from
// SchemaRegistry::Compile*() or CompileSchema*(). It owns everything it
// needs: the source schema, registry and options may be destroyed after
// compiling.
class CompiledSchema {
 public:
  // Unbounded error count for Validate().
  static constexpr size_t kAllErrors = static_cast<size_t>(-1);

  ~CompiledSchema();
  CompiledSchema(const CompiledSchema&) = delete;
  CompiledSchema& operator=(const CompiledSchema&) = delete;

  // Returns true when `instance` is valid. Stops at the first failure and
  // allocates nothing (except inside RE2). `instance` is only read.
  bool IsValid(const Value& instance) const;

  // Returns true when `instance` is valid (always the same answer as
  // IsValid()). When it is not, appends up to `max_errors` errors to
  // `errors` (when non-null) and stops collecting there. Errors come in a
  // deterministic order: depth-first, keywords in the order they appear in
  // the schema. Applicators report through their subschemas: "allOf",
  // "$ref", "then"/"else", "properties", "items" ... add the subschema's
  // errors; "anyOf", "oneOf", "not", "contains" and "propertyNames" add one
  // error of their own whose message quotes the first error of each
  // alternative.
  bool Validate(const Value& instance, std::vector<SchemaError>* errors,
                size_t max_errors = kAllErrors) const;

  // The base URI the schema was compiled under (after its root "$id").
  const std::string& base_uri() const;

  // Internal: the program; defined in src/schema/program.h.
  struct Program;
  explicit CompiledSchema(std::unique_ptr<Program> program);

 private:
  std::unique_ptr<Program> program_;
};

// Schema documents by URI, for "$ref" to other documents, and the compiler.
// The draft-07 meta-schema is built in as
// "http://json-schema.org/draft-07/schema", the 2020-12 meta-schemas as
// "https://json-schema.org/draft/2020-12/schema" and ".../meta/<vocabulary>",
// and 2019-09's likewise.
class SchemaRegistry {
 public:
  SchemaRegistry();
  ~SchemaRegistry();
  SchemaRegistry(const SchemaRegistry&) = delete;
  SchemaRegistry& operator=(const SchemaRegistry&) = delete;

  // Registers `schema` under `uri`, an absolute URI (a fragment, if any, is
  // dropped). The schema is deep-copied; the caller keeps ownership of
  // `schema`. Every "$id" inside it becomes resolvable too. Registering a
  // URI again replaces the document for later compiles.
  // Errors: INVALID_ARGUMENT when `uri` is empty or `schema` is neither an
  // object nor a boolean.
  Status Register(std::string_view uri, const Value& schema);
  // As Register() for JSON text. Errors: also PARSE_ERROR.
  Status RegisterJson(std::string_view uri, std::string_view json_text);

  // True when a document or "$id" is registered under `uri` (no fragment).
  bool Contains(std::string_view uri) const;

  // Compiles `schema` (object or boolean). "$ref"s may point into the
  // schema itself, into registered documents and into the meta-schema.
  // Errors: PROJECT_ERROR whose message names the JSON Pointer of the
  // offending place in the schema and the problem, e.g.
  // `schema "#/properties/n/type": unknown type name "int"`, for unknown
  // type names, malformed keyword values, bad regular expressions,
  // unresolvable "$ref"s and "$ref" cycles that never reach a keyword.
  Result<std::shared_ptr<const CompiledSchema>> Compile(
      const Value& schema, const SchemaCompileOptions& options = {}) const;
  // As Compile() for JSON text. Errors: also PARSE_ERROR.
  Result<std::shared_ptr<const CompiledSchema>> CompileJson(
      std::string_view json_text, const SchemaCompileOptions& options = {}) const;
  // Compiles the registered schema at `uri`, which may carry a fragment
  // ("http://x/a.json#/definitions/b"). options.base_uri is ignored.
  // Errors: NOT_FOUND when nothing is registered there; else as Compile().
  Result<std::shared_ptr<const CompiledSchema>> CompileUri(
      std::string_view uri, const SchemaCompileOptions& options = {}) const;

  // Internal: the registry's documents; defined in src/schema/program.h.
  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

// Compiles `schema` against a registry holding only the meta-schema.
Result<std::shared_ptr<const CompiledSchema>> CompileSchema(
    const Value& schema, const SchemaCompileOptions& options = {});
// As CompileSchema() for JSON text. Errors: also PARSE_ERROR.
Result<std::shared_ptr<const CompiledSchema>> CompileSchemaJson(
    std::string_view json_text, const SchemaCompileOptions& options = {});

}  // namespace ferry

#endif  // FERRY_SCHEMA_H_
