// Copyright (c) the Ferry authors.
//
// Shared internals of the transform subsystem: field paths, complement
// helpers, the spec reader used by step factories, and friends of
// StepContext / StepList.

#ifndef FERRY_TRANSFORM_TRANSFORM_INTERNAL_H_
#define FERRY_TRANSFORM_TRANSFORM_INTERNAL_H_

#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ferry/json.h"
#include "ferry/transform.h"

namespace ferry {

// Friend access to StepContext's private state.
class StepContextInternal {
 public:
  // Enters an `in`/`map` level: later errors are reported below `tokens`
  // (and element `index` when >= 0). Returns false when too deep.
  static bool Push(StepContext& ctx, const std::vector<std::string>* tokens, int64_t index) {
    if (ctx.depth_ >= StepContext::kMaxDepth) return false;
    ctx.frames_[ctx.depth_++] = StepContext::Frame{tokens, index};
    return true;
  }
  static void SetIndex(StepContext& ctx, int64_t index) { ctx.frames_[ctx.depth_ - 1].index = index; }
  static void Pop(StepContext& ctx) { --ctx.depth_; }
  static void BeginStep(StepContext& ctx, const Value* complement) {
    ctx.has_pending_ = false;
    ctx.current_ = complement;
  }
  // Takes what the step saved; false when nothing.
  static bool TakePending(StepContext& ctx, Value* out) {
    if (!ctx.has_pending_) return false;
    ctx.has_pending_ = false;
    *out = ctx.pending_;
    return true;
  }
};

class StepListInternal {
 public:
  static void Add(StepList& list, std::unique_ptr<Step> step) {
    list.lossy_ = list.lossy_ || step->lossy();
    list.steps_.push_back(std::move(step));
  }
};

namespace internal {

// A field path, pre-split at compile time: "content.blocks" ->
// {"content", "blocks"}; "$" (or "") is the current value itself. A
// backslash escapes a dot or a backslash ("a\.b" is the member "a.b").
struct FieldPath {
  std::string text;
  std::vector<std::string> tokens;  // empty: the current value itself
  bool self() const { return tokens.empty(); }
  const std::string& leaf() const { return tokens.back(); }
};

// Parses `text`; returns false (with `*error`) on an empty segment.
bool ParseFieldPath(std::string_view text, FieldPath* out, std::string* error);

// The object holding the path's last token, or null when an intermediate
// member is missing or not an object. REQUIRES: !path.self()
Value* ResolveParent(Value& doc, const FieldPath& path);
// The value at `path` (the document itself for "$"), or null.
Value* Resolve(Value& doc, const FieldPath& path);

// Byte-exact equality: same JSON text through ToJson (member order, number
// literals and duplicate keys included).
bool Identical(const Value& a, const Value& b);

// A constant owned by a step, ready to be inserted into a document:
// scalars are shared, containers deep-copied (documents are mutated in
// place, constants must never be).
Value Materialize(const Value& constant, Arena& arena);

// Small integers and their decimal text without allocation (0..127), else
// written into `arena`.
Value SmallInt(int64_t i, Arena& arena);
std::string_view IndexKey(size_t i, Arena& arena);
// Parses a decimal index key; -1 when it is not one.
int64_t ParseIndexKey(std::string_view key);

// An array built from `items` in `arena`.
Value Tuple(Arena& arena, std::initializer_list<Value> items);

// Appends a member without looking for an existing key.
inline void AppendMember(Value& obj, std::string_view key, Value v, Arena& arena) {
  obj.InsertMemberAt(obj.size(), key, v, arena);
}
// Inserts at `index` clamped to the object's size.
void InsertMemberClamped(Value& obj, int64_t index, Value key, Value v, Arena& arena);

// Reads an int64 from a complement entry; false when it is not one.
bool ReadIndex(const Value* v, int64_t* out);

// A malformed complement (ROLLBACK_ERROR).
Status BadComplement(std::string_view step);

// The JSON type name used by `only`: null, boolean, number, integer,
// string, array, object.
bool TypeMatches(const Value& v, std::string_view type);
bool IsTypeName(std::string_view type);

// Edit distance for "did you mean" suggestions.
size_t EditDistance(std::string_view a, std::string_view b);
// The closest candidate within distance 2 (or a prefix match), or "".
std::string_view Suggest(std::string_view word, const std::vector<std::string_view>& candidates);

// Reads the parameters of one step definition and reports errors with the
// location of the step ("steps[3].rename: missing \"to\"").
class SpecReader {
 public:
  SpecReader(const Value& params, std::string where) : params_(params), where_(std::move(where)) {}

  const std::string& where() const { return where_; }
  const Value& params() const { return params_; }

  // A PROJECT_ERROR at this step.
  Status Error(std::string_view msg) const;
  Status ErrorAt(std::string_view param, std::string_view msg) const;

  // The raw parameter, or null (marks it as known).
  const Value* Get(std::string_view name);
  Status RequireString(std::string_view name, std::string* out);
  Status OptionalString(std::string_view name, std::string* out, bool* present);
  Status RequirePath(std::string_view name, FieldPath* out, bool allow_self);
  Status OptionalPath(std::string_view name, FieldPath* out, bool* present, bool allow_self);
  Status OptionalBool(std::string_view name, bool* out);
  Status RequireStringList(std::string_view name, std::vector<std::string>* out);
  // Fails on parameters no Get*/Require* asked for.
  Status Finish() const;

 private:
  const Value& params_;
  std::string where_;
  std::vector<std::string_view> known_;
};

// State shared while compiling one list and its nested lists.
struct CompileEnv {
  const FunctionRegistry& functions;
  int depth = 0;
};

// Compiles a (nested) list located at `where` ("steps[3].map.steps").
Result<std::unique_ptr<StepList>> CompileList(const Value& list, const std::string& where, CompileEnv& env);

// Step factories, one per kind (steps_*.cc).
using StepFactory = Result<std::unique_ptr<Step>> (*)(SpecReader& spec, CompileEnv& env);
Result<std::unique_ptr<Step>> NewAddStep(SpecReader& spec, CompileEnv& env);
Result<std::unique_ptr<Step>> NewRemoveStep(SpecReader& spec, CompileEnv& env);
Result<std::unique_ptr<Step>> NewRenameStep(SpecReader& spec, CompileEnv& env);
Result<std::unique_ptr<Step>> NewHoistStep(SpecReader& spec, CompileEnv& env);
Result<std::unique_ptr<Step>> NewPlungeStep(SpecReader& spec, CompileEnv& env);
Result<std::unique_ptr<Step>> NewWrapStep(SpecReader& spec, CompileEnv& env);
Result<std::unique_ptr<Step>> NewHeadStep(SpecReader& spec, CompileEnv& env);
Result<std::unique_ptr<Step>> NewInStep(SpecReader& spec, CompileEnv& env);
Result<std::unique_ptr<Step>> NewMapStep(SpecReader& spec, CompileEnv& env);
Result<std::unique_ptr<Step>> NewConvertStep(SpecReader& spec, CompileEnv& env);
Result<std::unique_ptr<Step>> NewKeysStep(SpecReader& spec, CompileEnv& env);
Result<std::unique_ptr<Step>> NewTrimStep(SpecReader& spec, CompileEnv& env);
Result<std::unique_ptr<Step>> NewLowerStep(SpecReader& spec, CompileEnv& env);
Result<std::unique_ptr<Step>> NewUpperStep(SpecReader& spec, CompileEnv& env);
Result<std::unique_ptr<Step>> NewDatetimeStep(SpecReader& spec, CompileEnv& env);
Result<std::unique_ptr<Step>> NewToStringStep(SpecReader& spec, CompileEnv& env);
Result<std::unique_ptr<Step>> NewToNumberStep(SpecReader& spec, CompileEnv& env);
Result<std::unique_ptr<Step>> NewParseJsonStep(SpecReader& spec, CompileEnv& env);
Result<std::unique_ptr<Step>> NewSetStep(SpecReader& spec, CompileEnv& env);
Result<std::unique_ptr<Step>> NewKeepStep(SpecReader& spec, CompileEnv& env);
Result<std::unique_ptr<Step>> NewWhenStep(SpecReader& spec, CompileEnv& env);
Result<std::unique_ptr<Step>> NewCallStep(SpecReader& spec, CompileEnv& env);

// Base class holding the kind name.
class StepBase : public Step {
 public:
  explicit StepBase(std::string_view name) : name_(name) {}
  std::string_view name() const override { return name_; }

 private:
  std::string_view name_;  // static string
};

}  // namespace internal
}  // namespace ferry

#endif  // FERRY_TRANSFORM_TRANSFORM_INTERNAL_H_
