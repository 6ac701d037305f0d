// Copyright (c) the Ferry authors.
//
// The record-shaping flags of `ferry run` (and of the import/export
// commands): --map, --trim, --lower, --upper, --split-list, --parse-date,
// --call, --compute, --where, --date-range, --in, --tags-any, --tags-all,
// --filter-on target|source, --fields, --exclude, --shaping FILE (a JSON
// template, include/ferry/shaping.h), --errors and
// --on-duplicate. docs/shaping.md describes them.
//
// Usage: AddShapingFlags(sub, &flags) before parsing; after parsing,
// ApplyShapingFlags(flags, &run_options). Transformations apply in
// command-line order (after every --map, before every --compute).
//
// Errors: INVALID_ARGUMENT naming the flag and what is wrong
// ("--parse-date created: expected FIELD=FORMAT").
//
// Thread safety: none needed (CLI parsing, one thread).

#ifndef FERRY_CLI_SHAPING_FLAGS_H_
#define FERRY_CLI_SHAPING_FLAGS_H_

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "ferry/result.h"
#include "ferry/run.h"
#include "ferry/shaping.h"

namespace ferry::cli {

struct ShapingFlags {
  std::string shaping_file;  // --shaping FILE.json
  std::vector<std::string> map, trim, lower, upper, split_list, parse_date, call, compute, where, date_range, in,
      tags_any, tags_all;
  std::vector<std::string> fields, exclude;  // --fields a,b / --exclude x,y (repeatable)
  std::string errors;        // strict | lenient | skip-errors ("" = not given)
  std::string on_duplicate;  // skip | overwrite ("" = not given)
  std::string filter_on;     // target | source ("" = not given: the template's, else target)
  // Set by AddShapingFlags: used to recover the command-line order of the
  // transformation flags. Null: transforms in the order trim, lower, upper,
  // split-list, parse-date, call.
  const CLI::App* app = nullptr;
  std::vector<const CLI::Option*> transform_options;  // trim, lower, upper, split_list, parse_date, call
};

// Registers the flags on `app`; parsed values land in *flags (which must
// outlive parsing).
void AddShapingFlags(CLI::App* app, ShapingFlags* flags);

// The shaping spec the flags describe (the --shaping template first, then
// the flags). Errors: INVALID_ARGUMENT for a malformed flag or template.
Result<ShapingSpec> ShapingFromFlags(const ShapingFlags& flags);

// Sets options->shaping (checked by compiling it), and per --errors and
// --on-duplicate the error policy, validation and conflict policy:
//   strict       validation.on_error = kStop
//   skip-errors  validation.on_error = kSkip
//   lenient      validation.on_error = kSkip, validation.before = false, validation.after = true
//   --on-duplicate skip|overwrite: conflicts.policy = kSkip|kOverwrite
// They override --on-error / --on-conflict / --no-validate-before.
Status ApplyShapingFlags(const ShapingFlags& flags, RunOptions* options);

}  // namespace ferry::cli

#endif  // FERRY_CLI_SHAPING_FLAGS_H_
