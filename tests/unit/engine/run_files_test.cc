// Copyright (c) the Ferry authors.
#include "ops/run_files.h"

#include "util/test_util.h"

namespace ferry::internal {
namespace {

StoreUri Parse(const std::string& uri) {
  auto u = ParseStoreUri(uri, "things");
  EXPECT_TRUE(u.ok()) << u.status().ToString();
  return u.ok() ? u.value() : StoreUri();
}

TEST(RunFilesTest, FerrysOwnTableNamesAreRefusedAsTargets) {
  EXPECT_TRUE(CheckTargetTableName(Parse("sqlite:t.db#ferry_checkpoints")).IsInvalidArgument());
  EXPECT_TRUE(CheckTargetTableName(Parse("sqlite:t.db#Ferry_Leases")).IsInvalidArgument());
  EXPECT_TRUE(CheckTargetTableName(Parse("sqlite:t.db#sqlite_sequence")).IsInvalidArgument());
  EXPECT_TRUE(CheckTargetTableName(Parse("postgres://u@h:5432/d?table=ferry.things")).IsInvalidArgument());
  EXPECT_TRUE(CheckTargetTableName(Parse("postgres://u@h:5432/d?table=public.ferry_stage")).IsInvalidArgument());
  EXPECT_OK(CheckTargetTableName(Parse("sqlite:t.db#ferryboats")));
  EXPECT_OK(CheckTargetTableName(Parse("postgres://u@h:5432/d?table=ferrying.things")));
  EXPECT_OK(CheckTargetTableName(Parse("postgres://u@h:5432/d?table=sqlite_things")));
  EXPECT_OK(CheckTargetTableName(Parse("ferry_things.jsonl")));
}

TEST(RunFilesTest, DashIsStdoutForATargetAndStdinForASource) {
  StoreUri target = Parse("csv:-");
  ASSERT_OK(PrepareStreamStore(&target, true, 0));
  EXPECT_EQ(target.file.path, "/dev/stdout");
  EXPECT_TRUE(IsStreamStore(target));
  EXPECT_EQ(target.display, "csv:-");
  StoreUri source = Parse("-");
  ASSERT_OK(PrepareStreamStore(&source, false, 0));
  EXPECT_EQ(source.file.path, "/dev/stdin");
}

TEST(RunFilesTest, AStreamTargetCannotBeSplit) {
  StoreUri target = Parse("/dev/null");
  EXPECT_TRUE(PrepareStreamStore(&target, true, 1024).IsInvalidArgument());
  ASSERT_OK(PrepareStreamStore(&target, true, 0));
  EXPECT_EQ(target.identity.rfind("stream:", 0), 0u) << target.identity;
}

}  // namespace
}  // namespace ferry::internal
