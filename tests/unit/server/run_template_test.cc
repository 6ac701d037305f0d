// Copyright (c) the Ferry authors.
//
// POST /runs with `template` (server/operation_requests.h): the saved run
// template's flags fill the members the body lacks, members given win, and
// what the server cannot apply is INVALID_ARGUMENT naming it.

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "ferry/state.h"
#include "ferry/templates.h"
#include "server/operation_requests.h"
#include "util/test_util.h"

namespace ferry::server {
namespace {

class RunTemplateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    state_ = test::NewTempDir("run_template") + "/state.db";
    project_dir_ = test::SourceDir() + "/examples/workouts";
    auto projects = ServedProjects::Load({project_dir_});
    ASSERT_TRUE(projects.ok()) << projects.status().ToString();
    projects_ = std::move(projects).value();
  }

  void Save(const std::string& name, const std::string& command, const std::string& options) {
    auto st = State::Open(state_, "", /*create=*/true);
    ASSERT_TRUE(st.ok()) << st.status().ToString();
    Template t;
    t.command = command;
    t.options = options;
    Status s = SaveTemplate(**st, name, t, /*replace=*/true);
    ASSERT_TRUE(s.ok()) << s.ToString();
  }

  Result<OperationRequest> Run(const std::string& body) { return RunRequestFrom(body, projects_, state_); }

  std::string state_, project_dir_;
  ServedProjects projects_;
};

TEST_F(RunTemplateTest, FlagsFillWhatTheBodyLacksAndBodyMembersWin) {
  Save("t", "run", R"({"batch-size":"700","dry-run":true,"target":"t.jsonl","on-error":"collect","threads":"3"})");
  auto r = Run(R"({"project":"workouts","source":"in.jsonl","template":"t","target":"b.jsonl","threads":2})");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->kind, OperationKind::kDryRun);
  EXPECT_EQ(r->run.pipeline.batch_size, 700u);
  EXPECT_EQ(r->run.pipeline.threads, 2u);
  EXPECT_EQ(r->run.target, "b.jsonl");
  EXPECT_EQ(r->run.validation.on_error, ErrorPolicy::kCollect);
}

TEST_F(RunTemplateTest, ProjectPathStandsForTheProjectServedFromIt) {
  Save("p", "run", R"({"project":")" + project_dir_ + R"("})");
  auto r = Run(R"({"source":"in.jsonl","template":"p"})");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->project_dir, project_dir_);
}

TEST_F(RunTemplateTest, FlagWithoutMemberIsRefusedByName) {
  Save("odd", "run", R"({"throttle-ms":"5"})");
  auto r = Run(R"({"project":"workouts","source":"in.jsonl","template":"odd"})");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("throttle-ms"), std::string::npos) << r.status().message();
}

TEST_F(RunTemplateTest, BadValueIsRefusedNamingTheFlag) {
  Save("bad", "run", R"({"batch-size":"many"})");
  auto r = Run(R"({"project":"workouts","source":"in.jsonl","template":"bad"})");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("batch-size"), std::string::npos) << r.status().message();
}

TEST_F(RunTemplateTest, TemplateForAnotherCommandOrUnknownIsRefused) {
  Save("exp", "export", "{}");
  auto other = Run(R"({"project":"workouts","source":"in.jsonl","template":"exp"})");
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(other.status().message().find("export"), std::string::npos);
  auto unknown = Run(R"({"project":"workouts","source":"in.jsonl","template":"none"})");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().code(), ErrorCode::kNotFound);
  auto invalid = Run(R"({"project":"workouts","source":"in.jsonl","template":"../x"})");
  ASSERT_FALSE(invalid.ok());
  EXPECT_EQ(invalid.status().code(), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace ferry::server
