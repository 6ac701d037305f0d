// Copyright (c) the Ferry authors.
// Helpers shared by the transform tests.
#ifndef FERRY_TESTS_UNIT_TRANSFORM_TRANSFORM_TEST_UTIL_H_
#define FERRY_TESTS_UNIT_TRANSFORM_TRANSFORM_TEST_UTIL_H_

#include <memory>
#include <string>
#include <string_view>

#include "ferry/json.h"
#include "ferry/transform.h"
#include "util/test_util.h"

namespace ferry::test {

// Compiles a JSON step list, failing the test on error.
inline std::shared_ptr<const StepList> MustCompile(std::string_view json, const FunctionRegistry* functions = nullptr) {
  Arena arena;
  Value spec = ParseJson(json, arena);
  static const FunctionRegistry kEmpty;
  auto r = CompileSteps(spec, functions ? *functions : kEmpty);
  EXPECT_TRUE(r.ok()) << r.status().ToString() << " in " << json;
  return r.ok() ? r.value() : nullptr;
}

// The compile error message of `json` ("" when it compiles).
inline std::string CompileError(std::string_view json) {
  Arena arena;
  Value spec = ParseJson(json, arena);
  auto r = CompileSteps(spec);
  return r.ok() ? std::string() : r.status().message();
}

// Result of one forward + backward run.
struct RunResult {
  Status forward;
  std::string output;      // ToJson after forward
  std::string complement;  // ToJson of the complement ("null" when empty)
  Status backward;
  std::string restored;    // ToJson after backward
  bool equals = false;     // restored Equals original
};

inline RunResult Run(const StepList& steps, std::string_view input) {
  Arena arena;
  RunResult r;
  Value original = ParseJson(input, arena);
  Value doc = original.DeepCopy(arena);
  StepContext ctx(arena);
  Value comp;
  r.forward = steps.ApplyForward(doc, ctx, &comp);
  if (!r.forward.ok()) return r;
  r.output = ToJson(doc);
  r.complement = ToJson(comp);
  // Backward works from a re-parsed copy, as the engine would after storing.
  Value out2 = ParseJson(r.output, arena);
  Value comp2 = ParseJson(r.complement, arena);
  r.backward = steps.ApplyBackward(out2, comp2, ctx);
  if (!r.backward.ok()) return r;
  r.restored = ToJson(out2);
  r.equals = out2.Equals(original);
  return r;
}

}  // namespace ferry::test

#endif  // FERRY_TESTS_UNIT_TRANSFORM_TRANSFORM_TEST_UTIL_H_
