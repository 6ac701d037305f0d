// Copyright (c) the Ferry authors.
// YAML documents (formats/yaml.h): round trips, core schema, errors.

#include "formats/yaml.h"

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "codec/codec.h"
#include "ferry/json.h"
#include "util/test_util.h"

namespace ferry::internal {
namespace {

// Reads every document; the error (if any) into *error.
std::vector<std::string> ReadYaml(const std::string& yaml, Status* error = nullptr, const YamlOptions& options = {},
                                  std::vector<uint64_t>* lines = nullptr) {
  auto reader = NewYamlReader(NewStringSource(yaml), options);
  std::vector<std::string> docs;
  while (true) {
    std::string json;
    uint64_t line = 0;
    Result<bool> r = reader->Next(&json, &line);
    if (!r.ok()) {
      if (error != nullptr) *error = r.status();
      else ADD_FAILURE() << r.status().ToString() << "\n" << yaml.substr(0, 300);
      break;
    }
    if (!*r) break;
    docs.push_back(json);
    if (lines != nullptr) lines->push_back(line);
  }
  return docs;
}

std::string WriteYaml(const std::vector<std::string>& docs) {
  std::string out;
  auto writer = NewYamlWriter(NewStringSink(&out), YamlOptions{});
  for (const std::string& d : docs) EXPECT_OK(writer->Write(d));
  EXPECT_OK(writer->Finish());
  return out;
}

// Compact JSON text of `json` (what the reader produces).
std::string Compact(const std::string& json) {
  Arena arena;
  return ToJson(test::ParseJson(json, arena));
}

const std::vector<std::string>& NastyDocuments() {
  static const std::vector<std::string> docs = {
      R"({"name":"Zoë 😀 日本","emoji":"\ud83d\ude00"})",
      R"({"nl":"a\nb","trail":"line\n","trail2":"line\n\n\n","lead":"\nx","only":"\n","crlf":"a\r\nb","cr":"x\r"})",
      R"({"sp":" lead","sp2":"trail ","sp3":"  ","tab":"\tx","mid":"a  b","indented":"a\n  b\n c"})",
      R"({"q":"say \"hi\"","s":"it's","colon":"a: b","colon2":"a:","hash":"a #b","hash2":"#x","dash":"- x","q2":"?"})",
      R"({"t":"true","n":"null","N":"Null","tilde":"~","hex":"0x10","oct":"0o17","e":"1e3","i":"12","f":"1.5","dot":".5"})",
      R"({"empty":"","inf":".inf","nan":".NaN","yes":"yes","no":"No","on":"on","y":"y","doc":"---","end":"...","star":"*a"})",
      R"({"o":{},"a":[],"nested":[[],[{}],[[1,[2,[3]]]]],"objs":[{"a":1,"b":[{"c":null}]},{"d":true}]})",
      R"({"big":123456789012345678901234567890,"neg":-0,"negf":-0.0,"exp":1E+300,"small":5e-324,"f":1.50})",
      R"({"":"empty key","a b":1,"1abc":2,"true":3,"null":4,"0x10":5,"key: colon":6,"#k":7,"- k":8})",
      R"({"ctrl":"\u0000\u0001\u001f\u007f\u0085\u2028\u2029\ufeff\uffff","bs":"back\\slash","nbsp":"\u00a0x"})",
      R"([1,"two",null,false,{"x":[]}])",
      R"("just a string")",
      R"("multi\nline root\n")",
      R"(42)",
      R"(null)",
      R"({})",
      R"([])",
      R"({"literal":"first\n  second\n\n  \nlast\n","lit2":"a\n\n","lit3":"x\ny","lit4":"a\n \n"})",
      R"({"unicode_lines":"é\nü\n","long":")" + std::string(2000, 'k') + R"("})",
      "{\"" + std::string(1500, 'K') + "\":1}",
  };
  return docs;
}

TEST(YamlTest, RoundTripsNastyDocuments) {
  for (const std::string& doc : NastyDocuments()) {
    const std::string yaml = WriteYaml({doc});
    const std::vector<std::string> back = ReadYaml(yaml);
    ASSERT_EQ(back.size(), 1u) << yaml;
    EXPECT_EQ(back[0], Compact(doc)) << yaml;
  }
}

TEST(YamlTest, RoundTripsDeepNesting) {
  std::string doc;
  for (int i = 0; i < 200; ++i) doc += i % 2 == 0 ? "{\"k\":[" : "[{\"k\":";
  doc += "1";
  for (int i = 199; i >= 0; --i) doc += i % 2 == 0 ? "]}" : "}]";
  const std::vector<std::string> back = ReadYaml(WriteYaml({doc}));
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0], Compact(doc));
}

TEST(YamlTest, MultiDocumentStream) {
  const std::vector<std::string> docs = {R"({"a":1})", R"([1,2])", R"("s")", R"(null)", R"({"b":{"c":"d"}})"};
  const std::string yaml = WriteYaml(docs);
  std::vector<uint64_t> lines;
  const std::vector<std::string> back = ReadYaml(yaml, nullptr, {}, &lines);
  ASSERT_EQ(back.size(), docs.size());
  for (size_t i = 0; i < docs.size(); ++i) EXPECT_EQ(back[i], Compact(docs[i]));
  EXPECT_EQ(lines[0], 1u);
  EXPECT_EQ(lines[1], 3u);
  EXPECT_TRUE(ReadYaml("").empty());
  EXPECT_TRUE(ReadYaml("# only a comment\n").empty());
  EXPECT_EQ(ReadYaml("a: 1\n...\n---\nb: 2\n").size(), 2u);
}

TEST(YamlTest, CoreSchema) {
  const std::vector<std::string> docs = ReadYaml(
      "a: ~\nb:\nc: True\nd: FALSE\ne: 0x1F\nf: 0o17\ng: +12\nh: 007\ni: .5\nj: 1.\nk: -1.5e+3\n"
      "l: '1'\nm: !!str 2\nn: yes\no: 0x123456789ABCDEF0123\np: \"null\"\nq: !!int '3'\nr: 1_000\n");
  ASSERT_EQ(docs.size(), 1u);
  EXPECT_EQ(docs[0],
            R"({"a":null,"b":null,"c":true,"d":false,"e":31,"f":15,"g":12,"h":7,"i":0.5,"j":1.0,"k":-1.5e+3,)"
            R"("l":"1","m":"2","n":"yes","o":5373003642731685151011,"p":"null","q":3,"r":"1_000"})");
}

TEST(YamlTest, KeysAndAliases) {
  EXPECT_EQ(ReadYaml("1: a\ntrue: b\n~: c\n0x10: d\n")[0], R"({"1":"a","true":"b","null":"c","16":"d"})");
  EXPECT_EQ(ReadYaml("base: &b {x: 1}\nuse: *b\n")[0], R"({"base":{"x":1},"use":{"x":1}})");
}

TEST(YamlTest, ExplodeSequences) {
  YamlOptions options;
  options.explode_sequences = true;
  std::vector<uint64_t> lines;
  const std::vector<std::string> docs = ReadYaml("- a: 1\n- b: 2\n---\nc: 3\n", nullptr, options, &lines);
  ASSERT_EQ(docs.size(), 3u);
  EXPECT_EQ(docs[1], R"({"b":2})");
  EXPECT_EQ(lines[1], 2u);
  EXPECT_EQ(docs[2], R"({"c":3})");
}

void ExpectParseError(const std::string& yaml, const std::string& where, const YamlOptions& options = {}) {
  Status error;
  ReadYaml(yaml, &error, options);
  EXPECT_TRUE(error.IsParseError()) << yaml.substr(0, 300) << " -> " << error.ToString();
  EXPECT_EQ(error.message().rfind(where, 0), 0u) << yaml.substr(0, 300) << " -> " << error.ToString();
}

TEST(YamlTest, ErrorsHaveLineAndColumn) {
  ExpectParseError("a: 1\nb: [1, 2\n", "");
  ExpectParseError("a: 1\nb: 2\na: 3\n", "3:1:");
  ExpectParseError("a: 1\n[x]: 2\n", "2:1:");
  ExpectParseError("a: 1\nb: .inf\n", "2:4:");
  ExpectParseError("x: !!int abc\n", "1:4:");
  ExpectParseError("- a\nb: 1\n", "2:1:");
  ExpectParseError("a: 1\n... x\n", "2:5:");  // at the content after "..."
  YamlOptions options;
  options.non_finite_as_string = true;
  Status error;
  EXPECT_EQ(ReadYaml("a: -.inf\n", &error, options)[0], R"({"a":"-.inf"})");
}

TEST(YamlTest, RejectsTooDeepAndBillionLaughs) {
  ExpectParseError(std::string(100000, '[') + std::string(100000, ']'), "");
  YamlOptions shallow;
  shallow.max_depth = 10;
  ExpectParseError("a:\n  b:\n    - [[[[[[[[[[1]]]]]]]]]]\n", "3:14:", shallow);
  std::string laughs = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  std::string prev = "a";
  for (char c = 'b'; c <= 'k'; ++c) {
    laughs += std::string(1, c) + ": &" + c + " [*" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev +
              ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + "]\n";
    prev = std::string(1, c);
  }
  Status error;
  ReadYaml(laughs, &error);
  EXPECT_TRUE(error.IsParseError()) << error.ToString();
  EXPECT_NE(error.message().find("max_alias_expansion"), std::string::npos);
}

// Hands out its data a few bytes at a time, then fails (when asked to).
class TrickleSource : public ByteSource {
 public:
  TrickleSource(std::string data, bool fail) : data_(std::move(data)), fail_(fail) {}
  Result<size_t> Read(char* buf, size_t n) override {
    if (pos_ == data_.size()) {
      if (fail_) return Status::IoError("disk on fire");
      return size_t(0);
    }
    const size_t k = std::min({n, size_t(3), data_.size() - pos_});
    data_.copy(buf, k, pos_);
    pos_ += k;
    return k;
  }

 private:
  std::string data_;
  size_t pos_ = 0;
  bool fail_;
};

TEST(YamlTest, StreamsFromSmallReadsAndReportsSourceErrors) {
  const std::string yaml = "a: \"long double-quoted text\"\nb: [1, 2, {c: d}]\n---\n- x\n";
  auto reader = NewYamlReader(std::make_unique<TrickleSource>(yaml, false), YamlOptions{});
  std::string json;
  uint64_t line = 0;
  auto next = [&](DocumentReader* r) {
    Result<bool> more = r->Next(&json, &line);
    EXPECT_OK(more.status());
    return more.ok() && *more;
  };
  ASSERT_TRUE(next(reader.get()));
  EXPECT_EQ(json, R"({"a":"long double-quoted text","b":[1,2,{"c":"d"}]})");
  ASSERT_TRUE(next(reader.get()));
  EXPECT_EQ(json, R"(["x"])");
  EXPECT_EQ(line, 3u);
  EXPECT_FALSE(next(reader.get()));

  // Characters split across reads (3 bytes at a time) are put back together.
  auto unicode = NewYamlReader(std::make_unique<TrickleSource>("k: é😀é\n\"日本\": ü\n", false), YamlOptions{});
  ASSERT_TRUE(next(unicode.get()));
  EXPECT_EQ(json, R"({"k":"é😀é","日本":"ü"})");
  // A character cut short at the end of the input.
  auto cut = NewYamlReader(std::make_unique<TrickleSource>("k: x\xf0\x9f\x98", false), YamlOptions{});
  Result<bool> cut_r = cut->Next(&json, &line);
  ASSERT_FALSE(cut_r.ok());
  EXPECT_EQ(cut_r.status().message(), "1:5: invalid UTF-8 (a YAML stream must be UTF-8)");

  auto failing = NewYamlReader(std::make_unique<TrickleSource>("a: 1\n", true), YamlOptions{});
  Result<bool> r = failing->Next(&json, &line);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "disk on fire") << r.status().ToString();
  EXPECT_FALSE(failing->Next(&json, &line).ok());
}

TEST(YamlTest, RejectsInvalidUtf8AndBadAliases) {
  // libfyaml alone would take the bad byte for the end of the input.
  ExpectParseError("a: \xff\xfe\nb: 2\n", "1:4: invalid UTF-8");
  ExpectParseError("a: x\nb: \xc3\xa9\xc3(\n", "2:5: invalid UTF-8");
  ExpectParseError("a: 1\n...\n\xed\xa0\x80\n", "3:1: invalid UTF-8");
  ExpectParseError("a: \xe2\x82", "1:4: invalid UTF-8");
  ExpectParseError(std::string("\xff\xfe") + std::string("a\0:\0 \0001\0\n\0", 10), "1:1: invalid UTF-8");
  ExpectParseError("a: \"\\ud800\"\n", "");
  ExpectParseError("a: *nope\n", "1:4:");
  ExpectParseError("a: &x [1, *x]\n", "1:11:");
  ExpectParseError("? [1]\n: 2\n", "1:3:");
  // An anchor may be redefined; an alias refers to the latest definition.
  EXPECT_EQ(ReadYaml("a: &x 1\nb: &x 2\nc: *x\n")[0], R"({"a":1,"b":2,"c":2})");
  // Anchors do not carry over to the next document.
  ExpectParseError("a: &x 1\n---\nb: *x\n", "3:4:");
}

}  // namespace
}  // namespace ferry::internal
