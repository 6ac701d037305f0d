// Copyright (c) the Ferry authors.
//
// The life of a run in Ferry's state, one way for every job that writes a
// target: a run (ops/run.cc), a rollback (ops/rollback.cc) and a backup's
// restore into a table (ops/backup_api.cc).
//
//   RunLifecycle life(state, run_id);
//   life.TakeLease(target, ttl_ms, &warning);   // one writer per target
//   life.Start(row, "started", detail);         // or life.Resume(detail)
//   ... the job's batches ...
//   life.Finish(status, report_json, "completed", detail, retries);
//
// Each step writes the runs row and the audit trail the same way: a new run
// is `running` with this host, process and user; a resumed one is `running`
// again; the end sets the row's status and report. A job that lost its
// lease (LOCKED) records no end: its row belongs to whoever took it over.
//
// Not thread-safe: one job's thread uses it. `state` is not owned and must
// outlive it. Errors: those of the state store (IO_ERROR, STORE_ERROR) and
// of TargetLease::Acquire (LOCKED when another live process holds the
// target).

#ifndef FERRY_OPS_RUN_LIFECYCLE_H_
#define FERRY_OPS_RUN_LIFECYCLE_H_

#include <cstdint>
#include <memory>
#include <string>

#include "ferry/result.h"
#include "ferry/status.h"
#include "store/state.h"
#include "store/target_lease.h"

namespace ferry::internal {

// A token naming this process as a lease's owner: random, then the pid.
std::string NewOwnerToken();

// A runs row for a new job on `target`: status running, started now, on
// this host by this process and user. The caller fills source, project,
// options and the like.
RunRow NewRunRow(const std::string& run_id, const StoreUri& target, const std::string& collection);

class RunLifecycle {
 public:
  RunLifecycle(StateStore* state, std::string run_id) : state_(state), run_id_(std::move(run_id)) {}

  // Takes `target`'s lease as this run (renewed until the lifecycle goes).
  // A lease taken over from a holder that stopped renewing it is audited
  // ("lease_taken_over") and described in *took_over ("" otherwise).
  Status TakeLease(const StoreUri& target, int64_t ttl_ms, std::string* took_over);
  // Inserts `row` (NewRunRow) and audits `event` with `detail`.
  Status Start(const RunRow& row, const std::string& event, const std::string& detail);
  // An unfinished run continues: `running` again, audited "resumed".
  Status Resume(const std::string& detail);
  // Records the end: status and report on the row (retried `retries` times
  // on transient errors), then the audit `event` with `detail`. Nothing when
  // `final_status` is LOCKED. Returns the row's write error, if any (the
  // audit is best effort).
  Status Finish(const Status& final_status, const std::string& status, const std::string& report_json,
                const std::string& event, const std::string& detail, uint32_t retries);
  // Best effort audit of this run (a warning, a step of its history).
  void Audit(const std::string& event, const std::string& detail) const;

  const std::string& run_id() const { return run_id_; }
  const std::string& owner() const { return owner_; }
  TargetLease* lease() const { return lease_.get(); }
  // Releases the lease now (before the stores it covers close).
  void ReleaseLease() { lease_.reset(); }

 private:
  StateStore* state_;
  std::string run_id_;
  std::string owner_;
  std::unique_ptr<TargetLease> lease_;
};

}  // namespace ferry::internal

#endif  // FERRY_OPS_RUN_LIFECYCLE_H_
