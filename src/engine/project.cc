// Copyright (c) the Ferry authors.
//
// Loading ferry.yaml: every check that can be made before touching data is
// made here, and every error names the file, the line and what to do.

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>

#include <re2/re2.h>
#include <yaml-cpp/yaml.h>

#include "engine/project_internal.h"
#include "common/digest.h"
#include "engine/yaml_value.h"
#include "schema/references.h"
#include "formats/yaml.h"

namespace ferry {

namespace fs = std::filesystem;
using internal::CompiledMigration;
using internal::CompiledVersion;
using internal::FieldPath;

namespace {

// Edit distance, for "did you mean" hints.
size_t Distance(std::string_view a, std::string_view b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string Suggest(std::string_view word, const std::vector<std::string>& known) {
  std::string best;
  size_t best_d = 3;
  for (const std::string& k : known) {
    size_t d = Distance(word, k);
    if (d < best_d) {
      best_d = d;
      best = k;
    }
  }
  return best.empty() ? "" : " (did you mean '" + best + "'?)";
}

std::string Join(const std::vector<std::string>& items, std::string_view sep = ", ") {
  std::string s;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) s += sep;
    s += items[i];
  }
  return s;
}

class Loader {
 public:
  Loader(std::string name, std::string dir, const ProjectLoadOptions& options)
      : name_(std::move(name)), dir_(std::move(dir)), options_(options) {}

  Status Error(const YAML::Node& at, const std::string& msg) {
    int line = internal::YamlLine(at);
    return Status::ProjectError(name_ + (line > 0 ? ":" + std::to_string(line) : "") + ": " + msg);
  }

  Status CheckKeys(const YAML::Node& map, const std::vector<std::string>& allowed, const std::string& where) {
    for (const auto& kv : map) {
      std::string k = kv.first.Scalar();
      // "x-" keys are extensions (anchors for reuse, notes); ignored, as in
      // docker-compose and OpenAPI.
      if (k.rfind("x-", 0) == 0) continue;
      if (std::find(allowed.begin(), allowed.end(), k) == allowed.end()) {
        return Error(kv.first, "unknown key '" + k + "' in " + where + Suggest(k, allowed) +
                                   "; allowed: " + Join(allowed));
      }
    }
    return Status::OK();
  }

  // `backup: { keep: N, max_age_days: D }` (either or both).
  Status LoadBackupRetention(const YAML::Node& b) {
    if (!b) return Status::OK();
    if (!b.IsMap() || b.size() == 0) return Error(b, "'backup' takes { keep: N, max_age_days: D } (either or both)");
    FERRY_RETURN_IF_ERROR(CheckKeys(b, {"keep", "max_age_days"}, "'backup'"));
    Project::Rep::BackupRetention& r = rep_->backup_retention;
    r.configured = true;
    auto number = [&](const char* key, int64_t min, int64_t max, int64_t* out) -> Status {
      YAML::Node n = b[key];
      if (!n) return Status::OK();
      char* end = nullptr;
      const std::string text = n.IsScalar() ? n.Scalar() : "";
      const long long v = std::strtoll(text.c_str(), &end, 10);
      if (text.empty() || *end != '\0' || v < min || v > max) {
        return Error(n, "'backup." + std::string(key) + "' takes a whole number from " + std::to_string(min) + " to " +
                            std::to_string(max) + (min > 0 ? " (0 would delete each backup as it is made)" : ""));
      }
      *out = v;
      return Status::OK();
    };
    int64_t keep = -1;
    FERRY_RETURN_IF_ERROR(number("keep", 1, 1000000, &keep));
    if (keep >= 0) r.keep = uint32_t(keep);
    return number("max_age_days", 0, 36500, &r.max_age_days);
  }

  Result<std::string> RequireString(const YAML::Node& map, const char* key, const std::string& where) {
    YAML::Node n = map[key];
    if (!n) return Error(map, where + " needs '" + key + "'");
    if (!n.IsScalar() || n.Scalar().empty()) return Error(n, "'" + std::string(key) + "' in " + where + " must be a non-empty string");
    return n.Scalar();
  }

  Result<FieldPath> Path(const YAML::Node& n, const std::string& where) {
    if (!n.IsScalar() || n.Scalar().empty()) return Error(n, where + ": expected a field name");
    FieldPath p;
    p.text = n.Scalar();
    std::stringstream ss(p.text);
    std::string part;
    while (std::getline(ss, part, '.')) p.parts.push_back(part);
    return p;
  }

  Status LoadDetector(const YAML::Node& node, const std::string& version, internal::Detector* d,
                      std::string* summary) {
    std::string where = "detect of version '" + version + "'";
    if (!node.IsMap()) return Error(node, where + " must be a mapping, e.g. { has: [field] }");
    FERRY_RETURN_IF_ERROR(CheckKeys(node, {"has", "lacks", "equals", "type", "schema"}, where));
    std::vector<std::string> parts;
    for (const char* kind : {"has", "lacks"}) {
      YAML::Node list = node[kind];
      if (!list) continue;
      std::vector<YAML::Node> items;
      if (list.IsScalar()) items.push_back(list);
      else if (list.IsSequence()) for (const auto& i : list) items.push_back(i);
      else return Error(list, where + ": '" + kind + "' takes a field name or a list of them");
      if (items.empty()) return Error(list, where + ": '" + kind + "' needs at least one field name");
      std::vector<std::string> names;
      for (const auto& i : items) {
        FERRY_ASSIGN_OR_RETURN(FieldPath p, Path(i, where));
        names.push_back(p.text);
        (std::string(kind) == "has" ? d->has : d->lacks).push_back(std::move(p));
      }
      parts.push_back(std::string(kind) + " [" + Join(names) + "]");
    }
    if (YAML::Node eq = node["equals"]) {
      if (!eq.IsMap() || eq.size() == 0) return Error(eq, where + ": 'equals' takes a mapping field: value");
      for (const auto& kv : eq) {
        FERRY_ASSIGN_OR_RETURN(FieldPath p, Path(kv.first, where));
        FERRY_ASSIGN_OR_RETURN(Value v, internal::YamlToValue(kv.second, rep_->arena));
        parts.push_back(p.text + " == " + ToJson(v));
        d->equals.emplace_back(std::move(p), v);
      }
    }
    if (YAML::Node ty = node["type"]) {
      static const std::vector<std::string> kTypes = {"null", "boolean", "number", "integer", "string", "array", "object"};
      auto check = [&](const YAML::Node& n) -> Status {
        if (!n.IsScalar() || std::find(kTypes.begin(), kTypes.end(), n.Scalar()) == kTypes.end()) {
          return Error(n, where + ": unknown type '" + (n.IsScalar() ? n.Scalar() : "") + "'" +
                              Suggest(n.IsScalar() ? n.Scalar() : "", kTypes) + "; use one of " + Join(kTypes));
        }
        return Status::OK();
      };
      if (ty.IsScalar()) {
        FERRY_RETURN_IF_ERROR(check(ty));
        d->types.emplace_back(FieldPath{}, ty.Scalar());
        parts.push_back("type " + ty.Scalar());
      } else if (ty.IsMap() && ty.size() > 0) {
        for (const auto& kv : ty) {
          FERRY_ASSIGN_OR_RETURN(FieldPath p, Path(kv.first, where));
          FERRY_RETURN_IF_ERROR(check(kv.second));
          parts.push_back(p.text + " is " + kv.second.Scalar());
          d->types.emplace_back(std::move(p), kv.second.Scalar());
        }
      } else {
        return Error(ty, where + ": 'type' takes a type name or a mapping field: type");
      }
    }
    if (YAML::Node sc = node["schema"]) {
      if (!sc.IsScalar() || (sc.Scalar() != "true" && sc.Scalar() != "false")) {
        return Error(sc, where + ": 'schema' takes true or false");
      }
      d->by_schema = sc.Scalar() == "true";
      if (d->by_schema) parts.push_back("matches its schema");
    }
    if (parts.empty()) return Error(node, where + " has no condition; give has, lacks, equals, type or schema");
    *summary = Join(parts, " and ");
    return Status::OK();
  }

  static std::string FileUri(const fs::path& p) { return "file://" + fs::absolute(p).lexically_normal().string(); }

  // Reads and registers the schema file of version `v`; it is compiled once
  // every version's schema and every local file they refer to is
  // registered (CompileSchemas), so that the order of declaration does not
  // matter to "$ref".
  Status RegisterSchema(const YAML::Node& node, CompiledVersion* v) {
    std::string file = node.Scalar();
    fs::path p = fs::path(file).is_absolute() ? fs::path(file) : fs::path(dir_) / file;
    v->info.schema_file = file;
    v->info.schema_path = p.lexically_normal().string();
    std::ifstream in(p, std::ios::binary);
    if (!in) {
      return Error(node, "schema file '" + file + "' of version '" + v->info.name + "' not found (looked at " +
                             v->info.schema_path + "); create it or fix the path");
    }
    std::stringstream ss;
    ss << in.rdbuf();
    std::string uri = FileUri(p);
    Status s = rep_->schemas->RegisterJson(uri, ss.str());
    if (!s.ok()) {
      return Error(node, "schema file '" + file + "' of version '" + v->info.name + "' is not valid: " + s.message());
    }
    schema_uris_[v->info.name] = uri;
    schema_origins_.emplace(uri, node);
    schema_texts_[uri] = ss.str();
    return Status::OK();
  }

  // A schema file named as the project file names it: relative to the
  // project directory when it is under it.
  std::string ShownPath(std::string_view uri) const {
    fs::path p(std::string(uri.substr(std::string_view("file://").size())));
    fs::path rel = p.lexically_proximate(fs::absolute(fs::path(dir_.empty() ? "." : dir_)).lexically_normal());
    return rel.string();
  }

  // Registers the local files that the schema files "$ref" (e.g.
  // "common.json#/definitions/x", "../shared/a.json"), resolved against the
  // referring file, and those they "$ref" in turn. Only file:// targets are
  // read: a remote "$ref" stays unresolved and is refused when compiling.
  Status RegisterReferencedFiles() {
    std::vector<std::string> pending;
    for (const auto& [version, uri] : schema_uris_) pending.push_back(uri);
    std::set<std::string> listed;
    while (!pending.empty()) {
      std::string uri = std::move(pending.back());
      pending.pop_back();
      if (!listed.insert(uri).second) continue;
      Arena arena;
      JsonParser parser;
      Result<Value> doc = parser.Parse(schema_texts_.at(uri), arena);
      if (!doc.ok()) continue;  // reported when it was registered
      for (const internal::SchemaReference& r : internal::ListSchemaReferences(doc.value(), uri)) {
        if (r.target.rfind("file://", 0) != 0 || rep_->schemas->Contains(r.target)) continue;
        FERRY_RETURN_IF_ERROR(RegisterReferencedFile(uri, r));
        pending.push_back(r.target);
      }
    }
    return Status::OK();
  }

  Status RegisterReferencedFile(const std::string& referrer, const internal::SchemaReference& r) {
    const YAML::Node& origin = schema_origins_.at(referrer);
    std::string path = r.target.substr(std::string_view("file://").size());
    std::string where = "schema file '" + ShownPath(referrer) + "': $ref \"" + r.ref + "\" at \"" + r.pointer + "\"";
    std::error_code ec;
    std::ifstream in(path, std::ios::binary);
    if (!fs::is_regular_file(path, ec) || !in) {
      return Error(origin, where + " names the file '" + ShownPath(r.target) + "', which does not exist (looked at " +
                               path + "; a relative $ref is resolved against the directory of the file that holds "
                               "it); create it or fix the $ref");
    }
    std::stringstream ss;
    ss << in.rdbuf();
    Status s = rep_->schemas->RegisterJson(r.target, ss.str());
    if (!s.ok()) {
      return Error(origin, where + " names the file '" + ShownPath(r.target) + "', which is not valid: " + s.message());
    }
    schema_origins_.emplace(r.target, origin);
    schema_texts_[r.target] = ss.str();
    return Status::OK();
  }

  Status CompileSchema(const YAML::Node& node, CompiledVersion* v) {
    const std::string& file = v->info.schema_file;
    auto compiled = rep_->schemas->CompileUri(schema_uris_.at(v->info.name));
    if (!compiled.ok()) {
      return Error(node, "schema file '" + file + "' of version '" + v->info.name +
                             "' is not a valid JSON Schema (draft 7): " + compiled.status().message());
    }
    v->schema = compiled.value();
    // The expected types for loosely typed sources, once per version.
    Arena arena;
    JsonParser parser;
    if (Result<Value> doc = parser.Parse(schema_texts_.at(schema_uris_.at(v->info.name)), arena); doc.ok()) {
      auto types = std::make_shared<internal::SchemaTypes>(internal::BuildSchemaTypes(doc.value()));
      if (!types->empty()) v->types = std::move(types);
    }
    return Status::OK();
  }

  Status CompileSchemas(const YAML::Node& versions) {
    FERRY_RETURN_IF_ERROR(RegisterReferencedFiles());
    for (const auto& kv : versions) {
      for (CompiledVersion& v : rep_->versions) {
        if (v.info.name != kv.first.Scalar() || !kv.second["schema"]) continue;
        FERRY_RETURN_IF_ERROR(CompileSchema(kv.second["schema"], &v));
      }
    }
    return Status::OK();
  }

  Status LoadVersions(const YAML::Node& node) {
    if (!node || !node.IsMap() || node.size() == 0) {
      return Error(node ? node : root_, "'versions' must be a mapping of version name to { detect, schema }");
    }
    for (const auto& kv : node) {
      CompiledVersion v;
      v.info.name = kv.first.Scalar();
      v.info.line = internal::YamlLine(kv.first);
      for (const auto& other : rep_->versions) {
        if (other.info.name == v.info.name) return Error(kv.first, "version '" + v.info.name + "' is declared twice");
      }
      const YAML::Node& body = kv.second;
      std::string where = "version '" + v.info.name + "'";
      if (!body.IsMap()) return Error(kv.first, where + " must be a mapping { detect: ..., schema: FILE }");
      FERRY_RETURN_IF_ERROR(CheckKeys(body, {"detect", "schema", "description"}, where));
      if (!body["detect"]) {
        return Error(kv.first, where + " needs 'detect' (how to recognise its records, e.g. { has: [field] })");
      }
      FERRY_RETURN_IF_ERROR(LoadDetector(body["detect"], v.info.name, &v.detector, &v.info.detector));
      if (YAML::Node sc = body["schema"]) {
        if (!sc.IsScalar()) return Error(sc, where + ": 'schema' must be a file path");
        FERRY_RETURN_IF_ERROR(RegisterSchema(sc, &v));
      }
      if (v.detector.by_schema && !body["schema"]) {
        return Error(body["detect"], where + " is detected by its schema but has no 'schema' file");
      }
      rep_->versions.push_back(std::move(v));
    }
    FERRY_RETURN_IF_ERROR(CompileSchemas(node));
    return CheckShadowedVersions(node);
  }

  // Detection takes the first version, in declaration order, whose detector
  // matches: a version after one whose detector matches every record its
  // own matches can never be detected (a target that cannot be detected is
  // migrated again by every run).
  Status CheckShadowedVersions(const YAML::Node& versions) {
    for (size_t j = 0; j < rep_->versions.size(); ++j) {
      for (size_t i = 0; i < j; ++i) {
        const CompiledVersion& earlier = rep_->versions[i];
        const CompiledVersion& later = rep_->versions[j];
        if (!internal::DetectorImplies(later.detector, earlier.detector)) continue;
        for (const auto& kv : versions) {
          if (kv.first.Scalar() != later.info.name) continue;
          return Error(kv.first, "version '" + later.info.name + "' can never be detected: version '" +
                                     earlier.info.name + "', declared before it, matches every record that '" +
                                     later.info.name + "' matches (" + earlier.info.detector +
                                     "; the first match in declaration order wins); declare '" + later.info.name +
                                     "' first or narrow the detector of '" + earlier.info.name + "'");
        }
      }
    }
    return Status::OK();
  }

  int VersionIndex(const std::string& name) {
    for (size_t i = 0; i < rep_->versions.size(); ++i) {
      if (rep_->versions[i].info.name == name) return int(i);
    }
    return -1;
  }

  std::vector<std::string> VersionNames() {
    std::vector<std::string> names;
    for (const auto& v : rep_->versions) names.push_back(v.info.name);
    return names;
  }

  Status LoadMigrations(const YAML::Node& node) {
    if (!node) return Status::OK();
    if (!node.IsSequence()) return Error(node, "'migrations' must be a list of { id, from, to, steps }");
    std::set<std::string> ids;
    for (const auto& m : node) {
      if (!m.IsMap()) return Error(m, "each migration must be a mapping { id, from, to, steps }");
      FERRY_RETURN_IF_ERROR(CheckKeys(m, {"id", "from", "to", "steps", "depends_on", "critical", "on_failure", "description"}, "a migration"));
      CompiledMigration cm;
      cm.info.line = internal::YamlLine(m);
      FERRY_ASSIGN_OR_RETURN(cm.info.id, RequireString(m, "id", "a migration"));
      std::string where = "migration '" + cm.info.id + "'";
      if (!ids.insert(cm.info.id).second) return Error(m["id"], where + " is declared twice; ids must be unique");
      FERRY_ASSIGN_OR_RETURN(cm.info.from, RequireString(m, "from", where));
      FERRY_ASSIGN_OR_RETURN(cm.info.to, RequireString(m, "to", where));
      cm.from = VersionIndex(cm.info.from);
      cm.to = VersionIndex(cm.info.to);
      if (cm.from < 0) {
        return Error(m["from"], where + ": unknown version '" + cm.info.from + "'" + Suggest(cm.info.from, VersionNames()) +
                                    "; known versions: " + Join(VersionNames()));
      }
      if (cm.to < 0) {
        return Error(m["to"], where + ": unknown version '" + cm.info.to + "'" + Suggest(cm.info.to, VersionNames()) +
                                  "; known versions: " + Join(VersionNames()));
      }
      if (cm.from == cm.to) return Error(m["to"], where + " goes from '" + cm.info.from + "' to itself");
      if (YAML::Node c = m["critical"]) {
        if (!c.IsScalar() || (c.Scalar() != "true" && c.Scalar() != "false")) return Error(c, where + ": 'critical' takes true or false");
        cm.info.critical = c.Scalar() == "true";
      }
      if (YAML::Node f = m["on_failure"]) {
        if (!f.IsScalar() || (f.Scalar() != "reject" && f.Scalar() != "skip")) {
          return Error(f, where + ": 'on_failure' takes reject (the default) or skip");
        }
        cm.info.skip_on_failure = f.Scalar() == "skip";
        if (cm.info.skip_on_failure && cm.info.critical) {
          return Error(f, where + " is critical: a critical migration cannot be skipped on failure; drop "
                                  "'critical: true' or use 'on_failure: reject'");
        }
      }
      if (YAML::Node deps = m["depends_on"]) {
        if (deps.IsScalar()) cm.info.depends_on.push_back(deps.Scalar());
        else if (deps.IsSequence()) for (const auto& d : deps) cm.info.depends_on.push_back(d.Scalar());
        else return Error(deps, where + ": 'depends_on' takes a migration id or a list of them");
      }
      YAML::Node steps = m["steps"];
      if (!steps || !steps.IsSequence()) return Error(steps ? steps : YAML::Node(m), where + " needs 'steps', a list of steps");
      FERRY_RETURN_IF_ERROR(CompileMigrationSteps(steps, &cm));
      FERRY_RETURN_IF_ERROR(Fingerprint(m, &cm.info));
      rep_->migrations.push_back(std::move(cm));
      migration_nodes_.push_back(m);
    }
    // depends_on: known ids, no cycles.
    for (size_t i = 0; i < rep_->migrations.size(); ++i) {
      for (const std::string& dep : rep_->migrations[i].info.depends_on) {
        if (!ids.count(dep)) {
          std::vector<std::string> all(ids.begin(), ids.end());
          return Error(migration_nodes_[i]["depends_on"], "migration '" + rep_->migrations[i].info.id +
                                                                "' depends on unknown migration '" + dep + "'" + Suggest(dep, all));
        }
      }
    }
    FERRY_RETURN_IF_ERROR(CheckDependsOnCycles());
    return CheckGraphCycles();
  }

  // The migration's normalised definition (canonical JSON: sorted keys, no
  // comments or layout; `description` left out, it changes no behaviour)
  // and its SHA-256, recorded in the history when the migration is applied.
  Status Fingerprint(const YAML::Node& m, MigrationInfo* info) {
    Arena scratch;
    FERRY_ASSIGN_OR_RETURN(Value v, internal::YamlToValue(m, scratch));
    if (v.IsObject()) v.Remove("description");
    info->definition.clear();
    WriteCanonicalJson(v, &info->definition);
    info->checksum = internal::Sha256Hex(info->definition);
    return Status::OK();
  }

  Status CompileMigrationSteps(const YAML::Node& steps, CompiledMigration* cm) {
    Arena scratch;
    FERRY_ASSIGN_OR_RETURN(Value list, internal::YamlToValue(steps, scratch));
    auto compiled = options_.functions ? CompileSteps(list, *options_.functions) : CompileSteps(list);
    if (!compiled.ok()) {
      // Map "steps[N]..." in the message to the line of step N.
      const std::string& msg = compiled.status().message();
      static const re2::RE2 kIndex(R"(^steps\[(\d+)\])");
      size_t i = 0;
      YAML::Node at = steps;
      if (re2::RE2::PartialMatch(msg, kIndex, &i) && i < steps.size()) at = steps[i];
      return Error(at, "migration '" + cm->info.id + "': " + msg);
    }
    cm->steps = compiled.value();
    for (size_t i = 0; i < cm->steps->size(); ++i) {
      cm->info.step_kinds.emplace_back(cm->steps->step(i).name());
      cm->info.step_lossy.push_back(cm->steps->step(i).lossy());
    }
    cm->info.lossy = cm->steps->lossy();
    return Status::OK();
  }

  Status CheckDependsOnCycles() {
    std::map<std::string, size_t> index;
    for (size_t i = 0; i < rep_->migrations.size(); ++i) index[rep_->migrations[i].info.id] = i;
    std::vector<int> state(rep_->migrations.size(), 0);
    std::vector<std::string> stack;
    std::function<Status(size_t)> visit = [&](size_t i) -> Status {
      if (state[i] == 2) return Status::OK();
      stack.push_back(rep_->migrations[i].info.id);
      if (state[i] == 1) {
        return Error(migration_nodes_[i], "depends_on forms a cycle: " + Join(stack, " -> ") + "; remove one of these dependencies");
      }
      state[i] = 1;
      for (const std::string& dep : rep_->migrations[i].info.depends_on) FERRY_RETURN_IF_ERROR(visit(index[dep]));
      state[i] = 2;
      stack.pop_back();
      return Status::OK();
    };
    for (size_t i = 0; i < rep_->migrations.size(); ++i) FERRY_RETURN_IF_ERROR(visit(i));
    return Status::OK();
  }

  Status CheckGraphCycles() {
    size_t n = rep_->versions.size();
    std::vector<int> state(n, 0);
    std::vector<std::string> stack;
    std::function<Status(int)> visit = [&](int v) -> Status {
      state[v] = 1;
      stack.push_back(rep_->versions[v].info.name);
      for (size_t i = 0; i < rep_->migrations.size(); ++i) {
        const CompiledMigration& m = rep_->migrations[i];
        if (m.from != v) continue;
        if (state[m.to] == 1) {
          // Report at the migration that closes the cycle.
          stack.push_back(rep_->versions[m.to].info.name);
          return Error(migration_nodes_[i],
                       "migration '" + m.info.id + "' closes a cycle: " + Join(stack, " -> ") +
                           "; declare each edge once: every migration is reversible already (each step has a "
                           "backward form). To get records at an older version, export them with `ferry export "
                           "--version OLDER` (records born at a newer version are converted down through the "
                           "backward steps when that gives them back exactly), or undo a run into a table with "
                           "`ferry rollback`");
        }
        if (state[m.to] == 0) FERRY_RETURN_IF_ERROR(visit(m.to));
      }
      state[v] = 2;
      stack.pop_back();
      return Status::OK();
    };
    for (size_t v = 0; v < n; ++v) {
      if (state[v] == 0) FERRY_RETURN_IF_ERROR(visit(int(v)));
    }
    return Status::OK();
  }

  // Path choice: fewest migrations, then fewest lossy migrations, then the
  // lexicographically smallest sequence of migration ids. A path may use a
  // migration only if each of its depends_on appears earlier on the path.
  // The graph is acyclic (checked above), so enumerating simple paths is
  // finite; project graphs are small. The other shortest paths are kept
  // (Rep::alternatives), with why the chosen one won, for `ferry plan`.
  Status ComputePaths() {
    size_t n = rep_->versions.size();
    rep_->paths.assign(n, {});
    rep_->alternatives.assign(n, {});
    rep_->path_choice.assign(n, "");
    rep_->down_paths.assign(n, {});
    rep_->no_path_down.assign(n, 0);
    std::map<std::string, size_t> index;
    for (size_t i = 0; i < rep_->migrations.size(); ++i) index[rep_->migrations[i].info.id] = i;
    for (size_t v = 0; v < n; ++v) {
      if (int(v) == rep_->target_index) continue;
      std::vector<std::vector<size_t>> shortest;  // every path of the fewest migrations found so far
      std::vector<size_t> cur;
      std::string blocked_reason;
      std::function<void(int)> dfs = [&](int at) {
        if (at == rep_->target_index) {
          if (!shortest.empty() && cur.size() < shortest.front().size()) shortest.clear();
          shortest.push_back(cur);
          return;
        }
        if (!shortest.empty() && cur.size() >= shortest.front().size()) return;
        for (size_t i = 0; i < rep_->migrations.size(); ++i) {
          const CompiledMigration& m = rep_->migrations[i];
          if (m.from != at) continue;
          bool deps_ok = true;
          for (const std::string& dep : m.info.depends_on) {
            if (std::find(cur.begin(), cur.end(), index[dep]) == cur.end()) {
              deps_ok = false;
              blocked_reason = "migration '" + m.info.id + "' depends on '" + dep + "', which is not on the way";
            }
          }
          if (!deps_ok) continue;
          cur.push_back(i);
          dfs(m.to);
          cur.pop_back();
        }
      };
      dfs(int(v));
      if (shortest.empty() && !options_.target.empty()) {
        // `export --version`: an older version, reached going back.
        if (!DownPath(v, &rep_->down_paths[v])) rep_->no_path_down[v] = 1;
        continue;
      }
      if (shortest.empty()) {
        const CompiledVersion& cv = rep_->versions[v];
        return Status::ProjectError(name_ + ":" + std::to_string(cv.info.line) + ": the target '" + rep_->target +
                                    "' cannot be reached from version '" + cv.info.name + "'" +
                                    (blocked_reason.empty() ? "" : " (" + blocked_reason + ")") +
                                    "; add a migration from it or remove the version");
      }
      ChoosePath(v, std::move(shortest));
    }
    return Status::OK();
  }

  // Orders the shortest paths of version `v` (fewest lossy migrations, then
  // smallest ids): the first is its path, the others its alternatives.
  void ChoosePath(size_t v, std::vector<std::vector<size_t>> shortest) {
    auto lossy = [&](const std::vector<size_t>& p) {
      size_t n = 0;
      for (size_t m : p) n += rep_->migrations[m].info.lossy ? 1 : 0;
      return n;
    };
    auto ids = [&](const std::vector<size_t>& p) {
      std::vector<std::string> s;
      for (size_t m : p) s.push_back(rep_->migrations[m].info.id);
      return s;
    };
    std::sort(shortest.begin(), shortest.end(), [&](const auto& a, const auto& b) {
      return std::make_pair(lossy(a), ids(a)) < std::make_pair(lossy(b), ids(b));
    });
    rep_->paths[v] = shortest.front();
    if (shortest.size() == 1) return;
    const size_t chosen_lossy = lossy(shortest.front());
    const bool fewer_lossy = lossy(shortest[1]) > chosen_lossy;
    rep_->path_choice[v] =
        fewer_lossy ? "of the " + std::to_string(shortest.size()) + " shortest paths (" +
                          std::to_string(shortest.front().size()) + " migrations), it has the fewest lossy migrations (" +
                          std::to_string(chosen_lossy) + ")"
                    : "the " + std::to_string(shortest.size()) + " shortest paths (" +
                          std::to_string(shortest.front().size()) + " migrations, " + std::to_string(chosen_lossy) +
                          " lossy) tie; the one whose migration ids sort first is taken (rename a migration, or "
                          "remove one, to choose another)";
    rep_->alternatives[v].assign(shortest.begin() + 1, shortest.end());
  }

  // The fewest migrations leading from the target up to version `v` (in
  // declaration order among equals), for records that go down to the
  // target through their backward steps. False when there is none.
  bool DownPath(size_t v, std::vector<size_t>* path) {
    const size_t n = rep_->versions.size();
    std::vector<int> via(n, -1);  // the migration that first reached each version
    std::vector<char> seen(n, 0);
    std::vector<size_t> queue{size_t(rep_->target_index)};
    seen[queue[0]] = 1;
    for (size_t at = 0; at < queue.size() && !seen[v]; ++at) {
      for (size_t i = 0; i < rep_->migrations.size(); ++i) {
        const CompiledMigration& m = rep_->migrations[i];
        if (m.from != int(queue[at]) || seen[size_t(m.to)]) continue;
        seen[size_t(m.to)] = 1;
        via[size_t(m.to)] = int(i);
        queue.push_back(size_t(m.to));
      }
    }
    if (!seen[v]) return false;
    for (size_t at = v; int(at) != rep_->target_index; at = size_t(rep_->migrations[size_t(via[at])].from)) {
      path->insert(path->begin(), size_t(via[at]));
    }
    return true;
  }

  // The data YAML reader's limits (alias expansion, depth, duplicate keys),
  // checked before anything walks yaml-cpp's nodes: yaml-cpp shares an
  // aliased node, but converting it to JSON expands every alias.
  Status CheckLimits(std::string_view text) {
    internal::YamlOptions options;
    options.non_finite_as_string = true;  // .inf is a string to the loader
    Status s = internal::CheckYamlLimits(text, options);
    if (s.ok()) return s;
    return Status::ProjectError(name_ + ":" + s.message() + "; the project file is held to the limits of YAML data");
  }

  Result<std::unique_ptr<Project>> Load(std::string_view text) {
    rep_ = std::make_unique<Project::Rep>();
    rep_->file = name_;
    rep_->dir = dir_;
    rep_->schemas = std::make_unique<SchemaRegistry>();
    try {
      root_ = YAML::Load(std::string(text));
    } catch (const YAML::Exception& e) {
      return Status::ProjectError(name_ + ":" + std::to_string(e.mark.line + 1) + ": invalid YAML: " + e.msg);
    }
    FERRY_RETURN_IF_ERROR(CheckLimits(text));
    if (!root_.IsMap()) return Error(root_, "the project file must be a mapping with collection, versions, migrations, target");
    try {
      FERRY_RETURN_IF_ERROR(CheckKeys(root_, {"name", "collection", "key", "versions", "migrations", "target", "description", "backup"}, "the project file"));
      FERRY_ASSIGN_OR_RETURN(rep_->collection, RequireString(root_, "collection", "the project file"));
      rep_->name = rep_->collection;
      if (root_["name"]) {
        FERRY_ASSIGN_OR_RETURN(rep_->name, RequireString(root_, "name", "the project file"));
      }
      if (root_["key"]) {
        FERRY_ASSIGN_OR_RETURN(rep_->key, RequireString(root_, "key", "the project file"));
      }
      FERRY_RETURN_IF_ERROR(LoadBackupRetention(root_["backup"]));
      FERRY_RETURN_IF_ERROR(LoadVersions(root_["versions"]));
      FERRY_RETURN_IF_ERROR(LoadMigrations(root_["migrations"]));
      FERRY_ASSIGN_OR_RETURN(rep_->target, RequireString(root_, "target", "the project file"));
      if (!options_.target.empty()) rep_->target = options_.target;
      rep_->target_index = VersionIndex(rep_->target);
      if (rep_->target_index < 0) {
        return Error(root_["target"], "target '" + rep_->target + "' is not a declared version" +
                                          Suggest(rep_->target, VersionNames()) + "; known versions: " + Join(VersionNames()));
      }
      FERRY_RETURN_IF_ERROR(ComputePaths());
    } catch (const YAML::Exception& e) {
      return Status::ProjectError(name_ + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
    }
    for (const auto& v : rep_->versions) rep_->version_infos.push_back(v.info);
    for (const auto& m : rep_->migrations) rep_->migration_infos.push_back(m.info);
    return ProjectInternal::Make(std::move(rep_));
  }

 private:
  std::string name_;
  std::string dir_;
  ProjectLoadOptions options_;
  std::unique_ptr<Project::Rep> rep_;
  YAML::Node root_;
  std::vector<YAML::Node> migration_nodes_;
  // Schema files: per version name its URI; per registered URI its text and
  // the project file's line that led to it, for messages.
  std::map<std::string, std::string> schema_uris_;
  std::map<std::string, std::string> schema_texts_;
  std::map<std::string, YAML::Node> schema_origins_;
};

}  // namespace

const Value* internal::FieldPath::Resolve(const Value& doc) const {
  const Value* cur = &doc;
  for (const std::string& p : parts) {
    if (!cur->IsObject()) return nullptr;
    cur = cur->Find(p);
    if (cur == nullptr) return nullptr;
  }
  return cur;
}

namespace {

bool IsPrefix(const internal::FieldPath& prefix, const internal::FieldPath& path) {
  return prefix.parts.size() <= path.parts.size() && std::equal(prefix.parts.begin(), prefix.parts.end(), path.parts.begin());
}

// Every record `d` matches has field `p`.
bool RequiresPresent(const internal::Detector& d, const internal::FieldPath& p) {
  for (const auto& h : d.has) {
    if (IsPrefix(p, h)) return true;
  }
  for (const auto& [e, value] : d.equals) {
    if (IsPrefix(p, e)) return true;
  }
  for (const auto& [t, type] : d.types) {
    if (!t.parts.empty() && IsPrefix(p, t)) return true;
  }
  return false;
}

// Every record `d` matches lacks field `p`.
bool RequiresAbsent(const internal::Detector& d, const internal::FieldPath& p) {
  for (const auto& l : d.lacks) {
    if (IsPrefix(l, p)) return true;
  }
  return false;
}

bool TypeImplies(std::string_view have, std::string_view want) {
  return have == want || (have == "integer" && want == "number");
}

// Every record `d` matches has type `type` at `p`.
bool RequiresType(const internal::Detector& d, const internal::FieldPath& p, const std::string& type) {
  for (const auto& [t, have] : d.types) {
    if (t.parts == p.parts && TypeImplies(have, type)) return true;
  }
  for (const auto& [e, value] : d.equals) {
    if (e.parts != p.parts) continue;
    const bool integral = value.IsNumber() && value.IsIntegral();
    if (TypeImplies(integral ? "integer" : JsonTypeName(value.type()), type)) return true;
  }
  // A detector that looks at a field only matches objects.
  if (p.parts.empty() && type == "object") return !d.has.empty() || !d.equals.empty() || RequiresPresent(d, p);
  return false;
}

}  // namespace

bool internal::DetectorImplies(const Detector& d, const Detector& other) {
  if (other.by_schema) return false;  // schemas are not compared
  for (const auto& p : other.has) {
    if (!RequiresPresent(d, p)) return false;
  }
  for (const auto& p : other.lacks) {
    if (!RequiresAbsent(d, p)) return false;
  }
  for (const auto& [p, want] : other.equals) {
    bool found = false;
    for (const auto& [q, value] : d.equals) found |= q.parts == p.parts && value.Equals(want);
    if (!found) return false;
  }
  for (const auto& [p, type] : other.types) {
    if (!RequiresType(d, p, type)) return false;
  }
  return true;
}

int internal::DetectVersion(const Project::Rep& rep, const Value& doc) {
  for (size_t i = 0; i < rep.versions.size(); ++i) {
    const Detector& d = rep.versions[i].detector;
    bool match = true;
    for (const FieldPath& p : d.has) {
      if (p.Resolve(doc) == nullptr) {
        match = false;
        break;
      }
    }
    if (!match) continue;
    for (const FieldPath& p : d.lacks) {
      if (p.Resolve(doc) != nullptr) {
        match = false;
        break;
      }
    }
    if (!match) continue;
    for (const auto& [p, want] : d.equals) {
      const Value* v = p.Resolve(doc);
      if (v == nullptr || !v->Equals(want)) {
        match = false;
        break;
      }
    }
    if (!match) continue;
    for (const auto& [p, type] : d.types) {
      const Value* v = p.parts.empty() ? &doc : p.Resolve(doc);
      bool ok = v != nullptr && (type == "integer" ? v->IsNumber() && v->IsIntegral() : JsonTypeName(v->type()) == type);
      if (!ok) {
        match = false;
        break;
      }
    }
    if (!match) continue;
    if (d.by_schema && !rep.versions[i].schema->IsValid(doc)) continue;
    return int(i);
  }
  return -1;
}

Project::Project(std::unique_ptr<Rep> rep) : rep_(std::move(rep)) {}
Project::~Project() = default;

Result<std::unique_ptr<Project>> Project::LoadFromString(std::string_view yaml, const std::string& dir,
                                                         const std::string& name, const ProjectLoadOptions& options) {
  Loader loader(name, dir, options);
  return loader.Load(yaml);
}

Result<std::unique_ptr<Project>> Project::Load(const std::string& path, const ProjectLoadOptions& options) {
  fs::path p(path);
  std::error_code ec;
  if (fs::is_directory(p, ec)) p /= "ferry.yaml";
  std::ifstream in(p, std::ios::binary);
  if (!in) {
    return Status::ProjectError("cannot read project file " + p.string() +
                                ": not found; pass --project DIR|FILE or run where ferry.yaml is");
  }
  std::stringstream ss;
  ss << in.rdbuf();
  std::string dir = p.has_parent_path() ? p.parent_path().string() : ".";
  return LoadFromString(ss.str(), dir, p.string(), options);
}

std::unique_ptr<Project> Project::RecordsAsRead() {
  auto rep = std::make_unique<Project::Rep>();
  rep->collection = "records";
  rep->name = "records";
  rep->target = "as-read";
  rep->target_index = 0;
  rep->schemas = std::make_unique<SchemaRegistry>();
  rep->records_as_read = true;
  internal::CompiledVersion v;  // no detector condition: every record matches
  v.info.name = rep->target;
  v.info.detector = "every record";
  rep->versions.push_back(std::move(v));
  rep->version_infos.push_back(rep->versions.back().info);
  rep->paths.emplace_back();  // the target: no migration
  return ProjectInternal::Make(std::move(rep));
}

bool Project::records_as_read() const { return rep_->records_as_read; }
const std::string& Project::file() const { return rep_->file; }
const std::string& Project::collection() const { return rep_->collection; }
const std::string& Project::name() const { return rep_->name; }
const std::string& Project::key() const { return rep_->key; }
const std::string& Project::target() const { return rep_->target; }
const std::vector<VersionInfo>& Project::versions() const { return rep_->version_infos; }
const std::vector<MigrationInfo>& Project::migrations() const { return rep_->migration_infos; }
const std::vector<size_t>& Project::PathFrom(std::string_view version) const {
  static const std::vector<size_t> kEmpty;
  int i = VersionIndex(version);
  return i < 0 ? kEmpty : rep_->paths[size_t(i)];
}
int Project::VersionIndex(std::string_view version) const {
  for (size_t i = 0; i < rep_->versions.size(); ++i) {
    if (rep_->versions[i].info.name == version) return int(i);
  }
  return -1;
}

}  // namespace ferry
