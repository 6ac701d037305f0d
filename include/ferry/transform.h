// Copyright (c) the Ferry authors.
//
// Transforms: reversible steps compiled from a declarative list, applied to
// documents in place, forward (old version -> new) and backward.
//
//   FunctionRegistry functions;                       // optional C++ steps
//   auto steps = CompileSteps(spec_list, functions);  // once, at load time
//   ...
//   StepContext ctx(arena);                           // per worker thread
//   Value complement;
//   Status s = (*steps)->ApplyForward(doc, ctx, &complement);
//   // later: (*steps)->ApplyBackward(doc, complement, ctx) restores `doc`.
//
// The complement. Whatever a step drops from a record (a removed field, an
// array tail, an unmapped value, the original form of a date ...) goes into
// the record's complement, so that ApplyBackward(ApplyForward(d)) gives back
// d exactly: Value::Equals, and byte-identical through ToJson (member order
// included). A complement is a JSON value: null (or {}) when nothing was
// lost, else an object keyed by the index of the step in its list
// ({"0": ..., "4": ...}); `in`, `map` and `when` nest complements of their
// own sub-lists. Its inner shape is private to each step and may change
// between Ferry versions only together with a migration of stored
// complements. Lossless steps applied to inputs that meet their
// precondition write nothing; any step may still write an entry for an edge
// case (e.g. `add` of a field that already exists).
//
// The step catalogue, parameters, preconditions and complement shapes are
// documented in docs/steps.md.
//
// Ownership. Steps never copy the input document. Keys and constant
// scalars they insert are views of strings owned by the StepList, so keep
// the StepList (a shared_ptr) alive while documents it produced are in use.
// Complements are self-contained: they are deep copies in the document's
// Arena and share nothing with the document or the StepList.
//
// Thread safety. A compiled StepList (and every Step in it) is immutable and
// may be applied from any number of threads at once, each with its own
// StepContext and Arena. A StepContext is not thread-safe. FunctionRegistry
// is not thread-safe: register everything before compiling; compiled steps
// keep their own copy of the functions they call.

#ifndef FERRY_TRANSFORM_H_
#define FERRY_TRANSFORM_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ferry/json.h"
#include "ferry/result.h"
#include "ferry/status.h"

namespace ferry {

class StepContext;

// Detail of the last MIGRATION_ERROR raised on a record.
struct StepError {
  // JSON Pointer (RFC 6901) of the offending value inside the document the
  // step list was applied to, e.g. "/exercises/3/weight". "" is the root.
  std::string pointer;
  // What went wrong, without the pointer: "to_number: \"abc\" is not a
  // number".
  std::string message;
};

// A compiled step. Immutable; Forward/Backward are thread-safe.
class Step {
 public:
  virtual ~Step() = default;

  // Applies the step to `doc`, the current object (the document root, or
  // the value an enclosing `in`/`map` descended into). Whatever the step
  // drops is saved with ctx.SaveComplement(). Errors: MIGRATION_ERROR whose
  // message starts with the JSON Pointer of the offending value ("<pointer>:
  // <message>"); the same detail is in ctx.error(). On error `doc` is left
  // valid but partly transformed: callers keep the original.
  virtual Status Forward(Value& doc, StepContext& ctx) const = 0;

  // Undoes Forward() on its output, using ctx.complement() (what Forward
  // saved, or null). Errors as for Forward().
  virtual Status Backward(Value& doc, StepContext& ctx) const = 0;

  // True when Forward may save a complement on inputs that meet the step's
  // precondition, i.e. when going back needs stored data.
  virtual bool lossy() const = 0;

  // The step kind ("rename", "map", ...).
  virtual std::string_view name() const = 0;
};

// An ordered list of compiled steps: one migration's transform, or the body
// of an `in`, `map` or `when`.
class StepList {
 public:
  StepList();
  ~StepList();
  StepList(const StepList&) = delete;
  StepList& operator=(const StepList&) = delete;

  // Applies every step in order. On success `*complement` is null when
  // nothing was lost, else an object {"<step index>": <entry>, ...} in
  // ctx.arena(). On error `*complement` is null and `doc` is partly
  // transformed (see Step::Forward).
  Status ApplyForward(Value& doc, StepContext& ctx, Value* complement) const;

  // Undoes ApplyForward: applies every step's Backward in reverse order.
  // `complement` is what ApplyForward produced (null or {} when nothing was
  // lost). The result is byte-identical to the original document.
  Status ApplyBackward(Value& doc, const Value& complement, StepContext& ctx) const;

  // Convenience overloads with a fresh StepContext over `arena`.
  Status ApplyForward(Value& doc, Arena& arena, Value* complement) const;
  Status ApplyBackward(Value& doc, const Value& complement, Arena& arena) const;

  size_t size() const { return steps_.size(); }
  bool empty() const { return steps_.empty(); }
  const Step& step(size_t i) const { return *steps_[i]; }
  // True when any step is lossy.
  bool lossy() const { return lossy_; }

 private:
  friend class StepListInternal;
  std::vector<std::unique_ptr<Step>> steps_;
  bool lossy_ = false;
};

// True when `complement` records nothing (null or an empty object).
bool IsEmptyComplement(const Value& complement);

// Per-document state threaded through the steps: the Arena of the document,
// the complement cursor and the location used for error pointers. One per
// worker thread; call Reset() between documents (it keeps no per-document
// allocation of its own).
class StepContext {
 public:
  // `arena` holds the document; computed values and complements go there.
  // It must outlive the context's use.
  explicit StepContext(Arena& arena);
  StepContext(const StepContext&) = delete;
  StepContext& operator=(const StepContext&) = delete;

  // Forgets the last error and location; switches to `arena`.
  void Reset(Arena& arena);

  Arena& arena() const { return *arena_; }

  // --- The complement cursor (for Step implementations and registered
  // functions). ---

  // Forward: records what the running step lost. `v` must be
  // self-contained (built in arena(), or a DeepCopy); the step list files
  // it under the step's index. Calling it again replaces the entry.
  void SaveComplement(Value v) {
    pending_ = v;
    has_pending_ = true;
  }
  // Convenience: saves a deep copy of `v`.
  void SaveComplementCopy(const Value& v) { SaveComplement(v.DeepCopy(*arena_)); }
  // Backward: what Forward saved for the running step, or null when it
  // saved nothing.
  const Value* complement() const { return current_; }

  // --- Errors. ---

  // Builds a MIGRATION_ERROR for a value at `relative` below the current
  // object (JSON Pointer tokens, e.g. {"weight"}; empty: the current object
  // itself), records it in error() and returns it. The message of the
  // Status is "<pointer>: <message>" (just "<message>" at the root).
  Status Fail(std::span<const std::string_view> relative, std::string message);
  // Same for a value addressed by one member name (or the current object
  // when `key` is empty).
  Status FailAt(std::string_view key, std::string message);

  // The detail of the last Fail(); empty before any.
  const StepError& error() const { return error_; }

  // Maximum nesting of `in` / `map` / `when` levels a context tracks.
  static constexpr size_t kMaxDepth = 32;

 private:
  friend class StepContextInternal;
  struct Frame {
    const std::vector<std::string>* tokens;  // member names, may be null
    int64_t index;                           // element index, or -1
  };

  Arena* arena_;
  Value pending_;
  bool has_pending_ = false;
  const Value* current_ = nullptr;
  std::array<Frame, kMaxDepth> frames_;
  size_t depth_ = 0;
  StepError error_;
};

// A step written in C++: `forward` and `backward` receive the current
// object, the step's `args` (a constant owned by the step; null when the
// spec gives none) and the context, whose SaveComplement()/complement()
// carry what the function drops. Functions must be thread-safe.
using StepFunction = std::function<Status(Value& doc, const Value& args, StepContext& ctx)>;

// Named C++ step functions, referenced from step lists as
// {"call": {"function": "<name>", "args": {...}}}.
class FunctionRegistry {
 public:
  FunctionRegistry();
  ~FunctionRegistry();
  FunctionRegistry(const FunctionRegistry&) = delete;
  FunctionRegistry& operator=(const FunctionRegistry&) = delete;

  // Registers `name`. `lossy`: whether `forward` may save a complement on
  // well-formed input (reported by Step::lossy()). Errors: INVALID_ARGUMENT
  // when `name` is empty, already registered, or a function is empty.
  Status Register(std::string name, StepFunction forward, StepFunction backward, bool lossy);

  struct Entry {
    std::string name;
    StepFunction forward;
    StepFunction backward;
    bool lossy;
  };
  // The entry for `name`, or null.
  const Entry* Find(std::string_view name) const;
  // Registered names, in registration order.
  std::vector<std::string> Names() const;

 private:
  std::vector<Entry> entries_;
};

// One step kind of the declarative language (for help and error messages).
struct StepKindInfo {
  std::string_view name;     // "rename"
  std::string_view params;   // "{from, to}"
  std::string_view summary;  // one line
};

// Every step kind, in documentation order.
std::span<const StepKindInfo> StepKinds();

// Options for CompileSteps.
struct CompileStepsOptions {
  // Prefix of the location in error messages. Default "steps", giving
  // "steps[3].rename: missing \"to\"".
  std::string path = "steps";
};

// Compiles a step list: a JSON array of one-key objects such as
// {"rename": {"from": "created_at", "to": "createdAt"}} (docs/steps.md).
// Named functions are looked up in `functions` now: an unknown name is a
// compile error. Errors: PROJECT_ERROR with the location inside the list,
// e.g. "steps[2]: unknown step \"renam\" (did you mean \"rename\"?)"; the
// caller prefixes the file and line.
Result<std::shared_ptr<const StepList>> CompileSteps(const Value& list,
                                                     const FunctionRegistry& functions,
                                                     const CompileStepsOptions& options = {});

// As above, without registered functions.
Result<std::shared_ptr<const StepList>> CompileSteps(const Value& list);

}  // namespace ferry

#endif  // FERRY_TRANSFORM_H_
