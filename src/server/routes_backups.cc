// Copyright (c) the Ferry authors.
//
// Backups over HTTP (ferry/backup.h, docs/backup.md): GET /api/v1/backups
// and DELETE /api/v1/backups/{id} answer at once; create, verify, restore,
// prune and POST /api/v1/cleanup start operations (202). Backups live
// beside the server's state; encrypted ones need a key the server is not
// given, so their records are neither decoded nor restored here.

#include "common/json_builder.h"
#include "ferry/backup.h"
#include "server/request_body.h"
#include "server/server_context.h"

namespace ferry::server {

namespace {

BackupOptions BackupOptionsOf(const ServerContext& ctx) {
  BackupOptions o;
  o.state = ctx.options.state;
  return o;
}

// The request of `kind` on the server's backups, with the served project
// named by the body's `project` when given.
Result<OperationRequest> BackupRequest(const ServerContext& ctx, OperationKind kind, const RequestBody& body,
                                       bool project_required) {
  OperationRequest request;
  request.kind = kind;
  request.backup = BackupOptionsOf(ctx);
  FERRY_ASSIGN_OR_RETURN(auto name, body.String("project"));
  if (!name && project_required) return Status::InvalidArgument("/project is required");
  if (name) {
    FERRY_ASSIGN_OR_RETURN(ServedProject served, ctx.projects.Find(*name));
    request.project = served.project;
    request.project_dir = served.dir;
  }
  return request;
}

void Start(Call& call, Result<OperationRequest> built) {
  if (!built.ok()) return call.Problem(built.status());
  const OperationKind kind = built->kind;
  FERRY_HTTP_ASSIGN_OR_ANSWER(std::string id, call, call.ctx.ops->Start(std::move(built).value()));
  call.ctx.hub->Track(id, 0);
  call.Accepted(id, kind);
}

void List(Call& call) {
  const std::string journals = call.Query("journals");
  if (!journals.empty() && journals != "true" && journals != "false") {
    return call.Problem(Status::InvalidArgument("journals must be true or false"));
  }
  FERRY_HTTP_ASSIGN_OR_ANSWER(auto backups, call, ListBackups(BackupOptionsOf(call.ctx), journals == "true"));
  std::string body = "[";
  for (const BackupInfo& b : backups) body += (body.size() > 1 ? "," : "") + b.ToJson();
  call.Json(200, body + "]");
}

Result<OperationRequest> CreateRequest(const ServerContext& ctx, std::string_view text) {
  FERRY_ASSIGN_OR_RETURN(RequestBody body, RequestBody::Parse(text, {"project", "source", "incremental", "pinned",
                                                                     "description"}));
  FERRY_ASSIGN_OR_RETURN(OperationRequest request, BackupRequest(ctx, OperationKind::kBackupCreate, body, true));
  FERRY_ASSIGN_OR_RETURN(request.backup_source, RequiredString(body, "source"));
  FERRY_ASSIGN_OR_RETURN(auto incremental, body.Bool("incremental"));
  request.backup_incremental = incremental.value_or(false);
  FERRY_ASSIGN_OR_RETURN(auto pinned, body.Bool("pinned"));
  request.backup_pinned = pinned.value_or(false);
  FERRY_ASSIGN_OR_RETURN(auto description, body.String("description"));
  request.backup_description = description.value_or("");
  return request;
}

void Create(Call& call) { Start(call, CreateRequest(call.ctx, call.req.body)); }

Result<OperationRequest> VerifyRequest(const ServerContext& ctx, const std::string& id, std::string_view text) {
  FERRY_ASSIGN_OR_RETURN(RequestBody body, RequestBody::Parse(text, {"decode"}));
  FERRY_ASSIGN_OR_RETURN(OperationRequest request, BackupRequest(ctx, OperationKind::kBackupVerify, body, false));
  request.backup_id = id;
  FERRY_ASSIGN_OR_RETURN(auto decode, body.Bool("decode"));
  request.backup_decode = decode.value_or(false);
  return request;
}

void Verify(Call& call) {
  call.audit_target = call.Param(1);
  Start(call, VerifyRequest(call.ctx, call.Param(1), call.req.body));
}

// The store backup `id` was made of: where a restore without a target
// writes. NOT_FOUND when there is no such backup.
Result<std::string> StoreOf(const ServerContext& ctx, const std::string& id) {
  FERRY_ASSIGN_OR_RETURN(auto backups, ListBackups(BackupOptionsOf(ctx), /*include_journals=*/true));
  for (const BackupInfo& b : backups) {
    if (b.id == id) return b.store;
  }
  return Status::NotFound("no backup " + id + " beside the server's state; GET /api/v1/backups lists them");
}

Result<OperationRequest> RestoreRequest(const ServerContext& ctx, const std::string& id, std::string_view text) {
  FERRY_ASSIGN_OR_RETURN(RequestBody body, RequestBody::Parse(text, {"target", "project"}));
  FERRY_ASSIGN_OR_RETURN(OperationRequest request, BackupRequest(ctx, OperationKind::kBackupRestore, body, false));
  request.backup_id = id;
  FERRY_ASSIGN_OR_RETURN(auto target, body.String("target"));
  if (target) {
    request.backup_target = *target;
  } else {
    FERRY_ASSIGN_OR_RETURN(request.backup_target, StoreOf(ctx, id));
  }
  return request;
}

void Restore(Call& call) {
  call.audit_target = call.Param(1);
  Start(call, RestoreRequest(call.ctx, call.Param(1), call.req.body));
}

// keep and max_age_days default as `ferry backup prune` (5, 7).
Result<OperationRequest> PruneRequest(const ServerContext& ctx, std::string_view text) {
  FERRY_ASSIGN_OR_RETURN(RequestBody body, RequestBody::Parse(text, {"keep", "max_age_days", "dry_run"}));
  FERRY_ASSIGN_OR_RETURN(OperationRequest request, BackupRequest(ctx, OperationKind::kBackupPrune, body, false));
  FERRY_ASSIGN_OR_RETURN(auto keep, body.Uint("keep", 0, 1000000));
  request.prune_keep = uint32_t(keep.value_or(5));
  request.prune_max_age_days = 7;
  if (const Value* age = body.Find("max_age_days"); age != nullptr && !age->IsNull()) {
    int64_t days = 0;
    if (!age->IsNumber() || !age->GetInt64(&days) || days < -1) {
      return Status::InvalidArgument("/max_age_days must be a whole number of days from -1 (-1: no age limit)");
    }
    request.prune_max_age_days = days;
  }
  FERRY_ASSIGN_OR_RETURN(auto dry_run, body.Bool("dry_run"));
  request.prune_dry_run = dry_run.value_or(false);
  return request;
}

void Prune(Call& call) { Start(call, PruneRequest(call.ctx, call.req.body)); }

void Delete(Call& call) {
  const std::string id = call.Param(1);
  call.audit_target = id;
  FERRY_HTTP_ASSIGN_OR_ANSWER(std::string note, call, DeleteBackup(BackupOptionsOf(call.ctx), id));
  internal::JsonBuilder j;
  call.Json(200, j.Begin().Key("deleted").Str(id).Key("note").Str(note).End().Take());
}

Result<OperationRequest> CleanupRequest(const ServerContext& ctx, std::string_view text) {
  FERRY_ASSIGN_OR_RETURN(RequestBody body, RequestBody::Parse(text, {"project", "source", "target", "dry_run"}));
  FERRY_ASSIGN_OR_RETURN(OperationRequest request, BackupRequest(ctx, OperationKind::kCleanup, body, true));
  FERRY_ASSIGN_OR_RETURN(request.backup_source, RequiredString(body, "source"));
  FERRY_ASSIGN_OR_RETURN(request.run.target, RequiredString(body, "target"));
  request.run.state = ctx.options.state;
  FERRY_ASSIGN_OR_RETURN(auto dry_run, body.Bool("dry_run"));
  request.prune_dry_run = dry_run.value_or(false);
  return request;
}

void Cleanup(Call& call) { Start(call, CleanupRequest(call.ctx, call.req.body)); }

}  // namespace

void AddBackupRoutes(std::vector<Route>& routes) {
  routes.push_back(MakeRoute("GET", "/api/v1/backups", Role::kViewer, "", List));
  routes.push_back(MakeRoute("POST", "/api/v1/backups", Role::kOperator, "backup.create", Create));
  routes.push_back(MakeRoute("POST", "/api/v1/backups/prune", Role::kAdmin, "backup.prune", Prune));
  routes.push_back(MakeRoute("DELETE", "/api/v1/backups/{id}", Role::kAdmin, "backup.delete", Delete));
  routes.push_back(MakeRoute("POST", "/api/v1/backups/{id}/verify", Role::kOperator, "backup.verify", Verify));
  routes.push_back(MakeRoute("POST", "/api/v1/backups/{id}/restore", Role::kAdmin, "backup.restore", Restore));
  routes.push_back(MakeRoute("POST", "/api/v1/cleanup", Role::kAdmin, "cleanup.start", Cleanup));
}

}  // namespace ferry::server
