// Copyright (c) the Ferry authors.
//
// Compression codecs (codec/codec.h): gzip, zstd and brotli round trips through
// the buffer and streaming APIs, detection by magic bytes and file names, and
// PARSE_ERROR for truncated and corrupt streams.

#include <string>
#include <vector>

#include "codec/codec.h"
#include "unit/codec/codec_test_util.h"
#include "util/test_util.h"

namespace ferry::internal {
namespace {

using codec_test::RandomBytes;
using codec_test::RandomishText;
using codec_test::ReadInSteps;
using codec_test::WriteInSteps;

constexpr size_t k5Mb = 5 << 20;

std::string Compress(Compression c, std::string_view data, int level = 0) {
  Result<std::string> r = CompressBuffer(c, data, level);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? r.value() : std::string();
}

// Counts the bytes read through it, to show decompressors read lazily.
class CountingSource : public ByteSource {
 public:
  CountingSource(std::unique_ptr<ByteSource> in, size_t* count) : in_(std::move(in)), count_(count) {}
  Result<size_t> Read(char* buf, size_t n) override {
    Result<size_t> r = in_->Read(buf, n);
    if (r.ok()) *count_ += r.value();
    return r;
  }

 private:
  std::unique_ptr<ByteSource> in_;
  size_t* count_;
};

// Counts the bytes written through it, to show compressors pass data on early.
class CountingSink : public ByteSink {
 public:
  explicit CountingSink(size_t* count) : count_(count) {}
  Status Write(std::string_view data) override {
    *count_ += data.size();
    return Status::OK();
  }
  Status Finish() override { return Status::OK(); }

 private:
  size_t* count_;
};

class CompressionTest : public ::testing::TestWithParam<Compression> {};

TEST_P(CompressionTest, RoundTripsEmptyData) {
  const std::string packed = Compress(GetParam(), "");
  EXPECT_FALSE(packed.empty());
  auto back = DecompressBuffer(GetParam(), packed);
  ASSERT_OK(back.status());
  EXPECT_EQ(back.value(), "");
}

TEST_P(CompressionTest, RoundTripsSmallData) {
  for (std::string data : {std::string("x"), std::string("{\"id\":1,\"name\":\"Ada\"}\n"), RandomBytes(1000, 3)}) {
    auto back = DecompressBuffer(GetParam(), Compress(GetParam(), data));
    ASSERT_OK(back.status());
    EXPECT_EQ(back.value(), data);
  }
}

TEST_P(CompressionTest, RoundTripsFiveMegabytesOfRandomishText) {
  // Brotli's default quality (11) is slow on megabytes; a middle level keeps
  // the test quick without changing what is exercised.
  const int level = GetParam() == Compression::kBrotli ? 5 : 0;
  const std::string data = RandomishText(k5Mb, 1);
  const std::string packed = Compress(GetParam(), data, level);
  EXPECT_LT(packed.size(), data.size() / 2);
  auto back = DecompressBuffer(GetParam(), packed);
  ASSERT_OK(back.status());
  EXPECT_TRUE(back.value() == data);
}

TEST_P(CompressionTest, RoundTripsFiveMegabytesOfRandomBytes) {
  const int level = GetParam() == Compression::kBrotli ? 5 : 0;
  const std::string data = RandomBytes(k5Mb, 2);
  auto back = DecompressBuffer(GetParam(), Compress(GetParam(), data, level));
  ASSERT_OK(back.status());
  EXPECT_TRUE(back.value() == data);
}

TEST_P(CompressionTest, ShrinksHighlyCompressibleData) {
  const std::string data(k5Mb, 'a');
  const std::string packed = Compress(GetParam(), data);
  EXPECT_LT(packed.size(), size_t(64 * 1024));
  auto back = DecompressBuffer(GetParam(), packed);
  ASSERT_OK(back.status());
  EXPECT_TRUE(back.value() == data);
}

TEST_P(CompressionTest, StreamsWithOddWriteAndReadSizes) {
  const std::string small = RandomishText(300 * 1000, 4);
  const std::string large = RandomishText(k5Mb, 5);
  struct Case {
    const std::string* data;
    size_t write_step;
    size_t read_step;
  };
  for (const Case& k : {Case{&small, 1, 7}, Case{&small, 7, 1}, Case{&small, 65536, 7},
                        Case{&large, 65536, 65536}, Case{&large, 7, 65536}}) {
    SCOPED_TRACE("write " + std::to_string(k.write_step) + ", read " + std::to_string(k.read_step));
    std::string packed;
    const int level = GetParam() == Compression::kBrotli && k.data == &large ? 5 : 0;
    auto sink = NewCompressor(GetParam(), NewStringSink(&packed), level);
    ASSERT_OK(sink.status());
    ASSERT_OK(WriteInSteps(sink->get(), *k.data, k.write_step));
    auto source = NewDecompressor(GetParam(), NewStringSource(packed));
    ASSERT_OK(source.status());
    auto back = ReadInSteps(source->get(), k.read_step);
    ASSERT_OK(back.status());
    EXPECT_TRUE(back.value() == *k.data);
  }
}

TEST_P(CompressionTest, CompressorPassesOutputOnBeforeFinish) {
  size_t written = 0;
  auto sink = NewCompressor(GetParam(), std::make_unique<CountingSink>(&written), 1);
  ASSERT_OK(sink.status());
  const std::string data = RandomBytes(1 << 20, 6);
  for (int i = 0; i < 8; ++i) ASSERT_OK((*sink)->Write(data));
  EXPECT_GT(written, size_t(4) << 20);  // most of 8 MiB of incompressible data left already
  ASSERT_OK((*sink)->Finish());
}

TEST_P(CompressionTest, DecompressorReadsItsInputIncrementally) {
  const std::string packed = Compress(GetParam(), RandomBytes(k5Mb, 7), 1);
  size_t consumed = 0;
  auto source = NewDecompressor(GetParam(), std::make_unique<CountingSource>(NewStringSource(packed), &consumed));
  ASSERT_OK(source.status());
  char buf[1024];
  auto n = (*source)->Read(buf, sizeof buf);
  ASSERT_OK(n.status());
  EXPECT_GT(n.value(), size_t(0));
  EXPECT_LT(consumed, size_t(1) << 20);
}

TEST_P(CompressionTest, EveryTruncationIsParseError) {
  const std::string packed = Compress(GetParam(), RandomishText(2000, 8));
  for (size_t cut = 0; cut < packed.size(); ++cut) {
    auto back = DecompressBuffer(GetParam(), std::string_view(packed).substr(0, cut));
    ASSERT_FALSE(back.ok()) << "cut at " << cut << " of " << packed.size();
    EXPECT_TRUE(back.status().IsParseError()) << back.status().ToString();
  }
  // The streaming API as well, on a larger stream cut in the middle.
  const std::string big = Compress(GetParam(), RandomBytes(300 * 1000, 9));
  auto source = NewDecompressor(GetParam(), NewStringSource(big.substr(0, big.size() / 2)));
  ASSERT_OK(source.status());
  auto all = ReadAll(source->get());
  ASSERT_FALSE(all.ok());
  EXPECT_TRUE(all.status().IsParseError()) << all.status().ToString();
  EXPECT_NE(all.status().message().find("truncated"), std::string::npos) << all.status().message();
}

TEST_P(CompressionTest, CorruptStreamIsParseError) {
  const std::string data = RandomishText(100 * 1000, 10);
  const std::string packed = Compress(GetParam(), data);
  // Garbage over the middle of the stream.
  std::string bad = packed;
  for (size_t i = bad.size() / 2; i < bad.size() / 2 + 64; ++i) bad[i] = char(0xff);
  auto back = DecompressBuffer(GetParam(), bad);
  ASSERT_FALSE(back.ok());
  EXPECT_TRUE(back.status().IsParseError()) << back.status().ToString();
  // Plain text is not compressed data.
  back = DecompressBuffer(GetParam(), "this is not compressed at all, not even a little bit");
  ASSERT_FALSE(back.ok());
  EXPECT_TRUE(back.status().IsParseError()) << back.status().ToString();
}

TEST_P(CompressionTest, ReadingOnAfterAnErrorRepeatsTheError) {
  std::string packed = Compress(GetParam(), RandomishText(50000, 12));
  for (size_t i = 20; i < 84 && i < packed.size(); ++i) packed[i] = char(0xff);
  auto source = NewDecompressor(GetParam(), NewStringSource(packed));
  ASSERT_OK(source.status());
  char buf[256];
  Status first;
  for (;;) {
    auto n = (*source)->Read(buf, sizeof buf);
    if (!n.ok()) {
      first = n.status();
      break;
    }
    ASSERT_NE(n.value(), 0u) << "corrupt data read to its end";
  }
  EXPECT_TRUE(first.IsParseError()) << first.ToString();
  auto again = (*source)->Read(buf, sizeof buf);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().message(), first.message());
}

TEST_P(CompressionTest, DecompressBufferRefusesOutputBeyondItsLimit) {
  const std::string packed = Compress(GetParam(), std::string(100000, 'z'));
  auto back = DecompressBuffer(GetParam(), packed, 99999);
  ASSERT_FALSE(back.ok());
  EXPECT_TRUE(back.status().IsParseError()) << back.status().ToString();
  ASSERT_OK(DecompressBuffer(GetParam(), packed, 100000).status());
}

TEST_P(CompressionTest, LevelsOutOfRangeAreInvalidArgument) {
  std::string out;
  EXPECT_TRUE(NewCompressor(GetParam(), NewStringSink(&out), 99).status().IsInvalidArgument());
  EXPECT_TRUE(NewCompressor(GetParam(), NewStringSink(&out), -1000000).status().IsInvalidArgument());
  ASSERT_OK(NewCompressor(GetParam(), NewStringSink(&out), 1).status());
}

INSTANTIATE_TEST_SUITE_P(Codecs, CompressionTest,
                         ::testing::Values(Compression::kGzip, Compression::kZstd, Compression::kBrotli),
                         [](const ::testing::TestParamInfo<Compression>& info) {
                           return std::string(CompressionName(info.param));
                         });

TEST(CompressionFormatTest, GzipReadsConcatenatedMembers) {
  const std::string packed = Compress(Compression::kGzip, "first,") + Compress(Compression::kGzip, "") +
                             Compress(Compression::kGzip, "second");
  auto back = DecompressBuffer(Compression::kGzip, packed);
  ASSERT_OK(back.status());
  EXPECT_EQ(back.value(), "first,second");
  // Reading one byte at a time crosses member boundaries the same way.
  auto source = NewDecompressor(Compression::kGzip, NewStringSource(packed));
  ASSERT_OK(source.status());
  auto stepped = ReadInSteps(source->get(), 1);
  ASSERT_OK(stepped.status());
  EXPECT_EQ(stepped.value(), "first,second");
}

TEST(CompressionFormatTest, GzipRefusesGarbageAfterTheLastMember) {
  auto back = DecompressBuffer(Compression::kGzip, Compress(Compression::kGzip, "data") + "junk");
  ASSERT_FALSE(back.ok());
  EXPECT_TRUE(back.status().IsParseError()) << back.status().ToString();
}

TEST(CompressionFormatTest, ZstdReadsConcatenatedFrames) {
  const std::string packed = Compress(Compression::kZstd, "one ") + Compress(Compression::kZstd, "two");
  auto back = DecompressBuffer(Compression::kZstd, packed);
  ASSERT_OK(back.status());
  EXPECT_EQ(back.value(), "one two");
}

TEST(CompressionFormatTest, BrotliRefusesDataAfterTheStream) {
  auto back = DecompressBuffer(Compression::kBrotli, Compress(Compression::kBrotli, "data") + "x");
  ASSERT_FALSE(back.ok());
  EXPECT_TRUE(back.status().IsParseError()) << back.status().ToString();
}

TEST(CompressionFormatTest, NoneIsPassThrough) {
  EXPECT_EQ(Compress(Compression::kNone, "abc"), "abc");
  auto back = DecompressBuffer(Compression::kNone, "abc");
  ASSERT_OK(back.status());
  EXPECT_EQ(back.value(), "abc");
}

TEST(CompressionFormatTest, DetectCompressionReadsMagicBytes) {
  EXPECT_EQ(DetectCompression(Compress(Compression::kGzip, "x")), Compression::kGzip);
  EXPECT_EQ(DetectCompression(Compress(Compression::kZstd, "x")), Compression::kZstd);
  EXPECT_EQ(DetectCompression(Compress(Compression::kBrotli, "x")), Compression::kNone);
  EXPECT_EQ(DetectCompression("{\"a\":1}"), Compression::kNone);
  EXPECT_EQ(DetectCompression(""), Compression::kNone);
  EXPECT_EQ(DetectCompression("\x1f"), Compression::kNone);
  EXPECT_EQ(DetectCompression(std::string("\x28\xb5\x2f", 3)), Compression::kNone);
}

TEST(CompressionFormatTest, CompressionFromPathUsesTheExtensionThroughEnc) {
  EXPECT_EQ(CompressionFromPath("out/data.jsonl.gz"), Compression::kGzip);
  EXPECT_EQ(CompressionFromPath("data.jsonl.zst"), Compression::kZstd);
  EXPECT_EQ(CompressionFromPath("data.json.br"), Compression::kBrotli);
  EXPECT_EQ(CompressionFromPath("data.json.br.enc"), Compression::kBrotli);
  EXPECT_EQ(CompressionFromPath("backup.zst.enc"), Compression::kZstd);
  EXPECT_EQ(CompressionFromPath("data.jsonl"), Compression::kNone);
  EXPECT_EQ(CompressionFromPath("data.enc"), Compression::kNone);
  EXPECT_EQ(CompressionFromPath("gz"), Compression::kNone);
  EXPECT_EQ(CompressionFromPath(""), Compression::kNone);
}

TEST(CompressionFormatTest, ParseCompressionAcceptsNamesAndExtensions) {
  const std::vector<std::pair<std::string, Compression>> cases = {
      {"none", Compression::kNone},  {"gzip", Compression::kGzip},     {"gz", Compression::kGzip},
      {"zstd", Compression::kZstd},  {"zst", Compression::kZstd},      {"brotli", Compression::kBrotli},
      {"br", Compression::kBrotli}};
  for (const auto& [name, c] : cases) {
    auto parsed = ParseCompression(name);
    ASSERT_OK(parsed.status());
    EXPECT_EQ(parsed.value(), c) << name;
  }
  for (Compression c : {Compression::kNone, Compression::kGzip, Compression::kZstd, Compression::kBrotli}) {
    EXPECT_EQ(ParseCompression(CompressionName(c)).value(), c);
  }
  EXPECT_TRUE(ParseCompression("lz4").status().IsInvalidArgument());
  EXPECT_TRUE(ParseCompression("").status().IsInvalidArgument());
  EXPECT_TRUE(ParseCompression("GZIP").status().IsInvalidArgument());
}

}  // namespace
}  // namespace ferry::internal
