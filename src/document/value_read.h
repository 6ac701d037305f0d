// Copyright (c) the Ferry authors.
//
// Reading members of a parsed JSON document that Ferry wrote itself
// (manifests, checkpoints, reports, operations): a member that is absent or
// of another type reads as the fallback, never as an error. For documents
// from users, check types and report instead.

#ifndef FERRY_DOCUMENT_VALUE_READ_H_
#define FERRY_DOCUMENT_VALUE_READ_H_

#include <cstdint>
#include <cstdlib>
#include <string>

#include "ferry/json.h"

namespace ferry::internal {

// The string, or "" when `v` is null or not a string.
inline std::string StringOr(const Value* v) {
  return v != nullptr && v->IsString() ? std::string(v->AsString()) : std::string();
}

// The non-negative integer (all of uint64's range), or 0 when `v` is null,
// not an integer or negative.
inline uint64_t UintOr(const Value* v) {
  if (v == nullptr || !v->IsNumber()) return 0;
  int64_t n = 0;
  if (v->GetInt64(&n)) return n > 0 ? uint64_t(n) : 0;
  const std::string literal(v->NumberLiteral());  // beyond int64, or not an integer
  if (literal.find_first_not_of("0123456789") != std::string::npos) return 0;
  return uint64_t(std::strtoull(literal.c_str(), nullptr, 10));
}

}  // namespace ferry::internal

#endif  // FERRY_DOCUMENT_VALUE_READ_H_
