// Copyright (c) the Ferry authors.
//
// Internal: the "$ref"s of a schema document, for a caller that registers
// the documents they name before compiling (the project loader registers
// the local files its schema files refer to). The schema library itself
// never reads a file or the network.

#ifndef FERRY_SRC_SCHEMA_REFERENCES_H_
#define FERRY_SRC_SCHEMA_REFERENCES_H_

#include <string>
#include <vector>

#include "ferry/json.h"

namespace ferry::internal {

// One "$ref" of a schema document.
struct SchemaReference {
  std::string pointer;  // where the "$ref" is, e.g. "#/properties/a/$ref"
  std::string ref;      // as written, e.g. "common.json#/definitions/x"
  std::string target;   // the document it names: an absolute URI, no fragment
};

// Every "$ref" of the schema `root` known by `doc_uri`, in document order,
// resolved against the base URI in force where it is ("$id"s included).
// The walk is the one "$id" indexing does: known applicator keywords only.
std::vector<SchemaReference> ListSchemaReferences(const Value& root, const std::string& doc_uri);

}  // namespace ferry::internal

#endif  // FERRY_SRC_SCHEMA_REFERENCES_H_
