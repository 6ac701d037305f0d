// Copyright (c) the Ferry authors.
//
// CSV reader and writer (formats/csv.h): the RFC 4180 grammar, type
// inference, dotted columns, options, errors with LINE:COLUMN, streaming with
// 1-byte reads, and export -> import round trips.

#include "formats/csv.h"

#include <memory>
#include <string>
#include <vector>

#include "codec/codec.h"
#include "ferry/json.h"
#include "util/test_util.h"

// Options are given as designated initializers, naming only what a test sets.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace ferry {
namespace {

using internal::ByteSource;
using internal::CsvOptions;

class OneByteSource : public ByteSource {
 public:
  explicit OneByteSource(std::string data) : data_(std::move(data)) {}
  Result<size_t> Read(char* buf, size_t n) override {
    if (pos_ == data_.size() || n == 0) return size_t(0);
    buf[0] = data_[pos_++];
    return size_t(1);
  }

 private:
  std::string data_;
  size_t pos_ = 0;
};

struct Doc {
  std::string json;
  uint64_t line;
};

Result<std::vector<Doc>> ReadDocs(const std::string& csv, const CsvOptions& options = {}, bool one_byte = false) {
  std::unique_ptr<ByteSource> in;
  if (one_byte) {
    in = std::make_unique<OneByteSource>(csv);
  } else {
    in = internal::NewStringSource(csv);
  }
  FERRY_ASSIGN_OR_RETURN(auto reader, internal::NewCsvReader(std::move(in), options));
  std::vector<Doc> docs;
  for (;;) {
    Doc d;
    FERRY_ASSIGN_OR_RETURN(bool got, reader->Next(&d.json, &d.line));
    if (!got) return docs;
    // A malformed record the reader skipped: "MALFORMED(what)raw text".
    if (!reader->record_error().empty()) d.json = "MALFORMED(" + reader->record_error() + ")" + d.json;
    docs.push_back(std::move(d));
  }
}

// The documents' JSON texts joined by '\n' (or the error).
std::string Read(const std::string& csv, const CsvOptions& options = {}) {
  Result<std::vector<Doc>> docs = ReadDocs(csv, options);
  if (!docs.ok()) return docs.status().ToString();
  std::string out;
  for (const Doc& d : *docs) {
    if (!out.empty()) out.push_back('\n');
    out.append(d.json);
  }
  return out;
}

Result<std::string> Write(const std::vector<std::string>& docs, const CsvOptions& options = {}) {
  std::string out;
  FERRY_ASSIGN_OR_RETURN(auto writer, internal::NewCsvWriter(internal::NewStringSink(&out), options));
  for (const std::string& d : docs) FERRY_RETURN_IF_ERROR(writer->Write(d));
  FERRY_RETURN_IF_ERROR(writer->Finish());
  return out;
}

// Writes `docs`, reads them back, and expects the same JSON values.
void ExpectRoundTrip(const std::vector<std::string>& docs, const CsvOptions& options = {}) {
  Result<std::string> csv = Write(docs, options);
  ASSERT_TRUE(csv.ok()) << csv.status().ToString();
  Result<std::vector<Doc>> back = ReadDocs(*csv, options);
  ASSERT_TRUE(back.ok()) << back.status().ToString() << "\n" << *csv;
  ASSERT_EQ(back->size(), docs.size()) << *csv;
  for (size_t i = 0; i < docs.size(); ++i) {
    Arena arena;
    const Value want = test::ParseJson(docs[i], arena);
    const Value got = test::ParseJson((*back)[i].json, arena);
    EXPECT_TRUE(got.Equals(want)) << "document " << i + 1 << ": wrote " << docs[i] << "\nread " << (*back)[i].json
                                  << "\nCSV:\n"
                                  << *csv;
  }
}

// ------------------------------------------------------------------ reading

TEST(CsvReaderTest, QuotedFieldsEscapesAndLineBreaks) {
  EXPECT_EQ(Read("a,b\n\"x,y\",\"say \"\"hi\"\"\"\n\"1\r\n2\",\"3\n4\"\n", {.types = CsvOptions::kStrings}),
            R"({"a":"x,y","b":"say \"hi\""})"
            "\n"
            R"({"a":"1\r\n2","b":"3\n4"})");
}

TEST(CsvReaderTest, CrlfLfAndCrGiveTheSameDocuments) {
  const std::string lf = "id,name\n1,a\n2,\"b\"\n";
  const std::string crlf = "id,name\r\n1,a\r\n2,\"b\"\r\n";
  const std::string cr = "id,name\r1,a\r2,\"b\"\r";
  const std::string no_final = "id,name\n1,a\n2,\"b\"";
  const std::string expected = "{\"id\":1,\"name\":\"a\"}\n{\"id\":2,\"name\":\"b\"}";
  EXPECT_EQ(Read(lf), expected);
  EXPECT_EQ(Read(crlf), expected);
  EXPECT_EQ(Read(cr), expected);
  EXPECT_EQ(Read(no_final), expected);
}

TEST(CsvReaderTest, EmptyLinesAreSkippedAndLinesAreReported) {
  Result<std::vector<Doc>> docs = ReadDocs("\xEF\xBB\xBF\n\na,b\r\n\r\n1,2\n\n\"x\ny\",3\n\n\n");
  ASSERT_TRUE(docs.ok()) << docs.status().ToString();
  ASSERT_EQ(docs->size(), 2u);
  EXPECT_EQ((*docs)[0].json, R"({"a":1,"b":2})");
  EXPECT_EQ((*docs)[0].line, 5u);
  EXPECT_EQ((*docs)[1].json, R"({"a":"x\ny","b":3})");
  EXPECT_EQ((*docs)[1].line, 7u);
}

TEST(CsvReaderTest, ByteOrderMarkIsSkippedOnlyAtTheStart) {
  EXPECT_EQ(Read("\xEF\xBB\xBF" "a\nx\n"), R"({"a":"x"})");
  EXPECT_EQ(Read("a\n\xEF\xBB\xBFx\n"), "{\"a\":\"\xEF\xBB\xBFx\"}");
  EXPECT_EQ(Read("\xEF\xBB\xBF"), "");
  EXPECT_EQ(Read(""), "");
  EXPECT_EQ(Read("a,b\n"), "");
}

TEST(CsvReaderTest, TypeInference) {
  const std::string csv =
      "a,b,c,d,e,f,g,h,i,j,k,l,m\n"
      "42,-1.5e3,08123,true,false,null,,\"\",\"42\",\"true\",[1],\"[1,2]\",\"[1]\"\n"
      "-0,1.,+1,.5,True,{},[ 1 ],\"{\"\"y\"\":[null]}\",[1,,abc def, x ,0x10\n";
  EXPECT_EQ(Read(csv),
            R"({"a":42,"b":-1.5e3,"c":"08123","d":true,"e":false,"f":null,"g":null,"h":"","i":"42","j":"true",)"
            R"("k":[1],"l":[1,2],"m":"[1]"})"
            "\n"
            R"({"a":-0,"b":"1.","c":"+1","d":".5","e":"True","f":{},"g":[1],"h":{"y":[null]},"i":"[1",)"
            R"("j":null,"k":"abc def","l":" x ","m":"0x10"})");
}

TEST(CsvReaderTest, StringsModeKeepsEveryFieldAString) {
  EXPECT_EQ(Read("a,b,c,d\n42,,true,\"[1,2]\"\n", {.types = CsvOptions::kStrings}),
            R"({"a":"42","b":"","c":"true","d":"[1,2]"})");
}

TEST(CsvReaderTest, DottedColumnsNest) {
  EXPECT_EQ(Read("id,metadata.importance,metadata.tags,metadata.owner.name,x\n1,high,\"[\"\"a\"\"]\",Ann,2\n"),
            R"({"id":1,"metadata":{"importance":"high","tags":["a"],"owner":{"name":"Ann"}},"x":2})");
  // A path that is also a leaf: both stay literal keys.
  EXPECT_EQ(Read("a,a.b,c.d\n1,2,3\n"), R"({"a":1,"a.b":2,"c":{"d":3}})");
  EXPECT_EQ(Read("a.b,a.b.c\n1,2\n"), R"({"a.b":1,"a.b.c":2})");
}

TEST(CsvReaderTest, FewerFieldsAreAbsent) {
  EXPECT_EQ(Read("a,b,c\n1\n1,2\n1,2,\n"), "{\"a\":1}\n{\"a\":1,\"b\":2}\n{\"a\":1,\"b\":2,\"c\":null}");
}

TEST(CsvReaderTest, WithoutHeader) {
  EXPECT_EQ(Read("1,x\n2,y,z\n", {.header = false}), "{\"1\":1,\"2\":\"x\"}\n{\"1\":2,\"2\":\"y\",\"3\":\"z\"}");
  CsvOptions named{.header = false, .columns = {"id", "p.q"}};
  EXPECT_EQ(Read("1,x\n", named), R"({"id":1,"p":{"q":"x"}})");
  EXPECT_EQ(Read("1,x,y\n2,z\n", named),
            "MALFORMED(1:5: record has 3 fields, the header has 2)1,x,y\n{\"id\":2,\"p\":{\"q\":\"z\"}}");
}

TEST(CsvReaderTest, Options) {
  EXPECT_EQ(Read("a;b\n'x;y';'it''s'\n1;2\n", {.delimiter = ';', .quote = '\''}),
            "{\"a\":\"x;y\",\"b\":\"it's\"}\n{\"a\":1,\"b\":2}");
  EXPECT_EQ(Read("a\tb\n\"x\ty\"\ta,b\n", {.delimiter = '\t'}), R"({"a":"x\ty","b":"a,b"})");
  EXPECT_EQ(Read("a\n", {.delimiter = '"'}), "INVALID_ARGUMENT: CSV delimiter and quote must differ");
  EXPECT_EQ(Read("a\n", {.delimiter = '\n'}), "INVALID_ARGUMENT: CSV delimiter and quote cannot be a line break");
}

TEST(CsvReaderTest, ErrorsHaveLineAndColumn) {
  EXPECT_EQ(Read("a,b\n1,\"abc\n\n"), "PARSE_ERROR: 2:3: quoted field is not terminated");
  EXPECT_EQ(Read("a,b,a\n"), "PARSE_ERROR: 1:5: duplicate column name \"a\"");
  // In the header, what a record may resynchronise after fails the read.
  EXPECT_EQ(Read("a,b\"\n1,2\n"),
            "PARSE_ERROR: 1:4: quote inside an unquoted field (quote the whole field and double the quote) (in the "
            "header)");
  EXPECT_EQ(Read("a,b\n1,2\n\"x\ny\",2,3,\"unterminated\n"), "PARSE_ERROR: 4:8: quoted field is not terminated");
  EXPECT_EQ(Read("a,b\n1,\"abc\n"), "PARSE_ERROR: 2:3: quoted field is not terminated");
}

// Malformed records come back one by one with their raw text (without the
// line break) and what is wrong; reading goes on at the next line.
TEST(CsvReaderTest, MalformedRecordsAreSkippedWithTheirRawText) {
  const std::string quote_msg = "quote inside an unquoted field (quote the whole field and double the quote)";
  EXPECT_EQ(Read("a,b\n1,ab\"c\"\n2,3\n"),
            "MALFORMED(2:5: " + quote_msg + ")1,ab\"c\"\n{\"a\":2,\"b\":3}");
  // The rest of the line is skipped whatever quotes it holds.
  EXPECT_EQ(Read("a,b\n1,ab\"c,\"d\r\n2,3"),
            "MALFORMED(2:5: " + quote_msg + ")1,ab\"c,\"d\n{\"a\":2,\"b\":3}");
  EXPECT_EQ(Read("a,b\n1,\"ab\"c\n2,3\n"),
            "MALFORMED(2:7: unexpected character after a closing quote)1,\"ab\"c\n{\"a\":2,\"b\":3}");
  EXPECT_EQ(Read("a,b\n1,2\n1,2,3\n"), "{\"a\":1,\"b\":2}\nMALFORMED(3:5: record has 3 fields, the header has 2)1,2,3");
  // A record over several lines keeps them all; its line is where it starts.
  Result<std::vector<Doc>> docs = ReadDocs("a,b\n1,2\n\"x\ny\",2,\n4,5\n");
  ASSERT_TRUE(docs.ok()) << docs.status().ToString();
  ASSERT_EQ(docs->size(), 3u);
  EXPECT_EQ((*docs)[1].json, "MALFORMED(4:6: record has 3 fields, the header has 2)\"x\ny\",2,");
  EXPECT_EQ((*docs)[1].line, 3u);
  EXPECT_EQ((*docs)[2].line, 5u);
  // Columns count characters, not bytes.
  EXPECT_EQ(Read("é,ü\n\"ö\",ä\"\n"), "MALFORMED(2:6: " + quote_msg + ")\"ö\",ä\"");
  // The raw text survives a refill of the read buffer (one byte at a time).
  Result<std::vector<Doc>> slow = ReadDocs("a,b\n1,ab\"c\"\n2,3\n", {}, true);
  ASSERT_TRUE(slow.ok());
  ASSERT_EQ(slow->size(), 2u);
  EXPECT_EQ((*slow)[0].json, "MALFORMED(2:5: " + quote_msg + ")1,ab\"c\"");
}

TEST(CsvReaderTest, Utf8ErrorsFailTheRead) {
  EXPECT_EQ(Read("a,b\n1,x\xFFy\n"), "PARSE_ERROR: 2:3: field is not valid UTF-8");
}

TEST(CsvReaderTest, OneByteReadsGiveTheSameResult) {
  const std::vector<std::string> inputs = {
      "\xEF\xBB\xBFid,meta.x,meta.y\r\n1,\"a\r\nb\",[1,2]\r\n\r\n2,,\"\"\"q\"\"\"\r",
      "a,b\n\"x\",\"\"\n\n\n3,\"4\"",
      "a,b\n1,\"unterminated\n",
      "a,b\n1,2,3\n",
  };
  for (const std::string& csv : inputs) {
    SCOPED_TRACE(csv);
    Result<std::vector<Doc>> whole = ReadDocs(csv);
    Result<std::vector<Doc>> bytes = ReadDocs(csv, {}, /*one_byte=*/true);
    ASSERT_EQ(whole.ok(), bytes.ok());
    if (!whole.ok()) {
      EXPECT_EQ(whole.status().ToString(), bytes.status().ToString());
      continue;
    }
    ASSERT_EQ(whole->size(), bytes->size());
    for (size_t i = 0; i < whole->size(); ++i) {
      EXPECT_EQ((*whole)[i].json, (*bytes)[i].json);
      EXPECT_EQ((*whole)[i].line, (*bytes)[i].line);
    }
  }
}

TEST(CsvReaderTest, LargeInputStreams) {
  std::string csv = "id,text\n";
  std::string expected;
  for (int i = 0; i < 20000; ++i) {
    csv += std::to_string(i) + ",\"line " + std::to_string(i) + "\nnext, \"\"q\"\"\"\n";
  }
  Result<std::vector<Doc>> docs = ReadDocs(csv);
  ASSERT_TRUE(docs.ok()) << docs.status().ToString();
  ASSERT_EQ(docs->size(), 20000u);
  EXPECT_EQ((*docs)[19999].json, R"({"id":19999,"text":"line 19999\nnext, \"q\""})");
  EXPECT_EQ((*docs)[19999].line, 2u + 2u * 19999u);
}

// ------------------------------------------------------------------ writing

TEST(CsvWriterTest, FlattensAndQuotes) {
  Result<std::string> csv = Write({
      R"({"id":1,"name":"Ann","meta":{"tags":["a","b"],"score":2.50,"ok":true},"note":null})",
      R"({"id":2,"name":"say \"hi\", ok","meta":{"tags":[],"score":-1,"ok":false},"note":"42"})",
      R"({"id":3,"name":" padded ","meta":{"extra":{}},"note":"line\nbreak"})",
  });
  ASSERT_TRUE(csv.ok()) << csv.status().ToString();
  EXPECT_EQ(*csv,
            "id,name,meta.tags,meta.score,meta.ok,note,meta.extra\n"
            "1,Ann,\"[\"\"a\"\",\"\"b\"\"]\",2.50,true,,\n"
            "2,\"say \"\"hi\"\", ok\",[],-1,false,\"42\",\n"
            "3,\" padded \",,,,\"line\nbreak\",{}\n");
}

TEST(CsvWriterTest, RoundTripsNestedDocuments) {
  ExpectRoundTrip({
      R"({"id":1,"name":"Zoë 東京 🚀","text":"a\nb\r\nc\rd","q":"\"quoted\"","c":"a,b","sp":" x ","tab":"\tx"})",
      R"({"id":2,"name":"","text":"42","q":"true","c":"null","sp":"false","tab":"-0"})",
      R"({"id":3,"name":"[1]","text":"{}","q":"[ 1 ]","c":"08123","sp":"1e5","tab":"[]"})",
      R"({"id":4,"name":null,"text":[1,"two",{"three":3},null],"q":{},"c":[],"sp":1e400,"tab":-0.0})",
      R"({"id":5,"name":"#x","text":"","q":"\ufeffbom","c":"' ;","sp":"","tab":"x\u0000y"})",
  });
  ExpectRoundTrip({
      R"({"id":"a","metadata":{"importance":"high","owner":{"name":"Ann","since":2020}},"tags":["x","y"]})",
      R"({"id":"b","metadata":{"importance":null,"owner":{"name":"Bo\nb","since":null}},"tags":[]})",
  });
}

TEST(CsvWriterTest, RoundTripsWithOtherDelimitersAndQuotes) {
  const std::vector<std::string> docs = {
      R"({"a":"x;y","b":"it's","c":"tab\there","d":{"e":[1,"q\"q"]},"f":"a,b"})",
      R"({"a":"","b":"5","c":null,"d":{"e":true},"f":"\"x\""})",
  };
  for (CsvOptions options : {CsvOptions{.delimiter = ';'}, CsvOptions{.delimiter = '\t'},
                             CsvOptions{.quote = '\''}, CsvOptions{.delimiter = ';', .quote = '\''},
                             CsvOptions{.crlf = true}}) {
    SCOPED_TRACE(std::string(1, options.delimiter) + options.quote);
    ExpectRoundTrip(docs, options);
  }
  Result<std::string> csv = Write({R"({"a":"x;y","b":"it's"})"}, {.delimiter = ';', .quote = '\'', .crlf = true});
  ASSERT_TRUE(csv.ok());
  EXPECT_EQ(*csv, "a;b\r\n'x;y';'it''s'\r\n");
}

TEST(CsvWriterTest, SingleColumnNullIsNotAnEmptyLine) {
  Result<std::string> csv = Write({R"({"a":null})", R"({"a":""})", R"({"a":1})"});
  ASSERT_TRUE(csv.ok());
  EXPECT_EQ(*csv, "a\nnull\n\"\"\n1\n");
  ExpectRoundTrip({R"({"a":null})", R"({"a":""})", R"({"a":"null"})"});
  ExpectRoundTrip({R"({"":"x"})", R"({"":null})"});
  csv = Write({R"({"":"x"})"});
  ASSERT_TRUE(csv.ok());
  EXPECT_EQ(*csv, "\"\"\nx\n");
}

TEST(CsvWriterTest, AbsentFieldsAreWrittenEmpty) {
  Result<std::string> csv = Write({R"({"a":1,"b":2})", R"({"b":3})"});
  ASSERT_TRUE(csv.ok());
  EXPECT_EQ(*csv, "a,b\n1,2\n,3\n");
  EXPECT_EQ(Read(*csv), "{\"a\":1,\"b\":2}\n{\"a\":null,\"b\":3}");
}

TEST(CsvWriterTest, ColumnsComeFromTheFirstDocuments) {
  std::vector<std::string> docs;
  for (size_t i = 0; i < internal::kCsvHeaderSample; ++i) docs.push_back(R"({"a":1})");
  docs.push_back(R"({"a":2,"late":{"x":1}})");
  Result<std::string> csv = Write(docs);
  ASSERT_FALSE(csv.ok());
  EXPECT_EQ(csv.status().ToString(),
            "INVALID_ARGUMENT: record 1001 has the column \"late.x\", which is not among the CSV columns (taken "
            "from the first 1000 records); list the columns explicitly (CSV columns option)");

  // Within the sample, a late column is fine.
  docs.erase(docs.begin());
  csv = Write(docs);
  ASSERT_TRUE(csv.ok()) << csv.status().ToString();
  EXPECT_EQ(csv->substr(0, 11), "a,late.x\n1,");

  // Explicit columns fix the list and the order, and stream without buffering.
  csv = Write({R"({"a":1,"b":{"c":2}})", R"({"b":{"c":3}})"}, {.columns = {"b.c", "a", "z"}});
  ASSERT_TRUE(csv.ok()) << csv.status().ToString();
  EXPECT_EQ(*csv, "b.c,a,z\n2,1,\n3,,\n");
  // ... and select: fields not listed are left out (no error); a listed
  // column holding an object is its JSON text.
  csv = Write({R"({"a":1,"b":2})"}, {.columns = {"a"}});
  ASSERT_TRUE(csv.ok()) << csv.status().ToString();
  EXPECT_EQ(*csv, "a\n1\n");
  csv = Write({R"({"a":1,"b":{"c":2,"d":3}})"}, {.columns = {"b"}});
  ASSERT_TRUE(csv.ok()) << csv.status().ToString();
  EXPECT_EQ(*csv, "b\n\"{\"\"c\"\":2,\"\"d\"\":3}\"\n");
  csv = Write({}, {.columns = {"a", "b"}});
  ASSERT_TRUE(csv.ok());
  EXPECT_EQ(*csv, "a,b\n");
  csv = Write({R"({"a":1})"}, {.header = false});
  ASSERT_TRUE(csv.ok());
  EXPECT_EQ(*csv, "1\n");
}

// The one string the writer cannot protect: its text is a JSON array or
// object and has to be quoted anyway (csv.h).
TEST(CsvWriterTest, ContainerTextThatNeedsQuotingReadsBackAsJson) {
  Result<std::string> csv = Write({R"({"a":"[1, 2]","b":"[1]"})"});
  ASSERT_TRUE(csv.ok());
  EXPECT_EQ(*csv, "a,b\n\"[1, 2]\",\"[1]\"\n");
  EXPECT_EQ(Read(*csv), R"({"a":[1,2],"b":"[1]"})");
}

TEST(CsvWriterTest, Errors) {
  EXPECT_EQ(Write({R"({"a":1})", "[1]"}).status().ToString(),
            "INVALID_ARGUMENT: record 2 is array, not an object: CSV holds objects only");
  EXPECT_EQ(Write({"{}", "{}"}).status().ToString(),
            "INVALID_ARGUMENT: no CSV columns: the documents have no fields; list the columns explicitly (CSV "
            "columns option)");
  EXPECT_TRUE(Write({"{"}).status().IsParseError());
  Result<std::string> empty = Write({});
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(*empty, "");
}

}  // namespace
}  // namespace ferry
