// Copyright (c) the Ferry authors.
//
// Templates: named, saved option sets for `ferry run` (and `ferry export` /
// `ferry import`), kept in Ferry's state store (include/ferry/state.h) in the
// table `templates` (SQLite, or schema ferry in PostgreSQL). `ferry template
// save|list|show|delete` manage them; `--template NAME` on a command applies
// one, flags given on the command line winning (docs/templates.md).
//
// A template holds the command it is for, a description, and the command's
// flags as a JSON object {flag name without dashes: value}: a string (the
// flag's value as typed), `true` (a flag without a value), or an array of
// strings (a flag given several values), e.g.
//   {"batch-size":"500","rejects":"rejects.jsonl","dry-run":true}
// This API stores what it is given after checking that shape; whether the
// flags exist is the CLI's check (it parses them with the command's parser
// when saving).
//
// Names: 1-64 characters of [A-Za-z0-9_.-].
//
// Errors: INVALID_ARGUMENT (bad name, command or options: the message says
// which), CONFLICT (saving over an existing name without `replace`),
// NOT_FOUND (no template of that name), IO_ERROR / UNAVAILABLE from the
// state store.
//
// Thread safety: as State (one per thread).

#ifndef FERRY_TEMPLATES_H_
#define FERRY_TEMPLATES_H_

#include <string>
#include <string_view>
#include <vector>

#include "ferry/result.h"
#include "ferry/state.h"
#include "ferry/status.h"

namespace ferry {

struct Template {
  std::string name;         // filled in by GetTemplate / ListTemplates
  std::string command;      // run | export | import
  std::string description;  // free text, may be ""
  std::string options;      // JSON object text (see above); "" means {}
  // Set by the store (UTC, "YYYY-MM-DDTHH:MM:SS.mmmZ"); ignored by SaveTemplate.
  std::string created_at;
  std::string updated_at;
  std::string updated_by;   // CurrentUser() of the last save
};

// The commands a template can be for.
inline constexpr std::string_view kTemplateCommands[] = {"run", "export", "import"};

// OK, or INVALID_ARGUMENT saying what is wrong with `name`.
Status ValidateTemplateName(std::string_view name);

// Checks `options` (a JSON object whose values are strings, true, or arrays
// of strings) and returns its compact form. INVALID_ARGUMENT naming the
// offending member otherwise.
// A value holding a password (a postgres:// URI with one, or password=...)
// is INVALID_ARGUMENT: templates are kept in the state and shown in clear.
Result<std::string> CanonicalTemplateOptions(std::string_view options);

// `options` for display: the password of every URI in a value replaced by
// "***" (templates saved before passwords were refused may hold one).
std::string MaskTemplateOptions(std::string_view options);

// Saves `t` under `name`. An existing template of that name is replaced
// (keeping its created_at) only when `replace`; otherwise CONFLICT. The save
// is one statement (atomic) and is written to the audit log.
Status SaveTemplate(State& state, const std::string& name, const Template& t, bool replace);

// NOT_FOUND naming the state when there is no such template.
Result<Template> GetTemplate(State& state, const std::string& name);

// Every template, by name.
Result<std::vector<Template>> ListTemplates(State& state);

// NOT_FOUND when there is no such template.
Status DeleteTemplate(State& state, const std::string& name);

}  // namespace ferry

#endif  // FERRY_TEMPLATES_H_
