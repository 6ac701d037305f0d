// Copyright (c) the Ferry authors.
//
// Detection: the first version (in declared order) whose detector matches;
// has / lacks / equals / type / schema conditions, all of which must hold.
#include "ferry/run.h"
#include "util/test_util.h"

namespace ferry {
namespace {

class DetectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = test::NewTempDir("detection_test");
    test::WriteFile(dir_ + "/any.json", R"({"type":"object"})");
    test::WriteFile(dir_ + "/v3.json", R"({"type":"object","required":["tags"],"properties":{"tags":{"type":"array"}}})");
    auto p = Project::LoadFromString(R"(collection: notes
versions:
  v4:    { detect: { equals: { meta.version: 4 } }, schema: any.json }
  v3:    { detect: { schema: true }, schema: v3.json }
  v2:    { detect: { has: [title], lacks: [legacy_title], type: { title: string } }, schema: any.json }
  v1:    { detect: { has: [legacy_title] }, schema: any.json }
  num:   { detect: { type: { title: integer } }, schema: any.json }
migrations:
  - { id: a, from: v1, to: v4, steps: [] }
  - { id: b, from: v2, to: v4, steps: [] }
  - { id: c, from: v3, to: v4, steps: [] }
  - { id: d, from: num, to: v4, steps: [] }
target: v4
)",
                                     dir_, "ferry.yaml");
    ASSERT_OK(p.status());
    project_ = std::move(p).value();
  }
  // Analyzes `lines` and returns version -> count (+ "UNKNOWN" for no match).
  std::map<std::string, uint64_t> Detect(const std::string& lines) {
    test::WriteFile(dir_ + "/in.jsonl", lines);
    RunOptions o;
    o.source = dir_ + "/in.jsonl";
    auto a = Analyze(*project_, o);
    EXPECT_TRUE(a.ok()) << a.status().ToString();
    std::map<std::string, uint64_t> out = a->versions;
    if (a->invalid_by_code.count("UNKNOWN_FORMAT")) out["UNKNOWN"] = a->invalid_by_code.at("UNKNOWN_FORMAT");
    return out;
  }
  std::string dir_;
  std::unique_ptr<Project> project_;
};

TEST_F(DetectionTest, EqualsReachesIntoObjectsWithDotPaths) {
  EXPECT_EQ(Detect(R"({"meta":{"version":4},"title":"x"})" "\n"), (std::map<std::string, uint64_t>{{"v4", 1}}));
  // 4.0 equals 4 as JSON numbers.
  EXPECT_EQ(Detect(R"({"meta":{"version":4.0}})" "\n"), (std::map<std::string, uint64_t>{{"v4", 1}}));
}

TEST_F(DetectionTest, SchemaDetectorMatchesRecordsValidAgainstTheVersionSchema) {
  EXPECT_EQ(Detect(R"({"tags":[],"title":"x"})" "\n"), (std::map<std::string, uint64_t>{{"v3", 1}}));
}

TEST_F(DetectionTest, FirstMatchInDeclaredOrderWins) {
  // Matches v3 (schema) and v2 (has title): v3 is declared first.
  EXPECT_EQ(Detect(R"({"tags":[1],"title":"x"})" "\n"), (std::map<std::string, uint64_t>{{"v3", 1}}));
}

TEST_F(DetectionTest, HasLacksAndTypeMustAllHold) {
  EXPECT_EQ(Detect(R"({"title":"x"})" "\n"), (std::map<std::string, uint64_t>{{"v2", 1}}));
  EXPECT_EQ(Detect(R"({"title":"x","legacy_title":"y"})" "\n"), (std::map<std::string, uint64_t>{{"v1", 1}}));
  EXPECT_EQ(Detect(R"({"title":7})" "\n"), (std::map<std::string, uint64_t>{{"num", 1}}));
  EXPECT_EQ(Detect(R"({"title":7.5})" "\n" R"({"body":1})" "\n" "[]\n"),
            (std::map<std::string, uint64_t>{{"UNKNOWN", 3}}));
}

}  // namespace
}  // namespace ferry
