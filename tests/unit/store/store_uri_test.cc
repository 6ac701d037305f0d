// Copyright (c) the Ferry authors.
#include "store/json_merge.h"
#include "store/store.h"
#include "util/test_util.h"

namespace ferry::internal {
namespace {

TEST(StoreUriTest, FilesKeepTheirFormatAndLockByAbsolutePath) {
  auto u = ParseStoreUri("jsonl:data/in.jsonl", "workouts");
  ASSERT_OK(u.status());
  EXPECT_EQ(u->kind, StoreKind::kFile);
  EXPECT_EQ(u->file.format, FileFormat::kJsonLines);
  EXPECT_EQ(u->identity.substr(0, 6), "file:/");
  EXPECT_NE(u->identity.find("data/in.jsonl"), std::string::npos);
  auto j = ParseStoreUri("out.json", "workouts");
  ASSERT_OK(j.status());
  EXPECT_EQ(j->file.format, FileFormat::kJsonArray);
}

TEST(StoreUriTest, SqliteTableDefaultsToTheCollection) {
  auto a = ParseStoreUri("sqlite:db/data.db", "workouts");
  ASSERT_OK(a.status());
  EXPECT_EQ(a->kind, StoreKind::kSqlite);
  EXPECT_EQ(a->path, "db/data.db");
  EXPECT_EQ(a->table, "workouts");
  auto b = ParseStoreUri("sqlite:data.db#legacy_items", "workouts");
  ASSERT_OK(b.status());
  EXPECT_EQ(b->table, "legacy_items");
  EXPECT_NE(a->identity, b->identity);
}

TEST(StoreUriTest, BadTableNamesAreRefused) {
  EXPECT_TRUE(ParseStoreUri("sqlite:data.db#bad;drop", "w").status().IsInvalidArgument());
  EXPECT_TRUE(ParseStoreUri("sqlite:data.db#1abc", "w").status().IsInvalidArgument());
  EXPECT_TRUE(ParseStoreUri("postgres://h/db?table=a\"b", "w").status().IsInvalidArgument());
  EXPECT_TRUE(ParseStoreUri("sqlite:#t", "w").status().IsInvalidArgument());
  EXPECT_TRUE(ParseStoreUri("mysql://h/db", "w").status().IsInvalidArgument());
}

TEST(StoreUriTest, PostgresTableParameterIsFerrysAndThePasswordNeverShows) {
  auto u = ParseStoreUri("postgres://alice:s3cret@127.0.0.1:5433/app?table=app.notes&sslmode=disable", "items");
  ASSERT_OK(u.status());
  EXPECT_EQ(u->kind, StoreKind::kPostgres);
  EXPECT_EQ(u->table, "app.notes");
  EXPECT_EQ(u->conninfo, "postgres://alice:s3cret@127.0.0.1:5433/app?sslmode=disable");
  EXPECT_EQ(u->display.find("s3cret"), std::string::npos) << u->display;
  EXPECT_EQ(u->identity.find("s3cret"), std::string::npos) << u->identity;
  EXPECT_EQ(u->identity.find("alice"), std::string::npos) << u->identity;
  EXPECT_EQ(u->identity, "postgres://127.0.0.1:5433/app#app.notes");
  EXPECT_EQ(RedactUri("postgresql://bob:pw@h/db?password=zz&x=1"), "postgresql://bob:***@h/db?password=***&x=1");
  EXPECT_EQ(RedactUri("postgres://h/db"), "postgres://h/db");
  EXPECT_EQ(QuoteTable("app.notes"), "\"app\".\"notes\"");
}

TEST(JsonMergeTest, MergesObjectsDeeplyAndPrefersOneSideOnLeaves) {
  const char* target = R"({"id":"a","name":"old","meta":{"x":1,"keep":true},"tags":["t"]})";
  const char* source = R"({"id":"a","name":"new","meta":{"x":2,"y":3},"tags":["s"]})";
  auto s = MergeJson(target, source, true);
  ASSERT_OK(s.status());
  EXPECT_EQ(*s, R"({"id":"a","name":"new","meta":{"x":2,"keep":true,"y":3},"tags":["s"]})");
  auto t = MergeJson(target, source, false);
  ASSERT_OK(t.status());
  EXPECT_EQ(*t, R"({"id":"a","name":"old","meta":{"x":1,"keep":true,"y":3},"tags":["t"]})");
  EXPECT_FALSE(MergeJson("{", source, true).ok());
}

}  // namespace
}  // namespace ferry::internal
