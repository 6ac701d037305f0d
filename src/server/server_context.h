// Copyright (c) the Ferry authors.
//
// What the routes of `ferry serve` share (server.cc builds it): the
// operations registry, the served projects, tokens, metrics, the events hub,
// the audit log, and one Call per request with its helpers.

#ifndef FERRY_SERVER_SERVER_CONTEXT_H_
#define FERRY_SERVER_SERVER_CONTEXT_H_

#include <httplib.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <regex>
#include <string>
#include <vector>

#include "ferry/operation.h"
#include "ferry/state.h"
#include "server/events_hub.h"
#include "server/metrics.h"
#include "server/served_projects.h"
#include "server/server.h"
#include "server/tokens.h"

namespace ferry::server {

struct ServerContext {
  ServeOptions options;
  ServedProjects projects;
  std::unique_ptr<TokenRegistry> tokens;
  std::unique_ptr<Operations> ops;
  std::unique_ptr<EventsHub> hub;
  Metrics metrics;
  // Set when the server stops (readyz answers 503) ...
  std::atomic<bool> stopping{false};
  // ... and once what it cancelled finished: event streams end.
  std::atomic<bool> closing_streams{false};
  std::atomic<int64_t> event_streams{0};
  // The audit log (State is used by one thread at a time).
  std::mutex audit_mu;
  std::unique_ptr<State> audit_state;
  // Where the server keeps what it writes besides the state (the requests
  // of its operations, for resuming them after a restart).
  std::string work_dir;

  // Records an audit entry; a failure to record is logged, not returned.
  void Audit(const std::string& actor, const std::string& action, const std::string& detail_json);
};

// Who made a request: the token's name and role (empty name: no token,
// for the public routes).
struct Caller {
  std::string name;
  Role role = Role::kViewer;
};

// One request being answered.
struct Call {
  const httplib::Request& req;
  httplib::Response& res;
  ServerContext& ctx;
  Caller caller;
  std::string request_id;
  // What the audit entry names as the request's target ("" = the path).
  std::string audit_target;
  // Routes with `streams_body`: reads the body (not read before the handler).
  const httplib::ContentReader* body_reader = nullptr;

  // The path parameter `i` (1-based, in the route's order).
  std::string Param(size_t i) const { return req.matches.size() > i ? std::string(req.matches[i]) : ""; }
  // A query parameter, "" when absent.
  std::string Query(const std::string& name) const { return req.get_param_value(name); }
  void Json(int http_status, const std::string& body);
  // The problem document of `status` (not OK).
  void Problem(const Status& status);
  // The 202 answer of a started operation: {"id", "kind", "links"} and
  // Location.
  void Accepted(const std::string& id, OperationKind kind);
};

using RouteHandler = void (*)(Call&);

// A route: METHOD and a path template ("/api/v1/runs/{id}"); the role it
// needs (`public_route` routes need no token); `action` names it in the
// audit log (every route but GET is audited).
struct Route {
  std::string method;
  std::string pattern;
  Role role = Role::kViewer;
  bool public_route = false;
  std::string action;
  RouteHandler handler = nullptr;
  std::regex re;  // the pattern, {name} matching one path segment
  // POST only: the body is not read before the handler, which reads it
  // itself through Call::body_reader (uploads, streamed to disk).
  bool streams_body = false;
};

// The routes of each group (routes_*.cc), appended to `routes`.
void AddInfoRoutes(std::vector<Route>& routes);
void AddOperationRoutes(std::vector<Route>& routes);
void AddEventRoutes(std::vector<Route>& routes);
void AddRejectRoutes(std::vector<Route>& routes);
void AddRollbackRoutes(std::vector<Route>& routes);
void AddTransferRoutes(std::vector<Route>& routes);
void AddTemplateRoutes(std::vector<Route>& routes);
void AddBackupRoutes(std::vector<Route>& routes);
// The legacy aliases of the routes already in `routes`: call it last.
void AddAliasRoutes(std::vector<Route>& routes);

// Whether POST /api/v1/runs/{id}/resume can continue `s`: it did not
// complete, does not run here (`active_here`), is of a kind that resumes,
// and the server keeps the request it was started with.
bool ResumableHere(const ServerContext& ctx, const OperationSnapshot& s, bool active_here);

// Builds a Route (compiling the pattern).
Route MakeRoute(std::string method, std::string pattern, Role role, std::string action, RouteHandler handler,
                bool public_route = false);

// The result of `s` as the problem document of the call, for Result<T>.
#define FERRY_HTTP_ASSIGN_OR_ANSWER(lhs, call, expr)        \
  auto FERRY_HTTP_CONCAT(r_, __LINE__) = (expr);            \
  if (!FERRY_HTTP_CONCAT(r_, __LINE__).ok()) {              \
    (call).Problem(FERRY_HTTP_CONCAT(r_, __LINE__).status()); \
    return;                                                 \
  }                                                         \
  lhs = std::move(FERRY_HTTP_CONCAT(r_, __LINE__)).value()
#define FERRY_HTTP_CONCAT_INNER(a, b) a##b
#define FERRY_HTTP_CONCAT(a, b) FERRY_HTTP_CONCAT_INNER(a, b)

}  // namespace ferry::server

#endif  // FERRY_SERVER_SERVER_CONTEXT_H_
