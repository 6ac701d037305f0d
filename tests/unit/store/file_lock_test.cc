// Copyright (c) the Ferry authors.
#include "store/file_lock.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <functional>

#include "store/sql.h"
#include "store/state.h"
#include "store/store.h"
#include "store/target_lease.h"
#include "util/test_util.h"

namespace ferry::internal {
namespace {

// Another process (kernel locks are per process, or per open file
// description, which a child shares with its parent): runs `fn` there and
// keeps what it opened until destroyed. Fork it while this process has
// nothing of the file open.
class OtherProcess {
 public:
  explicit OtherProcess(const std::function<bool()>& fn) {
    int ready[2], done[2];
    if (::pipe(ready) != 0 || ::pipe(done) != 0) return;
    pid_ = ::fork();
    if (pid_ == 0) {
      ::close(ready[0]);
      ::close(done[1]);
      char ok = fn() ? 'y' : 'n';
      (void)!::write(ready[1], &ok, 1);
      char c;
      (void)!::read(done[0], &c, 1);
      ::_exit(0);  // no destructors: what it held is left as a killed process leaves it
    }
    char ok = 'n';
    (void)!::read(ready[0], &ok, 1);
    ok_ = ok == 'y';
    ::close(ready[0]);
    ::close(ready[1]);
    ::close(done[0]);
    done_ = done[1];
  }
  ~OtherProcess() {
    ::close(done_);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
  bool ok() const { return ok_; }

 private:
  pid_t pid_ = -1;
  int done_ = -1;
  bool ok_ = false;
};

// Runs this test binary again (a process that shares nothing with this one,
// SQLite's in-process bookkeeping included) to do `what` to `path`.
bool InFreshProcess(const std::string& what, const std::string& path) {
  pid_t pid = ::fork();
  if (pid == 0) {
    ::setenv("FERRY_FILE_LOCK_HELPER", what.c_str(), 1);
    ::setenv("FERRY_FILE_LOCK_PATH", path.c_str(), 1);
    ::execl("/proc/self/exe", "file_lock_test", "--gtest_filter=FileLockHelper.*", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

// The other side of InFreshProcess(): does nothing in a normal test run.
TEST(FileLockHelper, OpenAndClose) {
  const char* what = std::getenv("FERRY_FILE_LOCK_HELPER");
  if (what == nullptr || std::string(what) != "open-and-close") return;
  auto db = OpenSqlite(std::getenv("FERRY_FILE_LOCK_PATH"));
  ASSERT_OK(db.status());
  ASSERT_OK(db.value()->Query("SELECT count(*) FROM t").status());
}

class DatabaseFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = test::NewTempDir("file_lock_test");
    auto db = OpenSqlite(dir_ + "/a.db");
    ASSERT_OK(db.status());
    ASSERT_OK(db.value()->Exec("CREATE TABLE t (x)"));
    std::filesystem::create_hard_link(dir_ + "/a.db", dir_ + "/hard.db");
    std::filesystem::create_symlink(dir_ + "/a.db", dir_ + "/link.db");
  }
  std::string dir_;
};

TEST_F(DatabaseFileTest, ThisProcessOpensAFileUnderOneNameAtATime) {
  auto a = OpenSqlite(dir_ + "/a.db");
  ASSERT_OK(a.status());
  // A symlink resolves to the same name; a hard link is another name.
  ASSERT_OK(OpenSqlite(dir_ + "/link.db").status());
  EXPECT_EQ(OpenSqlite(dir_ + "/hard.db").status().code(), ErrorCode::kLocked);
  a.value().reset();
  ASSERT_OK(OpenSqlite(dir_ + "/hard.db").status());
}

TEST_F(DatabaseFileTest, ASecondConnectionKeepsTheFirstOnesLocks) {
  auto first = OpenSqlite(dir_ + "/a.db");
  ASSERT_OK(first.status());
  ASSERT_OK(first.value()->Exec("INSERT INTO t VALUES (1)"));
  // Opening and closing another connection (to the file, or to its lease
  // row) must not drop the first one's POSIX locks: without its shared lock,
  // the last connection of another process would delete the log in use.
  ASSERT_OK(OpenSqlite(dir_ + "/link.db").status());
  EXPECT_FALSE(DatabaseFile::TableLockedElsewhere(dir_ + "/a.db", "t").value());
  EXPECT_TRUE(InFreshProcess("open-and-close", dir_ + "/a.db"));
  EXPECT_TRUE(std::filesystem::exists(dir_ + "/a.db-wal")) << "another process deleted the log in use";
  ASSERT_OK(first.value()->Exec("INSERT INTO t VALUES (2)"));
  auto rows = first.value()->Query("PRAGMA integrity_check");
  ASSERT_OK(rows.status());
  EXPECT_EQ(rows->rows[0][0].value_or(""), "ok");
}

TEST_F(DatabaseFileTest, AFileInUseByAnotherProcessIsRefusedUnderAnotherName) {
  std::unique_ptr<SqlDb> held;
  {
    OtherProcess other([&] {
      auto db = OpenSqlite(dir_ + "/a.db");
      if (!db.ok()) return false;
      held = std::move(db).value();
      return true;
    });
    ASSERT_TRUE(other.ok());
    Status s = OpenSqlite(dir_ + "/hard.db").status();
    EXPECT_EQ(s.code(), ErrorCode::kLocked) << s.ToString();
    EXPECT_FALSE(std::filesystem::exists(dir_ + "/hard.db-wal"));
    ASSERT_OK(OpenSqlite(dir_ + "/link.db").status());
  }
  // The other process is gone: the kernel dropped its lock.
  ASSERT_OK(OpenSqlite(dir_ + "/hard.db").status());
}

TEST_F(DatabaseFileTest, ATableLockIsExclusiveWhateverTheName) {
  std::shared_ptr<DatabaseFile> held;
  {
    OtherProcess other([&] {
      auto f = DatabaseFile::Open(dir_ + "/a.db", false);
      if (!f.ok()) return false;
      held = f.value();
      return held->TryLockTable("t").value();
    });
    ASSERT_TRUE(other.ok());
    EXPECT_TRUE(DatabaseFile::TableLockedElsewhere(dir_ + "/hard.db", "t").value());
    auto file = DatabaseFile::Open(dir_ + "/link.db", false);
    ASSERT_OK(file.status());
    EXPECT_FALSE(file.value()->TryLockTable("t").value());
    EXPECT_TRUE(file.value()->TryLockTable("u").value());
    EXPECT_FALSE(file.value()->TryLockTable("u").value());  // a second lease in this process
    EXPECT_FALSE(DatabaseFile::TableLockedElsewhere(dir_ + "/a.db", "u").value());
  }
  EXPECT_FALSE(DatabaseFile::TableLockedElsewhere(dir_ + "/hard.db", "t").value());
}

TEST_F(DatabaseFileTest, TheIdentityOfAnSqliteTableIsItsFile) {
  auto a = ParseStoreUri("sqlite:" + dir_ + "/a.db#t", "t");
  auto hard = ParseStoreUri("sqlite:" + dir_ + "/hard.db#t", "t");
  auto link = ParseStoreUri("sqlite:" + dir_ + "/link.db#t", "t");
  ASSERT_OK(a.status());
  EXPECT_EQ(a->identity, hard->identity);
  EXPECT_EQ(a->identity, link->identity);
  EXPECT_NE(a->identity, ParseStoreUri("sqlite:" + dir_ + "/a.db#u", "t")->identity);
  // A file that does not exist yet gets its identity when created.
  auto fresh = ParseStoreUri("sqlite:" + dir_ + "/new/fresh.db#t", "t");
  ASSERT_OK(fresh.status());
  EXPECT_NE(fresh->identity.find("fresh.db"), std::string::npos) << fresh->identity;
  ASSERT_OK(CreateSqliteTarget(&*fresh));
  EXPECT_EQ(fresh->identity, ParseStoreUri("sqlite:" + dir_ + "/new/fresh.db#t", "t")->identity);
}

TEST_F(DatabaseFileTest, ASecondLeaseOnAnSqliteTableIsRefusedNamingTheHolder) {
  std::unique_ptr<StateStore> their_state;
  std::unique_ptr<TargetLease> theirs;
  {
    OtherProcess other([&] {
      auto state = StateStore::OpenSqlite(dir_ + "/theirs.db");
      auto target = ParseStoreUri("sqlite:" + dir_ + "/a.db#t", "t");
      std::string note;
      auto lease = TargetLease::Acquire(*target, *state.value(), {"run-1", "owner-1", 60000}, &note);
      if (!lease.ok()) return false;
      their_state = std::move(state).value();
      theirs = std::move(lease).value();
      return true;
    });
    ASSERT_TRUE(other.ok());
    auto state = StateStore::OpenSqlite(dir_ + "/ours.db");
    ASSERT_OK(state.status());
    for (const char* name : {"/a.db#t", "/link.db#t", "/hard.db#t"}) {
      auto target = ParseStoreUri(std::string("sqlite:") + dir_ + name, "t");
      std::string note;
      Status s = TargetLease::Acquire(*target, *state.value(), {"run-2", "owner-2", 60000}, &note).status();
      EXPECT_EQ(s.code(), ErrorCode::kLocked) << name << ": " << s.ToString();
      EXPECT_NE(s.message().find("run-1"), std::string::npos) << name << ": " << s.message();
    }
  }
  // The holder died without releasing: the next run takes over at once.
  auto state = StateStore::OpenSqlite(dir_ + "/ours.db");
  auto target = ParseStoreUri("sqlite:" + dir_ + "/hard.db#t", "t");
  std::string note;
  auto lease = TargetLease::Acquire(*target, *state.value(), {"run-3", "owner-3", 60000}, &note);
  ASSERT_OK(lease.status());
  EXPECT_NE(note.find("took over the lease of run run-1"), std::string::npos) << note;
  ASSERT_OK(lease.value()->Renew());
}

}  // namespace
}  // namespace ferry::internal
