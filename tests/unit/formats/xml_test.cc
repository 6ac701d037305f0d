// Copyright (c) the Ferry authors.
// XML documents (formats/xml.h): round trips, foreign XML, errors, streaming.

#include "formats/xml.h"

#include <algorithm>
#include <string>
#include <vector>

#include "codec/codec.h"
#include "ferry/json.h"
#include "util/test_util.h"

namespace ferry::internal {
namespace {

// Hands out at most one byte per Read().
class TrickleSource : public ByteSource {
 public:
  explicit TrickleSource(std::string data) : data_(std::move(data)) {}
  Result<size_t> Read(char* buf, size_t n) override {
    if (pos_ >= data_.size() || n == 0) return size_t(0);
    *buf = data_[pos_++];
    return size_t(1);
  }

 private:
  std::string data_;
  size_t pos_ = 0;
};

std::vector<std::string> ReadXml(const std::string& xml, Status* error = nullptr, bool trickle = false,
                                 std::vector<uint64_t>* lines = nullptr) {
  std::unique_ptr<ByteSource> src =
      trickle ? std::unique_ptr<ByteSource>(new TrickleSource(xml)) : NewStringSource(xml);
  auto reader = NewXmlReader(std::move(src), XmlOptions{});
  std::vector<std::string> docs;
  while (true) {
    std::string json;
    uint64_t line = 0;
    Result<bool> r = reader->Next(&json, &line);
    if (!r.ok()) {
      if (error != nullptr) *error = r.status();
      else ADD_FAILURE() << r.status().ToString() << "\n" << xml.substr(0, 300);
      break;
    }
    if (!*r) break;
    docs.push_back(json);
    if (lines != nullptr) lines->push_back(line);
  }
  return docs;
}

std::string WriteXml(const std::vector<std::string>& docs) {
  std::string out;
  auto writer = NewXmlWriter(NewStringSink(&out), XmlOptions{});
  for (const std::string& d : docs) EXPECT_OK(writer->Write(d));
  EXPECT_OK(writer->Finish());
  return out;
}

std::string Compact(const std::string& json) {
  Arena arena;
  return ToJson(test::ParseJson(json, arena));
}

const std::vector<std::string>& NastyDocuments() {
  static const std::vector<std::string> docs = {
      R"({"name":"Zoë 😀 日本","nl":"a\nb","trail":"line\n\n","lead":"\nx","only":"\n","crlf":"a\r\nb","cr":"\r"})",
      R"({"sp":" lead","sp2":"trail ","sp3":"  ","tab":"\t","q":"say \"hi\" it's","lt":"<a>&amp;","cdata":"]]>","e":""})",
      R"({"t":"true","n":"null","num":"12","o":{},"a":[],"nested":[[],[{}],[[1,[2,[3]]]]],"objs":[{"a":1},{"b":null}]})",
      R"({"big":123456789012345678901234567890,"neg":-0,"negf":-0.0,"exp":1E+300,"b":true,"f":false,"z":null})",
      R"({"":"empty key","a b":1,"1abc":2,"xml":3,"xmlfoo":4,"XmlBar":5,"field":6,"item":7,"@id":8,"#text":9,"a:b":10})",
      R"({"ctrl":"\u0000\u0001\u001f\u007f\u0085\ufffe\uffff","key\u0001":"x","attr\"<&>\t\n\r":"y","ok-name_1.2":"z"})",
      R"({"dup":1,"Dup":2,"dup ":3})",
      R"([1,"two",null,false,{"x":[]},[""]])",
      R"("just a string")",
      R"("")",
      R"("  ")",
      R"(42)",
      R"(null)",
      R"({})",
      R"([])",
  };
  return docs;
}

TEST(XmlTest, RoundTripsNastyDocuments) {
  for (const std::string& doc : NastyDocuments()) {
    const std::string xml = WriteXml({doc});
    const std::vector<std::string> back = ReadXml(xml);
    ASSERT_EQ(back.size(), 1u) << xml;
    EXPECT_EQ(back[0], Compact(doc)) << xml;
  }
}

TEST(XmlTest, AMemberNamedTwiceIsAParseError) {
  // As an element and as a <field name="...">: the same member "id" twice.
  Status error;
  const std::vector<std::string> docs = ReadXml(
      "<records>\n<record type=\"object\"><id>a</id><field name=\"id\">b</field></record>\n</records>", &error);
  EXPECT_TRUE(docs.empty());
  EXPECT_TRUE(error.IsParseError()) << error.ToString();
  EXPECT_NE(error.message().find("duplicate member name \"id\""), std::string::npos) << error.ToString();
}

TEST(XmlTest, RoundTripsDeepNestingAndManyRecords) {
  std::string deep;
  for (int i = 0; i < 200; ++i) deep += "{\"k\":[";
  deep += "1";
  for (int i = 0; i < 200; ++i) deep += "]}";
  std::vector<std::string> docs = NastyDocuments();
  docs.push_back(deep);
  const std::string xml = WriteXml(docs);
  for (bool trickle : {false, true}) {
    const std::vector<std::string> back = ReadXml(xml, nullptr, trickle);
    ASSERT_EQ(back.size(), docs.size());
    for (size_t i = 0; i < docs.size(); ++i) EXPECT_EQ(back[i], Compact(docs[i]));
  }
  EXPECT_TRUE(ReadXml(WriteXml({})).empty());
}

TEST(XmlTest, ReadsForeignXml) {
  const std::string xml = R"(<?xml version="1.0"?>
<!DOCTYPE catalog [ <!ELEMENT catalog ANY> ]>
<!-- a comment with <record> inside -->
<catalog xmlns:x="urn:x">
  <book id="b1" lang="en">
    <title>Dune</title>
    <author>Frank</author><author>Brian</author>
    <price currency="EUR">9.99</price>
    <note>Some <b>bold</b> text</note>
    <empty/>
    <![CDATA[ignored?]]>
  </book>
  <?pi data?>
  <book id="b2"><title><![CDATA[a <b> & c]]></title><x:tag a='1 > 0'/></book>
</catalog>
)";
  std::vector<uint64_t> lines;
  const std::vector<std::string> docs = ReadXml(xml, nullptr, false, &lines);
  ASSERT_EQ(docs.size(), 2u);
  EXPECT_EQ(docs[0],
            R"({"@id":"b1","@lang":"en","title":"Dune","author":["Frank","Brian"],)"
            R"("price":{"@currency":"EUR","#text":"9.99"},"note":{"b":"bold","#text":"Some  text"},"empty":"",)"
            R"("#text":"ignored?"})");
  EXPECT_EQ(docs[1], R"({"@id":"b2","title":"a <b> & c","x:tag":{"@a":"1 > 0"}})");
  EXPECT_EQ(lines[0], 5u);
  EXPECT_EQ(lines[1], 14u);
  EXPECT_EQ(ReadXml(xml, nullptr, true), docs);
}

void ExpectParseError(const std::string& xml, const std::string& where) {
  for (bool trickle : {false, true}) {
    Status error;
    ReadXml(xml, &error, trickle);
    EXPECT_TRUE(error.IsParseError()) << xml << " -> " << error.ToString();
    EXPECT_EQ(error.message().rfind(where, 0), 0u) << xml << " -> " << error.ToString();
  }
}

TEST(XmlTest, ErrorsHaveLine) {
  ExpectParseError("<r>\n<a><b></a>\n</r>\n", "2:");
  ExpectParseError("<r>\n<a>\n<b x=\"1></b></a>", "3:1:");
  ExpectParseError("<r>\n<a>1</a>\n", "3:");
  ExpectParseError("<r>\n<a type=\"number\">1x</a>\n</r>", "2:");
  ExpectParseError("<r>\n<a type=\"boolean\">yes</a>\n</r>", "2:");
  ExpectParseError("<r></r>\n<r2/>", "2:1:");
  ExpectParseError("", "1:1:");
  ExpectParseError("<r>\n<a/>\n</q>", "3:1:");
}

}  // namespace
}  // namespace ferry::internal
