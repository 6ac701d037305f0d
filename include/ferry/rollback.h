// Copyright (c) the Ferry authors.
//
// Going back: rollback of a run, and backups of stores.
//
// Every run into a table keeps a rollback journal in its backup
// (safety/backup.h): per record, what the target held before (its SHA-256,
// and with the backup on, its stored text), the SHA-256 of what the run
// wrote, and the complements of the lossy steps applied. A rollback reads
// the target's current row for every journal entry and decides:
//   unchanged      the row is already as it was before the run: nothing to do
//   backup         the row is as the run wrote it: its text before comes back
//                  from the backup, byte for byte
//   complements    ... or, without a backup, through the backward steps with
//                  the complements the lossy steps saved (exact by construction,
//                  and checked against the SHA-256 before)
//   backward steps ... where every step on the path was lossless for it
//   delete         the run created the row: it is removed
//   conflict       the row changed after the run (or was deleted): left as it
//                  is, never silently overwritten, and listed by key
//   not restorable --to VERSION names a version the record never was at;
//                  among these, `created_by_run` counts the rows the run
//                  created (they did not exist in the target before it, so
//                  they have no earlier version there: a rollback without
//                  --to removes them; --to works on rows that existed before,
//                  e.g. those of an in-place run)
// AnalyzeRollback() computes this impact without changing anything;
// Rollback() acts. A rollback is itself a run: it holds the target's lease,
// commits its progress with a checkpoint in the target (one transaction with
// the rows), resumes after a kill from there, and is recorded in the runs,
// the history (kind "rollback") and the audit log.
//
// File targets are not rolled back: a run never changes its source file,
// and its output is a new file (remove it, or restore the file it replaced
// from a backup).
//
// Thread safety: AnalyzeRollback, Rollback and ListRollbackPoints may be
// called from several threads at once; each opens its own connections. Two
// rollbacks (or a rollback and a run) on one target exclude each other
// through the target's lease: the second gets LOCKED. RollbackOptions::events
// is called from the calling thread only; `cancel` may be set from any
// thread (the rollback stops after its current transaction, resumable).
// Ownership: options and results are plain values; `cancel` and `events`
// are not owned and must outlive the call.
// Errors: NOT_FOUND (no such run, or no journal for it), ROLLBACK_ERROR (the
// run cannot be rolled back: a file target, a journal without what --to
// needs), INTEGRITY_ERROR / WRONG_KEY (its backup), LOCKED, CANCELLED
// (resumable: call again), IO_ERROR, UNAVAILABLE.

#ifndef FERRY_ROLLBACK_H_
#define FERRY_ROLLBACK_H_

#include <atomic>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "ferry/events.h"
#include "ferry/project.h"
#include "ferry/result.h"
#include "ferry/status.h"

namespace ferry {

struct RollbackOptions {
  // The run to roll back; "" = the newest run on `target` that changed it
  // and was not rolled back yet.
  std::string run_id;
  // The table the run wrote to (a store URI). "" = the run's own target as
  // recorded (passwords are never recorded: give the URI when it had one).
  std::string target;
  // Ferry's state (as RunOptions::state).
  std::string state;
  // Go back to this version (on each record's path) instead of each
  // record's original; "" = the originals.
  std::string to_version;
  // Only these records (keys), or only these batches (the run's commits,
  // 1-based, as `ferry rollback --list` shows them). Empty: all.
  std::vector<std::string> keys;
  std::vector<uint64_t> batches;
  // Where the run's backup directories are, when the run was given
  // --backup-dir; "" = beside the state.
  std::string backup_dir;
  // The backup's key, when it is encrypted.
  std::string passphrase;
  std::string key_file;
  uint32_t retries = 5;
  uint32_t lease_ttl_ms = 30000;
  uint32_t commit_records = 2000;  // rows per transaction (and checkpoint)
  uint32_t throttle_ms = 0;        // pause between transactions
  const std::atomic<bool>* cancel = nullptr;
  EventSink* events = nullptr;
  uint32_t progress_interval_ms = 250;
  // How many conflicting keys to list. Default 20.
  uint32_t max_listed = 20;
};

struct RollbackImpact {
  std::string run_id;          // the run rolled back
  std::string target;
  std::string to_version;      // "" = originals
  std::string backup_id;
  bool has_originals = false;  // the backup holds the records' texts
  bool encrypted = false;
  uint64_t records = 0;        // journal entries considered
  uint64_t unchanged = 0;
  uint64_t via_backup = 0;
  uint64_t via_complements = 0;
  uint64_t via_backward_steps = 0;
  uint64_t deletions = 0;
  uint64_t conflicts = 0;
  uint64_t not_restorable = 0;
  uint64_t created_by_run = 0;  // of not_restorable: --to on rows the run created
  std::map<std::string, uint64_t> versions;  // records to restore, by the version they go back to
  std::map<std::string, uint64_t> migrations;  // records on which each migration is undone, by migration id
  std::vector<std::string> conflict_keys;    // up to max_listed
  std::vector<std::string> not_restorable_keys;
  uint64_t to_change() const { return via_backup + via_complements + via_backward_steps + deletions; }
  std::string ToJson() const;
};

struct RollbackReport {
  RollbackImpact impact;       // as found while acting
  std::string rollback_run_id;
  std::string status;          // completed, failed, cancelled
  bool resumed = false;
  uint64_t restored = 0;       // rows written back
  uint64_t deleted = 0;
  double seconds = 0;
  std::string ToJson() const;
};

// The impact of rolling back (nothing changes).
Result<RollbackImpact> AnalyzeRollback(const Project& project, const RollbackOptions& options);
// Rolls back. Conflicting rows are left as they are (the report counts and
// lists them; the status is still OK). An interrupted rollback is resumed by
// the same call.
Result<RollbackReport> Rollback(const Project& project, const RollbackOptions& options);

struct RollbackPoint {
  std::string run_id;
  std::string target;
  std::string status;          // the run's
  std::string started_at;
  std::string finished_at;
  uint64_t records = 0;        // journal entries
  uint64_t batches = 0;        // journal chunks
  bool has_originals = false;
  bool encrypted = false;
  std::string rolled_back_by;  // the rollback run, "" when not rolled back
  std::string partly_rolled_back_by;  // the last partial rollback (--to, --keys, --batch), if any
  std::string backup_status;   // writing, complete
};
// The runs that can be rolled back (newest first), from `state` (as
// RunOptions::state; "" = .ferry/state.db).
Result<std::vector<RollbackPoint>> ListRollbackPoints(const std::string& state, const std::string& target);

}  // namespace ferry

#endif  // FERRY_ROLLBACK_H_
