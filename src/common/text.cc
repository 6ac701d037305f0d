// Copyright (c) the Ferry authors.
#include "common/text.h"

namespace ferry::internal {

// PercentDecode: defined in schema/uri.cc (declared in schema/uri.h too),
// the one implementation, until src/schema takes its declaration from here
// and the definition moves to this file.

std::string Thousands(uint64_t n) {
  const std::string digits = std::to_string(n);
  std::string s;
  s.reserve(digits.size() + digits.size() / 3);
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) s.push_back(',');
    s.push_back(digits[i]);
  }
  return s;
}

}  // namespace ferry::internal
