// Copyright (c) the Ferry authors.
// The PostgreSQL record reader: key order, keyset pagination, Seek (resume),
// empty and missing tables, and retries over a lost connection.

#include <unistd.h>

#include <cstdio>
#include <string>

#include "postgres_test_util.h"

namespace ferry::internal {
namespace {

using test::PgTest;

class PgReaderTest : public PgTest {
 protected:
  void CreateTable(const std::string& table, int rows) {
    ASSERT_OK(db_->Exec("CREATE TABLE " + QuoteTable(table) +
                        " (key text PRIMARY KEY, version text, document jsonb NOT NULL,"
                        " updated_at timestamptz NOT NULL DEFAULT now())"));
    if (rows > 0) {
      ASSERT_OK(db_->Exec("INSERT INTO " + QuoteTable(table) +
                          " (key, version, document) SELECT 'k' || lpad(i::text, 3, '0'), 'v1',"
                          " jsonb_build_object('n', i, 's', repeat('x', i)) FROM generate_series(1, $1::int) i",
                          {SqlInt(rows)}));
    }
  }
  std::unique_ptr<RecordReader> Open(const std::string& table, const std::string& extra = "") {
    auto r = OpenPostgresReader(Store(table, extra));
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? std::move(r).value() : nullptr;
  }
  static std::string Key(int i) {
    char buf[16];
    std::snprintf(buf, sizeof(buf), "k%03d", i);
    return buf;
  }
};

TEST_F(PgReaderTest, ReadsInKeyOrderPageByPage) {
  CreateTable(table_, 25);
  auto reader = Open(table_);
  ASSERT_NE(reader, nullptr);
  EXPECT_EQ(reader->total_records(), 25u);
  EXPECT_GT(reader->total_bytes(), 25u * 8);

  RecordBatchInput batch;
  bool eof = false;
  int next = 1;
  std::vector<size_t> sizes;
  while (!eof) {
    ASSERT_OK(reader->ReadBatch(10, &batch, &eof));
    sizes.push_back(batch.records.size());
    for (size_t i = 0; i < batch.records.size(); ++i, ++next) {
      EXPECT_EQ(batch.Key(i), Key(next));
      EXPECT_EQ(batch.records[i].record, uint64_t(next));
      Arena arena;
      Value doc = test::ParseJson(batch.Record(i), arena);
      ASSERT_TRUE(doc.IsObject());
      EXPECT_NE(std::string(batch.Record(i)).find("\"n\": " + std::to_string(next) + ","), std::string::npos) << batch.Record(i);
    }
    if (!batch.records.empty()) {
      EXPECT_EQ(batch.end_position, Key(next - 1));
    }
    EXPECT_GT(batch.source_bytes, 0u);
  }
  EXPECT_EQ(sizes, (std::vector<size_t>{10, 10, 5}));
  EXPECT_EQ(next, 26);

  // A page boundary at the end: one more empty read says eof.
  auto again = Open(table_);
  ASSERT_OK(again->ReadBatch(25, &batch, &eof));
  EXPECT_EQ(batch.records.size(), 25u);
  EXPECT_FALSE(eof);
  ASSERT_OK(again->ReadBatch(25, &batch, &eof));
  EXPECT_EQ(batch.records.size(), 0u);
  EXPECT_TRUE(eof);
  EXPECT_EQ(batch.end_position, Key(25));
}

TEST_F(PgReaderTest, SeekRestartsAfterAPosition) {
  CreateTable(table_, 30);
  auto reader = Open(table_);
  ASSERT_NE(reader, nullptr);
  RecordBatchInput batch;
  bool eof = false;
  ASSERT_OK(reader->ReadBatch(12, &batch, &eof));
  const std::string position = batch.end_position;
  EXPECT_EQ(position, Key(12));

  auto resumed = Open(table_);
  ASSERT_OK(resumed->Seek(position, 12));
  ASSERT_OK(resumed->ReadBatch(5, &batch, &eof));
  ASSERT_EQ(batch.records.size(), 5u);
  EXPECT_EQ(batch.Key(0), Key(13));
  EXPECT_EQ(batch.records[0].record, 13u);
  EXPECT_EQ(batch.end_position, Key(17));

  // Seek back to the start.
  ASSERT_OK(resumed->Seek("", 0));
  ASSERT_OK(resumed->ReadBatch(1, &batch, &eof));
  EXPECT_EQ(batch.Key(0), Key(1));
  EXPECT_EQ(batch.records[0].record, 1u);
  // A position between keys works too (keys after it).
  ASSERT_OK(resumed->Seek("k020x", 20));
  ASSERT_OK(resumed->ReadBatch(100, &batch, &eof));
  EXPECT_TRUE(eof);
  ASSERT_EQ(batch.records.size(), 10u);
  EXPECT_EQ(batch.Key(0), Key(21));
}

TEST_F(PgReaderTest, EmptyTable) {
  CreateTable(table_, 0);
  auto reader = Open(table_);
  ASSERT_NE(reader, nullptr);
  EXPECT_EQ(reader->total_records(), 0u);
  EXPECT_EQ(reader->total_bytes(), 0u);
  RecordBatchInput batch;
  bool eof = false;
  ASSERT_OK(reader->ReadBatch(100, &batch, &eof));
  EXPECT_TRUE(eof);
  EXPECT_TRUE(batch.records.empty());
  EXPECT_EQ(batch.end_position, "");
}

TEST_F(PgReaderTest, MissingTableIsNotFound) {
  auto r = OpenPostgresReader(Store(table_));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kNotFound) << r.status().ToString();
  EXPECT_NE(r.status().message().find(table_), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find("does not exist"), std::string::npos) << r.status().message();
}

TEST_F(PgReaderTest, ATableWithoutFerrysColumnsIsRefused) {
  ASSERT_OK(db_->Exec("CREATE TABLE " + table_ + " (id text PRIMARY KEY, doc jsonb)"));
  auto r = OpenPostgresReader(Store(table_));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument) << r.status().ToString();
}

TEST_F(PgReaderTest, SchemaQualifiedTable) {
  ASSERT_OK(db_->Exec("CREATE SCHEMA IF NOT EXISTS ferry_reader_test"));
  const std::string table = "ferry_reader_test." + table_;
  ASSERT_OK(db_->Exec("DROP TABLE IF EXISTS " + QuoteTable(table)));
  CreateTable(table, 3);
  auto reader = Open(table);
  ASSERT_NE(reader, nullptr);
  EXPECT_EQ(reader->total_records(), 3u);
  RecordBatchInput batch;
  bool eof = false;
  ASSERT_OK(reader->ReadBatch(10, &batch, &eof));
  EXPECT_EQ(batch.records.size(), 3u);
  EXPECT_TRUE(eof);
}

TEST_F(PgReaderTest, RetriesOverALostConnection) {
  CreateTable(table_, 20);
  const std::string app = "ferry_reader_" + std::to_string(::getpid());
  auto reader = Open(table_, "&application_name=" + app);
  ASSERT_NE(reader, nullptr);
  RecordBatchInput batch;
  bool eof = false;
  ASSERT_OK(reader->ReadBatch(10, &batch, &eof));
  EXPECT_EQ(Value1("SELECT count(*) FROM pg_stat_activity WHERE application_name = $1", {app}), "1");
  EXPECT_EQ(Value1("SELECT bool_and(pg_terminate_backend(pid, 10000)) FROM pg_stat_activity"
                   " WHERE application_name = $1", {app}),
            "t");
  ASSERT_OK(reader->ReadBatch(10, &batch, &eof));
  ASSERT_EQ(batch.records.size(), 10u);
  EXPECT_EQ(batch.Key(0), Key(11));
  EXPECT_EQ(batch.records[0].record, 11u);
}

}  // namespace
}  // namespace ferry::internal
