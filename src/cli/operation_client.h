// Copyright (c) the Ferry authors.
//
// The command line as a client of the operations registry
// (ferry/operation.h): every long command (run, dry run, export, import,
// analyze, validate, plan, verify, rollback, backup create/verify/restore/
// prune, cleanup) is started as an operation of this process, its events
// drive the progress display, and SIGINT / SIGTERM cancel it through the
// registry.

#ifndef FERRY_CLI_OPERATION_CLIENT_H_
#define FERRY_CLI_OPERATION_CLIENT_H_

#include <atomic>
#include <memory>

#include "ferry/operation.h"
#include "ferry/run.h"

namespace ferry::cli {

// How the command follows its operation: `events` receives the job's
// events (may be null); `cancel` / `stop_now`, when set (by signal
// handlers), cancel it at the next batch boundary / at once. Not owned.
struct Follower {
  EventSink* events = nullptr;
  const std::atomic<bool>* cancel = nullptr;
  const std::atomic<bool>* stop_now = nullptr;
  uint32_t threads = 0;  // the registry's thread budget (0 = all cores)
};

// Runs `request` as an operation of a registry of this process and returns
// its final snapshot, or the error that kept it from starting.
Result<OperationSnapshot> RunOperation(OperationRequest request, const Follower& follower);

// RunOperation, then the operation's typed report (ReportOf): the report
// the direct call (Run, Rollback, Verify, ...) would have returned.
template <typename Report>
Result<Report> RunForReport(OperationRequest request, const Follower& follower) {
  FERRY_ASSIGN_OR_RETURN(OperationSnapshot done, RunOperation(std::move(request), follower));
  return ReportOf<Report>(done);
}

// A run, dry run, export or import: `options` as an operation of `kind`
// (options.events, cancel and stop_now follow it).
Result<RunReport> RunAsOperation(std::shared_ptr<const Project> project, RunOptions options, OperationKind kind);

}  // namespace ferry::cli

#endif  // FERRY_CLI_OPERATION_CLIENT_H_
