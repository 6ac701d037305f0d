// Copyright (c) the Ferry authors.
//
// Going back is exact: for every migrated workouts record, the backward steps
// of its path applied to the output with the complement written by the run
// give back the original record, byte for byte.
#include <fstream>
#include <map>
#include <sstream>

#include "engine/project_internal.h"
#include "ferry/generate.h"
#include "ferry/run.h"
#include "util/test_util.h"

namespace ferry {
namespace {

std::vector<std::string> Lines(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

TEST(ComplementRoundTripTest, BackwardWithComplementRestoresEveryMigratedRecordExactly) {
  std::string dir = test::NewTempDir("complement_roundtrip");
  GenerateOptions g;
  g.count = 4000;
  g.seed = 31;
  ASSERT_OK(GenerateWorkouts(g, dir + "/in.jsonl", "", nullptr));
  auto project = Project::Load(test::SourceDir() + "/examples/workouts");
  ASSERT_OK(project.status());
  RunOptions o;
  o.source = dir + "/in.jsonl";
  o.target = dir + "/out.jsonl";
  o.state = dir + "/state.db";
  o.outputs.rejects = dir + "/rej.jsonl";
  o.outputs.complements = dir + "/comp.jsonl";
  o.pipeline.threads = 2;
  auto report = ferry::Run(**project, o);
  ASSERT_OK(report.status());
  ASSERT_OK(report->final_status);
  ASSERT_GT(report->with_complement, 0u);

  const Project::Rep& rep = ProjectInternal::Get(**project);
  std::map<std::string, std::string> originals;  // id -> input line
  for (const std::string& line : Lines(o.source)) {
    Arena a;
    Value v = test::ParseJson(line, a);
    if (v.IsObject() && v.Find("id") && v.Find("id")->IsString()) originals[std::string(v.Find("id")->AsString())] = line;
  }
  std::map<std::string, std::string> complements;  // id -> complement JSON
  for (const std::string& line : Lines(o.outputs.complements)) {
    Arena a;
    Value v = test::ParseJson(line, a);
    complements[std::string(v.Find("key")->AsString())] = ToJson(*v.Find("complement"));
  }
  EXPECT_EQ(complements.size(), report->with_complement);

  size_t checked = 0;
  for (const std::string& line : Lines(o.target)) {
    Arena arena;
    Value doc = test::ParseJson(line, arena);
    std::string id(doc.Find("id")->AsString());
    std::string type(doc.Find("type")->AsString());
    const std::string& original = originals[id];
    if (original.find("\"schemaVersion\"") != std::string::npos) {
      EXPECT_EQ(line, original) << "already-migrated record changed";
      continue;
    }
    int from = (*project)->VersionIndex(type);
    ASSERT_GE(from, 0) << type;
    const std::vector<size_t>& path = rep.paths[size_t(from)];
    ASSERT_EQ(path.size(), 1u);
    Value complement = Value::Object(arena);
    if (auto it = complements.find(id); it != complements.end()) complement = test::ParseJson(it->second, arena);
    StepContext ctx(arena);
    ASSERT_OK(rep.migrations[path[0]].steps->ApplyBackward(doc, complement, ctx));
    EXPECT_EQ(ToJson(doc), original) << id;
    ++checked;
  }
  EXPECT_GT(checked, 3000u);
}

}  // namespace
}  // namespace ferry
