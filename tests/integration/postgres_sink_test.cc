// Copyright (c) the Ferry authors.
// The PostgreSQL sink: rows and checkpoint in one transaction, fencing,
// conflict policies, in-place updates, retries over a lost connection, and
// documents that need escaping in COPY.

#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>

#include "postgres_test_util.h"

namespace ferry::internal {
namespace {

using test::MakeBatch;
using test::PgTest;
using Records = std::vector<std::pair<std::string, std::string>>;
using Policy = SinkOptions::OnConflict;

class PgSinkTest : public PgTest {
 protected:
  void SetUp() override {
    PgTest::SetUp();
    if (HasFatalFailure()) return;
    run_id_ = "run-" + table_;
    if (Value1("SELECT to_regclass('ferry.checkpoints') IS NOT NULL") == "t") {
      ASSERT_OK(db_->Exec("DELETE FROM ferry.checkpoints WHERE run_id = $1", {run_id_}));
    }
  }

  SinkOptions Options(Policy policy = Policy::kOverwrite, const std::string& owner = "owner-1") {
    SinkOptions o;
    o.run_id = run_id_;
    o.owner = owner;
    o.version = "v2";
    o.on_conflict = policy;
    o.retries = 3;
    return o;
  }

  std::unique_ptr<RecordSink> StartSink(const SinkOptions& o, const Checkpoint* from = nullptr,
                                        const std::string& extra = "") {
    auto sink = OpenPostgresSink(Store(table_, extra));
    EXPECT_TRUE(sink.ok()) << sink.status().ToString();
    if (!sink.ok()) return nullptr;
    Status s = sink.value()->Start(o, from);
    EXPECT_TRUE(s.ok()) << s.ToString();
    return s.ok() ? std::move(sink).value() : nullptr;
  }

  Checkpoint Cp(uint64_t seq, const std::string& position) {
    Checkpoint cp;
    cp.run_id = run_id_;
    cp.seq = seq;
    cp.position = position;
    cp.records = seq * 10;
    cp.counters = "{\"seq\":" + std::to_string(seq) + "}";
    return cp;
  }

  // Loads `records` into the table as another, finished run would.
  void Prefill(const Records& records, const std::string& version = "v1") {
    ASSERT_OK(db_->Exec("CREATE TABLE IF NOT EXISTS " + table_ +
                        " (key text PRIMARY KEY, version text, document jsonb NOT NULL,"
                        " updated_at timestamptz NOT NULL DEFAULT now())"));
    for (const auto& [k, d] : records) {
      ASSERT_OK(db_->Exec("INSERT INTO " + table_ + " (key, version, document) VALUES ($1, $2, $3::jsonb)",
                          {k, version, d}));
    }
  }

  std::string Count() { return Value1("SELECT count(*) FROM " + table_); }
  // Whether the row holds `doc` (jsonb equality).
  bool Holds(const std::string& key, const std::string& doc) {
    return Value1("SELECT coalesce((SELECT document = $2::jsonb FROM " + table_ + " WHERE key = $1), false)",
                  {key, doc}) == "t";
  }
  std::string Doc(const std::string& key) {
    return Value1("SELECT document::text FROM " + table_ + " WHERE key = $1", {key});
  }
  uint64_t SavedSeq() {
    return uint64_t(ToInt(Value1("SELECT seq FROM ferry.checkpoints WHERE run_id = $1", {run_id_})));
  }

  std::string run_id_;
};

TEST_F(PgSinkTest, FreshLoadCommitsRowsWithTheCheckpoint) {
  auto sink = StartSink(Options());
  ASSERT_NE(sink, nullptr);
  // Start created the table as Ferry's tables are.
  EXPECT_EQ(Value1("SELECT string_agg(column_name || ' ' || data_type || ' ' || is_nullable, ', '"
                   " ORDER BY ordinal_position) FROM information_schema.columns WHERE table_name = $1",
                   {table_}),
            "key text NO, version text YES, document jsonb NO, updated_at timestamp with time zone NO");

  ASSERT_OK(sink->Stage(MakeBatch({{"a", R"({"id":"a","n":1})"}, {"b", R"({"id":"b","n":2})"}})));
  ASSERT_OK(sink->Stage(MakeBatch({{"c", R"({"id":"c","n":3})"}})));
  // Staged is not committed.
  EXPECT_EQ(Count(), "0");
  Checkpoint cp = Cp(1, "c");
  ASSERT_OK(sink->Commit(&cp, nullptr));
  EXPECT_EQ(Count(), "3");
  EXPECT_TRUE(Holds("b", R"({"n":2,"id":"b"})"));
  EXPECT_EQ(Value1("SELECT count(*) FROM " + table_ + " WHERE version = 'v2' AND updated_at > now() - interval '1 hour'"),
            "3");
  EXPECT_EQ(sink->conflicts(), 0u);
  EXPECT_EQ(sink->bytes_written(), 3 * std::string(R"({"id":"a","n":1})").size());

  auto loaded = sink->LoadCheckpoint(run_id_);
  ASSERT_OK(loaded.status());
  ASSERT_TRUE(loaded.value().has_value());
  EXPECT_EQ(loaded.value()->seq, 1u);
  EXPECT_EQ(loaded.value()->position, "c");
  EXPECT_EQ(loaded.value()->records, 10u);
  EXPECT_EQ(loaded.value()->counters, "{\"seq\":1}");

  // A commit with nothing staged still moves the checkpoint.
  Checkpoint cp2 = Cp(2, "c");
  ASSERT_OK(sink->Commit(&cp2, nullptr));
  EXPECT_EQ(SavedSeq(), 2u);
  ASSERT_OK(sink->Publish());
  sink->Close();

  // Another process sees the checkpoint before it starts.
  auto other = OpenPostgresSink(Store(table_));
  ASSERT_OK(other.status());
  auto seen = other.value()->LoadCheckpoint(run_id_);
  ASSERT_OK(seen.status());
  ASSERT_TRUE(seen.value().has_value());
  EXPECT_EQ(seen.value()->seq, 2u);
  auto none = other.value()->LoadCheckpoint("no-such-run");
  ASSERT_OK(none.status());
  EXPECT_FALSE(none.value().has_value());
}

TEST_F(PgSinkTest, AResumedRunContinuesAfterItsCheckpoint) {
  auto sink = StartSink(Options());
  ASSERT_NE(sink, nullptr);
  ASSERT_OK(sink->Stage(MakeBatch({{"a", R"({"n":1})"}})));
  Checkpoint cp = Cp(1, "a");
  ASSERT_OK(sink->Commit(&cp, nullptr));
  ASSERT_OK(sink->Stage(MakeBatch({{"b", R"({"n":2})"}})));  // never committed: the process dies
  sink->Close();

  auto resumed = OpenPostgresSink(Store(table_));
  ASSERT_OK(resumed.status());
  auto from = resumed.value()->LoadCheckpoint(run_id_);
  ASSERT_OK(from.status());
  ASSERT_TRUE(from.value().has_value());
  EXPECT_EQ(from.value()->position, "a");
  EXPECT_EQ(Count(), "1");
  ASSERT_OK(resumed.value()->Start(Options(Policy::kOverwrite, "owner-2"), &*from.value()));
  ASSERT_OK(resumed.value()->Stage(MakeBatch({{"b", R"({"n":2})"}, {"c", R"({"n":3})"}})));
  Checkpoint cp2 = Cp(2, "c");
  ASSERT_OK(resumed.value()->Commit(&cp2, nullptr));
  EXPECT_EQ(Count(), "3");
  EXPECT_EQ(SavedSeq(), 2u);
}

// A commit that fails leaves neither its rows nor its checkpoint: on the
// direct path (empty target) and on the staged path (rows already there).
TEST_F(PgSinkTest, AFailedCommitLeavesNeitherRowsNorCheckpoint) {
  for (bool prefilled : {false, true}) {
    SCOPED_TRACE(prefilled ? "staged path" : "direct path");
    ASSERT_OK(db_->Exec("DROP TABLE IF EXISTS " + table_));
    if (prefilled) Prefill({{"z", R"({"z":1})"}});
    auto sink = StartSink(Options());
    ASSERT_NE(sink, nullptr);
    ASSERT_OK(sink->Stage(MakeBatch({{"a", R"({"n":1})"}, {"b", R"({"n":2)"}, {"c", R"({"n":3})"}})));
    Checkpoint cp = Cp(1, "c");
    Status s = sink->Commit(&cp, nullptr);
    EXPECT_EQ(s.code(), ErrorCode::kIoError) << s.ToString();
    EXPECT_NE(s.message().find("22P02"), std::string::npos) << s.message();
    EXPECT_EQ(Count(), prefilled ? "1" : "0");
    EXPECT_EQ(SavedSeq(), 0u);
    auto loaded = sink->LoadCheckpoint(run_id_);
    ASSERT_OK(loaded.status());
    ASSERT_TRUE(loaded.value().has_value());  // claimed, never saved
    EXPECT_EQ(loaded.value()->seq, 0u);
    sink->Close();
  }
}

TEST_F(PgSinkTest, AnotherOwnerFencesTheSinkOff) {
  for (bool prefilled : {false, true}) {
    SCOPED_TRACE(prefilled ? "staged path" : "direct path");
    ASSERT_OK(db_->Exec("DROP TABLE IF EXISTS " + table_));
    if (prefilled) Prefill({{"z", R"({"z":1})"}});
    auto sink = StartSink(Options(Policy::kOverwrite, "owner-1"));
    ASSERT_NE(sink, nullptr);
    ASSERT_OK(sink->Stage(MakeBatch({{"a", R"({"n":1})"}})));
    Checkpoint cp = Cp(1, "a");
    ASSERT_OK(sink->Commit(&cp, nullptr));

    // Another process takes the run over.
    CheckpointTable other(db_.get(), "ferry.checkpoints");
    ASSERT_OK(other.Claim(run_id_, "owner-2"));

    ASSERT_OK(sink->Stage(MakeBatch({{"b", R"({"n":2})"}, {"c", R"({"n":3})"}})));
    Checkpoint cp2 = Cp(2, "c");
    Status s = sink->Commit(&cp2, nullptr);
    EXPECT_EQ(s.code(), ErrorCode::kLocked) << s.ToString();
    EXPECT_EQ(Count(), prefilled ? "2" : "1");
    EXPECT_EQ(Value1("SELECT count(*) FROM " + table_ + " WHERE key IN ('b', 'c')"), "0");
    EXPECT_EQ(SavedSeq(), 1u);
    sink->Close();
    ASSERT_OK(db_->Exec("DELETE FROM ferry.checkpoints WHERE run_id = $1", {run_id_}));
  }
}

// The target holds a and b; the run writes a (different), b (same) and c (new).
struct ConflictCase {
  Policy policy;
  std::string expected_a;
  ErrorCode code;
};

class PgSinkConflictTest : public PgSinkTest, public ::testing::WithParamInterface<ConflictCase> {};

TEST_P(PgSinkConflictTest, AppliesThePolicy) {
  const ConflictCase& c = GetParam();
  Prefill({{"a", R"({"x":1,"y":{"p":1,"q":1}})"}, {"b", R"({"x":1})"}});
  auto sink = StartSink(Options(c.policy));
  ASSERT_NE(sink, nullptr);
  ASSERT_OK(sink->Stage(MakeBatch({{"a", R"({"x":2,"y":{"p":2},"z":2})"}, {"b", R"({ "x" : 1 })"},
                                   {"c", R"({"x":3})"}})));
  Checkpoint cp = Cp(1, "c");
  Status s = sink->Commit(&cp, nullptr);
  EXPECT_EQ(s.code(), c.code) << s.ToString();
  if (!s.ok()) {
    EXPECT_NE(s.message().find("'a'"), std::string::npos) << s.message();
    EXPECT_EQ(Count(), "2");
    EXPECT_EQ(SavedSeq(), 0u);
    EXPECT_EQ(sink->conflicts(), 0u);
    return;
  }
  EXPECT_EQ(sink->conflicts(), 1u);
  EXPECT_EQ(Count(), "3");
  EXPECT_TRUE(Holds("a", c.expected_a)) << Doc("a");
  EXPECT_TRUE(Holds("b", R"({"x":1})"));
  EXPECT_TRUE(Holds("c", R"({"x":3})"));
  EXPECT_EQ(SavedSeq(), 1u);
  // b was not rewritten: same document and the version updated.
  EXPECT_EQ(Value1("SELECT version FROM " + table_ + " WHERE key = 'b'"), "v2");
  EXPECT_EQ(Value1("SELECT version FROM " + table_ + " WHERE key = 'a'"),
            c.policy == Policy::kSkip ? "v1" : "v2");
}

INSTANTIATE_TEST_SUITE_P(
    Policies, PgSinkConflictTest,
    ::testing::Values(ConflictCase{Policy::kOverwrite, R"({"x":2,"y":{"p":2},"z":2})", ErrorCode::kOk},
                      ConflictCase{Policy::kSkip, R"({"x":1,"y":{"p":1,"q":1}})", ErrorCode::kOk},
                      ConflictCase{Policy::kMerge, R"({"x":2,"y":{"p":2,"q":1},"z":2})", ErrorCode::kOk},
                      ConflictCase{Policy::kFail, "", ErrorCode::kConflict}),
    [](const ::testing::TestParamInfo<ConflictCase>& info) {
      switch (info.param.policy) {
        case Policy::kOverwrite: return std::string("overwrite");
        case Policy::kSkip: return std::string("skip");
        case Policy::kMerge: return std::string("merge");
        case Policy::kFail: return std::string("fail");
      }
      return std::string("unknown");
    });

TEST_F(PgSinkTest, MergePreferringTheTarget) {
  Prefill({{"a", R"({"x":1,"y":{"p":1}})"}});
  SinkOptions o = Options(Policy::kMerge);
  o.prefer_source = false;
  auto sink = StartSink(o);
  ASSERT_NE(sink, nullptr);
  ASSERT_OK(sink->Stage(MakeBatch({{"a", R"({"x":2,"y":{"p":2,"r":2}})"}})));
  Checkpoint cp = Cp(1, "a");
  ASSERT_OK(sink->Commit(&cp, nullptr));
  EXPECT_TRUE(Holds("a", R"({"x":1,"y":{"p":1,"r":2}})")) << Doc("a");
  EXPECT_EQ(sink->conflicts(), 1u);
}

// The target was empty, so the sink COPYs straight into it; a key the run
// already wrote makes it fall back to the staged path, which sees the conflict.
TEST_F(PgSinkTest, TheDirectPathFallsBackWhenAKeyExists) {
  auto sink = StartSink(Options(Policy::kSkip));
  ASSERT_NE(sink, nullptr);
  ASSERT_OK(sink->Stage(MakeBatch({{"a", R"({"n":1})"}, {"b", R"({"n":2})"}})));
  Checkpoint cp = Cp(1, "b");
  ASSERT_OK(sink->Commit(&cp, nullptr));
  ASSERT_OK(sink->Stage(MakeBatch({{"a", R"({"n":10})"}, {"c", R"({"n":3})"}})));
  Checkpoint cp2 = Cp(2, "c");
  ASSERT_OK(sink->Commit(&cp2, nullptr));
  EXPECT_EQ(Count(), "3");
  EXPECT_TRUE(Holds("a", R"({"n":1})"));
  EXPECT_EQ(sink->conflicts(), 1u);
  EXPECT_EQ(SavedSeq(), 2u);
}

// Commits switch between the staged and the direct path as existing keys
// come and go; the result is the same as one path alone.
TEST_F(PgSinkTest, PathSwitchesKeepTheResultExact) {
  Prefill({{"k00", R"({"n":0})"}, {"k50", R"({"n":50,"old":true})"}});
  auto sink = StartSink(Options(Policy::kOverwrite));
  ASSERT_NE(sink, nullptr);
  uint64_t seq = 0;
  auto commit = [&](const Records& records) {
    ASSERT_OK(sink->Stage(MakeBatch(records)));
    Checkpoint cp = Cp(++seq, records.back().first);
    ASSERT_OK(sink->Commit(&cp, nullptr));
  };
  commit({{"k01", R"({"n":1})"}, {"k02", R"({"n":2})"}});     // staged (table not empty), no existing key
  commit({{"k03", R"({"n":3})"}});                            // direct
  commit({{"k04", R"({"n":4})"}, {"k50", R"({"n":50})"}});    // direct fails on k50: staged, 1 conflict
  commit({{"k05", R"({"n":5})"}, {"k00", R"({"n":0})"}});     // staged: k00 exists (same document)
  for (int i = 6; i < 12; ++i) commit({{"k" + std::to_string(i + 10), "{\"n\":" + std::to_string(i) + "}"}});
  commit({{"k00", R"({"n":-1})"}});                           // direct again by now: fails, staged
  EXPECT_EQ(Count(), "13");
  EXPECT_EQ(sink->conflicts(), 2u);
  EXPECT_TRUE(Holds("k50", R"({"n":50})"));
  EXPECT_TRUE(Holds("k00", R"({"n":-1})"));
  EXPECT_TRUE(Holds("k21", R"({"n":11})"));
  EXPECT_EQ(Value1("SELECT count(*) FROM " + table_ + " WHERE version = 'v2'"), "13");
  EXPECT_EQ(SavedSeq(), seq);
}

TEST_F(PgSinkTest, AKeyTwiceInOneCommit) {
  for (Policy policy : {Policy::kOverwrite, Policy::kSkip, Policy::kMerge, Policy::kFail}) {
    SCOPED_TRACE(int(policy));
    ASSERT_OK(db_->Exec("DROP TABLE IF EXISTS " + table_));
    auto sink = StartSink(Options(policy));
    ASSERT_NE(sink, nullptr);
    ASSERT_OK(sink->Stage(MakeBatch({{"a", R"({"x":1,"y":1})"}, {"b", R"({"n":2})"}})));
    ASSERT_OK(sink->Stage(MakeBatch({{"a", R"({"x":2})"}, {"b", R"({"n":2})"}})));
    Checkpoint cp = Cp(1, "b");
    Status s = sink->Commit(&cp, nullptr);
    if (policy == Policy::kFail) {
      EXPECT_EQ(s.code(), ErrorCode::kConflict) << s.ToString();
      EXPECT_EQ(Count(), "0");
      continue;
    }
    ASSERT_OK(s);
    EXPECT_EQ(Count(), "2");
    EXPECT_EQ(sink->conflicts(), 1u);
    const char* expected = policy == Policy::kOverwrite ? R"({"x":2})"
                           : policy == Policy::kSkip    ? R"({"x":1,"y":1})"
                                                        : R"({"x":2,"y":1})";
    EXPECT_TRUE(Holds("a", expected)) << Doc("a");
    ASSERT_OK(db_->Exec("DELETE FROM ferry.checkpoints WHERE run_id = $1", {run_id_}));
  }
}

TEST_F(PgSinkTest, InPlaceUpdatesTheSameRows) {
  Prefill({{"a", R"({"v":1,"name":"a"})"}, {"b", R"({"v":1,"name":"b"})"}, {"c", R"({"v":2,"name":"c"})"}});
  // Read the table, as a run migrating it in place does.
  auto reader = OpenPostgresReader(Store(table_));
  ASSERT_OK(reader.status());
  RecordBatchInput in;
  bool eof = false;
  ASSERT_OK(reader.value()->ReadBatch(10, &in, &eof));
  ASSERT_EQ(in.records.size(), 3u);

  SinkOptions o = Options();
  o.in_place = true;
  auto sink = StartSink(o);
  ASSERT_NE(sink, nullptr);
  ASSERT_OK(sink->Stage(MakeBatch({{"a", R"({"v":2,"name":"A"})"}, {"b", R"({"v":2,"name":"B"})"}},
                                  {std::string(in.Token(0)), std::string(in.Token(1))})));
  Checkpoint cp = Cp(1, in.end_position);
  ASSERT_OK(sink->Commit(&cp, nullptr));
  EXPECT_EQ(sink->conflicts(), 0u);
  EXPECT_EQ(sink->concurrent_changes(), 0u);
  EXPECT_EQ(Count(), "3");
  EXPECT_TRUE(Holds("a", R"({"v":2,"name":"A"})"));
  EXPECT_TRUE(Holds("b", R"({"v":2,"name":"B"})"));
  EXPECT_TRUE(Holds("c", R"({"v":2,"name":"c"})"));
  EXPECT_EQ(Value1("SELECT string_agg(version, ',' ORDER BY key) FROM " + table_), "v2,v2,v1");
  EXPECT_EQ(SavedSeq(), 1u);
}

// Hands changed rows back migrated ("name" upper-cased by hand), and
// records what it was asked.
class UpcaseHooks : public CommitHooks {
 public:
  void Begin() override { seen.clear(); }
  Result<std::vector<std::optional<std::string>>> Reprocess(const std::vector<ChangedRow>& rows) override {
    std::vector<std::optional<std::string>> out;
    for (const ChangedRow& r : rows) {
      seen.push_back(r.key + "=" + (r.now ? r.now->document : "(deleted)"));
      if (r.now) out.emplace_back(R"({"v": 2, "name": "NEW"})");
      else out.emplace_back();
    }
    return out;
  }
  Status WriteAhead(const std::vector<std::optional<TargetRow>>&, Checkpoint*) override {
    ++write_aheads;
    return Status::OK();
  }
  std::vector<std::string> seen;
  int write_aheads = 0;
};

TEST_F(PgSinkTest, InPlaceNeverOverwritesARowChangedAfterTheRead) {
  Prefill({{"a", R"({"v":1,"name":"a"})"}, {"b", R"({"v":1,"name":"b"})"}, {"c", R"({"v":1,"name":"c"})"}});
  auto reader = OpenPostgresReader(Store(table_));
  ASSERT_OK(reader.status());
  RecordBatchInput in;
  bool eof = false;
  ASSERT_OK(reader.value()->ReadBatch(10, &in, &eof));
  ASSERT_EQ(in.records.size(), 3u);
  // The application writes b and deletes c after the run read them.
  ASSERT_OK(db_->Exec("UPDATE " + table_ + " SET document = '{\"v\":1,\"name\":\"new\"}' WHERE key = 'b'"));
  ASSERT_OK(db_->Exec("DELETE FROM " + table_ + " WHERE key = 'c'"));

  SinkOptions o = Options();
  o.in_place = true;
  for (bool with_hooks : {false, true}) {
    SCOPED_TRACE(with_hooks ? "reprocessed" : "left alone");
    auto sink = StartSink(o);
    ASSERT_NE(sink, nullptr);
    ASSERT_OK(sink->Stage(MakeBatch({{"a", R"({"v":2,"name":"A"})"}, {"b", R"({"v":2,"name":"B"})"},
                                     {"c", R"({"v":2,"name":"C"})"}},
                                    {std::string(in.Token(0)), std::string(in.Token(1)), std::string(in.Token(2))})));
    UpcaseHooks hooks;
    Checkpoint cp = Cp(with_hooks ? 2 : 1, in.end_position);
    ASSERT_OK(sink->Commit(&cp, with_hooks ? &hooks : nullptr));
    EXPECT_EQ(sink->concurrent_changes(), with_hooks ? 3u : 2u);  // a changed too, by the first pass
    EXPECT_EQ(Count(), "2");  // c stays deleted
    if (with_hooks) {
      EXPECT_TRUE(Holds("b", R"({"v":2,"name":"NEW"})")) << Doc("b");
      EXPECT_EQ(hooks.write_aheads, 1);
      ASSERT_EQ(hooks.seen.size(), 3u);
      EXPECT_EQ(hooks.seen[2], "c=(deleted)");
    } else {
      EXPECT_TRUE(Holds("a", R"({"v":2,"name":"A"})")) << Doc("a");
      EXPECT_TRUE(Holds("b", R"({"v":1,"name":"new"})")) << Doc("b");
    }
  }
}

// Backslashes, tabs, newlines, carriage returns and unicode, in documents
// (escaped inside strings, raw between tokens) and in keys.
TEST_F(PgSinkTest, DocumentsNeedingEscapesSurviveCopyExactly) {
  const Records records = {
      {"plain", R"({"s":"abc"})"},
      {"back\\slash", R"({"path":"C:\\dir\\file","re":"\\d+\\.\\d*","q":"say \"hi\"","end":"\\"})"},
      {"tab\tkey", "{\"t\":\"a\\tb\",\t\"n\":\"line1\\nline2\\r\\n\"}"},
      {"new\nline\r\nkey", "{\n  \"pretty\": [1,\r\n 2],\n\t\"x\": {\"y\": null}\n}"},
      {"ünïcødé 日本 😀", R"({"u":"ünïcødé 日本 😀","e":"\u00e9\u65e5\ud83d\ude00","c":"\u0001\u001f"})"},
      {"\\.", R"({"copy_end_marker":"\\."})"},
      {"big", "{\"s\":\"" + std::string(3 << 20, 'x') + "\\\\\\t\"}"},
  };
  for (bool prefilled : {false, true}) {
    SCOPED_TRACE(prefilled ? "staged path" : "direct path");
    ASSERT_OK(db_->Exec("DROP TABLE IF EXISTS " + table_));
    if (prefilled) Prefill({{"zzz", R"({"z":1})"}});
    auto sink = StartSink(Options());
    ASSERT_NE(sink, nullptr);
    ASSERT_OK(sink->Stage(MakeBatch(records)));
    Checkpoint cp = Cp(1, "x");
    ASSERT_OK(sink->Commit(&cp, nullptr));
    EXPECT_EQ(Count(), std::to_string(records.size() + (prefilled ? 1 : 0)));
    for (const auto& [key, doc] : records) {
      EXPECT_TRUE(Holds(key, doc)) << key << " -> " << Doc(key).substr(0, 200);
    }
    EXPECT_EQ(sink->conflicts(), 0u);
    ASSERT_OK(db_->Exec("DELETE FROM ferry.checkpoints WHERE run_id = $1", {run_id_}));
  }
}

TEST_F(PgSinkTest, ACommitSurvivesALostConnection) {
  const std::string app = "ferry_sink_" + std::to_string(::getpid());
  for (bool prefilled : {false, true}) {
    SCOPED_TRACE(prefilled ? "staged path" : "direct path");
    ASSERT_OK(db_->Exec("DROP TABLE IF EXISTS " + table_));
    if (prefilled) Prefill({{"z", R"({"z":1})"}});
    auto sink = StartSink(Options(), nullptr, "&application_name=" + app);
    ASSERT_NE(sink, nullptr);
    ASSERT_OK(sink->Stage(MakeBatch({{"a", R"({"n":1})"}, {"b", R"({"n":2})"}})));
    EXPECT_EQ(Value1("SELECT bool_and(pg_terminate_backend(pid, 10000)) FROM pg_stat_activity"
                     " WHERE application_name = $1", {app}),
              "t");
    Checkpoint cp = Cp(1, "b");
    ASSERT_OK(sink->Commit(&cp, nullptr));
    EXPECT_EQ(Count(), prefilled ? "3" : "2");
    EXPECT_EQ(SavedSeq(), 1u);
    // The retried commit landed once; the next one works on the new session.
    ASSERT_OK(sink->Stage(MakeBatch({{"c", R"({"n":3})"}})));
    Checkpoint cp2 = Cp(2, "c");
    ASSERT_OK(sink->Commit(&cp2, nullptr));
    EXPECT_EQ(Count(), prefilled ? "4" : "3");
    sink->Close();
    ASSERT_OK(db_->Exec("DELETE FROM ferry.checkpoints WHERE run_id = $1", {run_id_}));
  }
}

// The connection goes while COMMIT runs (a deferred trigger keeps it busy):
// the outcome is unknown to the sink, which finds out from the checkpoint
// that nothing landed and commits again, once.
TEST_F(PgSinkTest, ALostCommitIsRetriedExactlyOnce) {
  const std::string app = "ferry_sink_commit_" + std::to_string(::getpid());
  auto sink = StartSink(Options(), nullptr, "&application_name=" + app);
  ASSERT_NE(sink, nullptr);
  const std::string gate = table_ + "_gate";
  ASSERT_OK(db_->Exec("DROP TABLE IF EXISTS " + gate + "; CREATE TABLE " + gate + " (x int); INSERT INTO " + gate +
                      " VALUES (1);"
                      "CREATE OR REPLACE FUNCTION " + table_ + "_slow() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                      " IF EXISTS (SELECT 1 FROM " + gate + ") THEN PERFORM pg_sleep(60); END IF; RETURN NULL; END $$;"
                      "CREATE CONSTRAINT TRIGGER slow AFTER INSERT ON " + table_ +
                      " DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION " + table_ + "_slow()"));
  ASSERT_OK(sink->Stage(MakeBatch({{"a", R"({"n":1})"}, {"b", R"({"n":2})"}})));
  Checkpoint cp = Cp(1, "b");
  Status committed;
  std::thread committer([&] { committed = sink->Commit(&cp, nullptr); });
  // Wait until the sink sits in COMMIT, then open the gate and cut the connection.
  bool seen = false;
  for (int i = 0; i < 200 && !seen; ++i) {
    seen = Value1("SELECT count(*) FROM pg_stat_activity WHERE application_name = $1 AND query = 'COMMIT'"
                  " AND state = 'active'", {app}) == "1";
    if (!seen) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_TRUE(seen);
  ASSERT_OK(db_->Exec("DELETE FROM " + gate));
  EXPECT_EQ(Value1("SELECT bool_and(pg_terminate_backend(pid, 10000)) FROM pg_stat_activity"
                   " WHERE application_name = $1", {app}),
            "t");
  committer.join();
  ASSERT_OK(committed);
  EXPECT_EQ(Count(), "2");
  EXPECT_EQ(SavedSeq(), 1u);
  ASSERT_OK(db_->Exec("DROP TABLE " + table_ + "; DROP TABLE " + gate + "; DROP FUNCTION " + table_ + "_slow()"));
}

// A user that may write the table and the checkpoints but create nothing
// (PostgreSQL 15 no longer lets everyone create in schema public).
TEST_F(PgSinkTest, AWriterWithoutCreatePrivilegesLoadsAnExistingTable) {
  {
    auto owner = StartSink(Options());  // an earlier run created the tables
    ASSERT_NE(owner, nullptr);
  }
  ASSERT_OK(db_->Exec("DO $$ BEGIN CREATE ROLE ferry_test_writer LOGIN; EXCEPTION WHEN duplicate_object THEN NULL;"
                      " END $$; GRANT SELECT, INSERT, UPDATE ON " + table_ + " TO ferry_test_writer;"
                      " GRANT USAGE ON SCHEMA ferry TO ferry_test_writer;"
                      " GRANT SELECT, INSERT, UPDATE ON ferry.checkpoints TO ferry_test_writer"));
  std::string uri = uri_;
  const size_t user = uri.find("://postgres@");
  ASSERT_NE(user, std::string::npos) << uri;
  uri.replace(user, 12, "://ferry_test_writer@");
  auto store = ParseStoreUri(uri + "?table=" + table_, "unused");
  ASSERT_OK(store.status());
  auto sink = OpenPostgresSink(store.value());
  ASSERT_OK(sink.status());
  ASSERT_OK(sink.value()->Start(Options(Policy::kOverwrite, "owner-2"), nullptr));
  ASSERT_OK(sink.value()->Stage(MakeBatch({{"a", R"({"n":1})"}})));
  Checkpoint cp = Cp(1, "a");
  ASSERT_OK(sink.value()->Commit(&cp, nullptr));  // direct
  ASSERT_OK(sink.value()->Stage(MakeBatch({{"a", R"({"n":2})"}, {"b", R"({"n":2})"}})));
  Checkpoint cp2 = Cp(2, "b");
  ASSERT_OK(sink.value()->Commit(&cp2, nullptr));  // staged (temporary tables need no grant)
  EXPECT_EQ(Count(), "2");
  EXPECT_TRUE(Holds("a", R"({"n":2})"));
  EXPECT_EQ(sink.value()->conflicts(), 1u);
  // It really cannot create tables.
  auto writer = OpenPostgres(uri, RedactUri(uri));
  ASSERT_OK(writer.status());
  EXPECT_FALSE(writer.value()->Exec("CREATE TABLE " + table_ + "_x (a int)").ok());
}

TEST_F(PgSinkTest, ATableOfAnotherShapeIsRefused) {
  ASSERT_OK(db_->Exec("CREATE TABLE " + table_ + " (id text PRIMARY KEY, doc jsonb)"));
  auto sink = OpenPostgresSink(Store(table_));
  ASSERT_OK(sink.status());
  Status s = sink.value()->Start(Options(), nullptr);
  EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument) << s.ToString();
  EXPECT_NE(s.message().find(table_), std::string::npos);

  ASSERT_OK(db_->Exec("DROP TABLE " + table_ + "; CREATE TABLE " + table_ +
                      " (key text, version text, document jsonb NOT NULL, updated_at timestamptz)"));
  s = sink.value()->Start(Options(), nullptr);
  EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument) << s.ToString();
  EXPECT_NE(s.message().find("primary key"), std::string::npos) << s.message();
}

}  // namespace
}  // namespace ferry::internal
