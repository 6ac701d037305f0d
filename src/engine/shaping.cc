// Copyright (c) the Ferry authors.
//
// Record shaping (include/ferry/shaping.h): mapping, transforms and computed
// fields compile into one StepList of rename / set / when / call steps;
// filters are checked natively on the shaped record.

#include "ferry/shaping.h"

#include <algorithm>
#include <atomic>

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

// Step JSON builders.
std::string FieldStep(std::string_view kind, const std::string& field) {
  return "{\"" + std::string(kind) + "\":{\"field\":" + ExprString(field) + "}}";
}

std::string SetStep(const std::string& field, const std::string& expr) {
  return "{\"set\":{\"field\":" + ExprString(field) + ",\"expr\":" + ExprString(expr) + "}}";
}

// `add {field: prefix, value: {}}` for every ancestor of `parts` (an
// existing one is left alone), so `set` has an object to hold the field.
std::string AncestorSteps(const std::vector<std::string>& parts) {
  std::string out;
  for (size_t n = 1; n < parts.size(); ++n) {
    if (!out.empty()) out.push_back(',');
    out += "{\"add\":{\"field\":" + ExprString(JoinPath(parts, n)) + ",\"value\":{}}}";
  }
  return out;
}

// Runs `then` only when the field exists (a missing field stays missing).
std::string WhenExists(const std::vector<std::string>& parts, const std::string& then) {
  return "{\"when\":{\"if\":" + ExprString("exists(" + ExprPath(parts) + ")") + ",\"then\":[" + then + "]}}";
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

Result<std::unique_ptr<const Shaper>> Shaper::Compile(const ShapingSpec& spec, const FunctionRegistry* functions) {
  auto impl = std::make_unique<Impl>();
  impl->filter_on = spec.filter_on;
  FunctionRegistry none;
  impl->steps_json = "[";
  // Compiles one entry's steps (a comma-separated list of step objects).
  auto add = [&](const std::string& label, bool generated, const std::string& steps) -> Status {
    std::string list = "[" + steps + "]";
    if (impl->steps_json.size() > 1) impl->steps_json.push_back(',');
    impl->steps_json += list;
    Arena arena;
    JsonParser parser;
    auto parsed = parser.Parse(list, arena);
    if (!parsed.ok()) return Status::Internal("shaping: bad step list: " + parsed.status().message());
    CompileStepsOptions options;
    options.path = label;
    auto compiled = CompileSteps(parsed.value(), functions != nullptr ? *functions : none, options);
    if (!compiled.ok()) return Status::InvalidArgument(compiled.status().message());
    impl->entries.push_back({label, generated, compiled.value()});
    return Status::OK();
  };
  for (const auto& [from, to] : spec.map) {
    std::string what = "map " + from + "=" + to;
    FERRY_RETURN_IF_ERROR(CheckPath(what, from));
    FERRY_RETURN_IF_ERROR(CheckPath(what, to));
    std::vector<std::string> a = SplitPath(from), b = SplitPath(to);
    if (a.size() == b.size() && std::equal(a.begin(), a.end() - 1, b.begin())) {
      FERRY_RETURN_IF_ERROR(
          add(what, false, "{\"rename\":{\"from\":" + ExprString(from) + ",\"to\":" + ExprString(to) + "}}"));
    } else {
      // Moves across objects: copy, then remove the old field.
      std::string then = AncestorSteps(b);
      if (!then.empty()) then.push_back(',');
      then += SetStep(to, ExprPath(a)) + ",{\"remove\":{\"field\":" + ExprString(from) + "}}";
      FERRY_RETURN_IF_ERROR(add(what, true, WhenExists(a, then)));
    }
  }
  for (const FieldTransform& t : spec.transforms) {
    std::string what = std::string(FieldTransformKindName(t.kind)) + " " + t.field;
    FERRY_RETURN_IF_ERROR(CheckPath(what, t.field));
    std::vector<std::string> parts = SplitPath(t.field);
    switch (t.kind) {
      case FieldTransform::Kind::kTrim:
      case FieldTransform::Kind::kLower:
      case FieldTransform::Kind::kUpper:
        FERRY_RETURN_IF_ERROR(add(what, false, FieldStep(FieldTransformKindName(t.kind), t.field)));
        break;
      case FieldTransform::Kind::kSplit: {
        std::string sep = t.arg.empty() ? "," : t.arg;
        FERRY_RETURN_IF_ERROR(add(
            what, true, WhenExists(parts, SetStep(t.field, "split_trim(" + ExprPath(parts) + ", " + ExprString(sep) + ")"))));
        break;
      }
      case FieldTransform::Kind::kDate: {
        std::string bad = internal::CheckDateFormat(t.arg);
        if (!bad.empty()) return Status::InvalidArgument(what + ": bad date format \"" + t.arg + "\": " + bad);
        FERRY_RETURN_IF_ERROR(add(
            what, true,
            WhenExists(parts, SetStep(t.field, "parse_date(" + ExprPath(parts) + ", " + ExprString(t.arg) + ")"))));
        break;
      }
      case FieldTransform::Kind::kCall: {
        if (functions == nullptr || functions->Find(t.arg) == nullptr) {
          std::string known;
          if (functions != nullptr) {
            for (const std::string& n : functions->Names()) known += (known.empty() ? "" : ", ") + n;
          }
          return Status::InvalidArgument(what + ": unknown function \"" + t.arg + "\" (registered: " +
                                         (known.empty() ? "none" : known) + ")");
        }
        FERRY_RETURN_IF_ERROR(add(what, false,
                                  "{\"call\":{\"function\":" + ExprString(t.arg) + ",\"args\":{\"field\":" +
                                      ExprString(t.field) + "}}}"));
        break;
      }
    }
  }
  for (const auto& [field, expr] : spec.compute) {
    std::string what = "compute " + field;
    FERRY_RETURN_IF_ERROR(CheckPath(what, field));
    auto compiled = Expression::Compile(expr);
    if (!compiled.ok()) return Status::InvalidArgument(what + ": " + compiled.status().message());
    std::vector<std::string> parts = SplitPath(field);
    std::string steps = AncestorSteps(parts);
    if (!steps.empty()) steps.push_back(',');
    FERRY_RETURN_IF_ERROR(add(what, false, steps + SetStep(field, expr)));
  }
  impl->steps_json.push_back(']');
  for (const DateRangeFilter& r : spec.date_ranges) {
    std::string what = "date range " + r.field;
    FERRY_RETURN_IF_ERROR(CheckPath(what, r.field));
    CompiledRange c;
    c.field = r.field;
    c.parts = SplitPath(r.field);
    if (r.from.empty() && r.to.empty()) return Status::InvalidArgument(what + ": give FROM, TO or both (FROM..TO)");
    if (!r.from.empty()) {
      if (!internal::ParseIsoInstant(r.from, &c.from)) {
        return Status::InvalidArgument(what + ": \"" + r.from +
                                       "\" is not an ISO 8601 date or datetime (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ)");
      }
      c.has_from = true;
    }
    if (!r.to.empty()) {
      if (!internal::ParseIsoInstant(r.to, &c.to)) {
        return Status::InvalidArgument(what + ": \"" + r.to +
                                       "\" is not an ISO 8601 date or datetime (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ)");
      }
      c.has_to = true;
    }
    if (c.has_from && c.has_to && !(c.from < c.to)) {
      return Status::InvalidArgument(what + ": FROM must be before TO (FROM is inclusive, TO exclusive)");
    }
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

void AppendStringArray(const std::vector<std::string>& values, std::string* out) {
  out->push_back('[');
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) out->push_back(',');
    WriteJsonString(values[i], out);
  }
  out->push_back(']');
}

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

}  // namespace

std::string ShapingToJson(const ShapingSpec& spec) {
  std::string out = "{";
  bool first = true;
  auto member = [&](const char* name) {
    if (!first) out.push_back(',');
    first = false;
    WriteJsonString(name, &out);
    out.push_back(':');
  };
  auto pairs = [&](const std::vector<std::pair<std::string, std::string>>& v) {
    out.push_back('{');
    for (size_t i = 0; i < v.size(); ++i) {
      if (i) out.push_back(',');
      WriteJsonString(v[i].first, &out);
      out.push_back(':');
      WriteJsonString(v[i].second, &out);
    }
    out.push_back('}');
  };
  if (!spec.map.empty()) {
    member("map");
    pairs(spec.map);
  }
  if (!spec.transforms.empty()) {
    member("transforms");
    out.push_back('[');
    for (size_t i = 0; i < spec.transforms.size(); ++i) {
      const FieldTransform& t = spec.transforms[i];
      if (i) out.push_back(',');
      out.append("{\"field\":");
      WriteJsonString(t.field, &out);
      out.append(",\"op\":");
      WriteJsonString(FieldTransformKindName(t.kind), &out);
      if (!t.arg.empty()) {
        out.append(",\"arg\":");
        WriteJsonString(t.arg, &out);
      }
      out.push_back('}');
    }
    out.push_back(']');
  }
  if (!spec.compute.empty()) {
    member("compute");
    pairs(spec.compute);
  }
  bool any_filter = !spec.date_ranges.empty() || !spec.in.empty() || !spec.tags.empty() || !spec.where.empty();
  if (any_filter) {
    member("filters");
    std::string f = "{";
    auto fmember = [&](const char* name) {
      if (f.size() > 1) f.push_back(',');
      WriteJsonString(name, &f);
      f.push_back(':');
    };
    if (!spec.date_ranges.empty()) {
      fmember("date_range");
      f.push_back('[');
      for (size_t i = 0; i < spec.date_ranges.size(); ++i) {
        const DateRangeFilter& r = spec.date_ranges[i];
        if (i) f.push_back(',');
        f.append("{\"field\":");
        WriteJsonString(r.field, &f);
        if (!r.from.empty()) {
          f.append(",\"from\":");
          WriteJsonString(r.from, &f);
        }
        if (!r.to.empty()) {
          f.append(",\"to\":");
          WriteJsonString(r.to, &f);
        }
        f.push_back('}');
      }
      f.push_back(']');
    }
    auto field_values = [&](const char* name, auto pick) {
      std::string items;
      for (const TagsFilter& t : spec.tags) {
        if (!pick(t)) continue;
        if (!items.empty()) items.push_back(',');
        items.append("{\"field\":");
        WriteJsonString(t.field, &items);
        items.append(",\"values\":");
        AppendStringArray(t.values, &items);
        items.push_back('}');
      }
      if (items.empty()) return;
      fmember(name);
      f.append("[").append(items).append("]");
    };
    if (!spec.in.empty()) {
      fmember("in");
      f.push_back('[');
      for (size_t i = 0; i < spec.in.size(); ++i) {
        if (i) f.push_back(',');
        f.append("{\"field\":");
        WriteJsonString(spec.in[i].field, &f);
        f.append(",\"values\":");
        AppendStringArray(spec.in[i].values, &f);
        f.push_back('}');
      }
      f.push_back(']');
    }
    field_values("tags_any", [](const TagsFilter& t) { return !t.all; });
    field_values("tags_all", [](const TagsFilter& t) { return t.all; });
    if (!spec.where.empty()) {
      fmember("where");
      AppendStringArray(spec.where, &f);
    }
    f.push_back('}');
    out.append(f);
  }
  if (spec.filter_on == FilterOn::kSource) {
    member("filter_on");
    out.append("\"source\"");
  }
  if (!spec.fields.empty()) {
    member("fields");
    AppendStringArray(spec.fields, &out);
  }
  if (!spec.exclude.empty()) {
    member("exclude");
    AppendStringArray(spec.exclude, &out);
  }
  out.push_back('}');
  return out;
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
  if (const Value* ts = root.Find("transforms")) {
    if (!ts->IsArray()) return Status::InvalidArgument("shaping.transforms: expected an array");
    for (size_t i = 0; i < ts->size(); ++i) {
      std::string where = "shaping.transforms[" + std::to_string(i) + "]";
      const Value& t = (*ts)[i];
      FERRY_RETURN_IF_ERROR(CheckMembers(t, where, {"field", "op", "arg"}));
      FieldTransform ft;
      const Value* field = t.Find("field");
      const Value* op = t.Find("op");
      if (field == nullptr || op == nullptr) return Status::InvalidArgument(where + ": needs \"field\" and \"op\"");
      FERRY_RETURN_IF_ERROR(ReadString(*field, where + ".field", &ft.field));
      std::string name;
      FERRY_RETURN_IF_ERROR(ReadString(*op, where + ".op", &name));
      if (name == "trim") ft.kind = FieldTransform::Kind::kTrim;
      else if (name == "lower") ft.kind = FieldTransform::Kind::kLower;
      else if (name == "upper") ft.kind = FieldTransform::Kind::kUpper;
      else if (name == "split") ft.kind = FieldTransform::Kind::kSplit;
      else if (name == "date") ft.kind = FieldTransform::Kind::kDate;
      else if (name == "call") ft.kind = FieldTransform::Kind::kCall;
      else return Status::InvalidArgument(where + ": unknown op \"" + name + "\" (trim, lower, upper, split, date, call)");
      if (const Value* arg = t.Find("arg")) FERRY_RETURN_IF_ERROR(ReadString(*arg, where + ".arg", &ft.arg));
      if ((ft.kind == FieldTransform::Kind::kDate || ft.kind == FieldTransform::Kind::kCall) && ft.arg.empty()) {
        return Status::InvalidArgument(where + ": op \"" + name + "\" needs \"arg\"");
      }
      spec.transforms.push_back(std::move(ft));
    }
  }
  for (auto [name, list] : {std::pair{"fields", &spec.fields}, std::pair{"exclude", &spec.exclude}}) {
    const Value* v = root.Find(name);
    if (v == nullptr) continue;
    const std::string where = std::string("shaping.") + name;
    if (!v->IsArray()) return Status::InvalidArgument(where + ": expected an array of field names");
    for (size_t i = 0; i < v->size(); ++i) {
      list->emplace_back();
      FERRY_RETURN_IF_ERROR(ReadString((*v)[i], where + "[" + std::to_string(i) + "]", &list->back()));
    }
  }
  if (const Value* on = root.Find("filter_on")) {
    std::string name;
    FERRY_RETURN_IF_ERROR(ReadString(*on, "shaping.filter_on", &name));
    if (name == "source") spec.filter_on = FilterOn::kSource;
    else if (name != "target") return Status::InvalidArgument("shaping.filter_on: \"" + name + "\": use \"target\" or \"source\"");
  }
  if (const Value* f = root.Find("filters")) {
    FERRY_RETURN_IF_ERROR(CheckMembers(*f, "shaping.filters", {"date_range", "in", "tags_any", "tags_all", "where"}));
    auto each = [&](const char* name, auto fn) -> Status {
      const Value* list = f->Find(name);
      if (list == nullptr) return Status::OK();
      std::string base = std::string("shaping.filters.") + name;
      if (!list->IsArray()) return Status::InvalidArgument(base + ": expected an array");
      for (size_t i = 0; i < list->size(); ++i) {
        FERRY_RETURN_IF_ERROR(fn((*list)[i], base + "[" + std::to_string(i) + "]"));
      }
      return Status::OK();
    };
    FERRY_RETURN_IF_ERROR(each("date_range", [&](const Value& e, const std::string& where) -> Status {
      FERRY_RETURN_IF_ERROR(CheckMembers(e, where, {"field", "from", "to"}));
      DateRangeFilter r;
      const Value* field = e.Find("field");
      if (field == nullptr) return Status::InvalidArgument(where + ": needs \"field\"");
      FERRY_RETURN_IF_ERROR(ReadString(*field, where + ".field", &r.field));
      if (const Value* v = e.Find("from")) FERRY_RETURN_IF_ERROR(ReadString(*v, where + ".from", &r.from));
      if (const Value* v = e.Find("to")) FERRY_RETURN_IF_ERROR(ReadString(*v, where + ".to", &r.to));
      spec.date_ranges.push_back(std::move(r));
      return Status::OK();
    }));
    auto field_values = [&](const Value& e, const std::string& where, std::string* field,
                            std::vector<std::string>* values) -> Status {
      FERRY_RETURN_IF_ERROR(CheckMembers(e, where, {"field", "values"}));
      const Value* fv = e.Find("field");
      if (fv == nullptr) return Status::InvalidArgument(where + ": needs \"field\"");
      FERRY_RETURN_IF_ERROR(ReadString(*fv, where + ".field", field));
      return ReadValues(e.Find("values"), where, values);
    };
    FERRY_RETURN_IF_ERROR(each("in", [&](const Value& e, const std::string& where) -> Status {
      ValueSetFilter s;
      FERRY_RETURN_IF_ERROR(field_values(e, where, &s.field, &s.values));
      spec.in.push_back(std::move(s));
      return Status::OK();
    }));
    for (bool all : {false, true}) {
      FERRY_RETURN_IF_ERROR(each(all ? "tags_all" : "tags_any", [&](const Value& e, const std::string& where) -> Status {
        TagsFilter t;
        t.all = all;
        FERRY_RETURN_IF_ERROR(field_values(e, where, &t.field, &t.values));
        spec.tags.push_back(std::move(t));
        return Status::OK();
      }));
    }
    FERRY_RETURN_IF_ERROR(each("where", [&](const Value& e, const std::string& where) -> Status {
      std::string w;
      FERRY_RETURN_IF_ERROR(ReadString(e, where, &w));
      spec.where.push_back(std::move(w));
      return Status::OK();
    }));
  }
  return spec;
}

}  // namespace ferry
