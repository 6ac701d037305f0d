// Copyright (c) the Ferry authors.
#include <algorithm>
#include <filesystem>

#include <yaml-cpp/yaml.h>

#include "engine/yaml_value.h"
#include "ferry/project.h"
#include "ferry/schema.h"
#include "ferry/transform.h"
#include "util/test_util.h"

namespace ferry {
namespace {

class ProjectTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = test::NewTempDir("project_test");
    test::WriteFile(dir_ + "/s.json", R"({"type":"object"})");
  }
  Result<std::unique_ptr<Project>> Load(const std::string& yaml) {
    return Project::LoadFromString(yaml, dir_, "ferry.yaml");
  }
  std::vector<std::string> PathIds(const Project& p, const std::string& version) {
    std::vector<std::string> ids;
    for (size_t m : p.PathFrom(version)) ids.push_back(p.migrations()[m].id);
    return ids;
  }
  std::string dir_;
};

constexpr const char* kVersions = R"(collection: c
versions:
  a: { detect: { has: [a] }, schema: s.json }
  b: { detect: { has: [b] }, schema: s.json }
  c: { detect: { has: [c] }, schema: s.json }
  t: { detect: { has: [t] }, schema: s.json }
target: t
)";

TEST_F(ProjectTest, PathPrefersFewestMigrationsEvenIfLossy) {
  auto p = Load(std::string(kVersions) + R"(migrations:
  - { id: direct, from: a, to: t, steps: [ { remove: { field: x } } ] }
  - { id: a-b, from: a, to: b, steps: [ { rename: { from: a, to: b } } ] }
  - { id: b-t, from: b, to: t, steps: [ { rename: { from: b, to: t } } ] }
  - { id: c-t, from: c, to: t, steps: [] }
)");
  ASSERT_OK(p.status());
  EXPECT_EQ(PathIds(**p, "a"), std::vector<std::string>({"direct"}));
  EXPECT_TRUE((*p)->migrations()[0].lossy);
  EXPECT_FALSE((*p)->migrations()[1].lossy);
  EXPECT_TRUE(PathIds(**p, "t").empty());
}

TEST_F(ProjectTest, PathTieBrokenByFewerLossyThenByName) {
  auto p = Load(std::string(kVersions) + R"(migrations:
  - { id: a-b, from: a, to: b, steps: [ { remove: { field: x } } ] }
  - { id: b-t, from: b, to: t, steps: [] }
  - { id: a-c, from: a, to: c, steps: [ { rename: { from: a, to: c } } ] }
  - { id: c-t, from: c, to: t, steps: [] }
)");
  ASSERT_OK(p.status());
  EXPECT_EQ(PathIds(**p, "a"), std::vector<std::string>({"a-c", "c-t"}));

  auto q = Load(std::string(kVersions) + R"(migrations:
  - { id: z-first, from: a, to: b, steps: [] }
  - { id: b-t, from: b, to: t, steps: [] }
  - { id: a-c, from: a, to: c, steps: [] }
  - { id: c-t, from: c, to: t, steps: [] }
)");
  ASSERT_OK(q.status());
  EXPECT_EQ(PathIds(**q, "a"), std::vector<std::string>({"a-c", "c-t"}));
}

TEST_F(ProjectTest, DependsOnExcludesPathsWithoutTheDependency) {
  auto p = Load(std::string(kVersions) + R"(migrations:
  - { id: a-b, from: a, to: b, steps: [] }
  - { id: b-t, from: b, to: t, steps: [], depends_on: [a-b] }
  - { id: b-c, from: b, to: c, steps: [] }
  - { id: c-t, from: c, to: t, steps: [] }
)");
  ASSERT_OK(p.status());
  EXPECT_EQ(PathIds(**p, "a"), std::vector<std::string>({"a-b", "b-t"}));
  // From b, b-t is not allowed: its dependency a-b is not on b's path.
  EXPECT_EQ(PathIds(**p, "b"), std::vector<std::string>({"b-c", "c-t"}));
  EXPECT_EQ(PathIds(**p, "c"), std::vector<std::string>({"c-t"}));
}

TEST_F(ProjectTest, UnsatisfiableDependsOnMakesTheTargetUnreachable) {
  auto p = Load(std::string(kVersions) + R"(migrations:
  - { id: a-b, from: a, to: b, steps: [] }
  - { id: b-t, from: b, to: t, steps: [], depends_on: [a-b] }
  - { id: c-t, from: c, to: t, steps: [] }
)");
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().message().find("cannot be reached from version 'b'"), std::string::npos)
      << p.status().message();
  EXPECT_NE(p.status().message().find("depends on 'a-b'"), std::string::npos) << p.status().message();
}

TEST_F(ProjectTest, DependsOnCycleIsALoadError) {
  auto p = Load(std::string(kVersions) + R"(migrations:
  - { id: a-t, from: a, to: t, steps: [], depends_on: [b-t] }
  - { id: b-t, from: b, to: t, steps: [], depends_on: [a-t] }
  - { id: c-t, from: c, to: t, steps: [] }
)");
  ASSERT_FALSE(p.ok());
  EXPECT_TRUE(p.status().IsProjectError());
  EXPECT_NE(p.status().message().find("cycle"), std::string::npos) << p.status().message();
}

TEST_F(ProjectTest, UnknownDependencyNamesTheLineAndASuggestion) {
  auto p = Load(std::string(kVersions) + R"(migrations:
  - { id: a-t, from: a, to: t, steps: [] }
  - { id: b-t, from: b, to: t, steps: [], depends_on: [a-tt] }
  - { id: c-t, from: c, to: t, steps: [] }
)");
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().message().find("ferry.yaml:10:"), std::string::npos) << p.status().message();
  EXPECT_NE(p.status().message().find("did you mean 'a-t'"), std::string::npos) << p.status().message();
}

TEST_F(ProjectTest, UnreachableTargetIsALoadError) {
  auto p = Load(std::string(kVersions) + R"(migrations:
  - { id: a-t, from: a, to: t, steps: [] }
  - { id: b-t, from: b, to: t, steps: [] }
)");
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().message().find("cannot be reached from version 'c'"), std::string::npos)
      << p.status().message();
  EXPECT_NE(p.status().message().find("ferry.yaml:5:"), std::string::npos) << p.status().message();
}

TEST_F(ProjectTest, KeyDefaultsToIdAndExtensionKeysAreIgnored) {
  auto p = Load(R"(collection: c
x-notes: { anything: [goes] }
versions:
  t: { detect: { equals: { kind: 2 } }, schema: s.json }
target: t
)");
  ASSERT_OK(p.status());
  EXPECT_EQ((*p)->key(), "id");
  EXPECT_EQ((*p)->versions()[0].detector, "kind == 2");
}

TEST_F(ProjectTest, DetectorNeedsACondition) {
  auto p = Load(R"(collection: c
versions:
  t: { detect: {}, schema: s.json }
target: t
)");
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().message().find("has no condition"), std::string::npos) << p.status().message();
}

TEST_F(ProjectTest, LoadsTheBundledWorkoutsProject) {
  auto p = Project::Load(test::SourceDir() + "/examples/workouts");
  ASSERT_OK(p.status());
  EXPECT_EQ((*p)->target(), "unified-1");
  EXPECT_EQ((*p)->versions().size(), 5u);
  for (const char* v : {"strength", "conditioning", "hybrid", "agility"}) {
    ASSERT_EQ((*p)->PathFrom(v).size(), 1u) << v;
    EXPECT_TRUE((*p)->migrations()[(*p)->PathFrom(v)[0]].lossy) << v;
  }
}

TEST_F(ProjectTest, BundledProjectFileValidatesAgainstTheProjectFileSchema) {
  auto schema = CompileSchemaJson(test::ReadFile(test::SourceDir() + "/docs/ferry.schema.json"));
  ASSERT_OK(schema.status());
  Arena arena;
  YAML::Node root = YAML::LoadFile(test::SourceDir() + "/examples/workouts/ferry.yaml");
  auto doc = internal::YamlToValue(root, arena);
  ASSERT_OK(doc.status());
  std::vector<SchemaError> errors;
  EXPECT_TRUE((*schema)->Validate(doc.value(), &errors)) << (errors.empty() ? "" : errors[0].instance_pointer + ": " + errors[0].message);
  // And a typo is caught by the schema too.
  Value bad = test::ParseJson(R"({"collection":"c","versions":{"a":{"detect":{"hass":["x"]}}},"target":"a"})", arena);
  EXPECT_FALSE((*schema)->IsValid(bad));
}

TEST_F(ProjectTest, ProjectFileSchemaListsExactlyTheStepKinds) {
  Arena arena;
  Value schema = test::ParseJson(test::ReadFile(test::SourceDir() + "/docs/ferry.schema.json"), arena);
  const Value* kinds = ResolvePointer(schema, "/definitions/step/propertyNames/enum");
  ASSERT_NE(kinds, nullptr);
  std::vector<std::string> in_schema, in_library;
  for (const Value& k : *kinds) in_schema.emplace_back(k.AsString());
  for (const StepKindInfo& k : StepKinds()) in_library.emplace_back(k.name);
  std::sort(in_schema.begin(), in_schema.end());
  std::sort(in_library.begin(), in_library.end());
  EXPECT_EQ(in_schema, in_library);
}

}  // namespace
}  // namespace ferry
