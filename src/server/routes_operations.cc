// Copyright (c) the Ferry authors.
//
// Operations over HTTP: POST /runs and the checks (/analyze, /plan,
// /validate, /verify) start one; GET /runs, /runs/{id}, /runs/{id}/report,
// /operations/active and /operations/history read them; /cancel and
// /resume steer them. The body of every operation started is kept under the
// server's work directory, so a later server can resume it.

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "server/operation_requests.h"
#include "server/request_body.h"
#include "server/server_context.h"
#include "server/transfer_requests.h"

namespace ferry::server {

namespace {

namespace fs = std::filesystem;

bool Resumable(OperationKind kind) {
  return kind != OperationKind::kAnalyze && kind != OperationKind::kValidate && kind != OperationKind::kPlan &&
         kind != OperationKind::kVerify && kind != OperationKind::kBackupVerify &&
         kind != OperationKind::kBackupPrune;
}

bool ActiveHere(ServerContext& ctx, const std::string& id) {
  for (const auto& a : ctx.ops->Active()) {
    if (a.id == id) return true;
  }
  return false;
}

// The request bodies kept for resuming: WORK/requests/ID.json holds
// {"route": "/api/v1/runs", "body": ...}.
fs::path RequestFile(const ServerContext& ctx, const std::string& id) {
  return fs::path(ctx.work_dir) / "requests" / (id + ".json");
}

void KeepRequest(const ServerContext& ctx, const std::string& id, const std::string& route, const std::string& body) {
  std::error_code ec;
  fs::create_directories(RequestFile(ctx, id).parent_path(), ec);
  const fs::path tmp = RequestFile(ctx, id).string() + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    f << route << "\n" << body;
  }
  fs::rename(tmp, RequestFile(ctx, id), ec);
}

// The route and body kept for `id`; NOT_FOUND when none is.
Result<std::pair<std::string, std::string>> KeptRequest(const ServerContext& ctx, const std::string& id) {
  std::ifstream f(RequestFile(ctx, id), std::ios::binary);
  if (!f) return Status::NotFound("operation " + id + " was not started by this server; resume it where it started");
  std::string route;
  std::getline(f, route);
  std::stringstream body;
  body << f.rdbuf();
  return std::make_pair(route, body.str());
}

// The snapshot's JSON with `resumable` (ResumableHere).
std::string SnapshotJson(const ServerContext& ctx, const OperationSnapshot& s, bool active_here) {
  std::string json = s.ToJson();
  const bool resumable = ResumableHere(ctx, s, active_here);
  json.insert(json.size() - 1, std::string(",\"resumable\":") + (resumable ? "true" : "false"));
  return json;
}

Result<OperationRequest> BuildRequest(const ServerContext& ctx, const std::string& route, const std::string& body) {
  if (route == "/api/v1/runs") return RunRequestFrom(body, ctx.projects, ctx.options.state);
  if (route == "/api/v1/imports" || route == "/api/v1/exports") return KeptTransferRequest(ctx, route, body);
  for (OperationKind k : {OperationKind::kAnalyze, OperationKind::kPlan, OperationKind::kValidate,
                          OperationKind::kVerify}) {
    if (route == std::string("/api/v1/") + OperationKindName(k)) return CheckRequestFrom(k, body, ctx.projects);
  }
  return Status::Internal("no request builder for " + route);
}

// The request of `route` with `body`, its runs keeping their state where
// the server keeps its own.
Result<OperationRequest> RequestFor(const ServerContext& ctx, const std::string& route, const std::string& body) {
  FERRY_ASSIGN_OR_RETURN(OperationRequest request, BuildRequest(ctx, route, body));
  request.run.state = ctx.options.state;
  return request;
}

void StartFromBody(Call& call) {
  FERRY_HTTP_ASSIGN_OR_ANSWER(OperationRequest request, call, RequestFor(call.ctx, call.req.path, call.req.body));
  const OperationKind kind = request.kind;
  FERRY_HTTP_ASSIGN_OR_ANSWER(std::string id, call, call.ctx.ops->Start(std::move(request)));
  KeepRequest(call.ctx, id, call.req.path, call.req.body);
  call.ctx.hub->Track(id, 0);
  call.Accepted(id, kind);
}

bool IsRunKind(OperationKind k) {
  return k == OperationKind::kRun || k == OperationKind::kDryRun || k == OperationKind::kExport ||
         k == OperationKind::kImport;
}

// Active operations first, then the history, each id once, newest first.
Result<std::vector<std::pair<OperationSnapshot, bool>>> Listed(ServerContext& ctx, uint32_t limit) {
  std::vector<std::pair<OperationSnapshot, bool>> out;
  std::vector<OperationSnapshot> active = ctx.ops->Active();
  for (auto it = active.rbegin(); it != active.rend(); ++it) out.emplace_back(*it, true);
  // The history's newest operations of every kind: enough that `limit` of
  // the kind asked for are among them in all but odd cases.
  FERRY_ASSIGN_OR_RETURN(auto history, ctx.ops->History(std::max<uint32_t>(limit * 4, 1000)));
  for (auto& s : history) {
    bool seen = false;
    for (const auto& [a, _] : out) seen = seen || a.id == s.id;
    if (!seen) out.emplace_back(std::move(s), false);
  }
  return out;
}

Result<uint32_t> LimitOf(const Call& call, uint32_t fallback) {
  const std::string v = call.Query("limit");
  if (v.empty()) return fallback;
  if (v.size() > 6 || v.find_first_not_of("0123456789") != std::string::npos || std::stoul(v) == 0) {
    return Status::InvalidArgument("limit must be a number from 1 to 999999");
  }
  return uint32_t(std::stoul(v));
}

void ListAs(Call& call, bool runs_only, bool active_only) {
  FERRY_HTTP_ASSIGN_OR_ANSWER(uint32_t limit, call, LimitOf(call, 50));
  const std::string state = call.Query("state");
  FERRY_HTTP_ASSIGN_OR_ANSWER(auto listed, call, Listed(call.ctx, limit));
  std::string body = "[";
  size_t n = 0;
  for (const auto& [s, here] : listed) {
    if ((runs_only && !IsRunKind(s.kind)) || (active_only && !here)) continue;
    if (!state.empty() && state != OperationStateName(s.state) &&
        !(state == "resumable" && SnapshotJson(call.ctx, s, here).find("\"resumable\":true") != std::string::npos)) {
      continue;
    }
    if (n++ >= limit) break;
    body += (n > 1 ? "," : "") + SnapshotJson(call.ctx, s, here);
  }
  call.Json(200, body + "]");
}

void ListRuns(Call& call) { ListAs(call, true, false); }
void ListActive(Call& call) { ListAs(call, false, true); }
void ListHistory(Call& call) { ListAs(call, false, false); }

void GetRun(Call& call) {
  FERRY_HTTP_ASSIGN_OR_ANSWER(OperationSnapshot s, call, call.ctx.ops->Get(call.Param(1)));
  call.Json(200, SnapshotJson(call.ctx, s, ActiveHere(call.ctx, s.id)));
}

void GetReport(Call& call) {
  FERRY_HTTP_ASSIGN_OR_ANSWER(OperationSnapshot s, call, call.ctx.ops->Get(call.Param(1)));
  if (s.result_json.empty()) {
    call.Problem(Status::NotFound("operation " + s.id + " has no report yet (it is " + OperationStateName(s.state) +
                                  "); GET /api/v1/runs/" + s.id + " shows its progress"));
    return;
  }
  call.Json(200, s.result_json);
}

void CancelRun(Call& call) {
  const std::string id = call.Param(1);
  call.audit_target = id;
  FERRY_HTTP_ASSIGN_OR_ANSWER(RequestBody body, call, RequestBody::Parse(call.req.body, {"now"}));
  FERRY_HTTP_ASSIGN_OR_ANSWER(std::optional<bool> now, call, body.Bool("now"));
  if (Status s = call.ctx.ops->Cancel(id, now.value_or(false)); !s.ok()) return call.Problem(s);
  FERRY_HTTP_ASSIGN_OR_ANSWER(OperationSnapshot snap, call, call.ctx.ops->Get(id));
  call.Json(202, SnapshotJson(call.ctx, snap, true));
}

void ResumeRun(Call& call) {
  const std::string id = call.Param(1);
  call.audit_target = id;
  FERRY_HTTP_ASSIGN_OR_ANSWER(OperationSnapshot before, call, call.ctx.ops->Get(id));
  FERRY_HTTP_ASSIGN_OR_ANSWER(auto kept, call, KeptRequest(call.ctx, id));
  FERRY_HTTP_ASSIGN_OR_ANSWER(OperationRequest request, call, RequestFor(call.ctx, kept.first, kept.second));
  if (Status s = call.ctx.ops->Resume(id, std::move(request)); !s.ok()) return call.Problem(s);
  call.ctx.hub->Track(id, before.last_seq);
  call.Accepted(id, before.kind);
}

}  // namespace

bool ResumableHere(const ServerContext& ctx, const OperationSnapshot& s, bool active_here) {
  std::error_code ec;
  return !active_here && s.state != OperationState::kCompleted && Resumable(s.kind) &&
         fs::exists(RequestFile(ctx, s.id), ec);
}

void AddOperationRoutes(std::vector<Route>& routes) {
  routes.push_back(MakeRoute("POST", "/api/v1/runs", Role::kOperator, "run.start", StartFromBody));
  // POST /api/v1/validate also takes uploads: routes_transfers.cc.
  for (const char* check : {"analyze", "plan", "verify"}) {
    routes.push_back(MakeRoute("POST", std::string("/api/v1/") + check, Role::kOperator, std::string(check) + ".start",
                               StartFromBody));
  }
  routes.push_back(MakeRoute("GET", "/api/v1/runs", Role::kViewer, "", ListRuns));
  routes.push_back(MakeRoute("GET", "/api/v1/runs/{id}", Role::kViewer, "", GetRun));
  routes.push_back(MakeRoute("GET", "/api/v1/runs/{id}/report", Role::kViewer, "", GetReport));
  routes.push_back(MakeRoute("POST", "/api/v1/runs/{id}/cancel", Role::kOperator, "run.cancel", CancelRun));
  routes.push_back(MakeRoute("POST", "/api/v1/runs/{id}/resume", Role::kOperator, "run.resume", ResumeRun));
  routes.push_back(MakeRoute("GET", "/api/v1/operations/active", Role::kViewer, "", ListActive));
  routes.push_back(MakeRoute("GET", "/api/v1/operations/history", Role::kViewer, "", ListHistory));
}

}  // namespace ferry::server
