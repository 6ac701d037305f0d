// Copyright (c) the Ferry authors.

#include "server/operation_requests.h"

#include <map>
#include <memory>

#include "common/json_builder.h"
#include "ferry/shaping.h"
#include "ferry/templates.h"
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


// POST /runs with `template`: the saved template's flags (ferry/templates.h)
// become the body's members it lacks (members given win). Each flag the
// server applies, by its name in the template (no dashes), and how its text
// is written as the member's JSON.
const std::initializer_list<std::string_view> kRunMembers = {
    "project", "source", "target", "rejects", "preset", "dry_run", "batch_size", "threads", "limit",
    "on_error", "on_conflict", "shaping", "template"};

enum class FlagType { kString, kInteger, kSwitch };
struct TemplateFlag {
  std::string_view flag;
  std::string_view member;
  FlagType type;
};
constexpr TemplateFlag kTemplateFlags[] = {
    {"project", "project", FlagType::kString},         {"p", "project", FlagType::kString},
    {"source", "source", FlagType::kString},           {"s", "source", FlagType::kString},
    {"target", "target", FlagType::kString},           {"t", "target", FlagType::kString},
    {"rejects", "rejects", FlagType::kString},         {"preset", "preset", FlagType::kString},
    {"dry-run", "dry_run", FlagType::kSwitch},         {"batch-size", "batch_size", FlagType::kInteger},
    {"threads", "threads", FlagType::kInteger},        {"on-error", "on_error", FlagType::kString},
    {"on-conflict", "on_conflict", FlagType::kString},
};

const TemplateFlag* TemplateFlagNamed(std::string_view flag) {
  for (const TemplateFlag& f : kTemplateFlags) {
    if (f.flag == flag) return &f;
  }
  return nullptr;
}

// A template's --project is a path as typed: the served project loaded
// from that path stands for it (a served name is kept as it is).
std::string ServedNameOf(const std::string& given, const ServedProjects& projects) {
  if (projects.Find(given).ok()) return given;
  for (const ServedProject& p : projects.All()) {
    if (p.dir == given || p.dir == given + "/") return p.project->name();
  }
  return given;
}

// The member's JSON text for the template flag's value.
Result<std::string> MemberJson(const std::string& where, const TemplateFlag& f, const Value& value,
                               const ServedProjects& projects) {
  if (f.type == FlagType::kSwitch) {
    if (value.IsBool() && value.AsBool()) return std::string("true");
    return Status::InvalidArgument(where + " takes no value");
  }
  if (!value.IsString()) return Status::InvalidArgument(where + " must have one value");
  std::string text(value.AsString());
  if (f.type == FlagType::kInteger) {
    if (text.empty() || text.size() > 9 || text.find_first_not_of("0123456789") != std::string::npos) {
      return Status::InvalidArgument(where + " must be a whole number, not '" + text + "'");
    }
    return text;
  }
  if (f.member == "project") text = ServedNameOf(text, projects);
  internal::JsonBuilder j;
  j.Str(text);
  return j.Take();
}

// The template's flags as {member: JSON text}; INVALID_ARGUMENT naming a
// flag the server cannot apply.
Result<std::map<std::string, std::string>> TemplateMembers(const Template& t, const ServedProjects& projects) {
  std::map<std::string, std::string> out;
  if (t.options.empty()) return out;
  Arena arena(4096);
  JsonParser parser;
  FERRY_ASSIGN_OR_RETURN(Value options, parser.Parse(t.options, arena));
  for (const Member* m = options.members(); m != options.members_end(); ++m) {
    const std::string flag(m->key.AsString());
    const std::string where = "/template: template '" + t.name + "' flag --" + flag;
    const TemplateFlag* f = TemplateFlagNamed(flag);
    if (f == nullptr) {
      return Status::InvalidArgument(where + " has no form in POST /api/v1/runs; give the run's members in the "
                                     "body instead (or save a template without it)");
    }
    FERRY_ASSIGN_OR_RETURN(out[std::string(f->member)], MemberJson(where, *f, m->value, projects));
  }
  return out;
}

// The run template named in `body`, from the state the server keeps.
Result<Template> RunTemplate(const std::string& name, const std::string& state) {
  Status valid = ValidateTemplateName(name);
  if (!valid.ok()) return Status::InvalidArgument("/template: " + valid.message());
  FERRY_ASSIGN_OR_RETURN(std::unique_ptr<State> st, State::Open(state, "", /*create=*/false));
  FERRY_ASSIGN_OR_RETURN(Template t, GetTemplate(*st, name));
  if (t.command != "run") {
    return Status::InvalidArgument("/template: template '" + name + "' is for 'ferry " + t.command +
                                   "', not 'ferry run'");
  }
  return t;
}

// The body with the template's members it lacks, without `template`.
Result<std::string> WithTemplate(const RequestBody& body, const ServedProjects& projects, const std::string& state) {
  FERRY_ASSIGN_OR_RETURN(std::string name, RequiredString(body, "template"));
  FERRY_ASSIGN_OR_RETURN(Template t, RunTemplate(name, state));
  FERRY_ASSIGN_OR_RETURN(auto members, TemplateMembers(t, projects));
  internal::JsonBuilder j;
  j.Begin();
  for (std::string_view member : kRunMembers) {
    if (member != "template" && body.Has(member)) j.Key(member).Json(body.Json(member));
  }
  for (const auto& [member, json] : members) {
    if (!body.Has(member)) j.Key(member).Json(json);
  }
  return j.End().Take();
}

// "-" is stdin or stdout on the command line: over HTTP those would be the
// server's own.
Status NoStandardStreams(const RunOptions& o) {
  for (const auto& [member, value] : {std::pair<const char*, const std::string*>{"source", &o.source},
                                      {"target", &o.target}, {"rejects", &o.outputs.rejects}}) {
    if (*value == "-") {
      return Status::InvalidArgument(std::string("/") + member + ": \"-\" (stdin or stdout) would be the server's; "
                                     "give a path or a store URI (uploads: POST /api/v1/imports; downloads: "
                                     "POST /api/v1/exports)");
    }
  }
  return Status::OK();
}

}  // namespace

Result<OperationRequest> RunRequestFrom(std::string_view text, const ServedProjects& projects,
                                        const std::string& state) {
  FERRY_ASSIGN_OR_RETURN(RequestBody body, RequestBody::Parse(text, kRunMembers));
  if (body.Has("template")) {
    FERRY_ASSIGN_OR_RETURN(std::string merged, WithTemplate(body, projects, state));
    FERRY_ASSIGN_OR_RETURN(body, RequestBody::Parse(merged, kRunMembers));
  }
  OperationRequest request;
  FERRY_RETURN_IF_ERROR(ProjectAndSource(body, projects, &request));
  FERRY_RETURN_IF_ERROR(Pipeline(body, &request.run));
  FERRY_RETURN_IF_ERROR(Policies(body, &request.run));
  FERRY_RETURN_IF_ERROR(Outputs(body, &request));
  FERRY_RETURN_IF_ERROR(Shaping(body, &request.run));
  FERRY_RETURN_IF_ERROR(NoStandardStreams(request.run));
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
  FERRY_RETURN_IF_ERROR(NoStandardStreams(request.run));
  return request;
}

}  // namespace ferry::server
