// Copyright (c) the Ferry authors.
//
// Fuzz target for JSON Schema patterns: the input up to the first NUL is a
// "pattern" (also used as a "patternProperties" name and checked by the
// "regex" format), the rest a value. The schema compiler must accept the
// pattern or refuse it with a PROJECT_ERROR; a compiled schema then
// validates the value, the value repeated to 256 KiB, and runs of one
// character that make a backtracking engine explode. Nothing may crash,
// and everything is linear time: a slow input trips the fuzzer's (or
// ctest's) timeout.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ferry/json.h"
#include "ferry/schema.h"

namespace {

constexpr size_t kLongValue = 256 * 1024;

std::shared_ptr<const ferry::CompiledSchema> CompileOrExplain(const ferry::Value& schema, bool formats) {
  ferry::SchemaCompileOptions options;
  options.assert_formats = formats;
  auto compiled = ferry::CompileSchema(schema, options);
  if (compiled.ok()) return compiled.value();
  if (compiled.status().code() != ferry::ErrorCode::kProjectError) {
    std::fprintf(stderr, "fuzz_schema_pattern: bad compile error: %s\n", compiled.status().ToString().c_str());
    std::abort();
  }
  return nullptr;
}

// Checks that IsValid() and Validate() agree on `value`.
void Check(const ferry::CompiledSchema& schema, const ferry::Value& value) {
  std::vector<ferry::SchemaError> errors;
  bool valid = schema.Validate(value, &errors, 3);
  if (valid != schema.IsValid(value) || valid != errors.empty()) {
    std::fprintf(stderr, "fuzz_schema_pattern: IsValid and Validate disagree\n");
    std::abort();
  }
}

std::vector<std::string> Values(std::string_view seed) {
  std::vector<std::string> values{std::string(seed)};
  if (!seed.empty()) {
    std::string repeated;
    while (repeated.size() < kLongValue) repeated.append(seed);
    values.push_back(std::move(repeated));
  }
  for (char c : {'a', 'x', '0', ' '}) values.push_back(std::string(kLongValue, c) + "!");
  return values;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  size_t nul = input.find('\0');
  std::string_view pattern = input.substr(0, nul);
  std::string_view seed = nul == std::string_view::npos ? std::string_view() : input.substr(nul + 1);

  ferry::Arena arena;
  ferry::Value pattern_schema = ferry::Value::Object(arena);
  pattern_schema.Set("pattern", ferry::Value::String(pattern, arena), arena);
  ferry::Value by_name = ferry::Value::Object(arena);
  by_name.Set(pattern, ferry::Value::Bool(false), arena);
  ferry::Value properties_schema = ferry::Value::Object(arena);
  properties_schema.Set("patternProperties", by_name, arena);
  ferry::Value format_schema = ferry::Value::Object(arena);
  format_schema.Set("format", ferry::Value::StringView("regex"), arena);

  auto on_values = CompileOrExplain(pattern_schema, false);
  auto on_names = CompileOrExplain(properties_schema, false);
  auto format = CompileOrExplain(format_schema, true);
  if (format == nullptr) std::abort();
  Check(*format, ferry::Value::String(pattern, arena));
  if ((on_values == nullptr) != (on_names == nullptr)) {
    std::fprintf(stderr, "fuzz_schema_pattern: pattern and patternProperties disagree\n");
    std::abort();
  }
  if (on_values == nullptr) return 0;
  for (const std::string& v : Values(seed)) {
    Check(*on_values, ferry::Value::StringView(v));
    ferry::Value object = ferry::Value::Object(arena);
    object.Set(v, ferry::Value::Null(), arena);
    Check(*on_names, object);
  }
  return 0;
}
