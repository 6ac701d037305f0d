// Copyright (c) the Ferry authors.
//
// Backups (safety/backup.h): what is written reads back; every flipped bit
// of every chunk, a wrong key, a resumed writer and the retention rules.

#include "safety/backup.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <set>
#include <fstream>
#include <sstream>
#include <vector>

#include "store/state.h"
#include "util/test_util.h"

namespace ferry::internal {
namespace {

namespace fs = std::filesystem;

std::string Entries(int first, int n) {
  std::string s;
  for (int i = first; i < first + n; ++i) {
    s += "{\"k\":\"key-" + std::to_string(i) + "\",\"v\":\"old\",\"o\":\"x\",\"b\":\"{\\\"id\\\":" +
         std::to_string(i) + "}\"}\n";
  }
  return s;
}

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
void WriteFile(const fs::path& p, const std::string& data) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << data;
}

class BackupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ::setenv("FERRY_KDF", "interactive", 1);
    dir_ = test::NewTempDir("backup_test");
    auto s = StateStore::OpenSqlite(dir_ + "/state.db");
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    state_ = std::move(s).value();
  }
  // A complete backup of three chunks (4, 3 and 5 entries).
  BackupManifest Make(const std::string& id, const KeyOptions& key, bool finish = true) {
    BackupManifest h;
    h.id = id;
    h.kind = "full";
    h.collection = "c";
    auto w = BackupWriter::Create(state_.get(), root(), h, key);
    EXPECT_TRUE(w.ok());
    EXPECT_TRUE((*w)->AddChunk(1, Entries(0, 4), 4, {{"old", 4}}).ok());
    EXPECT_TRUE((*w)->AddChunk(2, Entries(4, 3), 3, {{"old", 3}}).ok());
    EXPECT_TRUE((*w)->AddChunk(3, Entries(7, 5), 5, {{"old", 5}}).ok());
    if (finish) {
      EXPECT_TRUE((*w)->Finish().ok());
    }
    return (*w)->manifest();
  }
  std::string root() const { return dir_ + "/backups"; }
  std::string dir_;
  std::unique_ptr<StateStore> state_;
};

TEST_F(BackupTest, ChunksReadBackAndTheManifestDescribesThem) {
  BackupManifest m = Make("b1", {});
  auto r = BackupReader::Open(state_.get(), root(), "b1", {});
  ASSERT_TRUE(r.ok());
  const BackupManifest& got = (*r)->manifest();
  EXPECT_EQ(got.status, "complete");
  EXPECT_EQ(got.records, 12u);
  EXPECT_EQ(got.chunks.size(), 3u);
  EXPECT_EQ(got.versions.at("old"), 12u);
  EXPECT_EQ(got.sha256.size(), 64u);
  auto c = (*r)->ReadChunk(1);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c.value(), Entries(4, 3));
  auto v = (*r)->Verify(true);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(v.value().records, 12u);
  // The manifest parses back to itself.
  auto parsed = ParseManifest(m.ToJson());
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed.value().ToJson(), m.ToJson());
}

TEST_F(BackupTest, EveryFlippedBitOfEveryChunkIsAnIntegrityError) {
  for (bool encrypted : {false, true}) {
    const std::string id = encrypted ? "enc" : "plain";
    BackupManifest m = Make(id, encrypted ? KeyOptions{"pass phrase", ""} : KeyOptions{});
    // One reader (the key is derived once); Verify reads the files afresh.
    auto r = BackupReader::Open(state_.get(), root(), id, encrypted ? KeyOptions{"pass phrase", ""} : KeyOptions{});
    ASSERT_TRUE(r.ok());
    for (const BackupChunk& c : m.chunks) {
      const fs::path p = fs::path(m.dir) / c.file;
      const std::string good = ReadFile(p);
      for (size_t byte = 0; byte < good.size(); ++byte) {
        for (int bit = 0; bit < 8; ++bit) {
          std::string bad = good;
          bad[byte] = char(bad[byte] ^ (1 << bit));
          WriteFile(p, bad);
          auto v = (*r)->Verify(false);
          ASSERT_FALSE(v.ok()) << id << " chunk " << c.seq << " byte " << byte << " bit " << bit;
          ASSERT_EQ(v.status().code(), ErrorCode::kIntegrityError);
          ASSERT_NE(v.status().message().find("chunk " + std::to_string(c.seq)), std::string::npos)
              << v.status().message();
        }
      }
      WriteFile(p, good);
    }
    EXPECT_TRUE((*r)->Verify(true).ok());
  }
}

TEST_F(BackupTest, AWrongKeyIsWrongKeyNotGarbage) {
  Make("k", KeyOptions{"right", ""});
  auto r = BackupReader::Open(state_.get(), root(), "k", KeyOptions{"wrong", ""});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kWrongKey);
  auto no_key = BackupReader::Open(state_.get(), root(), "k", {});
  ASSERT_TRUE(no_key.ok());
  EXPECT_TRUE((*no_key)->Verify(false).ok());  // checksums need no key
  auto decode = (*no_key)->ReadChunk(0);
  ASSERT_FALSE(decode.ok());
  EXPECT_EQ(decode.status().code(), ErrorCode::kInvalidArgument);
}

TEST_F(BackupTest, AResumedWriterDropsTheChunksPastTheCommittedOne) {
  Make("r", {}, /*finish=*/false);
  auto w = BackupWriter::Resume(state_.get(), root(), "r", 1, {});
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  EXPECT_EQ((*w)->manifest().chunks.size(), 1u);
  EXPECT_EQ((*w)->manifest().records, 4u);
  EXPECT_FALSE(fs::exists(fs::path((*w)->manifest().dir) / "chunk-000002.fbk"));
  ASSERT_TRUE((*w)->AddChunk(2, Entries(4, 8), 8, {{"old", 8}}).ok());
  ASSERT_TRUE((*w)->Finish().ok());
  auto r = BackupReader::Open(state_.get(), root(), "r", {});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)->manifest().records, 12u);
  EXPECT_TRUE((*r)->Verify(true).ok());
}

TEST_F(BackupTest, PruneKeepsTheNewestYoungPinnedAndParents) {
  for (int i = 0; i < 7; ++i) Make("p" + std::to_string(i), {});
  // p0 and p1 are old; p1 is pinned; p6 is an incremental whose parent is p0.
  auto set = [&](const std::string& id, const std::string& field, const std::string& value) {
    auto m = FindBackup(state_.get(), id);
    ASSERT_TRUE(m.ok() && m.value().has_value());
    BackupManifest b = *m.value();
    if (field == "created_at") b.created_at = value;
    if (field == "parent") {
      b.parent = value;
      b.kind = "incremental";
    }
    ASSERT_TRUE(state_->db().Exec("UPDATE backups SET manifest = $1 WHERE id = $2", {b.ToJson(), id}).ok());
  };
  set("p0", "created_at", "2020-01-01T00:00:00.000Z");
  set("p1", "created_at", "2020-01-02T00:00:00.000Z");
  ASSERT_TRUE(state_->db().Exec("UPDATE backups SET pinned = 1 WHERE id = 'p1'").ok());
  set("p6", "parent", "p0");
  PruneOptions o;
  o.keep = 3;
  o.max_age_days = 7;
  o.root = root();
  auto pruned = PruneBackups(state_.get(), o);
  ASSERT_TRUE(pruned.ok());
  // Kept: the newest three (p4, p5, p6), p1 (pinned) and p0 (p6's parent).
  std::set<std::string> got(pruned.value().pruned.begin(), pruned.value().pruned.end());
  EXPECT_EQ(got, (std::set<std::string>{"p2", "p3"}));
  auto left = ListBackups(state_.get(), true);
  ASSERT_TRUE(left.ok());
  EXPECT_EQ(left.value().size(), 5u);
}

TEST_F(BackupTest, OnlyIdsThatAreOnePathComponentAreAccepted) {
  const std::vector<std::string> good = {"b-20260101-000000-abcd", "20260101-000000-00ff", "p1", "a.b_c-d"};
  for (const std::string& id : good) {
    EXPECT_TRUE(ValidateBackupId(id).ok()) << id;
  }
  const std::vector<std::string> bad = {"", ".", "..", "../x", "a/b", "/abs", ".hidden", std::string(129, 'a'), "a\\b"};
  for (const std::string& id : bad) {
    auto s = ValidateBackupId(id);
    EXPECT_EQ(s.code(), ErrorCode::kIntegrityError) << id;
  }
}

TEST_F(BackupTest, AWriterKilledOnThisHostIsGoneALiveOneIsNot) {
  BackupManifest m;
  SetWriterToThisProcess(&m);
  EXPECT_FALSE(m.writer_start.empty());
  EXPECT_FALSE(WriterIsGone(m));
  BackupManifest reused = m;  // our pid, but another process's start
  reused.writer_start = "another-boot:1";
  EXPECT_TRUE(WriterIsGone(reused));
  BackupManifest elsewhere = reused;
  elsewhere.writer_host = "another-host";
  EXPECT_FALSE(WriterIsGone(elsewhere));  // cannot tell: left
  auto parsed = ParseManifest(m.ToJson());
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed.value().writer_pid, m.writer_pid);
  EXPECT_EQ(parsed.value().writer_start, m.writer_start);
}

}  // namespace
}  // namespace ferry::internal
