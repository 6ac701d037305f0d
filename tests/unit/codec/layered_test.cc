// Copyright (c) the Ferry authors.
//
// Layered codecs (codec/codec.h): NewEncodingSink() writes compressed and
// encrypted files that OpenDecodedFile() reads back, detecting each layer.

#include <filesystem>
#include <string>

#include "codec/codec.h"
#include "unit/codec/codec_test_util.h"
#include "util/test_util.h"

namespace ferry::internal {
namespace {

using codec_test::RandomishText;

class LayeredTest : public ::testing::TestWithParam<Compression> {
 protected:
  void SetUp() override {
    ::setenv("FERRY_KDF", "interactive", 1);
    dir_ = test::NewTempDir("codec-layered");
    key_file_ = dir_ + "/key";
    test::WriteFile(key_file_, "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n");
  }
  void TearDown() override {
    if (!HasFailure()) std::filesystem::remove_all(dir_);
  }

  // Writes `data` to `path` through NewEncodingSink().
  static void WriteEncoded(const std::string& path, Compression c, const KeyOptions& key, std::string_view data) {
    auto file = NewFileSink(path);
    ASSERT_OK(file.status());
    auto sink = NewEncodingSink(std::move(file).value(), c, key);
    ASSERT_OK(sink.status());
    ASSERT_OK(codec_test::WriteInSteps(sink->get(), data, 4096));
  }
  static Result<std::string> ReadDecoded(const std::string& path, const KeyOptions& key) {
    FERRY_ASSIGN_OR_RETURN(std::unique_ptr<ByteSource> source, OpenDecodedFile(path, key));
    return ReadAll(source.get());
  }
  std::string Name(const std::string& base) const {
    std::string name = dir_ + "/" + base;
    if (GetParam() == Compression::kGzip) name.append(".gz");
    if (GetParam() == Compression::kZstd) name.append(".zst");
    if (GetParam() == Compression::kBrotli) name.append(".br");
    return name;
  }

  std::string dir_;
  std::string key_file_;
};

TEST_P(LayeredTest, CompressedAndEncryptedFileReadsBackWithAKeyFile) {
  const std::string data = RandomishText(1 << 20, 1);
  const std::string path = Name("data.jsonl") + ".enc";
  const KeyOptions key{"", key_file_};
  WriteEncoded(path, GetParam(), key, data);
  const std::string stored = test::ReadFile(path);
  EXPECT_TRUE(IsEncrypted(stored));
  if (GetParam() != Compression::kNone) {
    EXPECT_LT(stored.size(), data.size() / 2);
  }
  auto back = ReadDecoded(path, key);
  ASSERT_OK(back.status());
  EXPECT_TRUE(back.value() == data);
}

TEST_P(LayeredTest, CompressedAndEncryptedFileReadsBackWithAPassphrase) {
  const std::string data = RandomishText(100000, 2);
  const std::string path = Name("data.jsonl") + ".enc";
  WriteEncoded(path, GetParam(), KeyOptions{"s3cret", ""}, data);
  auto back = ReadDecoded(path, KeyOptions{"s3cret", ""});
  ASSERT_OK(back.status());
  EXPECT_TRUE(back.value() == data);
  back = ReadDecoded(path, KeyOptions{"s3cret!", ""});
  ASSERT_FALSE(back.ok());
  EXPECT_EQ(back.status().code(), ErrorCode::kWrongKey) << back.status().ToString();
}

TEST_P(LayeredTest, CompressedFileReadsBackWithoutAKey) {
  const std::string data = RandomishText(100000, 3);
  const std::string path = Name("data.jsonl");
  WriteEncoded(path, GetParam(), KeyOptions{}, data);
  EXPECT_FALSE(IsEncrypted(test::ReadFile(path)));
  auto back = ReadDecoded(path, KeyOptions{});
  ASSERT_OK(back.status());
  EXPECT_TRUE(back.value() == data);
}

TEST_P(LayeredTest, EncryptedFileWithoutAKeyIsInvalidArgument) {
  const std::string path = Name("data.jsonl") + ".enc";
  WriteEncoded(path, GetParam(), KeyOptions{"", key_file_}, "{}\n");
  auto back = ReadDecoded(path, KeyOptions{});
  ASSERT_FALSE(back.ok());
  EXPECT_TRUE(back.status().IsInvalidArgument()) << back.status().ToString();
  EXPECT_NE(back.status().message().find(path + " is encrypted"), std::string::npos) << back.status().message();
  EXPECT_NE(back.status().message().find("--passphrase-file"), std::string::npos);
  EXPECT_NE(back.status().message().find("--key-file"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Codecs, LayeredTest,
                         ::testing::Values(Compression::kNone, Compression::kGzip, Compression::kZstd,
                                           Compression::kBrotli),
                         [](const ::testing::TestParamInfo<Compression>& info) {
                           return std::string(CompressionName(info.param));
                         });

class LayeredDetectionTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = test::NewTempDir("codec-detect"); }
  void TearDown() override {
    if (!HasFailure()) std::filesystem::remove_all(dir_);
  }
  std::string dir_;
};

TEST_F(LayeredDetectionTest, GzipAndZstdAreFoundByMagicWhateverTheName) {
  for (Compression c : {Compression::kGzip, Compression::kZstd}) {
    const std::string path = dir_ + "/misleading.jsonl";
    test::WriteFile(path, CompressBuffer(c, "{\"a\":1}\n").value());
    auto source = OpenDecodedFile(path, KeyOptions{});
    ASSERT_OK(source.status());
    EXPECT_EQ(ReadAll(source->get()).value(), "{\"a\":1}\n");
  }
}

TEST_F(LayeredDetectionTest, BrotliIsFoundByItsExtension) {
  const std::string path = dir_ + "/data.jsonl.br";
  test::WriteFile(path, CompressBuffer(Compression::kBrotli, "{\"b\":2}\n").value());
  auto source = OpenDecodedFile(path, KeyOptions{});
  ASSERT_OK(source.status());
  EXPECT_EQ(ReadAll(source->get()).value(), "{\"b\":2}\n");
}

TEST_F(LayeredDetectionTest, PlainFilesPassThroughEvenWhenTiny) {
  for (const std::string& data : {std::string(""), std::string("{"), std::string("[1,2,3]\n")}) {
    const std::string path = dir_ + "/plain.json";
    test::WriteFile(path, data);
    auto source = OpenDecodedFile(path, KeyOptions{});
    ASSERT_OK(source.status());
    EXPECT_EQ(ReadAll(source->get()).value(), data);
  }
}

TEST_F(LayeredDetectionTest, NamedCompressedButNotIsParseError) {
  const std::string path = dir_ + "/data.jsonl.gz";
  test::WriteFile(path, "{\"plain\":true}\n");
  auto source = OpenDecodedFile(path, KeyOptions{});
  ASSERT_FALSE(source.ok());
  EXPECT_TRUE(source.status().IsParseError()) << source.status().ToString();
}

TEST_F(LayeredDetectionTest, MissingFileIsIoError) {
  EXPECT_TRUE(OpenDecodedFile(dir_ + "/missing.jsonl", KeyOptions{}).status().IsIoError());
}

}  // namespace
}  // namespace ferry::internal
