// Copyright (c) the Ferry authors.

#include "server/tokens.h"

#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "common/digest.h"
#include "util/test_util.h"

namespace ferry::server {
namespace {

class TokensTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = test::NewTempDir(::testing::UnitTest::GetInstance()->current_test_info()->name());
    path_ = dir_ + "/tokens.json";
  }
  void TearDown() override {
    if (!HasFailure()) std::filesystem::remove_all(dir_);
  }
  std::string Create(const std::string& name, Role role) {
    auto secret = CreateToken(path_, name, role);
    EXPECT_TRUE(secret.ok()) << secret.status().ToString();
    return secret.ok() ? secret.value() : "";
  }
  std::string dir_;
  std::string path_;
};

TEST_F(TokensTest, CreateListRevokeKeepTheOrderOfCreation) {
  Create("ci", Role::kOperator);
  Create("alice", Role::kAdmin);
  Create("dash.board_1-x", Role::kViewer);
  auto listed = ListTokens(path_);
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  ASSERT_EQ(listed->size(), 3u);
  EXPECT_EQ((*listed)[0].name, "ci");
  EXPECT_EQ((*listed)[0].role, Role::kOperator);
  EXPECT_EQ((*listed)[1].name, "alice");
  EXPECT_EQ((*listed)[1].role, Role::kAdmin);
  EXPECT_EQ((*listed)[2].role, Role::kViewer);
  // ISO 8601 UTC to the second.
  EXPECT_EQ((*listed)[0].created_at.size(), std::string("2026-12-08T00:56:27Z").size()) << (*listed)[0].created_at;
  EXPECT_EQ((*listed)[0].created_at.back(), 'Z');

  ASSERT_OK(RevokeToken(path_, "alice"));
  listed = ListTokens(path_);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].name, "ci");
  EXPECT_EQ((*listed)[1].name, "dash.board_1-x");
}

TEST_F(TokensTest, SecretsAreRandomPrefixedBase64Url) {
  const std::string a = Create("a", Role::kViewer);
  const std::string b = Create("b", Role::kViewer);
  EXPECT_NE(a, b);
  ASSERT_EQ(a.size(), 4u + 43u) << a;  // "fry_" + 32 bytes in unpadded base64url
  EXPECT_EQ(a.substr(0, 4), "fry_");
  for (char c : a.substr(4)) EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') << a;
}

TEST_F(TokensTest, FileHoldsTheHashNeverTheSecret) {
  const std::string secret = Create("ci", Role::kOperator);
  const std::string file = test::ReadFile(path_);
  EXPECT_EQ(file.find(secret), std::string::npos);
  EXPECT_EQ(file.find(secret.substr(4)), std::string::npos);
  EXPECT_NE(file.find(internal::Sha256Hex(secret)), std::string::npos) << file;
  EXPECT_NE(file.find("\"format\":\"ferry-tokens-1\""), std::string::npos) << file;
}

TEST_F(TokensTest, FileIsOwnerReadWriteOnlyWhateverItWasBefore) {
  Create("ci", Role::kOperator);
  struct stat st {};
  ASSERT_EQ(::stat(path_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(::chmod(path_.c_str(), 0644), 0);
  Create("other", Role::kViewer);
  ASSERT_EQ(::stat(path_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  // No temporary file is left beside it.
  size_t files = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir_)) ++files;
  EXPECT_EQ(files, 1u);
}

TEST_F(TokensTest, NameInUseIsConflictAndLeavesTheFileAlone) {
  Create("ci", Role::kOperator);
  const std::string before = test::ReadFile(path_);
  auto again = CreateToken(path_, "ci", Role::kAdmin);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), ErrorCode::kConflict);
  EXPECT_NE(again.status().message().find("\"ci\""), std::string::npos) << again.status().message();
  EXPECT_EQ(test::ReadFile(path_), before);
}

TEST_F(TokensTest, BadNamesAreInvalidArgument) {
  const std::vector<std::string> names = {"", "-lead", ".hidden", "has space", "slash/name", "quote\"",
                                         std::string(65, 'a')};
  for (const std::string& name : names) {
    auto r = CreateToken(path_, name, Role::kViewer);
    ASSERT_FALSE(r.ok()) << name;
    EXPECT_TRUE(r.status().IsInvalidArgument()) << name << ": " << r.status().ToString();
  }
  EXPECT_TRUE(CreateToken(path_, std::string(64, 'a'), Role::kViewer).ok());
  EXPECT_FALSE(std::filesystem::exists(path_ + ".tmp"));
}

TEST_F(TokensTest, RevokeUnknownNameOrMissingFileIsNotFound) {
  EXPECT_TRUE(RevokeToken(path_, "ci").IsNotFound());
  EXPECT_FALSE(std::filesystem::exists(path_));
  Create("ci", Role::kOperator);
  Status s = RevokeToken(path_, "cj");
  EXPECT_TRUE(s.IsNotFound()) << s.ToString();
  EXPECT_NE(s.message().find("\"cj\""), std::string::npos) << s.message();
  EXPECT_TRUE(ListTokens(dir_ + "/none.json").status().IsNotFound());
}

TEST_F(TokensTest, MalformedFileIsInvalidArgumentNamingFileWhereAndFix) {
  const std::string hash(64, 'a');
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"not json", "not JSON"},
      {R"({"tokens":[]})", "/format"},
      {R"({"format":"ferry-tokens-1"})", "/tokens"},
      {R"({"format":"ferry-tokens-1","tokens":[{"name":"a","role":"root","sha256":")" + hash +
           R"(","created_at":"x"}]})",
       "/tokens/0/role"},
      {R"({"format":"ferry-tokens-1","tokens":[{"name":"a","role":"admin","sha256":"abc","created_at":"x"}]})",
       "/tokens/0/sha256"},
      {R"({"format":"ferry-tokens-1","tokens":[{"name":"a","role":"admin","sha256":")" + hash +
           R"(","created_at":"x"},{"name":"a","role":"admin","sha256":")" + hash + R"(","created_at":"x"}]})",
       "/tokens/1"},
      {R"({"format":"ferry-tokens-1","tokens":[{"role":"admin"}]})", "/tokens/0"},
  };
  for (const auto& [text, where] : cases) {
    test::WriteFile(path_, text);
    auto listed = ListTokens(path_);
    ASSERT_FALSE(listed.ok()) << text;
    const Status& s = listed.status();
    EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
    EXPECT_NE(s.message().find(path_), std::string::npos) << s.message();
    EXPECT_NE(s.message().find(where), std::string::npos) << where << " in " << s.message();
    EXPECT_NE(s.message().find("ferry token create"), std::string::npos) << s.message();
    // Changing a malformed file is refused too (nothing is lost by rewriting it).
    EXPECT_TRUE(CreateToken(path_, "b", Role::kViewer).status().IsInvalidArgument());
    EXPECT_TRUE(TokenRegistry::Open(path_).status().IsInvalidArgument());
    EXPECT_EQ(test::ReadFile(path_), text);
  }
}

TEST_F(TokensTest, RolesAreOrderedAndParsedByName) {
  for (Role r : {Role::kViewer, Role::kOperator, Role::kAdmin}) {
    auto parsed = ParseRole(RoleName(r));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(parsed.value(), r);
  }
  auto bad = ParseRole("root");
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(bad.status().IsInvalidArgument());
  for (const char* name : {"viewer", "operator", "admin"}) {
    EXPECT_NE(bad.status().message().find(name), std::string::npos) << bad.status().message();
  }
  EXPECT_FALSE(ParseRole("Admin").ok());
  EXPECT_TRUE(RoleAllows(Role::kAdmin, Role::kOperator));
  EXPECT_TRUE(RoleAllows(Role::kOperator, Role::kOperator));
  EXPECT_FALSE(RoleAllows(Role::kViewer, Role::kOperator));
  EXPECT_FALSE(RoleAllows(Role::kOperator, Role::kAdmin));
}

TEST_F(TokensTest, RegistryAuthenticatesEachSecretAsItsOwnToken) {
  const std::string ci = Create("ci", Role::kOperator);
  const std::string root = Create("root", Role::kAdmin);
  auto registry = TokenRegistry::Open(path_);
  ASSERT_TRUE(registry.ok()) << registry.status().ToString();
  auto who = (*registry)->Authenticate(ci);
  ASSERT_TRUE(who.has_value());
  EXPECT_EQ(who->name, "ci");
  EXPECT_EQ(who->role, Role::kOperator);
  who = (*registry)->Authenticate(root);
  ASSERT_TRUE(who.has_value());
  EXPECT_EQ(who->name, "root");
  EXPECT_EQ(who->role, Role::kAdmin);
}

TEST_F(TokensTest, RegistryRefusesWrongSecrets) {
  const std::string ci = Create("ci", Role::kOperator);
  auto registry = TokenRegistry::Open(path_);
  ASSERT_TRUE(registry.ok());
  std::string changed = ci;
  changed.back() = changed.back() == 'A' ? 'B' : 'A';
  EXPECT_FALSE((*registry)->Authenticate(changed).has_value());
  EXPECT_FALSE((*registry)->Authenticate("").has_value());
  EXPECT_FALSE((*registry)->Authenticate(ci.substr(0, ci.size() - 1)).has_value());
  EXPECT_FALSE((*registry)->Authenticate(ci + "x").has_value());
  // The stored hash itself is not a secret that opens anything.
  EXPECT_FALSE((*registry)->Authenticate(internal::Sha256Hex(ci)).has_value());
}

TEST_F(TokensTest, RevokedTokenFailsInARegistryOpenedBeforeTheRevoke) {
  const std::string ci = Create("ci", Role::kOperator);
  const std::string keep = Create("keep", Role::kViewer);
  auto registry = TokenRegistry::Open(path_);
  ASSERT_TRUE(registry.ok());
  ASSERT_TRUE((*registry)->Authenticate(ci).has_value());
  ASSERT_OK(RevokeToken(path_, "ci"));
  EXPECT_FALSE((*registry)->Authenticate(ci).has_value());
  EXPECT_TRUE((*registry)->Authenticate(keep).has_value());
  // And a token created later is accepted without reopening.
  const std::string later = Create("later", Role::kAdmin);
  auto who = (*registry)->Authenticate(later);
  ASSERT_TRUE(who.has_value());
  EXPECT_EQ(who->role, Role::kAdmin);
}

// Past the window in which a file is read again whatever its times say, a
// change is seen through the file's identity (inode, size, times) alone.
TEST_F(TokensTest, RevokeIsSeenOnceTheFileHasSettled) {
  const std::string ci = Create("ci", Role::kOperator);
  auto registry = TokenRegistry::Open(path_);
  ASSERT_TRUE(registry.ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  ASSERT_TRUE((*registry)->Authenticate(ci).has_value());
  ASSERT_OK(RevokeToken(path_, "ci"));
  EXPECT_FALSE((*registry)->Authenticate(ci).has_value());
}

TEST_F(TokensTest, RegistryKeepsTheLastGoodSetWhenTheFileTurnsMalformed) {
  const std::string ci = Create("ci", Role::kOperator);
  auto registry = TokenRegistry::Open(path_);
  ASSERT_TRUE(registry.ok());
  test::WriteFile(path_ + ".new", "{broken");
  std::filesystem::rename(path_ + ".new", path_);
  EXPECT_TRUE((*registry)->Authenticate(ci).has_value());
  // Fixed again: the new content counts.
  std::filesystem::remove(path_);
  const std::string other = Create("other", Role::kViewer);
  EXPECT_FALSE((*registry)->Authenticate(ci).has_value());
  EXPECT_TRUE((*registry)->Authenticate(other).has_value());
}

TEST_F(TokensTest, RegistryAcceptsNoTokenOnceTheFileIsRemoved) {
  const std::string ci = Create("ci", Role::kOperator);
  auto registry = TokenRegistry::Open(path_);
  ASSERT_TRUE(registry.ok());
  std::filesystem::remove(path_);
  EXPECT_FALSE((*registry)->Authenticate(ci).has_value());
  EXPECT_TRUE(TokenRegistry::Open(path_).status().IsNotFound());
}

TEST_F(TokensTest, ConcurrentCreatesLoseNoToken) {
  constexpr int kThreads = 8;
  constexpr int kEach = 5;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([this, t] {
      for (int i = 0; i < kEach; ++i) {
        EXPECT_TRUE(CreateToken(path_, "t" + std::to_string(t) + "-" + std::to_string(i), Role::kViewer).ok());
      }
    });
  }
  for (std::thread& t : threads) t.join();
  auto listed = ListTokens(path_);
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->size(), size_t(kThreads * kEach));
}

}  // namespace
}  // namespace ferry::server
