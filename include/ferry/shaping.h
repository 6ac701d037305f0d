// Copyright (c) the Ferry authors.
//
// Record shaping: what a run does to every source record (docs/shaping.md).
// Steps 1-3 run before version detection; the filters (4) select on the
// migrated, target-version record by default (FilterOn::kTarget), or on the
// shaped source record before detection (FilterOn::kSource). In this order:
//   1. field mapping      old name -> new name (dot paths; a missing source
//                         field is not an error)
//   2. transformations    per field: trim, lower, upper, split (into an array
//                         of trimmed, non-empty strings), date (parse with a
//                         strptime-like format into ISO 8601), call (a
//                         function of the FunctionRegistry, forward)
//   3. computed fields    field = expression (include/ferry/expr.h)
//   4. filters            all must hold, on the migrated record (or the
//                         shaped source record): date ranges, value sets,
//                         array tags (any / all), predicates
// Steps 1-3 compile into ordinary StepLists (rename / set / when / call
// steps with expressions, docs/steps.md; one per entry, so an error names
// the entry), so they behave exactly like a migration's steps. A record that fails a filter is `filtered` (counted,
// not written, not rejected); a record a step or filter cannot handle (an
// unparseable date, a failing function, an expression error) is rejected
// with MIGRATION_ERROR and the JSON Pointer of the field.
//
// The spec is plain data: it can be built in code, parsed from JSON (a saved
// template) or from CLI flags (src/cli/shaping_flags.h).
//
// Thread safety: a compiled Shaper is immutable; Apply() may be called from
// any number of threads, each with its own StepContext/Arena.

#ifndef FERRY_SHAPING_H_
#define FERRY_SHAPING_H_

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ferry/json.h"
#include "ferry/result.h"
#include "ferry/status.h"
#include "ferry/transform.h"

namespace ferry {

struct FieldTransform {
  enum class Kind : uint8_t { kTrim, kLower, kUpper, kSplit, kDate, kCall };
  Kind kind = Kind::kTrim;
  std::string field;  // dot path
  // kSplit: the separator (default ","); kDate: the format (e.g.
  // "%d/%m/%Y %H:%M"); kCall: the registered function's name.
  std::string arg;
};
// "trim", "lower", "upper", "split", "date", "call".
const char* FieldTransformKindName(FieldTransform::Kind kind);

// FROM <= value < TO; either side may be empty (open). ISO 8601 dates or
// datetimes (YYYY-MM-DD[THH:MM[:SS[.f]]][Z|+HH:MM]); a date alone is
// midnight UTC. The record's value must be such a string too (else the
// record is rejected); a missing or null value fails the filter.
struct DateRangeFilter {
  std::string field;
  std::string from;
  std::string to;
};

// The field's value is one of `values`. Scalars compare by text: a string
// by its value, a number by its JSON literal (1.50 is "1.50"), a boolean as
// "true"/"false". Missing, null, arrays and objects never match.
struct ValueSetFilter {
  std::string field;
  std::vector<std::string> values;
};

// The field is an array holding any (all = false) or all (all = true) of
// `values` (elements compare like ValueSetFilter). A scalar counts as a
// one-element array; missing or null as an empty one.
struct TagsFilter {
  std::string field;
  std::vector<std::string> values;
  bool all = false;
};

// Which record the filters select on.
enum class FilterOn : uint8_t {
  kTarget,  // the record as migrated to the target version (default)
  kSource,  // the shaped source record, before version detection
};

struct ShapingSpec {
  std::vector<std::pair<std::string, std::string>> map;      // old -> new
  std::vector<FieldTransform> transforms;
  std::vector<std::pair<std::string, std::string>> compute;  // field, expression
  std::vector<DateRangeFilter> date_ranges;
  std::vector<ValueSetFilter> in;
  std::vector<TagsFilter> tags;
  std::vector<std::string> where;  // predicate expressions (truthy: keep)
  FilterOn filter_on = FilterOn::kTarget;
  // 5. projection, on the record as written (after migration, validation
  // and the filters): keep only `fields` (dot paths; empty: every field),
  // then drop `exclude` (dot paths). A listed field a record lacks is no error.
  std::vector<std::string> fields;
  std::vector<std::string> exclude;
  bool has_filters() const { return !date_ranges.empty() || !in.empty() || !tags.empty() || !where.empty(); }
  bool has_projection() const { return !fields.empty() || !exclude.empty(); }
  bool empty() const {
    return map.empty() && transforms.empty() && compute.empty() && date_ranges.empty() && in.empty() &&
           tags.empty() && where.empty() && !has_projection();
  }
};

// The spec as JSON (the template format, docs/shaping.md):
// {"map": {"old": "new", ...}, "transforms": [{"field": F, "op": "trim" |
// "lower" | "upper" | "split" | "date" | "call", "arg": A}],
// "compute": {"field": "expr", ...}, "filters": {"date_range": [{"field": F,
// "from": A, "to": B}], "in": [{"field": F, "values": [...]}], "tags_any":
// [...], "tags_all": [...], "where": ["expr", ...]}, "filter_on": "source" |
// "target", "fields": ["a", "b.c"], "exclude": ["x"]}. Every member is
// optional. Errors: INVALID_ARGUMENT naming the member ("shaping.transforms[1]:
// unknown op \"strip\"").
Result<ShapingSpec> ParseShaping(std::string_view json);
std::string ShapingToJson(const ShapingSpec& spec);

// The spec compiled once per run.
class Shaper {
 public:
  // Compiles `spec`; `functions` resolves kCall transforms (null: none
  // registered). Errors: INVALID_ARGUMENT naming the entry (a bad
  // expression, date format or range bound, an unknown function).
  static Result<std::unique_ptr<const Shaper>> Compile(const ShapingSpec& spec,
                                                       const FunctionRegistry* functions = nullptr);
  ~Shaper();
  Shaper(const Shaper&) = delete;
  Shaper& operator=(const Shaper&) = delete;

  enum class Outcome : uint8_t { kKeep, kFiltered, kReject };
  // Shapes `doc` in place (in ctx.arena()) and applies the filters:
  // Reshape() then Select(). On kReject `*error` holds the JSON Pointer and
  // message; `doc` may be partly shaped.
  Outcome Apply(Value& doc, StepContext& ctx, StepError* error) const;
  // Mapping, transforms and computed fields only (kKeep or kReject).
  Outcome Reshape(Value& doc, StepContext& ctx, StepError* error) const;
  // The filters only (kKeep, kFiltered or kReject), on `doc` as given.
  Outcome Select(const Value& doc, StepContext& ctx, StepError* error) const;
  // The projection (ShapingSpec::fields, then exclude) on `doc` in place: the
  // record as it is written. A value that is not an object is left as it is.
  void Project(Value& doc) const;

  // True when the spec changes records (mapping, transforms, computed).
  bool has_steps() const;
  // True when the spec has filters; filter_on() says on which record.
  bool has_filters() const;
  // True when the spec has a projection (--fields / --exclude).
  bool has_projection() const;
  // Whether the projection leaves out the top-level field `name` (the key).
  bool projects_out(std::string_view name) const;
  // The projection's paths ("--fields a.b", "--exclude x") that no record
  // given to Project() so far had: most likely misspelt (a run warns).
  std::vector<std::string> UnmatchedProjectionPaths() const;
  FilterOn filter_on() const;
  // The step list the mapping, transforms and computed fields compile to
  // (JSON; one list per entry, in order), for inspection and docs.
  const std::string& steps_json() const;

  struct Impl;

 private:
  explicit Shaper(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ferry

#endif  // FERRY_SHAPING_H_
