// Copyright (c) the Ferry authors.
//
// Micro-benchmarks of Ferry's JSON document model (parse, write, both,
// DeepCopy) over workout documents, one document at a time.
//
// Input: the JSON Lines file named by $FERRY_BENCH_JSONL, e.g.
//   python3 ../shared/peers/gen_workouts.py 20000 /tmp/w20k.jsonl
//   FERRY_BENCH_JSONL=/tmp/w20k.jsonl bench_json
// or, when unset, the two workout documents of the fuzz seed corpus
// (tests/fuzz/corpus/json/workouts_*.json). The comparison against other
// libraries is bench/json_candidates.cc; figures are in bench/RESULTS.md.

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <benchmark/benchmark.h>

#include "ferry/json.h"

namespace {

// All lines of the input, each followed by JsonParser::kPadding bytes in one
// buffer (so ParsePadded can be used on every line).
struct Corpus {
  std::string buffer;
  std::vector<std::string_view> lines;
  size_t bytes = 0;
};

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

const Corpus& GetCorpus() {
  static const Corpus corpus = [] {
    std::string text;
    if (const char* env = std::getenv("FERRY_BENCH_JSONL")) {
      text = ReadAll(env);
    } else {
      for (const char* f : {"workouts_strength.json", "workouts_conditioning.json"}) {
        text += ReadAll(std::string(FERRY_SOURCE_DIR) + "/tests/fuzz/corpus/json/" + f);
      }
    }
    Corpus c;
    c.buffer = text;
    c.buffer.append(ferry::JsonParser::kPadding, '\0');
    for (size_t pos = 0; pos < text.size();) {
      size_t nl = text.find('\n', pos);
      if (nl == std::string::npos) nl = text.size();
      if (nl > pos) {
        c.lines.emplace_back(c.buffer.data() + pos, nl - pos);
        c.bytes += nl - pos;
      }
      pos = nl + 1;
    }
    return c;
  }();
  return corpus;
}

void SetCounters(benchmark::State& state, const Corpus& c) {
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(c.bytes));
  state.counters["docs/s"] =
      benchmark::Counter(double(state.iterations()) * double(c.lines.size()), benchmark::Counter::kIsRate);
}

void BM_Parse(benchmark::State& state) {
  const Corpus& c = GetCorpus();
  if (c.lines.empty()) return state.SkipWithError("no input");
  ferry::JsonParser parser;
  ferry::Arena arena;
  for (auto _ : state) {
    for (std::string_view line : c.lines) {
      arena.Reset();
      ferry::Result<ferry::Value> r = parser.ParsePadded(line, arena);
      if (!r.ok()) return state.SkipWithError(r.status().ToString().c_str());
      benchmark::DoNotOptimize(r.value());
    }
  }
  SetCounters(state, c);
}
BENCHMARK(BM_Parse);

void BM_ParseCopying(benchmark::State& state) {
  const Corpus& c = GetCorpus();
  if (c.lines.empty()) return state.SkipWithError("no input");
  ferry::JsonParser parser;
  ferry::Arena arena;
  for (auto _ : state) {
    for (std::string_view line : c.lines) {
      arena.Reset();
      ferry::Result<ferry::Value> r = parser.Parse(line, arena);
      if (!r.ok()) return state.SkipWithError(r.status().ToString().c_str());
      benchmark::DoNotOptimize(r.value());
    }
  }
  SetCounters(state, c);
}
BENCHMARK(BM_ParseCopying);

void BM_Write(benchmark::State& state) {
  const Corpus& c = GetCorpus();
  if (c.lines.empty()) return state.SkipWithError("no input");
  ferry::JsonParser parser;
  ferry::Arena arena(1 << 20);
  std::vector<ferry::Value> docs;
  for (std::string_view line : c.lines) {
    ferry::Result<ferry::Value> r = parser.ParsePadded(line, arena);
    if (!r.ok()) return state.SkipWithError(r.status().ToString().c_str());
    docs.push_back(r.value());
  }
  std::string out;
  for (auto _ : state) {
    for (const ferry::Value& v : docs) {
      out.clear();
      ferry::WriteJson(v, &out);
      benchmark::DoNotOptimize(out.data());
    }
  }
  SetCounters(state, c);
}
BENCHMARK(BM_Write);

// The json_candidates workload: parse, write, append '\n', flush per MiB.
void BM_ParseWrite(benchmark::State& state) {
  const Corpus& c = GetCorpus();
  if (c.lines.empty()) return state.SkipWithError("no input");
  ferry::JsonParser parser;
  ferry::Arena arena;
  std::string out;
  out.reserve(2 << 20);
  for (auto _ : state) {
    for (std::string_view line : c.lines) {
      arena.Reset();
      ferry::Result<ferry::Value> r = parser.ParsePadded(line, arena);
      if (!r.ok()) return state.SkipWithError(r.status().ToString().c_str());
      ferry::WriteJson(r.value(), &out);
      out.push_back('\n');
      if (out.size() >= (1 << 20)) {
        benchmark::DoNotOptimize(out.data());
        out.clear();
      }
    }
  }
  SetCounters(state, c);
}
BENCHMARK(BM_ParseWrite);

void BM_DeepCopy(benchmark::State& state) {
  const Corpus& c = GetCorpus();
  if (c.lines.empty()) return state.SkipWithError("no input");
  ferry::JsonParser parser;
  ferry::Arena arena(1 << 20);
  std::vector<ferry::Value> docs;
  for (std::string_view line : c.lines) {
    ferry::Result<ferry::Value> r = parser.ParsePadded(line, arena);
    if (!r.ok()) return state.SkipWithError(r.status().ToString().c_str());
    docs.push_back(r.value());
  }
  ferry::Arena copies;
  for (auto _ : state) {
    for (const ferry::Value& v : docs) {
      copies.Reset();
      benchmark::DoNotOptimize(v.DeepCopy(copies));
    }
  }
  SetCounters(state, c);
}
BENCHMARK(BM_DeepCopy);

}  // namespace

BENCHMARK_MAIN();
