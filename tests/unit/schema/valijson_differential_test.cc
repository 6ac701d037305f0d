// Copyright (c) the Ferry authors.
//
// Differential test: valijson 1.0 (Debian libvalijson-dev, nlohmann
// adapter) as an independent oracle for Ferry's validator.
//
//  1. JSON-Schema-Test-Suite draft-07 (required files): wherever valijson
//     gives the answer the suite expects, Ferry must give the same answer.
//     Cases valijson cannot compile are skipped (counted and printed).
//  2. Generated workouts documents (valid ones and random mutations of
//     them) against examples/workouts/schemas/*.json: both must agree on
//     every document.
//
// Known, deliberate divergence: valijson (strict types) calls 4.0 a number,
// not an integer; Ferry follows JSON Schema and JavaScript (4.0 is an
// integer). The generator therefore writes no integral floats, and
// IntegralFloatIsTheKnownDivergence pins that difference.

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

// valijson aborts on errors unless told to throw.
#define VALIJSON_USE_EXCEPTIONS 1
#include <nlohmann/json.hpp>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validator.hpp>

#include "ferry/json.h"
#include "ferry/schema.h"
#include "util/test_util.h"

namespace ferry {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

std::string SuiteRoot() { return test::SharedDir() + "/conformance/JSON-Schema-Test-Suite"; }

// valijson's remote fetcher, serving remotes/ from disk like the suite says.
const Json* FetchRemote(const std::string& uri) {
  const std::string prefix = "http://localhost:1234/";
  if (uri.rfind(prefix, 0) != 0) return nullptr;
  std::string path = SuiteRoot() + "/remotes/" + uri.substr(prefix.size());
  if (!fs::exists(path)) return nullptr;
  return new Json(Json::parse(test::ReadFile(path)));
}
void FreeRemote(const Json* doc) { delete doc; }

// A valijson schema, or null when valijson cannot compile `schema`.
std::unique_ptr<valijson::Schema> ValijsonCompile(const Json& schema) {
  auto out = std::make_unique<valijson::Schema>();
  try {
    valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
    valijson::adapters::NlohmannJsonAdapter adapter(schema);
    parser.populateSchema(adapter, *out, FetchRemote, FreeRemote);
  } catch (...) {
    return nullptr;
  }
  return out;
}

// valijson's verdict; false with *crashed = true when it throws.
bool ValijsonValid(const valijson::Schema& schema, const Json& doc, bool* threw) {
  *threw = false;
  try {
    valijson::Validator validator;
    valijson::adapters::NlohmannJsonAdapter target(doc);
    return validator.validate(schema, target, nullptr);
  } catch (...) {
    *threw = true;
    return false;
  }
}

TEST(ValijsonDifferentialTest, SuiteCasesWhereValijsonAgreesWithTheSpec) {
  SchemaRegistry registry;
  std::string remotes = SuiteRoot() + "/remotes";
  for (const auto& e : fs::recursive_directory_iterator(remotes)) {
    if (!e.is_regular_file() || e.path().extension() != ".json") continue;
    ASSERT_OK(registry.RegisterJson("http://localhost:1234/" + fs::relative(e.path(), remotes).generic_string(),
                                    test::ReadFile(e.path().string())));
  }
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(SuiteRoot() + "/tests/draft7")) {
    if (e.is_regular_file() && e.path().extension() == ".json") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  int compared = 0, valijson_wrong = 0, skipped_cases = 0;
  for (const fs::path& p : files) {
    std::string text = test::ReadFile(p.string());
    Json cases = Json::parse(text);
    Arena arena;
    Value ferry_cases = test::ParseJson(text, arena);
    for (size_t ci = 0; ci < cases.size(); ++ci) {
      std::unique_ptr<valijson::Schema> theirs = ValijsonCompile(cases[ci]["schema"]);
      if (theirs == nullptr) {
        ++skipped_cases;
        continue;
      }
      auto ours = registry.Compile(*ferry_cases[ci].Find("schema"));
      ASSERT_OK(ours.status());
      const Value& tests = *ferry_cases[ci].Find("tests");
      for (size_t ti = 0; ti < cases[ci]["tests"].size(); ++ti) {
        const Json& t = cases[ci]["tests"][ti];
        bool threw = false;
        bool their_verdict = ValijsonValid(*theirs, t["data"], &threw);
        if (threw || their_verdict != t["valid"].get<bool>()) {
          ++valijson_wrong;
          continue;
        }
        ++compared;
        bool our_verdict = ours.value()->IsValid(*tests[ti].Find("data"));
        EXPECT_EQ(our_verdict, their_verdict)
            << p.filename().string() << " / " << cases[ci]["description"].get<std::string>() << " / "
            << t["description"].get<std::string>();
      }
    }
  }
  std::printf("compared %d tests; valijson wrong on %d, cannot compile %d cases\n", compared, valijson_wrong,
              skipped_cases);
  EXPECT_GE(compared, 700);
}

// --- generated workouts documents ------------------------------------------

class WorkoutGenerator {
 public:
  explicit WorkoutGenerator(uint32_t seed) : rng_(seed) {}

  int Uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  bool Chance(int percent) { return Uniform(0, 99) < percent; }

  Json Exercise() {
    Json e = {{"exerciseId", "ex-" + std::to_string(Uniform(1, 99))}, {"sets", Uniform(1, 6)}, {"reps", Uniform(1, 15)}};
    if (Chance(70)) e["weight"] = Uniform(0, 1) ? Json(Uniform(20, 140)) : Json(Uniform(40, 280) + 0.5);
    if (Chance(50)) e["restSeconds"] = Uniform(30, 180);
    if (Chance(50)) e["name"] = "Exercise " + std::to_string(Uniform(1, 9));
    return e;
  }
  Json Interval() {
    Json i = {{"type", Chance(60) ? "work" : "rest"}, {"duration", Uniform(10, 300)}};
    if (Chance(50)) i["intensity"] = Chance(50) ? "high" : "low";
    if (Chance(30)) i["targetHeartRate"] = Uniform(110, 190);
    return i;
  }
  Json Block() {
    int k = Uniform(0, 2);
    if (k == 0) {
      Json e = Exercise();
      e["kind"] = "exercise";
      return e;
    }
    if (k == 1) {
      Json i = Interval();
      i["kind"] = "interval";
      return i;
    }
    return Json{{"kind", "transition"}, {"duration", Uniform(5, 60)}};
  }
  Json Phase() {
    Json drills = Json::array();
    for (int i = Uniform(0, 3); i > 0; --i) drills.push_back("drill-" + std::to_string(i));
    return Json{{"name", "phase-" + std::to_string(Uniform(1, 9))}, {"duration", Uniform(30, 600)}, {"drills", drills}};
  }

  // A valid document of `version`.
  Json Document(const std::string& version) {
    Json d = {{"id", "w-" + std::to_string(Uniform(1, 99999))}, {"name", "Workout " + std::to_string(Uniform(1, 99))}};
    if (version == "unified-1") {
      d["schemaVersion"] = "unified-1";
      const char* types[] = {"strength", "conditioning", "hybrid", "agility"};
      d["type"] = types[Uniform(0, 3)];
      d["createdAt"] = "2019-09-03T11:05:36Z";
      d["content"] = {{"blocks", Json::array({Block()})}};
      return d;
    }
    d["created_at"] = Chance(50) ? Json(1567508736 + Uniform(0, 100000)) : Json("2019-09-03 11:05:36");
    if (Chance(20)) d["coachNotes"] = "notes";
    auto list = [&](auto make) {
      Json a = Json::array();
      for (int i = Uniform(1, 5); i > 0; --i) a.push_back(make());
      return a;
    };
    if (version == "strength") {
      d["exercises"] = list([&] { return Exercise(); });
      d["warmupDuration"] = Uniform(0, 600);
      d["cooldownDuration"] = Uniform(0, 600);
      d["restBetweenExercises"] = Uniform(0, 180);
    } else if (version == "conditioning") {
      d["intervals"] = list([&] { return Interval(); });
      d["equipment"] = "rower";
      d["totalDuration"] = Uniform(300, 3600);
    } else if (version == "hybrid") {
      d["blocks"] = list([&] { return Block(); });
      d["transitionTime"] = Uniform(5, 60);
    } else {
      d["phases"] = list([&] { return Phase(); });
      d["focusAreas"] = Json::array({"speed"});
    }
    return d;
  }

  Json RandomValue() {
    switch (Uniform(0, 15)) {
      case 0: return nullptr;
      case 1: return true;
      case 2: return "text";
      case 3: return "";
      case 4: return Uniform(-5, 500);
      case 5: return 2.5;
      case 6: return Json::array();
      case 7: return Json::array({1, "a"});
      case 8: return Json::object();
      case 9: return Json{{"a", 1}};
      case 10: return "work";
      case 11: return "exercise";
      case 12: return "transition";
      case 13: return "unified-1";
      case 14: return "hybrid";
      default: return "interval";
    }
  }

  // Changes one random thing in `v` (recursively, a random depth).
  void Mutate(Json& v) {
    if (v.is_object() && !v.empty() && Chance(60)) {
      auto it = v.begin();
      std::advance(it, Uniform(0, static_cast<int>(v.size()) - 1));
      if ((it->is_object() || it->is_array()) && !it->empty() && Chance(60)) return Mutate(*it);
      if (Chance(40)) {
        v.erase(it);
      } else {
        *it = RandomValue();
      }
      return;
    }
    if (v.is_array() && !v.empty() && Chance(70)) {
      Json& e = v[Uniform(0, static_cast<int>(v.size()) - 1)];
      if (e.is_object() && Chance(80)) return Mutate(e);
      e = RandomValue();
      return;
    }
    if (v.is_array() && Chance(50)) {
      v = Json::array();
      return;
    }
    v = RandomValue();
  }

 private:
  std::mt19937 rng_;
};

TEST(ValijsonDifferentialTest, GeneratedWorkoutsAgree) {
  const char* versions[] = {"strength", "conditioning", "hybrid", "agility", "unified-1"};
  SchemaRegistry registry;
  WorkoutGenerator gen(20240601);
  JsonParser parser;
  int invalid = 0, total = 0;
  for (const char* version : versions) {
    std::string text = test::ReadFile(test::SourceDir() + "/examples/workouts/schemas/" + version + ".json");
    auto ours = registry.CompileJson(text);
    ASSERT_OK(ours.status());
    std::unique_ptr<valijson::Schema> theirs = ValijsonCompile(Json::parse(text));
    ASSERT_NE(theirs, nullptr) << version;
    for (int i = 0; i < 2000; ++i) {
      Json doc = gen.Document(version);
      for (int m = i % 4; m > 0; --m) gen.Mutate(doc);  // a quarter stay unmutated
      std::string json = doc.dump();
      Arena arena;
      Result<Value> v = parser.Parse(json, arena);
      ASSERT_OK(v.status());
      bool threw = false;
      bool their_verdict = ValijsonValid(*theirs, doc, &threw);
      ASSERT_FALSE(threw) << json;
      bool our_verdict = ours.value()->IsValid(v.value());
      EXPECT_EQ(our_verdict, their_verdict) << version << ": " << json;
      invalid += !our_verdict;
      ++total;
    }
  }
  std::printf("%d generated documents, %d invalid\n", total, invalid);
  // The mutations must actually exercise both outcomes.
  EXPECT_GT(invalid, total / 4);
  EXPECT_LT(invalid, total);
}

TEST(ValijsonDifferentialTest, IntegralFloatIsTheKnownDivergence) {
  Json schema = Json::parse(R"({"type":"integer"})");
  std::unique_ptr<valijson::Schema> theirs = ValijsonCompile(schema);
  ASSERT_NE(theirs, nullptr);
  bool threw = false;
  EXPECT_FALSE(ValijsonValid(*theirs, Json::parse("4.0"), &threw));
  auto ours = CompileSchemaJson(R"({"type":"integer"})");
  ASSERT_OK(ours.status());
  Arena arena;
  EXPECT_TRUE(ours.value()->IsValid(test::ParseJson("4.0", arena)));
}

}  // namespace
}  // namespace ferry
