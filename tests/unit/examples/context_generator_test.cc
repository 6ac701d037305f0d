// Copyright (c) the Ferry authors.
//
// Unit tests of the context-store generator (GenerateContext,
// include/ferry/generate.h): same options give the same bytes; every content
// edge case the format stores must survive appears within the first 1000
// records; ids are unique; values are in their ranges; the legacy shape is
// the current record with the context-1 keys.

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "ferry/generate.h"
#include "ferry/json.h"
#include "util/test_util.h"

namespace ferry {
namespace {

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string::npos) nl = text.size();
    lines.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  return lines;
}

class ContextGeneratorTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = test::NewTempDir("context_generator_test"); }

  std::string Generate(uint64_t count, uint64_t seed, ContextShape shape, ContextStats* stats = nullptr,
                       const std::string& name = "out.jsonl") {
    ContextOptions o;
    o.count = count;
    o.seed = seed;
    o.shape = shape;
    const std::string path = dir_ + "/" + name;
    EXPECT_OK(GenerateContext(o, path, stats));
    return test::ReadFile(path);
  }

  std::string dir_;
};

TEST_F(ContextGeneratorTest, SameOptionsGiveTheSameBytes) {
  for (ContextShape shape : {ContextShape::kCurrent, ContextShape::kLegacy, ContextShape::kMixed}) {
    const std::string a = Generate(3000, 42, shape, nullptr, "a.jsonl");
    const std::string b = Generate(3000, 42, shape, nullptr, "b.jsonl");
    EXPECT_TRUE(a == b) << ContextShapeName(shape);
    EXPECT_FALSE(a == Generate(3000, 43, shape, nullptr, "c.jsonl")) << ContextShapeName(shape);
  }
  // A prefix: the first N records do not depend on the count.
  const std::string all = Generate(3000, 42, ContextShape::kMixed);
  const std::string some = Generate(100, 42, ContextShape::kMixed, nullptr, "some.jsonl");
  EXPECT_EQ(all.substr(0, some.size()), some);
  EXPECT_EQ(Generate(0, 1, ContextShape::kMixed), "");
}

TEST_F(ContextGeneratorTest, EveryContentEdgeCaseAppearsInTheFirst1000Records) {
  for (uint64_t seed : {1, 2, 7, 42}) {
    const std::string text = Generate(1000, seed, ContextShape::kCurrent);
    bool cjk = false, non_bmp = false, accent = false, lf = false, crlf = false, tab = false, quote = false,
         comma = false, semicolon = false, backslash = false, leading = false, trailing = false, empty = false;
    Arena arena;
    JsonParser parser;
    for (const std::string& line : Lines(text)) {
      auto doc = parser.Parse(line, arena);
      ASSERT_OK(doc.status());
      const Value* content = doc->Find("content");
      ASSERT_NE(content, nullptr);
      ASSERT_TRUE(content->IsString());
      const std::string_view c = content->AsString();
      empty |= c.empty();
      leading |= !c.empty() && c.front() == ' ';
      trailing |= !c.empty() && c.back() == ' ';
      tab |= c.find('\t') != c.npos;
      quote |= c.find('"') != c.npos;
      comma |= c.find(',') != c.npos;
      semicolon |= c.find(';') != c.npos;
      backslash |= c.find('\\') != c.npos;
      crlf |= c.find("\r\n") != c.npos;
      for (size_t i = 0; i < c.size(); ++i) {
        const unsigned char b = static_cast<unsigned char>(c[i]);
        if (c[i] == '\n' && (i == 0 || c[i - 1] != '\r')) lf = true;
        if (b >= 0xF0) non_bmp = true;                      // 4-byte UTF-8: outside the BMP
        if (b >= 0xE4 && b <= 0xE9) cjk = true;             // U+4000..U+9FFF: CJK ideographs
        if (b == 0xC3) accent = true;                       // Latin-1 letters (é, ü, ...)
      }
      // The JSON text escapes what JSON requires and nothing else.
      EXPECT_EQ(line.find('\r'), std::string::npos);
      EXPECT_EQ(line.find("\\u"), std::string::npos) << line;
    }
    EXPECT_TRUE(cjk) << seed;
    EXPECT_TRUE(non_bmp) << seed;
    EXPECT_TRUE(accent) << seed;
    EXPECT_TRUE(lf) << seed;
    EXPECT_TRUE(crlf) << seed;
    EXPECT_TRUE(tab) << seed;
    EXPECT_TRUE(quote) << seed;
    EXPECT_TRUE(comma) << seed;
    EXPECT_TRUE(semicolon) << seed;
    EXPECT_TRUE(backslash) << seed;
    EXPECT_TRUE(leading) << seed;
    EXPECT_TRUE(trailing) << seed;
    EXPECT_TRUE(empty) << seed;
  }
}

TEST_F(ContextGeneratorTest, CurrentRecordsHaveUniqueIdsAndValuesInRange) {
  ContextStats stats;
  const std::string text = Generate(5000, 3, ContextShape::kCurrent, &stats);
  EXPECT_EQ(stats.records, 5000u);
  EXPECT_EQ(stats.current, 5000u);
  EXPECT_EQ(stats.legacy, 0u);
  EXPECT_EQ(stats.bytes, text.size());
  const std::set<std::string> types = {"note", "decision", "fact", "task", "snippet"};
  const std::set<std::string> sources = {"cli", "api", "import", "web"};
  std::set<std::string> ids, sessions, tags_seen;
  std::set<size_t> tag_counts;
  std::set<std::string> years;
  Arena arena;
  JsonParser parser;
  const std::vector<std::string> lines = Lines(text);
  ASSERT_EQ(lines.size(), 5000u);
  for (size_t i = 0; i < lines.size(); ++i) {
    auto doc = parser.Parse(lines[i], arena);
    ASSERT_OK(doc.status());
    std::vector<std::string> keys;
    for (const Member* m = doc->members(); m != doc->members_end(); ++m) keys.emplace_back(m->key.AsString());
    ASSERT_EQ(keys, (std::vector<std::string>{"id", "title", "content", "type", "tags", "createdAt", "sessionId",
                                              "metadata"}));
    char want[32];
    std::snprintf(want, sizeof(want), "ctx-%06zu", i + 1);
    EXPECT_EQ(doc->Find("id")->AsString(), want);
    ids.emplace(doc->Find("id")->AsString());
    EXPECT_FALSE(doc->Find("title")->AsString().empty());
    EXPECT_EQ(types.count(std::string(doc->Find("type")->AsString())), 1u);
    const Value* tags = doc->Find("tags");
    ASSERT_TRUE(tags->IsArray());
    EXPECT_LE(tags->size(), 5u);
    tag_counts.insert(tags->size());
    std::set<std::string> distinct;
    for (const Value& t : *tags) {
      distinct.emplace(t.AsString());
      tags_seen.emplace(t.AsString());
      EXPECT_EQ(t.AsString().find(','), std::string_view::npos);
    }
    EXPECT_EQ(distinct.size(), tags->size());
    const std::string created(doc->Find("createdAt")->AsString());
    ASSERT_EQ(created.size(), 20u) << created;
    EXPECT_EQ(created[10], 'T');
    EXPECT_EQ(created[19], 'Z');
    years.insert(created.substr(0, 4));
    const std::string session(doc->Find("sessionId")->AsString());
    ASSERT_EQ(session.rfind("sess-", 0), 0u) << session;
    const int n = std::stoi(session.substr(5));
    EXPECT_GE(n, 1);
    EXPECT_LE(n, 40);
    sessions.insert(session);
    const Value* meta = doc->Find("metadata");
    ASSERT_TRUE(meta->IsObject());
    ASSERT_EQ(meta->size(), 2u);
    const Value* importance = meta->Find("importance");
    ASSERT_TRUE(importance->IsIntegral());
    EXPECT_GE(importance->AsDouble(), 1);
    EXPECT_LE(importance->AsDouble(), 5);
    EXPECT_EQ(sources.count(std::string(meta->Find("source")->AsString())), 1u);
  }
  EXPECT_EQ(ids.size(), 5000u);
  EXPECT_EQ(years, (std::set<std::string>{"2023", "2024", "2025"}));
  EXPECT_EQ(tag_counts, (std::set<size_t>{0, 1, 2, 3, 4, 5}));
  EXPECT_EQ(tags_seen.size(), 16u);
  EXPECT_EQ(sessions.size(), 40u);
}

// The legacy shape is the same record with context-1 keys; mixed picks one
// of the two per line, about 30% legacy.
TEST_F(ContextGeneratorTest, LegacyIsTheCurrentRecordInTheOldShape) {
  const std::vector<std::string> current = Lines(Generate(2000, 5, ContextShape::kCurrent, nullptr, "c.jsonl"));
  ContextStats legacy_stats, mixed_stats;
  const std::vector<std::string> legacy = Lines(Generate(2000, 5, ContextShape::kLegacy, &legacy_stats, "l.jsonl"));
  const std::vector<std::string> mixed = Lines(Generate(2000, 5, ContextShape::kMixed, &mixed_stats, "m.jsonl"));
  EXPECT_EQ(legacy_stats.legacy, 2000u);
  ASSERT_EQ(current.size(), 2000u);
  ASSERT_EQ(legacy.size(), 2000u);
  ASSERT_EQ(mixed.size(), 2000u);
  uint64_t legacy_in_mixed = 0;
  Arena arena;
  JsonParser parser;
  for (size_t i = 0; i < current.size(); ++i) {
    // Expected legacy line: keys renamed, tags joined with commas.
    auto doc = parser.Parse(current[i], arena);
    ASSERT_OK(doc.status());
    std::string tags;
    for (const Value& t : *doc->Find("tags")) tags += (tags.empty() ? "" : ",") + std::string(t.AsString());
    std::string want = "{";
    for (const Member* m = doc->members(); m != doc->members_end(); ++m) {
      std::string key(m->key.AsString());
      if (key == "createdAt") key = "created_at";
      if (key == "sessionId") key = "session_id";
      if (key == "metadata") key = "meta";
      if (want.size() > 1) want += ",";
      WriteJsonString(key, &want);
      want += ":";
      if (key == "tags") {
        WriteJsonString(tags, &want);
      } else {
        want += ToJson(m->value);
      }
    }
    want += "}";
    EXPECT_EQ(legacy[i], want);
    EXPECT_TRUE(mixed[i] == current[i] || mixed[i] == legacy[i]) << i;
    legacy_in_mixed += mixed[i] == legacy[i] ? 1 : 0;
  }
  EXPECT_EQ(mixed_stats.legacy, legacy_in_mixed);
  EXPECT_EQ(mixed_stats.current, 2000u - legacy_in_mixed);
  EXPECT_GT(legacy_in_mixed, 500u);  // 30% of 2000 is 600
  EXPECT_LT(legacy_in_mixed, 700u);
}

TEST_F(ContextGeneratorTest, ShapesParseByName) {
  EXPECT_EQ(ParseContextShape("current").value(), ContextShape::kCurrent);
  EXPECT_EQ(ParseContextShape("legacy").value(), ContextShape::kLegacy);
  EXPECT_EQ(ParseContextShape("mixed").value(), ContextShape::kMixed);
  auto bad = ParseContextShape("Mixed");
  EXPECT_EQ(bad.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("current, legacy, mixed"), std::string::npos);
}

TEST_F(ContextGeneratorTest, AnUnwritablePathIsAnIoErrorNamingIt) {
  ContextOptions o;
  o.count = 10;
  ContextStats stats;
  Status s = GenerateContext(o, dir_ + "/no/such/dir/out.jsonl", &stats);
  EXPECT_EQ(s.code(), ErrorCode::kIoError);
  EXPECT_NE(s.message().find("/no/such/dir/out.jsonl"), std::string::npos) << s.message();
  EXPECT_EQ(stats.records, 0u);
}

}  // namespace
}  // namespace ferry
