// Copyright (c) the Ferry authors.
#include <filesystem>

#include "ferry/generate.h"
#include "ferry/run.h"
#include "util/test_util.h"

namespace ferry {
namespace {

class RunTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = test::NewTempDir("run_test");
    GenerateOptions g;
    g.count = 3000;
    g.seed = 17;
    ASSERT_OK(GenerateWorkouts(g, dir_ + "/in.jsonl", "", nullptr));
    auto p = Project::Load(test::SourceDir() + "/examples/workouts");
    ASSERT_OK(p.status());
    project_ = std::move(p).value();
  }
  RunOptions Options(const std::string& out) {
    RunOptions o;
    o.source = dir_ + "/in.jsonl";
    o.target = dir_ + "/" + out;
    o.state = dir_ + "/state.db";
    return o;
  }
  std::string dir_;
  std::unique_ptr<Project> project_;
};

TEST_F(RunTest, OutputKeepsInputOrderWhateverTheThreadsAndBatchSize) {
  RunOptions base = Options("base.jsonl");
  base.pipeline.threads = 1;
  base.pipeline.batch_size = 3000;
  auto r = ferry::Run(*project_, base);
  ASSERT_OK(r.status());
  ASSERT_OK(r->final_status);
  std::string expected = test::ReadFile(base.target);
  for (uint32_t threads : {2u, 4u}) {
    for (uint32_t batch : {1u, 13u, 50u}) {
      RunOptions o = Options("o.jsonl");
      o.pipeline.threads = threads;
      o.pipeline.batch_size = batch;
      auto r2 = ferry::Run(*project_, o);
      ASSERT_OK(r2.status());
      EXPECT_EQ(test::ReadFile(o.target), expected) << threads << " threads, batch " << batch;
      EXPECT_EQ(r2->input, r->input);
      EXPECT_EQ(r2->batches, (r->input + batch - 1) / batch);
    }
  }
}

TEST_F(RunTest, ReportCountsAddUp) {
  auto r = ferry::Run(*project_, Options("o.jsonl"));
  ASSERT_OK(r.status());
  EXPECT_EQ(r->input, 3000u);
  EXPECT_EQ(r->input, r->migrated + r->already_at_target + r->rejected + r->filtered);
  EXPECT_EQ(r->filtered, 0u);
  uint64_t by_code = 0;
  for (const auto& [code, n] : r->rejects_by_code) by_code += n;
  EXPECT_EQ(by_code, r->rejected);
  EXPECT_EQ(r->status, "completed");
}

TEST_F(RunTest, DryRunCreatesNoFile) {
  RunOptions o = Options("never.jsonl");
  o.outputs.rejects = dir_ + "/never.rej";
  o.outputs.complements = dir_ + "/never.comp";
  o.dry_run = true;
  auto r = ferry::Run(*project_, o);
  ASSERT_OK(r.status());
  EXPECT_FALSE(std::filesystem::exists(o.target));
  EXPECT_FALSE(std::filesystem::exists(o.outputs.rejects));
  EXPECT_FALSE(std::filesystem::exists(o.outputs.complements));
  size_t files = 0;
  for (auto& e : std::filesystem::directory_iterator(dir_)) files += e.is_regular_file() ? 1 : 0;
  EXPECT_EQ(files, 1u);  // in.jsonl only
  EXPECT_GT(r->fields_added.size(), 0u);
}

// Cancels the run from the first progress event (as a SIGINT handler would).
class CancelOnProgress : public EventSink {
 public:
  explicit CancelOnProgress(std::atomic<bool>* flag) : flag_(flag) {}
  void OnEvent(const Event& e) override {
    if (e.type == EventType::kProgress) flag_->store(true);
  }

 private:
  std::atomic<bool>* flag_;
};

TEST_F(RunTest, CancelStopsAtABatchBoundaryAndTheSameRunResumesToTheFullOutput) {
  std::atomic<bool> cancel{false};
  CancelOnProgress sink(&cancel);
  RunOptions o = Options("c.jsonl");
  o.pipeline.batch_size = 10;
  o.pipeline.threads = 2;
  o.control.cancel = &cancel;
  o.control.events = &sink;
  o.control.progress_interval_ms = 0;
  auto r = ferry::Run(*project_, o);
  ASSERT_OK(r.status());
  EXPECT_TRUE(r->final_status.IsCancelled()) << r->final_status.ToString();
  EXPECT_EQ(r->status, "cancelled");
  EXPECT_LT(r->input, 3000u);
  EXPECT_EQ(r->input % 10, 0u);
  EXPECT_FALSE(std::filesystem::exists(o.target));

  std::atomic<bool> no_cancel{false};
  o.control.cancel = &no_cancel;
  o.control.events = nullptr;
  auto resumed = ferry::Run(*project_, o);
  ASSERT_OK(resumed.status());
  ASSERT_OK(resumed->final_status);
  EXPECT_TRUE(resumed->resumed);
  EXPECT_EQ(resumed->run_id, r->run_id);
  EXPECT_EQ(resumed->resumed_at, r->input);
  EXPECT_EQ(resumed->input, 3000u);

  RunOptions full = Options("full.jsonl");
  ASSERT_OK(ferry::Run(*project_, full).status());
  EXPECT_EQ(test::ReadFile(full.target), test::ReadFile(o.target));
}

TEST_F(RunTest, StopPolicyFailsOnFirstRejectAndPublishesNothing) {
  RunOptions o = Options("s.jsonl");
  o.validation.on_error = ErrorPolicy::kStop;
  o.outputs.rejects = dir_ + "/s.rej";
  auto r = ferry::Run(*project_, o);
  ASSERT_OK(r.status());
  EXPECT_FALSE(r->final_status.ok());
  EXPECT_NE(r->final_status.message().find("rejected"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(o.target));
  EXPECT_TRUE(std::filesystem::exists(o.outputs.rejects));
}

TEST_F(RunTest, RefusesToOverwriteTheSource) {
  RunOptions o = Options("x");
  o.target = o.source;
  auto r = ferry::Run(*project_, o);
  EXPECT_TRUE(r.status().IsInvalidArgument());
  o.target.clear();
  EXPECT_TRUE(ferry::Run(*project_, o).status().IsInvalidArgument());
}

TEST_F(RunTest, PresetsSetBatchSizeValidationAndPolicy) {
  RunOptions o;
  ASSERT_OK(ApplyPreset("safe", &o));
  EXPECT_EQ(o.pipeline.batch_size, 10u);
  EXPECT_EQ(o.validation.on_error, ErrorPolicy::kStop);
  ASSERT_OK(ApplyPreset("fast", &o));
  EXPECT_EQ(o.pipeline.batch_size, 500u);
  EXPECT_FALSE(o.validation.before);
  EXPECT_TRUE(o.validation.after);
  ASSERT_OK(ApplyPreset("recommended", &o));
  EXPECT_EQ(o.pipeline.batch_size, 50u);
  EXPECT_EQ(o.validation.on_error, ErrorPolicy::kSkip);
  EXPECT_TRUE(ApplyPreset("reckless", &o).IsInvalidArgument());
}

TEST(KeyForMessageTest, ShortKeysShowWhole) {
  EXPECT_EQ(KeyForMessage("wk-00000001"), "wk-00000001");
  EXPECT_EQ(KeyForMessage(std::string(64, 'k')), std::string(64, 'k'));
}

TEST(KeyForMessageTest, LongKeysAreCutAtACharacterBoundaryWithTheirLength) {
  EXPECT_EQ(KeyForMessage(std::string(50000, 'u')), std::string(64, 'u') + "... (50000 bytes)");
  // 63 ASCII bytes, then a 2-byte character across the 64-byte mark.
  const std::string key = std::string(63, 'a') + "\xC3\xA9" + std::string(10, 'b');
  EXPECT_EQ(KeyForMessage(key), std::string(63, 'a') + "... (75 bytes)");
}

}  // namespace
}  // namespace ferry
