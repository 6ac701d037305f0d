// Copyright (c) the Ferry authors.
//
// ns per workouts document for the strength migration of
// shared/examples/workouts/SPEC.md (the step list of
// tests/unit/transform/workouts_steps_test.cc).
//
//   BM_ParseWrite            baseline: parse + write, no transform
//   BM_ParseTransformWrite   parse + forward + write (+ complement write)
//   BM_TransformOnly         forward on a fresh copy, minus the copy
//   BM_ForwardBackward       forward then backward with the complement

#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "ferry/json.h"
#include "ferry/transform.h"

namespace {

const char* kStrength = R"J([
  {"keep": {"fields": ["id", "name", "exercises", "warmupDuration", "cooldownDuration", "restBetweenExercises", "created_at"]}},
  {"rename": {"from": "created_at", "to": "createdAt"}},
  {"datetime": {"field": "createdAt", "from": ["epoch", "sql"], "to": "iso8601"}},
  {"add": {"field": "type", "value": "strength"}},
  {"add": {"field": "schemaVersion", "value": "unified-1"}},
  {"map": {"field": "exercises", "steps": [
    {"keep": {"fields": ["exerciseId", "name", "sets", "reps", "weight", "restSeconds"]}},
    {"add": {"field": "kind", "value": "exercise"}},
    {"add": {"field": "name", "value": null}},
    {"wrap": {"field": "weight", "into": "load", "with": {"unit": "kg"}, "only": "number"}},
    {"add": {"field": "restSeconds", "value": null}}]}},
  {"rename": {"from": "exercises", "to": "blocks"}},
  {"wrap": {"field": "warmupDuration", "into": "warmup", "as": "duration"}},
  {"wrap": {"field": "cooldownDuration", "into": "cooldown", "as": "duration"}},
  {"rename": {"from": "restBetweenExercises", "to": "restBetweenBlocks"}},
  {"plunge": {"host": "content", "fields": ["blocks", "warmup", "cooldown", "restBetweenBlocks"]}}
])J";

// A typical legacy strength document (~600 bytes): five exercises, an epoch
// date, one dropped key.
const char* kDoc =
    R"J({"id":"w-000123","name":"Upper body strength A","exercises":[)J"
    R"J({"exerciseId":"ex-bench-press","name":"Bench press","sets":4,"reps":8,"weight":72.5,"restSeconds":90},)J"
    R"J({"exerciseId":"ex-row","name":"Barbell row","sets":4,"reps":10,"weight":60,"restSeconds":90},)J"
    R"J({"exerciseId":"ex-ohp","sets":3,"reps":8,"weight":40,"restSeconds":60},)J"
    R"J({"exerciseId":"ex-pullup","name":"Pull-up","sets":3,"reps":6,"weight":"bodyweight"},)J"
    R"J({"exerciseId":"ex-curl","name":"Curl","sets":3,"reps":12,"weight":12.5,"restSeconds":45}],)J"
    R"J("warmupDuration":600,"cooldownDuration":300,"restBetweenExercises":120,"created_at":1567509936,)J"
    R"J("coachNotes":"Focus on form"})J";

std::shared_ptr<const ferry::StepList> Steps() {
  static std::shared_ptr<const ferry::StepList> steps = [] {
    ferry::Arena arena;
    ferry::JsonParser parser;
    auto spec = parser.Parse(kStrength, arena);
    if (!spec.ok()) std::abort();
    auto compiled = ferry::CompileSteps(spec.value());
    if (!compiled.ok()) {
      std::fprintf(stderr, "%s\n", compiled.status().ToString().c_str());
      std::abort();
    }
    return compiled.value();
  }();
  return steps;
}

std::string Padded() {
  std::string text(kDoc);
  text.append(ferry::JsonParser::kPadding, ' ');
  return text;
}

void SetCounters(benchmark::State& state) {
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(std::string_view(kDoc).size()));
  state.counters["ns/doc"] =
      benchmark::Counter(double(state.iterations()), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

void BM_ParseWrite(benchmark::State& state) {
  std::string text = Padded();
  std::string_view view(text.data(), std::string_view(kDoc).size());
  ferry::Arena arena;
  ferry::JsonParser parser;
  std::string out;
  for (auto _ : state) {
    arena.Reset();
    out.clear();
    auto doc = parser.ParsePadded(view, arena);
    ferry::WriteJson(doc.value(), &out);
    benchmark::DoNotOptimize(out.data());
  }
  SetCounters(state);
}
BENCHMARK(BM_ParseWrite);

void BM_ParseTransformWrite(benchmark::State& state) {
  auto steps = Steps();
  std::string text = Padded();
  std::string_view view(text.data(), std::string_view(kDoc).size());
  ferry::Arena arena;
  ferry::JsonParser parser;
  ferry::StepContext ctx(arena);
  std::string out;
  for (auto _ : state) {
    arena.Reset();
    ctx.Reset(arena);
    out.clear();
    auto doc = parser.ParsePadded(view, arena);
    ferry::Value comp;
    if (!steps->ApplyForward(doc.value(), ctx, &comp).ok()) std::abort();
    ferry::WriteJson(doc.value(), &out);
    if (!ferry::IsEmptyComplement(comp)) ferry::WriteJson(comp, &out);
    benchmark::DoNotOptimize(out.data());
  }
  SetCounters(state);
}
BENCHMARK(BM_ParseTransformWrite);

void BM_TransformOnly(benchmark::State& state) {
  auto steps = Steps();
  ferry::Arena base_arena;
  ferry::JsonParser parser;
  ferry::Value base = parser.Parse(kDoc, base_arena).value();
  ferry::Arena arena;
  ferry::StepContext ctx(arena);
  for (auto _ : state) {
    state.PauseTiming();
    arena.Reset();
    ctx.Reset(arena);
    ferry::Value doc = base.DeepCopy(arena);
    state.ResumeTiming();
    ferry::Value comp;
    if (!steps->ApplyForward(doc, ctx, &comp).ok()) std::abort();
    benchmark::DoNotOptimize(comp);
  }
  SetCounters(state);
}
BENCHMARK(BM_TransformOnly);

void BM_ForwardBackward(benchmark::State& state) {
  auto steps = Steps();
  std::string text = Padded();
  std::string_view view(text.data(), std::string_view(kDoc).size());
  ferry::Arena arena;
  ferry::JsonParser parser;
  ferry::StepContext ctx(arena);
  for (auto _ : state) {
    arena.Reset();
    ctx.Reset(arena);
    auto doc = parser.ParsePadded(view, arena);
    ferry::Value comp;
    if (!steps->ApplyForward(doc.value(), ctx, &comp).ok()) std::abort();
    if (!steps->ApplyBackward(doc.value(), comp, ctx).ok()) std::abort();
    benchmark::DoNotOptimize(doc.value());
  }
  SetCounters(state);
}
BENCHMARK(BM_ForwardBackward);

}  // namespace

BENCHMARK_MAIN();
