// Copyright (c) the Ferry authors.
//
// File store URIs, names, detection and the decoded readers (store/file_store.h).

#include "store/file_store.h"

#include "codec/codec.h"
#include "ferry/run.h"
#include "store/store.h"
#include "util/test_util.h"

namespace ferry::internal {
namespace {

using test::NewTempDir;
using test::WriteFile;

TEST(FileUriTest, SchemesNameTheFormatAndCarryOptions) {
  struct Case {
    const char* uri;
    FileFormat format;
    const char* path;
    const char* options;
  } cases[] = {
      {"csv:data.csv?delimiter=;&header=false", FileFormat::kCsv, "data.csv", "delimiter=;&header=false"},
      {"xml:out/x", FileFormat::kXml, "out/x", ""},
      {"yaml:a.txt", FileFormat::kYaml, "a.txt", ""},
      {"yml:a.yml", FileFormat::kYaml, "a.yml", ""},
      {"md:out.md?title=title", FileFormat::kMarkdown, "out.md", "title=title"},
      {"jsonl:x.json", FileFormat::kJsonLines, "x.json", ""},
      {"json:x.jsonl", FileFormat::kJsonArray, "x.jsonl", ""},
  };
  for (const Case& c : cases) {
    auto spec = ParseFileUri(c.uri);
    ASSERT_OK(spec.status());
    EXPECT_EQ(spec->format, c.format) << c.uri;
    EXPECT_EQ(spec->path, c.path) << c.uri;
    EXPECT_EQ(spec->options, c.options) << c.uri;
    EXPECT_TRUE(spec->format_known) << c.uri;
    EXPECT_FALSE(spec->format_from_extension) << c.uri;
  }
}

TEST(FileUriTest, PlainPathsTakeTheFormatFromTheExtensionThroughCodecSuffixes) {
  struct Case {
    const char* path;
    FileFormat format;
  } cases[] = {
      {"d.csv", FileFormat::kCsv},          {"d.csv.zst.enc", FileFormat::kCsv}, {"a/b.xml.gz", FileFormat::kXml},
      {"d.yaml.br", FileFormat::kYaml},     {"d.yml", FileFormat::kYaml},        {"d.md", FileFormat::kMarkdown},
      {"d.jsonl.enc", FileFormat::kJsonLines}, {"d.ndjson", FileFormat::kJsonLines}, {"d.json.gz", FileFormat::kJsonArray},
  };
  for (const Case& c : cases) {
    auto spec = ParseFileUri(c.path);
    ASSERT_OK(spec.status());
    EXPECT_TRUE(spec->format_known) << c.path;
    EXPECT_EQ(spec->format, c.format) << c.path;
    EXPECT_EQ(spec->path, c.path);
  }
  for (const char* unknown : {"data", "data.txt", "data.gz", "x.enc", ".csv", "dir.csv/file"}) {
    auto spec = ParseFileUri(unknown);
    ASSERT_OK(spec.status());
    EXPECT_FALSE(spec->format_known) << unknown;
  }
  // A '?' in a plain path is part of the name.
  auto q = ParseFileUri("what?.csv");
  ASSERT_OK(q.status());
  EXPECT_EQ(q->path, "what?.csv");
  EXPECT_EQ(q->options, "");
}

TEST(FileUriTest, StoreUrisOfEveryFormatAreFiles) {
  for (const char* uri : {"csv:a.csv", "xml:a.xml", "yaml:a.yaml", "md:a.md", "a.csv.gz"}) {
    auto u = ParseStoreUri(uri, "things");
    ASSERT_OK(u.status());
    EXPECT_EQ(u->kind, StoreKind::kFile) << uri;
  }
}

TEST(FileUriTest, DetectionFollowsTheFirstBytes) {
  EXPECT_EQ(DetectFormat("[{\"a\":1}]"), FileFormat::kJsonArray);
  EXPECT_EQ(DetectFormat("  \n{\"a\":1}\n"), FileFormat::kJsonLines);
  EXPECT_EQ(DetectFormat("\xEF\xBB\xBF<?xml version=\"1.0\"?><records/>"), FileFormat::kXml);
  EXPECT_EQ(DetectFormat("---\na: 1\n"), FileFormat::kYaml);
  EXPECT_EQ(DetectFormat("%YAML 1.2\n---\na: 1\n"), FileFormat::kYaml);
  EXPECT_EQ(DetectFormat("---a,b\n"), FileFormat::kCsv);
  EXPECT_EQ(DetectFormat("id,name\n1,x\n"), FileFormat::kCsv);
  EXPECT_EQ(DetectFormat(""), FileFormat::kCsv);
}

TEST(FileUriTest, PartNamesGoBeforeTheExtensionChain) {
  EXPECT_EQ(PartPath("out/data.csv.zst.enc", 1), "out/data.00001.csv.zst.enc");
  EXPECT_EQ(PartPath("data.jsonl", 12), "data.00012.jsonl");
  EXPECT_EQ(PartPath("my.data.yaml.gz", 3), "my.data.00003.yaml.gz");
  EXPECT_EQ(PartPath("dir.v2/out", 1), "dir.v2/out.00001");
  EXPECT_EQ(PartPath("out.txt", 2), "out.00002.txt");
  EXPECT_EQ(PartPath("d.csv", 123456), "d.123456.csv");
}

TEST(FileUriTest, PartNamesAndTheirTemporariesAreRecognised) {
  EXPECT_TRUE(IsPartOf("out/data.csv.zst.enc", "data.00001.csv.zst.enc"));
  EXPECT_TRUE(IsPartOf("out/data.csv.zst.enc", ".data.00002.csv.zst.enc.ferry-20261207-r1"));
  EXPECT_TRUE(IsPartOf("d.csv", "d.123456.csv"));
  EXPECT_FALSE(IsPartOf("out/data.csv.zst.enc", "data.csv.zst.enc"));
  EXPECT_FALSE(IsPartOf("out/data.csv", "data.0001.csv"));
  EXPECT_FALSE(IsPartOf("out/data.csv", "data.00001.jsonl"));
  EXPECT_FALSE(IsPartOf("out/data.csv", "other.00001.csv"));
  EXPECT_FALSE(IsPartOf("out/data.csv", "data.0000a.csv"));
}

TEST(FileUriTest, BadOptionsAreRefusedWithTheKnownOnes) {
  auto check = [](const char* uri, bool writing) {
    auto spec = ParseFileUri(uri);
    EXPECT_OK(spec.status());
    return CheckFileOptions(*spec, writing);
  };
  EXPECT_OK(check("csv:a.csv?delimiter=;&header=false&types=strings&columns=a,b.c&quote='&crlf=true", false));
  EXPECT_OK(check("csv:a.csv?delimiter=tab", false));
  EXPECT_OK(check("csv:a.csv?delimiter=%7C", false));
  EXPECT_OK(check("md:a.md?title=name&heading=All&key=id", true));
  EXPECT_OK(check("yaml:a.yaml?explode=true", false));
  Status s = check("csv:a.csv?delim=;", false);
  EXPECT_TRUE(s.IsInvalidArgument());
  EXPECT_NE(s.message().find("delimiter"), std::string::npos) << s.message();
  EXPECT_TRUE(check("csv:a.csv?header=maybe", false).IsInvalidArgument());
  EXPECT_TRUE(check("csv:a.csv?delimiter=ab", false).IsInvalidArgument());
  EXPECT_TRUE(check("csv:a.csv?delimiter=\"", false).IsInvalidArgument());
  EXPECT_TRUE(check("csv:a.csv?types=numbers", false).IsInvalidArgument());
  EXPECT_TRUE(check("jsonl:a.jsonl?x=1", false).IsInvalidArgument());
  EXPECT_TRUE(check("csv:a.csv?novalue", false).IsInvalidArgument());
  // Markdown is read and written, with its options; a .enc target needs a key.
  EXPECT_OK(check("out.md", false));
  EXPECT_OK(check("md:a.md?title=name", false));
  EXPECT_TRUE(check("md:a.md?titel=name", false).IsInvalidArgument());
  EXPECT_OK(check("out.md", true));
  EXPECT_TRUE(check("out.csv.enc", true).IsInvalidArgument());
  auto enc = ParseFileUri("out.csv.enc");
  ASSERT_OK(enc.status());
  enc->key.passphrase = "p";
  EXPECT_OK(CheckFileOptions(*enc, true));
  enc->compression = "lzma";
  EXPECT_TRUE(CheckFileOptions(*enc, true).IsInvalidArgument());
}

TEST(FileUriTest, ByteSizes) {
  EXPECT_EQ(ParseByteSize("50MB").value(), 50ull << 20);
  EXPECT_EQ(ParseByteSize("512KB").value(), 512ull << 10);
  EXPECT_EQ(ParseByteSize("1GB").value(), 1ull << 30);
  EXPECT_EQ(ParseByteSize("2g").value(), 2ull << 30);
  EXPECT_EQ(ParseByteSize("4MiB").value(), 4ull << 20);
  EXPECT_EQ(ParseByteSize("1000").value(), 1000u);
  for (const char* bad : {"", "MB", "0", "5TB", "-1MB", "1.5MB", "12345678901234"}) {
    EXPECT_TRUE(ParseByteSize(bad).status().IsInvalidArgument()) << bad;
  }
}

// Reads every record of `spec` (in batches of `batch`) as text.
std::vector<std::string> ReadAllRecords(RecordReader* r, uint32_t batch = 2) {
  std::vector<std::string> out;
  RecordBatchInput in;
  bool eof = false;
  while (!eof) {
    Status s = r->ReadBatch(batch, &in, &eof);
    EXPECT_OK(s);
    if (!s.ok()) break;
    for (size_t i = 0; i < in.records.size(); ++i) out.emplace_back(in.Record(i));
  }
  return out;
}

TEST(FileReaderTest, CompressedCsvResumesByRecordCount) {
  const std::string dir = NewTempDir("file_reader_csv");
  auto gz = CompressBuffer(Compression::kGzip, "id,n\na,1\nb,2\nc,3\nd,4\ne,5\n");
  ASSERT_OK(gz.status());
  WriteFile(dir + "/t.csv.gz", *gz);
  auto spec = ParseFileUri(dir + "/t.csv.gz");
  ASSERT_OK(spec.status());
  auto reader = OpenFileReader(*spec);
  ASSERT_OK(reader.status());
  RecordBatchInput in;
  bool eof = false;
  ASSERT_OK((*reader)->ReadBatch(2, &in, &eof));
  ASSERT_EQ(in.records.size(), 2u);
  EXPECT_EQ(in.Record(1), "{\"id\":\"b\",\"n\":2}");
  EXPECT_EQ(in.end_position, "records:2");
  EXPECT_GT((*reader)->total_bytes(), 0u);
  // A new reader resumes after the second record.
  auto again = OpenFileReader(*spec);
  ASSERT_OK(again.status());
  ASSERT_OK((*again)->Seek("records:2", 2));
  auto rest = ReadAllRecords(again->get());
  ASSERT_EQ(rest.size(), 3u);
  EXPECT_EQ(rest[0], "{\"id\":\"c\",\"n\":3}");
  ASSERT_OK((*again)->Seek("records:4", 4));
  RecordBatchInput last;
  ASSERT_OK((*again)->ReadBatch(10, &last, &eof));
  ASSERT_EQ(last.records.size(), 1u);
  EXPECT_EQ(last.records[0].record, 5u);
  // A checkpoint beyond the source, or of another kind, does not fit.
  EXPECT_EQ((*again)->Seek("records:9", 9).code(), ErrorCode::kIoError);
  EXPECT_EQ((*again)->Seek("120:3", 3).code(), ErrorCode::kIoError);
}

TEST(FileReaderTest, MalformedCsvRecordIsHandedOutWithTheFileAndLine) {
  const std::string dir = NewTempDir("file_reader_bad_csv");
  WriteFile(dir + "/bad.csv", "id,n\na,1\nb,\"2\"x\nc,3\n");
  auto spec = ParseFileUri(dir + "/bad.csv");
  ASSERT_OK(spec.status());
  auto reader = OpenFileReader(*spec);
  ASSERT_OK(reader.status());
  EXPECT_TRUE((*reader)->loosely_typed());  // types=schema is the default
  RecordBatchInput in;
  bool eof = false;
  ASSERT_OK((*reader)->ReadBatch(10, &in, &eof));
  ASSERT_EQ(in.records.size(), 3u);
  EXPECT_EQ(in.Error(0), "");
  EXPECT_EQ(in.Record(1), "b,\"2\"x");
  EXPECT_EQ(in.records[1].line, 3u);
  EXPECT_EQ(in.Error(1), dir + "/bad.csv:3:6: unexpected character after a closing quote");
  EXPECT_EQ(in.Record(2), R"({"id":"c","n":3})");
}

TEST(FileReaderTest, UnterminatedCsvQuoteFailsNamingTheFileAndLine) {
  const std::string dir = NewTempDir("file_reader_unterminated_csv");
  WriteFile(dir + "/bad.csv", "id,n\na,1\nb,\"2\nc,3\n");
  auto spec = ParseFileUri(dir + "/bad.csv");
  ASSERT_OK(spec.status());
  auto reader = OpenFileReader(*spec);
  ASSERT_OK(reader.status());
  RecordBatchInput in;
  bool eof = false;
  Status s = (*reader)->ReadBatch(10, &in, &eof);
  EXPECT_EQ(s.code(), ErrorCode::kParseError);
  EXPECT_NE(s.message().find(dir + "/bad.csv:3:3: quoted field is not terminated"), std::string::npos) << s.message();
}

TEST(FileReaderTest, CsvTypesOptionSetsLooseTyping) {
  const std::string dir = NewTempDir("file_reader_csv_types");
  WriteFile(dir + "/a.csv", "id\n1\n");
  for (const auto& [query, loose] : std::vector<std::pair<std::string, bool>>{
           {"", true}, {"?types=schema", true}, {"?types=infer", false}, {"?types=strings", false}}) {
    auto spec = ParseFileUri("csv:" + dir + "/a.csv" + query);
    ASSERT_OK(spec.status());
    auto reader = OpenFileReader(*spec);
    ASSERT_OK(reader.status());
    EXPECT_EQ((*reader)->loosely_typed(), loose) << query;
  }
  auto bad = ParseFileUri("csv:" + dir + "/a.csv?types=guess");
  ASSERT_OK(bad.status());
  Status s = CheckFileOptions(*bad, false);
  EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(s.message().find("use schema, infer or strings"), std::string::npos) << s.message();
}

TEST(FileReaderTest, PartsReadInOrderAndAGapIsNotFound) {
  const std::string dir = NewTempDir("file_reader_parts");
  WriteFile(dir + "/p.00001.jsonl", "{\"id\":1}\n{\"id\":2}\n");
  auto z = CompressBuffer(Compression::kZstd, "{\"id\":3}\n");  // parts may be encoded differently
  ASSERT_OK(z.status());
  WriteFile(dir + "/p.00002.jsonl", *z);
  WriteFile(dir + "/p.00003.jsonl", "{\"id\":4}\n");
  WriteFile(dir + "/p.00003.jsonl.bak", "not a part\n");
  auto parts = FindParts(dir + "/p.jsonl");
  ASSERT_OK(parts.status());
  ASSERT_EQ(parts->size(), 3u);
  auto spec = ParseFileUri(dir + "/p.jsonl");
  ASSERT_OK(spec.status());
  auto reader = OpenFileReader(*spec);
  ASSERT_OK(reader.status());
  auto all = ReadAllRecords(reader->get());
  EXPECT_EQ(all, (std::vector<std::string>{"{\"id\":1}", "{\"id\":2}", "{\"id\":3}", "{\"id\":4}"}));
  ASSERT_OK((*reader)->Seek("records:3", 3));
  EXPECT_EQ(ReadAllRecords(reader->get()), (std::vector<std::string>{"{\"id\":4}"}));
  WriteFile(dir + "/p.00005.jsonl", "{\"id\":6}\n");
  Status gap = FindParts(dir + "/p.jsonl").status();
  EXPECT_TRUE(gap.IsNotFound());
  EXPECT_NE(gap.message().find("p.00004.jsonl"), std::string::npos) << gap.message();
  // The file itself wins over parts.
  WriteFile(dir + "/p.jsonl", "{\"id\":0}\n");
  auto single = FindParts(dir + "/p.jsonl");
  ASSERT_OK(single.status());
  EXPECT_TRUE(single->empty());
}

TEST(FileReaderTest, EncryptedJsonLinesNeedTheKey) {
  const std::string dir = NewTempDir("file_reader_enc");
  setenv("FERRY_KDF", "interactive", 1);
  std::string sealed;
  {
    KeyOptions key{"secret", ""};
    auto sink = NewEncodingSink(NewStringSink(&sealed), Compression::kGzip, key);
    ASSERT_OK(sink.status());
    ASSERT_OK((*sink)->Write("{\"id\":1}\nnot json\n{\"id\":3}\n"));
    ASSERT_OK((*sink)->Finish());
  }
  WriteFile(dir + "/e.data", sealed);  // no extension: detected after decryption
  auto spec = ParseFileUri(dir + "/e.data");
  ASSERT_OK(spec.status());
  EXPECT_TRUE(OpenFileReader(*spec).status().IsInvalidArgument());
  spec->key.passphrase = "wrong";
  EXPECT_EQ(OpenFileReader(*spec).status().code(), ErrorCode::kWrongKey);
  spec->key.passphrase = "secret";
  auto reader = OpenFileReader(*spec);
  ASSERT_OK(reader.status());
  // A broken line is a record like any other (rejected later, one by one).
  EXPECT_EQ(ReadAllRecords(reader->get()), (std::vector<std::string>{"{\"id\":1}", "not json", "{\"id\":3}"}));
}

}  // namespace
}  // namespace ferry::internal
