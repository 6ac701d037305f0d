// Copyright (c) the Ferry authors.
//
// Steps with sub-lists (in, map, when), registered C++ functions (call),
// the step-kind table and CompileSteps().

#include <memory>
#include <string>
#include <vector>

#include "ferry/expr.h"
#include "transform/transform_internal.h"

namespace ferry {
namespace internal {
namespace {

constexpr int kMaxNesting = int(StepContext::kMaxDepth);
constexpr std::string_view kKeyBranch = "b";
constexpr std::string_view kKeySub = "c";

Status FailAtPath(StepContext& ctx, const FieldPath& p, std::string msg) {
  constexpr size_t kMax = 32;
  std::string_view buf[kMax];
  size_t n = 0;
  for (size_t i = 0; i < p.tokens.size() && n < kMax; ++i) buf[n++] = p.tokens[i];
  return ctx.Fail(std::span<const std::string_view>(buf, n), std::move(msg));
}

// --- in -----------------------------------------------------------------------

class InStep final : public StepBase {
 public:
  InStep() : StepBase("in") {}
  FieldPath field;
  std::unique_ptr<StepList> steps;

  bool lossy() const override { return steps->lossy(); }

  Status Forward(Value& doc, StepContext& ctx) const override {
    Value* slot = Resolve(doc, field);
    if (slot == nullptr) return Status::OK();
    if (slot->IsNull()) {
      // Skipped; the sub-steps may turn an object into null, so backward
      // needs telling.
      ctx.SaveComplement(Value::Bool(false));
      return Status::OK();
    }
    if (!slot->IsObject()) {
      return FailAtPath(ctx, field, "in: expected an object, got " + std::string(JsonTypeName(slot->type())));
    }
    if (!StepContextInternal::Push(ctx, &field.tokens, -1)) return ctx.FailAt("", "in: nested too deeply");
    Value sub;
    Status s = steps->ApplyForward(*slot, ctx, &sub);
    StepContextInternal::Pop(ctx);
    FERRY_RETURN_IF_ERROR(s);
    if (!IsEmptyComplement(sub)) ctx.SaveComplement(sub);
    return Status::OK();
  }

  Status Backward(Value& doc, StepContext& ctx) const override {
    const Value* c = ctx.complement();  // read before the sub-list moves the cursor
    if (c != nullptr && c->IsBool()) return Status::OK();
    Value* slot = Resolve(doc, field);
    // Any type: the sub-steps may have changed the object's type.
    if (slot == nullptr) return Status::OK();
    if (!StepContextInternal::Push(ctx, &field.tokens, -1)) return ctx.FailAt("", "in: nested too deeply");
    Status s = steps->ApplyBackward(*slot, c == nullptr ? Value() : *c, ctx);
    StepContextInternal::Pop(ctx);
    return s;
  }
};

// --- map ----------------------------------------------------------------------

class MapStep final : public StepBase {
 public:
  MapStep() : StepBase("map") {}
  FieldPath field;
  std::unique_ptr<StepList> steps;

  bool lossy() const override { return steps->lossy(); }

  Status Forward(Value& doc, StepContext& ctx) const override {
    Value* slot = Resolve(doc, field);
    if (slot == nullptr || slot->IsNull()) return Status::OK();
    if (!slot->IsArray()) {
      return FailAtPath(ctx, field, "map: expected an array, got " + std::string(JsonTypeName(slot->type())));
    }
    if (!StepContextInternal::Push(ctx, &field.tokens, 0)) return ctx.FailAt("", "map: nested too deeply");
    Arena& a = ctx.arena();
    Value comp;  // {"<element index>": sub-complement}
    Status s;
    for (uint32_t i = 0; i < slot->size() && s.ok(); ++i) {
      StepContextInternal::SetIndex(ctx, i);
      Value sub;
      s = steps->ApplyForward((*slot)[i], ctx, &sub);
      if (s.ok() && !IsEmptyComplement(sub)) {
        if (comp.IsNull()) comp = Value::Object(a, 2);
        AppendMember(comp, IndexKey(i, a), sub, a);
      }
    }
    StepContextInternal::Pop(ctx);
    FERRY_RETURN_IF_ERROR(s);
    if (!comp.IsNull()) ctx.SaveComplement(comp);
    return Status::OK();
  }

  Status Backward(Value& doc, StepContext& ctx) const override {
    const Value* c = ctx.complement();
    if (c != nullptr && !c->IsObject()) return BadComplement(name());
    Value* slot = Resolve(doc, field);
    if (slot == nullptr || slot->IsNull()) return Status::OK();
    if (!slot->IsArray()) {
      return FailAtPath(ctx, field, "map: expected an array, got " + std::string(JsonTypeName(slot->type())));
    }
    // Entries are in ascending element order: merge-walk them.
    uint32_t cursor = 0;
    int64_t previous = -1;
    for (uint32_t m = 0; c != nullptr && m < c->size(); ++m) {
      int64_t idx = ParseIndexKey(c->members()[m].key.AsString());
      if (idx <= previous || idx >= int64_t(slot->size())) return BadComplement(name());
      previous = idx;
    }
    if (!StepContextInternal::Push(ctx, &field.tokens, 0)) return ctx.FailAt("", "map: nested too deeply");
    Status s;
    for (uint32_t i = 0; i < slot->size() && s.ok(); ++i) {
      StepContextInternal::SetIndex(ctx, i);
      Value sub;
      if (c != nullptr && cursor < c->size() && ParseIndexKey(c->members()[cursor].key.AsString()) == int64_t(i)) {
        sub = c->members()[cursor++].value;
      }
      s = steps->ApplyBackward((*slot)[i], sub, ctx);
    }
    StepContextInternal::Pop(ctx);
    return s;
  }
};

// --- when ---------------------------------------------------------------------

class WhenStep final : public StepBase {
 public:
  WhenStep() : StepBase("when") {}
  std::unique_ptr<const Expression> cond;
  std::unique_ptr<StepList> then_steps;
  std::unique_ptr<StepList> else_steps;

  bool lossy() const override { return then_steps->lossy() || else_steps->lossy(); }

  Status Branch(const Value& doc, StepContext& ctx, int* out) const {
    bool t = false;
    Status s = cond->EvaluateCondition(doc, ctx.arena(), &t);
    if (!s.ok()) return ctx.FailAt("", "when: " + s.message());
    *out = t ? 0 : 1;
    return Status::OK();
  }

  Status Forward(Value& doc, StepContext& ctx) const override {
    int b = 0;
    FERRY_RETURN_IF_ERROR(Branch(doc, ctx, &b));
    Value sub;
    FERRY_RETURN_IF_ERROR((b == 0 ? then_steps : else_steps)->ApplyForward(doc, ctx, &sub));
    // Backward re-evaluates the condition on the output; store the branch
    // only when that would pick the other one.
    int after = 0;
    FERRY_RETURN_IF_ERROR(Branch(doc, ctx, &after));
    bool store_branch = after != b;
    if (!store_branch && IsEmptyComplement(sub)) return Status::OK();
    Arena& a = ctx.arena();
    Value comp = Value::Object(a, 2);
    if (store_branch) AppendMember(comp, kKeyBranch, SmallInt(b, a), a);
    if (!IsEmptyComplement(sub)) AppendMember(comp, kKeySub, sub, a);
    ctx.SaveComplement(comp);
    return Status::OK();
  }

  Status Backward(Value& doc, StepContext& ctx) const override {
    const Value* c = ctx.complement();
    if (c != nullptr && !c->IsObject()) return BadComplement(name());
    int b = 0;
    const Value* stored = c == nullptr ? nullptr : c->Find(kKeyBranch);
    if (stored != nullptr) {
      int64_t v;
      if (!ReadIndex(stored, &v) || v > 1) return BadComplement(name());
      b = int(v);
    } else {
      FERRY_RETURN_IF_ERROR(Branch(doc, ctx, &b));
    }
    const Value* sub = c == nullptr ? nullptr : c->Find(kKeySub);
    return (b == 0 ? then_steps : else_steps)->ApplyBackward(doc, sub == nullptr ? Value() : *sub, ctx);
  }
};

// --- call ---------------------------------------------------------------------

class CallStep final : public StepBase {
 public:
  CallStep() : StepBase("call") {}
  std::string function;
  StepFunction forward;
  StepFunction backward;
  bool is_lossy = false;
  Arena arena{1024};
  Value args;

  bool lossy() const override { return is_lossy; }
  Status Forward(Value& doc, StepContext& ctx) const override { return forward(doc, args, ctx); }
  Status Backward(Value& doc, StepContext& ctx) const override { return backward(doc, args, ctx); }
};

Result<std::unique_ptr<StepList>> SubList(SpecReader& spec, std::string_view param, CompileEnv& env,
                                          bool required) {
  const Value* v = spec.Get(param);
  std::string where = spec.where() + "." + std::string(param);
  if (v == nullptr) {
    if (required) return spec.Error("missing \"" + std::string(param) + "\"");
    return std::make_unique<StepList>();
  }
  return CompileList(*v, where, env);
}

}  // namespace

Result<std::unique_ptr<Step>> NewInStep(SpecReader& spec, CompileEnv& env) {
  auto s = std::make_unique<InStep>();
  FERRY_RETURN_IF_ERROR(spec.RequirePath("field", &s->field, false));
  FERRY_ASSIGN_OR_RETURN(s->steps, SubList(spec, "steps", env, true));
  FERRY_RETURN_IF_ERROR(spec.Finish());
  return std::unique_ptr<Step>(std::move(s));
}

Result<std::unique_ptr<Step>> NewMapStep(SpecReader& spec, CompileEnv& env) {
  auto s = std::make_unique<MapStep>();
  FERRY_RETURN_IF_ERROR(spec.RequirePath("field", &s->field, true));
  FERRY_ASSIGN_OR_RETURN(s->steps, SubList(spec, "steps", env, true));
  FERRY_RETURN_IF_ERROR(spec.Finish());
  return std::unique_ptr<Step>(std::move(s));
}

Result<std::unique_ptr<Step>> NewWhenStep(SpecReader& spec, CompileEnv& env) {
  auto s = std::make_unique<WhenStep>();
  std::string text;
  FERRY_RETURN_IF_ERROR(spec.RequireString("if", &text));
  auto compiled = Expression::Compile(text);
  if (!compiled.ok()) return spec.ErrorAt("if", compiled.status().message());
  s->cond = std::move(compiled).value();
  FERRY_ASSIGN_OR_RETURN(s->then_steps, SubList(spec, "then", env, true));
  FERRY_ASSIGN_OR_RETURN(s->else_steps, SubList(spec, "else", env, false));
  FERRY_RETURN_IF_ERROR(spec.Finish());
  return std::unique_ptr<Step>(std::move(s));
}

Result<std::unique_ptr<Step>> NewCallStep(SpecReader& spec, CompileEnv& env) {
  auto s = std::make_unique<CallStep>();
  FERRY_RETURN_IF_ERROR(spec.RequireString("function", &s->function));
  const FunctionRegistry::Entry* e = env.functions.Find(s->function);
  if (e == nullptr) {
    std::vector<std::string> names = env.functions.Names();
    std::vector<std::string_view> views(names.begin(), names.end());
    std::string msg = "unknown function \"" + s->function + "\"";
    std::string_view guess = Suggest(s->function, views);
    if (!guess.empty()) {
      msg += " (did you mean \"" + std::string(guess) + "\"?)";
    } else if (names.empty()) {
      msg += " (no functions are registered)";
    }
    return spec.ErrorAt("function", msg);
  }
  s->forward = e->forward;
  s->backward = e->backward;
  s->is_lossy = e->lossy;
  if (const Value* args = spec.Get("args")) s->args = args->DeepCopy(s->arena);
  FERRY_RETURN_IF_ERROR(spec.Finish());
  return std::unique_ptr<Step>(std::move(s));
}

namespace {

struct KindEntry {
  StepKindInfo info;
  StepFactory factory;
  std::string_view shorthand;  // parameter a bare string/list stands for
};

const KindEntry kKinds[] = {
    {{"add", "{field, value}", "set a field to a constant when absent"}, NewAddStep, ""},
    {{"remove", "{field, default?}", "drop a field (lossy; backward restores it or the default)"},
     NewRemoveStep, "field"},
    {{"rename", "{from, to}", "rename a member in place"}, NewRenameStep, ""},
    {{"hoist", "{host, field}", "move host.field up next to host"}, NewHoistStep, ""},
    {{"plunge", "{host, field | fields}", "move fields into the object host (created if absent)"},
     NewPlungeStep, ""},
    {{"wrap", "{field, into?, as?, with?, only?, array?}",
      "wrap a value in an object {as: value, ...with} or an array"},
     NewWrapStep, ""},
    {{"head", "{field}", "replace an array by its first element (lossy)"}, NewHeadStep, "field"},
    {{"in", "{field, steps}", "apply steps to the object at field"}, NewInStep, ""},
    {{"map", "{field, steps}", "apply steps to every element of the array at field"}, NewMapStep, ""},
    {{"convert", "{field, mapping, default?}", "map values through a table"}, NewConvertStep, ""},
    {{"keys", "{case: camel|snake, deep?, field?}", "convert member names between snake_case and camelCase"},
     NewKeysStep, "case"},
    {{"trim", "{field}", "strip ASCII whitespace from a string"}, NewTrimStep, "field"},
    {{"lower", "{field}", "lower-case a string (ASCII)"}, NewLowerStep, "field"},
    {{"upper", "{field}", "upper-case a string (ASCII)"}, NewUpperStep, "field"},
    {{"datetime", "{field, from: [epoch, sql, iso8601], to}", "convert date-time forms (UTC)"},
     NewDatetimeStep, ""},
    {{"to_string", "{field}", "number -> string with the same characters"}, NewToStringStep, "field"},
    {{"to_number", "{field}", "numeric string -> number with the same characters"}, NewToNumberStep, "field"},
    {{"parse_json", "{field}", "string holding JSON text -> the value it encodes (back: compact JSON text)"},
     NewParseJsonStep, "field"},
    {{"set", "{field, expr}", "set a field to the value of an expression"}, NewSetStep, ""},
    {{"keep", "{fields}", "drop every member not listed (lossy)"}, NewKeepStep, "fields"},
    {{"when", "{if, then, else?}", "apply one of two step lists depending on an expression"}, NewWhenStep, ""},
    {{"call", "{function, args?}", "a step written in C++ and registered by name"}, NewCallStep, "function"},
};

const std::vector<StepKindInfo>& KindInfos() {
  static const std::vector<StepKindInfo> infos = [] {
    std::vector<StepKindInfo> v;
    for (const KindEntry& k : kKinds) v.push_back(k.info);
    return v;
  }();
  return infos;
}

}  // namespace

Result<std::unique_ptr<StepList>> CompileList(const Value& list, const std::string& where, CompileEnv& env) {
  if (!list.IsArray()) {
    return Status::ProjectError(where + ": expected a list of steps, got " + std::string(JsonTypeName(list.type())));
  }
  if (env.depth >= kMaxNesting) return Status::ProjectError(where + ": steps nested too deeply");
  ++env.depth;
  auto out = std::make_unique<StepList>();
  for (uint32_t i = 0; i < list.size(); ++i) {
    std::string at = where + "[" + std::to_string(i) + "]";
    const Value& def = list[i];
    if (!def.IsObject() || def.size() != 1) {
      --env.depth;
      return Status::ProjectError(at + ": a step is an object with exactly one key, e.g. {\"rename\": {...}}");
    }
    std::string_view kind = def.members()[0].key.AsString();
    const KindEntry* entry = nullptr;
    for (const KindEntry& k : kKinds) {
      if (k.info.name == kind) entry = &k;
    }
    if (entry == nullptr) {
      --env.depth;
      std::vector<std::string_view> names;
      for (const KindEntry& k : kKinds) names.push_back(k.info.name);
      std::string msg = at + ": unknown step \"" + std::string(kind) + "\"";
      std::string_view guess = Suggest(kind, names);
      if (!guess.empty()) msg += " (did you mean \"" + std::string(guess) + "\"?)";
      return Status::ProjectError(msg);
    }
    const Value& raw = def.members()[0].value;
    std::string step_where = at + "." + std::string(kind);
    // Shorthand: {"remove": "coachNotes"} is {"remove": {"field": "coachNotes"}}.
    Arena scratch(1024);
    Value params = raw;
    if (!raw.IsObject() && !entry->shorthand.empty() && (raw.IsString() || raw.IsArray())) {
      params = Value::Object(scratch, 1);
      params.Set(entry->shorthand, raw, scratch);
    }
    if (!params.IsObject()) {
      --env.depth;
      return Status::ProjectError(step_where + ": expected an object of parameters " + std::string(entry->info.params));
    }
    SpecReader spec(params, step_where);
    Result<std::unique_ptr<Step>> step = entry->factory(spec, env);
    if (!step.ok()) {
      --env.depth;
      return step.status();
    }
    StepListInternal::Add(*out, std::move(step).value());
  }
  --env.depth;
  return out;
}

}  // namespace internal

std::span<const StepKindInfo> StepKinds() { return internal::KindInfos(); }

Result<std::shared_ptr<const StepList>> CompileSteps(const Value& list, const FunctionRegistry& functions,
                                                     const CompileStepsOptions& options) {
  internal::CompileEnv env{functions};
  auto r = internal::CompileList(list, options.path, env);
  if (!r.ok()) return r.status();
  return std::shared_ptr<const StepList>(std::move(r).value());
}

Result<std::shared_ptr<const StepList>> CompileSteps(const Value& list) {
  static const FunctionRegistry* const kNone = new FunctionRegistry();
  return CompileSteps(list, *kNone);
}

}  // namespace ferry
