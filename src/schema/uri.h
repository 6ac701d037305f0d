// Copyright (c) the Ferry authors.
//
// Internal: the little URI arithmetic JSON Schema needs (RFC 3986 section
// 5.2 reference resolution, fragment splitting, percent-decoding).

#ifndef FERRY_SRC_SCHEMA_URI_H_
#define FERRY_SRC_SCHEMA_URI_H_

#include <string>
#include <string_view>

#include "common/text.h"

namespace ferry::internal {

// Resolves `reference` against `base` (RFC 3986 5.2.2, with dot-segment
// removal). An empty `base` leaves `reference` as it is.
std::string ResolveUri(std::string_view base, std::string_view reference);

// Splits "a#b" into "a" and "b"; `has_fragment` tells "a#" from "a".
void SplitFragment(std::string_view uri, std::string* without_fragment, std::string* fragment,
                   bool* has_fragment = nullptr);

// PercentDecode: common/text.h.

}  // namespace ferry::internal

#endif  // FERRY_SRC_SCHEMA_URI_H_
