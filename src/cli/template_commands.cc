// Copyright (c) the Ferry authors.
#include "cli/template_commands.h"

#include "cli/output.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/json_builder.h"
#include "common/text.h"
#include "ferry/json.h"
#include "ferry/state.h"

namespace ferry::cli {

namespace {

// A command that takes --template.
struct Target {
  CLI::App* sub = nullptr;
  std::string template_name;            // --template, "" when not given
  std::vector<CLI::Option*> required;   // required options, checked after the template
};

std::map<std::string, Target>& Targets() {
  static auto* targets = new std::map<std::string, Target>();
  return *targets;
}

// Flags a template cannot hold: --template (no nesting) and --state (the
// template is read from the state, so it cannot choose it).
bool Forbidden(const std::string& name) { return name == "template" || name == "state"; }

struct Args {
  std::string name;
  std::string command;
  std::string description;
  bool force = false;
  std::vector<std::string> flags;
  std::string state;
  bool json = false;
};

Args g_args;
CLI::App* g_template = nullptr;
CLI::App* g_save = nullptr;
CLI::App* g_list = nullptr;
CLI::App* g_show = nullptr;
CLI::App* g_delete = nullptr;

// Quotes a flag value for display when the shell would need it.
std::string ShellWord(const std::string& s) {
  const bool plain = !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return internal::IsAlnum(c) || std::string_view("-_./:=@,+#%").find(c) != std::string_view::npos;
  });
  if (plain) return s;
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// The template's options as command-line flags, e.g. "--batch-size 500 --dry-run".
std::string FlagsText(const std::string& options) {
  Arena arena;
  JsonParser parser;
  auto v = parser.Parse(options.empty() ? "{}" : options, arena);
  if (!v.ok() || !v.value().IsObject()) return options;
  std::string out;
  for (const Member* m = v.value().members(); m != v.value().members_end(); ++m) {
    const std::string flag = "--" + std::string(m->key.AsString());
    auto add = [&](const std::string& word) { out += (out.empty() ? "" : " ") + word; };
    if (m->value.IsBool()) {
      add(flag);
    } else if (m->value.IsString()) {
      add(flag);
      add(ShellWord(std::string(m->value.AsString())));
    } else if (m->value.IsArray()) {
      add(flag);
      for (const Value& e : m->value) add(ShellWord(std::string(e.AsString())));
    }
  }
  return out;
}

void TemplateJson(const Template& t, internal::JsonBuilder& j) {
  j.Begin().Key("name").Str(t.name).Key("for").Str(t.command).Key("description").Str(t.description);
  j.Key("options").Json(MaskTemplateOptions(t.options)).Key("created_at").Str(t.created_at);
  j.Key("updated_at").Str(t.updated_at).Key("updated_by").Str(t.updated_by).End();
}

std::string TemplateJson(const Template& t) {
  internal::JsonBuilder j;
  TemplateJson(t, j);
  return j.Take();
}

// The options `sub` was given, as a template's options JSON: a flag is
// true, one value a string, several an array of strings.
std::string GivenOptionsJson(CLI::App* sub) {
  internal::JsonBuilder j;
  j.Begin();
  for (CLI::Option* opt : sub->get_options()) {
    if (opt == sub->get_help_ptr() || opt->count() == 0) continue;
    const std::vector<std::string>& results = opt->results();
    j.Key(opt->get_single_name());
    if (opt->get_items_expected_max() == 0 && results.size() == 1 && results[0] == "true") j.Bool(true);
    else if (results.size() == 1) j.Str(results[0]);
    else j.Strings(results);
  }
  return j.End().Take();
}

// Parses `flags` with `sub`'s own parser and returns them as a template's
// options JSON. The subcommand is left parsed (the process exits after a
// save), its environment variables ignored.
Result<std::string> OptionsFromFlags(CLI::App* sub, const std::string& command, const std::vector<std::string>& flags) {
  // Unknown flags first, named plainly (CLI11 would list the leftovers).
  for (const std::string& token : flags) {
    if (token.size() < 2 || token[0] != '-' || token == "--") continue;
    const std::string name = token.substr(0, token.find('='));
    if (sub->get_option_no_throw(name) == nullptr) {
      return Status::InvalidArgument("'ferry " + command + "' has no flag " + name + " ('ferry " + command +
                                     " --help' lists them); nothing was saved");
    }
  }
  std::vector<std::pair<CLI::Option*, std::string>> envs;
  for (CLI::Option* opt : sub->get_options()) {
    if (!opt->get_envname().empty()) {
      envs.emplace_back(opt, opt->get_envname());
      opt->envname("");
    }
  }
  Status status;
  try {
    std::vector<std::string> reversed(flags.rbegin(), flags.rend());
    sub->parse(reversed);
  } catch (const CLI::CallForHelp&) {
    status = Status::InvalidArgument("--help is not a flag a template can hold");
  } catch (const CLI::ParseError& e) {
    status = Status::InvalidArgument("the flags are not valid for 'ferry " + command + "': " + e.what() +
                                     " ('ferry " + command + " --help' lists them); nothing was saved");
  }
  for (auto& [opt, name] : envs) opt->envname(name);
  FERRY_RETURN_IF_ERROR(status);

  for (CLI::Option* opt : sub->get_options()) {
    const std::string& name = opt->get_single_name();
    if (opt != sub->get_help_ptr() && opt->count() != 0 && Forbidden(name)) {
      return Status::InvalidArgument("a template cannot hold --" + name +
                                     (name == "state" ? " (templates live in the state: give --state on the command line)"
                                                      : " (templates do not nest)"));
    }
  }
  return GivenOptionsJson(sub);
}

int Save() {
  Status s = ValidateTemplateName(g_args.name);
  if (!s.ok()) return Fail(s);
  auto it = Targets().find(g_args.command);
  if (it == Targets().end()) {
    std::string known;
    for (const auto& [name, t] : Targets()) known += (known.empty() ? "" : ", ") + name;
    return Fail(Status::InvalidArgument("--for " + g_args.command + ": templates are for " + known));
  }
  auto options = OptionsFromFlags(it->second.sub, g_args.command, g_args.flags);
  if (!options.ok()) return Fail(options.status());
  auto state = State::Open(g_args.state, "", /*create=*/true);
  if (!state.ok()) return Fail(state.status());
  Template t;
  t.command = g_args.command;
  t.description = g_args.description;
  t.options = options.value();
  s = SaveTemplate(**state, g_args.name, t, g_args.force);
  if (!s.ok()) return Fail(s);
  if (g_args.json) {
    auto saved = GetTemplate(**state, g_args.name);
    if (!saved.ok()) return Fail(saved.status());
    std::printf("%s\n", TemplateJson(saved.value()).c_str());
  } else {
    std::printf("Saved template '%s' for 'ferry %s' in %s: %s\n", g_args.name.c_str(), t.command.c_str(),
                (*state)->location().c_str(), FlagsText(MaskTemplateOptions(t.options)).c_str());
  }
  return 0;
}

int List() {
  auto state = State::Open(g_args.state, "");
  if (!state.ok() && state.status().code() == ErrorCode::kNotFound) {
    std::printf(g_args.json ? "[]\n" : "No templates (no Ferry state here yet).\n");
    return 0;
  }
  if (!state.ok()) return Fail(state.status());
  auto list = ListTemplates(**state);
  if (!list.ok()) return Fail(list.status());
  if (g_args.json) {
    internal::JsonBuilder j;
    j.BeginArray();
    for (const Template& t : list.value()) TemplateJson(t, j);
    std::printf("%s\n", j.EndArray().text().c_str());
    return 0;
  }
  std::printf("Templates in %s:\n", (*state)->location().c_str());
  if (list.value().empty()) {
    std::printf("  none ('ferry template save NAME --for run -- FLAGS...' saves one)\n");
    return 0;
  }
  std::printf("  %-24s %-7s %-40s %s\n", "name", "for", "description", "updated");
  for (const Template& t : list.value()) {
    std::string d = t.description;
    for (char& c : d) {
      if (c == '\n' || c == '\r' || c == '\t') c = ' ';
    }
    if (d.size() > 40) d = d.substr(0, 37) + "...";
    std::printf("  %-24s %-7s %-40s %s\n", t.name.c_str(), t.command.c_str(), d.c_str(), t.updated_at.c_str());
  }
  return 0;
}

int Show() {
  auto state = State::Open(g_args.state, "");
  if (!state.ok()) return Fail(state.status());
  auto t = GetTemplate(**state, g_args.name);
  if (!t.ok()) return Fail(t.status());
  std::printf("%s\n", TemplateJson(t.value()).c_str());
  return 0;
}

int Delete() {
  auto state = State::Open(g_args.state, "");
  if (!state.ok()) return Fail(state.status());
  Status s = DeleteTemplate(**state, g_args.name);
  if (!s.ok()) return Fail(s);
  if (g_args.json) {
    internal::JsonBuilder j;
    j.Begin().Key("deleted").Str(g_args.name).Key("state").Str((*state)->location()).End();
    std::printf("%s\n", j.text().c_str());
  } else {
    std::printf("Deleted template '%s' from %s.\n", g_args.name.c_str(), (*state)->location().c_str());
  }
  return 0;
}

void AddState(CLI::App* app) {
  app->add_option("--state", g_args.state,
                  "Ferry's state: an SQLite file or postgres:// URI (default: $FERRY_STATE, else .ferry/state.db)")
      ->envname("FERRY_STATE");
}

}  // namespace

void RegisterTemplateCommands(CLI::App& app) {
  g_template = app.add_subcommand("template", "saved option sets for run/export/import: save | list | show | delete");
  g_template->require_subcommand(1);
  g_save = g_template->add_subcommand(
      "save", "save FLAGS of a command under NAME: ferry template save NAME --for run [--force] -- FLAGS...");
  g_save->add_option("name", g_args.name, "template name: 1-64 of A-Z a-z 0-9 _ . -")->required();
  g_save->add_option("--for", g_args.command, "the command the flags are for: run | export | import")->required();
  g_save->add_option("--description", g_args.description, "what the template is for");
  g_save->add_flag("--force", g_args.force, "replace a template of the same name");
  g_save->add_option("flags", g_args.flags, "the command's flags, after --");
  g_save->add_flag("--json", g_args.json, "print the saved template as JSON");
  AddState(g_save);
  g_list = g_template->add_subcommand("list", "saved templates: name, for, description, updated");
  g_list->add_flag("--json", g_args.json, "print JSON");
  AddState(g_list);
  g_show = g_template->add_subcommand("show", "one template as JSON");
  g_show->add_option("name", g_args.name, "template name")->required();
  g_show->add_flag("--json", g_args.json, "print JSON (the only form show prints; accepted like every command's)");
  AddState(g_show);
  g_delete = g_template->add_subcommand("delete", "delete a template");
  g_delete->add_option("name", g_args.name, "template name")->required();
  g_delete->add_flag("--json", g_args.json, "print {\"deleted\": NAME, \"state\": WHERE}");
  AddState(g_delete);
}

bool RunTemplateCommand(int* exit_code) {
  if (g_template == nullptr || !g_template->parsed()) return false;
  if (g_save->parsed()) {
    *exit_code = Save();
  } else if (g_list->parsed()) {
    *exit_code = List();
  } else if (g_show->parsed()) {
    *exit_code = Show();
  } else if (g_delete->parsed()) {
    *exit_code = Delete();
  } else {
    *exit_code = ExitCodeFor(ErrorCode::kInvalidArgument);
  }
  return true;
}

void EnableTemplates(CLI::App* sub, const std::string& command) {
  Target& t = Targets()[command];
  t.sub = sub;
  for (CLI::Option* opt : sub->get_options()) {
    if (opt->get_required()) {
      t.required.push_back(opt);
      opt->required(false);
      opt->description(opt->get_description() + " (required: here or in the --template)");
    }
  }
  sub->add_option("--template", t.template_name,
                  "apply this saved template's flags first (flags given here win; ferry template list)");
}

Status ApplyTemplate(CLI::App* sub, const std::string& command, const Template& t) {
  if (t.command != command) {
    return Status::InvalidArgument("template '" + t.name + "' is for 'ferry " + t.command + "', not 'ferry " + command +
                                   "'");
  }
  Arena arena;
  JsonParser parser;
  auto parsed = parser.Parse(t.options.empty() ? "{}" : t.options, arena);
  if (!parsed.ok() || !parsed.value().IsObject()) {
    return Status::InvalidArgument("template '" + t.name + "': its options are not a JSON object");
  }
  const Value& options = parsed.value();
  for (const Member* m = options.members(); m != options.members_end(); ++m) {
    const std::string name(m->key.AsString());
    CLI::Option* opt = Forbidden(name) ? nullptr : sub->get_option_no_throw("--" + name);
    if (opt == nullptr || opt == sub->get_help_ptr()) {
      return Status::InvalidArgument("template '" + t.name + "' holds --" + name + ", which 'ferry " + command +
                                     "' does not take; save it again without it (ferry template save " + t.name +
                                     " --for " + command + " --force -- ...)");
    }
    if (opt->count() > 0) continue;  // given on the command line: it wins
    std::vector<std::string> values;
    const Value& v = m->value;
    if (v.IsBool()) {
      if (!v.AsBool()) continue;
      values.push_back("true");
    } else if (v.IsString()) {
      values.emplace_back(v.AsString());
    } else if (v.IsArray()) {
      for (const Value& e : v) {
        if (!e.IsString()) return Status::InvalidArgument("template '" + t.name + "': --" + name + " holds a non-string");
        values.emplace_back(e.AsString());
      }
    } else {
      return Status::InvalidArgument("template '" + t.name + "': --" + name + " holds " + ToJson(v) +
                                     "; expected a string, true, or an array of strings");
    }
    try {
      opt->add_result(values);
      opt->run_callback();
    } catch (const CLI::Error& e) {
      return Status::InvalidArgument("template '" + t.name + "': --" + name + ": " + e.what());
    }
  }
  return Status::OK();
}

Status ResolveTemplate(CLI::App* sub, const std::string& state, const std::string& target) {
  for (auto& [command, t] : Targets()) {
    if (t.sub != sub) continue;
    if (!t.template_name.empty()) {
      FERRY_RETURN_IF_ERROR(ValidateTemplateName(t.template_name));
      FERRY_ASSIGN_OR_RETURN(std::unique_ptr<State> st, State::Open(state, target));
      FERRY_ASSIGN_OR_RETURN(Template tmpl, GetTemplate(*st, t.template_name));
      FERRY_RETURN_IF_ERROR(ApplyTemplate(sub, command, tmpl));
    }
    for (CLI::Option* opt : t.required) {
      if (opt->count() == 0) {
        return Status::InvalidArgument(opt->get_name() + " is required (on the command line" +
                                       (t.template_name.empty() ? ", or in a --template" : " or in the template") +
                                       ")");
      }
    }
    return Status::OK();
  }
  return Status::OK();
}

}  // namespace ferry::cli
