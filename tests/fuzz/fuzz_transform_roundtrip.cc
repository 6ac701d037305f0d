// Copyright (c) the Ferry authors.
//
// Round-trip fuzz target for the transform steps: the input bytes drive the
// choices of a random document and a random step list (the generator of
// tests/unit/transform/roundtrip_generator.h). Checks, for every input:
//  - the generated step list compiles;
//  - forward either succeeds or fails with MIGRATION_ERROR;
//  - on success, backward(forward(d), complement) succeeds and writes the
//    very bytes of d, also when output and complement went through JSON
//    text (as the engine stores them).
// A failed check prints the reason and aborts, so libFuzzer saves the input.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "ferry/json.h"
#include "ferry/transform.h"
#include "unit/transform/roundtrip_generator.h"

namespace {

[[noreturn]] void Fail(const char* what, const std::string& steps, const std::string& doc, const std::string& detail) {
  std::fprintf(stderr, "fuzz_transform_roundtrip: %s\nsteps %s\ndoc %s\n%s\n", what, steps.c_str(), doc.c_str(),
               detail.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ferry::test::Chooser c(data, size);
  std::string steps_json = "[";
  for (size_t k = 0, n = 1 + c.Below(4); k < n; ++k) {
    if (k) steps_json += ",";
    steps_json += ferry::test::GenStep(c, c.Pick(ferry::test::StepKindNames()), 2);
  }
  steps_json += "]";
  std::string doc_json = ferry::test::GenDoc(c);

  ferry::Arena arena;
  ferry::JsonParser parser;
  auto spec = parser.Parse(steps_json, arena);
  if (!spec.ok()) Fail("generated steps do not parse", steps_json, doc_json, spec.status().ToString());
  auto steps = ferry::CompileSteps(spec.value());
  if (!steps.ok()) Fail("generated steps do not compile", steps_json, doc_json, steps.status().ToString());
  auto parsed = parser.Parse(doc_json, arena);
  if (!parsed.ok()) Fail("generated document does not parse", steps_json, doc_json, parsed.status().ToString());
  const std::string original = ferry::ToJson(parsed.value());

  ferry::Value doc = parsed.value().DeepCopy(arena);
  ferry::StepContext ctx(arena);
  ferry::Value complement;
  ferry::Status s = steps.value()->ApplyForward(doc, ctx, &complement);
  if (!s.ok()) {
    if (s.code() != ferry::ErrorCode::kMigrationError) Fail("forward failed oddly", steps_json, original, s.ToString());
    return 0;
  }
  const std::string out = ferry::ToJson(doc);
  const std::string comp = ferry::ToJson(complement);

  // In memory.
  s = steps.value()->ApplyBackward(doc, complement, ctx);
  if (!s.ok()) Fail("backward failed", steps_json, original, s.ToString() + "\nout " + out + "\ncomp " + comp);
  if (ferry::ToJson(doc) != original) Fail("not restored", steps_json, original, "got " + ferry::ToJson(doc));

  // Through text.
  auto out2 = parser.Parse(out, arena);
  auto comp2 = parser.Parse(comp, arena);
  if (!out2.ok() || !comp2.ok()) Fail("output does not reparse", steps_json, original, out + "\n" + comp);
  ferry::Value doc2 = out2.value();
  s = steps.value()->ApplyBackward(doc2, comp2.value(), ctx);
  if (!s.ok() || ferry::ToJson(doc2) != original) {
    Fail("not restored from text", steps_json, original, s.ToString() + " got " + ferry::ToJson(doc2));
  }
  return 0;
}
