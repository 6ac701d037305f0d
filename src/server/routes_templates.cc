// Copyright (c) the Ferry authors.
//
// Templates over HTTP (ferry/templates.h, docs/templates.md): GET and POST
// /api/v1/templates, GET and DELETE /api/v1/templates/{name}. They live in
// the server's state, used under ctx.audit_mu (a State serves one thread at
// a time). A name outside [A-Za-z0-9_.-]{1,64}, "." or "..", or a path
// that goes on past the name (a/b, ../x, %2e%2e%2fx) is a 400 problem
// before the state is read.

#include <mutex>

#include "common/json_builder.h"
#include "ferry/templates.h"
#include "server/request_body.h"
#include "server/server_context.h"

namespace ferry::server {

namespace {

// ValidateTemplateName, and neither "." nor "..": a name never reads as a
// path step.
Status ValidateServedTemplateName(std::string_view name) {
  if (name == "." || name == "..") {
    return Status::InvalidArgument("template name '" + std::string(name) +
                                   "' is refused: '.' and '..' read as path steps");
  }
  return ValidateTemplateName(name);
}

std::string TemplateJson(const Template& t) {
  internal::JsonBuilder j;
  j.Begin().Key("name").Str(t.name).Key("for").Str(t.command).Key("description").Str(t.description);
  j.Key("options").Json(t.options.empty() ? std::string("{}") : MaskTemplateOptions(t.options));
  j.Key("created_at").Str(t.created_at).Key("updated_at").Str(t.updated_at).Key("updated_by").Str(t.updated_by);
  return j.End().Take();
}

void ListAll(Call& call) {
  std::lock_guard<std::mutex> lock(call.ctx.audit_mu);
  FERRY_HTTP_ASSIGN_OR_ANSWER(std::vector<Template> all, call, ListTemplates(*call.ctx.audit_state));
  std::string body = "[";
  for (const Template& t : all) body += (body.size() > 1 ? "," : "") + TemplateJson(t);
  call.Json(200, body + "]");
}

// The template of the POST body, with its name and `replace`.
struct SaveRequest {
  Template t;
  bool replace = false;
};

Result<SaveRequest> SaveRequestFrom(std::string_view text) {
  FERRY_ASSIGN_OR_RETURN(RequestBody body,
                         RequestBody::Parse(text, {"name", "for", "description", "options", "replace"}));
  SaveRequest out;
  FERRY_ASSIGN_OR_RETURN(out.t.name, RequiredString(body, "name"));
  if (Status s = ValidateServedTemplateName(out.t.name); !s.ok()) return Status::InvalidArgument("/name: " + s.message());
  FERRY_ASSIGN_OR_RETURN(out.t.command, RequiredString(body, "for"));
  FERRY_ASSIGN_OR_RETURN(auto description, body.String("description"));
  out.t.description = description.value_or("");
  const Value* options = body.Find("options");
  if (options == nullptr || !options->IsObject()) {
    return Status::InvalidArgument("/options must be an object: flag name without dashes -> a string, true, or an "
                                   "array of strings");
  }
  out.t.options = body.Json("options");
  FERRY_ASSIGN_OR_RETURN(auto replace, body.Bool("replace"));
  out.replace = replace.value_or(false);
  return out;
}

void Save(Call& call) {
  FERRY_HTTP_ASSIGN_OR_ANSWER(SaveRequest save, call, SaveRequestFrom(call.req.body));
  call.audit_target = save.t.name;
  std::lock_guard<std::mutex> lock(call.ctx.audit_mu);
  State& state = *call.ctx.audit_state;
  Status saved = SaveTemplate(state, save.t.name, save.t, save.replace);
  if (!saved.ok()) {
    // The library names options members without the body's prefix.
    if (saved.code() == ErrorCode::kInvalidArgument && saved.message().rfind("/", 0) != 0) {
      return call.Problem(Status::InvalidArgument("/options: " + saved.message()));
    }
    return call.Problem(saved);
  }
  FERRY_HTTP_ASSIGN_OR_ANSWER(Template t, call, GetTemplate(state, save.t.name));
  call.res.set_header("Location", "/api/v1/templates/" + t.name);
  call.Json(201, TemplateJson(t));
}

void Show(Call& call) {
  const std::string name = call.Param(1);
  if (Status s = ValidateServedTemplateName(name); !s.ok()) return call.Problem(s);
  std::lock_guard<std::mutex> lock(call.ctx.audit_mu);
  FERRY_HTTP_ASSIGN_OR_ANSWER(Template t, call, GetTemplate(*call.ctx.audit_state, name));
  call.Json(200, TemplateJson(t));
}

void Delete(Call& call) {
  const std::string name = call.Param(1);
  call.audit_target = name;
  if (Status s = ValidateServedTemplateName(name); !s.ok()) return call.Problem(s);
  std::lock_guard<std::mutex> lock(call.ctx.audit_mu);
  if (Status s = DeleteTemplate(*call.ctx.audit_state, name); !s.ok()) return call.Problem(s);
  call.res.status = 204;
}

// A path that goes on past the name: never a template.
void RefusePath(Call& call) {
  call.audit_target = call.req.path;
  call.Problem(Status::InvalidArgument("template name '" + call.Param(1) +
                                       "' is refused: a name is 1 to 64 characters of A-Z a-z 0-9 _ . - (no '/')"));
}

}  // namespace

// The paths under /api/v1/templates/ that {name} does not match.
const char* const kUnmatchedName = "/api/v1/templates/((?![A-Za-z0-9_.:-]+$).+)";

void AddTemplateRoutes(std::vector<Route>& routes) {
  routes.push_back(MakeRoute("GET", "/api/v1/templates", Role::kViewer, "", ListAll));
  routes.push_back(MakeRoute("POST", "/api/v1/templates", Role::kOperator, "template.save", Save));
  routes.push_back(MakeRoute("GET", "/api/v1/templates/{name}", Role::kViewer, "", Show));
  routes.push_back(MakeRoute("DELETE", "/api/v1/templates/{name}", Role::kOperator, "template.delete", Delete));
  // What {name} cannot match: a name with '/' (once decoded) or another
  // character outside the path segment's.
  routes.push_back(MakeRoute("GET", kUnmatchedName, Role::kViewer, "", RefusePath));
  routes.push_back(MakeRoute("DELETE", kUnmatchedName, Role::kOperator, "template.delete", RefusePath));
}

}  // namespace ferry::server
