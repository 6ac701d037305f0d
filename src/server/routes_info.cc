// Copyright (c) the Ferry authors.
//
// What the server knows and keeps: health, the served projects, the
// migration history and audit log of the state, and the metrics.

#include "common/json_builder.h"
#include "ferry/json.h"
#include "server/openapi_document.h"
#include "server/server_context.h"

namespace ferry::server {

namespace {

using internal::JsonBuilder;

std::vector<std::string> SplitCommas(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size() && !text.empty()) {
    size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    if (comma > start) out.push_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

void Healthz(Call& call) { call.Json(200, "{\"status\":\"ok\"}"); }

void Readyz(Call& call) {
  if (call.ctx.stopping) {
    call.res.set_header("Retry-After", "2");
    call.Json(503, "{\"status\":\"stopping\"}");
    return;
  }
  call.Json(200, "{\"status\":\"ready\"}");
}

void ListProjects(Call& call) { call.Json(200, call.ctx.projects.ListJson()); }

void GetProject(Call& call) {
  FERRY_HTTP_ASSIGN_OR_ANSWER(ServedProject p, call, call.ctx.projects.Find(call.Param(1)));
  call.Json(200, call.ctx.projects.DescribeJson(p));
}

void HistoryJson(const HistoryEntry& h, JsonBuilder& j) {
  j.Begin().Key("collection").Str(h.collection).Key("migration").Str(h.migration_id).Key("checksum").Str(h.checksum);
  j.Key("run_id").Str(h.run_id).Key("kind").Str(h.kind).Key("applied_by").Str(h.applied_by);
  j.Key("applied_at").Str(h.applied_at).Key("duration_ms").Int(h.duration_ms).Key("records").Int(h.records);
  j.Key("success").Bool(h.success).End();
}

// GET /history[?project=NAME]: the migrations applied to the collection of
// one served project, or of every one.
void GetHistory(Call& call) {
  std::vector<std::string> collections;
  if (const std::string name = call.Query("project"); !name.empty()) {
    FERRY_HTTP_ASSIGN_OR_ANSWER(ServedProject p, call, call.ctx.projects.Find(name));
    collections.push_back(p.project->collection());
  } else {
    for (const ServedProject& p : call.ctx.projects.All()) collections.push_back(p.project->collection());
  }
  JsonBuilder j;
  j.BeginArray();
  std::lock_guard<std::mutex> lock(call.ctx.audit_mu);
  for (const std::string& c : collections) {
    FERRY_HTTP_ASSIGN_OR_ANSWER(std::vector<HistoryEntry> entries, call, call.ctx.audit_state->History(c));
    for (const HistoryEntry& h : entries) HistoryJson(h, j);
  }
  call.Json(200, j.EndArray().Take());
}

// The server's own entries keep role, target, result, request_id and
// client as JSON in `detail`: they are lifted to members.
void AuditJson(const AuditEntry& e, JsonParser& parser, JsonBuilder& j) {
  j.Begin().Key("at").Str(e.at).Key("run_id").Str(e.run_id).Key("action").Str(e.event).Key("actor").Str(e.user);
  j.Key("detail").Str(e.detail);
  if (!e.detail.empty() && e.detail.front() == '{') {
    Arena arena(1024);
    auto detail = parser.Parse(e.detail, arena);
    if (detail.ok() && detail.value().IsObject() && detail.value().Has("request_id")) {
      for (const char* k : {"role", "target", "result", "request_id", "client"}) {
        const Value* v = detail.value().Find(k);
        if (v != nullptr && v->IsString()) j.Key(k).Str(v->AsString());
      }
    }
  }
  j.End();
}

// GET /audit?since=&actor=&action=a,b&run=&limit=
void GetAudit(Call& call) {
  AuditQuery q;
  q.since = call.Query("since");
  q.actor = call.Query("actor");
  q.run_id = call.Query("run");
  for (const std::string& a : SplitCommas(call.Query("action"))) q.actions.push_back(a);
  const std::string limit = call.Query("limit");
  if (!limit.empty()) {
    if (limit.size() > 6 || limit.find_first_not_of("0123456789") != std::string::npos) {
      return call.Problem(Status::InvalidArgument("limit must be a number from 1 to 999999"));
    }
    q.limit = uint32_t(std::stoul(limit));
  }
  std::vector<AuditEntry> entries;
  {
    std::lock_guard<std::mutex> lock(call.ctx.audit_mu);
    FERRY_HTTP_ASSIGN_OR_ANSWER(entries, call, call.ctx.audit_state->AuditLog(q));
  }
  JsonBuilder j;
  JsonParser parser;
  j.BeginArray();
  for (const AuditEntry& e : entries) AuditJson(e, parser, j);
  call.Json(200, j.EndArray().Take());
}

void GetOpenApi(Call& call) {
  call.res.status = 200;
  call.res.set_content(std::string(OpenApiDocument()), "application/json");
}

void GetMetrics(Call& call) {
  call.ctx.metrics.SetEventStreams(call.ctx.event_streams.load());
  call.res.status = 200;
  call.res.set_content(call.ctx.metrics.Render(call.ctx.ops->Active()), "text/plain; version=0.0.4; charset=utf-8");
}

}  // namespace

void AddInfoRoutes(std::vector<Route>& routes) {
  routes.push_back(MakeRoute("GET", "/healthz", Role::kViewer, "", Healthz, /*public_route=*/true));
  routes.push_back(MakeRoute("GET", "/readyz", Role::kViewer, "", Readyz, /*public_route=*/true));
  routes.push_back(MakeRoute("GET", "/api/v1/projects", Role::kViewer, "", ListProjects));
  routes.push_back(MakeRoute("GET", "/api/v1/projects/{name}", Role::kViewer, "", GetProject));
  routes.push_back(MakeRoute("GET", "/api/v1/history", Role::kViewer, "", GetHistory));
  routes.push_back(MakeRoute("GET", "/api/v1/audit", Role::kViewer, "", GetAudit));
  routes.push_back(MakeRoute("GET", "/metrics", Role::kViewer, "", GetMetrics));
  routes.push_back(MakeRoute("GET", "/api/v1/openapi.json", Role::kViewer, "", GetOpenApi));
}

}  // namespace ferry::server
