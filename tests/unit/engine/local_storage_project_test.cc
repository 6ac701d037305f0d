// Copyright (c) the Ferry authors.
//
// The bundled local-storage project (examples/local-storage-to-postgres):
// it loads, its paths are lossless, its project file validates against
// docs/ferry.schema.json, a run rejects exactly what the generator expects,
// and going back is exact: for every migrated item, the backward steps of its
// path applied to the output with the complements the run wrote give back the
// original line, byte for byte.

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "engine/project_internal.h"
#include "engine/yaml_value.h"
#include "ferry/generate.h"
#include "ferry/run.h"
#include "ferry/schema.h"
#include "util/test_util.h"

namespace ferry {
namespace {

const std::string& ProjectDir() {
  static const std::string dir = test::SourceDir() + "/examples/local-storage-to-postgres";
  return dir;
}

std::vector<std::string> Lines(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

std::string Str(const Value* v) { return v != nullptr && v->IsString() ? std::string(v->AsString()) : ""; }

TEST(LocalStorageProjectTest, LoadsWithLosslessPaths) {
  auto project = Project::Load(ProjectDir());
  ASSERT_OK(project.status());
  const Project& p = **project;
  EXPECT_EQ(p.target(), "item-1");
  ASSERT_EQ(p.versions().size(), 3u);
  EXPECT_EQ(p.versions()[0].name, "item-1");
  ASSERT_EQ(p.PathFrom("export-v2").size(), 1u);
  ASSERT_EQ(p.PathFrom("export-v1").size(), 2u);
  EXPECT_EQ(p.migrations()[p.PathFrom("export-v1")[0]].id, "export-v1-to-v2");
  EXPECT_EQ(p.migrations()[p.PathFrom("export-v1")[1]].id, "export-v2-to-item-1");
  for (const MigrationInfo& m : p.migrations()) EXPECT_FALSE(m.lossy) << m.id;
}

TEST(LocalStorageProjectTest, ProjectFileValidatesAgainstTheProjectFileSchema) {
  auto schema = CompileSchemaJson(test::ReadFile(test::SourceDir() + "/docs/ferry.schema.json"));
  ASSERT_OK(schema.status());
  Arena arena;
  YAML::Node root = YAML::LoadFile(ProjectDir() + "/ferry.yaml");
  auto doc = internal::YamlToValue(root, arena);
  ASSERT_OK(doc.status());
  std::vector<SchemaError> errors;
  EXPECT_TRUE((*schema)->Validate(doc.value(), &errors))
      << (errors.empty() ? "" : errors[0].instance_pointer + ": " + errors[0].message);
}

TEST(LocalStorageProjectTest, RunRejectsExactlyTheExpectedItemsAndGoingBackIsExact) {
  const std::string dir = test::NewTempDir("local_storage_project");
  LocalStorageOptions g;
  g.count = 6000;
  g.seed = 21;
  LocalStorageStats stats;
  ASSERT_OK(GenerateLocalStorage(g, dir + "/in.jsonl", dir + "/expected.jsonl", &stats));
  auto project = Project::Load(ProjectDir());
  ASSERT_OK(project.status());
  RunOptions o;
  o.source = dir + "/in.jsonl";
  o.target = dir + "/out.jsonl";
  o.outputs.rejects = dir + "/rej.jsonl";
  o.outputs.complements = dir + "/comp.jsonl";
  o.pipeline.threads = 2;
  auto report = ferry::Run(**project, o);
  ASSERT_OK(report.status());
  ASSERT_OK(report->final_status);
  EXPECT_EQ(report->input, g.count);
  EXPECT_EQ(report->rejected, stats.expected_rejects);
  EXPECT_EQ(report->migrated + report->rejected, g.count);
  EXPECT_EQ(report->rejects_by_code["MIGRATION_ERROR"], stats.corrupt);
  EXPECT_EQ(report->rejects_by_code["VALIDATION_ERROR"], stats.oversized + stats.bad_theme);
  // Only values that were not compact JSON text need their original kept.
  EXPECT_EQ(report->with_complement, stats.non_compact);

  // Rejects: the same records, codes and pointers as the generator expects.
  std::set<std::string> expected, rejected;
  for (const std::string& line : Lines(dir + "/expected.jsonl")) {
    Arena a;
    Value e = test::ParseJson(line, a);
    int64_t record = 0;
    ASSERT_TRUE(e.Find("record")->GetInt64(&record));
    expected.insert(std::to_string(record) + " " + Str(e.Find("code")) + " " + Str(e.Find("pointer")));
  }
  for (const std::string& line : Lines(o.outputs.rejects)) {
    Arena a;
    Value r = test::ParseJson(line, a);
    int64_t record = 0;
    ASSERT_TRUE(r.Find("record")->GetInt64(&record));
    const Value& first = (*r.Find("errors"))[0];
    rejected.insert(std::to_string(record) + " " + Str(r.Find("code")) + " " + Str(first.Find("pointer")));
  }
  EXPECT_EQ(rejected, expected);

  // Going back.
  const Project::Rep& rep = ProjectInternal::Get(**project);
  std::map<std::string, std::string> originals;  // id -> input line
  for (const std::string& line : Lines(o.source)) {
    Arena a;
    Value v = test::ParseJson(line, a);
    const std::string id = v.Has("key") ? Str(v.Find("user")) + "/" + Str(v.Find("key")) : Str(v.Find("id"));
    originals[id] = line;
  }
  std::map<std::string, std::string> complements;  // id + " " + migration -> complement JSON
  for (const std::string& line : Lines(o.outputs.complements)) {
    Arena a;
    Value v = test::ParseJson(line, a);
    complements[Str(v.Find("key")) + " " + Str(v.Find("migration"))] = ToJson(*v.Find("complement"));
  }
  ASSERT_EQ(complements.size(), stats.non_compact);

  size_t checked = 0;
  for (const std::string& line : Lines(o.target)) {
    Arena arena;
    Value doc = test::ParseJson(line, arena);
    const std::string id = Str(doc.Find("id"));
    ASSERT_EQ(originals.count(id), 1u) << id;
    const std::string& original = originals[id];
    const bool legacy = original.starts_with("{\"key\":");
    const std::vector<size_t>& path = rep.paths[size_t((*project)->VersionIndex(legacy ? "export-v1" : "export-v2"))];
    StepContext ctx(arena);
    for (size_t i = path.size(); i-- > 0;) {
      const internal::CompiledMigration& m = rep.migrations[path[i]];
      Value complement;
      if (auto it = complements.find(id + " " + m.info.id); it != complements.end()) {
        complement = test::ParseJson(it->second, arena);
      }
      ASSERT_OK(m.steps->ApplyBackward(doc, complement, ctx));
    }
    ASSERT_EQ(ToJson(doc), original) << id;
    ++checked;
  }
  EXPECT_EQ(checked, g.count - stats.expected_rejects);
}

}  // namespace
}  // namespace ferry
