// Copyright (c) the Ferry authors.
#include "document/canonical_digest.h"

#include "common/digest.h"

namespace ferry::internal {

std::string CanonicalSha(const Value& doc, std::string* scratch) {
  scratch->clear();
  WriteCanonicalJson(doc, scratch);
  return Sha256Hex(*scratch);
}

std::string CanonicalDigest::Of(std::string_view json_text) {
  arena_.Reset();
  auto doc = parser_.Parse(json_text, arena_);
  if (doc.ok()) return CanonicalSha(doc.value(), &canonical_);
  return Sha256Hex(json_text);
}

}  // namespace ferry::internal
