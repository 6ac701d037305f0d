// Copyright (c) the Ferry authors.
#include "engine/batch_processor.h"
#include "store/sql.h"
#include "store/state.h"
#include "store/store.h"
#include "util/test_util.h"

namespace ferry::internal {
namespace {

BatchResult Batch(const std::vector<std::pair<std::string, std::string>>& rows) {
  BatchResult b;
  for (const auto& [key, doc] : rows) {
    OutputRecord r;
    r.offset = uint32_t(b.output.size());
    b.output += doc;
    r.length = uint32_t(doc.size());
    b.output += "\n";
    r.key_offset = uint32_t(b.keys.size());
    b.keys += key;
    r.key_length = uint32_t(key.size());
    r.migrated = true;
    b.output_records.push_back(r);
  }
  return b;
}

class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = test::NewTempDir("sqlite_store_test");
    auto u = ParseStoreUri("sqlite:" + dir_ + "/data.db#items", "items");
    ASSERT_OK(u.status());
    uri_ = *u;
  }
  SinkOptions Options(const std::string& run, const std::string& owner) {
    SinkOptions o;
    o.run_id = run;
    o.owner = owner;
    o.version = "v2";
    return o;
  }
  std::vector<std::string> ReadAll() {
    auto reader = OpenStoreReader(uri_);
    EXPECT_OK(reader.status());
    std::vector<std::string> out;
    RecordBatchInput batch;
    bool eof = false;
    while (!eof) {
      EXPECT_OK((*reader)->ReadBatch(2, &batch, &eof));
      for (size_t i = 0; i < batch.records.size(); ++i) {
        out.push_back(std::string(batch.Key(i)) + "=" + std::string(batch.Record(i)));
      }
    }
    return out;
  }
  std::string dir_;
  StoreUri uri_;
};

TEST_F(SqliteStoreTest, ACommitWritesRowsAndCheckpointTogether) {
  auto sink = OpenStoreSink(uri_, false);
  ASSERT_OK(sink.status());
  ASSERT_OK((*sink)->Start(Options("r1", "o1"), nullptr));
  ASSERT_OK((*sink)->Stage(Batch({{"b", R"({"id":"b"})"}, {"a", R"({"id":"a"})"}})));
  Checkpoint cp;
  cp.run_id = "r1";
  cp.seq = 1;
  cp.position = "pos-1";
  cp.records = 2;
  cp.counters = "{}";
  ASSERT_OK((*sink)->Commit(&cp, nullptr));
  // Staged but never committed: not there.
  ASSERT_OK((*sink)->Stage(Batch({{"c", R"({"id":"c"})"}})));
  (*sink)->Close();
  EXPECT_EQ(ReadAll(), (std::vector<std::string>{R"(a={"id":"a"})", R"(b={"id":"b"})"}));
  auto again = OpenStoreSink(uri_, false);
  auto loaded = (*again)->LoadCheckpoint("r1");
  ASSERT_OK(loaded.status());
  ASSERT_TRUE(loaded->has_value());
  EXPECT_EQ((*loaded)->position, "pos-1");
}

TEST_F(SqliteStoreTest, ATakenOverRunCannotCommit) {
  auto first = OpenStoreSink(uri_, false);
  ASSERT_OK((*first)->Start(Options("r1", "o1"), nullptr));
  auto second = OpenStoreSink(uri_, false);
  ASSERT_OK((*second)->Start(Options("r1", "o2"), nullptr));
  ASSERT_OK((*first)->Stage(Batch({{"a", R"({"id":"a"})"}})));
  Checkpoint cp;
  cp.run_id = "r1";
  cp.seq = 1;
  cp.counters = "{}";
  EXPECT_EQ((*first)->Commit(&cp, nullptr).code(), ErrorCode::kLocked);
  (*first)->Close();
  (*second)->Close();
  EXPECT_TRUE(ReadAll().empty());
}

TEST_F(SqliteStoreTest, ReaderSeeksAfterAKey) {
  auto sink = OpenStoreSink(uri_, false);
  ASSERT_OK((*sink)->Start(Options("r1", "o1"), nullptr));
  ASSERT_OK((*sink)->Stage(Batch({{"a", "1"}, {"b", "2"}, {"c", "3"}, {"d", "4"}})));
  Checkpoint cp;
  cp.run_id = "r1";
  cp.counters = "{}";
  ASSERT_OK((*sink)->Commit(&cp, nullptr));
  (*sink)->Close();
  auto reader = OpenStoreReader(uri_);
  ASSERT_OK(reader.status());
  EXPECT_EQ((*reader)->total_records(), 4u);
  ASSERT_OK((*reader)->Seek("b", 2));
  RecordBatchInput batch;
  bool eof = false;
  ASSERT_OK((*reader)->ReadBatch(10, &batch, &eof));
  EXPECT_TRUE(eof);
  ASSERT_EQ(batch.records.size(), 2u);
  EXPECT_EQ(batch.Key(0), "c");
  EXPECT_EQ(batch.records[0].record, 3u);
  EXPECT_EQ(batch.end_position, "d");
}

// Records what the sink asked and answers with a fixed migrated document.
class FixedHooks : public CommitHooks {
 public:
  void Begin() override { seen.clear(); }
  Result<std::vector<std::optional<std::string>>> Reprocess(const std::vector<ChangedRow>& rows) override {
    std::vector<std::optional<std::string>> out;
    for (const ChangedRow& r : rows) {
      seen.push_back(r.key + "=" + (r.now ? r.now->document : "(deleted)"));
      if (r.now) out.emplace_back(R"({"id":")" + r.key + R"(","from":"new"})");
      else out.emplace_back();
    }
    return out;
  }
  Status WriteAhead(const std::vector<std::optional<TargetRow>>& rows, Checkpoint*) override {
    before = rows;
    return Status::OK();
  }
  std::vector<std::string> seen;
  std::vector<std::optional<TargetRow>> before;
};

TEST_F(SqliteStoreTest, InPlaceNeverOverwritesARowChangedAfterTheRead) {
  auto fill = OpenStoreSink(uri_, false);
  ASSERT_OK((*fill)->Start(Options("r0", "o0"), nullptr));
  ASSERT_OK((*fill)->Stage(Batch({{"a", R"({"id":"a"})"}, {"b", R"({"id":"b"})"}, {"c", R"({"id":"c"})"}})));
  Checkpoint cp0;
  cp0.run_id = "r0";
  cp0.counters = "{}";
  ASSERT_OK((*fill)->Commit(&cp0, nullptr));
  (*fill)->Close();
  // The run reads the rows; then the application changes b and deletes c.
  auto reader = OpenStoreReader(uri_);
  RecordBatchInput in;
  bool eof = false;
  ASSERT_OK((*reader)->ReadBatch(10, &in, &eof));
  ASSERT_EQ(in.records.size(), 3u);
  auto app = OpenSqlite(uri_.path);
  ASSERT_OK(app.status());
  ASSERT_OK((*app)->Exec(R"(UPDATE items SET document = '{"id":"b","app":1}' WHERE key = 'b')"));
  ASSERT_OK((*app)->Exec("DELETE FROM items WHERE key = 'c'"));

  SinkOptions o = Options("r1", "o1");
  o.in_place = true;
  auto sink = OpenStoreSink(uri_, false);
  ASSERT_OK((*sink)->Start(o, nullptr));
  BatchResult b = Batch({{"a", R"({"id":"a","v":2})"}, {"b", R"({"id":"b","v":2})"}, {"c", R"({"id":"c","v":2})"}});
  for (size_t i = 0; i < b.output_records.size(); ++i) {
    b.output_records[i].token_offset = uint32_t(b.tokens.size());
    b.output_records[i].token_length = uint32_t(in.Record(i).size());
    b.tokens += in.Record(i);  // SQLite: a row's token is its text as read
  }
  ASSERT_OK((*sink)->Stage(b));
  FixedHooks hooks;
  Checkpoint cp;
  cp.run_id = "r1";
  cp.seq = 1;
  cp.counters = "{}";
  ASSERT_OK((*sink)->Commit(&cp, &hooks));
  (*sink)->Close();
  EXPECT_EQ((*sink)->concurrent_changes(), 2u);
  EXPECT_EQ(hooks.seen, (std::vector<std::string>{R"(b={"id":"b","app":1})", "c=(deleted)"}));
  EXPECT_TRUE(hooks.before.empty());  // in place: the run read the rows itself
  EXPECT_EQ(ReadAll(), (std::vector<std::string>{R"(a={"id":"a","v":2})", R"(b={"id":"b","from":"new"})"}));
}

TEST_F(SqliteStoreTest, ALiveTableCommitHandsTheLockedRowsToTheJournal) {
  auto fill = OpenStoreSink(uri_, false);
  ASSERT_OK((*fill)->Start(Options("r0", "o0"), nullptr));
  ASSERT_OK((*fill)->Stage(Batch({{"a", R"({"id":"a"})"}})));
  Checkpoint cp0;
  cp0.run_id = "r0";
  cp0.counters = "{}";
  ASSERT_OK((*fill)->Commit(&cp0, nullptr));
  (*fill)->Close();
  auto sink = OpenStoreSink(uri_, false);
  ASSERT_OK((*sink)->Start(Options("r1", "o1"), nullptr));
  // Written by the application after the run started, before its commit.
  auto app = OpenSqlite(uri_.path);
  ASSERT_OK((*app)->Exec(R"(UPDATE items SET document = '{"id":"a","app":2}' WHERE key = 'a')"));
  ASSERT_OK((*sink)->Stage(Batch({{"a", R"({"id":"a","v":2})"}, {"z", R"({"id":"z"})"}})));
  FixedHooks hooks;
  Checkpoint cp;
  cp.run_id = "r1";
  cp.seq = 1;
  cp.counters = "{}";
  ASSERT_OK((*sink)->Commit(&cp, &hooks));
  ASSERT_EQ(hooks.before.size(), 2u);
  ASSERT_TRUE(hooks.before[0].has_value());
  EXPECT_EQ(hooks.before[0]->document, R"({"id":"a","app":2})");
  EXPECT_FALSE(hooks.before[1].has_value());
}

TEST_F(SqliteStoreTest, AMissingDatabaseOrTableIsNotFound) {
  auto missing = ParseStoreUri("sqlite:" + dir_ + "/nope.db#items", "items");
  EXPECT_TRUE(OpenStoreReader(*missing).status().IsNotFound());
  auto db = OpenSqlite(dir_ + "/empty.db");
  ASSERT_OK(db.status());
  auto no_table = ParseStoreUri("sqlite:" + dir_ + "/empty.db#items", "items");
  Status s = OpenStoreReader(*no_table).status();
  EXPECT_TRUE(s.IsNotFound()) << s.ToString();
  EXPECT_NE(s.message().find("items"), std::string::npos);
}

}  // namespace
}  // namespace ferry::internal
