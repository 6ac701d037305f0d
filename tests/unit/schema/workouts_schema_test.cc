// Copyright (c) the Ferry authors.
//
// The workouts example schemas (examples/workouts/schemas/*.json) against
// ../shared/examples/workouts/SPEC.md section 1: one fixed document per rule
// that must fail, with the rule's pointer and keyword as the *first* error
// (rules are checked in the SPEC's order), and valid documents that pass.

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "ferry/json.h"
#include "ferry/schema.h"
#include "util/test_util.h"

namespace ferry {
namespace {

const char* const kVersions[] = {"strength", "conditioning", "hybrid", "agility", "unified-1"};

const char kStrength[] =
    R"({"id":"w-0001","name":"Upper body A","created_at":1567508736,"coachNotes":"keep form strict",)"
    R"("exercises":[{"exerciseId":"bench-press","name":"Bench press","sets":4,"reps":8,"weight":67.5,"restSeconds":90},)"
    R"({"exerciseId":"row","sets":4.0,"reps":10,"weight":60}],)"
    R"("warmupDuration":300,"cooldownDuration":240,"restBetweenExercises":120})";
const char kConditioning[] =
    R"({"id":"w-0002","name":"Rower intervals","created_at":"2019-09-03 11:05:36",)"
    R"("intervals":[{"type":"work","duration":60,"intensity":"high","targetHeartRate":170},)"
    R"({"type":"rest","duration":30}],"equipment":"rower","totalDuration":900})";
const char kHybrid[] =
    R"({"id":"w-0003","name":"Hybrid A","created_at":1567508736,)"
    R"("blocks":[{"kind":"exercise","exerciseId":"squat","sets":5,"reps":5,"weight":100},)"
    R"({"kind":"transition","duration":30},{"kind":"interval","type":"work","duration":45}],)"
    R"("transitionTime":15})";
const char kAgility[] =
    R"({"id":"w-0004","name":"Ladder day","created_at":"2021-01-01T00:00:00Z",)"
    R"("phases":[{"name":"ladder","duration":300,"drills":["in-out","ickey shuffle"]}],)"
    R"("focusAreas":["footwork"]})";
const char kUnified[] =
    R"({"id":"w-0005","name":"Done","type":"hybrid","schemaVersion":"unified-1",)"
    R"("createdAt":"2019-09-03T11:05:36Z","content":{"blocks":[],"transitionTime":15}})";

class WorkoutsSchemaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* version : kVersions) {
      std::string path = test::SourceDir() + "/examples/workouts/schemas/" + version + ".json";
      auto r = registry_.CompileJson(test::ReadFile(path));
      ASSERT_OK(r.status());
      schemas_[version] = r.value();
    }
  }

  // The errors of JSON text `doc` against the schema of `version`.
  std::vector<SchemaError> Errors(const std::string& version, std::string_view doc) {
    Value v = test::ParseJson(doc, arena_);
    std::vector<SchemaError> errors;
    bool valid = schemas_.at(version)->Validate(v, &errors);
    EXPECT_EQ(valid, schemas_.at(version)->IsValid(v));
    return errors;
  }

  // Expects `doc` to fail with its first error at `pointer`/`keyword`.
  void ExpectFirstError(const std::string& version, std::string_view doc, const std::string& pointer,
                        const std::string& keyword) {
    std::vector<SchemaError> errors = Errors(version, doc);
    ASSERT_FALSE(errors.empty()) << version << ": " << doc;
    EXPECT_EQ(errors[0].instance_pointer, pointer) << version << ": " << doc << "\n  " << errors[0].message;
    EXPECT_EQ(errors[0].keyword, keyword) << version << ": " << doc << "\n  " << errors[0].message;
  }

  SchemaRegistry registry_;
  std::map<std::string, std::shared_ptr<const CompiledSchema>> schemas_;
  Arena arena_;
};

// Replaces the first occurrence of `from` in `s` by `to`.
std::string Edit(std::string s, const std::string& from, const std::string& to) {
  size_t pos = s.find(from);
  EXPECT_NE(pos, std::string::npos) << from;
  if (pos != std::string::npos) s.replace(pos, from.size(), to);
  return s;
}

TEST_F(WorkoutsSchemaTest, SchemasAreValidDraft7) {
  auto meta = registry_.CompileUri("http://json-schema.org/draft-07/schema");
  ASSERT_OK(meta.status());
  for (const char* version : kVersions) {
    std::string path = test::SourceDir() + "/examples/workouts/schemas/" + version + ".json";
    std::vector<SchemaError> errors;
    EXPECT_TRUE(meta.value()->Validate(test::ParseJson(test::ReadFile(path), arena_), &errors)) << version;
  }
}

TEST_F(WorkoutsSchemaTest, ValidDocumentsPass) {
  const std::pair<const char*, const char*> docs[] = {
      {"strength", kStrength}, {"conditioning", kConditioning}, {"hybrid", kHybrid},
      {"agility", kAgility},   {"unified-1", kUnified}};
  for (const auto& [version, doc] : docs) {
    std::vector<SchemaError> errors = Errors(version, doc);
    EXPECT_TRUE(errors.empty()) << version << ": " << errors[0].instance_pointer << " " << errors[0].message;
  }
  // Integral floats are integers; duplicate keys: the last one counts.
  EXPECT_TRUE(Errors("strength", Edit(kStrength, R"("warmupDuration":300)", R"("warmupDuration":3e2)")).empty());
  EXPECT_TRUE(Errors("agility", Edit(kAgility, R"("name":"Ladder day")", R"("name":1,"name":"x")")).empty());
}

TEST_F(WorkoutsSchemaTest, Rule1DocumentIsAnObjectWithNonEmptyStringId) {
  ExpectFirstError("strength", "[1]", "", "type");
  ExpectFirstError("strength", Edit(kStrength, R"("id":"w-0001",)", ""), "", "required");
  ExpectFirstError("conditioning", Edit(kConditioning, R"("id":"w-0002")", R"("id":"")"), "/id", "minLength");
  ExpectFirstError("hybrid", Edit(kHybrid, R"("id":"w-0003")", R"("id":3)"), "/id", "type");
  ExpectFirstError("unified-1", Edit(kUnified, R"("id":"w-0005")", R"("id":null)"), "/id", "type");
  // Rule 1 wins over every later failure.
  ExpectFirstError("agility", R"({"id":7,"name":1,"phases":[]})", "/id", "type");
}

TEST_F(WorkoutsSchemaTest, Rule2NameIsAString) {
  ExpectFirstError("strength", Edit(kStrength, R"("name":"Upper body A")", R"("name":["x"])"), "/name", "type");
  ExpectFirstError("agility", Edit(kAgility, R"("name":"Ladder day",)", ""), "", "required");
  ExpectFirstError("unified-1", Edit(kUnified, R"("name":"Done")", R"("name":false)"), "/name", "type");
  ExpectFirstError("hybrid", R"({"id":"x","name":1,"created_at":1.5,"blocks":[]})", "/name", "type");
}

TEST_F(WorkoutsSchemaTest, Rule4CreatedAt) {
  ExpectFirstError("strength", Edit(kStrength, R"("created_at":1567508736)", R"("created_at":1567508736.5)"),
                   "/created_at", "type");
  ExpectFirstError("conditioning", Edit(kConditioning, R"("created_at":"2019-09-03 11:05:36",)", ""), "",
                   "required");
  ExpectFirstError("hybrid", Edit(kHybrid, R"("created_at":1567508736)", R"("created_at":null)"), "/created_at",
                   "type");
  ExpectFirstError("unified-1", Edit(kUnified, R"("createdAt":"2019-09-03T11:05:36Z")", R"("createdAt":1567508736)"),
                   "/createdAt", "type");
  // Unified documents use createdAt; created_at means nothing there.
  ExpectFirstError("unified-1", Edit(kUnified, R"("createdAt")", R"("created_at")"), "", "required");
}

TEST_F(WorkoutsSchemaTest, Rule5ElementRules) {
  // 5s
  ExpectFirstError("strength", Edit(kStrength, R"("reps":10)", R"("reps":"10")"), "/exercises/1/reps", "type");
  ExpectFirstError("strength", Edit(kStrength, R"("exerciseId":"row",)", ""), "/exercises/1", "required");
  ExpectFirstError("strength",
                   R"({"id":"a","name":"b","created_at":1,"exercises":[],"warmupDuration":1,"cooldownDuration":1,)"
                   R"("restBetweenExercises":1})",
                   "/exercises", "minItems");
  ExpectFirstError("strength", Edit(kStrength, R"({"exerciseId":"row")", R"(7,{"exerciseId":"row")"),
                   "/exercises/1", "type");
  // 5c
  ExpectFirstError("conditioning", Edit(kConditioning, R"("type":"rest")", R"("type":"walk")"),
                   "/intervals/1/type", "enum");
  ExpectFirstError("conditioning", Edit(kConditioning, R"("duration":30)", R"("duration":30.5)"),
                   "/intervals/1/duration", "type");
  ExpectFirstError("conditioning", Edit(kConditioning, R"("intervals":[)", R"("intervals":"none","x":[)"),
                   "/intervals", "type");
  // 5h: the error points into the failing block.
  ExpectFirstError("hybrid", Edit(kHybrid, R"("kind":"exercise")", R"("kind":"exersice")"), "/blocks/0/kind",
                   "enum");
  ExpectFirstError("hybrid", Edit(kHybrid, R"("sets":5)", R"("sets":"5")"), "/blocks/0/sets", "type");
  ExpectFirstError("hybrid", Edit(kHybrid, R"({"kind":"transition","duration":30})", R"({"kind":"transition"})"),
                   "/blocks/1", "required");
  ExpectFirstError("hybrid", Edit(kHybrid, R"("type":"work","duration":45)", R"("type":"work","duration":"45")"),
                   "/blocks/2/duration", "type");
  ExpectFirstError("hybrid", Edit(kHybrid, R"({"kind":"transition","duration":30})", R"({"duration":30})"),
                   "/blocks/1", "required");
  ExpectFirstError("hybrid", Edit(kHybrid, R"({"kind":"transition","duration":30})", "null"), "/blocks/1", "type");
  // 5a
  ExpectFirstError("agility", Edit(kAgility, R"("drills":["in-out","ickey shuffle"])", R"("drills":"in-out")"),
                   "/phases/0/drills", "type");
  ExpectFirstError("agility", Edit(kAgility, R"("phases":[{"name":"ladder",)", R"("phases":[{)"), "/phases/0",
                   "required");
  // 5u
  ExpectFirstError("unified-1", Edit(kUnified, R"("schemaVersion":"unified-1")", R"("schemaVersion":"unified-2")"),
                   "/schemaVersion", "const");
  ExpectFirstError("unified-1", Edit(kUnified, R"("type":"hybrid")", R"("type":"yoga")"), "/type", "enum");
  ExpectFirstError("unified-1", Edit(kUnified, R"("content":{"blocks":[],"transitionTime":15})", R"("content":[])"),
                   "/content", "type");
  ExpectFirstError("unified-1", Edit(kUnified, R"("blocks":[])", R"("blocks":{})"), "/content/blocks", "type");
  ExpectFirstError("unified-1", Edit(kUnified, R"("blocks":[],)", ""), "/content", "required");
}

TEST_F(WorkoutsSchemaTest, Rule6Settings) {
  ExpectFirstError("strength", Edit(kStrength, R"("cooldownDuration":240)", R"("cooldownDuration":"240")"),
                   "/cooldownDuration", "type");
  ExpectFirstError("strength", Edit(kStrength, R"(,"restBetweenExercises":120)", ""), "", "required");
  ExpectFirstError("conditioning", Edit(kConditioning, R"("equipment":"rower")", R"("equipment":1)"), "/equipment",
                   "type");
  ExpectFirstError("conditioning", Edit(kConditioning, R"("totalDuration":900)", R"("totalDuration":9.5)"),
                   "/totalDuration", "type");
  ExpectFirstError("hybrid", Edit(kHybrid, R"("transitionTime":15)", R"("transitionTime":"15")"), "/transitionTime",
                   "type");
  ExpectFirstError("agility", Edit(kAgility, R"(,"focusAreas":["footwork"])", ""), "", "required");
  ExpectFirstError("agility", Edit(kAgility, R"("focusAreas":["footwork"])", R"("focusAreas":"footwork")"),
                   "/focusAreas", "type");
}

TEST_F(WorkoutsSchemaTest, FirstFailingRuleComesFirst) {
  // Breaks rules 6, 5s and 4 at once: rule 4 is reported first, then 5s, then 6.
  std::string doc = Edit(Edit(Edit(kStrength, R"("created_at":1567508736)", R"("created_at":true)"),
                              R"("sets":4,)", R"("sets":"4",)"),
                         R"("warmupDuration":300)", R"("warmupDuration":null)");
  std::vector<SchemaError> errors = Errors("strength", doc);
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_EQ(errors[0].instance_pointer, "/created_at");
  EXPECT_EQ(errors[1].instance_pointer, "/exercises/0/sets");
  EXPECT_EQ(errors[1].message, "expected integer, got string \"4\"");
  EXPECT_EQ(errors[2].instance_pointer, "/warmupDuration");
}

}  // namespace
}  // namespace ferry
