// Copyright (c) the Ferry authors.
//
// The workouts example (shared/examples/workouts/SPEC.md) written as
// declarative step lists: one migration per legacy type plus one that
// dispatches on the type with `when`. Outputs are checked against
// hand-written expected documents (the Node.js peer's output for the same
// inputs) and backward(forward(d), complement) must give d back byte for
// byte.

#include <string>
#include <vector>

#include "unit/transform/transform_test_util.h"

namespace ferry {
namespace {

// The head shared by every legacy type: keep the listed fields, normalise
// created_at, stamp the type and the schema version.
std::string Head(const std::string& keep, const std::string& type) {
  return R"J({"keep": {"fields": [)J" + keep + R"J(]}},
    {"rename": {"from": "created_at", "to": "createdAt"}},
    {"datetime": {"field": "createdAt", "from": ["epoch", "sql"], "to": "iso8601"}},
    {"add": {"field": "type", "value": ")J" + type + R"J("}},
    {"add": {"field": "schemaVersion", "value": "unified-1"}})J";
}

// exercise block (strength exercises[] and hybrid kind "exercise").
const char* kExerciseTail = R"J(
    {"add": {"field": "name", "value": null}},
    {"wrap": {"field": "weight", "into": "load", "with": {"unit": "kg"}, "only": "number"}},
    {"add": {"field": "restSeconds", "value": null}})J";

// interval block (conditioning intervals[] and hybrid kind "interval").
const char* kIntervalTail = R"J(
    {"rename": {"from": "type", "to": "phase"}},
    {"add": {"field": "intensity", "value": null}},
    {"add": {"field": "targetHeartRate", "value": null}})J";

std::string StrengthBody() {
  return Head(R"J("id", "name", "exercises", "warmupDuration", "cooldownDuration", "restBetweenExercises", "created_at")J",
              "strength") +
         R"J(,
    {"map": {"field": "exercises", "steps": [
      {"keep": {"fields": ["exerciseId", "name", "sets", "reps", "weight", "restSeconds"]}},
      {"add": {"field": "kind", "value": "exercise"}},)J" +
         kExerciseTail + R"J(]}},
    {"rename": {"from": "exercises", "to": "blocks"}},
    {"wrap": {"field": "warmupDuration", "into": "warmup", "as": "duration"}},
    {"wrap": {"field": "cooldownDuration", "into": "cooldown", "as": "duration"}},
    {"rename": {"from": "restBetweenExercises", "to": "restBetweenBlocks"}},
    {"plunge": {"host": "content", "fields": ["blocks", "warmup", "cooldown", "restBetweenBlocks"]}})J";
}

std::string ConditioningBody() {
  return Head(R"J("id", "name", "intervals", "equipment", "totalDuration", "created_at")J", "conditioning") + R"J(,
    {"plunge": {"host": "intervalSettings", "fields": ["equipment", "totalDuration"]}},
    {"set": {"field": "intervalSettings.workSeconds", "expr": "sum(intervals[type == \"work\"].duration)"}},
    {"map": {"field": "intervals", "steps": [
      {"keep": {"fields": ["type", "duration", "intensity", "targetHeartRate"]}},
      {"add": {"field": "kind", "value": "interval"}},)J" +
         kIntervalTail + R"J(]}},
    {"rename": {"from": "intervals", "to": "blocks"}},
    {"plunge": {"host": "content", "fields": ["blocks", "intervalSettings"]}})J";
}

std::string HybridBody() {
  return Head(R"J("id", "name", "blocks", "transitionTime", "created_at")J", "hybrid") + R"J(,
    {"map": {"field": "blocks", "steps": [
      {"when": {"if": "kind == 'exercise'",
        "then": [
          {"keep": {"fields": ["kind", "exerciseId", "name", "sets", "reps", "weight", "restSeconds"]}},)J" +
         kExerciseTail + R"J(],
        "else": [
          {"when": {"if": "kind == 'interval'",
            "then": [
              {"keep": {"fields": ["kind", "type", "duration", "intensity", "targetHeartRate"]}},)J" +
         kIntervalTail + R"J(],
            "else": [{"keep": {"fields": ["kind", "duration"]}}]}}]}}]}},
    {"plunge": {"host": "content", "fields": ["blocks", "transitionTime"]}})J";
}

std::string AgilityBody() {
  return Head(R"J("id", "name", "phases", "focusAreas", "created_at")J", "agility") + R"J(,
    {"map": {"field": "phases", "steps": [
      {"keep": {"fields": ["name", "duration", "drills"]}},
      {"add": {"field": "kind", "value": "phase"}}]}},
    {"rename": {"from": "phases", "to": "blocks"}},
    {"plunge": {"host": "content", "fields": ["blocks", "focusAreas"]}})J";
}

std::string List(const std::string& body) { return "[" + body + "]"; }

// One migration for every legacy type. Each condition also holds on the
// migrated document (`type == ...`), so going back picks the same branch
// without storing it.
std::string LegacyDispatch() {
  return R"J([{"when": {"if": "exists(exercises) || type == 'strength'", "then": [)J" + StrengthBody() +
         R"J(], "else": [{"when": {"if": "exists(intervals) || type == 'conditioning'", "then": [)J" +
         ConditioningBody() + R"J(], "else": [{"when": {"if": "exists(blocks) || type == 'hybrid'", "then": [)J" +
         HybridBody() + R"J(], "else": [{"when": {"if": "exists(phases) || type == 'agility'", "then": [)J" +
         AgilityBody() + R"J(]}}]}}]}}]}}])J";
}

struct Case {
  const char* type;
  const char* input;
  const char* expected;
};

const std::vector<Case> kCases = {
    {"Strength",
     R"J({"id":"s1","name":"Push day","exercises":[{"exerciseId":"bench","name":"Bench press","sets":3,"reps":10,"weight":60.5,"restSeconds":90},{"exerciseId":"dips","sets":3,"reps":12,"weight":"bodyweight","notes":"slow"}],"warmupDuration":300,"cooldownDuration":180,"restBetweenExercises":120,"created_at":1567509936,"coachNotes":"keep elbows in"})J",
     R"J({"id":"s1","name":"Push day","type":"strength","schemaVersion":"unified-1","createdAt":"2019-09-03T11:25:36Z","content":{"blocks":[{"kind":"exercise","exerciseId":"bench","name":"Bench press","sets":3,"reps":10,"load":{"value":60.5,"unit":"kg"},"restSeconds":90},{"kind":"exercise","exerciseId":"dips","name":null,"sets":3,"reps":12,"load":null,"restSeconds":null}],"warmup":{"duration":300},"cooldown":{"duration":180},"restBetweenBlocks":120}})J"},
    {"Strength",
     R"J({"id":"s2","name":"Legs","created_at":"2019-09-03 11:05:36","exercises":[{"sets":5,"exerciseId":"squat","reps":5,"weight":100,"restSeconds":null,"name":"Back squat"}],"warmupDuration":600,"cooldownDuration":300,"restBetweenExercises":90})J",
     R"J({"id":"s2","name":"Legs","type":"strength","schemaVersion":"unified-1","createdAt":"2019-09-03T11:05:36Z","content":{"blocks":[{"kind":"exercise","exerciseId":"squat","name":"Back squat","sets":5,"reps":5,"load":{"value":100,"unit":"kg"},"restSeconds":null}],"warmup":{"duration":600},"cooldown":{"duration":300},"restBetweenBlocks":90}})J"},
    {"Strength",
     R"J({"id":"s3","name":"Odd","exercises":[{"exerciseId":"row","sets":4,"reps":8,"weight":1e2}],"warmupDuration":0,"cooldownDuration":0,"restBetweenExercises":30.0,"created_at":"yesterday","extra":{"a":[1,2]}})J",
     R"J({"id":"s3","name":"Odd","type":"strength","schemaVersion":"unified-1","createdAt":"yesterday","content":{"blocks":[{"kind":"exercise","exerciseId":"row","name":null,"sets":4,"reps":8,"load":{"value":100,"unit":"kg"},"restSeconds":null}],"warmup":{"duration":0},"cooldown":{"duration":0},"restBetweenBlocks":30}})J"},
    {"Conditioning",
     R"J({"id":"c1","name":"Intervals","intervals":[{"type":"work","duration":60,"intensity":"high","targetHeartRate":170},{"type":"rest","duration":30},{"type":"work","duration":45,"intensity":"max","cadence":90}],"equipment":"bike","totalDuration":135,"created_at":1700000000,"coachNotes":"hydrate"})J",
     R"J({"id":"c1","name":"Intervals","type":"conditioning","schemaVersion":"unified-1","createdAt":"2023-11-14T22:13:20Z","content":{"blocks":[{"kind":"interval","phase":"work","duration":60,"intensity":"high","targetHeartRate":170},{"kind":"interval","phase":"rest","duration":30,"intensity":null,"targetHeartRate":null},{"kind":"interval","phase":"work","duration":45,"intensity":"max","targetHeartRate":null}],"intervalSettings":{"equipment":"bike","totalDuration":135,"workSeconds":105}}})J"},
    {"Conditioning",
     R"J({"id":"c2","name":"Rower","intervals":[{"type":"rest","duration":20}],"equipment":"rower","totalDuration":20,"created_at":"2023-01-02 03:04:05"})J",
     R"J({"id":"c2","name":"Rower","type":"conditioning","schemaVersion":"unified-1","createdAt":"2023-01-02T03:04:05Z","content":{"blocks":[{"kind":"interval","phase":"rest","duration":20,"intensity":null,"targetHeartRate":null}],"intervalSettings":{"equipment":"rower","totalDuration":20,"workSeconds":0}}})J"},
    {"Conditioning",
     R"J({"id":"c3","name":"Tempo","intervals":[{"type":"work","duration":600},{"type":"work","duration":1200,"intensity":null}],"equipment":"treadmill","totalDuration":1800,"created_at":0})J",
     R"J({"id":"c3","name":"Tempo","type":"conditioning","schemaVersion":"unified-1","createdAt":"1970-01-01T00:00:00Z","content":{"blocks":[{"kind":"interval","phase":"work","duration":600,"intensity":null,"targetHeartRate":null},{"kind":"interval","phase":"work","duration":1200,"intensity":null,"targetHeartRate":null}],"intervalSettings":{"equipment":"treadmill","totalDuration":1800,"workSeconds":1800}}})J"},
    {"Hybrid",
     R"J({"id":"h1","name":"Mix","blocks":[{"kind":"exercise","exerciseId":"kb","sets":3,"reps":15,"weight":24,"restSeconds":30},{"kind":"transition","duration":60,"note":"walk"},{"kind":"interval","type":"work","duration":40,"intensity":"high"},{"kind":"interval","type":"rest","duration":20,"targetHeartRate":120}],"transitionTime":60,"created_at":1600000000})J",
     R"J({"id":"h1","name":"Mix","type":"hybrid","schemaVersion":"unified-1","createdAt":"2020-09-13T12:26:40Z","content":{"blocks":[{"kind":"exercise","exerciseId":"kb","name":null,"sets":3,"reps":15,"load":{"value":24,"unit":"kg"},"restSeconds":30},{"kind":"transition","duration":60},{"kind":"interval","phase":"work","duration":40,"intensity":"high","targetHeartRate":null},{"kind":"interval","phase":"rest","duration":20,"intensity":null,"targetHeartRate":120}],"transitionTime":60}})J"},
    {"Hybrid",
     R"J({"id":"h2","name":"Mix 2","blocks":[{"kind":"exercise","exerciseId":"pullup","sets":3,"reps":5,"weight":null,"name":"Pull-up"}],"transitionTime":0,"created_at":"2020-02-29 23:59:59","legacy":true})J",
     R"J({"id":"h2","name":"Mix 2","type":"hybrid","schemaVersion":"unified-1","createdAt":"2020-02-29T23:59:59Z","content":{"blocks":[{"kind":"exercise","exerciseId":"pullup","name":"Pull-up","sets":3,"reps":5,"load":null,"restSeconds":null}],"transitionTime":0}})J"},
    {"Hybrid",
     R"J({"id":"h3","name":"Mix 3","blocks":[{"kind":"transition","duration":15},{"kind":"interval","type":"work","duration":30}],"transitionTime":15,"created_at":"2021-06-01T10:00:00Z"})J",
     R"J({"id":"h3","name":"Mix 3","type":"hybrid","schemaVersion":"unified-1","createdAt":"2021-06-01T10:00:00Z","content":{"blocks":[{"kind":"transition","duration":15},{"kind":"interval","phase":"work","duration":30,"intensity":null,"targetHeartRate":null}],"transitionTime":15}})J"},
    {"Agility",
     R"J({"id":"a1","name":"Ladders","phases":[{"name":"warm","duration":300,"drills":["skip","hop"]},{"name":"main","duration":900,"drills":[{"id":"d1","reps":3}],"coach":"x"}],"focusAreas":["speed","footwork"],"created_at":1500000000})J",
     R"J({"id":"a1","name":"Ladders","type":"agility","schemaVersion":"unified-1","createdAt":"2017-07-14T02:40:00Z","content":{"blocks":[{"kind":"phase","name":"warm","duration":300,"drills":["skip","hop"]},{"kind":"phase","name":"main","duration":900,"drills":[{"id":"d1","reps":3}]}],"focusAreas":["speed","footwork"]}})J"},
    {"Agility",
     R"J({"id":"a2","name":"Cones","phases":[{"name":"only","duration":60,"drills":[]}],"focusAreas":[],"created_at":"2017-07-14 02:40:00","coachNotes":null})J",
     R"J({"id":"a2","name":"Cones","type":"agility","schemaVersion":"unified-1","createdAt":"2017-07-14T02:40:00Z","content":{"blocks":[{"kind":"phase","name":"only","duration":60,"drills":[]}],"focusAreas":[]}})J"},
    {"Agility",
     R"J({"id":"a3","name":"Agile","focusAreas":["balance"],"phases":[{"drills":[1,2],"duration":120,"name":"p"}],"created_at":-86400})J",
     R"J({"id":"a3","name":"Agile","type":"agility","schemaVersion":"unified-1","createdAt":"1969-12-31T00:00:00Z","content":{"blocks":[{"kind":"phase","name":"p","duration":120,"drills":[1,2]}],"focusAreas":["balance"]}})J"},
};

class WorkoutsStepsTest : public ::testing::Test {
 protected:
  std::shared_ptr<const StepList> For(const std::string& type) {
    if (type == "Strength") return test::MustCompile(List(StrengthBody()));
    if (type == "Conditioning") return test::MustCompile(List(ConditioningBody()));
    if (type == "Hybrid") return test::MustCompile(List(HybridBody()));
    return test::MustCompile(List(AgilityBody()));
  }

  void Check(const StepList& steps, const Case& c) {
    SCOPED_TRACE(c.input);
    test::RunResult r = test::Run(steps, c.input);
    ASSERT_OK(r.forward);
    Arena arena;
    Value got = test::ParseJson(r.output, arena);
    Value want = test::ParseJson(c.expected, arena);
    EXPECT_TRUE(got.Equals(want)) << "got      " << r.output << "\nexpected " << c.expected;
    ASSERT_OK(r.backward);
    EXPECT_EQ(r.restored, c.input) << "complement " << r.complement;
    EXPECT_TRUE(r.equals);
  }
};

TEST_F(WorkoutsStepsTest, EachTypeMatchesTheSpecAndGoesBackExactly) {
  for (const Case& c : kCases) {
    auto steps = For(c.type);
    ASSERT_NE(steps, nullptr);
    Check(*steps, c);
  }
}

TEST_F(WorkoutsStepsTest, OneDispatchingMigrationHandlesEveryType) {
  auto steps = test::MustCompile(LegacyDispatch());
  ASSERT_NE(steps, nullptr);
  for (const Case& c : kCases) Check(*steps, c);
}

TEST_F(WorkoutsStepsTest, WellFormedDocumentLosesOnlyWhatTheSpecDrops) {
  // s1 drops coachNotes and an exercise's notes, converts an epoch date
  // and wraps a non-number weight: exactly those are in the complement.
  auto steps = For("Strength");
  test::RunResult r = test::Run(*steps, kCases[0].input);
  ASSERT_OK(r.forward);
  EXPECT_EQ(r.complement,
            R"J({"0":[7,"coachNotes","keep elbows in"],"5":{"1":{"0":[4,"notes","slow"],"3":{"v":"bodyweight"}}}})J");
}

TEST_F(WorkoutsStepsTest, StepListsAreLossyWhereTheSpecIs) {
  EXPECT_TRUE(For("Strength")->lossy());
  auto lossless = test::MustCompile(
      R"J([{"rename": {"from": "exercises", "to": "blocks"}}, {"plunge": {"host": "content", "field": "blocks"}}])J");
  EXPECT_FALSE(lossless->lossy());
}

}  // namespace
}  // namespace ferry
