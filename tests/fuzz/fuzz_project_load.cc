// Copyright (c) the Ferry authors.
//
// Crash-only fuzzer for the project file loader: arbitrary bytes as
// ferry.yaml must load or fail with PROJECT_ERROR, never crash or hang.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ferry/project.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto p = ferry::Project::LoadFromString(text, "/nonexistent", "fuzz.yaml");
  if (!p.ok() && !p.status().IsProjectError()) __builtin_trap();
  return 0;
}
