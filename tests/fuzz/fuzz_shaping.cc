// Copyright (c) the Ferry authors.
//
// Record shaping templates (include/ferry/shaping.h): any input either fails
// to parse or compile with INVALID_ARGUMENT, or shapes a few fixed records
// without crashing (a reject carries a message); ShapingToJson of a parsed
// template parses back to the same JSON.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "ferry/json.h"
#include "ferry/shaping.h"

namespace {

[[noreturn]] void Die(const char* what, const std::string& detail) {
  std::fprintf(stderr, "fuzz_shaping: %s: %s\n", what, detail.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto spec = ferry::ParseShaping(text);
  if (!spec.ok()) {
    if (spec.status().code() != ferry::ErrorCode::kInvalidArgument) Die("bad parse error", spec.status().ToString());
    return 0;
  }
  std::string json = ferry::ShapingToJson(spec.value());
  auto again = ferry::ParseShaping(json);
  if (!again.ok()) Die("ShapingToJson does not parse back", json);
  if (ferry::ShapingToJson(again.value()) != json) Die("ShapingToJson is not stable", json);
  auto shaper = ferry::Shaper::Compile(spec.value());
  if (!shaper.ok()) {
    if (shaper.status().code() != ferry::ErrorCode::kInvalidArgument) Die("bad compile error", shaper.status().ToString());
    return 0;
  }
  static const char* kDocs[] = {
      R"({"id":"1","a":" X ","d":"15/01/2024 10:30","t":"a, b","n":2,"o":{"k":"2024-01-15T10:00:00Z"},"xs":["a",1,true]})",
      R"({"id":2,"a":null,"d":"2024-01-15","t":["x"],"o":[],"xs":"a"})",
      R"({})",
      R"([1,2])",
  };
  for (const char* d : kDocs) {
    ferry::Arena arena;
    ferry::JsonParser parser;
    auto doc = parser.Parse(d, arena);
    if (!doc.ok()) std::abort();
    ferry::Value v = doc.value();
    ferry::StepContext ctx(arena);
    ferry::StepError error;
    if (shaper.value()->Apply(v, ctx, &error) == ferry::Shaper::Outcome::kReject && error.message.empty()) {
      Die("a reject without a message", d);
    }
    (void)ferry::ToJson(v);
  }
  return 0;
}
