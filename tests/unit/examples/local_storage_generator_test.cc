// Copyright (c) the Ferry authors.
//
// Unit tests of the local-storage test-data generator
// (include/ferry/generate.h): determinism, the two export shapes, users and
// their keys, the mix of kinds, and that the expected-rejects file lists
// exactly the items whose value is corrupt, oversized or an unknown theme.
// The migration itself is run on this data by
// tests/unit/engine/local_storage_project_test.cc and tests/e2e/local_storage/.

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "ferry/generate.h"
#include "ferry/json.h"
#include "util/test_util.h"

namespace ferry {
namespace {

std::vector<std::string_view> SplitLines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) nl = text.size();
    lines.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  return lines;
}

std::vector<std::string_view> MemberNames(const Value& v) {
  std::vector<std::string_view> names;
  for (const Member* m = v.members(); m != v.members_end(); ++m) names.push_back(m->key.AsString());
  return names;
}

std::string Str(const Value* v) { return v != nullptr && v->IsString() ? std::string(v->AsString()) : ""; }

size_t CodePoints(std::string_view s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

// The kind the example's migration gives a storage key.
std::string KindOf(std::string_view key) {
  if (key == "settings") return "settings";
  if (key.starts_with("journal:")) return "journal";
  if (key.starts_with("cache:")) return "list";
  if (key.starts_with("draft:")) return "draft";
  return "other";
}

struct Generated {
  std::string out;
  std::string rejects;
  LocalStorageStats stats;
};

// One item, as the tests see it.
struct Item {
  bool legacy = false;
  std::string id, user, key, value, exported;
};

class LocalStorageGeneratorTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = test::NewTempDir("local_storage_generator"); }

  Generated Generate(uint64_t count, uint64_t seed, LocalStorageScenario scenario) {
    LocalStorageOptions options;
    options.count = count;
    options.seed = seed;
    options.scenario = scenario;
    Generated g;
    Status s = GenerateLocalStorage(options, dir_ + "/out.jsonl", dir_ + "/rejects.jsonl", &g.stats);
    EXPECT_TRUE(s.ok()) << s.ToString();
    g.out = test::ReadFile(dir_ + "/out.jsonl");
    g.rejects = test::ReadFile(dir_ + "/rejects.jsonl");
    return g;
  }

  // Parses one line and checks its shape (member names and order).
  static Item ParseItem(std::string_view line, JsonParser& parser, Arena& arena) {
    Item item;
    Result<Value> doc = parser.Parse(line, arena);
    EXPECT_TRUE(doc.ok()) << doc.status().ToString() << " in " << line.substr(0, 200);
    if (!doc.ok()) return item;
    const Value& d = doc.value();
    // Compact: the writer gives the same bytes back.
    EXPECT_EQ(ToJson(d), line);
    item.legacy = d.Has("key");
    if (item.legacy) {
      EXPECT_EQ(MemberNames(d), (std::vector<std::string_view>{"key", "val", "user", "exported_at"}));
      item.key = Str(d.Find("key"));
      item.value = Str(d.Find("val"));
      item.user = Str(d.Find("user"));
      item.exported = Str(d.Find("exported_at"));
      item.id = item.user + "/" + item.key;
      EXPECT_EQ(item.exported.size(), 19u);
      EXPECT_EQ(item.exported[10], ' ');
    } else {
      EXPECT_EQ(MemberNames(d),
                (std::vector<std::string_view>{"id", "userId", "storageKey", "value", "exportedAt"}));
      item.id = Str(d.Find("id"));
      item.user = Str(d.Find("userId"));
      item.key = Str(d.Find("storageKey"));
      item.value = Str(d.Find("value"));
      item.exported = Str(d.Find("exportedAt"));
      EXPECT_EQ(item.id, item.user + "/" + item.key);
      EXPECT_EQ(item.exported.size(), 20u);
      EXPECT_EQ(item.exported.substr(10, 1) + item.exported.substr(19), "TZ");
    }
    EXPECT_EQ(item.user.size(), 7u);
    EXPECT_EQ(item.user[0], 'u');
    EXPECT_FALSE(item.key.empty());
    return item;
  }

  std::string dir_;
};

TEST_F(LocalStorageGeneratorTest, ScenarioNamesRoundTrip) {
  for (LocalStorageScenario scenario : {LocalStorageScenario::kAllValid, LocalStorageScenario::kMixed}) {
    Result<LocalStorageScenario> parsed = ParseLocalStorageScenario(LocalStorageScenarioName(scenario));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(parsed.value(), scenario);
  }
  EXPECT_EQ(LocalStorageOptions().scenario, LocalStorageScenario::kMixed);
  for (std::string_view bad : {"", "Mixed", "malformed", "all_valid"}) {
    Result<LocalStorageScenario> parsed = ParseLocalStorageScenario(bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_TRUE(parsed.status().IsInvalidArgument());
    EXPECT_NE(parsed.status().message().find("all-valid, mixed"), std::string::npos);
  }
}

TEST_F(LocalStorageGeneratorTest, SameSeedIsByteIdenticalAndShorterRunIsAPrefix) {
  Generated a = Generate(3000, 42, LocalStorageScenario::kMixed);
  Generated b = Generate(3000, 42, LocalStorageScenario::kMixed);
  EXPECT_EQ(a.out, b.out);
  EXPECT_EQ(a.rejects, b.rejects);
  Generated c = Generate(3000, 43, LocalStorageScenario::kMixed);
  EXPECT_NE(a.out, c.out);
  Generated small = Generate(1234, 42, LocalStorageScenario::kMixed);
  EXPECT_EQ(a.out.compare(0, small.out.size(), small.out), 0);
  EXPECT_EQ(a.rejects.compare(0, small.rejects.size(), small.rejects), 0);
  EXPECT_EQ(SplitLines(small.out).size(), 1234u);
  EXPECT_TRUE(Generate(0, 42, LocalStorageScenario::kMixed).out.empty());
}

// Guards "the same bytes on every machine". Update only when the generator
// is changed on purpose (and say so in the change).
constexpr uint64_t kPinnedMixedHash = 0x2051adc4883190ccULL;  // 2000 mixed, seed 7

TEST_F(LocalStorageGeneratorTest, OutputIsPinned) {
  auto fnv1a = [](std::string_view s) {
    uint64_t h = 0xcbf29ce484222325ULL;
    for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ULL;
    return h;
  };
  Generated g = Generate(2000, 7, LocalStorageScenario::kMixed);
  EXPECT_EQ(fnv1a(g.out), kPinnedMixedHash) << std::hex << fnv1a(g.out);
}

TEST_F(LocalStorageGeneratorTest, ItemsUsersAndExpectedRejects) {
  constexpr uint64_t kCount = 30000;
  Generated g = Generate(kCount, 11, LocalStorageScenario::kMixed);
  const LocalStorageStats& st = g.stats;
  EXPECT_EQ(st.items, kCount);
  EXPECT_EQ(st.bytes, g.out.size());
  EXPECT_EQ(st.settings + st.journal + st.list + st.draft + st.other + st.expected_rejects, kCount);
  EXPECT_EQ(st.expected_rejects, st.corrupt + st.oversized + st.bad_theme);

  // The expected rejects, by record number.
  struct Expected {
    std::string id, code, pointer;
  };
  std::map<uint64_t, Expected> expected;
  {
    Arena arena;
    for (std::string_view line : SplitLines(g.rejects)) {
      Value r = test::ParseJson(line, arena);
      ASSERT_EQ(MemberNames(r), (std::vector<std::string_view>{"id", "record", "code", "pointer"}));
      int64_t record = 0;
      ASSERT_TRUE(r.Find("record")->GetInt64(&record));
      expected[uint64_t(record)] = {Str(r.Find("id")), Str(r.Find("code")), Str(r.Find("pointer"))};
    }
  }
  ASSERT_EQ(expected.size(), st.expected_rejects);

  JsonParser parser;
  Arena arena, value_arena;
  std::set<std::string> ids;
  std::map<std::string, uint64_t> kinds;
  uint64_t corrupt = 0, oversized = 0, bad_theme = 0, non_compact = 0, legacy = 0, users = 0;
  uint64_t valid_bytes = 0;
  std::string user;
  bool user_legacy = false;
  std::string user_exported;
  uint64_t user_items = 0;
  std::vector<uint64_t> items_per_user;
  uint64_t record = 0;
  for (std::string_view line : SplitLines(g.out)) {
    ++record;
    arena.Reset();
    Item item = ParseItem(line, parser, arena);
    ASSERT_FALSE(item.id.empty()) << line.substr(0, 200);
    EXPECT_TRUE(ids.insert(item.id).second) << "duplicate id " << item.id;
    legacy += item.legacy;
    // Users come one after the other, each with one export (shape and time).
    if (item.user != user) {
      EXPECT_GT(item.user, user);
      if (users > 0) items_per_user.push_back(user_items);
      user = item.user;
      user_legacy = item.legacy;
      user_exported = item.exported;
      user_items = 0;
      ++users;
    }
    ++user_items;
    EXPECT_EQ(item.legacy, user_legacy);
    EXPECT_EQ(item.exported, user_exported);

    value_arena.Reset();
    Result<Value> value = parser.Parse(item.value, value_arena);
    auto it = expected.find(record);
    if (it != expected.end()) {
      const Expected& e = it->second;
      EXPECT_EQ(e.id, item.id);
      if (e.code == "MIGRATION_ERROR") {
        ++corrupt;
        EXPECT_EQ(e.pointer, "/value");
        EXPECT_FALSE(value.ok()) << item.value;
      } else if (e.pointer == "/data/theme") {
        ++bad_theme;
        ASSERT_TRUE(value.ok());
        EXPECT_EQ(item.key, "settings");
        EXPECT_EQ(Str(value->Find("theme")), "high-contrast");
      } else {
        ++oversized;
        EXPECT_EQ(e.code, "VALIDATION_ERROR");
        EXPECT_EQ(e.pointer, item.legacy ? "/val" : "/value");
        EXPECT_TRUE(value.ok());
        EXPECT_GT(CodePoints(item.value), kLocalStorageMaxValueLength);
        EXPECT_TRUE(item.key.starts_with("cache:feed")) << item.key;
      }
      continue;
    }
    // A valid item: JSON text of the shape its kind promises, within limits.
    ASSERT_TRUE(value.ok()) << value.status().ToString() << " in " << item.value;
    EXPECT_LE(CodePoints(item.value), kLocalStorageMaxValueLength);
    valid_bytes += line.size() + 1;
    if (ToJson(value.value()) != item.value) ++non_compact;
    const std::string kind = KindOf(item.key);
    ++kinds[kind];
    const Value& v = value.value();
    if (kind == "settings") {
      ASSERT_TRUE(v.IsObject());
      const std::string theme = Str(v.Find("theme"));
      EXPECT_TRUE(theme == "light" || theme == "dark" || theme == "system") << theme;
      EXPECT_TRUE(v.Has("language") && v.Has("fontSize") && v.Has("notifications"));
    } else if (kind == "journal") {
      ASSERT_TRUE(v.IsObject());
      EXPECT_EQ("journal:" + Str(v.Find("date")), item.key);
      EXPECT_TRUE(v.Find("body") != nullptr && v.Find("body")->IsString());
      EXPECT_TRUE(v.Find("tags") != nullptr && v.Find("tags")->IsArray());
    } else if (kind == "list") {
      EXPECT_TRUE(v.IsArray());
    } else if (kind == "draft") {
      ASSERT_TRUE(v.IsObject());
      EXPECT_TRUE(v.Find("text") != nullptr && v.Find("text")->IsString());
    }
  }
  ASSERT_EQ(record, kCount);
  EXPECT_EQ(corrupt, st.corrupt);
  EXPECT_EQ(oversized, st.oversized);
  EXPECT_EQ(bad_theme, st.bad_theme);
  EXPECT_EQ(non_compact, st.non_compact);
  EXPECT_EQ(legacy, st.legacy);
  EXPECT_EQ(users, st.users);
  EXPECT_EQ(kinds["settings"], st.settings);
  EXPECT_EQ(kinds["journal"], st.journal);
  EXPECT_EQ(kinds["list"], st.list);
  EXPECT_EQ(kinds["draft"], st.draft);
  EXPECT_EQ(kinds["other"], st.other);
  // 5-40 items per user (the last one may be cut short by --count).
  for (uint64_t n : items_per_user) {
    EXPECT_GE(n, 5u);
    EXPECT_LE(n, 40u);
  }

  // The mix.
  auto share = [&](uint64_t n) { return double(n) / double(kCount); };
  EXPECT_NEAR(share(st.legacy), 0.10, 0.03);
  EXPECT_NEAR(share(st.corrupt), 0.005, 0.0015);
  EXPECT_NEAR(share(st.oversized), 0.002, 0.001);
  EXPECT_GT(st.bad_theme, 0u);
  EXPECT_NEAR(double(st.non_compact) / double(kCount - st.expected_rejects), 0.02, 0.007);
  for (const char* kind : {"settings", "journal", "list", "draft", "other"}) EXPECT_GT(share(kinds[kind]), 0.02) << kind;
  // Realistic sizes: a few hundred bytes an item.
  const double mean = double(g.out.size()) / double(kCount);
  const double valid_mean = double(valid_bytes) / double(kCount - st.expected_rejects);
  EXPECT_GT(mean, 300);
  EXPECT_LT(mean, 800);
  EXPECT_GT(valid_mean, 250);
  EXPECT_LT(valid_mean, 600);
}

TEST_F(LocalStorageGeneratorTest, AllValidHasNothingToReject) {
  Generated g = Generate(5000, 3, LocalStorageScenario::kAllValid);
  EXPECT_EQ(g.stats.expected_rejects, 0u);
  EXPECT_EQ(g.stats.corrupt + g.stats.oversized + g.stats.bad_theme, 0u);
  EXPECT_TRUE(g.rejects.empty());
  EXPECT_GT(g.stats.legacy, 0u);
  EXPECT_GT(g.stats.non_compact, 0u);
  JsonParser parser;
  Arena arena;
  for (std::string_view line : SplitLines(g.out)) {
    arena.Reset();
    Item item = ParseItem(line, parser, arena);
    Result<Value> value = parser.Parse(item.value, arena);
    ASSERT_TRUE(value.ok()) << item.value;
    EXPECT_LE(CodePoints(item.value), kLocalStorageMaxValueLength);
  }
}

TEST_F(LocalStorageGeneratorTest, UnwritablePathIsAnIoError) {
  LocalStorageOptions options;
  options.count = 10;
  LocalStorageStats stats;
  Status s = GenerateLocalStorage(options, dir_ + "/missing/dir/out.jsonl", "", &stats);
  EXPECT_TRUE(s.IsIoError()) << s.ToString();
  EXPECT_NE(s.message().find("missing/dir/out.jsonl"), std::string::npos);
  s = GenerateLocalStorage(options, dir_ + "/out.jsonl", dir_ + "/missing/rejects.jsonl", nullptr);
  EXPECT_TRUE(s.IsIoError()) << s.ToString();
}

}  // namespace
}  // namespace ferry
