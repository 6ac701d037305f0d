// Copyright (c) the Ferry authors.
//
// Ferry's own state: runs, history, checkpoints, leases and the audit log.
// It lives in an SQLite file (.ferry/state.db by default) or, when the
// target is PostgreSQL, in a `ferry` schema of that database, so that a
// batch and its checkpoint commit in one transaction there.
//
//   runs        one row per run: what, where, who, status, the final report
//   history     per collection: each applied migration (id, checksum and
//               normalised definition, who, when, duration, records, success);
//               `ferry repair` adds rows of kind 'repair'
//   checkpoints per run: the last committed position (store/store.h)
//   leases      per file target: which run holds it, until when (a table
//               target's lease lives in its database and is mirrored here)
//   audit       every state change, with time, run and detail
//   templates   saved option sets for run/export/import (store/templates.cc,
//               include/ferry/templates.h)
//
// Thread safety: one StateStore per thread (a lease's renewal thread opens
// its own with Reopen()).

#ifndef FERRY_STORE_STATE_H_
#define FERRY_STORE_STATE_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ferry/project.h"
#include "ferry/result.h"
#include "store/sql.h"
#include "store/store.h"

namespace ferry::internal {

struct RunRow {
  std::string run_id;
  std::string resource;    // the target's identity (what the lease locks)
  std::string collection;
  std::string source;      // as given (passwords redacted)
  std::string target;
  std::string project;
  std::string status;      // running, completed, failed, cancelled, abandoned
  std::string started_at;
  std::string finished_at;
  std::string host;
  int64_t pid = 0;
  std::string user;
  std::string source_fingerprint;  // files: size and mtime; tables: ""
  std::string options;     // JSON
  std::string report;      // JSON (final report), "" while running
};

struct LeaseRow {
  std::string resource;
  std::string run_id;
  std::string owner;
  std::string host;
  int64_t pid = 0;
  std::string acquired_at;
  int64_t expires_ms = 0;
};

struct HistoryRow {
  std::string collection;
  std::string migration_id;
  std::string checksum;
  std::string definition;
  std::string run_id;
  std::string kind;        // apply, repair
  std::string applied_by;
  std::string applied_at;
  int64_t duration_ms = 0;
  int64_t records = 0;
  bool success = true;
};

class StateStore {
 public:
  // The SQLite state file (created with its directory when missing).
  static Result<std::unique_ptr<StateStore>> OpenSqlite(const std::string& path);
  // The `ferry` schema of a PostgreSQL database (created when missing).
  static Result<std::unique_ptr<StateStore>> OpenPostgres(const std::string& conninfo, const std::string& display);
  // Another connection to the same state (for another thread).
  Result<std::unique_ptr<StateStore>> Reopen() const;

  SqlDb& db() { return *db_; }
  CheckpointTable& checkpoints() { return *checkpoints_; }
  // Where the state lives, for messages.
  const std::string& location() const { return display_; }
  // The SQLite state file ("" in PostgreSQL).
  std::string sqlite_path() const { return db_->dialect() == SqlDb::Dialect::kSqlite ? path_ : std::string(); }
  // A state table's name as SQL ("ferry.NAME" in PostgreSQL), for modules
  // that keep their own tables here (safety/backup.cc).
  std::string Table(const std::string& name) const { return T(name); }

  // Runs.
  Status InsertRun(const RunRow& run);
  Status FinishRun(const std::string& run_id, const std::string& status, const std::string& report_json);
  Status SetRunStatus(const std::string& run_id, const std::string& status);
  Result<std::optional<RunRow>> GetRun(const std::string& run_id);
  // The newest run on `resource` that did not finish (running, failed, cancelled).
  Result<std::optional<RunRow>> FindUnfinished(const std::string& resource);
  Result<std::vector<RunRow>> ListRuns(uint32_t limit);

  // Leases. Acquire takes the lease on `resource` for `ttl_ms` when it is free,
  // expired, or held by a process on this host that no longer exists;
  // otherwise LOCKED naming the holder's run, host, pid and start.
  // *took_over is set when an expired or dead holder's lease was taken.
  Status AcquireLease(const std::string& resource, const std::string& run_id, const std::string& owner,
                      int64_t ttl_ms, std::string* took_over);
  // Extends the lease; LOCKED when it is no longer ours.
  Status Heartbeat(const std::string& resource, const std::string& owner, int64_t ttl_ms);
  Status ReleaseLease(const std::string& resource, const std::string& owner);
  // Records (or renews) a lease held elsewhere, as it is: a table target's
  // lease lives in its database (store/target_lease.h); this copy is what
  // `ferry status` shows. It decides nothing.
  Status MirrorLease(const std::string& resource, const std::string& run_id, const std::string& owner,
                     int64_t ttl_ms);
  Result<std::vector<LeaseRow>> ListLeases();

  // History.
  Status AddHistory(const HistoryRow& row);
  Result<std::vector<HistoryRow>> History(const std::string& collection);
  // CHECKSUM_MISMATCH when a migration of `project` was applied to
  // `collection` with another definition; the message names the migration
  // and what changed (JSON Pointers with old and new values).
  Status CheckChecksums(const Project& project, const std::string& collection);
  // Records the current definitions of the changed migrations as accepted
  // (kind 'repair', by `user`). Returns the ids repaired.
  Result<std::vector<std::string>> Repair(const Project& project, const std::string& collection,
                                          const std::string& user);

  // Audit log.
  Status Audit(const std::string& run_id, const std::string& event, const std::string& detail);
  // The same, in the name of `user` (e.g. a `ferry serve` token's name).
  Status Audit(const std::string& run_id, const std::string& event, const std::string& detail,
               const std::string& user);
  Result<SqlRows> AuditLog(const std::string& run_id, uint32_t limit);
  // Filtered (empty = any): entries of `run_id`, at or after `since` (ISO
  // 8601 UTC, compared as text), of one of `events`, by `user`; the newest
  // `limit`, oldest first. Columns: at, run_id, event, detail, username.
  Result<SqlRows> AuditLog(const std::string& run_id, const std::string& since, const std::vector<std::string>& events,
                           const std::string& user, uint32_t limit);

 private:
  StateStore() = default;
  Status CreateTables();
  std::string T(const std::string& name) const { return prefix_ + name; }

  std::unique_ptr<SqlDb> db_;
  std::unique_ptr<CheckpointTable> checkpoints_;
  std::string prefix_;   // "" (SQLite) or "ferry." (PostgreSQL)
  std::string path_;     // SQLite file, or the PostgreSQL conninfo
  std::string display_;
};

// The user running Ferry ($FERRY_USER, else the login name), and this host.
std::string CurrentUser();
std::string HostName();

// Whether the process of a run registered on `host` with `pid` at
// `started_at` (ISO 8601 UTC) is gone. Decidable on this host only (false
// elsewhere): gone when no process has that pid, or when the one that has it
// started after the run did (the pid was reused).
bool RunProcessGone(const std::string& host, int64_t pid, const std::string& started_at);

// Where the state lives for a run: --state when given, else the target's
// PostgreSQL database, else .ferry/state.db in the working directory.
Result<std::unique_ptr<StateStore>> OpenStateFor(const std::string& state_option, const StoreUri* target);
// The SQLite file OpenStateFor() opens for the same arguments; "" when the
// state is in PostgreSQL.
std::string StateSqlitePath(const std::string& state_option, const StoreUri* target);

}  // namespace ferry::internal

#endif  // FERRY_STORE_STATE_H_
