// Copyright (c) the Ferry authors.
//
// SHA-256 of a document's canonical JSON (WriteCanonicalJson: sorted keys,
// no whitespace): what run journals, backups and verify compare records by,
// so that key order and layout do not count. The one place that computes it.
//
// Thread safety: CanonicalSha is reentrant; a CanonicalDigest is used by
// one thread at a time.

#ifndef FERRY_DOCUMENT_CANONICAL_DIGEST_H_
#define FERRY_DOCUMENT_CANONICAL_DIGEST_H_

#include <string>
#include <string_view>

#include "ferry/json.h"

namespace ferry::internal {

// Lower-case hex SHA-256 of `doc`'s canonical JSON. `scratch` receives that
// text (a buffer the caller reuses between calls).
std::string CanonicalSha(const Value& doc, std::string* scratch);

// CanonicalSha of a JSON text; a text that is not JSON is digested as it
// is. Keeps its parser and arena between calls.
class CanonicalDigest {
 public:
  std::string Of(std::string_view json_text);

 private:
  JsonParser parser_;
  Arena arena_;
  std::string canonical_;
};

}  // namespace ferry::internal

#endif  // FERRY_DOCUMENT_CANONICAL_DIGEST_H_
