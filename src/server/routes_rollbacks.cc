// Copyright (c) the Ferry authors.
//
// POST /api/v1/rollbacks/impact: what a rollback of a run would do (the dry
// run of `ferry rollback`, nothing changed). POST /api/v1/rollbacks: the
// rollback itself as an operation, only with "confirm" equal to the run id.
// run_id names the run in the state store, or the operation that ran it.

#include "server/request_body.h"
#include "server/server_context.h"

namespace ferry::server {

namespace {

// An operation id ("op-...") stands for the run it ran.
Result<std::string> RunIdOf(ServerContext& ctx, const std::string& given) {
  if (given.rfind("op-", 0) != 0) return given;
  FERRY_ASSIGN_OR_RETURN(OperationSnapshot s, ctx.ops->Get(given));
  if (s.run_id.empty()) return Status::NotFound("operation " + given + " has no run (yet) to roll back");
  return s.run_id;
}

Result<std::vector<uint64_t>> Batches(const RequestBody& body) {
  std::vector<uint64_t> out;
  const Value* v = body.Find("batches");
  if (v == nullptr || v->IsNull()) return out;
  if (!v->IsArray()) return Status::InvalidArgument("/batches must be an array of batch numbers (1, 2, ...)");
  for (const Value& b : *v) {
    int64_t n = 0;
    if (!b.IsNumber() || !b.GetInt64(&n) || n < 1) {
      return Status::InvalidArgument("/batches/" + std::to_string(out.size()) + " must be a batch number from 1");
    }
    out.push_back(uint64_t(n));
  }
  return out;
}

struct RollbackBody {
  OperationRequest request;  // project, run_id, target, to, keys, batches
  std::string run_given;     // run_id as given (a run or an operation id)
  std::string confirm;
};

Result<RollbackBody> RollbackRequestFrom(ServerContext& ctx, std::string_view text) {
  FERRY_ASSIGN_OR_RETURN(RequestBody body, RequestBody::Parse(text, {"project", "run_id", "confirm", "target", "to",
                                                                     "keys", "batches"}));
  RollbackBody out;
  OperationRequest& request = out.request;
  request.kind = OperationKind::kRollback;
  FERRY_ASSIGN_OR_RETURN(std::string name, RequiredString(body, "project"));
  FERRY_ASSIGN_OR_RETURN(ServedProject served, ctx.projects.Find(name));
  request.project = served.project;
  request.project_dir = served.dir;
  RollbackOptions& o = request.rollback;
  FERRY_ASSIGN_OR_RETURN(out.run_given, RequiredString(body, "run_id"));
  FERRY_ASSIGN_OR_RETURN(o.run_id, RunIdOf(ctx, out.run_given));
  o.state = ctx.options.state;
  FERRY_ASSIGN_OR_RETURN(auto target, body.String("target"));
  o.target = target.value_or("");
  FERRY_ASSIGN_OR_RETURN(auto to, body.String("to"));
  o.to_version = to.value_or("");
  FERRY_ASSIGN_OR_RETURN(auto keys, body.Strings("keys"));
  if (keys) o.keys = *keys;
  FERRY_ASSIGN_OR_RETURN(o.batches, Batches(body));
  FERRY_ASSIGN_OR_RETURN(auto confirm, body.String("confirm"));
  out.confirm = confirm.value_or("");
  return out;
}

void Impact(Call& call) {
  FERRY_HTTP_ASSIGN_OR_ANSWER(auto parsed, call, RollbackRequestFrom(call.ctx, call.req.body));
  FERRY_HTTP_ASSIGN_OR_ANSWER(RollbackImpact impact, call,
                              AnalyzeRollback(*parsed.request.project, parsed.request.rollback));
  call.Json(200, impact.ToJson());
}

void StartRollback(Call& call) {
  FERRY_HTTP_ASSIGN_OR_ANSWER(auto parsed, call, RollbackRequestFrom(call.ctx, call.req.body));
  const std::string run = parsed.request.rollback.run_id;
  call.audit_target = run;
  if (parsed.confirm != run && parsed.confirm != parsed.run_given) {
    return call.Problem(Status::InvalidArgument("/confirm must equal the run id (" + run +
                                                "): a rollback changes the target; POST /api/v1/rollbacks/impact "
                                                "shows what it would do"));
  }
  FERRY_HTTP_ASSIGN_OR_ANSWER(std::string id, call, call.ctx.ops->Start(std::move(parsed.request)));
  call.ctx.hub->Track(id, 0);
  call.Accepted(id, OperationKind::kRollback);
}

}  // namespace

void AddRollbackRoutes(std::vector<Route>& routes) {
  routes.push_back(MakeRoute("POST", "/api/v1/rollbacks/impact", Role::kAdmin, "rollback.impact", Impact));
  routes.push_back(MakeRoute("POST", "/api/v1/rollbacks", Role::kAdmin, "rollback.start", StartRollback));
}

}  // namespace ferry::server
