// Copyright (c) the Ferry authors.
//
// StepContext, StepList, FunctionRegistry and the helpers shared by the
// step implementations.

#include <algorithm>
#include <charconv>
#include <cstring>
#include <string>

#include "transform/transform_internal.h"

namespace ferry {

// --- StepContext ------------------------------------------------------------

StepContext::StepContext(Arena& arena) : arena_(&arena) {}

void StepContext::Reset(Arena& arena) {
  arena_ = &arena;
  pending_ = Value();
  has_pending_ = false;
  current_ = nullptr;
  depth_ = 0;
  error_.pointer.clear();
  error_.message.clear();
}

Status StepContext::Fail(std::span<const std::string_view> relative, std::string message) {
  error_.pointer.clear();
  for (size_t i = 0; i < depth_; ++i) {
    if (frames_[i].tokens != nullptr) {
      for (const std::string& t : *frames_[i].tokens) AppendPointerToken(t, &error_.pointer);
    }
    if (frames_[i].index >= 0) AppendPointerIndex(size_t(frames_[i].index), &error_.pointer);
  }
  for (std::string_view t : relative) AppendPointerToken(t, &error_.pointer);
  error_.message = std::move(message);
  if (error_.pointer.empty()) return Status::MigrationError(error_.message);
  return Status::MigrationError(error_.pointer + ": " + error_.message);
}

Status StepContext::FailAt(std::string_view key, std::string message) {
  if (key.empty()) return Fail({}, std::move(message));
  std::string_view tokens[1] = {key};
  return Fail(tokens, std::move(message));
}

// --- StepList ---------------------------------------------------------------

StepList::StepList() = default;
StepList::~StepList() = default;

bool IsEmptyComplement(const Value& complement) {
  return complement.IsNull() || (complement.IsObject() && complement.empty());
}

Status StepList::ApplyForward(Value& doc, StepContext& ctx, Value* complement) const {
  Value comp;
  for (size_t i = 0; i < steps_.size(); ++i) {
    StepContextInternal::BeginStep(ctx, nullptr);
    Status s = steps_[i]->Forward(doc, ctx);
    if (!s.ok()) {
      *complement = Value();
      return s;
    }
    Value entry;
    if (StepContextInternal::TakePending(ctx, &entry)) {
      if (comp.IsNull()) comp = Value::Object(ctx.arena(), 2);
      internal::AppendMember(comp, internal::IndexKey(i, ctx.arena()), entry, ctx.arena());
    }
  }
  *complement = comp;
  return Status::OK();
}

Status StepList::ApplyBackward(Value& doc, const Value& complement, StepContext& ctx) const {
  if (!complement.IsNull() && !complement.IsObject()) {
    return Status(ErrorCode::kRollbackError, "complement is not an object");
  }
  // Entries are filed in ascending step order; walk them backwards
  // alongside the steps.
  int64_t cursor = complement.IsObject() ? int64_t(complement.size()) - 1 : -1;
  int64_t previous = -1;
  for (uint32_t m = 0; complement.IsObject() && m < complement.size(); ++m) {
    int64_t idx = internal::ParseIndexKey(complement.members()[m].key.AsString());
    if (idx < 0 || idx >= int64_t(steps_.size()) || idx <= previous) {
      return Status(ErrorCode::kRollbackError, "complement entry \"" +
                                                   std::string(complement.members()[m].key.AsString()) +
                                                   "\" does not name a step of this list");
    }
    previous = idx;
  }
  for (size_t i = steps_.size(); i-- > 0;) {
    const Value* entry = nullptr;
    if (cursor >= 0) {
      const Member& m = complement.members()[cursor];
      if (internal::ParseIndexKey(m.key.AsString()) == int64_t(i)) {
        entry = &m.value;
        --cursor;
      }
    }
    StepContextInternal::BeginStep(ctx, entry);
    FERRY_RETURN_IF_ERROR(steps_[i]->Backward(doc, ctx));
  }
  StepContextInternal::BeginStep(ctx, nullptr);
  return Status::OK();
}

Status StepList::ApplyForward(Value& doc, Arena& arena, Value* complement) const {
  StepContext ctx(arena);
  return ApplyForward(doc, ctx, complement);
}

Status StepList::ApplyBackward(Value& doc, const Value& complement, Arena& arena) const {
  StepContext ctx(arena);
  return ApplyBackward(doc, complement, ctx);
}

// --- FunctionRegistry -------------------------------------------------------

FunctionRegistry::FunctionRegistry() = default;
FunctionRegistry::~FunctionRegistry() = default;

Status FunctionRegistry::Register(std::string name, StepFunction forward, StepFunction backward, bool lossy) {
  if (name.empty()) return Status::InvalidArgument("function name is empty");
  if (!forward || !backward) return Status::InvalidArgument("function \"" + name + "\" needs forward and backward");
  if (Find(name) != nullptr) return Status::InvalidArgument("function \"" + name + "\" is already registered");
  entries_.push_back(Entry{std::move(name), std::move(forward), std::move(backward), lossy});
  return Status::OK();
}

const FunctionRegistry::Entry* FunctionRegistry::Find(std::string_view name) const {
  for (const Entry& e : entries_) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

std::vector<std::string> FunctionRegistry::Names() const {
  std::vector<std::string> names;
  names.reserve(entries_.size());
  for (const Entry& e : entries_) names.push_back(e.name);
  return names;
}

namespace internal {

// --- Field paths --------------------------------------------------------------

bool ParseFieldPath(std::string_view text, FieldPath* out, std::string* error) {
  out->text = std::string(text);
  out->tokens.clear();
  if (text.empty() || text == "$") return true;
  std::string cur;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\\' && i + 1 < text.size() && (text[i + 1] == '.' || text[i + 1] == '\\')) {
      cur.push_back(text[++i]);
    } else if (c == '.') {
      if (cur.empty()) {
        *error = "empty segment in field path \"" + std::string(text) + "\"";
        return false;
      }
      out->tokens.push_back(std::move(cur));
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  if (cur.empty()) {
    *error = "empty segment in field path \"" + std::string(text) + "\"";
    return false;
  }
  out->tokens.push_back(std::move(cur));
  return true;
}

Value* ResolveParent(Value& doc, const FieldPath& path) {
  Value* cur = &doc;
  if (!cur->IsObject()) return nullptr;
  for (size_t i = 0; i + 1 < path.tokens.size(); ++i) {
    cur = cur->Find(path.tokens[i]);
    if (cur == nullptr || !cur->IsObject()) return nullptr;
  }
  return cur;
}

Value* Resolve(Value& doc, const FieldPath& path) {
  if (path.self()) return &doc;
  Value* parent = ResolveParent(doc, path);
  return parent == nullptr ? nullptr : parent->Find(path.leaf());
}

// --- Values -------------------------------------------------------------------

bool Identical(const Value& a, const Value& b) {
  if (a.type() != b.type()) return false;
  switch (a.type()) {
    case JsonType::kNull: return true;
    case JsonType::kBool: return a.AsBool() == b.AsBool();
    case JsonType::kNumber: return a.NumberLiteral() == b.NumberLiteral();
    case JsonType::kString: return a.AsString() == b.AsString();
    case JsonType::kArray:
      if (a.size() != b.size()) return false;
      for (uint32_t i = 0; i < a.size(); ++i) {
        if (!Identical(a[i], b[i])) return false;
      }
      return true;
    case JsonType::kObject:
      if (a.size() != b.size()) return false;
      for (uint32_t i = 0; i < a.size(); ++i) {
        if (a.members()[i].key.AsString() != b.members()[i].key.AsString()) return false;
        if (!Identical(a.members()[i].value, b.members()[i].value)) return false;
      }
      return true;
  }
  return false;
}

Value Materialize(const Value& constant, Arena& arena) {
  if (constant.IsArray() || constant.IsObject()) return constant.DeepCopy(arena);
  return constant;
}

namespace {
struct SmallIntTable {
  char text[128][4];
  uint8_t len[128];
  constexpr SmallIntTable() : text(), len() {
    for (int i = 0; i < 128; ++i) {
      if (i < 10) {
        text[i][0] = char('0' + i);
        len[i] = 1;
      } else if (i < 100) {
        text[i][0] = char('0' + i / 10);
        text[i][1] = char('0' + i % 10);
        len[i] = 2;
      } else {
        text[i][0] = char('0' + i / 100);
        text[i][1] = char('0' + (i / 10) % 10);
        text[i][2] = char('0' + i % 10);
        len[i] = 3;
      }
    }
  }
};
constexpr SmallIntTable kSmallInts;
}  // namespace

Value SmallInt(int64_t i, Arena& arena) {
  if (i >= 0 && i < 128) return Value::NumberLiteral(std::string_view(kSmallInts.text[i], kSmallInts.len[i]));
  return Value::Int(i, arena);
}

std::string_view IndexKey(size_t i, Arena& arena) {
  if (i < 128) return std::string_view(kSmallInts.text[i], kSmallInts.len[i]);
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof(buf), i);
  return arena.CopyString(std::string_view(buf, size_t(r.ptr - buf)));
}

int64_t ParseIndexKey(std::string_view key) {
  if (key.empty() || key.size() > 18) return -1;
  if (key.size() > 1 && key[0] == '0') return -1;
  int64_t v = 0;
  for (char c : key) {
    if (c < '0' || c > '9') return -1;
    v = v * 10 + (c - '0');
  }
  return v;
}

Value Tuple(Arena& arena, std::initializer_list<Value> items) {
  Value a = Value::Array(arena, uint32_t(items.size()));
  for (const Value& v : items) a.Append(v, arena);
  return a;
}

void InsertMemberClamped(Value& obj, int64_t index, Value key, Value v, Arena& arena) {
  size_t i = index < 0 ? 0 : std::min<size_t>(size_t(index), obj.size());
  obj.InsertMemberAt(i, key.AsString(), v, arena);
  obj.members()[i].key = key;
}

bool ReadIndex(const Value* v, int64_t* out) {
  return v != nullptr && v->IsNumber() && v->GetInt64(out) && *out >= 0;
}

Status BadComplement(std::string_view step) {
  return Status(ErrorCode::kRollbackError, "malformed complement for step \"" + std::string(step) + "\"");
}

bool IsTypeName(std::string_view type) {
  return type == "null" || type == "boolean" || type == "number" || type == "integer" || type == "string" ||
         type == "array" || type == "object";
}

bool TypeMatches(const Value& v, std::string_view type) {
  if (type == "integer") return v.IsNumber() && v.IsIntegral();
  return JsonTypeName(v.type()) == type;
}

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string_view Suggest(std::string_view word, const std::vector<std::string_view>& candidates) {
  std::string_view best;
  size_t best_d = 3;
  for (std::string_view c : candidates) {
    size_t d = EditDistance(word, c);
    if (d < best_d) {
      best_d = d;
      best = c;
    }
  }
  if (best.empty() && word.size() >= 3) {
    for (std::string_view c : candidates) {
      if (c.substr(0, word.size()) == word) return c;
    }
  }
  return best;
}

// --- SpecReader ---------------------------------------------------------------

Status SpecReader::Error(std::string_view msg) const {
  return Status::ProjectError(where_ + ": " + std::string(msg));
}

Status SpecReader::ErrorAt(std::string_view param, std::string_view msg) const {
  return Status::ProjectError(where_ + "." + std::string(param) + ": " + std::string(msg));
}

const Value* SpecReader::Get(std::string_view name) {
  known_.push_back(name);
  return params_.IsObject() ? params_.Find(name) : nullptr;
}

Status SpecReader::RequireString(std::string_view name, std::string* out) {
  bool present = false;
  FERRY_RETURN_IF_ERROR(OptionalString(name, out, &present));
  if (!present) return Error("missing \"" + std::string(name) + "\"");
  return Status::OK();
}

Status SpecReader::OptionalString(std::string_view name, std::string* out, bool* present) {
  const Value* v = Get(name);
  *present = v != nullptr;
  if (v == nullptr) return Status::OK();
  if (!v->IsString()) {
    return ErrorAt(name, "expected a string, got " + std::string(JsonTypeName(v->type())));
  }
  *out = std::string(v->AsString());
  return Status::OK();
}

Status SpecReader::RequirePath(std::string_view name, FieldPath* out, bool allow_self) {
  bool present = false;
  FERRY_RETURN_IF_ERROR(OptionalPath(name, out, &present, allow_self));
  if (!present) return Error("missing \"" + std::string(name) + "\"");
  return Status::OK();
}

Status SpecReader::OptionalPath(std::string_view name, FieldPath* out, bool* present, bool allow_self) {
  std::string text;
  FERRY_RETURN_IF_ERROR(OptionalString(name, &text, present));
  if (!*present) return Status::OK();
  std::string error;
  if (!ParseFieldPath(text, out, &error)) return ErrorAt(name, error);
  if (out->self() && !allow_self) return ErrorAt(name, "must name a member (\"$\" is not allowed here)");
  return Status::OK();
}

Status SpecReader::OptionalBool(std::string_view name, bool* out) {
  const Value* v = Get(name);
  if (v == nullptr) return Status::OK();
  if (!v->IsBool()) return ErrorAt(name, "expected true or false, got " + std::string(JsonTypeName(v->type())));
  *out = v->AsBool();
  return Status::OK();
}

Status SpecReader::RequireStringList(std::string_view name, std::vector<std::string>* out) {
  const Value* v = Get(name);
  if (v == nullptr) return Error("missing \"" + std::string(name) + "\"");
  if (!v->IsArray()) return ErrorAt(name, "expected a list of strings, got " + std::string(JsonTypeName(v->type())));
  for (uint32_t i = 0; i < v->size(); ++i) {
    const Value& e = (*v)[i];
    if (!e.IsString()) {
      return ErrorAt(std::string(name) + "[" + std::to_string(i) + "]",
                     "expected a string, got " + std::string(JsonTypeName(e.type())));
    }
    out->push_back(std::string(e.AsString()));
  }
  return Status::OK();
}

Status SpecReader::Finish() const {
  if (!params_.IsObject()) return Status::OK();
  for (const Member* m = params_.members(); m != params_.members_end(); ++m) {
    std::string_view key = m->key.AsString();
    if (std::find(known_.begin(), known_.end(), key) != known_.end()) continue;
    std::string msg = "unknown parameter \"" + std::string(key) + "\"";
    std::string_view s = Suggest(key, known_);
    if (!s.empty()) msg += " (did you mean \"" + std::string(s) + "\"?)";
    return Error(msg);
  }
  return Status::OK();
}

}  // namespace internal
}  // namespace ferry
