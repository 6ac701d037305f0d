// Copyright (c) the Ferry authors.
#include "engine/journal_entry.h"

#include "util/test_util.h"

namespace ferry::internal {
namespace {

// Parses one entry line (its newline dropped) and hands it to `check`.
template <typename Check>
void Read(const std::string& line, Check&& check) {
  JsonParser parser;
  Arena arena;
  std::string_view text(line);
  if (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  auto v = parser.Parse(text, arena);
  ASSERT_TRUE(v.ok()) << line;
  ASSERT_TRUE(JournalEntry::IsEntry(v.value())) << line;
  check(JournalEntry(v.value()));
}

TEST(JournalEntryTest, RunEntryReadsBackEveryMemberWritten) {
  std::string complements, skipped, journal;
  JsonParser parser;
  Arena arena;
  auto complement = parser.Parse(R"({"dropped":[1,2]})", arena);
  ASSERT_TRUE(complement.ok());
  AddComplement("m1", complement.value(), &complements);
  AddSkipped("m2", &skipped);
  AddSkipped("m3", &skipped);
  EXPECT_EQ(skipped, "[\"m2\",\"m3\"]");
  JournalEntryWriter(&journal)
      .Key("w-\"1\"")
      .Written("aa")
      .Before({"v1", false, "oo", std::string_view("{\"x\":1}")})
      .Complements(complements)
      .Skipped(skipped)
      .End();
  AddMigratedFrom("v1", &journal);
  ASSERT_EQ(journal.back(), '\n');
  Read(journal, [](const JournalEntry& e) {
    EXPECT_EQ(e.key(), "w-\"1\"");
    EXPECT_EQ(e.written_sha(), "aa");
    EXPECT_EQ(e.version(), "v1");
    EXPECT_FALSE(e.version_null());
    EXPECT_EQ(e.original_sha(), "oo");
    ASSERT_NE(e.before_text(), nullptr);
    EXPECT_EQ(e.before_text()->AsString(), "{\"x\":1}");
    ASSERT_NE(e.complement("m1"), nullptr);
    EXPECT_EQ(e.complement("m2"), nullptr);
    EXPECT_TRUE(e.skipped("m2"));
    EXPECT_TRUE(e.skipped("m3"));
    EXPECT_FALSE(e.skipped("m1"));
    EXPECT_EQ(e.migrated_from(), "v1");
    EXPECT_FALSE(e.deleted());
  });
}

TEST(JournalEntryTest, EmptyComplementsAndSkipsWriteNoMember) {
  std::string journal;
  JournalEntryWriter(&journal).Key("k").Written("a").Complements("").Skipped("").End();
  EXPECT_EQ(journal, "{\"k\":\"k\",\"a\":\"a\"}\n");
}

TEST(JournalEntryTest, BeforeFromTheTableGoesFirstWithANullVersion) {
  const std::string worker = "{\"k\":\"k\",\"a\":\"a\",\"f\":\"v2\"}";
  std::string line = WithBefore(EntryBefore{"", true, "oo", std::nullopt}, worker);
  EXPECT_EQ(line, "{\"v\":null,\"o\":\"oo\",\"k\":\"k\",\"a\":\"a\",\"f\":\"v2\"}");
  Read(line, [](const JournalEntry& e) {
    EXPECT_TRUE(e.version_null());
    EXPECT_EQ(e.version(), "");
    EXPECT_EQ(e.before_text(), nullptr);
    EXPECT_EQ(e.migrated_from(), "v2");
  });
  Read(WithBefore(std::nullopt, worker), [](const JournalEntry& e) {
    EXPECT_EQ(e.original_sha(), "");
    EXPECT_EQ(e.key(), "k");
  });
}

TEST(JournalEntryTest, DeletionEntryOfAnIncrementalBackup) {
  std::string entries;
  JournalEntryWriter(&entries).Key("gone").Deleted().End();
  Read(entries, [](const JournalEntry& e) {
    EXPECT_TRUE(e.deleted());
    EXPECT_EQ(e.original_sha(), "");
  });
}

TEST(JournalEntryTest, JournalWithoutMigratedFromFallsBackToTheVersionBefore) {
  Read(R"({"o":"x","a":"y","v":"v1","k":"k","extra":1})", [](const JournalEntry& e) {
    EXPECT_EQ(e.migrated_from(), "v1");
  });
}

TEST(JournalEntryTest, MigratedFromIsNotAddedAfterSomethingThatIsNotAnEntry) {
  std::string journal = "not an entry";
  AddMigratedFrom("v1", &journal);
  EXPECT_EQ(journal, "not an entry");
}

TEST(JournalEntryTest, ALineWithoutKeyIsNotAnEntry) {
  JsonParser parser;
  Arena arena;
  auto v = parser.Parse(R"({"o":""})", arena);
  ASSERT_TRUE(v.ok());
  EXPECT_FALSE(JournalEntry::IsEntry(v.value()));
}

}  // namespace
}  // namespace ferry::internal
