// Copyright (c) the Ferry authors.
//
// Unit tests of the workouts test-data generator (include/ferry/generate.h).
// The reference migration itself (the Node.js peer) is run by
// generator_oracle_test.cc; here an in-test C++ copy of SPEC section 1's
// rules checks that every malformed document is rejected for the reason the
// expected-rejects file gives, and every other document is accepted.

#include "ferry/generate.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "ferry/json.h"
#include "util/test_util.h"

namespace ferry {
namespace {

constexpr WorkoutsScenario kAllScenarios[] = {
    WorkoutsScenario::kAllValid, WorkoutsScenario::kMixed, WorkoutsScenario::kMalformed,
    WorkoutsScenario::kLarge, WorkoutsScenario::kAlreadyMigrated};

std::vector<std::string_view> SplitLines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) nl = text.size();
    lines.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  return lines;
}

bool IsInt(const Value* v) { return v != nullptr && v->IsNumber() && v->IsIntegral(); }
bool IsStr(const Value* v) { return v != nullptr && v->IsString(); }
bool IsArr(const Value* v) { return v != nullptr && v->IsArray(); }
bool IsObj(const Value* v) { return v != nullptr && v->IsObject(); }
bool StrIs(const Value* v, std::string_view s) { return IsStr(v) && v->AsString() == s; }

bool ExerciseOk(const Value& x) {
  return x.IsObject() && IsStr(x.Find("exerciseId")) && IsInt(x.Find("sets")) &&
         IsInt(x.Find("reps"));
}
bool IntervalOk(const Value& x) {
  return x.IsObject() && (StrIs(x.Find("type"), "work") || StrIs(x.Find("type"), "rest")) &&
         IsInt(x.Find("duration"));
}
bool BlockOk(const Value& x) {
  if (!x.IsObject()) return false;
  const Value* kind = x.Find("kind");
  if (StrIs(kind, "exercise")) return ExerciseOk(x);
  if (StrIs(kind, "interval")) return IntervalOk(x);
  if (StrIs(kind, "transition")) return IsInt(x.Find("duration"));
  return false;
}
bool PhaseOk(const Value& x) {
  return x.IsObject() && IsStr(x.Find("name")) && IsInt(x.Find("duration")) &&
         IsArr(x.Find("drills"));
}
template <typename Pred>
bool NonEmptyAll(const Value* arr, Pred pred) {
  if (!IsArr(arr) || arr->empty()) return false;
  return std::all_of(arr->begin(), arr->end(), pred);
}

// SPEC section 1, first failing rule wins: the peers' reason code, or "" when
// the document is accepted.
std::string_view Validate(const Value& d) {
  if (!d.IsObject() || !IsStr(d.Find("id")) || d.Find("id")->AsString().empty()) return "bad_id";
  if (!IsStr(d.Find("name"))) return "bad_name";
  std::string_view type;
  for (std::string_view key : {"schemaVersion", "exercises", "intervals", "blocks", "phases"}) {
    if (d.Has(key)) {
      type = key;
      break;
    }
  }
  if (type.empty()) return "unknown_type";
  if (type == "schemaVersion") {
    if (!IsStr(d.Find("createdAt"))) return "bad_created_at";
    const Value* t = d.Find("type");
    const bool type_ok = StrIs(t, "strength") || StrIs(t, "conditioning") ||
                         StrIs(t, "hybrid") || StrIs(t, "agility");
    const Value* content = d.Find("content");
    if (!StrIs(d.Find("schemaVersion"), "unified-1") || !type_ok || !IsObj(content) ||
        !IsArr(content->Find("blocks"))) {
      return "bad_unified";
    }
    return "";
  }
  const Value* ca = d.Find("created_at");
  if (!IsStr(ca) && !IsInt(ca)) return "bad_created_at";
  if (type == "exercises") {
    if (!NonEmptyAll(d.Find("exercises"), ExerciseOk)) return "bad_exercise";
    if (!IsInt(d.Find("warmupDuration")) || !IsInt(d.Find("cooldownDuration")) ||
        !IsInt(d.Find("restBetweenExercises"))) {
      return "bad_settings";
    }
  } else if (type == "intervals") {
    if (!NonEmptyAll(d.Find("intervals"), IntervalOk)) return "bad_interval";
    if (!IsStr(d.Find("equipment")) || !IsInt(d.Find("totalDuration"))) return "bad_settings";
  } else if (type == "blocks") {
    if (!NonEmptyAll(d.Find("blocks"), BlockOk)) return "bad_block";
    if (!IsInt(d.Find("transitionTime"))) return "bad_settings";
  } else {
    if (!NonEmptyAll(d.Find("phases"), PhaseOk)) return "bad_phase";
    if (!IsArr(d.Find("focusAreas"))) return "bad_settings";
  }
  return "";
}

bool IsIsoUtc(std::string_view s) {
  // YYYY-MM-DDTHH:MM:SSZ
  if (s.size() != 20) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    switch (i) {
      case 4: case 7: if (c != '-') return false; break;
      case 10: if (c != 'T') return false; break;
      case 13: case 16: if (c != ':') return false; break;
      case 19: if (c != 'Z') return false; break;
      default: if (c < '0' || c > '9') return false;
    }
  }
  return true;
}

struct Generated {
  std::string out;
  std::string rejects;
  GenerateStats stats;
};

class WorkoutsGeneratorTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = test::NewTempDir("workouts_generator_test"); }

  // Removes the temp dir unless the test failed (then it is kept to inspect).
  void TearDown() override {
    if (!dir_.empty() && !HasFailure()) std::filesystem::remove_all(dir_);
  }

  Generated Generate(uint64_t count, uint64_t seed, WorkoutsScenario scenario) {
    GenerateOptions options;
    options.count = count;
    options.seed = seed;
    options.scenario = scenario;
    const std::string out = dir_ + "/out.jsonl";
    const std::string rej = dir_ + "/rejects.jsonl";
    Generated g;
    Status s = GenerateWorkouts(options, out, rej, &g.stats);
    EXPECT_TRUE(s.ok()) << s.ToString();
    g.out = test::ReadFile(out);
    g.rejects = test::ReadFile(rej);
    return g;
  }

  std::string dir_;
};

TEST_F(WorkoutsGeneratorTest, ScenarioNamesRoundTrip) {
  for (WorkoutsScenario scenario : kAllScenarios) {
    Result<WorkoutsScenario> parsed = ParseWorkoutsScenario(WorkoutsScenarioName(scenario));
    ASSERT_TRUE(parsed.ok()) << WorkoutsScenarioName(scenario);
    EXPECT_EQ(parsed.value(), scenario);
  }
  EXPECT_EQ(WorkoutsScenarioName(WorkoutsScenario::kAlreadyMigrated), "already-migrated");
  EXPECT_EQ(GenerateOptions().scenario, WorkoutsScenario::kMixed);
}

TEST_F(WorkoutsGeneratorTest, UnknownScenarioIsInvalidArgument) {
  for (std::string_view bad : {"", "Mixed", "all_valid", "bogus"}) {
    Result<WorkoutsScenario> parsed = ParseWorkoutsScenario(bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_TRUE(parsed.status().IsInvalidArgument());
    EXPECT_NE(parsed.status().message().find("already-migrated"), std::string::npos);
  }
}

TEST_F(WorkoutsGeneratorTest, SameSeedIsByteIdentical) {
  for (WorkoutsScenario scenario : kAllScenarios) {
    SCOPED_TRACE(WorkoutsScenarioName(scenario));
    Generated a = Generate(500, 42, scenario);
    Generated b = Generate(500, 42, scenario);
    EXPECT_EQ(a.out, b.out);
    EXPECT_EQ(a.rejects, b.rejects);
    Generated c = Generate(500, 43, scenario);
    EXPECT_NE(a.out, c.out);
  }
}

TEST_F(WorkoutsGeneratorTest, ShorterRunIsAPrefix) {
  Generated small = Generate(300, 9, WorkoutsScenario::kMixed);
  Generated big = Generate(1000, 9, WorkoutsScenario::kMixed);
  EXPECT_EQ(big.out.compare(0, small.out.size(), small.out), 0);
  EXPECT_EQ(big.rejects.compare(0, small.rejects.size(), small.rejects), 0);
}

// Guards "the same bytes on every machine": the generator uses only integer
// arithmetic of fixed width. Update these only when the generator is changed
// on purpose (and say so in the change).
constexpr uint64_t kPinnedMixedHash = 0x7d85778cbea2fae9ULL;  // 2000 mixed, seed 7

TEST_F(WorkoutsGeneratorTest, OutputIsPinned) {
  auto fnv1a = [](std::string_view s) {
    uint64_t h = 0xcbf29ce484222325ULL;
    for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ULL;
    return h;
  };
  Generated g = Generate(2000, 7, WorkoutsScenario::kMixed);
  EXPECT_EQ(g.out.substr(0, g.out.find('\n')),
            R"({"id":"wk-00000001","name":"Circuit \"Hell Week\" Primer E11","exercises":[)"
            R"({"exerciseId":"ex-0004","name":"Romanian Deadlift","sets":4,"reps":5,)"
            R"("weight":113,"restSeconds":150},{"exerciseId":"ex-0029","name":"Box Jump",)"
            R"("sets":6,"reps":8,"restSeconds":120},{"exerciseId":"ex-0008","name":"Pull-Up",)"
            R"("sets":4,"reps":5,"restSeconds":45}],"warmupDuration":300,"cooldownDuration":300,)"
            R"("restBetweenExercises":120,"created_at":"2018-04-01 07:19:59",)"
            R"("coachNotes":"Keep RPE <= 8; film the top set."})");
  EXPECT_EQ(fnv1a(g.out), kPinnedMixedHash);
}

TEST_F(WorkoutsGeneratorTest, EveryLineParsesAndMatchesItsExpectedOutcome) {
  JsonParser parser;
  Arena arena;
  for (WorkoutsScenario scenario : kAllScenarios) {
    SCOPED_TRACE(WorkoutsScenarioName(scenario));
    const uint64_t count = scenario == WorkoutsScenario::kLarge ? 300 : 3000;
    Generated g = Generate(count, 5, scenario);
    ASSERT_FALSE(g.out.empty());
    EXPECT_EQ(g.out.back(), '\n');
    EXPECT_EQ(g.out.find('\r'), std::string::npos);
    EXPECT_EQ(g.stats.documents, count);
    EXPECT_EQ(g.stats.bytes, g.out.size());
    EXPECT_EQ(g.stats.strength + g.stats.conditioning + g.stats.hybrid + g.stats.agility +
                  g.stats.unified + g.stats.malformed,
              count);
    EXPECT_EQ(g.stats.expected_rejects, g.stats.malformed);

    std::vector<std::string_view> lines = SplitLines(g.out);
    std::vector<std::string_view> reject_lines = SplitLines(g.rejects);
    ASSERT_EQ(lines.size(), count);
    ASSERT_EQ(reject_lines.size(), g.stats.malformed);
    size_t next_reject = 0;
    for (std::string_view line : lines) {
      arena.Reset();
      Result<Value> doc = parser.Parse(line, arena);
      ASSERT_TRUE(doc.ok()) << doc.status().ToString() << " in " << line;
      // Compact: re-serialising gives the same bytes.
      ASSERT_EQ(ToJson(doc.value()), line);
      const std::string_view reason = Validate(doc.value());
      if (reason.empty()) continue;
      ASSERT_LT(next_reject, reject_lines.size()) << line;
      // The expected reject, in the peers' format.
      const Value* id = doc.value().IsObject() ? doc.value().Find("id") : nullptr;
      std::string want = "{\"id\":";
      if (IsStr(id) && !id->AsString().empty()) {
        WriteJsonString(id->AsString(), &want);
      } else {
        want += "null";
      }
      want += ",\"reason\":\"" + std::string(reason) + "\"}";
      EXPECT_EQ(reject_lines[next_reject++], want) << line;
    }
    EXPECT_EQ(next_reject, reject_lines.size());
  }
}

TEST_F(WorkoutsGeneratorTest, AllValidHasNoRejectsAndNoUnified) {
  Generated g = Generate(5000, 1, WorkoutsScenario::kAllValid);
  EXPECT_EQ(g.stats.malformed, 0u);
  EXPECT_EQ(g.stats.unified, 0u);
  EXPECT_EQ(g.stats.expected_rejects, 0u);
  EXPECT_TRUE(g.rejects.empty());
  EXPECT_EQ(g.out.find("schemaVersion"), std::string::npos);
  EXPECT_GT(g.stats.strength, 0u);
  EXPECT_GT(g.stats.conditioning, 0u);
  EXPECT_GT(g.stats.hybrid, 0u);
  EXPECT_GT(g.stats.agility, 0u);
}

TEST_F(WorkoutsGeneratorTest, AlreadyMigratedIsAllUnified) {
  Generated g = Generate(2000, 3, WorkoutsScenario::kAlreadyMigrated);
  EXPECT_EQ(g.stats.unified, 2000u);
  EXPECT_TRUE(g.rejects.empty());
  std::set<std::string> types;
  Arena arena;
  for (std::string_view line : SplitLines(g.out)) {
    arena.Reset();
    Value d = test::ParseJson(line, arena);
    ASSERT_TRUE(d.IsObject());
    ASSERT_EQ(d.size(), 6u) << line;
    const char* keys[] = {"id", "name", "type", "schemaVersion", "createdAt", "content"};
    for (size_t i = 0; i < 6; ++i) EXPECT_EQ(d.members()[i].key.AsString(), keys[i]);
    EXPECT_TRUE(StrIs(d.Find("schemaVersion"), "unified-1"));
    ASSERT_TRUE(IsStr(d.Find("createdAt")));
    EXPECT_TRUE(IsIsoUtc(d.Find("createdAt")->AsString())) << line;
    ASSERT_TRUE(IsObj(d.Find("content")));
    const Value* blocks = d.Find("content")->Find("blocks");
    ASSERT_TRUE(IsArr(blocks));
    EXPECT_FALSE(blocks->empty());
    types.insert(std::string(d.Find("type")->AsString()));
  }
  EXPECT_EQ(types, (std::set<std::string>{"agility", "conditioning", "hybrid", "strength"}));
}

TEST_F(WorkoutsGeneratorTest, AlreadyMigratedMirrorsAllValid) {
  // Line i of already-migrated(S) is the unified form of line i of
  // all-valid(S): same id, name, type and instant.
  Generated legacy = Generate(500, 17, WorkoutsScenario::kAllValid);
  Generated unified = Generate(500, 17, WorkoutsScenario::kAlreadyMigrated);
  std::vector<std::string_view> a = SplitLines(legacy.out);
  std::vector<std::string_view> b = SplitLines(unified.out);
  ASSERT_EQ(a.size(), b.size());
  Arena arena;
  for (size_t i = 0; i < a.size(); ++i) {
    arena.Reset();
    Value l = test::ParseJson(a[i], arena);
    Value u = test::ParseJson(b[i], arena);
    EXPECT_TRUE(l.Find("id")->Equals(*u.Find("id")));
    EXPECT_TRUE(l.Find("name")->Equals(*u.Find("name")));
    const char* type = l.Has("exercises")   ? "strength"
                       : l.Has("intervals") ? "conditioning"
                       : l.Has("blocks")    ? "hybrid"
                                            : "agility";
    EXPECT_TRUE(StrIs(u.Find("type"), type)) << b[i];
    const Value* ca = l.Find("created_at");
    if (ca->IsString() && ca->AsString().size() == 20) {
      EXPECT_TRUE(ca->Equals(*u.Find("createdAt")));
    }
  }
}

TEST_F(WorkoutsGeneratorTest, MalformedCoversEveryDefect) {
  constexpr uint64_t kCount = 64;
  Generated g = Generate(kCount, 11, WorkoutsScenario::kMalformed);
  EXPECT_EQ(g.stats.malformed, kCount);
  EXPECT_EQ(g.stats.expected_rejects, kCount);
  for (size_t d = 0; d < kWorkoutDefectCount; ++d) {
    EXPECT_EQ(g.stats.defects[d], kCount / kWorkoutDefectCount) << "defect " << d;
  }
  std::vector<std::string_view> rejects = SplitLines(g.rejects);
  ASSERT_EQ(rejects.size(), kCount);
  std::set<std::string_view> reasons;
  Arena arena;
  for (size_t i = 0; i < rejects.size(); ++i) {
    arena.Reset();
    Value r = test::ParseJson(rejects[i], arena);
    ASSERT_TRUE(IsStr(r.Find("reason")));
    const size_t defect = i % kWorkoutDefectCount;
    EXPECT_EQ(r.Find("reason")->AsString(), WorkoutDefectReason(defect)) << rejects[i];
    reasons.insert(WorkoutDefectReason(defect));
    // Defects 0 and 1 break the id itself.
    EXPECT_EQ(r.Find("id")->IsNull(), defect <= 1) << rejects[i];
  }
  // Every rule of SPEC section 1 is broken somewhere.
  EXPECT_EQ(reasons, (std::set<std::string_view>{"bad_id", "bad_name", "unknown_type",
                                                 "bad_created_at", "bad_exercise",
                                                 "bad_interval", "bad_block", "bad_phase",
                                                 "bad_unified", "bad_settings"}));
}

TEST_F(WorkoutsGeneratorTest, MixedHasThePeersProportions) {
  constexpr double kCount = 40000;
  Generated g = Generate(uint64_t(kCount), 7, WorkoutsScenario::kMixed);
  auto share = [&](uint64_t n) { return double(n) / kCount; };
  EXPECT_NEAR(share(g.stats.malformed), 0.01, 0.003);
  EXPECT_NEAR(share(g.stats.unified), 0.05, 0.006);
  // The 94% legacy split 33:25:20:16, i.e. 33/25/20/16% of all documents.
  EXPECT_NEAR(share(g.stats.strength), 0.33, 0.01);
  EXPECT_NEAR(share(g.stats.conditioning), 0.25, 0.01);
  EXPECT_NEAR(share(g.stats.hybrid), 0.20, 0.01);
  EXPECT_NEAR(share(g.stats.agility), 0.16, 0.01);
  for (size_t d = 0; d < kWorkoutDefectCount; ++d) EXPECT_GT(g.stats.defects[d], 0u) << d;

  // created_at forms among legacy documents: ~70% ISO, ~20% "date time",
  // ~10% epoch seconds.
  uint64_t iso = 0, spaced = 0, epoch = 0, legacy = 0, half_kg = 0;
  Arena arena;
  for (std::string_view line : SplitLines(g.out)) {
    arena.Reset();
    Value d = test::ParseJson(line, arena);
    const Value* ca = d.Find("created_at");
    if (d.Has("schemaVersion") || ca == nullptr) continue;
    ++legacy;
    if (IsInt(ca)) {
      ++epoch;
    } else if (IsStr(ca) && ca->AsString().size() == 19 && ca->AsString()[10] == ' ') {
      ++spaced;
    } else if (IsStr(ca) && IsIsoUtc(ca->AsString())) {
      ++iso;
    }
    if (line.find(".5,") != std::string_view::npos) ++half_kg;
  }
  EXPECT_NEAR(double(iso) / double(legacy), 0.70, 0.02);
  EXPECT_NEAR(double(spaced) / double(legacy), 0.20, 0.02);
  EXPECT_NEAR(double(epoch) / double(legacy), 0.10, 0.02);
  EXPECT_GT(half_kg, 0u);
  // Non-ASCII names (raw UTF-8, not \u escapes) and an escaped quote.
  EXPECT_NE(g.out.find("Hängendes Knieheben"), std::string::npos);
  EXPECT_NE(g.out.find("Sprint — 30/30"), std::string::npos);
  EXPECT_NE(g.out.find(R"(Circuit \"Hell Week\")"), std::string::npos);
  EXPECT_EQ(g.out.find("\\u"), std::string::npos);
}

TEST_F(WorkoutsGeneratorTest, LegacySizesAreInRange) {
  Generated g = Generate(20000, 2, WorkoutsScenario::kAllValid);
  const double mean = double(g.out.size()) / 20000;
  EXPECT_GE(mean, 500);
  EXPECT_LE(mean, 700);
  for (std::string_view line : SplitLines(g.out)) {
    EXPECT_GE(line.size(), 200u);
    EXPECT_LE(line.size(), 1200u);
  }
}

TEST_F(WorkoutsGeneratorTest, LargeDocsAreBigger) {
  Generated normal = Generate(1000, 4, WorkoutsScenario::kAllValid);
  Generated large = Generate(1000, 4, WorkoutsScenario::kLarge);
  EXPECT_EQ(large.stats.malformed + large.stats.unified, 0u);
  EXPECT_TRUE(large.rejects.empty());
  const double normal_mean = double(normal.out.size()) / 1000;
  const double large_mean = double(large.out.size()) / 1000;
  EXPECT_GT(large_mean, 5 * normal_mean);
  EXPECT_GT(large_mean, 2500);
  Arena arena;
  for (std::string_view line : SplitLines(large.out)) {
    EXPECT_GT(line.size(), 1000u);
    arena.Reset();
    Value d = test::ParseJson(line, arena);
    for (const char* key : {"exercises", "intervals", "blocks", "phases"}) {
      const Value* list = d.Find(key);
      if (list == nullptr) continue;
      EXPECT_GE(list->size(), 20u) << key;
      EXPECT_LE(list->size(), 60u) << key;
    }
  }
}

TEST_F(WorkoutsGeneratorTest, ZeroCountWritesEmptyFiles) {
  Generated g = Generate(0, 1, WorkoutsScenario::kMixed);
  EXPECT_TRUE(g.out.empty());
  EXPECT_TRUE(g.rejects.empty());
  EXPECT_EQ(g.stats.documents, 0u);
}

TEST_F(WorkoutsGeneratorTest, NoRejectsPathAndNullStatsAreAllowed) {
  GenerateOptions options;
  options.count = 100;
  ASSERT_OK(GenerateWorkouts(options, dir_ + "/only.jsonl", "", nullptr));
  EXPECT_EQ(SplitLines(test::ReadFile(dir_ + "/only.jsonl")).size(), 100u);
}

TEST_F(WorkoutsGeneratorTest, UnwritablePathIsIoErrorNamingIt) {
  GenerateOptions options;
  options.count = 10;
  const std::string missing = dir_ + "/no/such/dir/out.jsonl";
  Status s = GenerateWorkouts(options, missing, "", nullptr);
  ASSERT_TRUE(s.IsIoError()) << s.ToString();
  EXPECT_NE(s.message().find(missing), std::string::npos) << s.ToString();

  const std::string missing_rejects = dir_ + "/no/such/dir/rejects.jsonl";
  s = GenerateWorkouts(options, dir_ + "/ok.jsonl", missing_rejects, nullptr);
  ASSERT_TRUE(s.IsIoError()) << s.ToString();
  EXPECT_NE(s.message().find(missing_rejects), std::string::npos) << s.ToString();
}

}  // namespace
}  // namespace ferry
