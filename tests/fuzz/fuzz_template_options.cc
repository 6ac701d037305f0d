// Copyright (c) the Ferry authors.
//
// Fuzz target for saved templates' inputs (include/ferry/templates.h): any
// text as options is accepted or refused with INVALID_ARGUMENT, and what is
// accepted is a fixed point (its canonical form canonicalises to itself);
// any text as a name is accepted exactly when it is 1-64 characters of
// [A-Za-z0-9_.-].

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "ferry/templates.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto canonical = ferry::CanonicalTemplateOptions(text);
  if (!canonical.ok() && !canonical.status().IsInvalidArgument()) __builtin_trap();
  if (canonical.ok()) {
    auto again = ferry::CanonicalTemplateOptions(canonical.value());
    if (!again.ok() || again.value() != canonical.value()) __builtin_trap();
    if (canonical.value().empty() || canonical.value().front() != '{') __builtin_trap();
  }
  bool valid = !text.empty() && text.size() <= 64;
  for (char c : text) {
    valid = valid && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                      c == '.' || c == '-');
  }
  ferry::Status name = ferry::ValidateTemplateName(text);
  if (name.ok() != valid) __builtin_trap();
  if (!name.ok() && !name.IsInvalidArgument()) __builtin_trap();
  return 0;
}
