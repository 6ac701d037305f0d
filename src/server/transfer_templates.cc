// Copyright (c) the Ferry authors.

#include "server/transfer_templates.h"

#include <map>

#include "common/json_builder.h"
#include "ferry/state.h"
#include "ferry/templates.h"
#include "ferry/json.h"

namespace ferry::server {

namespace {

// How a template's flag becomes a member: its name, and whether its value
// (typed as text) is a number or a flag without a value.
struct FlagMember {
  std::string_view flag;
  std::string_view member;
  enum { kText, kNumber, kTrue, kIgnored } kind;
  std::string_view command;  // "" = both
};

constexpr FlagMember kFlagMembers[] = {
    {"target", "target", FlagMember::kText, "import"},     {"target", "", FlagMember::kIgnored, "export"},
    {"source", "source", FlagMember::kText, "export"},     {"source", "", FlagMember::kIgnored, "import"},
    {"preset", "preset", FlagMember::kText, ""},
    {"batch-size", "batch_size", FlagMember::kNumber, ""}, {"threads", "threads", FlagMember::kNumber, ""},
    {"on-error", "on_error", FlagMember::kText, ""},       {"on-conflict", "on_conflict", FlagMember::kText, ""},
    {"dry-run", "dry_run", FlagMember::kTrue, "import"},   {"as-is", "as_is", FlagMember::kTrue, ""},
    {"version", "version", FlagMember::kText, "export"},   {"compress", "compression", FlagMember::kText, "export"},
};
constexpr std::string_view kIgnoredFlags[] = {"project", "state", "quiet", "json"};

Status FlagError(std::string_view name, std::string_view flag, std::string_view why) {
  return Status::InvalidArgument("/template: '" + std::string(name) + "' has --" + std::string(flag) + " " +
                                 std::string(why));
}

// One flag's value as the member's JSON text ("" = ignored).
Result<std::string> MemberJson(std::string_view name, std::string_view command, const Member& m) {
  const std::string_view flag = m.key.AsString();
  for (std::string_view ignored : kIgnoredFlags) {
    if (flag == ignored) return std::string();
  }
  for (const FlagMember& f : kFlagMembers) {
    if (f.flag != flag || (!f.command.empty() && f.command != command)) continue;
    if (f.kind == FlagMember::kIgnored) return std::string();
    const bool text = m.value.IsString();
    if (f.kind == FlagMember::kTrue) {
      if (!m.value.IsBool()) return FlagError(name, flag, "with a value; it takes none");
      return std::string("true");
    }
    if (!text) return FlagError(name, flag, "without the one value it takes");
    const std::string value(m.value.AsString());
    if (f.kind == FlagMember::kNumber) {
      if (value.empty() || value.size() > 9 || value.find_first_not_of("0123456789") != std::string::npos) {
        return FlagError(name, flag, "'" + value + "', not a number");
      }
      return value;
    }
    internal::JsonBuilder j;
    return j.Str(value).Take();
  }
  return FlagError(name, flag, std::string("which has no member of POST /") + std::string(command) +
                                   "s: give the member instead, or save a template without it");
}

// The template's flags as members (by member name, JSON text).
Result<std::map<std::string, std::string>> TemplateMembers(const std::string& state, const std::string& name,
                                                           std::string_view command) {
  FERRY_RETURN_IF_ERROR(ValidateTemplateName(name));
  FERRY_ASSIGN_OR_RETURN(std::unique_ptr<State> st, State::Open(state, ""));
  FERRY_ASSIGN_OR_RETURN(Template t, GetTemplate(*st, name));
  if (t.command != command) {
    return Status::InvalidArgument("/template: '" + name + "' is for `ferry " + t.command + "`, not " +
                                   std::string(command));
  }
  JsonParser parser;
  Arena arena(1024);
  FERRY_ASSIGN_OR_RETURN(Value options, parser.Parse(t.options.empty() ? "{}" : t.options, arena));
  std::map<std::string, std::string> out;
  for (const Member* m = options.members(); m != options.members_end(); ++m) {
    FERRY_ASSIGN_OR_RETURN(std::string json, MemberJson(name, command, *m));
    if (json.empty()) continue;
    for (const FlagMember& f : kFlagMembers) {
      if (f.flag == m->key.AsString() && (f.command.empty() || f.command == command)) out[std::string(f.member)] = json;
    }
  }
  return out;
}

}  // namespace

Result<std::string> ApplyTransferTemplate(const std::string& state, std::string_view request,
                                          std::string_view command) {
  JsonParser parser;
  Arena arena(4096);
  auto parsed = parser.Parse(request, arena);
  if (!parsed.ok() || !parsed.value().IsObject()) return std::string(request);  // refused when read
  const Value& body = parsed.value();
  const Value* name = body.Find("template");
  if (name == nullptr || name->IsNull()) return std::string(request);
  if (!name->IsString()) return Status::InvalidArgument("/template must be a string: a saved template's name");
  FERRY_ASSIGN_OR_RETURN(auto members, TemplateMembers(state, std::string(name->AsString()), command));
  for (const Member* m = body.members(); m != body.members_end(); ++m) {
    if (m->key.AsString() == "template") continue;
    internal::JsonBuilder value;
    members[std::string(m->key.AsString())] = value.Json(m->value).Take();
  }
  internal::JsonBuilder j;
  j.Begin();
  for (const auto& [member, json] : members) j.Key(member).Json(json);
  return j.End().Take();
}

}  // namespace ferry::server
