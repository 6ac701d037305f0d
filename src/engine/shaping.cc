// Copyright (c) the Ferry authors.
//
// Record shaping (include/ferry/shaping.h): mapping, transforms and computed
// fields compile into one StepList of rename / set / when / call steps;
// filters are checked natively on the shaped record.

#include "ferry/shaping.h"

#include <algorithm>
#include <atomic>
#include <functional>

#include "common/json_builder.h"
#include "ferry/expr.h"
#include "transform/date_format.h"

namespace ferry {

namespace {

// "a.b\.c" -> {"a", "b.c"}.
std::vector<std::string> SplitPath(std::string_view path) {
  std::vector<std::string> parts(1);
  for (size_t i = 0; i < path.size(); ++i) {
    if (path[i] == '\\' && i + 1 < path.size() && path[i + 1] == '.') {
      parts.back().push_back('.');
      ++i;
    } else if (path[i] == '.') {
      parts.emplace_back();
    } else {
      parts.back().push_back(path[i]);
    }
  }
  return parts;
}

// The path as a step field path (dots escaped).
std::string JoinPath(const std::vector<std::string>& parts, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    if (i) out.push_back('.');
    for (char c : parts[i]) {
      if (c == '.') out.push_back('\\');
      out.push_back(c);
    }
  }
  return out;
}

// The path as an expression: $["a"]["b"].
std::string ExprPath(const std::vector<std::string>& parts) {
  std::string out = "$";
  for (const std::string& p : parts) {
    out.push_back('[');
    WriteJsonString(p, &out);
    out.push_back(']');
  }
  return out;
}

std::string ExprString(std::string_view s) {
  std::string out;
  WriteJsonString(s, &out);
  return out;
}

Status CheckPath(std::string_view what, std::string_view path) {
  if (path.empty()) return Status::InvalidArgument(std::string(what) + ": empty field name");
  for (const std::string& part : SplitPath(path)) {
    if (part.empty()) {
      return Status::InvalidArgument(std::string(what) + ": field path \"" + std::string(path) +
                                     "\" has an empty segment");
    }
  }
  return Status::OK();
}

const Value* Resolve(const Value& doc, const std::vector<std::string>& parts) {
  const Value* v = &doc;
  for (const std::string& p : parts) {
    if (!v->IsObject()) return nullptr;
    v = v->Find(p);
    if (v == nullptr) return nullptr;
  }
  return v;
}

std::string Pointer(const std::vector<std::string>& parts) {
  std::string out;
  for (const std::string& p : parts) AppendPointerToken(p, &out);
  return out;
}

bool ScalarText(const Value& v, std::string_view* out) {
  if (v.IsString()) *out = v.AsString();
  else if (v.IsNumber()) *out = v.NumberLiteral();
  else if (v.IsBool()) *out = v.AsBool() ? "true" : "false";
  else return false;
  return true;
}

bool InSet(const Value& v, const std::vector<std::string>& set) {
  std::string_view text;
  if (!ScalarText(v, &text)) return false;
  return std::find(set.begin(), set.end(), text) != set.end();
}

// Step JSON builders: each writes step objects into a JSON array.
using StepWriter = std::function<void(internal::JsonBuilder&)>;

void FieldStep(std::string_view kind, const std::string& field, internal::JsonBuilder& j) {
  j.Begin().Key(kind).Begin().Key("field").Str(field).End().End();
}

void SetStep(const std::string& field, const std::string& expr, internal::JsonBuilder& j) {
  j.Begin().Key("set").Begin().Key("field").Str(field).Key("expr").Str(expr).End().End();
}

// `add {field: prefix, value: {}}` for every ancestor of `parts` (an
// existing one is left alone), so `set` has an object to hold the field.
void AncestorSteps(const std::vector<std::string>& parts, internal::JsonBuilder& j) {
  for (size_t n = 1; n < parts.size(); ++n) {
    j.Begin().Key("add").Begin().Key("field").Str(JoinPath(parts, n)).Key("value").Begin().End().End().End();
  }
}

// Runs `then` only when the field exists (a missing field stays missing).
void WhenExists(const std::vector<std::string>& parts, const StepWriter& then, internal::JsonBuilder& j) {
  j.Begin().Key("when").Begin().Key("if").Str("exists(" + ExprPath(parts) + ")").Key("then").BeginArray();
  then(j);
  j.EndArray().End().End();
}

// The --fields paths as a tree: a node keeps its whole value, or only the
// members its children select.
struct FieldSelection {
  std::string name;
  bool whole = false;
  std::vector<FieldSelection> children;

  const FieldSelection* Find(std::string_view child) const {
    for (const FieldSelection& c : children) {
      if (c.name == child) return &c;
    }
    return nullptr;
  }
  FieldSelection* Add(const std::string& child) {
    for (FieldSelection& c : children) {
      if (c.name == child) return &c;
    }
    children.push_back(FieldSelection{child, false, {}});
    return &children.back();
  }
};

// Erases the members of `obj` that `selection` does not select.
void KeepSelected(Value& obj, const FieldSelection& selection) {
  for (size_t i = obj.size(); i-- > 0;) {
    Member& m = obj.members()[i];
    const FieldSelection* selected = selection.Find(m.key.AsString());
    if (selected != nullptr && selected->whole) continue;
    if (selected != nullptr && m.value.IsObject()) {
      KeepSelected(m.value, *selected);
      continue;
    }
    obj.EraseMemberAt(i);
  }
}

void RemovePath(Value& doc, const std::vector<std::string>& parts) {
  Value* parent = &doc;
  for (size_t i = 0; i + 1 < parts.size() && parent != nullptr; ++i) {
    parent = parent->IsObject() ? parent->Find(parts[i]) : nullptr;
  }
  if (parent != nullptr && parent->IsObject()) parent->Remove(parts.back());
}

// Whether `doc` has the member at `parts` (each step an object member).
bool HasPath(const Value& doc, const std::vector<std::string>& parts) {
  const Value* at = &doc;
  for (const std::string& part : parts) {
    at = at->IsObject() ? at->Find(part) : nullptr;
    if (at == nullptr) return false;
  }
  return true;
}

struct CompiledRange {
  std::vector<std::string> parts;
  std::string field;
  bool has_from = false, has_to = false;
  internal::Instant from, to;
};
struct CompiledSet {
  std::vector<std::string> parts;
  std::vector<std::string> values;
};
struct CompiledTags {
  std::vector<std::string> parts;
  std::vector<std::string> values;
  bool all = false;
};

}  // namespace

const char* FieldTransformKindName(FieldTransform::Kind kind) {
  switch (kind) {
    case FieldTransform::Kind::kTrim: return "trim";
    case FieldTransform::Kind::kLower: return "lower";
    case FieldTransform::Kind::kUpper: return "upper";
    case FieldTransform::Kind::kSplit: return "split";
    case FieldTransform::Kind::kDate: return "date";
    case FieldTransform::Kind::kCall: return "call";
  }
  return "?";
}

struct Shaper::Impl {
  struct Entry {
    std::string label;        // "parse-date signup", names the entry in errors
    bool generated = false;   // its expression is Ferry's, not the user's
    std::shared_ptr<const StepList> steps;
  };
  std::vector<Entry> entries;
  std::string steps_json;
  std::vector<CompiledRange> ranges;
  std::vector<CompiledSet> sets;
  std::vector<CompiledTags> tags;
  std::vector<std::unique_ptr<const Expression>> where;
  FilterOn filter_on = FilterOn::kTarget;
  bool select_fields = false;  // --fields given: keep only `fields`
  FieldSelection fields;
  std::vector<std::vector<std::string>> exclude;
  // Every --fields then --exclude path ("--fields a.b"), its steps, and
  // whether a record given to Project() had it (set by any worker).
  std::vector<std::string> projection_labels;
  std::vector<std::vector<std::string>> projection_parts;
  std::unique_ptr<std::atomic<bool>[]> projection_matched;
};

namespace {

// --fields and --exclude into `impl`. Errors: INVALID_ARGUMENT naming the
// entry (an empty path or segment).
Status CompileProjection(const ShapingSpec& spec, Shaper::Impl* impl) {
  for (const std::string& f : spec.fields) {
    FERRY_RETURN_IF_ERROR(CheckPath("fields " + f, f));
    FieldSelection* node = &impl->fields;
    for (const std::string& part : SplitPath(f)) node = node->Add(part);
    node->whole = true;
    impl->select_fields = true;
    impl->projection_labels.push_back("--fields " + f);
    impl->projection_parts.push_back(SplitPath(f));
  }
  for (const std::string& f : spec.exclude) {
    FERRY_RETURN_IF_ERROR(CheckPath("exclude " + f, f));
    impl->exclude.push_back(SplitPath(f));
    impl->projection_labels.push_back("--exclude " + f);
    impl->projection_parts.push_back(SplitPath(f));
  }
  impl->projection_matched = std::make_unique<std::atomic<bool>[]>(impl->projection_parts.size());
  return Status::OK();
}

}  // namespace

Shaper::Shaper(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Shaper::~Shaper() = default;

bool Shaper::has_steps() const { return !impl_->entries.empty(); }
bool Shaper::has_filters() const {
  return !impl_->ranges.empty() || !impl_->sets.empty() || !impl_->tags.empty() || !impl_->where.empty();
}
FilterOn Shaper::filter_on() const { return impl_->filter_on; }
bool Shaper::has_projection() const { return impl_->select_fields || !impl_->exclude.empty(); }

bool Shaper::projects_out(std::string_view name) const {
  if (impl_->select_fields && impl_->fields.Find(name) == nullptr) return true;
  for (const std::vector<std::string>& parts : impl_->exclude) {
    if (parts.size() == 1 && parts[0] == name) return true;
  }
  return false;
}

void Shaper::Project(Value& doc) const {
  if (!doc.IsObject()) return;
  for (size_t i = 0; i < impl_->projection_parts.size(); ++i) {
    std::atomic<bool>& matched = impl_->projection_matched[i];
    if (!matched.load(std::memory_order_relaxed) && HasPath(doc, impl_->projection_parts[i])) {
      matched.store(true, std::memory_order_relaxed);
    }
  }
  if (impl_->select_fields) KeepSelected(doc, impl_->fields);
  for (const std::vector<std::string>& parts : impl_->exclude) RemovePath(doc, parts);
}
const std::string& Shaper::steps_json() const { return impl_->steps_json; }

std::vector<std::string> Shaper::UnmatchedProjectionPaths() const {
  std::vector<std::string> unmatched;
  for (size_t i = 0; i < impl_->projection_parts.size(); ++i) {
    if (!impl_->projection_matched[i].load(std::memory_order_relaxed)) unmatched.push_back(impl_->projection_labels[i]);
  }
  return unmatched;
}

namespace {

// Compiles each shaping entry into its StepList and appends it to the
// shaper's steps JSON.
class StepCompiler {
 public:
  StepCompiler(Shaper::Impl* impl, const FunctionRegistry* functions)
      : impl_(impl), functions_(functions), all_(&impl->steps_json) {
    impl_->steps_json.clear();
    all_.BeginArray();
  }

  // One entry's steps, as `write` writes them.
  Status Add(const std::string& label, bool generated, const StepWriter& write) {
    internal::JsonBuilder j;
    write(j.BeginArray());
    const std::string list = j.EndArray().Take();
    all_.Json(list);
    Arena arena;
    JsonParser parser;
    auto parsed = parser.Parse(list, arena);
    if (!parsed.ok()) return Status::Internal("shaping: bad step list: " + parsed.status().message());
    CompileStepsOptions options;
    options.path = label;
    auto compiled = CompileSteps(parsed.value(), functions_ != nullptr ? *functions_ : none_, options);
    if (!compiled.ok()) return Status::InvalidArgument(compiled.status().message());
    impl_->entries.push_back({label, generated, compiled.value()});
    return Status::OK();
  }

  void Finish() { all_.EndArray(); }
  const FunctionRegistry* functions() const { return functions_; }

 private:
  Shaper::Impl* impl_;
  const FunctionRegistry* functions_;
  FunctionRegistry none_;
  internal::JsonBuilder all_;  // the shaper's steps JSON: one array per entry
};

// map FROM=TO: a rename within one object, else copy then remove.
Status CompileMap(const std::string& from, const std::string& to, StepCompiler& steps) {
  std::string what = "map " + from + "=" + to;
  FERRY_RETURN_IF_ERROR(CheckPath(what, from));
  FERRY_RETURN_IF_ERROR(CheckPath(what, to));
  std::vector<std::string> a = SplitPath(from), b = SplitPath(to);
  if (a.size() == b.size() && std::equal(a.begin(), a.end() - 1, b.begin())) {
    return steps.Add(what, false, [&](internal::JsonBuilder& j) {
      j.Begin().Key("rename").Begin().Key("from").Str(from).Key("to").Str(to).End().End();
    });
  }
  // Moves across objects: copy, then remove the old field.
  auto then = [&](internal::JsonBuilder& j) {
    AncestorSteps(b, j);
    SetStep(to, ExprPath(a), j);
    FieldStep("remove", from, j);
  };
  return steps.Add(what, true, [&](internal::JsonBuilder& j) { WhenExists(a, then, j); });
}

// A call transform's function must be registered.
Status CheckFunction(const std::string& what, const std::string& name, const FunctionRegistry* functions) {
  if (functions != nullptr && functions->Find(name) != nullptr) return Status::OK();
  std::string known;
  if (functions != nullptr) {
    for (const std::string& n : functions->Names()) known += (known.empty() ? "" : ", ") + n;
  }
  return Status::InvalidArgument(what + ": unknown function \"" + name + "\" (registered: " +
                                 (known.empty() ? "none" : known) + ")");
}

// `set field = expr`, only when the field exists.
StepWriter SetWhenExists(const std::vector<std::string>& parts, const std::string& field, const std::string& expr) {
  return [parts, field, expr](internal::JsonBuilder& j) {
    WhenExists(parts, [&](internal::JsonBuilder& then) { SetStep(field, expr, then); }, j);
  };
}

Status CompileTransform(const FieldTransform& t, StepCompiler& steps) {
  std::string what = std::string(FieldTransformKindName(t.kind)) + " " + t.field;
  FERRY_RETURN_IF_ERROR(CheckPath(what, t.field));
  std::vector<std::string> parts = SplitPath(t.field);
  switch (t.kind) {
    case FieldTransform::Kind::kTrim:
    case FieldTransform::Kind::kLower:
    case FieldTransform::Kind::kUpper:
      return steps.Add(what, false, [&](internal::JsonBuilder& j) { FieldStep(FieldTransformKindName(t.kind), t.field, j); });
    case FieldTransform::Kind::kSplit: {
      std::string sep = t.arg.empty() ? "," : t.arg;
      return steps.Add(what, true, SetWhenExists(parts, t.field, "split_trim(" + ExprPath(parts) + ", " + ExprString(sep) + ")"));
    }
    case FieldTransform::Kind::kDate: {
      std::string bad = internal::CheckDateFormat(t.arg);
      if (!bad.empty()) return Status::InvalidArgument(what + ": bad date format \"" + t.arg + "\": " + bad);
      return steps.Add(what, true, SetWhenExists(parts, t.field, "parse_date(" + ExprPath(parts) + ", " + ExprString(t.arg) + ")"));
    }
    case FieldTransform::Kind::kCall:
      FERRY_RETURN_IF_ERROR(CheckFunction(what, t.arg, steps.functions()));
      return steps.Add(what, false, [&](internal::JsonBuilder& j) {
        j.Begin().Key("call").Begin().Key("function").Str(t.arg).Key("args").Begin().Key("field").Str(t.field);
        j.End().End().End();
      });
  }
  return Status::OK();
}

Status CompileComputed(const std::string& field, const std::string& expr, StepCompiler& steps) {
  std::string what = "compute " + field;
  FERRY_RETURN_IF_ERROR(CheckPath(what, field));
  auto compiled = Expression::Compile(expr);
  if (!compiled.ok()) return Status::InvalidArgument(what + ": " + compiled.status().message());
  return steps.Add(what, false, [&](internal::JsonBuilder& j) {
    AncestorSteps(SplitPath(field), j);
    SetStep(field, expr, j);
  });
}

// One end of a date range: an ISO 8601 date or datetime.
Status ParseRangeEnd(const std::string& what, const std::string& text, internal::Instant* at, bool* has) {
  if (text.empty()) return Status::OK();
  if (!internal::ParseIsoInstant(text, at)) {
    return Status::InvalidArgument(what + ": \"" + text +
                                   "\" is not an ISO 8601 date or datetime (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ)");
  }
  *has = true;
  return Status::OK();
}

Status CompileDateRange(const DateRangeFilter& r, CompiledRange* c) {
  std::string what = "date range " + r.field;
  FERRY_RETURN_IF_ERROR(CheckPath(what, r.field));
  c->field = r.field;
  c->parts = SplitPath(r.field);
  if (r.from.empty() && r.to.empty()) return Status::InvalidArgument(what + ": give FROM, TO or both (FROM..TO)");
  FERRY_RETURN_IF_ERROR(ParseRangeEnd(what, r.from, &c->from, &c->has_from));
  FERRY_RETURN_IF_ERROR(ParseRangeEnd(what, r.to, &c->to, &c->has_to));
  if (c->has_from && c->has_to && !(c->from < c->to)) {
    return Status::InvalidArgument(what + ": FROM must be before TO (FROM is inclusive, TO exclusive)");
  }
  return Status::OK();
}

// Mapping, transforms and computed fields, in that order, into steps.
Status CompileShapingSteps(const ShapingSpec& spec, Shaper::Impl* impl, const FunctionRegistry* functions) {
  StepCompiler steps(impl, functions);
  for (const auto& [from, to] : spec.map) FERRY_RETURN_IF_ERROR(CompileMap(from, to, steps));
  for (const FieldTransform& t : spec.transforms) FERRY_RETURN_IF_ERROR(CompileTransform(t, steps));
  for (const auto& [field, expr] : spec.compute) FERRY_RETURN_IF_ERROR(CompileComputed(field, expr, steps));
  steps.Finish();
  return Status::OK();
}

// Date ranges, value sets, tags and where expressions.
Status CompileFilters(const ShapingSpec& spec, Shaper::Impl* impl) {
  for (const DateRangeFilter& r : spec.date_ranges) {
    CompiledRange c;
    FERRY_RETURN_IF_ERROR(CompileDateRange(r, &c));
    impl->ranges.push_back(std::move(c));
  }
  for (const ValueSetFilter& f : spec.in) {
    FERRY_RETURN_IF_ERROR(CheckPath("in " + f.field, f.field));
    if (f.values.empty()) return Status::InvalidArgument("in " + f.field + ": no values");
    impl->sets.push_back({SplitPath(f.field), f.values});
  }
  for (const TagsFilter& f : spec.tags) {
    std::string what = std::string(f.all ? "tags-all " : "tags-any ") + f.field;
    FERRY_RETURN_IF_ERROR(CheckPath(what, f.field));
    if (f.values.empty()) return Status::InvalidArgument(what + ": no values");
    impl->tags.push_back({SplitPath(f.field), f.values, f.all});
  }
  for (const std::string& w : spec.where) {
    auto compiled = Expression::Compile(w);
    if (!compiled.ok()) return Status::InvalidArgument("where \"" + w + "\": " + compiled.status().message());
    impl->where.push_back(std::move(compiled).value());
  }
  return Status::OK();
}

}  // namespace

Result<std::unique_ptr<const Shaper>> Shaper::Compile(const ShapingSpec& spec, const FunctionRegistry* functions) {
  auto impl = std::make_unique<Impl>();
  impl->filter_on = spec.filter_on;
  FERRY_RETURN_IF_ERROR(CompileShapingSteps(spec, impl.get(), functions));
  FERRY_RETURN_IF_ERROR(CompileFilters(spec, impl.get()));
  FERRY_RETURN_IF_ERROR(CompileProjection(spec, impl.get()));
  return std::unique_ptr<const Shaper>(new Shaper(std::move(impl)));
}

Shaper::Outcome Shaper::Apply(Value& doc, StepContext& ctx, StepError* error) const {
  Outcome reshaped = Reshape(doc, ctx, error);
  return reshaped == Outcome::kKeep ? Select(doc, ctx, error) : reshaped;
}

Shaper::Outcome Shaper::Reshape(Value& doc, StepContext& ctx, StepError* error) const {
  for (const Impl::Entry& entry : impl_->entries) {
    ctx.Reset(ctx.arena());
    Value complement;
    Status s = entry.steps->ApplyForward(doc, ctx, &complement);
    if (s.ok()) continue;
    error->pointer = ctx.error().pointer;
    std::string message = ctx.error().message.empty() ? s.message() : ctx.error().message;
    if (entry.generated) {
      // "set: expression '<Ferry's own text>': column N: <what>" -> "<what>".
      size_t at = message.find("': column ");
      if (at != std::string::npos) at = message.find(": ", at + 3);
      if (at != std::string::npos) message = message.substr(at + 2);
    }
    error->message = entry.label + ": " + message;
    return Outcome::kReject;
  }
  return Outcome::kKeep;
}

Shaper::Outcome Shaper::Select(const Value& doc, StepContext& ctx, StepError* error) const {
  for (const CompiledRange& r : impl_->ranges) {
    const Value* v = Resolve(doc, r.parts);
    if (v == nullptr || v->IsNull()) return Outcome::kFiltered;
    internal::Instant t;
    if (!v->IsString() || !internal::ParseIsoInstant(v->AsString(), &t)) {
      error->pointer = Pointer(r.parts);
      std::string shown;
      WriteJson(*v, &shown);
      if (shown.size() > 60) shown = shown.substr(0, 60) + "...";
      error->message = "date range on \"" + r.field + "\": " + shown +
                       " is not an ISO 8601 date or datetime; convert it first (--parse-date FIELD=FORMAT)";
      return Outcome::kReject;
    }
    if ((r.has_from && t < r.from) || (r.has_to && r.to <= t)) return Outcome::kFiltered;
  }
  for (const CompiledSet& f : impl_->sets) {
    const Value* v = Resolve(doc, f.parts);
    if (v == nullptr || !InSet(*v, f.values)) return Outcome::kFiltered;
  }
  for (const CompiledTags& f : impl_->tags) {
    const Value* v = Resolve(doc, f.parts);
    std::vector<const Value*> items;
    if (v != nullptr && v->IsArray()) {
      for (const Value& e : *v) items.push_back(&e);
    } else if (v != nullptr && !v->IsNull()) {
      items.push_back(v);
    }
    auto has = [&](const std::string& want) {
      for (const Value* e : items) {
        std::string_view text;
        if (ScalarText(*e, &text) && text == want) return true;
      }
      return false;
    };
    bool ok = f.all ? std::all_of(f.values.begin(), f.values.end(), has)
                    : std::any_of(f.values.begin(), f.values.end(), has);
    if (!ok) return Outcome::kFiltered;
  }
  for (const auto& w : impl_->where) {
    bool keep = false;
    Status s = w->EvaluateCondition(doc, ctx.arena(), &keep);
    if (!s.ok()) {
      error->pointer.clear();
      error->message = "where: " + s.message();
      return Outcome::kReject;
    }
    if (!keep) return Outcome::kFiltered;
  }
  return Outcome::kKeep;
}

// --- JSON form ------------------------------------------------------------------

namespace {

Status ReadString(const Value& v, const std::string& where, std::string* out) {
  if (!v.IsString()) return Status::InvalidArgument(where + ": expected a string");
  *out = std::string(v.AsString());
  return Status::OK();
}

Status ReadValues(const Value* v, const std::string& where, std::vector<std::string>* out) {
  if (v == nullptr || !v->IsArray()) return Status::InvalidArgument(where + ".values: expected an array");
  for (size_t i = 0; i < v->size(); ++i) {
    const Value& e = (*v)[i];
    std::string_view text;
    if (!ScalarText(e, &text)) {
      return Status::InvalidArgument(where + ".values[" + std::to_string(i) + "]: expected a string, number or boolean");
    }
    out->emplace_back(text);
  }
  return Status::OK();
}

Status CheckMembers(const Value& v, const std::string& where, std::initializer_list<std::string_view> allowed) {
  if (!v.IsObject()) return Status::InvalidArgument(where + ": expected an object");
  for (const Member* m = v.members(); m != v.members_end(); ++m) {
    if (std::find(allowed.begin(), allowed.end(), m->key.AsString()) == allowed.end()) {
      std::string list;
      for (std::string_view a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
      return Status::InvalidArgument(where + ": unknown member \"" + std::string(m->key.AsString()) + "\" (known: " +
                                     list + ")");
    }
  }
  return Status::OK();
}

Status ReadPairs(const Value* v, const std::string& where, std::vector<std::pair<std::string, std::string>>* out) {
  if (v == nullptr) return Status::OK();
  if (!v->IsObject()) return Status::InvalidArgument(where + ": expected an object");
  for (const Member* m = v->members(); m != v->members_end(); ++m) {
    std::string value;
    FERRY_RETURN_IF_ERROR(ReadString(m->value, where + "." + std::string(m->key.AsString()), &value));
    out->emplace_back(std::string(m->key.AsString()), value);
  }
  return Status::OK();
}

using internal::JsonBuilder;

void AppendPairs(const std::vector<std::pair<std::string, std::string>>& pairs, JsonBuilder& j) {
  j.Begin();
  for (const auto& [name, value] : pairs) j.Key(name).Str(value);
  j.End();
}

void AppendTransforms(const std::vector<FieldTransform>& transforms, JsonBuilder& j) {
  j.BeginArray();
  for (const FieldTransform& t : transforms) {
    j.Begin().Key("field").Str(t.field).Key("op").Str(FieldTransformKindName(t.kind));
    if (!t.arg.empty()) j.Key("arg").Str(t.arg);
    j.End();
  }
  j.EndArray();
}

void AppendDateRanges(const std::vector<DateRangeFilter>& ranges, JsonBuilder& j) {
  j.BeginArray();
  for (const DateRangeFilter& r : ranges) {
    j.Begin().Key("field").Str(r.field);
    if (!r.from.empty()) j.Key("from").Str(r.from);
    if (!r.to.empty()) j.Key("to").Str(r.to);
    j.End();
  }
  j.EndArray();
}

// {"field":...,"values":[...]}
void AppendFieldValues(const std::string& field, const std::vector<std::string>& values, JsonBuilder& j) {
  j.Begin().Key("field").Str(field).Key("values").Strings(values).End();
}

void AppendValueSets(const std::vector<ValueSetFilter>& sets, JsonBuilder& j) {
  j.BeginArray();
  for (const ValueSetFilter& set : sets) AppendFieldValues(set.field, set.values, j);
  j.EndArray();
}

// "tags_all" (all) or "tags_any": the tags filters of that kind, if any.
void AppendTags(const std::vector<TagsFilter>& tags, bool all, JsonBuilder& j) {
  bool any = false;
  for (const TagsFilter& t : tags) {
    if (t.all != all) continue;
    if (!any) j.Key(all ? "tags_all" : "tags_any").BeginArray();
    any = true;
    AppendFieldValues(t.field, t.values, j);
  }
  if (any) j.EndArray();
}

void AppendFilters(const ShapingSpec& spec, JsonBuilder& j) {
  j.Begin();
  if (!spec.date_ranges.empty()) AppendDateRanges(spec.date_ranges, j.Key("date_range"));
  if (!spec.in.empty()) AppendValueSets(spec.in, j.Key("in"));
  AppendTags(spec.tags, false, j);
  AppendTags(spec.tags, true, j);
  if (!spec.where.empty()) j.Key("where").Strings(spec.where);
  j.End();
}

// --- reading the JSON form ---

Status ParseTransformOp(const std::string& name, const std::string& where, FieldTransform::Kind* kind) {
  using Kind = FieldTransform::Kind;
  for (Kind k : {Kind::kTrim, Kind::kLower, Kind::kUpper, Kind::kSplit, Kind::kDate, Kind::kCall}) {
    if (name == FieldTransformKindName(k)) {
      *kind = k;
      return Status::OK();
    }
  }
  return Status::InvalidArgument(where + ": unknown op \"" + name + "\" (trim, lower, upper, split, date, call)");
}

Status ParseTransform(const Value& t, const std::string& where, FieldTransform* ft) {
  FERRY_RETURN_IF_ERROR(CheckMembers(t, where, {"field", "op", "arg"}));
  const Value* field = t.Find("field");
  const Value* op = t.Find("op");
  if (field == nullptr || op == nullptr) return Status::InvalidArgument(where + ": needs \"field\" and \"op\"");
  FERRY_RETURN_IF_ERROR(ReadString(*field, where + ".field", &ft->field));
  std::string name;
  FERRY_RETURN_IF_ERROR(ReadString(*op, where + ".op", &name));
  FERRY_RETURN_IF_ERROR(ParseTransformOp(name, where, &ft->kind));
  if (const Value* arg = t.Find("arg")) FERRY_RETURN_IF_ERROR(ReadString(*arg, where + ".arg", &ft->arg));
  if ((ft->kind == FieldTransform::Kind::kDate || ft->kind == FieldTransform::Kind::kCall) && ft->arg.empty()) {
    return Status::InvalidArgument(where + ": op \"" + name + "\" needs \"arg\"");
  }
  return Status::OK();
}

Status ParseTransforms(const Value* ts, std::vector<FieldTransform>* out) {
  if (ts == nullptr) return Status::OK();
  if (!ts->IsArray()) return Status::InvalidArgument("shaping.transforms: expected an array");
  for (size_t i = 0; i < ts->size(); ++i) {
    FieldTransform ft;
    FERRY_RETURN_IF_ERROR(ParseTransform((*ts)[i], "shaping.transforms[" + std::to_string(i) + "]", &ft));
    out->push_back(std::move(ft));
  }
  return Status::OK();
}

// "fields" / "exclude": an array of field names.
Status ParseFieldNames(const Value& root, const char* name, std::vector<std::string>* list) {
  const Value* v = root.Find(name);
  if (v == nullptr) return Status::OK();
  const std::string where = std::string("shaping.") + name;
  if (!v->IsArray()) return Status::InvalidArgument(where + ": expected an array of field names");
  for (size_t i = 0; i < v->size(); ++i) {
    list->emplace_back();
    FERRY_RETURN_IF_ERROR(ReadString((*v)[i], where + "[" + std::to_string(i) + "]", &list->back()));
  }
  return Status::OK();
}

Status ParseFilterOn(const Value* on, FilterOn* out) {
  if (on == nullptr) return Status::OK();
  std::string name;
  FERRY_RETURN_IF_ERROR(ReadString(*on, "shaping.filter_on", &name));
  if (name == "source") *out = FilterOn::kSource;
  else if (name != "target") return Status::InvalidArgument("shaping.filter_on: \"" + name + "\": use \"target\" or \"source\"");
  return Status::OK();
}

// Calls fn(element, where) for each element of the array filters[name].
template <typename F>
Status ForEachFilter(const Value& filters, const char* name, F fn) {
  const Value* list = filters.Find(name);
  if (list == nullptr) return Status::OK();
  std::string base = std::string("shaping.filters.") + name;
  if (!list->IsArray()) return Status::InvalidArgument(base + ": expected an array");
  for (size_t i = 0; i < list->size(); ++i) {
    FERRY_RETURN_IF_ERROR(fn((*list)[i], base + "[" + std::to_string(i) + "]"));
  }
  return Status::OK();
}

Status ParseDateRange(const Value& e, const std::string& where, DateRangeFilter* r) {
  FERRY_RETURN_IF_ERROR(CheckMembers(e, where, {"field", "from", "to"}));
  const Value* field = e.Find("field");
  if (field == nullptr) return Status::InvalidArgument(where + ": needs \"field\"");
  FERRY_RETURN_IF_ERROR(ReadString(*field, where + ".field", &r->field));
  if (const Value* v = e.Find("from")) FERRY_RETURN_IF_ERROR(ReadString(*v, where + ".from", &r->from));
  if (const Value* v = e.Find("to")) FERRY_RETURN_IF_ERROR(ReadString(*v, where + ".to", &r->to));
  return Status::OK();
}

Status ParseFieldValues(const Value& e, const std::string& where, std::string* field,
                        std::vector<std::string>* values) {
  FERRY_RETURN_IF_ERROR(CheckMembers(e, where, {"field", "values"}));
  const Value* fv = e.Find("field");
  if (fv == nullptr) return Status::InvalidArgument(where + ": needs \"field\"");
  FERRY_RETURN_IF_ERROR(ReadString(*fv, where + ".field", field));
  return ReadValues(e.Find("values"), where, values);
}

Status ParseFilters(const Value* f, ShapingSpec* spec) {
  if (f == nullptr) return Status::OK();
  FERRY_RETURN_IF_ERROR(CheckMembers(*f, "shaping.filters", {"date_range", "in", "tags_any", "tags_all", "where"}));
  FERRY_RETURN_IF_ERROR(ForEachFilter(*f, "date_range", [&](const Value& e, const std::string& where) {
    return ParseDateRange(e, where, &spec->date_ranges.emplace_back());
  }));
  FERRY_RETURN_IF_ERROR(ForEachFilter(*f, "in", [&](const Value& e, const std::string& where) {
    ValueSetFilter& s = spec->in.emplace_back();
    return ParseFieldValues(e, where, &s.field, &s.values);
  }));
  for (bool all : {false, true}) {
    FERRY_RETURN_IF_ERROR(ForEachFilter(*f, all ? "tags_all" : "tags_any", [&](const Value& e, const std::string& where) {
      TagsFilter& t = spec->tags.emplace_back();
      t.all = all;
      return ParseFieldValues(e, where, &t.field, &t.values);
    }));
  }
  return ForEachFilter(*f, "where", [&](const Value& e, const std::string& where) {
    return ReadString(e, where, &spec->where.emplace_back());
  });
}

}  // namespace

std::string ShapingToJson(const ShapingSpec& spec) {
  internal::JsonBuilder j;
  j.Begin();
  if (!spec.map.empty()) AppendPairs(spec.map, j.Key("map"));
  if (!spec.transforms.empty()) AppendTransforms(spec.transforms, j.Key("transforms"));
  if (!spec.compute.empty()) AppendPairs(spec.compute, j.Key("compute"));
  if (!spec.date_ranges.empty() || !spec.in.empty() || !spec.tags.empty() || !spec.where.empty()) {
    AppendFilters(spec, j.Key("filters"));
  }
  if (spec.filter_on == FilterOn::kSource) j.Key("filter_on").Str("source");
  if (!spec.fields.empty()) j.Key("fields").Strings(spec.fields);
  if (!spec.exclude.empty()) j.Key("exclude").Strings(spec.exclude);
  return j.End().Take();
}

Result<ShapingSpec> ParseShaping(std::string_view json) {
  Arena arena;
  JsonParser parser;
  auto parsed = parser.Parse(json, arena);
  if (!parsed.ok()) return Status::InvalidArgument("shaping: not valid JSON: " + parsed.status().message());
  const Value& root = parsed.value();
  FERRY_RETURN_IF_ERROR(CheckMembers(root, "shaping",
                                     {"map", "transforms", "compute", "filters", "filter_on", "fields", "exclude"}));
  ShapingSpec spec;
  FERRY_RETURN_IF_ERROR(ReadPairs(root.Find("map"), "shaping.map", &spec.map));
  FERRY_RETURN_IF_ERROR(ReadPairs(root.Find("compute"), "shaping.compute", &spec.compute));
  FERRY_RETURN_IF_ERROR(ParseTransforms(root.Find("transforms"), &spec.transforms));
  FERRY_RETURN_IF_ERROR(ParseFieldNames(root, "fields", &spec.fields));
  FERRY_RETURN_IF_ERROR(ParseFieldNames(root, "exclude", &spec.exclude));
  FERRY_RETURN_IF_ERROR(ParseFilterOn(root.Find("filter_on"), &spec.filter_on));
  FERRY_RETURN_IF_ERROR(ParseFilters(root.Find("filters"), &spec));
  return spec;
}

}  // namespace ferry
