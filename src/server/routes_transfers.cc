// Copyright (c) the Ferry authors.
//
// Files in and out over HTTP. POST /api/v1/imports: a multipart upload
// (server/upload.h: streamed to WORK/uploads/RANDOM/NAME, never whole in
// memory) imported into a store, as `ferry import` does. POST
// /api/v1/exports: an export into WORK/exports/RANDOM/PROJECT.FORMAT[.gz|.zst
// |.br][.enc], as `ferry export` does; GET /api/v1/exports/{id}/file streams
// that file, and only that one: the file an export operation of this server
// wrote (kept in WORK/exports/ID.file), never a path a client names. The
// legacy aliases POST /api/data-migration/import|export|validate map their
// form onto these (docs/openapi.json, LegacyUploadForm).

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <vector>

#include "common/json_builder.h"
#include "ferry/shaping.h"
#include "server/export_files.h"
#include "server/http_problem.h"
#include "server/operation_requests.h"
#include "server/request_body.h"
#include "server/server_context.h"
#include "server/transfer_requests.h"
#include "server/transfer_templates.h"
#include "server/upload.h"

namespace ferry::server {

namespace {

namespace fs = std::filesystem;

fs::path UploadsDir(const ServerContext& ctx) { return fs::absolute(fs::path(ctx.work_dir) / "uploads"); }
fs::path ExportsDir(const ServerContext& ctx) { return fs::absolute(fs::path(ctx.work_dir) / "exports"); }

bool OneOf(const std::string& value, std::initializer_list<std::string_view> allowed) {
  for (std::string_view a : allowed) {
    if (value == a) return true;
  }
  return false;
}

Result<std::optional<std::string>> Format(const RequestBody& body) {
  FERRY_ASSIGN_OR_RETURN(auto format, body.String("format"));
  if (format && !OneOf(*format, {"jsonl", "json", "csv", "xml", "yaml", "md"})) {
    return Status::InvalidArgument("/format must be jsonl, json, csv, xml, yaml or md, not '" + *format + "'");
  }
  return format;
}

void RemoveUpload(const Upload& upload) {
  std::error_code ec;
  fs::remove_all(fs::path(upload.path).parent_path(), ec);
}

// WORK/uploads/DIR.op names the operation that reads the upload in DIR.
void MarkUpload(const Upload& upload, const std::string& id) {
  std::ofstream(fs::path(upload.path).parent_path().string() + ".op") << id;
}

// Removes the uploads no operation reads again: those of operations that
// completed, and of finished validates (which do not resume). Kept: those
// of operations that may resume, and unknown ones.
void SweepFinishedUploads(ServerContext& ctx) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(UploadsDir(ctx), ec)) {
    if (entry.path().extension() != ".op") continue;
    std::string id;
    std::ifstream(entry.path()) >> id;
    auto s = ctx.ops->Get(id);
    if (!s.ok() || !IsFinished(s.value().state)) continue;
    if (s.value().state != OperationState::kCompleted && s.value().kind != OperationKind::kValidate) continue;
    fs::remove_all(fs::path(entry.path()).replace_extension(), ec);
    fs::remove(entry.path(), ec);
  }
}

// Receives the upload of the call; answers refusals and errors itself
// (nullopt then). Sweeps the uploads of finished operations first.
std::optional<Upload> Received(Call& call) {
  SweepFinishedUploads(call.ctx);
  if (auto refusal = RefuseBeforeReading(call.req, call.ctx.options.max_body_bytes)) {
    call.res.status = refusal->http_status;
    call.res.set_header("Connection", "close");
    call.res.set_content(ProblemJson(refusal->http_status, refusal->code, refusal->detail,
                                     {call.req.path, call.request_id}),
                         kProblemType);
    return std::nullopt;
  }
  auto upload = ReceiveUpload(call.req, *call.body_reader, UploadsDir(call.ctx).string());
  if (!upload.ok()) {
    call.res.set_header("Connection", "close");
    call.Problem(upload.status());
    return std::nullopt;
  }
  return std::move(upload).value();
}

// The members of an upload's `request` that a run's body has too.
constexpr std::string_view kRunMembers[] = {"project",    "target",   "preset",      "dry_run", "batch_size",
                                            "threads",    "on_error", "on_conflict", "shaping"};

// The `request` part of POST /imports (UploadOptions) for the file at
// `path`: `ferry import` with the same flags, the preset recommended and
// on_conflict skip unless given.
Result<OperationRequest> ImportRequestFrom(const ServerContext& ctx, std::string_view text, const std::string& path) {
  FERRY_ASSIGN_OR_RETURN(RequestBody body,
                         RequestBody::Parse(text, {"project", "target", "format", "as_is", "dry_run", "version",
                                                   "preset", "batch_size", "threads", "on_error", "on_conflict",
                                                   "shaping", "template"}));
  if (body.Has("version")) return Status::InvalidArgument("/version is read by a validate only: an import migrates "
                                                          "to the project's target");
  if (body.Has("template")) return Status::Internal("/template: the template was not applied");
  FERRY_ASSIGN_OR_RETURN(auto format, Format(body));
  FERRY_ASSIGN_OR_RETURN(auto as_is, body.Bool("as_is"));
  internal::JsonBuilder run;
  run.Begin();
  for (std::string_view name : kRunMembers) {
    if (body.Has(name)) run.Key(name).Json(body.Json(name));
  }
  if (!body.Has("preset")) run.Key("preset").Str("recommended");
  if (!body.Has("on_conflict")) run.Key("on_conflict").Str("skip");
  run.Key("source").Str(format ? *format + ":" + path : path);
  FERRY_ASSIGN_OR_RETURN(OperationRequest request, RunRequestFrom(run.End().Take(), ctx.projects, ctx.options.state));
  if (!request.run.dry_run && request.run.target.empty()) {
    return Status::InvalidArgument("/target is required unless dry_run: the store the records go to");
  }
  if (!request.run.dry_run) request.kind = OperationKind::kImport;
  request.run.as_is = as_is.value_or(false);
  request.run.state = ctx.options.state;
  return request;
}

// Keeps what a later server needs to resume operation `id` where
// routes_operations.cc keeps the bodies of the operations it starts
// (WORK/requests/ID.json: the route, a newline, the body), the body being
// {"request": the client's JSON text, "path": the upload or export file}.
// KeptTransferRequest reads it back.
void KeepTransfer(const ServerContext& ctx, const std::string& id, const std::string& route,
                  const std::string& request, const std::string& path) {
  internal::JsonBuilder kept;
  kept.Begin().Key("request").Str(request).Key("path").Str(path).End();
  const fs::path file = fs::path(ctx.work_dir) / "requests" / (id + ".json");
  std::error_code ec;
  fs::create_directories(file.parent_path(), ec);
  {
    std::ofstream out(file.string() + ".tmp", std::ios::binary | std::ios::trunc);
    out << route << "\n" << kept.Take();
  }
  fs::rename(file.string() + ".tmp", file, ec);
}

// Starts what an upload asks for; the upload is removed when it cannot
// start. `kept` ("" = none): the UploadOptions to keep for a resume.
void StartUploaded(Call& call, Result<OperationRequest> request, const Upload& upload,
                   const std::string& kept = "") {
  if (!request.ok()) {
    RemoveUpload(upload);
    return call.Problem(request.status());
  }
  const OperationKind kind = request.value().kind;
  auto id = call.ctx.ops->Start(std::move(request).value());
  if (!id.ok()) {
    RemoveUpload(upload);
    return call.Problem(id.status());
  }
  MarkUpload(upload, id.value());
  if (!kept.empty()) KeepTransfer(call.ctx, id.value(), "/api/v1/imports", kept, upload.path);
  call.ctx.hub->Track(id.value(), 0);
  call.Accepted(id.value(), kind);
}

void StartImport(Call& call) {
  std::optional<Upload> upload = Received(call);
  if (!upload) return;
  auto part = upload->fields.find("request");
  if (part == upload->fields.end()) {
    RemoveUpload(*upload);
    return call.Problem(Status::InvalidArgument("the part 'request' is missing: the JSON of what to do with the file "
                                                "({\"project\": ..., \"target\": ...})"));
  }
  Result<std::string> request = ApplyTransferTemplate(call.ctx.options.state, part->second, "import");
  if (!request.ok()) return StartUploaded(call, request.status(), *upload);
  StartUploaded(call, ImportRequestFrom(call.ctx, request.value(), upload->path), *upload, request.value());
}

// --- the legacy form: file, dataType, options ---------------------------

Result<std::string> LegacyErrorPolicy(const std::string& handling) {
  if (handling == "strict") return std::string("stop");
  if (handling == "lenient") return std::string("collect");
  if (handling == "skip-errors") return std::string("skip");
  return Status::InvalidArgument("/errorHandling must be strict, lenient or skip-errors, not '" + handling + "'");
}

// The legacy `options` as the members of an UploadOptions.
Status LegacyOptions(const RequestBody& o, internal::JsonBuilder& j) {
  FERRY_ASSIGN_OR_RETURN(auto format, Format(o));
  if (format) j.Key("format").Str(*format);
  FERRY_ASSIGN_OR_RETURN(auto validate_schema, o.Bool("validateSchema"));
  if (validate_schema == false) j.Key("preset").Str("fast");
  FERRY_ASSIGN_OR_RETURN(auto skip_duplicates, o.Bool("skipDuplicates"));
  if (skip_duplicates) j.Key("on_conflict").Str(*skip_duplicates ? "skip" : "overwrite");
  FERRY_ASSIGN_OR_RETURN(auto batch, o.Uint("batchSize", 1, 100000));
  if (batch) j.Key("batch_size").Num(*batch);
  FERRY_ASSIGN_OR_RETURN(auto dry_run, o.Bool("dryRun"));
  if (dry_run) j.Key("dry_run").Bool(*dry_run);
  FERRY_ASSIGN_OR_RETURN(auto handling, o.String("errorHandling"));
  if (handling) {
    FERRY_ASSIGN_OR_RETURN(std::string policy, LegacyErrorPolicy(*handling));
    j.Key("on_error").Str(policy);
  }
  FERRY_ASSIGN_OR_RETURN(auto target, o.String("target"));
  if (target) j.Key("target").Str(*target);
  return Status::OK();
}

// The legacy form as an UploadOptions JSON text; `validate` keeps only the
// project and format (what a validate reads).
Result<std::string> LegacyRequest(const std::map<std::string, std::string>& fields, bool validate) {
  auto data_type = fields.find("dataType");
  if (data_type == fields.end() || data_type->second.empty()) {
    return Status::InvalidArgument("the part 'dataType' is missing: the project's name (GET /api/v1/projects)");
  }
  auto options = fields.find("options");
  FERRY_ASSIGN_OR_RETURN(RequestBody o, RequestBody::Parse(options == fields.end() ? "" : options->second,
                                                           {"format", "validateSchema", "skipDuplicates", "batchSize",
                                                            "dryRun", "errorHandling", "target"}));
  internal::JsonBuilder j;
  j.Begin().Key("project").Str(data_type->second);
  if (validate) {
    FERRY_ASSIGN_OR_RETURN(auto format, Format(o));
    if (format) j.Key("format").Str(*format);
  } else {
    FERRY_RETURN_IF_ERROR(LegacyOptions(o, j));
  }
  return j.End().Take();
}


Result<OperationRequest> LegacyValidateRequest(const ServerContext& ctx, const Upload& upload) {
  FERRY_ASSIGN_OR_RETURN(std::string text, LegacyRequest(upload.fields, true));
  FERRY_ASSIGN_OR_RETURN(RequestBody given, RequestBody::Parse(text, {"project", "format"}));
  FERRY_ASSIGN_OR_RETURN(auto format, given.String("format"));
  internal::JsonBuilder check;
  check.Begin().Key("project").Json(given.Json("project"));
  check.Key("source").Str(format ? *format + ":" + upload.path : upload.path);
  FERRY_ASSIGN_OR_RETURN(OperationRequest request,
                         CheckRequestFrom(OperationKind::kValidate, check.End().Take(), ctx.projects));
  request.run.state = ctx.options.state;
  return request;
}

void LegacyImport(Call& call) {
  std::optional<Upload> upload = Received(call);
  if (!upload) return;
  Result<std::string> request = LegacyRequest(upload->fields, false);
  if (!request.ok()) return StartUploaded(call, request.status(), *upload);
  StartUploaded(call, ImportRequestFrom(call.ctx, request.value(), upload->path), *upload, request.value());
}

// A JSON body of a streamed route, read whole (at most 1 MiB).
Result<std::string> SmallJsonBody(Call& call) {
  std::string body;
  const bool read = (*call.body_reader)([&body](const char* data, size_t n) {
    body.append(data, n);
    return body.size() <= (size_t(1) << 20);
  });
  if (!read) return Status::InvalidArgument("the JSON body is over 1 MiB or ended early");
  return body;
}

// The validate of a source the server reads (application/json, as POST
// /api/v1/validate), or of an uploaded file (multipart/form-data).
void LegacyValidate(Call& call) {
  if (call.req.get_header_value("Content-Type").rfind("application/json", 0) == 0) {
    FERRY_HTTP_ASSIGN_OR_ANSWER(std::string body, call, SmallJsonBody(call));
    FERRY_HTTP_ASSIGN_OR_ANSWER(OperationRequest request, call,
                                CheckRequestFrom(OperationKind::kValidate, body, call.ctx.projects));
    request.run.state = call.ctx.options.state;
    FERRY_HTTP_ASSIGN_OR_ANSWER(std::string id, call, call.ctx.ops->Start(std::move(request)));
    call.ctx.hub->Track(id, 0);
    return call.Accepted(id, OperationKind::kValidate);
  }
  std::optional<Upload> upload = Received(call);
  if (upload) StartUploaded(call, LegacyValidateRequest(call.ctx, *upload), *upload);
}

// POST /api/v1/validate as multipart: the `request` part (project,
// version, format, shaping) says how to validate the uploaded file.
Result<OperationRequest> UploadedValidateRequest(const ServerContext& ctx, const Upload& upload) {
  auto part = upload.fields.find("request");
  if (part == upload.fields.end()) {
    return Status::InvalidArgument("the part 'request' is missing: the JSON of how to validate the file "
                                   "({\"project\": ..., \"version\": ...})");
  }
  FERRY_ASSIGN_OR_RETURN(RequestBody given, RequestBody::Parse(part->second, {"project", "version", "format",
                                                                              "shaping"}));
  FERRY_ASSIGN_OR_RETURN(auto format, Format(given));
  internal::JsonBuilder check;
  check.Begin().Key("project").Json(given.Json("project"));
  check.Key("source").Str(format ? *format + ":" + upload.path : upload.path);
  if (given.Has("version")) check.Key("version").Json(given.Json("version"));
  if (given.Has("shaping")) check.Key("shaping").Json(given.Json("shaping"));
  FERRY_ASSIGN_OR_RETURN(OperationRequest request,
                         CheckRequestFrom(OperationKind::kValidate, check.End().Take(), ctx.projects));
  request.run.state = ctx.options.state;
  return request;
}

// POST /api/v1/validate: a source the server reads (application/json), or
// an uploaded file (multipart/form-data with `file` and `request`).
void StartValidate(Call& call) {
  if (call.req.get_header_value("Content-Type").rfind("multipart/form-data", 0) != 0) return LegacyValidate(call);
  std::optional<Upload> upload = Received(call);
  if (upload) StartUploaded(call, UploadedValidateRequest(call.ctx, *upload), *upload);
}

// --- exports ---------------------------------------------------------------

// gzip -> ".gz", ...; INVALID_ARGUMENT for an unknown one.
Result<std::string> CompressionSuffix(const std::string& compression) {
  if (compression == "none") return std::string();
  if (compression == "gzip") return std::string(".gz");
  if (compression == "zstd") return std::string(".zst");
  if (compression == "brotli") return std::string(".br");
  return Status::InvalidArgument("/compression must be gzip, zstd, brotli or none, not '" + compression + "'");
}

// encryption {"passphrase"}: the passphrase ("" without encryption).
Result<std::string> Passphrase(const RequestBody& body) {
  const Value* e = body.Find("encryption");
  if (e == nullptr || e->IsNull()) return std::string();
  const Value* p = e->IsObject() ? e->Find("passphrase") : nullptr;
  if (p == nullptr || !p->IsString() || p->AsString().empty() || e->size() != 1) {
    return Status::InvalidArgument("/encryption must be {\"passphrase\": \"...\"} with a passphrase that is not empty");
  }
  return std::string(p->AsString());
}

// The project, migrated to `version` when one is given (`ferry export
// --version`).
Status ExportProject(const ServerContext& ctx, const RequestBody& body, OperationRequest* request) {
  FERRY_ASSIGN_OR_RETURN(std::string name, RequiredString(body, "project"));
  FERRY_ASSIGN_OR_RETURN(ServedProject served, ctx.projects.Find(name));
  request->project = served.project;
  request->project_dir = served.dir;
  FERRY_ASSIGN_OR_RETURN(auto version, body.String("version"));
  FERRY_ASSIGN_OR_RETURN(auto as_is, body.Bool("as_is"));
  request->run.as_is = as_is.value_or(!version);
  if (!version) return Status::OK();
  ProjectLoadOptions load;
  load.target = *version;
  FERRY_ASSIGN_OR_RETURN(std::unique_ptr<Project> at_version, Project::Load(served.dir, load));
  request->project = std::shared_ptr<const Project>(std::move(at_version));
  return Status::OK();
}

// The file's options and name: PROJECT.FORMAT[.gz|.zst|.br][.enc].
Result<std::string> ExportFileOptions(const RequestBody& body, RunOptions* o) {
  FERRY_ASSIGN_OR_RETURN(auto format, Format(body));
  FERRY_ASSIGN_OR_RETURN(auto compression, body.String("compression"));
  FERRY_ASSIGN_OR_RETURN(std::string suffix, CompressionSuffix(compression.value_or("none")));
  o->files.compression = compression.value_or("");
  FERRY_ASSIGN_OR_RETURN(o->files.passphrase, Passphrase(body));
  FERRY_ASSIGN_OR_RETURN(std::string project, RequiredString(body, "project"));
  return SanitisedFileName(project) + "." + format.value_or("jsonl") + suffix +
         (o->files.passphrase.empty() ? "" : ".enc");
}

// POST /exports (ExportRequest) as `ferry export` with the same flags, its
// target `*path`, or when that is empty a new file under EXPORTS (returned
// in `path`).
Result<OperationRequest> ExportRequestFrom(const ServerContext& ctx, std::string_view text, std::string* path) {
  FERRY_ASSIGN_OR_RETURN(RequestBody body, RequestBody::Parse(text, {"project", "source", "format", "compression",
                                                                     "encryption", "version", "as_is", "shaping",
                                                                     "template"}));
  if (body.Has("template")) return Status::Internal("/template: the template was not applied");
  OperationRequest request;
  request.kind = OperationKind::kExport;
  FERRY_RETURN_IF_ERROR(ApplyPreset("recommended", &request.run));
  FERRY_RETURN_IF_ERROR(ExportProject(ctx, body, &request));
  FERRY_ASSIGN_OR_RETURN(request.run.source, RequiredString(body, "source"));
  FERRY_ASSIGN_OR_RETURN(std::string name, ExportFileOptions(body, &request.run));
  if (body.Has("shaping")) {
    auto spec = ParseShaping(body.Json("shaping"));
    if (!spec.ok()) return Status::InvalidArgument("/shaping: " + spec.status().message());
    request.run.shaping = std::move(spec).value();
  }
  FERRY_ASSIGN_OR_RETURN(request.run.conflicts.policy, ParseConflictPolicy("skip"));
  request.run.state = ctx.options.state;
  if (path->empty()) {
    FERRY_ASSIGN_OR_RETURN(*path, NewExportPath(ExportsDir(ctx).string(), name));
  }
  request.run.target = *path;
  return request;
}

void StartExport(Call& call) {
  FERRY_HTTP_ASSIGN_OR_ANSWER(std::string body, call,
                              ApplyTransferTemplate(call.ctx.options.state, call.req.body, "export"));
  std::string path;
  auto request = ExportRequestFrom(call.ctx, body, &path);
  if (!request.ok()) return call.Problem(request.status());
  auto id = call.ctx.ops->Start(std::move(request).value());
  if (!id.ok()) {
    std::error_code ec;
    fs::remove_all(fs::path(path).parent_path(), ec);
    return call.Problem(id.status());
  }
  if (Status s = RecordExportFile(ExportsDir(call.ctx).string(), id.value(), path); !s.ok()) return call.Problem(s);
  // A passphrase is never written down: an encrypted export resumes only in this process.
  if (body.find("\"encryption\"") == std::string::npos) {
    KeepTransfer(call.ctx, id.value(), "/api/v1/exports", body, path);
  }
  call.ctx.hub->Track(id.value(), 0);
  call.Accepted(id.value(), OperationKind::kExport);
}

// A completed export of this server, else NOT_FOUND.
Status CompletedExport(ServerContext& ctx, const std::string& id) {
  FERRY_ASSIGN_OR_RETURN(OperationSnapshot s, ctx.ops->Get(id));
  if (s.kind != OperationKind::kExport) {
    return Status::NotFound("operation " + id + " is a " + OperationKindName(s.kind) + ", not an export");
  }
  if (s.state != OperationState::kCompleted) {
    return Status::NotFound("export " + id + " has not completed (it is " + OperationStateName(s.state) +
                            "); GET /api/v1/runs/" + id + " shows it");
  }
  return Status::OK();
}

void DownloadExport(Call& call) {
  const std::string id = call.Param(1);
  if (Status s = CompletedExport(call.ctx, id); !s.ok()) return call.Problem(s);
  FERRY_HTTP_ASSIGN_OR_ANSWER(ExportFile file, call, OpenExportFile(ExportsDir(call.ctx).string(), id));
  call.res.status = 200;
  call.res.set_header("Content-Disposition", "attachment; filename=\"" + file.name + "\"");
  auto buffer = std::make_shared<std::vector<char>>(size_t(1) << 16);
  call.res.set_content_provider(
      size_t(file.size), "application/octet-stream",
      [file, buffer](size_t offset, size_t length, httplib::DataSink& sink) {
        const ssize_t n = ::pread(*file.fd, buffer->data(), std::min(length, buffer->size()), off_t(offset));
        return n > 0 && sink.write(buffer->data(), size_t(n));
      });
}

}  // namespace

Result<OperationRequest> KeptTransferRequest(const ServerContext& ctx, const std::string& route,
                                             std::string_view kept) {
  FERRY_ASSIGN_OR_RETURN(RequestBody body, RequestBody::Parse(kept, {"request", "path"}));
  FERRY_ASSIGN_OR_RETURN(std::string request, RequiredString(body, "request"));
  FERRY_ASSIGN_OR_RETURN(std::string path, RequiredString(body, "path"));
  if (route == "/api/v1/imports") return ImportRequestFrom(ctx, request, path);
  if (route == "/api/v1/exports") return ExportRequestFrom(ctx, request, &path);
  return Status::Internal("no kept transfer for " + route);
}

void AddTransferRoutes(std::vector<Route>& routes) {
  const auto streamed = [](Route r) {
    r.streams_body = true;
    return r;
  };
  routes.push_back(streamed(MakeRoute("POST", "/api/v1/imports", Role::kOperator, "import.start", StartImport)));
  routes.push_back(streamed(MakeRoute("POST", "/api/v1/validate", Role::kOperator, "validate.start", StartValidate)));
  routes.push_back(MakeRoute("POST", "/api/v1/exports", Role::kOperator, "export.start", StartExport));
  routes.push_back(MakeRoute("GET", "/api/v1/exports/{id}/file", Role::kViewer, "", DownloadExport));
  routes.push_back(
      streamed(MakeRoute("POST", "/api/data-migration/import", Role::kOperator, "import.start", LegacyImport)));
  routes.push_back(MakeRoute("POST", "/api/data-migration/export", Role::kOperator, "export.start", StartExport));
  routes.push_back(
      streamed(MakeRoute("POST", "/api/data-migration/validate", Role::kOperator, "validate.start", LegacyValidate)));
}

}  // namespace ferry::server
