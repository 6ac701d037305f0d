// Copyright (c) the Ferry authors.
#include <sqlite3.h>

#include <cstdio>
#include <ctime>
#include <filesystem>
#include <map>

#include "store/file_lock.h"
#include "store/sql.h"

namespace ferry::internal {

SqlParam SqlInt(int64_t v) { return std::to_string(v); }

int64_t ToInt(const std::optional<std::string>& v, int64_t fallback) {
  if (!v || v->empty()) return fallback;
  try {
    return std::stoll(*v);
  } catch (...) {
    return fallback;
  }
}

bool IsTransient(const Status& s) { return s.code() == ErrorCode::kUnavailable; }

namespace {
thread_local const std::atomic<bool>* t_stop_now = nullptr;  // RetryStopScope's
}  // namespace

RetryStopScope::RetryStopScope(const std::atomic<bool>* stop_now) : previous_(t_stop_now) { t_stop_now = stop_now; }
RetryStopScope::~RetryStopScope() { t_stop_now = previous_; }

bool SleepBeforeRetry(uint64_t ms) {
  constexpr uint64_t kSliceMs = 50;
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  for (;;) {
    if (t_stop_now != nullptr && t_stop_now->load()) return false;
    const auto now = std::chrono::steady_clock::now();
    if (now >= until) return true;
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(until - now,
                                                                             std::chrono::milliseconds(kSliceMs)));
  }
}

std::string NowIso() {
  auto now = std::chrono::system_clock::now();
  auto t = std::chrono::system_clock::to_time_t(now);
  int ms = int(std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000);
  std::tm tm;
  gmtime_r(&t, &tm);
  char buf[32], out[40];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(out, sizeof(out), "%s.%03dZ", buf, ms);
  return out;
}

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

namespace {

class SqliteDb : public SqlDb {
 public:
  ~SqliteDb() override {
    for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
    if (db_ != nullptr) sqlite3_close_v2(db_);
  }
  Dialect dialect() const override { return Dialect::kSqlite; }
  const std::string& name() const override { return path_; }
  int64_t changes() const override { return sqlite3_changes64(db_); }

  Status Open(const std::string& path, const SqliteOptions& options) {
    path_ = path;
    if (options.immutable) return OpenImmutable(path);
    if (options.create) {
      std::error_code ec;
      auto parent = std::filesystem::path(path).parent_path();
      if (!parent.empty()) std::filesystem::create_directories(parent, ec);
    }
    // Registered under its canonical name before SQLite opens it (file_lock.h).
    FERRY_ASSIGN_OR_RETURN(file_, DatabaseFile::Open(path, options.create));
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2(file_->canonical_path().c_str(), &db_, flags, nullptr) != SQLITE_OK) {
      std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
      return Status::IoError("cannot open SQLite database " + path + ": " + msg);
    }
    sqlite3_busy_timeout(db_, options.busy_timeout_ms);
    sqlite3_extended_result_codes(db_, 1);
    FERRY_RETURN_IF_ERROR(Exec("PRAGMA journal_mode=WAL", {}));
    FERRY_RETURN_IF_ERROR(Exec("PRAGMA synchronous=" + options.synchronous, {}));
    return Status::OK();
  }

  Status Exec(std::string_view sql, const std::vector<SqlParam>& params) override {
    if (params.empty()) {
      // A script: run statement by statement.
      std::string text(sql);
      const char* tail = text.c_str();
      while (*tail != '\0') {
        sqlite3_stmt* stmt = nullptr;
        const char* next = nullptr;
        int rc = sqlite3_prepare_v2(db_, tail, -1, &stmt, &next);
        if (rc != SQLITE_OK) return Error(rc, text);
        tail = next;
        if (stmt == nullptr) continue;
        while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        }
        sqlite3_finalize(stmt);
        if (rc != SQLITE_DONE) return Error(rc, text);
      }
      return Status::OK();
    }
    FERRY_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, Prepare(sql, params));
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    }
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE) return Error(rc, sql);
    return Status::OK();
  }

  Result<SqlRows> Query(std::string_view sql, const std::vector<SqlParam>& params) override {
    FERRY_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, Prepare(sql, params));
    SqlRows out;
    int n = sqlite3_column_count(stmt);
    for (int i = 0; i < n; ++i) out.columns.emplace_back(sqlite3_column_name(stmt, i));
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      SqlRow row(static_cast<size_t>(n));
      for (int i = 0; i < n; ++i) {
        if (sqlite3_column_type(stmt, i) == SQLITE_NULL) continue;
        const unsigned char* t = sqlite3_column_text(stmt, i);
        row[size_t(i)] = std::string(reinterpret_cast<const char*>(t), size_t(sqlite3_column_bytes(stmt, i)));
      }
      out.rows.push_back(std::move(row));
    }
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE) return Error(rc, sql);
    return out;
  }

 private:
  Status OpenImmutable(const std::string& path) {
    std::error_code ec;
    std::string uri = "file:";
    for (char c : std::filesystem::absolute(path, ec).string()) {
      if (c == '?' || c == '#' || c == '%') {
        char hex[4];
        std::snprintf(hex, sizeof hex, "%%%02X", static_cast<unsigned char>(c));
        uri += hex;
      } else {
        uri += c;
      }
    }
    uri += "?immutable=1";
    const int flags = SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2(uri.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
      const std::string why = db_ != nullptr ? sqlite3_errmsg(db_) : "out of memory";
      return Status::IoError("cannot read SQLite database " + path + ": " + why);
    }
    return Status::OK();
  }

  Result<sqlite3_stmt*> Prepare(std::string_view sql, const std::vector<SqlParam>& params) {
    std::string key(sql);
    sqlite3_stmt* stmt = nullptr;
    auto it = cache_.find(key);
    if (it != cache_.end()) {
      stmt = it->second;
      sqlite3_reset(stmt);
      sqlite3_clear_bindings(stmt);
    } else {
      int rc = sqlite3_prepare_v2(db_, key.c_str(), int(key.size()), &stmt, nullptr);
      if (rc != SQLITE_OK) return Error(rc, sql);
      cache_.emplace(std::move(key), stmt);
    }
    for (size_t i = 0; i < params.size(); ++i) {
      // "$N" is parameter N as in PostgreSQL, wherever it appears (SQLite
      // numbers named parameters by first appearance).
      char name[32];
      std::snprintf(name, sizeof name, "$%zu", i + 1);
      int index = sqlite3_bind_parameter_index(stmt, name);
      if (index == 0) index = int(i + 1);  // "?" placeholders
      int rc = params[i] ? sqlite3_bind_text(stmt, index, params[i]->data(), int(params[i]->size()),
                                             SQLITE_TRANSIENT)
                         : sqlite3_bind_null(stmt, index);
      if (rc != SQLITE_OK) return Error(rc, sql);
    }
    return stmt;
  }

  Status Error(int rc, std::string_view sql) {
    std::string msg = "SQLite " + path_ + ": " + sqlite3_errmsg(db_) + " (in: " + std::string(sql.substr(0, 120)) + ")";
    int primary = rc & 0xff;
    if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) {
      return Status::Unavailable(msg + "; another process holds a lock on " + path_ +
                                 " (an open write transaction or an exclusive lock) past the wait: run again when it "
                                 "has finished (fuser " + path_ + " names it)");
    }
    if (primary == SQLITE_FULL) return Status::IoError(msg + "; the disk is full: free space and resume the run");
    if (primary == SQLITE_NOTADB) {
      return Status::InvalidArgument(msg + "; " + path_ +
                                     " is not an SQLite database (or its header is destroyed): check the path");
    }
    if (primary == SQLITE_CORRUPT) {
      return Status::IntegrityError(msg + "; the database file is damaged: restore it from a copy, or rescue what "
                                          "is readable with sqlite3's .recover");
    }
    return Status::IoError(msg);
  }

  std::shared_ptr<DatabaseFile> file_;  // outlives db_: its close would drop SQLite's locks
  sqlite3* db_ = nullptr;
  std::string path_;
  std::map<std::string, sqlite3_stmt*> cache_;
};

}  // namespace

Result<std::unique_ptr<SqlDb>> OpenSqlite(const std::string& path, const SqliteOptions& options) {
  auto db = std::make_unique<SqliteDb>();
  FERRY_RETURN_IF_ERROR(db->Open(path, options));
  return std::unique_ptr<SqlDb>(std::move(db));
}

namespace {

// Any number: the key of the advisory lock around Ferry's DDL.
constexpr const char* kDdlLock = "SELECT pg_advisory_xact_lock(4663120940115551052)";

Result<bool> AllExist(SqlDb& db, const std::vector<std::string>& relations) {
  std::string array = "{";
  for (const std::string& r : relations) AppendArrayElement(r, &array);
  array.push_back('}');
  FERRY_ASSIGN_OR_RETURN(SqlRows rows, db.Query("SELECT coalesce(bool_and(to_regclass(r) IS NOT NULL), true)"
                                                " FROM unnest($1::text[]) r",
                                                {array}));
  return !rows.empty() && rows.rows[0][0].value_or("f") == "t";
}

}  // namespace

Status CreateFerryObjects(SqlDb& db, const std::vector<std::string>& relations, const std::string& ddl) {
  if (db.dialect() == SqlDb::Dialect::kSqlite) return db.Exec(ddl);
  FERRY_ASSIGN_OR_RETURN(bool exist, AllExist(db, relations));
  if (exist) return Status::OK();
  FERRY_RETURN_IF_ERROR(db.Exec("BEGIN"));
  Status s = db.Exec(kDdlLock);
  if (s.ok()) s = db.Exec(ddl);
  if (s.ok()) s = db.Commit();
  if (!s.ok()) db.Rollback();
  return s;
}

}  // namespace ferry::internal
