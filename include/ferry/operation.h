// Copyright (c) the Ferry authors.
//
// Operations: every long job (run, dry run, export, import, analyze,
// validate, plan, verify, rollback, backup create/verify/restore/prune,
// cleanup) as an object that any front end starts, watches, cancels and
// resumes by id. The command line, `ferry serve` and an application linking
// libferry all use this one registry.
//
//   Operations ops(OperationsOptions{.state = ".ferry/state.db"});
//   auto id = ops.Start(request);             // returns at once
//   ops.Subscribe(*id, 0, on_event);          // every event, in order
//   auto done = ops.Wait(*id);                // the final snapshot
//
// What each call guarantees:
// - Start returns the new id at once; the job runs on its own thread. At most
//   OperationsOptions::max_running run at a time, the rest wait `queued`.
//   Several operations on different targets run together and share the thread
//   budget; two on the same target: the second fails LOCKED, as two processes
//   would.
// - Events carry a sequence number per operation (1, 2, 3, ...). A subscriber
//   that reconnects asks for everything after the last number it saw and gets
//   each later event exactly once, in order (the last `events_kept` are kept
//   in memory; asking for older ones is NOT_FOUND: take a snapshot instead).
// - Cancel stops at the next batch boundary: what was processed is
//   committed with its checkpoint, the state becomes `cancelled`, and Resume
//   continues the same operation (same id, same run) from that checkpoint:
//   nothing is lost or written twice.
// - History (finished and unfinished operations) is kept in the state store
//   (OperationsOptions::state), so it survives a restart of the process.
//
// Ownership: Operations owns its threads and copies of the requests; the
// Project is shared (std::shared_ptr) and must not change while used.
// Destroying Operations cancels what runs and waits for it.
// Thread safety: every method may be called from any thread at any time.
// Event callbacks run on the subscription's own thread, one at a time; a
// slow callback delays only its own subscription. A callback must not call
// Unsubscribe of its own subscription (returning false ends it instead).

#ifndef FERRY_OPERATION_H_
#define FERRY_OPERATION_H_

#include <any>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ferry/backup.h"
#include "ferry/events.h"
#include "ferry/project.h"
#include "ferry/result.h"
#include "ferry/rollback.h"
#include "ferry/run.h"

namespace ferry {

enum class OperationKind : uint8_t {
  kRun = 0,
  kDryRun,
  kExport,
  kImport,
  kAnalyze,
  kValidate,
  kPlan,
  kVerify,
  kRollback,
  kBackupCreate,
  kBackupVerify,
  kBackupRestore,
  kBackupPrune,
  kCleanup,
};

// "run", "dry_run", "export", "import", "analyze", "validate", "plan",
// "verify", "rollback", "backup_create", "backup_verify", "backup_restore",
// "backup_prune", "cleanup".
const char* OperationKindName(OperationKind kind);
// INVALID_ARGUMENT naming the kinds for an unknown name.
Result<OperationKind> ParseOperationKind(std::string_view name);

enum class OperationState : uint8_t {
  kQueued = 0,
  kRunning,
  kCancelling,  // Cancel was asked; stopping at the next batch boundary
  kCompleted,
  kFailed,
  kCancelled,  // stopped with its checkpoint kept: Resume continues it
};

// "queued", "running", "cancelling", "completed", "failed", "cancelled".
const char* OperationStateName(OperationState state);
bool IsFinished(OperationState state);

// What an operation asks for. Only the fields of its kind are read.
struct OperationRequest {
  OperationKind kind = OperationKind::kRun;
  // Every kind but backup verify/prune and restore by id needs it.
  std::shared_ptr<const Project> project;
  // The directory the project was loaded from (shown in history; "" when
  // the project was built in memory).
  std::string project_dir;
  // run, dry run (dry_run is set for it), export, import, analyze, validate,
  // plan, verify. `control` (cancel, stop_now, events) is the registry's: any
  // value given is replaced. `pipeline.threads` 0 takes a share of the budget.
  RunOptions run;
  // validate: validate every record against this version ("" = detect).
  std::string version;
  // plan: records in the timed sample.
  uint64_t plan_sample = 20000;
  // verify: keys listed at most per kind of difference.
  uint32_t verify_max_keys = 20;
  // rollback (its cancel and events are the registry's).
  RollbackOptions rollback;
  // backup create/verify/restore/prune, cleanup.
  BackupOptions backup;
  std::string backup_id;        // verify, restore
  std::string backup_source;    // create (a store URI), cleanup
  std::string backup_target;    // restore ("" = where it came from)
  std::string backup_description;  // create
  bool backup_incremental = false;  // create
  bool backup_pinned = false;       // create
  bool backup_decode = false;   // verify: decode every record too
  uint32_t prune_keep = 0;      // prune
  int64_t prune_max_age_days = -1;
  bool prune_dry_run = false;
};

// Live counters per outcome (a run, export, import, analyze, validate; other
// kinds fill what applies).
struct OperationCounters {
  uint64_t processed = 0;  // records read from the source
  uint64_t migrated = 0;
  uint64_t already_at_target = 0;
  uint64_t rejected = 0;
  std::map<std::string, uint64_t> rejected_by_code;
  uint64_t filtered = 0;
  uint64_t conflicts = 0;
  uint64_t bytes = 0;        // input bytes read
  uint64_t total_bytes = 0;  // input size when known, else 0
  double docs_per_second = 0;
  double mb_per_second = 0;  // MB = 10^6 bytes
  double percent = -1;       // -1 when the total is unknown
  double eta_seconds = -1;   // an estimate; -1 when unknown
};

struct OperationSnapshot {
  std::string id;
  OperationKind kind = OperationKind::kRun;
  OperationState state = OperationState::kQueued;
  std::string stage;        // the last event's stage ("reading", "migrating", "publishing", ...)
  std::string created_at;   // ISO 8601 UTC
  std::string started_at;   // "" while queued
  std::string finished_at;  // "" until finished
  std::string project;      // OperationRequest::project_dir
  std::string source;       // passwords never shown
  std::string target;
  // The run (or rollback run) id in the state store, once it started: what
  // `ferry status` and `ferry rollback --run` name.
  std::string run_id;
  OperationCounters counters;
  uint64_t last_seq = 0;  // the sequence number of the last event
  uint32_t resumes = 0;   // how often Resume continued it
  // The outcome once finished: OK, or the code and message it failed or was
  // cancelled with.
  Status status;
  // The final report as JSON (RunReport::ToJson and the like); "" until
  // finished.
  std::string result_json;
  // The report of a run, dry run, export or import that finished in this
  // process (null otherwise: history keeps only result_json).
  std::shared_ptr<const RunReport> run_report;
  // The typed report of any kind that finished in this process, null
  // otherwise (or when it failed before it had one). Read it with
  // ReportOf<T>: RunReport (run, dry run, export, import), AnalyzeReport
  // (analyze, validate), PlanReport, VerifyReport, RollbackReport,
  // BackupInfo (backup create, backup verify), RestoreReport, PruneReport,
  // CleanupReport. A rollback that was cancelled or failed has one too.
  std::shared_ptr<const std::any> report;
  std::string ToJson() const;
};

struct OperationEvent {
  uint64_t seq = 0;  // 1-based, per operation, no gaps
  std::string operation_id;
  OperationKind kind = OperationKind::kRun;
  // The engine's event. Progress events carry the per-outcome counters.
  Event event;
  // The operation's state right after this event.
  OperationState state = OperationState::kRunning;
  // True for the registry's own events (kStageChanged "queued", "running",
  // "cancelling"; kOperationFinished), false for the job's.
  bool state_change = false;
  std::string ToJson() const;
};

struct OperationsOptions {
  // Where history is kept: an SQLite file or a postgres:// URI. "" =
  // .ferry/state.db in the working directory.
  std::string state;
  // Worker threads shared by all running operations (0 = the machine's
  // cores). An operation that asks for no thread count gets
  // max(1, threads / running operations) when it starts.
  uint32_t threads = 0;
  // Operations running at once; later ones wait `queued`. Default 4.
  uint32_t max_running = 4;
  // Events kept in memory per operation for reconnecting subscribers.
  uint32_t events_kept = 4096;
  // false: nothing is written to the state (History() is empty; the runs
  // still record themselves as ferry/state.h says). The command line runs
  // one operation per process and keeps none.
  bool keep_history = true;
};

class Operations {
 public:
  // A subscription's callback; returning false ends the subscription.
  using EventCallback = std::function<bool(const OperationEvent&)>;

  // Opens (creating when needed) the state store that keeps the history.
  // IO_ERROR / INVALID_ARGUMENT when it cannot be opened.
  static Result<std::unique_ptr<Operations>> Open(const OperationsOptions& options);
  ~Operations();
  Operations(const Operations&) = delete;
  Operations& operator=(const Operations&) = delete;

  // Starts `request` and returns its id at once. INVALID_ARGUMENT for a
  // request missing what its kind needs.
  Result<std::string> Start(OperationRequest request);

  // NOT_FOUND for an id neither running here nor in the history.
  Result<OperationSnapshot> Get(const std::string& id) const;
  // Queued, running and cancelling operations of this process, oldest first.
  std::vector<OperationSnapshot> Active() const;
  // The newest `limit` operations (any process that used this state),
  // newest first.
  Result<std::vector<OperationSnapshot>> History(uint32_t limit) const;

  // Asks a queued or running operation to stop at the next batch boundary.
  // `now` also stops running database statements and retries at once (as
  // SIGTERM does; ferry/run.h RunOptions::control.stop_now). NOT_FOUND for an unknown
  // id; INVALID_ARGUMENT when it already finished.
  Status Cancel(const std::string& id, bool now = false);
  // Continues a cancelled or failed (resumable) operation of this process
  // from its last checkpoint, under the same id. INVALID_ARGUMENT when it is
  // not cancelled or failed, or of a kind that does not resume (analyze,
  // validate, plan, verify, backup verify/prune: start them again).
  Status Resume(const std::string& id);
  // Continues an operation of an earlier process (one History lists, which
  // did not complete: cancelled, failed, or left running by a process that
  // was killed) under the same id, its events numbered on from its last.
  // The history does not keep requests (they hold callbacks and keys), so
  // the caller gives it again: the same kind and target. The target's lease
  // decides whether its process is really gone (LOCKED while another one
  // holds it). For an operation of this process, as Resume(id).
  // NOT_FOUND for an unknown id (or without a history); INVALID_ARGUMENT
  // when it completed, does not resume, or `request` names another kind or
  // target.
  Status Resume(const std::string& id, OperationRequest request);

  // Blocks until the operation finished or `timeout` passed; returns the
  // snapshot either way.
  Result<OperationSnapshot> Wait(const std::string& id,
                                 std::chrono::milliseconds timeout = std::chrono::hours(24 * 365)) const;

  // The kept events with a sequence number above `after_seq`; when there are
  // none yet, waits up to `wait` for one. NOT_FOUND when events after
  // `after_seq` are no longer kept.
  Result<std::vector<OperationEvent>> Events(const std::string& id, uint64_t after_seq,
                                             std::chrono::milliseconds wait = std::chrono::milliseconds(0)) const;

  // Calls `callback` for every event after `after_seq` (kept ones first),
  // in order, until it returns false, the operation finishes (after its last
  // event, operation_finished) or Unsubscribe. Returns the subscription's id.
  Result<uint64_t> Subscribe(const std::string& id, uint64_t after_seq, EventCallback callback);
  // Stops the subscription at once (events not yet delivered are not) and
  // waits for its thread. To receive every event, let the subscription end
  // by itself (its callback sees operation_finished), then Unsubscribe; or
  // follow with Events(). Destroying Operations unsubscribes all.
  void Unsubscribe(uint64_t subscription);

  struct Rep;

 private:
  explicit Operations(std::unique_ptr<Rep> rep);
  std::unique_ptr<Rep> rep_;
};

// The typed report of a finished operation (OperationSnapshot::report) as
// a `Report`; otherwise its status, or INTERNAL when it finished OK with no
// report of that type (the wrong Report for its kind).
template <typename Report>
Result<Report> ReportOf(const OperationSnapshot& snapshot) {
  if (snapshot.report != nullptr) {
    if (const Report* r = std::any_cast<Report>(snapshot.report.get())) return *r;
  }
  if (!snapshot.status.ok()) return snapshot.status;
  return Status::Internal(std::string("operation ") + snapshot.id + " has no report of the type asked for");
}

}  // namespace ferry

#endif  // FERRY_OPERATION_H_
