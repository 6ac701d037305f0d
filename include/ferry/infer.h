// Copyright (c) the Ferry authors.
//
// A starting JSON Schema inferred from sample records (`ferry init`).

#ifndef FERRY_INFER_H_
#define FERRY_INFER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "ferry/result.h"

namespace ferry {

struct InferredSchema {
  // Draft-7 JSON Schema text: at every place, the JSON types seen there
  // ("integer" folded into "number" when both were seen); for objects every
  // property seen, in first-seen order, "required" naming those present in
  // every object; for arrays the shape of all their items together.
  std::string schema;
  uint64_t records = 0;  // records read (at most the max_records asked)
  // Top-level fields present in every record read, in first-seen order
  // (what a version can be detected by).
  std::vector<std::string> always_present;
};

// Reads up to `max_records` records (1 or more) of `source`: any store URI a
// run reads (a file in any format, compressed or encrypted as its name says,
// stdin as "-", an SQLite or PostgreSQL table). A byte order mark is skipped
// as in a run. PARSE_ERROR naming the line for a record that is not JSON (or a
// malformed CSV row), INVALID_ARGUMENT for a record that is not an object or
// a source without records, and the reader's error when it cannot be opened.
Result<InferredSchema> InferSchema(const std::string& source, uint64_t max_records);

}  // namespace ferry

#endif  // FERRY_INFER_H_
