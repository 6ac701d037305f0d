// Copyright (c) the Ferry authors.
//
// A small SQL connection interface with two implementations, SQLite
// (sqlite3) and PostgreSQL (libpq), so that Ferry's state tables (runs,
// history, checkpoints, leases, audit) are written by one piece of code on
// either database.
//
// Statements use PostgreSQL-style numbered parameters ($1, $2, ...), which
// SQLite also accepts when each number first appears in ascending order.
// Values travel as text (NULL as std::nullopt); integer columns read back
// with ToInt(). Types in shared DDL are BIGINT, TEXT and DOUBLE PRECISION.
//
// Errors: IO_ERROR for SQL and data errors; UNAVAILABLE for errors worth a
// retry (connection lost, server shutting down, serialization failure,
// deadlock, SQLite busy). IsTransient() tells them apart.
//
// Thread safety: a connection is used by one thread at a time.

#ifndef FERRY_STORE_SQL_H_
#define FERRY_STORE_SQL_H_

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "ferry/result.h"
#include "ferry/status.h"

namespace ferry::internal {

using SqlParam = std::optional<std::string>;
using SqlRow = std::vector<std::optional<std::string>>;

struct SqlRows {
  std::vector<std::string> columns;
  std::vector<SqlRow> rows;
  bool empty() const { return rows.empty(); }
};

SqlParam SqlInt(int64_t v);
int64_t ToInt(const std::optional<std::string>& v, int64_t fallback = 0);

class SqlDb {
 public:
  enum class Dialect { kSqlite, kPostgres };
  virtual ~SqlDb() = default;
  virtual Dialect dialect() const = 0;
  // Runs one statement (or, without params, a ';'-separated script).
  virtual Status Exec(std::string_view sql, const std::vector<SqlParam>& params = {}) = 0;
  // Runs one statement and returns its rows as text.
  virtual Result<SqlRows> Query(std::string_view sql, const std::vector<SqlParam>& params = {}) = 0;
  // Rows changed by the last Exec (UPDATE/INSERT/DELETE).
  virtual int64_t changes() const = 0;
  // A readable name for messages (never holds a password).
  virtual const std::string& name() const = 0;

  Status Begin() { return Exec(dialect() == Dialect::kSqlite ? "BEGIN IMMEDIATE" : "BEGIN"); }
  Status Commit() { return Exec("COMMIT"); }
  void Rollback() { (void)Exec("ROLLBACK"); }
};

// True for errors that a retry may cure (UNAVAILABLE).
bool IsTransient(const Status& s);

// While one lives, a request to stop now (`stop_now` set, e.g. by SIGTERM)
// ends the waits of WithRetries on the calling thread at once, and no retry
// follows. A run holds one on its coordinating thread.
class RetryStopScope {
 public:
  explicit RetryStopScope(const std::atomic<bool>* stop_now);
  ~RetryStopScope();
  RetryStopScope(const RetryStopScope&) = delete;
  RetryStopScope& operator=(const RetryStopScope&) = delete;

 private:
  const std::atomic<bool>* previous_;
};

// Sleeps `ms` milliseconds; false (at once) when asked to stop now.
bool SleepBeforeRetry(uint64_t ms);

// Runs `fn` again on transient errors, at most `retries` more times, with
// exponential backoff and jitter (100 ms, 200 ms, ... capped at 5 s, each
// between half and one and a half times that). Asked to stop now while it
// waits (RetryStopScope): CANCELLED.
template <typename Fn>
Status WithRetries(uint32_t retries, Fn&& fn) {
  Status s;
  for (uint32_t attempt = 0;; ++attempt) {
    s = fn();
    if (s.ok() || !IsTransient(s) || attempt >= retries) return s;
    uint64_t base = std::min<uint64_t>(5000, uint64_t(100) << std::min<uint32_t>(attempt, 6));
    uint64_t jitter = uint64_t(std::chrono::steady_clock::now().time_since_epoch().count()) % (base + 1);
    if (!SleepBeforeRetry(base / 2 + jitter)) {
      return Status::Cancelled("stopped on request instead of retrying: " + s.message());
    }
  }
}

// UTC time as "2026-11-22T03:04:05Z", and milliseconds since the epoch.
std::string NowIso();

// Appends `s` as an element of a PostgreSQL text array literal being built
// in *out, which starts with "{" (the caller closes it with "}"):
// {"a","b\"c"}.
inline void AppendArrayElement(std::string_view s, std::string* out) {
  if (out->size() > 1) out->push_back(',');
  out->push_back('"');
  for (char c : s) {
    if (c == '"' || c == '\\') out->push_back('\\');
    out->push_back(c);
  }
  out->push_back('"');
}
int64_t NowMs();

struct SqliteOptions {
  bool create = true;
  // "FULL" for Ferry's state; "NORMAL" is enough for data in WAL mode
  // (a process kill never loses a commit; a power loss keeps the database
  // consistent).
  std::string synchronous = "FULL";
  int busy_timeout_ms = 10000;
  // Read the main file only, as it is on disk: no lock, no log, no -wal or
  // -shm created (a look at a file that another process may be writing,
  // maybe under another name). Reads may fail or be stale.
  bool immutable = false;
};

// Opens (creating the parent directory when asked) an SQLite database in
// WAL mode, under its canonical name; LOCKED when another process has the
// file open under another name (a hard link: store/file_lock.h).
Result<std::unique_ptr<SqlDb>> OpenSqlite(const std::string& path, const SqliteOptions& options = {});

// Creates Ferry's own schema and tables with `ddl` (CREATE ... IF NOT EXISTS
// statements), safe when several processes start at once. PostgreSQL: only
// when one of `relations` is missing (creating needs a privilege that a user
// of existing tables may lack), in one transaction holding an advisory lock
// (CREATE ... IF NOT EXISTS alone races itself: 23505 or 42P07 in the
// catalog). SQLite serialises each statement under the busy timeout. Not
// inside a transaction.
Status CreateFerryObjects(SqlDb& db, const std::vector<std::string>& relations, const std::string& ddl);

}  // namespace ferry::internal

#endif  // FERRY_STORE_SQL_H_
