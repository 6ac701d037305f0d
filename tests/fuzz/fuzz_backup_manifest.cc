// Copyright (c) the Ferry authors.
//
// Fuzz target for backup manifests (safety/backup.h): any bytes parse or
// fail with INTEGRITY_ERROR, and a manifest that parses writes back to a text
// that parses to the same manifest (the form Ferry authenticates).

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "safety/backup.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto m = ferry::internal::ParseManifest(text);
  if (!m.ok()) {
    if (m.status().code() != ferry::ErrorCode::kIntegrityError) __builtin_trap();
    return 0;
  }
  const std::string once = m.value().ToJson();
  auto again = ferry::internal::ParseManifest(once);
  if (!again.ok() || again.value().ToJson() != once) __builtin_trap();
  return 0;
}
