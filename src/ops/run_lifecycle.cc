// Copyright (c) the Ferry authors.
#include "ops/run_lifecycle.h"

#include <unistd.h>

#include <cstdio>
#include <random>

#include "store/sql.h"

namespace ferry::internal {

std::string NewOwnerToken() {
  std::random_device rd;
  char buf[48];
  std::snprintf(buf, sizeof(buf), "%08x%08x-%d", unsigned(rd()), unsigned(rd()), int(::getpid()));
  return buf;
}

RunRow NewRunRow(const std::string& run_id, const StoreUri& target, const std::string& collection) {
  RunRow row;
  row.run_id = run_id;
  row.resource = target.identity;
  row.collection = collection;
  row.target = target.display;
  row.status = "running";
  row.started_at = NowIso();
  row.host = HostName();
  row.pid = ::getpid();
  row.user = CurrentUser();
  return row;
}

Status RunLifecycle::TakeLease(const StoreUri& target, int64_t ttl_ms, std::string* took_over) {
  owner_ = NewOwnerToken();
  took_over->clear();
  FERRY_ASSIGN_OR_RETURN(lease_, TargetLease::Acquire(target, *state_, {run_id_, owner_, ttl_ms}, took_over));
  if (!took_over->empty()) Audit("lease_taken_over", *took_over);
  return Status::OK();
}

Status RunLifecycle::Start(const RunRow& row, const std::string& event, const std::string& detail) {
  FERRY_RETURN_IF_ERROR(state_->InsertRun(row));
  return state_->Audit(run_id_, event, detail);
}

Status RunLifecycle::Resume(const std::string& detail) {
  FERRY_RETURN_IF_ERROR(state_->SetRunStatus(run_id_, "running"));
  return state_->Audit(run_id_, "resumed", detail);
}

Status RunLifecycle::Finish(const Status& final_status, const std::string& status, const std::string& report_json,
                            const std::string& event, const std::string& detail, uint32_t retries) {
  if (final_status.code() == ErrorCode::kLocked) return Status::OK();
  Status s = WithRetries(retries, [&] { return state_->FinishRun(run_id_, status, report_json); });
  Audit(event, detail);
  return s;
}

void RunLifecycle::Audit(const std::string& event, const std::string& detail) const {
  (void)state_->Audit(run_id_, event, detail);
}

}  // namespace ferry::internal
