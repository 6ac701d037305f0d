// Copyright (c) the Ferry authors.
#include <algorithm>
#include <ctime>
#include <filesystem>
#include <string_view>

#include "ferry/state.h"
#include "common/text.h"
#include "store/state.h"

namespace ferry {

struct State::Rep {
  std::unique_ptr<internal::StateStore> store;
};

internal::StateStore& internal::StoreOf(State& state) { return *state.rep_->store; }

State::State(std::unique_ptr<Rep> rep) : rep_(std::move(rep)) {}
State::~State() = default;

Result<std::unique_ptr<State>> State::Open(const std::string& state, const std::string& target, bool create) {
  std::optional<internal::StoreUri> uri;
  if (!target.empty()) {
    FERRY_ASSIGN_OR_RETURN(uri, internal::ParseStoreUri(target, "unused"));
  }
  const bool pg = uri && uri->kind == internal::StoreKind::kPostgres;
  if (!create && !pg) {
    std::string path = state.empty() ? ".ferry/state.db" : state;
    if (path.rfind("sqlite:", 0) == 0) path = path.substr(7);
    const bool remote = path.rfind("postgres://", 0) == 0 || path.rfind("postgresql://", 0) == 0;
    if (!remote && !std::filesystem::exists(path)) {
      return Status::NotFound("no Ferry state at " + path +
                              " (no run has used it yet); pass --state FILE, or run from the directory of the runs; "
                              "after a run into PostgreSQL, pass its target (--target 'postgres://...?table=T'): "
                              "the state is in that database's ferry schema");
    }
  }
  auto rep = std::make_unique<Rep>();
  FERRY_ASSIGN_OR_RETURN(rep->store, internal::OpenStateFor(state, uri ? &*uri : nullptr));
  return std::unique_ptr<State>(new State(std::move(rep)));
}

const std::string& State::location() const { return rep_->store->location(); }

std::string State::CurrentUser() { return internal::CurrentUser(); }

namespace {

RunRecord ToRecord(internal::StateStore& store, const internal::RunRow& r) {
  RunRecord out;
  out.run_id = r.run_id;
  out.collection = r.collection;
  out.source = r.source;
  out.target = r.target;
  out.status = r.status;
  out.started_at = r.started_at;
  out.finished_at = r.finished_at;
  out.host = r.host;
  out.pid = r.pid;
  out.user = r.user;
  out.report_json = r.report;
  out.process_gone = r.status == "running" && internal::RunProcessGone(r.host, r.pid, r.started_at);
  auto cp = store.checkpoints().Load(r.run_id);
  if (cp.ok() && cp.value()) {
    out.checkpoint_records = cp.value()->records;
    out.checkpoint_seq = cp.value()->seq;
  }
  auto leases = store.ListLeases();
  if (leases.ok()) {
    for (const auto& l : leases.value()) {
      if (l.run_id == r.run_id && l.expires_ms > internal::NowMs()) {
        out.lease_held = true;
        out.lease_expires_in = std::to_string((l.expires_ms - internal::NowMs() + 999) / 1000) + " s";
      }
    }
  }
  return out;
}

}  // namespace

Result<std::vector<RunRecord>> State::Runs(uint32_t limit) {
  FERRY_ASSIGN_OR_RETURN(auto rows, rep_->store->ListRuns(limit));
  std::vector<RunRecord> out;
  for (const auto& r : rows) out.push_back(ToRecord(*rep_->store, r));
  return out;
}

Result<RunRecord> State::GetRun(const std::string& run_id) {
  FERRY_ASSIGN_OR_RETURN(auto row, rep_->store->GetRun(run_id));
  if (!row) return Status::NotFound("no run '" + run_id + "' in " + location() + "; 'ferry status' lists the runs");
  return ToRecord(*rep_->store, *row);
}

Result<std::vector<HistoryEntry>> State::History(const std::string& collection) {
  FERRY_ASSIGN_OR_RETURN(auto rows, rep_->store->History(collection));
  std::vector<HistoryEntry> out;
  for (const auto& h : rows) {
    out.push_back({h.collection, h.migration_id, h.checksum, h.run_id, h.kind, h.applied_by, h.applied_at,
                   h.duration_ms, h.records, h.success});
  }
  return out;
}

Status State::RecordAudit(const std::string& run_id, const std::string& event, const std::string& detail,
                          const std::string& user) {
  return rep_->store->Audit(run_id, event, detail, user);
}

Result<std::vector<AuditEntry>> State::Audit(const std::string& run_id, uint32_t limit) {
  FERRY_ASSIGN_OR_RETURN(auto rows, rep_->store->AuditLog(run_id, limit));
  std::vector<AuditEntry> out;
  for (const auto& r : rows.rows) {
    out.push_back({r[0].value_or(""), r[1].value_or(""), r[2].value_or(""), r[3].value_or(""), r[4].value_or("")});
  }
  return out;
}

namespace {

bool Digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), internal::IsDigit);
}

// An audit entry's time as stored ("2026-12-07T15:00:00.123Z") is compared
// as text with `since` in the same shape, cut where the user's text ends.
Result<std::string> SinceAsStored(std::string since) {
  const std::string given = since;
  const std::string_view units = "smhd";
  if (since.size() >= 2 && units.find(since.back()) != std::string_view::npos &&
      Digits(std::string_view(since).substr(0, since.size() - 1)) && since.size() <= 10) {
    static constexpr int64_t kSeconds[] = {1, 60, 3600, 86400};
    const int64_t back = std::stoll(since.substr(0, since.size() - 1)) * kSeconds[units.find(since.back())];
    const std::time_t t = std::time(nullptr) - std::time_t(back);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char out[32];
    std::strftime(out, sizeof(out), "%Y-%m-%dT%H:%M:%S", &tm);
    return std::string(out);
  }
  if (!since.empty() && since.back() == 'Z') since.pop_back();
  if (since.size() > 10 && since[10] == ' ') since[10] = 'T';
  // YYYY-MM-DD, then optionally THH:MM, then optionally :SS.
  const std::string shape = "dddd-dd-ddTdd:dd:dd";
  bool ok = since.size() == 10 || since.size() == 16 || since.size() == 19;
  for (size_t i = 0; ok && i < since.size(); ++i) {
    ok = shape[i] == 'd' ? internal::IsDigit(since[i]) : since[i] == shape[i];
  }
  if (!ok) {
    return Status::InvalidArgument("--since '" + given + "': give a UTC time (2026-12-07, 2026-12-07T15:00, "
                                   "2026-12-07T15:00:00) or a time before now (45s, 30m, 2h, 7d)");
  }
  return since;
}

}  // namespace

Result<std::vector<AuditEntry>> State::AuditLog(const AuditQuery& query) {
  std::string since;
  if (!query.since.empty()) {
    FERRY_ASSIGN_OR_RETURN(since, SinceAsStored(query.since));
  }
  FERRY_ASSIGN_OR_RETURN(auto rows,
                         rep_->store->AuditLog(query.run_id, since, query.actions, query.actor, query.limit));
  std::vector<AuditEntry> out;
  for (const auto& r : rows.rows) {
    out.push_back({r[0].value_or(""), r[1].value_or(""), r[2].value_or(""), r[3].value_or(""), r[4].value_or("")});
  }
  return out;
}

Status State::Check(const Project& project) { return rep_->store->CheckChecksums(project, project.collection()); }

Result<std::vector<std::string>> State::Repair(const Project& project, const std::string& user) {
  return rep_->store->Repair(project, project.collection(), user);
}

}  // namespace ferry
