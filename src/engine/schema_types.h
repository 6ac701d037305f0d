// Copyright (c) the Ferry authors.
//
// Schema-given types for loosely typed sources (CSV with types=schema,
// docs/formats.md): the simple expected type of each field, taken from a
// version's JSON Schema once at project load, and the conversion of a
// record's scalar leaves to those types before validation.
//
// The type map (BuildSchemaTypes) follows, from the schema's root:
//   - "type": a string or an array of strings (null, boolean, integer,
//     number, string; object and array only as containers);
//   - "properties": each member, recursively;
//   - "items" when it is one schema (arrays; a tuple form is skipped);
//   - "$ref" to a local definition ("#/definitions/NAME" or "#/$defs/NAME"),
//     followed to a depth of kMaxRefDepth; any other $ref is skipped.
// Everything else (allOf/anyOf/oneOf, patternProperties, conditionals,
// remote $ref) is ignored: a field reached only through it has no expected
// type and is never converted.
//
// Conversions (ApplySchemaTypes), only for a leaf whose current JSON type
// the schema does not allow:
//   - number or boolean -> its literal text when the schema allows string
//     (the number's literal exactly as read: 1.50 stays "1.50");
//   - null -> "" when the schema allows string (and not null);
//   - string -> a number when the schema allows number (or integer and the
//     value is integral) and the whole text is a JSON number; -> true/false
//     from exactly "true"/"false" when it allows boolean; -> null from ""
//     when it allows null.
// A value that no rule converts is left as it is (validation then rejects
// it as before).
//
// Thread safety: a SchemaTypes is immutable after construction and shared by
// worker threads; ApplySchemaTypes writes only the document it is given.

#ifndef FERRY_ENGINE_SCHEMA_TYPES_H_
#define FERRY_ENGINE_SCHEMA_TYPES_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "ferry/json.h"

namespace ferry::internal {

inline constexpr int kMaxRefDepth = 16;

struct SchemaTypes {
  enum : uint8_t { kNull = 1, kBoolean = 2, kInteger = 4, kNumber = 8, kString = 16 };
  uint8_t types = 0;  // 0: no expected scalar type
  std::map<std::string, SchemaTypes, std::less<>> properties;
  std::unique_ptr<SchemaTypes> items;
  bool empty() const { return types == 0 && properties.empty() && items == nullptr; }
};

// The type map of `schema` (the schema document). Never fails: what cannot
// be resolved is left out.
SchemaTypes BuildSchemaTypes(const Value& schema);

// Converts the leaves of `doc` in place (see the file comment). Strings and
// literals made are views into `doc`'s own text (or static text: "", true,
// false), so nothing is allocated. Returns the number of values converted.
uint64_t ApplySchemaTypes(const SchemaTypes& types, Value& doc);

}  // namespace ferry::internal

#endif  // FERRY_ENGINE_SCHEMA_TYPES_H_
