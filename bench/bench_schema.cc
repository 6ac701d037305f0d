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
