// Copyright (c) the Ferry authors.
#include "cli/shaping_flags.h"

#include <fstream>
#include <sstream>

namespace ferry::cli {

namespace {

Status Bad(std::string_view flag, std::string_view value, std::string_view what) {
  return Status::InvalidArgument("--" + std::string(flag) + " " + std::string(value) + ": " + std::string(what));
}

// Splits "A=B" at the first '='. Both sides must be non-empty unless
// `optional_right`.
Status SplitPair(std::string_view flag, const std::string& value, std::string_view shape, bool optional_right,
                 std::string* left, std::string* right) {
  size_t eq = value.find('=');
  if (eq == std::string::npos) {
    if (!optional_right || value.empty()) return Bad(flag, value, "expected " + std::string(shape));
    *left = value;
    right->clear();
    return Status::OK();
  }
  *left = value.substr(0, eq);
  *right = value.substr(eq + 1);
  if (left->empty() || right->empty()) return Bad(flag, value, "expected " + std::string(shape));
  return Status::OK();
}

Status SplitValues(std::string_view flag, const std::string& value, const std::string& list,
                   std::vector<std::string>* out) {
  size_t start = 0;
  for (;;) {
    size_t comma = list.find(',', start);
    std::string item = list.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    size_t b = item.find_first_not_of(" \t"), e = item.find_last_not_of(" \t");
    if (b == std::string::npos) return Bad(flag, value, "empty value in the list");
    out->push_back(item.substr(b, e - b + 1));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return Status::OK();
}

Status AddTransform(FieldTransform::Kind kind, std::string_view flag, const std::string& value, ShapingSpec* spec) {
  FieldTransform t;
  t.kind = kind;
  switch (kind) {
    case FieldTransform::Kind::kTrim:
    case FieldTransform::Kind::kLower:
    case FieldTransform::Kind::kUpper:
      if (value.empty()) return Bad(flag, value, "expected FIELD");
      t.field = value;
      break;
    case FieldTransform::Kind::kSplit:
      FERRY_RETURN_IF_ERROR(SplitPair(flag, value, "FIELD or FIELD=SEPARATOR", true, &t.field, &t.arg));
      break;
    case FieldTransform::Kind::kDate:
      FERRY_RETURN_IF_ERROR(SplitPair(flag, value, "FIELD=FORMAT (e.g. created=%d/%m/%Y)", false, &t.field, &t.arg));
      break;
    case FieldTransform::Kind::kCall:
      FERRY_RETURN_IF_ERROR(SplitPair(flag, value, "FIELD=FUNCTION", false, &t.field, &t.arg));
      break;
  }
  spec->transforms.push_back(std::move(t));
  return Status::OK();
}

constexpr FieldTransform::Kind kTransformKinds[] = {
    FieldTransform::Kind::kTrim,  FieldTransform::Kind::kLower, FieldTransform::Kind::kUpper,
    FieldTransform::Kind::kSplit, FieldTransform::Kind::kDate,  FieldTransform::Kind::kCall,
};
constexpr const char* kTransformFlags[] = {"trim", "lower", "upper", "split-list", "parse-date", "call"};

}  // namespace

void AddShapingFlags(CLI::App* app, ShapingFlags* f) {
  const std::string group = "Record shaping (docs/shaping.md)";
  auto opt = [&](const char* name, std::vector<std::string>* v, const char* help) {
    // One value per occurrence; repeat the flag for more.
    return app->add_option(name, *v, help)->group(group)->expected(1)->allow_extra_args(false)->multi_option_policy(
        CLI::MultiOptionPolicy::TakeAll);
  };
  app->add_option("--shaping", f->shaping_file, "shaping template (JSON; applied before the flags below)")
      ->group(group);
  opt("--map", &f->map, "rename a field: OLD=NEW (dot paths; repeatable; a missing OLD is not an error)");
  f->transform_options = {
      opt("--trim", &f->trim, "trim spaces around a string field: FIELD"),
      opt("--lower", &f->lower, "lower-case a string field (ASCII): FIELD"),
      opt("--upper", &f->upper, "upper-case a string field (ASCII): FIELD"),
      opt("--split-list", &f->split_list, "split a string into an array of trimmed items: FIELD[=SEP] (default ,)"),
      opt("--parse-date", &f->parse_date,
          "parse a date into ISO 8601: FIELD=FORMAT (strptime-like, e.g. \"%d/%m/%Y %H:%M\")"),
      opt("--call", &f->call, "apply a registered function: FIELD=FUNCTION"),
  };
  opt("--compute", &f->compute, "set a field from an expression: FIELD=EXPR (docs/steps.md, Expressions)");
  opt("--where", &f->where, "keep records for which EXPR is true (others are counted as filtered)");
  opt("--date-range", &f->date_range, "keep FROM <= FIELD < TO: FIELD=FROM..TO (ISO dates; either side optional)");
  opt("--in", &f->in, "keep records whose FIELD is one of the values: FIELD=a,b,c");
  opt("--tags-any", &f->tags_any, "keep records whose array FIELD holds any of the values: FIELD=a,b");
  opt("--tags-all", &f->tags_all, "keep records whose array FIELD holds all of the values: FIELD=a,b");
  opt("--fields", &f->fields,
      "write only these fields: a,b,c (dot paths for nested fields; applied last, to the record as written)");
  opt("--exclude", &f->exclude, "leave these fields out of the record written: x,y (dot paths)");
  app->add_option("--filter-on", f->filter_on,
                  "which record the filters above select on: target (default: the record migrated to the target "
                  "version) | source (the record as read and shaped, before version detection)")
      ->group(group);
  app->add_option("--errors", f->errors,
                  "strict (stop at the first reject) | skip-errors (reject and go on) | lenient (as skip-errors, "
                  "and a record failing its source schema is kept when it passes the target schema)")
      ->group(group);
  app->add_option("--on-duplicate", f->on_duplicate,
                  "a key already in the table target, or twice in the source: skip (keep the first) | overwrite "
                  "(keep the last)")
      ->group(group);
  f->app = app;
}

Result<ShapingSpec> ShapingFromFlags(const ShapingFlags& f) {
  ShapingSpec spec;
  if (!f.shaping_file.empty()) {
    std::ifstream in(f.shaping_file, std::ios::binary);
    if (!in) return Status::InvalidArgument("--shaping " + f.shaping_file + ": cannot read the file");
    std::stringstream text;
    text << in.rdbuf();
    auto parsed = ParseShaping(text.str());
    if (!parsed.ok()) return Status::InvalidArgument("--shaping " + f.shaping_file + ": " + parsed.status().message());
    spec = std::move(parsed).value();
  }
  for (const std::string& v : f.map) {
    std::string from, to;
    FERRY_RETURN_IF_ERROR(SplitPair("map", v, "OLD=NEW", false, &from, &to));
    spec.map.emplace_back(from, to);
  }
  const std::vector<std::string>* lists[] = {&f.trim, &f.lower, &f.upper, &f.split_list, &f.parse_date, &f.call};
  if (f.app != nullptr && f.transform_options.size() == 6) {
    // Command-line order: the parse order lists one entry per occurrence.
    size_t next[6] = {0, 0, 0, 0, 0, 0};
    for (const CLI::Option* o : f.app->parse_order()) {
      for (size_t k = 0; k < 6; ++k) {
        if (o != f.transform_options[k] || next[k] >= lists[k]->size()) continue;
        FERRY_RETURN_IF_ERROR(AddTransform(kTransformKinds[k], kTransformFlags[k], (*lists[k])[next[k]++], &spec));
      }
    }
    for (size_t k = 0; k < 6; ++k) {  // anything the parse order did not list
      while (next[k] < lists[k]->size()) {
        FERRY_RETURN_IF_ERROR(AddTransform(kTransformKinds[k], kTransformFlags[k], (*lists[k])[next[k]++], &spec));
      }
    }
  } else {
    for (size_t k = 0; k < 6; ++k) {
      for (const std::string& v : *lists[k]) {
        FERRY_RETURN_IF_ERROR(AddTransform(kTransformKinds[k], kTransformFlags[k], v, &spec));
      }
    }
  }
  for (const std::string& v : f.compute) {
    std::string field, expr;
    FERRY_RETURN_IF_ERROR(SplitPair("compute", v, "FIELD=EXPR", false, &field, &expr));
    spec.compute.emplace_back(field, expr);
  }
  for (const std::string& v : f.where) {
    if (v.empty()) return Bad("where", v, "expected an expression");
    spec.where.push_back(v);
  }
  for (const std::string& v : f.date_range) {
    std::string field, range;
    FERRY_RETURN_IF_ERROR(SplitPair("date-range", v, "FIELD=FROM..TO", false, &field, &range));
    size_t dots = range.find("..");
    if (dots == std::string::npos) return Bad("date-range", v, "expected FIELD=FROM..TO (either side may be empty)");
    DateRangeFilter r{field, range.substr(0, dots), range.substr(dots + 2)};
    if (r.from.empty() && r.to.empty()) return Bad("date-range", v, "give FROM, TO or both");
    spec.date_ranges.push_back(std::move(r));
  }
  for (const std::string& v : f.in) {
    ValueSetFilter s;
    std::string list;
    FERRY_RETURN_IF_ERROR(SplitPair("in", v, "FIELD=a,b,c", false, &s.field, &list));
    FERRY_RETURN_IF_ERROR(SplitValues("in", v, list, &s.values));
    spec.in.push_back(std::move(s));
  }
  for (bool all : {false, true}) {
    const char* flag = all ? "tags-all" : "tags-any";
    for (const std::string& v : all ? f.tags_all : f.tags_any) {
      TagsFilter t;
      t.all = all;
      std::string list;
      FERRY_RETURN_IF_ERROR(SplitPair(flag, v, "FIELD=a,b", false, &t.field, &list));
      FERRY_RETURN_IF_ERROR(SplitValues(flag, v, list, &t.values));
      spec.tags.push_back(std::move(t));
    }
  }
  for (const std::string& v : f.fields) FERRY_RETURN_IF_ERROR(SplitValues("fields", v, v, &spec.fields));
  for (const std::string& v : f.exclude) FERRY_RETURN_IF_ERROR(SplitValues("exclude", v, v, &spec.exclude));
  if (f.filter_on == "source") {
    spec.filter_on = FilterOn::kSource;
  } else if (f.filter_on == "target") {
    spec.filter_on = FilterOn::kTarget;
  } else if (!f.filter_on.empty()) {
    return Status::InvalidArgument("--filter-on " + f.filter_on + ": use target or source");
  }
  return spec;
}

Status ApplyShapingFlags(const ShapingFlags& f, RunOptions* o) {
  FERRY_ASSIGN_OR_RETURN(ShapingSpec spec, ShapingFromFlags(f));
  if (!spec.empty()) FERRY_RETURN_IF_ERROR(Shaper::Compile(spec, o->functions).status());
  o->shaping = std::move(spec);
  if (f.errors == "strict") {
    o->validation.on_error = ErrorPolicy::kStop;
  } else if (f.errors == "skip-errors") {
    o->validation.on_error = ErrorPolicy::kSkip;
  } else if (f.errors == "lenient") {
    o->validation.on_error = ErrorPolicy::kSkip;
    o->validation.before = false;
    o->validation.after = true;
  } else if (!f.errors.empty()) {
    return Status::InvalidArgument("--errors " + f.errors + ": use strict, lenient or skip-errors");
  }
  if (f.on_duplicate == "skip") {
    o->conflicts.policy = ConflictPolicy::kSkip;
  } else if (f.on_duplicate == "overwrite") {
    o->conflicts.policy = ConflictPolicy::kOverwrite;
  } else if (!f.on_duplicate.empty()) {
    return Status::InvalidArgument("--on-duplicate " + f.on_duplicate + ": use skip or overwrite");
  }
  return Status::OK();
}

}  // namespace ferry::cli
