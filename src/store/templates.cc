// Copyright (c) the Ferry authors.
//
// Saved templates (include/ferry/templates.h) in the state store's
// `templates` table (created with the others in StateStore::CreateTables).

#include "ferry/templates.h"

#include "common/text.h"
#include "ferry/json.h"
#include "store/state.h"
#include "store/store.h"

namespace ferry {

namespace {

constexpr size_t kMaxNameLength = 64;

bool NameChar(char c) {
  return internal::IsAlnum(c) || c == '_' || c == '.' || c == '-';
}

std::string Quoted(std::string_view s) {
  std::string out;
  WriteJsonString(s, &out);
  return out;
}

Status ValidateCommand(std::string_view command) {
  for (std::string_view c : kTemplateCommands) {
    if (c == command) return Status::OK();
  }
  return Status::InvalidArgument("a template is for run, export or import, not " + Quoted(command));
}

Template ToTemplate(const internal::SqlRow& r) {
  Template t;
  t.name = r[0].value_or("");
  t.command = r[1].value_or("");
  t.description = r[2].value_or("");
  t.options = r[3].value_or("{}");
  t.created_at = r[4].value_or("");
  t.updated_at = r[5].value_or("");
  t.updated_by = r[6].value_or("");
  return t;
}

constexpr const char* kColumns = "name, command, description, options, created_at, updated_at, updated_by";

}  // namespace

Status ValidateTemplateName(std::string_view name) {
  if (name.empty() || name.size() > kMaxNameLength) {
    return Status::InvalidArgument("template name " + Quoted(name) + " must be 1 to 64 characters of A-Z a-z 0-9 _ . -");
  }
  for (char c : name) {
    if (!NameChar(c)) {
      return Status::InvalidArgument("template name " + Quoted(name) +
                                     " may hold only the characters A-Z a-z 0-9 _ . - (1 to 64 of them)");
    }
  }
  return Status::OK();
}

namespace {

bool HoldsPassword(std::string_view text) { return internal::RedactUri(text) != text; }

// A template is stored in the state and shown in clear: a URI's password
// must not go in (docs/stores.md: a password never appears in the state).
Status RefusePassword(std::string_view key, const Value& x) {
  bool found = x.IsString() && HoldsPassword(x.AsString());
  if (x.IsArray()) {
    for (const Value& e : x) found |= e.IsString() && HoldsPassword(e.AsString());
  }
  if (!found) return Status::OK();
  return Status::InvalidArgument("template option " + Quoted(key) +
                                 " holds a password (templates are kept in the state and shown); give the URI "
                                 "without it, e.g. postgres://USER@HOST/DB, and the password through PGPASSWORD "
                                 "or ~/.pgpass; nothing was saved");
}

// `x` with the password of every URI it holds replaced by "***".
Value Masked(const Value& x, Arena& arena) {
  if (x.IsString()) return HoldsPassword(x.AsString()) ? Value::String(internal::RedactUri(x.AsString()), arena) : x;
  if (!x.IsArray()) return x;
  Value out = Value::Array(arena, x.size());
  for (const Value& e : x) out.Append(Masked(e, arena), arena);
  return out;
}

}  // namespace

std::string MaskTemplateOptions(std::string_view options) {
  Arena arena;
  JsonParser parser;
  auto parsed = parser.Parse(options.empty() ? "{}" : options, arena);
  if (!parsed.ok() || !parsed.value().IsObject()) return HoldsPassword(options) ? "{}" : std::string(options);
  Value v = parsed.value();
  for (Member* m = v.members(); m != v.members_end(); ++m) m->value = Masked(m->value, arena);
  return ToJson(v);
}

Result<std::string> CanonicalTemplateOptions(std::string_view options) {
  if (options.empty()) return std::string("{}");
  Arena arena;
  JsonParser parser;
  auto parsed = parser.Parse(options, arena);
  if (!parsed.ok()) return Status::InvalidArgument("template options are not JSON: " + parsed.status().message());
  const Value& v = parsed.value();
  if (!v.IsObject()) return Status::InvalidArgument("template options must be a JSON object {flag: value}");
  for (const Member* m = v.members(); m != v.members_end(); ++m) {
    const std::string_view key = m->key.AsString();
    if (key.empty() || key[0] == '-') {
      return Status::InvalidArgument("template option " + Quoted(key) +
                                     ": name the flag without its leading dashes (e.g. \"batch-size\")");
    }
    for (const Member* n = v.members(); n != m; ++n) {
      if (n->key.AsString() == key) return Status::InvalidArgument("template option " + Quoted(key) + " given twice");
    }
    const Value& x = m->value;
    FERRY_RETURN_IF_ERROR(RefusePassword(key, x));
    bool ok = x.IsString() || (x.IsBool() && x.AsBool());
    if (x.IsArray()) {
      ok = true;
      for (const Value& e : x) ok = ok && e.IsString();
    }
    if (!ok) {
      return Status::InvalidArgument("template option " + Quoted(key) + " holds " + ToJson(x) +
                                     "; expected a string, true, or an array of strings");
    }
  }
  return ToJson(v);
}

Status SaveTemplate(State& state, const std::string& name, const Template& t, bool replace) {
  FERRY_RETURN_IF_ERROR(ValidateTemplateName(name));
  FERRY_RETURN_IF_ERROR(ValidateCommand(t.command));
  FERRY_ASSIGN_OR_RETURN(std::string options, CanonicalTemplateOptions(t.options));
  internal::StateStore& store = internal::StoreOf(state);
  internal::SqlDb& db = store.db();
  const std::string now = internal::NowIso();
  const std::string user = internal::CurrentUser();
  const std::string insert = "INSERT INTO " + store.Table("templates") + " (" + kColumns +
                             ") VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (name) DO ";
  const std::vector<internal::SqlParam> params = {name, t.command, t.description, options, now, now, user};
  if (replace) {
    FERRY_RETURN_IF_ERROR(db.Exec(insert +
                                      "UPDATE SET command = excluded.command, description = excluded.description,"
                                      " options = excluded.options, updated_at = excluded.updated_at,"
                                      " updated_by = excluded.updated_by",
                                  params));
  } else {
    FERRY_RETURN_IF_ERROR(db.Exec(insert + "NOTHING", params));
    if (db.changes() == 0) {
      return Status::Conflict("template '" + name + "' already exists in " + store.location() +
                              "; pass --force to replace it, or choose another name");
    }
  }
  return store.Audit("", "template", (replace ? "saved (replacing any) template '" : "saved template '") + name +
                                         "' for " + t.command + ": " + options);
}

Result<Template> GetTemplate(State& state, const std::string& name) {
  FERRY_RETURN_IF_ERROR(ValidateTemplateName(name));
  internal::StateStore& store = internal::StoreOf(state);
  FERRY_ASSIGN_OR_RETURN(internal::SqlRows rows,
                         store.db().Query(std::string("SELECT ") + kColumns + " FROM " + store.Table("templates") +
                                              " WHERE name = $1",
                                          {name}));
  if (rows.empty()) {
    return Status::NotFound("no template '" + name + "' in " + store.location() +
                            "; 'ferry template list' shows the saved ones");
  }
  return ToTemplate(rows.rows[0]);
}

Result<std::vector<Template>> ListTemplates(State& state) {
  internal::StateStore& store = internal::StoreOf(state);
  FERRY_ASSIGN_OR_RETURN(internal::SqlRows rows, store.db().Query(std::string("SELECT ") + kColumns + " FROM " +
                                                                  store.Table("templates") + " ORDER BY name"));
  std::vector<Template> out;
  for (const internal::SqlRow& r : rows.rows) out.push_back(ToTemplate(r));
  return out;
}

Status DeleteTemplate(State& state, const std::string& name) {
  FERRY_RETURN_IF_ERROR(ValidateTemplateName(name));
  internal::StateStore& store = internal::StoreOf(state);
  FERRY_RETURN_IF_ERROR(store.db().Exec("DELETE FROM " + store.Table("templates") + " WHERE name = $1", {name}));
  if (store.db().changes() == 0) {
    return Status::NotFound("no template '" + name + "' in " + store.location() +
                            "; 'ferry template list' shows the saved ones");
  }
  return store.Audit("", "template", "deleted template '" + name + "'");
}

}  // namespace ferry
