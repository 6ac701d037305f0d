// Copyright (c) the Ferry authors.
//
// Oracle test of the workouts generator: the peers' reference migration
// (../shared/peers/peers/migrate.mjs, Node.js) must reject exactly the
// documents the generator says it will, for the reasons it gives, and
// ../shared/peers/check_outputs.py must accept the result (every accepted
// document equal to the Python reference mapping). Skipped when `node` or
// `python3` is not installed.

#include <sys/wait.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "ferry/generate.h"
#include "util/test_util.h"

namespace ferry {
namespace {

std::string Quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) {
    if (c == '\'') {
      q += "'\\''";
    } else {
      q += c;
    }
  }
  return q + "'";
}

bool HaveProgram(const std::string& name) {
  return std::system(("command -v " + name + " >/dev/null 2>&1").c_str()) == 0;
}

// Runs `command` through the shell with stdout and stderr in `log`; returns
// the exit code (-1 when it did not exit normally).
int RunShell(const std::string& command, const std::string& log) {
  const int status = std::system((command + " >" + Quote(log) + " 2>&1").c_str());
  return status != -1 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

class WorkoutsGeneratorOracleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!HaveProgram("node")) GTEST_SKIP() << "node (Node.js 20) not found on PATH";
    if (!HaveProgram("python3")) GTEST_SKIP() << "python3 not found on PATH";
    dir_ = test::NewTempDir("workouts_generator_oracle_test");
    peers_ = test::SharedDir() + "/peers";
  }

  // Removes the temp dir unless the test failed (then it is kept to inspect).
  void TearDown() override {
    if (!dir_.empty() && !HasFailure()) std::filesystem::remove_all(dir_);
  }

  void Generate(uint64_t count, uint64_t seed, WorkoutsScenario scenario,
                const std::string& out, const std::string& rejects, GenerateStats* stats) {
    GenerateOptions options;
    options.count = count;
    options.seed = seed;
    options.scenario = scenario;
    ASSERT_OK(GenerateWorkouts(options, out, rejects, stats));
  }

  // node migrate.mjs IN OUT REJ
  void MigrateWithNode(const std::string& in, const std::string& out, const std::string& rej) {
    const std::string log = dir_ + "/node.log";
    const int rc = RunShell("node " + Quote(peers_ + "/peers/migrate.mjs") + " " + Quote(in) + " " +
                           Quote(out) + " " + Quote(rej),
                       log);
    ASSERT_EQ(rc, 0) << test::ReadFile(log);
  }

  // Generates, migrates with the Node peer and runs check_outputs.py.
  void CheckAgainstPeer(uint64_t count, uint64_t seed, WorkoutsScenario scenario) {
    const std::string in = dir_ + "/in.jsonl";
    const std::string expect = dir_ + "/expect_rejects.jsonl";
    const std::string out = dir_ + "/node_out.jsonl";
    const std::string rej = dir_ + "/node_rejects.jsonl";
    GenerateStats stats;
    ASSERT_NO_FATAL_FAILURE(Generate(count, seed, scenario, in, expect, &stats));
    ASSERT_NO_FATAL_FAILURE(MigrateWithNode(in, out, rej));

    const std::string log = dir_ + "/check.log";
    const int rc = RunShell("python3 " + Quote(peers_ + "/check_outputs.py") + " " + Quote(in) + " " +
                           Quote(expect) + " " + Quote("node:" + out + ":" + rej),
                       log);
    const std::string report = test::ReadFile(log);
    EXPECT_EQ(rc, 0) << report;
    EXPECT_NE(report.find("-> OK"), std::string::npos) << report;
    // The peer writes rejects in input order in the same format, so the lists
    // are equal byte for byte, not only as multisets.
    EXPECT_EQ(test::ReadFile(rej), test::ReadFile(expect));
    EXPECT_GT(stats.malformed, 0u);
  }

  std::string dir_;
  std::string peers_;
};

TEST_F(WorkoutsGeneratorOracleTest, MixedRejectsMatchTheNodePeer) {
  CheckAgainstPeer(20000, 7, WorkoutsScenario::kMixed);
}

TEST_F(WorkoutsGeneratorOracleTest, MalformedRejectsMatchTheNodePeer) {
  CheckAgainstPeer(2000, 7, WorkoutsScenario::kMalformed);
}

// The generator's own SPEC section 2 mapping (used for already-unified
// documents) agrees with the peer's: migrating all-valid(S) gives exactly
// already-migrated(S), byte for byte, and migrating that changes nothing.
TEST_F(WorkoutsGeneratorOracleTest, AlreadyMigratedIsTheNodeMigrationOfAllValid) {
  constexpr uint64_t kCount = 5000;
  constexpr uint64_t kSeed = 11;
  const std::string legacy = dir_ + "/legacy.jsonl";
  const std::string unified = dir_ + "/unified.jsonl";
  ASSERT_NO_FATAL_FAILURE(Generate(kCount, kSeed, WorkoutsScenario::kAllValid, legacy, "", nullptr));
  ASSERT_NO_FATAL_FAILURE(
      Generate(kCount, kSeed, WorkoutsScenario::kAlreadyMigrated, unified, "", nullptr));

  const std::string out = dir_ + "/migrated.jsonl";
  const std::string rej = dir_ + "/migrated_rejects.jsonl";
  ASSERT_NO_FATAL_FAILURE(MigrateWithNode(legacy, out, rej));
  EXPECT_TRUE(test::ReadFile(rej).empty());
  const std::string expected = test::ReadFile(unified);
  EXPECT_TRUE(test::ReadFile(out) == expected) << "node's migration of all-valid differs from "
                                                  "already-migrated: diff "
                                               << out << " " << unified;

  const std::string again = dir_ + "/again.jsonl";
  const std::string again_rej = dir_ + "/again_rejects.jsonl";
  ASSERT_NO_FATAL_FAILURE(MigrateWithNode(unified, again, again_rej));
  EXPECT_TRUE(test::ReadFile(again_rej).empty());
  EXPECT_TRUE(test::ReadFile(again) == expected) << "a run over already-migrated changed it";
}

}  // namespace
}  // namespace ferry
