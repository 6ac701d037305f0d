// Copyright (c) the Ferry authors.
//
// The operations registry (ferry/operation.h) on real files and SQLite:
// concurrent operations, cancel and resume by id, reconnecting subscribers,
// history across a restart.

#include <set>
#include <thread>

#include "ferry/generate.h"
#include "ferry/operation.h"
#include "store/sql.h"
#include "util/test_util.h"

namespace ferry {
namespace {

using std::chrono::milliseconds;

class OperationsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = test::NewTempDir("operations_test");
    GenerateOptions g;
    g.count = 6000;
    g.seed = 29;
    ASSERT_OK(GenerateWorkouts(g, dir_ + "/in.jsonl", "", nullptr));
    auto p = Project::Load(test::SourceDir() + "/examples/workouts");
    ASSERT_OK(p.status());
    project_ = std::shared_ptr<const Project>(std::move(p).value());
  }

  OperationRequest Request(OperationKind kind, const std::string& source, const std::string& target) {
    OperationRequest r;
    r.kind = kind;
    r.project = project_;
    r.run.source = source;
    r.run.target = target;
    r.run.state = dir_ + "/state.db";
    r.run.pipeline.batch_size = 100;
    r.run.as_is = kind == OperationKind::kExport;
    return r;
  }

  std::unique_ptr<Operations> Open(uint32_t threads = 2) {
    OperationsOptions o;
    o.state = dir_ + "/ops.db";
    o.threads = threads;
    auto ops = Operations::Open(o);
    EXPECT_TRUE(ops.ok()) << ops.status().ToString();
    return std::move(ops).value();
  }

  // Runs `r` alone (through the registry) and returns its final snapshot.
  OperationSnapshot RunAlone(Operations& ops, OperationRequest r) {
    auto id = ops.Start(std::move(r));
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    auto done = ops.Wait(*id);
    EXPECT_TRUE(done.ok());
    return *done;
  }

  // A table's rows as JSONL, in key order (an export of it).
  std::string Dump(Operations& ops, const std::string& table_uri, const std::string& name) {
    auto done = RunAlone(ops, Request(OperationKind::kExport, table_uri, dir_ + "/" + name + ".jsonl"));
    EXPECT_EQ(done.state, OperationState::kCompleted) << done.status.ToString();
    return test::ReadFile(dir_ + "/" + name + ".jsonl");
  }

  std::string dir_;
  std::shared_ptr<const Project> project_;
};

TEST_F(OperationsTest, ThreeOperationsAtOnceGiveWhatEachGivesAlone) {
  auto ops = Open();
  const std::string in = dir_ + "/in.jsonl";
  // The export's source: a table written beforehand.
  ASSERT_EQ(RunAlone(*ops, Request(OperationKind::kImport, in, "sqlite:" + dir_ + "/src.db#w")).state,
            OperationState::kCompleted);
  auto alone_file = RunAlone(*ops, Request(OperationKind::kRun, in, dir_ + "/alone.jsonl"));
  auto alone_table = RunAlone(*ops, Request(OperationKind::kRun, in, "sqlite:" + dir_ + "/alone.db#w"));
  auto alone_export = RunAlone(*ops, Request(OperationKind::kExport, "sqlite:" + dir_ + "/src.db#w",
                                             dir_ + "/alone-export.jsonl"));

  std::vector<std::string> ids;
  for (auto r : {Request(OperationKind::kRun, in, dir_ + "/together.jsonl"),
                 Request(OperationKind::kRun, in, "sqlite:" + dir_ + "/together.db#w"),
                 Request(OperationKind::kExport, "sqlite:" + dir_ + "/src.db#w", dir_ + "/together-export.jsonl")}) {
    auto id = ops->Start(r);
    ASSERT_OK(id.status());
    ids.push_back(*id);
  }
  EXPECT_GE(ops->Active().size(), 1u) << "Start returns at once, before the operations end";
  std::vector<OperationSnapshot> together;
  for (const auto& id : ids) together.push_back(ops->Wait(id).value());
  for (const auto& s : together) ASSERT_EQ(s.state, OperationState::kCompleted) << s.ToJson();

  EXPECT_EQ(test::ReadFile(dir_ + "/together.jsonl"), test::ReadFile(dir_ + "/alone.jsonl"));
  EXPECT_EQ(test::ReadFile(dir_ + "/together-export.jsonl"), test::ReadFile(dir_ + "/alone-export.jsonl"));
  EXPECT_EQ(Dump(*ops, "sqlite:" + dir_ + "/together.db#w", "together-dump"),
            Dump(*ops, "sqlite:" + dir_ + "/alone.db#w", "alone-dump"));
  const std::vector<const OperationSnapshot*> alone = {&alone_file, &alone_table, &alone_export};
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(together[i].counters.processed, alone[i]->counters.processed);
    EXPECT_EQ(together[i].counters.migrated, alone[i]->counters.migrated);
    EXPECT_EQ(together[i].counters.rejected, alone[i]->counters.rejected);
    EXPECT_EQ(together[i].counters.rejected_by_code, alone[i]->counters.rejected_by_code);
  }
  EXPECT_EQ(alone_file.counters.processed, 6000u);
  EXPECT_GT(alone_file.counters.rejected, 0u) << "the generated data holds malformed records";
}

// Cancels `id` once it has processed some records but not all.
void CancelMidway(Operations& ops, const std::string& id) {
  for (int i = 0; i < 2000; ++i) {
    auto s = ops.Get(id);
    ASSERT_OK(s.status());
    if (s->counters.processed > 0) break;
    std::this_thread::sleep_for(milliseconds(5));
  }
  ASSERT_OK(ops.Cancel(id));
}

TEST_F(OperationsTest, CancelledOperationResumedByIdEndsAsAnUninterruptedOne) {
  auto ops = Open();
  const std::string in = dir_ + "/in.jsonl";
  for (const std::string kind : {"file", "sqlite"}) {
    SCOPED_TRACE(kind);
    const std::string whole = kind == "file" ? dir_ + "/whole.jsonl" : "sqlite:" + dir_ + "/whole.db#w";
    const std::string cut = kind == "file" ? dir_ + "/cut.jsonl" : "sqlite:" + dir_ + "/cut.db#w";
    auto uninterrupted = RunAlone(*ops, Request(OperationKind::kRun, in, whole));
    ASSERT_EQ(uninterrupted.state, OperationState::kCompleted);

    OperationRequest slow = Request(OperationKind::kRun, in, cut);
    slow.run.pipeline.throttle_ms = 20;  // 60 batches: about 1.2 s, time to cancel midway
    slow.run.durability.commit_records = 500;
    slow.run.durability.commit_interval_ms = 10;
    auto id = ops->Start(slow);
    ASSERT_OK(id.status());
    CancelMidway(*ops, *id);
    auto cancelled = ops->Wait(*id);
    ASSERT_EQ(cancelled->state, OperationState::kCancelled) << cancelled->ToJson();
    EXPECT_EQ(cancelled->status.code(), ErrorCode::kCancelled);
    EXPECT_LT(cancelled->counters.processed, 6000u) << "the cancel came before the end";
    EXPECT_FALSE(cancelled->run_id.empty());

    ASSERT_OK(ops->Resume(*id));
    auto resumed = ops->Wait(*id);
    ASSERT_EQ(resumed->state, OperationState::kCompleted) << resumed->ToJson();
    EXPECT_EQ(resumed->id, *id);
    EXPECT_EQ(resumed->run_id, cancelled->run_id) << "the same run continued";
    EXPECT_EQ(resumed->resumes, 1u);
    if (kind == "file") {
      EXPECT_EQ(test::ReadFile(dir_ + "/cut.jsonl"), test::ReadFile(dir_ + "/whole.jsonl"));
    } else {
      EXPECT_EQ(Dump(*ops, cut, "cut-dump"), Dump(*ops, whole, "whole-dump"));
    }
  }
}

TEST_F(OperationsTest, OperationOfAnEarlierProcessResumesByIdWithItsRequestGivenAgain) {
  const std::string in = dir_ + "/in.jsonl";
  const std::string cut = "sqlite:" + dir_ + "/cut.db#w";
  OperationRequest slow = Request(OperationKind::kRun, in, cut);
  slow.run.pipeline.throttle_ms = 20;
  slow.run.durability.commit_records = 500;
  slow.run.durability.commit_interval_ms = 10;
  std::string id;
  OperationSnapshot cancelled;
  {
    auto ops = Open();
    auto started = ops->Start(slow);
    ASSERT_OK(started.status());
    id = *started;
    CancelMidway(*ops, id);
    cancelled = ops->Wait(id).value();
    ASSERT_EQ(cancelled.state, OperationState::kCancelled) << cancelled.ToJson();
  }
  auto ops = Open();  // a new process: only the history knows the operation
  EXPECT_EQ(ops->Resume(id).code(), ErrorCode::kNotFound);
  EXPECT_EQ(ops->Resume(id, Request(OperationKind::kImport, in, cut)).code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(ops->Resume(id, Request(OperationKind::kRun, in, dir_ + "/other.jsonl")).code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(ops->Resume("op-unknown", slow).code(), ErrorCode::kNotFound);
  slow.run.pipeline.throttle_ms = 0;
  ASSERT_OK(ops->Resume(id, slow));
  auto resumed = ops->Wait(id);
  ASSERT_EQ(resumed->state, OperationState::kCompleted) << resumed->ToJson();
  EXPECT_EQ(resumed->run_id, cancelled.run_id) << "the same run continued";
  EXPECT_EQ(resumed->resumes, 1u);
  EXPECT_GT(resumed->last_seq, cancelled.last_seq) << "events numbered on";
  auto report = ReportOf<RunReport>(*resumed);
  ASSERT_OK(report.status());
  EXPECT_TRUE(report->resumed);
  EXPECT_EQ(ops->Resume(id, slow).code(), ErrorCode::kInvalidArgument) << "a completed one does not resume";
  auto whole = RunAlone(*ops, Request(OperationKind::kRun, in, "sqlite:" + dir_ + "/whole.db#w"));
  ASSERT_EQ(whole.state, OperationState::kCompleted);
  EXPECT_EQ(Dump(*ops, cut, "cut-dump"), Dump(*ops, "sqlite:" + dir_ + "/whole.db#w", "whole-dump"));
}

TEST_F(OperationsTest, ReconnectingSubscriberMissesNoEventAndSeesNoneTwice) {
  auto ops = Open();
  OperationRequest r = Request(OperationKind::kRun, dir_ + "/in.jsonl", dir_ + "/out.jsonl");
  r.run.pipeline.throttle_ms = 5;
  r.run.control.progress_interval_ms = 1;
  auto id = ops->Start(r);
  ASSERT_OK(id.status());

  std::mutex mu;
  std::vector<uint64_t> seen;
  std::atomic<bool> done{false};
  // First connection: drops after 5 events (returns false).
  auto first = ops->Subscribe(*id, 0, [&](const OperationEvent& e) {
    std::lock_guard<std::mutex> lock(mu);
    seen.push_back(e.seq);
    return seen.size() < 5;
  });
  ASSERT_OK(first.status());
  while (true) {
    std::lock_guard<std::mutex> lock(mu);
    if (seen.size() >= 5) break;
  }
  ops->Unsubscribe(*first);
  std::this_thread::sleep_for(milliseconds(50));  // events go on while it is away
  // Reconnects with the last number it saw.
  auto second = ops->Subscribe(*id, seen.back(), [&](const OperationEvent& e) {
    std::lock_guard<std::mutex> lock(mu);
    seen.push_back(e.seq);
    if (e.event.type == EventType::kOperationFinished) done = true;
    return true;
  });
  ASSERT_OK(second.status());
  auto final_snapshot = ops->Wait(*id);
  while (!done) std::this_thread::sleep_for(milliseconds(5));
  ops->Unsubscribe(*second);

  ASSERT_EQ(seen.size(), final_snapshot->last_seq);
  for (size_t i = 0; i < seen.size(); ++i) EXPECT_EQ(seen[i], i + 1) << "event " << i;
  auto all = ops->Events(*id, 0);
  ASSERT_OK(all.status());
  EXPECT_EQ(all->size(), seen.size());
  EXPECT_EQ(all->back().event.type, EventType::kOperationFinished);
  EXPECT_EQ(all->back().state, OperationState::kCompleted);
  bool progress_with_counts = false;
  for (const auto& e : *all) {
    if (e.event.type == EventType::kProgress && e.event.migrated > 0) progress_with_counts = true;
  }
  EXPECT_TRUE(progress_with_counts) << "progress events carry the per-outcome counters";
}

TEST_F(OperationsTest, HistorySurvivesARestartOfTheProcess) {
  std::string id;
  OperationSnapshot finished;
  {
    auto ops = Open();
    auto started = ops->Start(Request(OperationKind::kRun, dir_ + "/in.jsonl", dir_ + "/out.jsonl"));
    ASSERT_OK(started.status());
    id = *started;
    finished = ops->Wait(id).value();
    ASSERT_EQ(finished.state, OperationState::kCompleted);
  }
  auto reopened = Open();
  EXPECT_TRUE(reopened->Active().empty());
  auto history = reopened->History(10);
  ASSERT_OK(history.status());
  ASSERT_EQ(history->size(), 1u);
  const OperationSnapshot& h = (*history)[0];
  EXPECT_EQ(h.id, id);
  EXPECT_EQ(h.kind, OperationKind::kRun);
  EXPECT_EQ(h.state, OperationState::kCompleted);
  EXPECT_EQ(h.run_id, finished.run_id);
  EXPECT_EQ(h.counters.processed, 6000u);
  EXPECT_EQ(h.counters.rejected_by_code, finished.counters.rejected_by_code);
  EXPECT_EQ(h.result_json, finished.result_json);
  auto got = reopened->Get(id);
  ASSERT_OK(got.status());
  EXPECT_EQ(got->finished_at, finished.finished_at);
  EXPECT_EQ(reopened->Get("op-unknown").status().code(), ErrorCode::kNotFound);
}

TEST_F(OperationsTest, HistoryOfAStateWrittenBeforeLastSeqGainsIt) {
  {
    // The `operations` table as the first Ferry with operations made it.
    auto db = internal::OpenSqlite(dir_ + "/ops.db");
    ASSERT_OK(db.status());
    ASSERT_OK((*db)->Exec(
        "CREATE TABLE operations (id TEXT PRIMARY KEY, kind TEXT NOT NULL, state TEXT NOT NULL,"
        " created_at TEXT NOT NULL, started_at TEXT NOT NULL, finished_at TEXT NOT NULL, project TEXT NOT NULL,"
        " source TEXT NOT NULL, target TEXT NOT NULL, run_id TEXT NOT NULL, resumes BIGINT NOT NULL,"
        " code TEXT NOT NULL, message TEXT NOT NULL, counters TEXT NOT NULL, result TEXT NOT NULL);"
        "INSERT INTO operations VALUES ('op-old', 'run', 'cancelled', '2026-01-01T00:00:00Z', '', '', '', 'a',"
        " 'b', 'r1', 0, 'CANCELLED', 'stopped', '{}', '')"));
  }
  auto ops = Open();
  auto old = ops->Get("op-old");
  ASSERT_OK(old.status());
  EXPECT_EQ(old->state, OperationState::kCancelled);
  EXPECT_EQ(old->last_seq, 0u);
  auto id = ops->Start(Request(OperationKind::kRun, dir_ + "/in.jsonl", dir_ + "/out.jsonl"));
  ASSERT_OK(id.status());
  auto done = ops->Wait(*id);
  ASSERT_EQ(done->state, OperationState::kCompleted) << done->status.ToString();
  const uint64_t last = done->last_seq;
  ops.reset();  // its threads joined: the history saved
  EXPECT_EQ(Open()->Get(*id)->last_seq, last);
}

TEST_F(OperationsTest, TwoOperationsOnOneTargetTheSecondIsLocked) {
  auto ops = Open();
  OperationRequest slow = Request(OperationKind::kRun, dir_ + "/in.jsonl", "sqlite:" + dir_ + "/t.db#w");
  slow.run.pipeline.throttle_ms = 20;
  auto first = ops->Start(slow);
  ASSERT_OK(first.status());
  for (int i = 0; i < 2000 && ops->Get(*first)->counters.processed == 0; ++i) std::this_thread::sleep_for(milliseconds(5));
  auto second = ops->Start(Request(OperationKind::kRun, dir_ + "/in.jsonl", "sqlite:" + dir_ + "/t.db#w"));
  ASSERT_OK(second.status());
  auto refused = ops->Wait(*second);
  EXPECT_EQ(refused->state, OperationState::kFailed);
  EXPECT_EQ(refused->status.code(), ErrorCode::kLocked) << refused->status.ToString();
  ASSERT_OK(ops->Cancel(*first));
  EXPECT_EQ(ops->Wait(*first)->state, OperationState::kCancelled);
}

TEST_F(OperationsTest, EveryKindEndsWithTheReportItsDirectCallGives) {
  auto ops = Open();
  const std::string in = dir_ + "/in.jsonl", table = "sqlite:" + dir_ + "/r.db#w";
  // analyze: the report Analyze() gives, typed.
  auto analyzed = RunAlone(*ops, Request(OperationKind::kAnalyze, in, ""));
  auto direct = Analyze(*project_, Request(OperationKind::kAnalyze, in, "").run);
  ASSERT_OK(direct.status());
  auto typed = ReportOf<AnalyzeReport>(analyzed);
  ASSERT_OK(typed.status());
  typed->seconds = direct->seconds;  // timed: the only member that differs
  EXPECT_EQ(typed->ToJson(*project_), direct->ToJson(*project_));
  EXPECT_EQ(ReportOf<RunReport>(analyzed).status().code(), ErrorCode::kInternal);
  // A run into a table, then its rollback: a RollbackReport naming the run.
  auto run = RunAlone(*ops, Request(OperationKind::kRun, in, table));
  ASSERT_EQ(run.state, OperationState::kCompleted) << run.status.ToString();
  ASSERT_OK(ReportOf<RunReport>(run).status());
  OperationRequest back;
  back.kind = OperationKind::kRollback;
  back.project = project_;
  back.rollback.run_id = run.run_id;
  back.rollback.target = table;
  back.rollback.state = dir_ + "/state.db";
  auto rolled = RunAlone(*ops, back);
  ASSERT_EQ(rolled.state, OperationState::kCompleted) << rolled.status.ToString();
  auto rollback = ReportOf<RollbackReport>(rolled);
  ASSERT_OK(rollback.status());
  EXPECT_EQ(rollback->impact.run_id, run.run_id);
  EXPECT_EQ(rollback->status, "completed");
  EXPECT_EQ(rollback->deleted, ReportOf<RunReport>(run)->migrated + ReportOf<RunReport>(run)->already_at_target);
  // A failure has no report: ReportOf gives the failure.
  auto failed = RunAlone(*ops, Request(OperationKind::kAnalyze, dir_ + "/missing.jsonl", ""));
  EXPECT_EQ(ReportOf<AnalyzeReport>(failed).status().code(), failed.status.code());
  EXPECT_FALSE(failed.status.ok());
}

TEST_F(OperationsTest, RequestWithoutProjectIsRefused) {
  auto ops = Open();
  OperationRequest r;
  r.kind = OperationKind::kRun;
  auto id = ops->Start(r);
  EXPECT_EQ(id.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(ops->Cancel("op-none").code(), ErrorCode::kNotFound);
}

}  // namespace
}  // namespace ferry
