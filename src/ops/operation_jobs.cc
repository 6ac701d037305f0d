// Copyright (c) the Ferry authors.

#include "ops/operation_jobs.h"

#include <array>

#include "common/json_builder.h"
#include "ferry/backup.h"
#include "ferry/rollback.h"
#include "ferry/run.h"
#include "store/store.h"

namespace ferry::internal {

namespace {

using Job = JobResult (*)(const OperationRequest&, const JobContext&);

RunOptions RunOptionsFor(const OperationRequest& r, const JobContext& c) {
  RunOptions o = r.run;
  o.control.cancel = c.cancel;
  o.control.stop_now = c.stop_now;
  o.control.events = c.events;
  if (o.pipeline.threads == 0) o.pipeline.threads = c.threads;
  if (!c.resume_run.empty()) o.resume.run_id = c.resume_run;
  if (r.kind == OperationKind::kDryRun) o.dry_run = true;
  return o;
}

// A finished Result<T> as a JobResult: the report's JSON, or the error.
template <typename T, typename ToJson>
JobResult Finish(Result<T> r, ToJson&& to_json) {
  if (!r.ok()) return JobResult{r.status(), "", "", nullptr, nullptr};
  std::string json = to_json(r.value());
  return JobResult{Status::OK(), std::move(json), "", nullptr, std::make_shared<const std::any>(std::move(r).value())};
}

JobResult RunLike(const OperationRequest& r, const JobContext& c) {
  auto report = Run(*r.project, RunOptionsFor(r, c));
  if (!report.ok()) return JobResult{report.status(), "", "", nullptr, nullptr};
  auto shared = std::make_shared<const RunReport>(std::move(report).value());
  return JobResult{shared->final_status, shared->ToJson(), shared->run_id, shared,
                   std::make_shared<const std::any>(*shared)};
}

JobResult AnalyzeJob(const OperationRequest& r, const JobContext& c) {
  return Finish(Analyze(*r.project, RunOptionsFor(r, c)), [&](const AnalyzeReport& a) { return a.ToJson(*r.project); });
}

JobResult ValidateJob(const OperationRequest& r, const JobContext& c) {
  return Finish(ValidateRecords(*r.project, RunOptionsFor(r, c), r.version),
                [&](const AnalyzeReport& a) { return a.ToJson(*r.project); });
}

JobResult PlanJob(const OperationRequest& r, const JobContext& c) {
  return Finish(Plan(*r.project, RunOptionsFor(r, c), r.plan_sample), [](const PlanReport& p) { return p.ToJson(); });
}

JobResult VerifyJob(const OperationRequest& r, const JobContext& c) {
  return Finish(Verify(*r.project, RunOptionsFor(r, c), r.verify_max_keys),
                [](const VerifyReport& v) { return v.ToJson(); });
}

JobResult RollbackJob(const OperationRequest& r, const JobContext& c) {
  RollbackOptions o = r.rollback;
  o.cancel = c.cancel;
  o.events = c.events;
  auto report = Rollback(*r.project, o);
  if (!report.ok()) return JobResult{report.status(), "", "", nullptr, nullptr};
  Status status = report->status == "cancelled" ? Status::Cancelled("rollback cancelled; resume it to go on")
                  : report->status == "failed"  ? Status::RollbackError("rollback failed: " + report->ToJson())
                                                : Status::OK();
  std::string json = report->ToJson();
  std::string run_id = report->rollback_run_id;
  return JobResult{status, std::move(json), std::move(run_id), nullptr,
                   std::make_shared<const std::any>(std::move(report).value())};
}

JobResult BackupCreateJob(const OperationRequest& r, const JobContext&) {
  return Finish(CreateBackup(*r.project, r.backup, r.backup_source, r.backup_incremental, r.backup_pinned,
                             r.backup_description),
                [](const BackupInfo& b) { return b.ToJson(); });
}

JobResult BackupVerifyJob(const OperationRequest& r, const JobContext&) {
  return Finish(VerifyBackup(r.backup, r.backup_id, r.backup_decode), [](const BackupInfo& b) { return b.ToJson(); });
}

JobResult BackupRestoreJob(const OperationRequest& r, const JobContext&) {
  auto restored = r.project ? RestoreBackup(*r.project, r.backup, r.backup_id, r.backup_target)
                            : RestoreBackup(r.backup, r.backup_id, r.backup_target);
  return Finish(restored, [](const RestoreReport& x) { return x.ToJson(); });
}

JobResult BackupPruneJob(const OperationRequest& r, const JobContext&) {
  return Finish(PruneBackups(r.backup, r.prune_keep, r.prune_max_age_days, r.prune_dry_run), [](const PruneReport& p) {
    JsonBuilder j;
    j.Begin().Key("pruned").Strings(p.pruned).Key("abandoned").Strings(p.abandoned);
    return j.Key("notes").Strings(p.notes).End().Take();
  });
}

JobResult CleanupJob(const OperationRequest& r, const JobContext&) {
  return Finish(CleanupSource(*r.project, r.backup, r.backup_source, r.run.target, r.prune_dry_run),
                [](const CleanupReport& x) { return x.ToJson(); });
}

// Indexed by OperationKind.
constexpr std::array<Job, 14> kJobs = {
    RunLike,      RunLike,    RunLike,   RunLike,     AnalyzeJob,      ValidateJob,      PlanJob,
    VerifyJob,    RollbackJob, BackupCreateJob, BackupVerifyJob, BackupRestoreJob, BackupPruneJob, CleanupJob,
};

bool NeedsProject(const OperationRequest& r) {
  return r.kind != OperationKind::kBackupVerify && r.kind != OperationKind::kBackupPrune &&
         r.kind != OperationKind::kBackupRestore;
}

}  // namespace

Status CheckRequest(const OperationRequest& request) {
  if (size_t(request.kind) >= kJobs.size()) return Status::InvalidArgument("unknown operation kind");
  if (NeedsProject(request) && request.project == nullptr) {
    return Status::InvalidArgument(std::string("a ") + OperationKindName(request.kind) +
                                   " operation needs a project (OperationRequest::project)");
  }
  return Status::OK();
}

JobResult RunJob(const OperationRequest& request, const JobContext& context) {
  return kJobs[size_t(request.kind)](request, context);
}

bool Resumable(OperationKind kind) {
  switch (kind) {
    case OperationKind::kRun:
    case OperationKind::kExport:
    case OperationKind::kImport:
    case OperationKind::kRollback:
    case OperationKind::kBackupRestore:
      return true;
    default:
      return false;
  }
}

std::string SourceOf(const OperationRequest& r) {
  switch (r.kind) {
    case OperationKind::kRollback: return RedactUri(r.rollback.run_id);
    case OperationKind::kBackupCreate:
    case OperationKind::kCleanup: return RedactUri(r.backup_source);
    case OperationKind::kBackupVerify:
    case OperationKind::kBackupRestore: return r.backup_id;
    case OperationKind::kBackupPrune: return "";
    default: return RedactUri(r.run.source);
  }
}

std::string TargetOf(const OperationRequest& r) {
  switch (r.kind) {
    case OperationKind::kRollback: return RedactUri(r.rollback.target);
    case OperationKind::kBackupRestore: return RedactUri(r.backup_target);
    case OperationKind::kBackupCreate:
    case OperationKind::kBackupVerify:
    case OperationKind::kBackupPrune: return "";
    default: return RedactUri(r.run.target);
  }
}

}  // namespace ferry::internal
