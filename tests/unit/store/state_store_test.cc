// Copyright (c) the Ferry authors.
#include <sys/wait.h>
#include <unistd.h>

#include "store/state.h"
#include "util/test_util.h"

namespace ferry::internal {
namespace {

class StateStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = test::NewTempDir("state_store_test");
    auto s = StateStore::OpenSqlite(dir_ + "/state.db");
    ASSERT_OK(s.status());
    state_ = std::move(s).value();
  }
  std::string dir_;
  std::unique_ptr<StateStore> state_;
};

TEST_F(StateStoreTest, ASecondOwnerIsRefusedWhileTheLeaseIsLive) {
  std::string note;
  ASSERT_OK(state_->AcquireLease("file:/x", "run-1", "owner-1", 60000, &note));
  EXPECT_TRUE(note.empty());
  Status s = state_->AcquireLease("file:/x", "run-2", "owner-2", 60000, &note);
  EXPECT_EQ(s.code(), ErrorCode::kLocked) << s.ToString();
  EXPECT_NE(s.message().find("run-1"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("host " + HostName()), std::string::npos) << s.message();
  // Another resource is free.
  ASSERT_OK(state_->AcquireLease("file:/y", "run-2", "owner-2", 60000, &note));
  // The holder renews; after release the resource is free.
  ASSERT_OK(state_->Heartbeat("file:/x", "owner-1", 60000));
  ASSERT_OK(state_->ReleaseLease("file:/x", "owner-1"));
  ASSERT_OK(state_->AcquireLease("file:/x", "run-2", "owner-2", 60000, &note));
  EXPECT_EQ(state_->Heartbeat("file:/x", "owner-1", 60000).code(), ErrorCode::kLocked);
}

TEST_F(StateStoreTest, AnExpiredLeaseIsTakenOverAndTheOldOwnerLosesIt) {
  std::string note;
  ASSERT_OK(state_->AcquireLease("file:/x", "run-1", "owner-1", 1, &note));
  usleep(20000);
  ASSERT_OK(state_->AcquireLease("file:/x", "run-2", "owner-2", 60000, &note));
  EXPECT_NE(note.find("took over the lease of run run-1"), std::string::npos) << note;
  EXPECT_EQ(state_->Heartbeat("file:/x", "owner-1", 60000).code(), ErrorCode::kLocked);
}

TEST_F(StateStoreTest, CheckpointsAreFencedByTheirOwner) {
  CheckpointTable& t = state_->checkpoints();
  ASSERT_OK(t.Claim("run-1", "owner-1"));
  Checkpoint cp;
  cp.run_id = "run-1";
  cp.seq = 1;
  cp.position = "123:4";
  cp.records = 4;
  cp.counters = "{}";
  ASSERT_OK(t.Save(cp, "owner-1"));
  ASSERT_OK(t.Claim("run-1", "owner-2"));  // a takeover
  cp.seq = 2;
  EXPECT_EQ(t.Save(cp, "owner-1").code(), ErrorCode::kLocked);
  auto loaded = t.Load("run-1");
  ASSERT_OK(loaded.status());
  ASSERT_TRUE(loaded->has_value());
  EXPECT_EQ((*loaded)->seq, 1u);
  EXPECT_EQ((*loaded)->position, "123:4");
  EXPECT_FALSE(t.Load("run-9")->has_value());
}

TEST_F(StateStoreTest, UnfinishedRunsAreFoundPerResource) {
  RunRow r;
  r.run_id = "run-1";
  r.resource = "file:/x";
  r.collection = "c";
  r.source = "in.jsonl";
  r.target = "x";
  r.project = "p";
  r.status = "running";
  r.started_at = NowIso();
  r.host = HostName();
  r.user = "u";
  r.options = "{}";
  ASSERT_OK(state_->InsertRun(r));
  auto found = state_->FindUnfinished("file:/x");
  ASSERT_OK(found.status());
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->run_id, "run-1");
  EXPECT_FALSE(state_->FindUnfinished("file:/y")->has_value());
  ASSERT_OK(state_->FinishRun("run-1", "completed", "{}"));
  EXPECT_FALSE(state_->FindUnfinished("file:/x")->has_value());
}

TEST(RunProcessGoneTest, AliveOnlyWhileItsPidIsTheProcessThatStartedTheRun) {
  // This process, registered now: alive.
  EXPECT_FALSE(RunProcessGone(HostName(), ::getpid(), NowIso()));
  // Registered long before this process started: the pid was reused.
  EXPECT_TRUE(RunProcessGone(HostName(), ::getpid(), "2000-01-01T00:00:00.000Z"));
  // A child that exited: no process with its pid.
  const pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  ASSERT_GT(child, 0);
  ASSERT_EQ(::waitpid(child, nullptr, 0), child);
  EXPECT_TRUE(RunProcessGone(HostName(), child, NowIso()));
  // Another host's process cannot be judged from here.
  EXPECT_FALSE(RunProcessGone(HostName() + "-elsewhere", child, NowIso()));
}

}  // namespace
}  // namespace ferry::internal
