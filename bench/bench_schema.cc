// Copyright (c) the Ferry authors.
//
// Cost of validating one workouts-like document (~580 bytes, strength
// version) against examples/workouts/schemas/strength.json:
//
//   BM_FerryIsValid          compiled schema, fast path (no errors kept)
//   BM_FerryValidate         compiled schema, error-collecting path
//   BM_FerryValidateInvalid  error-collecting path on a document with 2 errors
//   BM_ValijsonValidate      baseline: valijson 1.0 + nlohmann adapter, schema
//                            parsed once, document already parsed
//   BM_FerryParseAndIsValid  parse + validate, for scale
//
// Drafts (the same document, IsValid and Validate), with the exercise
// schema closed (it lists every member the document has):
//   .../draft07_additional   draft-07, exercise "additionalProperties": false
//   .../2020_unevaluated     2020-12 ("$defs"), exercise
//                            "unevaluatedProperties": false (resolved at
//                            compile time: only local properties)
//   .../2020_unevaluated_root  as above, plus "unevaluatedProperties": false
//                            at the root, whose properties are all inside
//                            "allOf" (annotations collected at run time)
//
// Parsing is outside the loop everywhere except the last: these measure
// validation alone, per document.

#include <string>
#include <vector>

#include <benchmark/benchmark.h>
// valijson aborts on errors unless told to throw.
#define VALIJSON_USE_EXCEPTIONS 1
#include <nlohmann/json.hpp>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validator.hpp>

#include <fstream>
#include <sstream>

#include "ferry/json.h"
#include "ferry/schema.h"

namespace {

// 580 bytes.
const char kDocument[] =
    R"({"id":"w-000123","name":"Upper body strength A","created_at":"2019-09-03 11:05:36",)"
    R"("coachNotes":"Keep the bar path vertical; film the last set.",)"
    R"("exercises":[{"exerciseId":"bench-press","name":"Bench press","sets":4,"reps":8,"weight":67.5,"restSeconds":90},)"
    R"({"exerciseId":"barbell-row","name":"Barbell row","sets":4,"reps":10,"weight":60,"restSeconds":90},)"
    R"({"exerciseId":"overhead-press","name":"Overhead press","sets":3,"reps":10,"weight":40,"restSeconds":120},)"
    R"({"exerciseId":"pull-up","name":"Pull-up","sets":3,"reps":8,"restSeconds":120}],)"
    R"("warmupDuration":600,"cooldownDuration":300,"restBetweenExercises":120})";

const char kInvalidDocument[] =
    R"({"id":"w-000123","name":"Upper body strength A","created_at":"2019-09-03 11:05:36",)"
    R"("coachNotes":"Keep the bar path vertical; film the last set.",)"
    R"("exercises":[{"exerciseId":"bench-press","name":"Bench press","sets":4,"reps":8,"weight":67.5,"restSeconds":90},)"
    R"({"exerciseId":"barbell-row","name":"Barbell row","sets":"4","reps":10,"weight":60,"restSeconds":90},)"
    R"({"exerciseId":"overhead-press","name":"Overhead press","sets":3,"reps":10,"weight":40,"restSeconds":120},)"
    R"({"exerciseId":"pull-up","name":"Pull-up","sets":3,"reps":8,"restSeconds":120}],)"
    R"("warmupDuration":600,"cooldownDuration":300,"restBetweenExercises":"120"})";

std::string SchemaText() {
  std::ifstream in(std::string(FERRY_SOURCE_DIR) + "/examples/workouts/schemas/strength.json");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::shared_ptr<const ferry::CompiledSchema> FerrySchema() {
  auto r = ferry::CompileSchemaJson(SchemaText());
  if (!r.ok()) std::abort();
  return r.value();
}

void BM_FerryIsValid(benchmark::State& state) {
  auto schema = FerrySchema();
  ferry::Arena arena;
  ferry::JsonParser parser;
  ferry::Value doc = parser.Parse(kDocument, arena).value();
  for (auto _ : state) {
    benchmark::DoNotOptimize(schema->IsValid(doc));
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(sizeof(kDocument) - 1));
}
BENCHMARK(BM_FerryIsValid);

void BM_FerryValidate(benchmark::State& state) {
  auto schema = FerrySchema();
  ferry::Arena arena;
  ferry::JsonParser parser;
  ferry::Value doc = parser.Parse(kDocument, arena).value();
  std::vector<ferry::SchemaError> errors;
  for (auto _ : state) {
    errors.clear();
    benchmark::DoNotOptimize(schema->Validate(doc, &errors, 10));
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(sizeof(kDocument) - 1));
}
BENCHMARK(BM_FerryValidate);

void BM_FerryValidateInvalid(benchmark::State& state) {
  auto schema = FerrySchema();
  ferry::Arena arena;
  ferry::JsonParser parser;
  ferry::Value doc = parser.Parse(kInvalidDocument, arena).value();
  std::vector<ferry::SchemaError> errors;
  for (auto _ : state) {
    errors.clear();
    benchmark::DoNotOptimize(schema->Validate(doc, &errors, 10));
  }
  if (errors.size() != 2) state.SkipWithError("expected 2 errors");
}
BENCHMARK(BM_FerryValidateInvalid);

void BM_FerryParseAndIsValid(benchmark::State& state) {
  auto schema = FerrySchema();
  ferry::Arena arena;
  ferry::JsonParser parser;
  for (auto _ : state) {
    arena.Reset();
    ferry::Value doc = parser.Parse(kDocument, arena).value();
    benchmark::DoNotOptimize(schema->IsValid(doc));
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(sizeof(kDocument) - 1));
}
BENCHMARK(BM_FerryParseAndIsValid);

// strength.json with the exercise schema closed, in draft-07 or 2020-12.
enum class Closed { kDraft07Additional, k2020Unevaluated, k2020UnevaluatedRoot };

std::string ClosedSchemaText(Closed kind) {
  nlohmann::json s = nlohmann::json::parse(SchemaText());
  nlohmann::json& exercise = s["definitions"]["exercise"];
  exercise["properties"]["name"] = {{"type", "string"}};
  exercise["properties"]["weight"] = {{"type", "number"}};
  exercise["properties"]["restSeconds"] = {{"type", "integer"}};
  if (kind == Closed::kDraft07Additional) {
    exercise["additionalProperties"] = false;
    return s.dump();
  }
  exercise["unevaluatedProperties"] = false;
  s["$schema"] = "https://json-schema.org/draft/2020-12/schema";
  s["$defs"] = s["definitions"];
  s.erase("definitions");
  for (nlohmann::json& rule : s["allOf"]) {
    if (rule["properties"].contains("exercises")) rule["properties"]["exercises"]["items"]["$ref"] = "#/$defs/exercise";
  }
  if (kind == Closed::k2020UnevaluatedRoot) {
    s["allOf"].push_back({{"properties", {{"coachNotes", {{"type", "string"}}}}}});
    s["unevaluatedProperties"] = false;
  }
  return s.dump();
}

void BM_FerryIsValidClosed(benchmark::State& state, Closed kind) {
  auto compiled = ferry::CompileSchemaJson(ClosedSchemaText(kind));
  if (!compiled.ok()) std::abort();
  ferry::Arena arena;
  ferry::JsonParser parser;
  ferry::Value doc = parser.Parse(kDocument, arena).value();
  if (!compiled.value()->IsValid(doc)) state.SkipWithError("the document must be valid");
  for (auto _ : state) {
    benchmark::DoNotOptimize(compiled.value()->IsValid(doc));
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(sizeof(kDocument) - 1));
}
BENCHMARK_CAPTURE(BM_FerryIsValidClosed, draft07_additional, Closed::kDraft07Additional);
BENCHMARK_CAPTURE(BM_FerryIsValidClosed, 2020_unevaluated, Closed::k2020Unevaluated);
BENCHMARK_CAPTURE(BM_FerryIsValidClosed, 2020_unevaluated_root, Closed::k2020UnevaluatedRoot);

void BM_FerryValidateClosed(benchmark::State& state, Closed kind) {
  auto compiled = ferry::CompileSchemaJson(ClosedSchemaText(kind));
  if (!compiled.ok()) std::abort();
  ferry::Arena arena;
  ferry::JsonParser parser;
  ferry::Value doc = parser.Parse(kDocument, arena).value();
  std::vector<ferry::SchemaError> errors;
  for (auto _ : state) {
    errors.clear();
    benchmark::DoNotOptimize(compiled.value()->Validate(doc, &errors, 10));
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(sizeof(kDocument) - 1));
}
BENCHMARK_CAPTURE(BM_FerryValidateClosed, draft07_additional, Closed::kDraft07Additional);
BENCHMARK_CAPTURE(BM_FerryValidateClosed, 2020_unevaluated, Closed::k2020Unevaluated);
BENCHMARK_CAPTURE(BM_FerryValidateClosed, 2020_unevaluated_root, Closed::k2020UnevaluatedRoot);

void BM_ValijsonValidate(benchmark::State& state) {
  nlohmann::json schema_json = nlohmann::json::parse(SchemaText());
  valijson::Schema schema;
  valijson::SchemaParser schema_parser(valijson::SchemaParser::kDraft7);
  valijson::adapters::NlohmannJsonAdapter schema_adapter(schema_json);
  schema_parser.populateSchema(schema_adapter, schema);
  nlohmann::json doc = nlohmann::json::parse(kDocument);
  valijson::Validator validator;
  for (auto _ : state) {
    valijson::adapters::NlohmannJsonAdapter target(doc);
    benchmark::DoNotOptimize(validator.validate(schema, target, nullptr));
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(sizeof(kDocument) - 1));
}
BENCHMARK(BM_ValijsonValidate);

}  // namespace

BENCHMARK_MAIN();
