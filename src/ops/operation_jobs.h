// Copyright (c) the Ferry authors.
//
// What each kind of operation does: one function per OperationKind, over the
// public calls (Run, Analyze, Rollback, CreateBackup, ...). The registry
// (operations.cc) runs one on the operation's thread.

#ifndef FERRY_OPS_OPERATION_JOBS_H_
#define FERRY_OPS_OPERATION_JOBS_H_

#include <any>
#include <atomic>
#include <memory>
#include <string>

#include "ferry/events.h"
#include "ferry/operation.h"

namespace ferry::internal {

// What the registry gives a job.
struct JobContext {
  const std::atomic<bool>* cancel = nullptr;
  const std::atomic<bool>* stop_now = nullptr;
  EventSink* events = nullptr;
  uint32_t threads = 0;    // the share of the thread budget (when the request gave none)
  std::string resume_run;  // Resume: the run to continue ("" = a new one)
};

// What a job ends with.
struct JobResult {
  Status status;            // OK, CANCELLED (resumable) or the failure
  std::string result_json;  // the report, when there is one
  std::string run_id;       // the run (rollback run) in the state store
  std::shared_ptr<const RunReport> run_report;  // run kinds
  std::shared_ptr<const std::any> report;       // every kind's typed report (OperationSnapshot::report)
};

// INVALID_ARGUMENT when `request` lacks what its kind needs (a project).
Status CheckRequest(const OperationRequest& request);

// Runs `request` to its end.
JobResult RunJob(const OperationRequest& request, const JobContext& context);

// Whether Resume can continue an operation of `kind`.
bool Resumable(OperationKind kind);

// The source and target an operation names, passwords redacted.
std::string SourceOf(const OperationRequest& request);
std::string TargetOf(const OperationRequest& request);

}  // namespace ferry::internal

#endif  // FERRY_OPS_OPERATION_JOBS_H_
