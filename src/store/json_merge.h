// Copyright (c) the Ferry authors.
//
// Deep merge of two JSON documents, for the `merge` conflict policy: objects
// merge member by member (recursively); anything else (arrays, scalars, or
// an object meeting a non-object) is taken whole from the preferred side.
// Members keep the target's order, with the source's new members after.

#ifndef FERRY_STORE_JSON_MERGE_H_
#define FERRY_STORE_JSON_MERGE_H_

#include <string>
#include <string_view>

#include "ferry/result.h"

namespace ferry::internal {

// PARSE_ERROR when either side is not valid JSON.
Result<std::string> MergeJson(std::string_view target, std::string_view source, bool prefer_source);

}  // namespace ferry::internal

#endif  // FERRY_STORE_JSON_MERGE_H_
