// Copyright (c) the Ferry authors.
#include "store/distinct_files.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "util/test_util.h"

namespace ferry::internal {
namespace {

namespace fs = std::filesystem;

class DistinctFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = test::NewTempDir("distinct_files");
    std::ofstream(dir_ + "/source.jsonl") << "{}\n";
    files_.AddInput("the source", dir_ + "/source.jsonl");
  }
  std::string Path(const std::string& name) const { return dir_ + "/" + name; }

  std::string dir_;
  DistinctFiles files_;
};

TEST_F(DistinctFilesTest, TheSourceUnderItsOwnNameIsRefused) {
  const Status s = files_.AddOutput("the report", Path("source.jsonl"));
  EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
  EXPECT_NE(s.message().find("the source"), std::string::npos) << s.message();
}

TEST_F(DistinctFilesTest, ASymlinkToTheSourceIsRefused) {
  fs::create_symlink(Path("source.jsonl"), Path("link.jsonl"));
  EXPECT_TRUE(files_.AddOutput("the report", Path("link.jsonl")).IsInvalidArgument());
}

TEST_F(DistinctFilesTest, AHardLinkToTheSourceIsRefused) {
  fs::create_hard_link(Path("source.jsonl"), Path("hard.jsonl"));
  EXPECT_TRUE(files_.AddOutput("the report", Path("hard.jsonl")).IsInvalidArgument());
}

TEST_F(DistinctFilesTest, ADotDotPathToTheSourceIsRefused) {
  fs::create_directory(Path("sub"));
  EXPECT_TRUE(files_.AddOutput("the report", Path("sub/../source.jsonl")).IsInvalidArgument());
}

TEST_F(DistinctFilesTest, AStateNotCreatedYetIsKnownByItsDirectoryAndName) {
  files_.AddDatabase("Ferry's state", Path(".ferry/state.db"));  // neither file nor directory exists
  EXPECT_TRUE(files_.AddOutput("the report", Path(".ferry/./state.db")).IsInvalidArgument());
  EXPECT_TRUE(files_.AddOutput("the report", Path(".ferry/state.db-wal")).IsInvalidArgument());
  fs::create_directory(Path("db"));
  files_.AddDatabase("the database", Path("db/t.db"));
  EXPECT_TRUE(files_.AddOutput("the rejects", Path("db/../db/t.db-journal")).IsInvalidArgument());
  EXPECT_OK(files_.AddOutput("the rejects", Path("db/t2.db")));
}

TEST_F(DistinctFilesTest, TwoOutputsOfOneFileAreRefused) {
  EXPECT_OK(files_.AddOutput("the rejects", Path("out.jsonl")));
  EXPECT_TRUE(files_.AddOutput("the complements", Path("./out.jsonl")).IsInvalidArgument());
}

TEST_F(DistinctFilesTest, AFileWrittenBesideTheOutputMustNotBeAnInput) {
  std::ofstream(Path(".out.jsonl.ferry-r1")) << "{}\n";
  files_.AddInput("the old temporary", Path(".out.jsonl.ferry-r1"));
  auto temps_of = [](std::string base) {
    return [prefix = "." + base + ".ferry-"](std::string_view name) { return name.substr(0, prefix.size()) == prefix; };
  };
  EXPECT_TRUE(files_.AddOutput("the target", Path("out.jsonl"), temps_of("out.jsonl")).IsInvalidArgument());
  EXPECT_OK(files_.AddOutput("the target", Path("other.jsonl"), temps_of("other.jsonl")));
}

TEST_F(DistinctFilesTest, CharacterDevicesNeverClash) {
  files_.AddInput("a device", "/dev/null");
  EXPECT_OK(files_.AddOutput("the rejects", "/dev/null"));
  EXPECT_OK(files_.AddOutput("the complements", "/dev/null"));
}

}  // namespace
}  // namespace ferry::internal
