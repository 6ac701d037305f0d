// Copyright (c) the Ferry authors.
//
// Uploads land where the server chooses, under a sanitised name; export
// files are reached only through the operation that wrote them.

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "server/export_files.h"
#include "server/upload.h"
#include "util/test_util.h"

namespace ferry::server {
namespace {

namespace fs = std::filesystem;

TEST(SanitisedFileName, KeepsOnlyTheLastPartOfSafeCharacters) {
  EXPECT_EQ(SanitisedFileName("in.jsonl"), "in.jsonl");
  EXPECT_EQ(SanitisedFileName("../../etc/passwd"), "passwd");
  EXPECT_EQ(SanitisedFileName("..\\..\\boot.ini"), "boot.ini");
  EXPECT_EQ(SanitisedFileName("my data (1).csv.gz"), "my_data__1_.csv.gz");
  EXPECT_EQ(SanitisedFileName(".."), "upload");
  EXPECT_EQ(SanitisedFileName("..."), "upload");
  EXPECT_EQ(SanitisedFileName(".hidden"), "hidden");
  EXPECT_EQ(SanitisedFileName(""), "upload");
  EXPECT_EQ(SanitisedFileName("\xc3\xa9\xc3\xa9"), "upload");
  EXPECT_EQ(SanitisedFileName(std::string(300, 'a') + ".jsonl").size(), 100u);
  EXPECT_EQ(SanitisedFileName(std::string(300, 'a') + ".jsonl").substr(94), ".jsonl");
}

// Parts as the HTTP library hands them over: a header, then data in chunks.
httplib::ContentReader Parts(std::vector<std::tuple<std::string, std::string, std::string>> parts) {
  return httplib::ContentReader(
      [](httplib::ContentReceiver) { return false; },
      [parts](httplib::MultipartContentHeader header, httplib::ContentReceiver receiver) {
        for (const auto& [name, filename, data] : parts) {
          httplib::MultipartFormData h;
          h.name = name;
          h.filename = filename;
          if (!header(h)) return false;
          const size_t chunk = std::max<size_t>(3, data.size() / 16);
          for (size_t at = 0; at < data.size(); at += chunk) {
            if (!receiver(data.data() + at, std::min(chunk, data.size() - at))) return false;
          }
        }
        return true;
      });
}

class TransferFilesTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = test::NewTempDir(::testing::UnitTest::GetInstance()->current_test_info()->name()); }
  void TearDown() override {
    if (!HasFailure()) fs::remove_all(dir_);
  }
  static std::string Read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  std::string dir_;
};

TEST_F(TransferFilesTest, UploadWritesTheFilePartUnderANewDirectoryAndKeepsTheFields) {
  httplib::Request req;
  auto up = ReceiveUpload(req, Parts({{"request", "", "{\"project\":\"w\"}"}, {"file", "../x/in.jsonl", "0123456789"}}),
                          dir_ + "/uploads");
  ASSERT_TRUE(up.ok()) << up.status().ToString();
  EXPECT_EQ(up.value().file_name, "in.jsonl");
  EXPECT_EQ(fs::path(up.value().path).parent_path().parent_path(), fs::path(dir_ + "/uploads"));
  EXPECT_EQ(Read(up.value().path), "0123456789");
  EXPECT_EQ(up.value().bytes, 10u);
  EXPECT_EQ(up.value().fields.at("request"), "{\"project\":\"w\"}");
}

TEST_F(TransferFilesTest, UploadWithoutFileOrWithTwoFilesIsRefusedAndLeavesNothing) {
  httplib::Request req;
  auto none = ReceiveUpload(req, Parts({{"request", "", "{}"}}), dir_ + "/uploads");
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.status().message().find("'file' is missing"), std::string::npos);
  auto two = ReceiveUpload(req, Parts({{"file", "a", "1"}, {"file", "b", "2"}}), dir_ + "/uploads");
  ASSERT_FALSE(two.ok());
  EXPECT_NE(two.status().message().find("twice"), std::string::npos);
  auto big = ReceiveUpload(req, Parts({{"file", "a", "1"}, {"request", "", std::string((1 << 20) + 1, ' ')}}),
                           dir_ + "/uploads");
  ASSERT_FALSE(big.ok());
  EXPECT_NE(big.status().message().find("over 1 MiB"), std::string::npos);
  EXPECT_TRUE(fs::is_empty(dir_ + "/uploads"));
}

TEST_F(TransferFilesTest, UploadRefusedBeforeReadingWhenTooLargeOrNotMultipart) {
  httplib::Request req;
  req.headers.emplace("Content-Type", "application/json");
  req.headers.emplace("Content-Length", "10");
  ASSERT_TRUE(RefuseBeforeReading(req, 100).has_value());
  EXPECT_EQ(RefuseBeforeReading(req, 100)->http_status, 415);
  req.headers.clear();
  req.headers.emplace("Content-Type", "multipart/form-data; boundary=x");
  req.headers.emplace("Content-Length", "101");
  ASSERT_TRUE(RefuseBeforeReading(req, 100).has_value());
  EXPECT_EQ(RefuseBeforeReading(req, 100)->http_status, 413);
  EXPECT_FALSE(RefuseBeforeReading(req, 101).has_value());
}

TEST_F(TransferFilesTest, ExportFileIsOpenedOnlyThroughItsOperation) {
  const std::string exports = dir_ + "/exports";
  auto path = NewExportPath(exports, "w.jsonl");
  ASSERT_TRUE(path.ok()) << path.status().ToString();
  std::ofstream(path.value()) << "{}\n";
  ASSERT_TRUE(RecordExportFile(exports, "op-1", path.value()).ok());
  auto file = OpenExportFile(exports, "op-1");
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  EXPECT_EQ(file.value().size, 3u);
  EXPECT_EQ(file.value().name, "w.jsonl");
  for (const char* id : {"op-2", "..", "../op-1", "op-1.file", "", "op-1/.."}) {
    EXPECT_EQ(OpenExportFile(exports, id).status().code(), ErrorCode::kNotFound) << id;
  }
}

TEST_F(TransferFilesTest, ExportFileReplacedBySymbolicLinksIsNotFound) {
  const std::string exports = dir_ + "/exports";
  std::ofstream(dir_ + "/secret") << "secret\n";
  auto file_path = NewExportPath(exports, "a.jsonl");
  ASSERT_TRUE(file_path.ok());
  ASSERT_EQ(::symlink((dir_ + "/secret").c_str(), file_path.value().c_str()), 0);
  ASSERT_TRUE(RecordExportFile(exports, "op-a", file_path.value()).ok());
  EXPECT_EQ(OpenExportFile(exports, "op-a").status().code(), ErrorCode::kNotFound);

  auto dir_path = NewExportPath(exports, "b.jsonl");
  ASSERT_TRUE(dir_path.ok());
  const fs::path dir = fs::path(dir_path.value()).parent_path();
  fs::create_directory(dir_ + "/elsewhere");
  std::ofstream(dir_ + "/elsewhere/b.jsonl") << "secret\n";
  fs::remove(dir);
  fs::create_directory_symlink(dir_ + "/elsewhere", dir);
  ASSERT_TRUE(RecordExportFile(exports, "op-b", dir_path.value()).ok());
  EXPECT_EQ(OpenExportFile(exports, "op-b").status().code(), ErrorCode::kNotFound);

  ASSERT_TRUE(RecordExportFile(exports, "op-c", dir_ + "/secret").ok());
  EXPECT_EQ(OpenExportFile(exports, "op-c").status().code(), ErrorCode::kNotFound);
}

}  // namespace
}  // namespace ferry::server
