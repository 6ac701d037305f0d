// Copyright (c) the Ferry authors.
//
// The compiled parts of a Project that the engine uses: detectors, schemas
// and step lists. Only src/engine/ includes this header.

#ifndef FERRY_ENGINE_PROJECT_INTERNAL_H_
#define FERRY_ENGINE_PROJECT_INTERNAL_H_

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "ferry/json.h"
#include "ferry/project.h"
#include "ferry/schema.h"
#include "ferry/transform.h"
#include "engine/schema_types.h"

namespace ferry {

namespace internal {

// A field reference in a detector: a dot path split once at load time.
struct FieldPath {
  std::string text;
  std::vector<std::string> parts;
  const Value* Resolve(const Value& doc) const;
};

// How a version is recognised; every condition given must hold.
struct Detector {
  std::vector<FieldPath> has;
  std::vector<FieldPath> lacks;
  std::vector<std::pair<FieldPath, Value>> equals;
  // Type conditions: field (empty path = the record itself) and type name
  // ("integer" is a number with an integral value).
  std::vector<std::pair<FieldPath, std::string>> types;
  bool by_schema = false;
};

struct CompiledVersion {
  VersionInfo info;
  Detector detector;
  std::shared_ptr<const CompiledSchema> schema;  // may be null (no schema)
  // The schema's expected field types (engine/schema_types.h), for loosely
  // typed sources; null without a schema or when it names no types.
  std::shared_ptr<const SchemaTypes> types;
};

struct CompiledMigration {
  MigrationInfo info;
  std::shared_ptr<const StepList> steps;
  int from = -1;  // version indices
  int to = -1;
};

}  // namespace internal

struct Project::Rep {
  std::string file;
  std::string dir;
  std::string collection;
  std::string name;  // ferry.yaml's `name`, default the collection
  std::string key = "id";
  std::string target;
  int target_index = -1;
  std::vector<VersionInfo> version_infos;
  std::vector<MigrationInfo> migration_infos;
  std::vector<internal::CompiledVersion> versions;
  std::vector<internal::CompiledMigration> migrations;
  std::vector<std::vector<size_t>> paths;  // per version: migration indices
  // Per version: the other paths as short as `paths` (none when it is the
  // only one), and why `paths` was chosen over them ("" when none).
  std::vector<std::vector<std::vector<size_t>>> alternatives;
  std::vector<std::string> path_choice;
  // `ferry export --version V` (ProjectLoadOptions::target) for a version
  // that does not reach V: per version, the migrations from V up to it
  // (forward order; a record goes down through their backward steps,
  // last first), or none when there is no such path either (the record
  // is rejected: no_path_down[v]).
  std::vector<std::vector<size_t>> down_paths;
  std::vector<char> no_path_down;
  std::unique_ptr<SchemaRegistry> schemas;
  Arena arena;  // detector constants
  bool records_as_read = false;  // Project::RecordsAsRead()
  // ferry.yaml's `backup: { keep: N, max_age_days: D }`: the retention
  // applied after each backup (PruneBackups); unset parts do not limit.
  struct BackupRetention {
    bool configured = false;
    uint32_t keep = UINT32_MAX;
    int64_t max_age_days = INT64_MAX;
  } backup_retention;
};

class ProjectInternal {
 public:
  static const Project::Rep& Get(const Project& p) { return *p.rep_; }
  static std::unique_ptr<Project> Make(std::unique_ptr<Project::Rep> rep) {
    return std::unique_ptr<Project>(new Project(std::move(rep)));
  }
};

namespace internal {

// The index of the first version whose detector matches `doc`, or -1.
int DetectVersion(const Project::Rep& rep, const Value& doc);
// True when every record `d` matches is certainly matched by `other` too
// (decided from the conditions alone; a schema condition in `other` is
// never taken as implied).
bool DetectorImplies(const Detector& d, const Detector& other);
// The record's key field as text ("" when absent or not a string/number).
std::string_view KeyOf(const Value* doc, const std::string& key);

}  // namespace internal

}  // namespace ferry

#endif  // FERRY_ENGINE_PROJECT_INTERNAL_H_
