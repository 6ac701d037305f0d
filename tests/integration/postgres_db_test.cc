// Copyright (c) the Ferry authors.
// SqlDb over libpq against the test cluster: statements, parameters, error
// classification, reconnecting after a lost connection, and that no message
// ever shows a password.

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "postgres_test_util.h"

namespace ferry::internal {
namespace {

using test::PgTest;

class PgDbTest : public PgTest {};

TEST_F(PgDbTest, ExecQueryParamsAndChanges) {
  EXPECT_EQ(db_->dialect(), SqlDb::Dialect::kPostgres);
  EXPECT_EQ(db_->name(), RedactUri(uri_));
  // Without parameters Exec runs a script.
  ASSERT_OK(db_->Exec("CREATE TABLE " + table_ + " (id BIGINT PRIMARY KEY, name TEXT, score DOUBLE PRECISION);"
                      "INSERT INTO " + table_ + " VALUES (1, 'one', 1.5);"
                      "INSERT INTO " + table_ + " VALUES (2, 'two', NULL)"));
  ASSERT_OK(db_->Exec("INSERT INTO " + table_ + " VALUES ($1, $2, $3)", {SqlInt(3), std::nullopt, "2.25"}));
  EXPECT_EQ(db_->changes(), 1);
  ASSERT_OK(db_->Exec("UPDATE " + table_ + " SET score = coalesce(score, 0) + 1 WHERE id >= $1", {SqlInt(2)}));
  EXPECT_EQ(db_->changes(), 2);
  ASSERT_OK(db_->Exec("SELECT 1"));
  EXPECT_EQ(db_->changes(), 0);

  auto rows = db_->Query("SELECT id, name, score FROM " + table_ + " WHERE id > $1 ORDER BY id", {SqlInt(0)});
  ASSERT_OK(rows.status());
  ASSERT_EQ(rows.value().columns, (std::vector<std::string>{"id", "name", "score"}));
  ASSERT_EQ(rows.value().rows.size(), 3u);
  EXPECT_EQ(ToInt(rows.value().rows[0][0]), 1);
  EXPECT_EQ(rows.value().rows[0][1], "one");
  EXPECT_EQ(rows.value().rows[1][1], "two");
  EXPECT_EQ(rows.value().rows[1][2], "1");
  EXPECT_EQ(rows.value().rows[2][1], std::nullopt);
  EXPECT_EQ(rows.value().rows[2][2], "3.25");

  // Text that needs care: quotes, backslashes, unicode travel as parameters.
  const std::string odd = "it's a \\ \"test\" \t\n ü 日本 😀";
  ASSERT_OK(db_->Exec("INSERT INTO " + table_ + " (id, name) VALUES (4, $1)", {odd}));
  EXPECT_EQ(Value1("SELECT name FROM " + table_ + " WHERE id = 4"), odd);

  // Transactions.
  ASSERT_OK(db_->Begin());
  ASSERT_OK(db_->Exec("DELETE FROM " + table_));
  db_->Rollback();
  EXPECT_EQ(Value1("SELECT count(*) FROM " + table_), "4");
  EXPECT_EQ(Value1("SELECT current_setting('application_name')"), "ferry");
}

TEST_F(PgDbTest, SqlErrorsAreIoErrorsNotTransient) {
  Status s = db_->Exec("SELEC 1");
  EXPECT_EQ(s.code(), ErrorCode::kIoError) << s.ToString();
  EXPECT_FALSE(IsTransient(s));
  EXPECT_NE(s.message().find("42601"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find(RedactUri(uri_)), std::string::npos) << s.message();

  auto q = db_->Query("SELECT * FROM no_such_table_anywhere");
  EXPECT_EQ(q.status().code(), ErrorCode::kIoError);
  EXPECT_NE(q.status().message().find("42P01"), std::string::npos) << q.status().message();

  ASSERT_OK(db_->Exec("CREATE TABLE " + table_ + " (k TEXT PRIMARY KEY)"));
  ASSERT_OK(db_->Exec("INSERT INTO " + table_ + " VALUES ($1)", {"a"}));
  s = db_->Exec("INSERT INTO " + table_ + " VALUES ($1)", {"a"});
  EXPECT_EQ(s.code(), ErrorCode::kIoError);
  EXPECT_NE(s.message().find("23505"), std::string::npos) << s.message();
  // The connection is still usable.
  EXPECT_EQ(Value1("SELECT count(*) FROM " + table_), "1");
}

TEST_F(PgDbTest, ClassifiesServerErrorsBySqlstate) {
  auto raise = [&](const std::string& code) {
    return db_->Exec("DO $$ BEGIN RAISE EXCEPTION 'raised %', '" + code + "' USING ERRCODE = '" + code + "'; END $$");
  };
  for (const char* code : {"40001", "40P01", "57P01", "57P02", "57P03", "08006", "08001"}) {
    Status s = raise(code);
    EXPECT_EQ(s.code(), ErrorCode::kUnavailable) << code << ": " << s.ToString();
    EXPECT_TRUE(IsTransient(s));
  }
  Status full = raise("53100");
  EXPECT_EQ(full.code(), ErrorCode::kIoError);
  EXPECT_NE(full.message().find("disk is full"), std::string::npos) << full.message();
  EXPECT_NE(full.message().find("resumed"), std::string::npos) << full.message();
  for (const char* code : {"XX001", "XX002"}) {
    Status s = raise(code);
    EXPECT_EQ(s.code(), ErrorCode::kIoError) << code;
    EXPECT_NE(s.message().find("resumed"), std::string::npos) << s.message();
  }
  for (const char* code : {"22P02", "23505", "42P01", "XX000"}) {
    Status s = raise(code);
    EXPECT_EQ(s.code(), ErrorCode::kIoError) << code;
    EXPECT_FALSE(IsTransient(s));
    EXPECT_NE(s.message().find(code), std::string::npos) << s.message();
  }
  EXPECT_EQ(Value1("SELECT 1"), "1");
}

std::string BackendPid(SqlDb& db) {
  auto rows = db.Query("SELECT pg_backend_pid()");
  return rows.ok() ? rows.value().rows[0][0].value_or("") : "";
}

// Terminates `victim`'s backend from another connection and waits until it is gone.
void Terminate(SqlDb& other, const std::string& pid) {
  auto rows = other.Query("SELECT pg_terminate_backend($1::int, 10000)", {pid});
  ASSERT_OK(rows.status());
  ASSERT_EQ(rows.value().rows[0][0], "t");
}

TEST_F(PgDbTest, TerminatedBackendIsUnavailableAndTheNextCallReconnects) {
  auto victim = Connect();
  ASSERT_NE(victim, nullptr);
  const std::string pid = BackendPid(*victim);
  ASSERT_FALSE(pid.empty());
  Terminate(*db_, pid);

  auto lost = victim->Query("SELECT 1");
  EXPECT_EQ(lost.status().code(), ErrorCode::kUnavailable) << lost.status().ToString();
  EXPECT_TRUE(IsTransient(lost.status()));

  // The next call reconnects.
  auto again = victim->Query("SELECT 2");
  ASSERT_OK(again.status());
  EXPECT_EQ(again.value().rows[0][0], "2");
  EXPECT_NE(BackendPid(*victim), pid);

  // WithRetries cures a lost connection by itself.
  Terminate(*db_, BackendPid(*victim));
  int calls = 0;
  ASSERT_OK(WithRetries(3, [&] {
    ++calls;
    return victim->Exec("SELECT 1");
  }));
  EXPECT_EQ(calls, 2);
}

TEST_F(PgDbTest, ATransactionCutByALostConnectionStaysFailedUntilRolledBack) {
  ASSERT_OK(db_->Exec("CREATE TABLE " + table_ + " (x INT)"));
  auto victim = Connect();
  ASSERT_NE(victim, nullptr);
  ASSERT_OK(victim->Begin());
  ASSERT_OK(victim->Exec("INSERT INTO " + table_ + " VALUES (1)"));
  Terminate(*db_, BackendPid(*victim));

  EXPECT_EQ(victim->Exec("INSERT INTO " + table_ + " VALUES (2)").code(), ErrorCode::kUnavailable);
  // Not run in autocommit on a fresh session: the transaction is gone.
  Status s = victim->Exec("INSERT INTO " + table_ + " VALUES (3)");
  EXPECT_EQ(s.code(), ErrorCode::kUnavailable);
  EXPECT_NE(s.message().find("inside a transaction"), std::string::npos) << s.message();
  EXPECT_EQ(victim->Commit().code(), ErrorCode::kUnavailable);
  victim->Rollback();
  EXPECT_EQ(Value1("SELECT count(*) FROM " + table_), "0");

  ASSERT_OK(victim->Exec("INSERT INTO " + table_ + " VALUES (4)"));
  EXPECT_EQ(Value1("SELECT count(*) FROM " + table_), "1");
  // A new transaction after the loss works too.
  Terminate(*db_, BackendPid(*victim));
  EXPECT_FALSE(victim->Exec("SELECT 1").ok());
  ASSERT_OK(victim->Begin());
  ASSERT_OK(victim->Exec("INSERT INTO " + table_ + " VALUES (5)"));
  ASSERT_OK(victim->Commit());
  EXPECT_EQ(Value1("SELECT count(*) FROM " + table_), "2");
}

TEST_F(PgDbTest, CommitOfAFailedTransactionIsAnError) {
  ASSERT_OK(db_->Begin());
  EXPECT_FALSE(db_->Exec("SELEC 1").ok());
  Status s = db_->Commit();
  EXPECT_EQ(s.code(), ErrorCode::kIoError) << s.ToString();
  EXPECT_EQ(Value1("SELECT 1"), "1");
}

TEST_F(PgDbTest, MessagesNeverShowThePassword) {
  const std::string secret = "s3cretPW";
  // Port 1 on 127.0.0.1: nothing listens there.
  for (const std::string& uri : {"postgres://ferry:" + secret + "@127.0.0.1:1/db",
                                 "postgresql://ferry:" + secret + "@127.0.0.1:1/db?sslmode=disable",
                                 "postgres://ferry@127.0.0.1:1/db?password=" + secret,
                                 "postgres://ferry:" + secret + "@127.0.0.1:notaport/db",
                                 "postgres://ferry:" + secret + "%zz@127.0.0.1:1/db",
                                 "postgres://ferry:" + secret + "@127.0.0.1:1/db?sslmode=bogus",
                                 "postgres://ferry:" + secret + "@[::1/db"}) {
    auto db = OpenPostgres(uri, RedactUri(uri));
    ASSERT_FALSE(db.ok()) << uri;
    EXPECT_EQ(db.status().message().find("s3cret"), std::string::npos) << db.status().message();
    EXPECT_NE(db.status().message().find("PostgreSQL"), std::string::npos) << db.status().message();
  }
  // The same through a store URI (the reader retries, then gives up).
  for (const std::string& uri : {"postgres://ferry:" + secret + "@127.0.0.1:notaport/db?table=t",
                                 "postgres://ferry:" + secret + "%zz@127.0.0.1:1/db?table=t"}) {
    auto store = ParseStoreUri(uri, "things");
    ASSERT_OK(store.status());
    EXPECT_EQ(store.value().display.find("s3cret"), std::string::npos);
    auto reader = OpenPostgresReader(store.value());
    ASSERT_FALSE(reader.ok());
    EXPECT_EQ(reader.status().message().find("s3cret"), std::string::npos) << reader.status().message();
    auto sink = OpenPostgresSink(store.value());
    ASSERT_OK(sink.status());
    SinkOptions o;
    o.run_id = "r";
    o.owner = "o";
    o.retries = 0;
    Status s = sink.value()->Start(o, nullptr);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.message().find("s3cret"), std::string::npos) << s.message();
  }
  // A bad setting is not worth a retry.
  auto bad_port = OpenPostgres("postgres://ferry:" + secret + "@127.0.0.1:notaport/db", "db");
  EXPECT_EQ(bad_port.status().code(), ErrorCode::kInvalidArgument) << bad_port.status().ToString();
  // Nothing listening: worth a retry.
  auto refused = OpenPostgres("postgres://ferry:" + secret + "@127.0.0.1:1/db", "db");
  EXPECT_EQ(refused.status().code(), ErrorCode::kUnavailable) << refused.status().ToString();
}

TEST_F(PgDbTest, AMissingDatabaseIsNotTransient) {
  std::string uri = uri_;
  uri.replace(uri.rfind('/'), std::string::npos, "/ferry_no_such_database");
  auto db = OpenPostgres(uri, RedactUri(uri));
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), ErrorCode::kIoError) << db.status().ToString();
  EXPECT_NE(db.status().message().find("does not exist"), std::string::npos) << db.status().message();
}

// ---------------------------------------------------------------------------
// Timeouts, waits and cancellation (docs/stores.md, PostgreSQL)

std::string Setting(SqlDb& db, const std::string& name) {
  auto rows = db.Query("SELECT current_setting($1)", {name});
  return rows.ok() ? rows.value().rows[0][0].value_or("") : rows.status().ToString();
}

TEST_F(PgDbTest, SessionsGetTimeoutsForBatchWorkUnlessSetElsewhere) {
  EXPECT_EQ(Setting(*db_, "lock_timeout"), "5s");
  EXPECT_EQ(Setting(*db_, "statement_timeout"), "5min");
  // In the URI (libpq's options) ...
  const std::string with_options = uri_ + "?options=-c%20lock_timeout%3D750ms";
  auto db = OpenPostgres(with_options, RedactUri(with_options));
  ASSERT_OK(db.status());
  EXPECT_EQ(Setting(*db.value(), "lock_timeout"), "750ms");
  EXPECT_EQ(Setting(*db.value(), "statement_timeout"), "5min");
  // ... or in PGOPTIONS.
  ::setenv("PGOPTIONS", "-c statement_timeout=0", 1);
  auto from_env = OpenPostgres(uri_, RedactUri(uri_));
  ::unsetenv("PGOPTIONS");
  ASSERT_OK(from_env.status());
  EXPECT_EQ(Setting(*from_env.value(), "statement_timeout"), "0");
  EXPECT_EQ(Setting(*from_env.value(), "lock_timeout"), "5s");
}

// Locks every row of table_ from db_ (a transaction left open).
void HoldRowLocks(SqlDb& db, const std::string& table) {
  ASSERT_OK(db.Exec("CREATE TABLE " + table + " (k INT PRIMARY KEY, v INT)"));
  ASSERT_OK(db.Exec("INSERT INTO " + table + " SELECT g, 0 FROM generate_series(1, 10) g"));
  ASSERT_OK(db.Begin());
  ASSERT_OK(db.Exec("SELECT * FROM " + table + " FOR UPDATE"));
}

TEST_F(PgDbTest, LockAndStatementTimeoutsAreTransient) {
  HoldRowLocks(*db_, table_);
  auto victim = Connect();
  ASSERT_NE(victim, nullptr);
  ASSERT_OK(victim->Exec("SET lock_timeout = '200ms'"));
  Status locked = victim->Exec("UPDATE " + table_ + " SET v = 1");
  EXPECT_EQ(locked.code(), ErrorCode::kUnavailable) << locked.ToString();
  EXPECT_NE(locked.message().find("55P03"), std::string::npos) << locked.message();
  ASSERT_OK(victim->Exec("SET statement_timeout = '100ms'"));
  Status slow = victim->Exec("SELECT pg_sleep(5)");
  EXPECT_EQ(slow.code(), ErrorCode::kUnavailable) << slow.ToString();
  EXPECT_NE(slow.message().find("57014"), std::string::npos) << slow.message();
  db_->Rollback();
}

TEST_F(PgDbTest, AStatementWaitingForALockSaysForWhatAndWhom) {
  HoldRowLocks(*db_, table_);
  const std::string holder = BackendPid(*db_);
  auto hooks = std::make_shared<StatementHooks>();
  std::vector<std::string> waits;
  hooks->on_wait = [&](const std::string& what) { waits.push_back(what); };
  auto victim = OpenPostgres(uri_, RedactUri(uri_), hooks);
  ASSERT_OK(victim.status());
  ASSERT_OK(victim.value()->Exec("SET lock_timeout = '2500ms'"));
  Status s = victim.value()->Exec("UPDATE " + table_ + " SET v = 1");
  EXPECT_EQ(s.code(), ErrorCode::kUnavailable) << s.ToString();
  EXPECT_NE(s.message().find("waiting for a row lock held by pid " + holder), std::string::npos) << s.message();
  ASSERT_GE(waits.size(), 1u);
  EXPECT_EQ(waits[0], "waiting for a row lock held by pid " + holder + " (since 1 s)");
  db_->Rollback();
}

TEST_F(PgDbTest, StopNowCancelsTheRunningStatementAndAnyLaterOne) {
  std::atomic<bool> cancel{false}, stop_now{false};
  auto hooks = std::make_shared<StatementHooks>();
  hooks->cancel = &cancel;
  hooks->stop_now = &stop_now;
  auto db = OpenPostgres(uri_, RedactUri(uri_), hooks);
  ASSERT_OK(db.status());
  ASSERT_OK(db.value()->Begin());
  std::thread signal([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    cancel.store(true);
    stop_now.store(true);
  });
  const auto start = std::chrono::steady_clock::now();
  Status s = db.value()->Exec("SELECT pg_sleep(20)");
  signal.join();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  EXPECT_EQ(s.code(), ErrorCode::kCancelled) << s.ToString();
  EXPECT_TRUE(hooks->stopped.load());
  EXPECT_EQ(db.value()->Exec("SELECT 1").code(), ErrorCode::kCancelled);
  db.value()->Rollback();
  EXPECT_EQ(Value1("SELECT count(*) FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(20)' AND state = 'active'"),
            "0");
}

TEST_F(PgDbTest, StopAtABatchBoundaryCancelsOnlyAStatementWaitingForALock) {
  HoldRowLocks(*db_, table_);
  std::atomic<bool> cancel{true};
  auto hooks = std::make_shared<StatementHooks>();
  hooks->cancel = &cancel;
  auto db = OpenPostgres(uri_, RedactUri(uri_), hooks);
  ASSERT_OK(db.status());
  // Busy, not waiting for a lock: left to finish.
  ASSERT_OK(db.value()->Exec("SELECT pg_sleep(1.5)"));
  // Waiting for a lock: cancelled once seen waiting (after a second).
  const auto start = std::chrono::steady_clock::now();
  Status s = db.value()->Exec("UPDATE " + table_ + " SET v = 1");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
  EXPECT_EQ(s.code(), ErrorCode::kCancelled) << s.ToString();
  EXPECT_NE(s.message().find("row lock"), std::string::npos) << s.message();
  db_->Rollback();
}

TEST_F(PgDbTest, RetriesStopWaitingWhenAskedToStopNow) {
  std::atomic<bool> stop_now{false};
  RetryStopScope scope(&stop_now);
  int calls = 0;
  const auto start = std::chrono::steady_clock::now();
  Status s = WithRetries(10, [&] {
    if (++calls == 3) stop_now.store(true);
    return Status::Unavailable("try again");
  });
  EXPECT_EQ(s.code(), ErrorCode::kCancelled) << s.ToString();
  EXPECT_EQ(calls, 3);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
}

}  // namespace
}  // namespace ferry::internal
