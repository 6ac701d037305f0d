// Copyright (c) the Ferry authors.

#include "server/operation_requests.h"

#include "ferry/shaping.h"
#include "server/request_body.h"

namespace ferry::server {

namespace {

// project (required) and source (required): the parts every kind shares.
Status ProjectAndSource(const RequestBody& body, const ServedProjects& projects, OperationRequest* request) {
  FERRY_ASSIGN_OR_RETURN(std::string name, RequiredString(body, "project"));
  FERRY_ASSIGN_OR_RETURN(ServedProject served, projects.Find(name));
  request->project = served.project;
  request->project_dir = served.dir;
  FERRY_ASSIGN_OR_RETURN(request->run.source, RequiredString(body, "source"));
  return Status::OK();
}

Status Shaping(const RequestBody& body, RunOptions* options) {
  if (!body.Has("shaping")) return Status::OK();
  auto spec = ParseShaping(body.Json("shaping"));
  if (!spec.ok()) return Status::InvalidArgument("/shaping: " + spec.status().message());
  options->shaping = std::move(spec).value();
  return Status::OK();
}

// preset first, then batch_size, threads and limit over it.
Status Pipeline(const RequestBody& body, RunOptions* options) {
  FERRY_ASSIGN_OR_RETURN(auto preset, body.String("preset"));
  if (preset) {
    Status s = ApplyPreset(*preset, options);
    if (!s.ok()) return Status::InvalidArgument("/preset: " + s.message());
  }
  FERRY_ASSIGN_OR_RETURN(auto batch, body.Uint("batch_size", 1, 100000));
  if (batch) options->pipeline.batch_size = uint32_t(*batch);
  FERRY_ASSIGN_OR_RETURN(auto threads, body.Uint("threads", 0, 1024));
  if (threads) options->pipeline.threads = uint32_t(*threads);
  FERRY_ASSIGN_OR_RETURN(auto limit, body.Uint("limit", 0, UINT64_MAX >> 1));
  if (limit) options->pipeline.limit = *limit;
  return Status::OK();
}

Status Policies(const RequestBody& body, RunOptions* options) {
  FERRY_ASSIGN_OR_RETURN(auto on_error, body.String("on_error"));
  if (on_error) {
    auto p = ParseErrorPolicy(*on_error);
    if (!p.ok()) return Status::InvalidArgument("/on_error: " + p.status().message());
    options->validation.on_error = p.value();
  }
  FERRY_ASSIGN_OR_RETURN(auto on_conflict, body.String("on_conflict"));
  if (on_conflict) {
    auto p = ParseConflictPolicy(*on_conflict);
    if (!p.ok()) return Status::InvalidArgument("/on_conflict: " + p.status().message());
    if (p.value() == ConflictPolicy::kAsk) {
      return Status::InvalidArgument("/on_conflict: ask needs a terminal; choose skip, overwrite, merge or fail");
    }
    options->conflicts.policy = p.value();
  }
  return Status::OK();
}

Status Outputs(const RequestBody& body, OperationRequest* request) {
  FERRY_ASSIGN_OR_RETURN(auto target, body.String("target"));
  if (target) request->run.target = *target;
  FERRY_ASSIGN_OR_RETURN(auto rejects, body.String("rejects"));
  if (rejects) request->run.outputs.rejects = *rejects;
  FERRY_ASSIGN_OR_RETURN(auto dry_run, body.Bool("dry_run"));
  request->run.dry_run = dry_run.value_or(false);
  request->kind = request->run.dry_run ? OperationKind::kDryRun : OperationKind::kRun;
  return Status::OK();
}

Status KindMembers(OperationKind kind, const RequestBody& body, OperationRequest* request) {
  if (kind == OperationKind::kValidate) {
    FERRY_ASSIGN_OR_RETURN(auto version, body.String("version"));
    request->version = version.value_or("");
  } else if (kind == OperationKind::kPlan) {
    FERRY_ASSIGN_OR_RETURN(auto sample, body.Uint("sample", 1, UINT64_MAX >> 1));
    if (sample) request->plan_sample = *sample;
    FERRY_RETURN_IF_ERROR(Pipeline(body, &request->run));
  } else if (kind == OperationKind::kAnalyze) {
    FERRY_ASSIGN_OR_RETURN(auto target, body.String("target"));  // conflicts counted against it
    request->run.target = target.value_or("");
  } else if (kind == OperationKind::kVerify) {
    FERRY_ASSIGN_OR_RETURN(request->run.target, RequiredString(body, "target"));
    FERRY_ASSIGN_OR_RETURN(auto max_keys, body.Uint("max_keys", 0, 100000));
    if (max_keys) request->verify_max_keys = uint32_t(*max_keys);
  }
  return Status::OK();
}

}  // namespace

Result<OperationRequest> RunRequestFrom(std::string_view text, const ServedProjects& projects) {
  FERRY_ASSIGN_OR_RETURN(RequestBody body,
                         RequestBody::Parse(text, {"project", "source", "target", "rejects", "preset", "dry_run",
                                                   "batch_size", "threads", "limit", "on_error", "on_conflict",
                                                   "shaping"}));
  OperationRequest request;
  FERRY_RETURN_IF_ERROR(ProjectAndSource(body, projects, &request));
  FERRY_RETURN_IF_ERROR(Pipeline(body, &request.run));
  FERRY_RETURN_IF_ERROR(Policies(body, &request.run));
  FERRY_RETURN_IF_ERROR(Outputs(body, &request));
  FERRY_RETURN_IF_ERROR(Shaping(body, &request.run));
  return request;
}

Result<OperationRequest> CheckRequestFrom(OperationKind kind, std::string_view text,
                                          const ServedProjects& projects) {
  FERRY_ASSIGN_OR_RETURN(RequestBody body,
                         RequestBody::Parse(text, {"project", "source", "target", "shaping", "limit", "version",
                                                   "sample", "preset", "batch_size", "threads", "max_keys"}));
  OperationRequest request;
  request.kind = kind;
  FERRY_RETURN_IF_ERROR(ProjectAndSource(body, projects, &request));
  FERRY_RETURN_IF_ERROR(Shaping(body, &request.run));
  if (kind != OperationKind::kPlan) {
    FERRY_ASSIGN_OR_RETURN(auto limit, body.Uint("limit", 0, UINT64_MAX >> 1));
    if (limit) request.run.pipeline.limit = *limit;
  }
  FERRY_RETURN_IF_ERROR(KindMembers(kind, body, &request));
  return request;
}

}  // namespace ferry::server
