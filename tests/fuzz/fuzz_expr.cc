// Copyright (c) the Ferry authors.
//
// Crash-only fuzz target for the expression language: the input (up to the
// first NUL) is compiled; when it compiles it is evaluated over a fixed
// document. Compile errors must be PROJECT_ERRORs with a column, runtime
// errors MIGRATION_ERRORs; anything else aborts.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "ferry/expr.h"
#include "ferry/json.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto compiled = ferry::Expression::Compile(text);
  if (!compiled.ok()) {
    const ferry::Status& s = compiled.status();
    if (s.code() != ferry::ErrorCode::kProjectError || s.message().rfind("column ", 0) != 0) {
      std::fprintf(stderr, "fuzz_expr: bad compile error: %s\n", s.ToString().c_str());
      std::abort();
    }
    return 0;
  }
  static const char kDoc[] =
      R"({"a":2,"s":"x","n":null,"xs":[{"t":"w","d":60},{"t":"r","d":1.5},3,"s",[1]],"o":{"k":{"z":[]}}})";
  ferry::Arena arena;
  ferry::JsonParser parser;
  auto doc = parser.Parse(kDoc, arena);
  if (!doc.ok()) std::abort();
  ferry::Value out;
  ferry::Status s = compiled.value()->Evaluate(doc.value(), arena, &out);
  if (!s.ok() && s.code() != ferry::ErrorCode::kMigrationError) {
    std::fprintf(stderr, "fuzz_expr: bad runtime error: %s\n", s.ToString().c_str());
    std::abort();
  }
  if (s.ok()) (void)ferry::ToJson(out);
  bool b = false;
  (void)compiled.value()->EvaluateCondition(doc.value(), arena, &b);
  return 0;
}
