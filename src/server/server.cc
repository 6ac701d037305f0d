// Copyright (c) the Ferry authors.

#include "server/server.h"

#include <sys/stat.h>

#include <chrono>
#include <cstdio>
#include <random>
#include <thread>

#include "common/json_builder.h"
#include "ferry/log.h"
#include "server/http_problem.h"
#include "server/server_context.h"

namespace ferry::server {

namespace {

using Clock = std::chrono::steady_clock;

// X-Request-Id: the client's when it is a sane one, else 16 random hex digits.
std::string RequestIdOf(const httplib::Request& req) {
  std::string given = req.get_header_value("X-Request-Id");
  if (!given.empty() && given.size() <= 64 &&
      given.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.") == std::string::npos) {
    return given;
  }
  thread_local std::mt19937_64 rng(std::random_device{}());
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(rng()));
  return buf;
}

// The bearer token of the request, "" without one.
std::string BearerOf(const httplib::Request& req) {
  const std::string h = req.get_header_value("Authorization");
  constexpr std::string_view kBearer = "Bearer ";
  if (h.size() <= kBearer.size() || h.compare(0, kBearer.size(), kBearer) != 0) return "";
  return h.substr(kBearer.size());
}

std::string AuditDetail(const Call& call, int result) {
  internal::JsonBuilder j;
  j.Begin().Key("role").Str(call.caller.name.empty() ? "" : RoleName(call.caller.role));
  j.Key("method").Str(call.req.method).Key("target").Str(call.audit_target.empty() ? call.req.path : call.audit_target);
  j.Key("result").Str(std::to_string(result)).Key("request_id").Str(call.request_id).Key("client").Str(call.req.remote_addr);
  return j.End().Take();
}

// An HTTP-level refusal answered by the pre-routing handler; the body was
// not read, so the connection is closed after the answer.
httplib::Server::HandlerResponse Refuse(httplib::Response& res, int status, std::string_view code,
                                        std::string_view detail, const httplib::Request& req, const std::string& rid) {
  res.status = status;
  res.set_header("Connection", "close");
  res.set_content(ProblemJson(status, code, detail, {req.path, rid}), kProblemType);
  return httplib::Server::HandlerResponse::Handled;
}

class Router {
 public:
  Router(ServerContext& ctx, std::vector<Route> routes) : ctx_(ctx), routes_(std::move(routes)) {}

  // Matches the route, checks the token and role; answers refusals itself.
  httplib::Server::HandlerResponse PreRoute(const httplib::Request& req, httplib::Response& res);
  // Registers every route with `server`.
  void Register(httplib::Server& server);

 private:
  const Route* Match(const httplib::Request& req, std::string* allowed) const;
  void Dispatch(const Route& route, const httplib::Request& req, httplib::Response& res,
                const httplib::ContentReader* body_reader = nullptr);
  httplib::Server::HandlerResponse Unauthenticated(const httplib::Request& req, httplib::Response& res,
                                                   const std::string& rid, int status, std::string_view code,
                                                   std::string_view detail, const Caller& caller);

  ServerContext& ctx_;
  std::vector<Route> routes_;
};

const Route* Router::Match(const httplib::Request& req, std::string* allowed) const {
  const Route* found = nullptr;
  for (const Route& r : routes_) {
    if (!std::regex_match(req.path, r.re)) continue;
    if (r.method == req.method && found == nullptr) found = &r;
    *allowed += (allowed->empty() ? "" : ", ") + r.method;
  }
  return found;
}

httplib::Server::HandlerResponse Router::Unauthenticated(const httplib::Request& req, httplib::Response& res,
                                                         const std::string& rid, int status, std::string_view code,
                                                         std::string_view detail, const Caller& caller) {
  Call call{req, res, ctx_, caller, rid, "", nullptr};
  ctx_.Audit(caller.name.empty() ? "-" : caller.name, status == 401 ? "auth.failed" : "auth.forbidden",
             AuditDetail(call, status));
  if (status == 401) res.set_header("WWW-Authenticate", "Bearer realm=\"ferry\"");
  ctx_.metrics.ObserveRequest(req.method, "unauthorized", status, 0);
  return Refuse(res, status, code, detail, req, rid);
}

httplib::Server::HandlerResponse Router::PreRoute(const httplib::Request& req, httplib::Response& res) {
  const std::string rid = RequestIdOf(req);
  res.set_header("X-Request-Id", rid);
  if (req.has_header("Transfer-Encoding")) {
    return Refuse(res, 411, "LENGTH_REQUIRED",
                  "requests with Transfer-Encoding are refused; send the body with a Content-Length", req, rid);
  }
  if ((req.method == "POST" || req.method == "PUT" || req.method == "PATCH") && !req.has_header("Content-Length")) {
    return Refuse(res, 411, "LENGTH_REQUIRED",
                  req.method + " needs a Content-Length header (an empty body too: with curl, -d '' or --json '{}')",
                  req, rid);
  }
  std::string allowed;
  const Route* route = Match(req, &allowed);
  if (route == nullptr && !allowed.empty()) {
    res.set_header("Allow", allowed);
    return Refuse(res, 405, "METHOD_NOT_ALLOWED", "this path answers " + allowed, req, rid);
  }
  if (route == nullptr) return Refuse(res, 404, "NOT_FOUND", "no such path; see /api/v1/openapi.json", req, rid);
  if (route->public_route) return httplib::Server::HandlerResponse::Unhandled;
  const std::string token = BearerOf(req);
  std::optional<TokenInfo> who = token.empty() ? std::nullopt : ctx_.tokens->Authenticate(token);
  if (!who) {
    return Unauthenticated(req, res, rid, 401, "UNAUTHENTICATED",
                           token.empty() ? "an Authorization: Bearer token is required" : "the token is not valid",
                           Caller{});
  }
  if (!RoleAllows(who->role, route->role)) {
    return Unauthenticated(req, res, rid, 403, "PERMISSION_DENIED",
                           std::string("this needs the role ") + RoleName(route->role) + "; the token '" + who->name +
                               "' is " + RoleName(who->role),
                           Caller{who->name, who->role});
  }
  return httplib::Server::HandlerResponse::Unhandled;
}

void Router::Dispatch(const Route& route, const httplib::Request& req, httplib::Response& res,
                      const httplib::ContentReader* body_reader) {
  const auto start = Clock::now();
  Caller caller;
  if (!route.public_route) {
    if (auto who = ctx_.tokens->Authenticate(BearerOf(req))) caller = Caller{who->name, who->role};
  }
  Call call{req, res, ctx_, caller, res.get_header_value("X-Request-Id"), "", body_reader};
  try {
    route.handler(call);
  } catch (const std::exception& e) {
    call.Problem(Status::Internal(std::string("unexpected error: ") + e.what()));
  }
  if (route.method != "GET") ctx_.Audit(caller.name, route.action, AuditDetail(call, res.status));
  ctx_.metrics.ObserveRequest(req.method, route.pattern, res.status,
                              std::chrono::duration<double>(Clock::now() - start).count());
}

void Router::Register(httplib::Server& server) {
  for (const Route& r : routes_) {
    std::string re = std::regex_replace(r.pattern, std::regex(R"(\{[a-z_]+\})"), "([A-Za-z0-9_.:-]+)");
    auto handler = [this, &r](const httplib::Request& req, httplib::Response& res) { Dispatch(r, req, res); };
    if (r.streams_body) {
      server.Post(re, [this, &r](const httplib::Request& req, httplib::Response& res,
                                 const httplib::ContentReader& reader) { Dispatch(r, req, res, &reader); });
      continue;
    }
    if (r.method == "GET") server.Get(re, handler);
    else if (r.method == "POST") server.Post(re, handler);
    else if (r.method == "DELETE") server.Delete(re, handler);
    else if (r.method == "PUT") server.Put(re, handler);
  }
}

Result<std::pair<std::string, int>> ParseListen(const std::string& listen) {
  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    return Status::InvalidArgument("--listen must be HOST:PORT (e.g. 127.0.0.1:8080), not '" + listen + "'");
  }
  std::string host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  const std::string port = listen.substr(colon + 1);
  if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos ||
      std::stoi(port) > 65535) {
    return Status::InvalidArgument("--listen: the port must be a number from 0 to 65535, not '" + port + "'");
  }
  return std::make_pair(host, std::stoi(port));
}

Status OpenContext(const ServeOptions& options, ServerContext* ctx) {
  if (options.tokens.empty()) {
    return Status::InvalidArgument("--tokens FILE is required (create one with `ferry token create NAME --role admin "
                                   "--tokens FILE`)");
  }
  if (options.tls_cert.empty() != options.tls_key.empty()) {
    return Status::InvalidArgument("--tls-cert and --tls-key go together");
  }
  ctx->options = options;
  FERRY_ASSIGN_OR_RETURN(ctx->tokens, TokenRegistry::Open(options.tokens));
  FERRY_ASSIGN_OR_RETURN(ctx->projects, ServedProjects::Load(options.projects));
  OperationsOptions oo;
  oo.state = options.state;
  oo.threads = options.threads;
  FERRY_ASSIGN_OR_RETURN(ctx->ops, Operations::Open(oo));
  FERRY_ASSIGN_OR_RETURN(ctx->audit_state, State::Open(options.state, "", /*create=*/true));
  ctx->hub = std::make_unique<EventsHub>(*ctx->ops, 10000, [ctx](const OperationSnapshot& s) {
    ctx->metrics.ObserveOperationFinished(s);
  });
  ctx->work_dir = ".ferry/serve";
  return Status::OK();
}

std::unique_ptr<httplib::Server> MakeHttpServer(const ServeOptions& o) {
  std::unique_ptr<httplib::Server> server;
  if (o.tls_cert.empty()) server = std::make_unique<httplib::Server>();
  else server = std::make_unique<httplib::SSLServer>(o.tls_cert.c_str(), o.tls_key.c_str());
  const size_t workers = size_t(o.max_event_streams) + o.request_workers;
  server->new_task_queue = [workers] { return new httplib::ThreadPool(workers); };
  // Headers and body go out in separate writes: without TCP_NODELAY,
  // Nagle's algorithm and the client's delayed ACK add ~40 ms to answers.
  server->set_tcp_nodelay(true);
  server->set_keep_alive_timeout(1);
  server->set_read_timeout(30);
  server->set_write_timeout(30);
  server->set_payload_max_length(o.max_body_bytes);
  // SO_REUSEADDR only: the library's default adds SO_REUSEPORT, with which
  // a second server binds a port in use and shares its connections.
  server->set_socket_options([](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  return server;
}

void AnswerErrors(httplib::Server& server) {
  server.set_exception_handler([](const httplib::Request& req, httplib::Response& res, std::exception_ptr) {
    res.status = 500;
    res.set_content(ProblemJson(Status::Internal("unexpected error"), {req.path, res.get_header_value("X-Request-Id")}),
                    kProblemType);
  });
  // The HTTP library's own refusals (a malformed request, a body over the
  // limit) get a problem document too.
  server.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;
    const ProblemContext context{req.path, res.get_header_value("X-Request-Id")};
    if (res.status == 413) {
      res.set_content(ProblemJson(413, "PAYLOAD_TOO_LARGE", "the request body is larger than the server accepts",
                                  context), kProblemType);
    } else {
      res.set_content(ProblemJson(Status::InvalidArgument("the request is not well-formed HTTP"), context),
                      kProblemType);
    }
  });
}

// Cancels what runs (resumable) and waits up to `budget` for it to stop.
void CancelRunning(ServerContext& ctx, std::chrono::milliseconds budget) {
  const auto deadline = Clock::now() + budget;
  std::vector<OperationSnapshot> active = ctx.ops->Active();
  for (const auto& s : active) (void)ctx.ops->Cancel(s.id, /*now=*/true);
  for (const auto& s : active) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) break;
    (void)ctx.ops->Wait(s.id, left);
  }
}

// Lets every event stream send its last events and end, waiting up to
// `budget`: the HTTP library stops calling a stream's provider once it is
// stopped, so this comes first.
void CloseStreams(ServerContext& ctx, std::chrono::milliseconds budget) {
  ctx.closing_streams = true;
  ctx.hub->WakeAll();
  const auto deadline = Clock::now() + budget;
  while (ctx.event_streams.load() > 0 && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

// Operations of earlier processes that this server can resume.
void AnnounceResumable(ServerContext& ctx) {
  auto history = ctx.ops->History(100);
  if (!history.ok()) return;
  for (const auto& s : history.value()) {
    if (!ResumableHere(ctx, s, /*active_here=*/false)) continue;
    std::printf("ferry serve: resumable: %s (%s %s, %s) - POST /api/v1/runs/%s/resume\n", s.id.c_str(),
                OperationKindName(s.kind), s.target.c_str(), OperationStateName(s.state), s.id.c_str());
  }
}

}  // namespace

void ServerContext::Audit(const std::string& actor, const std::string& action, const std::string& detail_json) {
  std::lock_guard<std::mutex> lock(audit_mu);
  Status s = audit_state->RecordAudit("", action, detail_json, actor.empty() ? "-" : actor);
  if (!s.ok()) Log(LogLevel::kWarn, "serve: cannot record an audit entry: " + s.ToString());
}

void Call::Json(int http_status, const std::string& body) {
  res.status = http_status;
  res.set_content(body, "application/json");
}

void Call::Problem(const Status& status) {
  res.status = HttpStatusFor(status.code());
  res.set_content(ProblemJson(status, {req.path, request_id}), kProblemType);
}

void Call::Accepted(const std::string& id, OperationKind kind) {
  audit_target = id;
  res.set_header("Location", "/api/v1/runs/" + id);
  internal::JsonBuilder j;
  j.Begin().Key("id").Str(id).Key("kind").Str(OperationKindName(kind));
  j.Key("href").Str("/api/v1/runs/" + id).Key("events").Str("/api/v1/events?run=" + id);
  Json(202, j.End().Take());
}

Route MakeRoute(std::string method, std::string pattern, Role role, std::string action, RouteHandler handler,
                bool public_route) {
  Route r{std::move(method), std::move(pattern), role, public_route, std::move(action), handler, std::regex(), false};
  r.re = std::regex(std::regex_replace(r.pattern, std::regex(R"(\{[a-z_]+\})"), "[A-Za-z0-9_.:-]+"));
  return r;
}

std::vector<Route> AllRoutes() {
  std::vector<Route> routes;
  AddInfoRoutes(routes);
  AddOperationRoutes(routes);
  AddEventRoutes(routes);
  AddRejectRoutes(routes);
  AddRollbackRoutes(routes);
  AddTransferRoutes(routes);
  AddTemplateRoutes(routes);
  AddBackupRoutes(routes);
  AddAliasRoutes(routes);  // last: aliases copy the routes before them
  return routes;
}

std::string RouteTable() {
  std::string out;
  for (const Route& r : AllRoutes()) {
    // The catch-alls that refuse what a {name} cannot match belong to the
    // route of that {name}.
    if (r.pattern.find("(?!") != std::string::npos) continue;
    out += r.method + " " + r.pattern + " " + (r.public_route ? "public" : RoleName(r.role)) + "\n";
  }
  return out;
}

Status Serve(const ServeOptions& options, const std::atomic<bool>& stop,
             const std::function<void(int port)>& on_listening) {
  FERRY_ASSIGN_OR_RETURN(auto host_port, ParseListen(options.listen));
  ServerContext ctx;
  FERRY_RETURN_IF_ERROR(OpenContext(options, &ctx));
  Router router(ctx, AllRoutes());
  std::unique_ptr<httplib::Server> server = MakeHttpServer(options);
  if (!server->is_valid()) return Status::InvalidArgument("cannot use the TLS certificate or key");
  server->set_pre_routing_handler([&router](const auto& req, auto& res) { return router.PreRoute(req, res); });
  AnswerErrors(*server);
  router.Register(*server);
  int port = host_port.second;
  if (port == 0) port = server->bind_to_any_port(host_port.first);
  else if (!server->bind_to_port(host_port.first, port)) port = -1;
  if (port <= 0) return Status::IoError("cannot listen on " + options.listen + " (in use, or not an address here)");
  AnnounceResumable(ctx);
  std::thread listener([&server] { server->listen_after_bind(); });
  if (on_listening) on_listening(port);
  while (!stop.load()) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ctx.stopping = true;
  CancelRunning(ctx, std::chrono::milliseconds(700));
  CloseStreams(ctx, std::chrono::milliseconds(400));
  server->stop();
  listener.join();
  return Status::OK();
}

}  // namespace ferry::server
