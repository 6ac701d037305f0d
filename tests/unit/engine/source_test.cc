// Copyright (c) the Ferry authors.
#include "engine/source.h"

#include "util/test_util.h"

namespace ferry::internal {
namespace {

std::vector<std::string> ReadAll(const std::string& uri, uint32_t batch, Status* status = nullptr) {
  std::vector<std::string> out;
  auto spec = ParseFileUri(uri);
  EXPECT_TRUE(spec.ok());
  auto reader = RecordReader::Open(spec.value());
  EXPECT_TRUE(reader.ok()) << reader.status().ToString();
  if (!reader.ok()) return out;
  RecordBatchInput b;
  bool eof = false;
  while (!eof) {
    Status s = (*reader)->ReadBatch(batch, &b, &eof);
    if (!s.ok()) {
      if (status) *status = s;
      break;
    }
    for (size_t i = 0; i < b.records.size(); ++i) out.emplace_back(b.Record(i));
  }
  return out;
}

TEST(JsonLinesReaderTest, SkipsBlankLinesAndStripsCarriageReturns) {
  std::string dir = test::NewTempDir("source_test");
  test::WriteFile(dir + "/a.jsonl", "{\"a\":1}\r\n\n   \n{\"b\":2}\n{\"c\":3}");
  for (uint32_t batch : {1u, 2u, 50u}) {
    auto recs = ReadAll("jsonl:" + dir + "/a.jsonl", batch);
    EXPECT_EQ(recs, std::vector<std::string>({"{\"a\":1}", "{\"b\":2}", "{\"c\":3}"})) << batch;
  }
}

TEST(JsonLinesReaderTest, ReadsLinesLongerThanAChunk) {
  std::string dir = test::NewTempDir("source_test_long");
  std::string big = "\"" + std::string(3 << 20, 'x') + "\"";
  test::WriteFile(dir + "/a.jsonl", "1\n" + big + "\n2\n");
  auto recs = ReadAll(dir + "/a.jsonl", 10);
  ASSERT_EQ(recs.size(), 3u);
  EXPECT_EQ(recs[1], big);
}

TEST(JsonArrayReaderTest, SplitsElementsWithNestedBracketsAndStrings) {
  std::string dir = test::NewTempDir("source_test_array");
  test::WriteFile(dir + "/a.json", " [ {\"a\":\"],[\\\"\"} ,\n [1,[2]], \"s\" ,3 ]\n");
  auto recs = ReadAll("json:" + dir + "/a.json", 2);
  EXPECT_EQ(recs, std::vector<std::string>({"{\"a\":\"],[\\\"\"}", "[1,[2]]", "\"s\"", "3"}));
  test::WriteFile(dir + "/e.json", "[]");
  EXPECT_TRUE(ReadAll("json:" + dir + "/e.json", 2).empty());
}

TEST(JsonArrayReaderTest, TruncatedOrTrailingContentIsAParseError) {
  std::string dir = test::NewTempDir("source_test_bad");
  for (const char* bad : {"[1,2", "[1,]", "{\"a\":1}", "[1] x", "[,1]"}) {
    test::WriteFile(dir + "/b.json", bad);
    Status s;
    ReadAll("json:" + dir + "/b.json", 10, &s);
    EXPECT_TRUE(s.IsParseError()) << bad << " -> " << s.ToString();
  }
}

TEST(FileUriTest, PlainJsonPathWithoutBracketIsReadAsJsonLines) {
  std::string dir = test::NewTempDir("source_test_uri");
  test::WriteFile(dir + "/lines.json", "{\"a\":1}\n{\"b\":2}\n");
  EXPECT_EQ(ReadAll(dir + "/lines.json", 5).size(), 2u);
  EXPECT_FALSE(ParseFileUri("postgres://x").ok());
}

}  // namespace
}  // namespace ferry::internal
