// Copyright (c) the Ferry authors.
//
// Ferry's state, read-only views and repair: the runs (with their last
// checkpoint), the history of applied migrations per collection, the leases
// and the audit log (saved templates: ferry/templates.h). Runs write this state themselves (ferry/run.h); this
// header is what `ferry status`, `ferry history` and `ferry repair` use.
//
// Where the state is: `state` when given (an SQLite file or a postgres://
// URI), else the target's PostgreSQL database (schema ferry) when `target`
// is a postgres:// URI, else .ferry/state.db in the working directory.
//
// Thread safety: one State per thread.

#ifndef FERRY_STATE_H_
#define FERRY_STATE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "ferry/project.h"
#include "ferry/result.h"

namespace ferry {

class State;
namespace internal {
class StateStore;
// The state store behind `state` (src/store/state_api.cc), for the modules
// that keep their own tables in it (src/store/templates.cc).
StateStore& StoreOf(State& state);
}  // namespace internal

struct RunRecord {
  std::string run_id;
  std::string collection;
  std::string source;  // passwords redacted
  std::string target;
  std::string status;  // running, completed, failed, cancelled, abandoned
  std::string started_at;
  std::string finished_at;
  std::string host;
  int64_t pid = 0;
  std::string user;
  // The last checkpoint: records consumed from the source, and how many
  // commits.
  uint64_t checkpoint_records = 0;
  uint64_t checkpoint_seq = 0;
  // The final report (RunReport::ToJson), "" while unfinished.
  std::string report_json;
  // `running`, but its process (on this host) is gone: it was killed or
  // crashed. `ferry status` shows it as dead; running it again resumes it.
  bool process_gone = false;
  // A lease is held for the run's target right now (by this run).
  bool lease_held = false;
  std::string lease_expires_in;  // e.g. "24 s"
};

struct HistoryEntry {
  std::string collection;
  std::string migration_id;
  std::string checksum;
  std::string run_id;
  std::string kind;  // apply, repair
  std::string applied_by;
  std::string applied_at;
  int64_t duration_ms = 0;
  int64_t records = 0;
  bool success = true;
};

struct AuditEntry {
  std::string at;
  std::string run_id;
  std::string event;
  std::string detail;
  std::string user;
};

// Which audit entries State::AuditLog() returns; an empty field matches
// every entry.
struct AuditQuery {
  std::string run_id;
  // Entries at or after this time (UTC): "2026-12-07", "2026-12-07T15:00",
  // "2026-12-07T15:00:00" (a space for the T and a trailing Z are allowed),
  // or a time before now: "45s", "30m", "2h", "7d".
  std::string since;
  // Entries of these actions (the audit entry's event: started, completed,
  // failed, resumed, abandoned, rollback..., backup_restored, repair, ...).
  std::vector<std::string> actions;
  // Entries recorded by this user (FERRY_USER, else the login name).
  std::string actor;
  // At most this many entries: the newest. Default 100.
  uint32_t limit = 100;
};

class State {
 public:
  // NOT_FOUND when no state exists there yet (and `create` is false).
  static Result<std::unique_ptr<State>> Open(const std::string& state, const std::string& target, bool create = false);
  ~State();

  const std::string& location() const;
  Result<std::vector<RunRecord>> Runs(uint32_t limit);
  // NOT_FOUND for an unknown id.
  Result<RunRecord> GetRun(const std::string& run_id);
  Result<std::vector<HistoryEntry>> History(const std::string& collection);
  Result<std::vector<AuditEntry>> Audit(const std::string& run_id, uint32_t limit);
  // The audit entries `query` selects, oldest first. INVALID_ARGUMENT for a
  // malformed `since`.
  Result<std::vector<AuditEntry>> AuditLog(const AuditQuery& query);
  // Records an entry in the audit log in the name of `user` (a front end's
  // caller, e.g. a `ferry serve` token's name); `detail` is free text (JSON
  // is fine). Never put secrets in it.
  Status RecordAudit(const std::string& run_id, const std::string& event, const std::string& detail,
                     const std::string& user);
  // CHECKSUM_MISMATCH naming each edited migration, or OK.
  Status Check(const Project& project);
  // Accepts the edited definitions of `project`'s applied migrations, in
  // the name of `user` (recorded in the history and the audit log). Returns
  // the migration ids accepted (none when nothing changed).
  Result<std::vector<std::string>> Repair(const Project& project, const std::string& user);
  // $FERRY_USER, else the login name.
  static std::string CurrentUser();

  struct Rep;

 private:
  explicit State(std::unique_ptr<Rep> rep);
  friend internal::StateStore& internal::StoreOf(State& state);
  std::unique_ptr<Rep> rep_;
};

}  // namespace ferry

#endif  // FERRY_STATE_H_
