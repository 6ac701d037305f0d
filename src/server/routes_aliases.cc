// Copyright (c) the Ferry authors.
//
// The legacy paths existing apps call (deprecated; docs/openapi.json,
// x-ferry-alias-of): each answers as the /api/v1 route it aliases, with
// that route's role, audit action and handler. The handler sees the request
// under the /api/v1 path (so what it keeps to resume an operation names
// the /api/v1 route); the metrics and the audit log name the legacy path.
// The export, import and validate aliases are registered with their
// routes.

#include <array>
#include <string>
#include <utility>

#include "server/server_context.h"

namespace ferry::server {

namespace {

struct Alias {
  const char* method;
  const char* legacy;
  const char* v1;  // the route's pattern, as registered
};

constexpr std::array<Alias, 13> kAliases = {{
    {"POST", "/api/migration/analyze", "/api/v1/analyze"},
    {"POST", "/api/migration/start", "/api/v1/runs"},
    {"POST", "/api/migration/rollback", "/api/v1/rollbacks"},
    {"GET", "/api/migration/status", "/api/v1/operations/active"},
    {"GET", "/api/migration/results", "/api/v1/operations/history"},
    {"GET", "/api/data-migration/operations/{id}/progress", "/api/v1/runs/{id}"},
    {"GET", "/api/data-migration/operations/active", "/api/v1/operations/active"},
    {"GET", "/api/data-migration/operations/history", "/api/v1/operations/history"},
    {"POST", "/api/data-migration/operations/{id}/cancel", "/api/v1/runs/{id}/cancel"},
    {"GET", "/api/data-migration/templates", "/api/v1/templates"},
    {"POST", "/api/data-migration/templates", "/api/v1/templates"},
    {"GET", "/api/data-migration/templates/{id}", "/api/v1/templates/{name}"},
    // A name {id} cannot match, refused as the /api/v1 route refuses it.
    {"GET", "/api/data-migration/templates/((?![A-Za-z0-9_.:-]+$).+)",
     "/api/v1/templates/((?![A-Za-z0-9_.:-]+$).+)"},
}};

// The /api/v1 handler of each alias, found when the routes are built.
std::array<RouteHandler, kAliases.size()> g_handlers{};

// `pattern` with its path parameter ({...}, or a group (...)) replaced by
// the request's.
std::string V1Path(const std::string& pattern, const Call& call) {
  size_t open = pattern.find('{');
  size_t close = pattern.find('}');
  if (open == std::string::npos) {
    open = pattern.find('(');
    close = pattern.rfind(')');
  }
  if (open == std::string::npos || close == std::string::npos) return pattern;
  return pattern.substr(0, open) + call.Param(1) + pattern.substr(close + 1);
}

template <size_t I>
void Aliased(Call& call) {
  httplib::Request v1 = call.req;  // its matches still point into call.req.path
  v1.path = V1Path(kAliases[I].v1, call);
  Call inner{v1, call.res, call.ctx, call.caller, call.request_id, call.audit_target};
  g_handlers[I](inner);
  call.audit_target = inner.audit_target;
}

template <size_t... I>
constexpr std::array<RouteHandler, sizeof...(I)> AdaptersOf(std::index_sequence<I...>) {
  return {&Aliased<I>...};
}

const Route* RouteOf(const std::vector<Route>& routes, const std::string& method, const std::string& pattern) {
  for (const Route& r : routes) {
    if (r.method == method && r.pattern == pattern) return &r;
  }
  return nullptr;
}

}  // namespace

void AddAliasRoutes(std::vector<Route>& routes) {
  static constexpr auto kAdapters = AdaptersOf(std::make_index_sequence<kAliases.size()>());
  std::vector<Route> added;
  for (size_t i = 0; i < kAliases.size(); ++i) {
    const Route* v1 = RouteOf(routes, kAliases[i].method, kAliases[i].v1);
    if (v1 == nullptr) continue;  // its group is not built in
    g_handlers[i] = v1->handler;
    added.push_back(MakeRoute(v1->method, kAliases[i].legacy, v1->role, v1->action, kAdapters[i]));
  }
  routes.insert(routes.end(), added.begin(), added.end());
}

}  // namespace ferry::server
