// Copyright (c) the Ferry authors.
//
// A Project is a loaded, checked and compiled ferry.yaml: the collection, its
// key, its versions (each with a detector and a JSON Schema), the migrations
// between versions (each a compiled list of reversible steps) and the target
// version, plus the path every version takes to the target.
//
// Loading checks everything that can be checked before touching data: YAML
// syntax, unknown keys, unknown step kinds, unknown versions, missing or
// invalid schema files, cycles, unknown or cyclic depends_on, and a version
// from which the target cannot be reached. Errors are PROJECT_ERROR with a
// message "FILE:LINE: what is wrong; what to do".
//
// Thread safety: a loaded Project is immutable; share it between threads
// freely.

#ifndef FERRY_PROJECT_H_
#define FERRY_PROJECT_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ferry/result.h"
#include "ferry/status.h"

namespace ferry {

class FunctionRegistry;

struct ProjectLoadOptions {
  // Named C++ functions that `call` steps may use. Not owned; must outlive
  // the Project. Default: none (a `call` step is then a load error).
  const FunctionRegistry* functions = nullptr;
  // Migrate to this version instead of ferry.yaml's `target` (`ferry export
  // --version V`). A version that does not reach it is not a load error:
  // its records go down to V through the backward steps of the migrations
  // leading from V up to them, kept only when they migrate back up to
  // exactly the record; without such a path, or when going down is not
  // faithful, the record is rejected (MIGRATION_ERROR). Default "": the
  // file's target, which every version must reach (else PROJECT_ERROR).
  std::string target;
};

struct VersionInfo {
  std::string name;
  // The schema file as written in ferry.yaml, and resolved to a path.
  std::string schema_file;
  std::string schema_path;
  // Human summary of the detector, e.g. "has [exercises]".
  std::string detector;
  int line = 0;  // line in ferry.yaml
};

struct MigrationInfo {
  std::string id;
  std::string from;
  std::string to;
  std::vector<std::string> depends_on;
  bool critical = false;
  // `on_failure: skip` (only for non-critical migrations): a record this
  // migration fails on goes on without it (unchanged by it) instead of
  // being rejected; the target schema still decides. Counted per migration.
  bool skip_on_failure = false;
  // True when any step may drop data (its complement is then kept).
  bool lossy = false;
  // One entry per top-level step: the step's kind ("rename", "map" ...), and
  // whether that step is lossy.
  std::vector<std::string> step_kinds;
  std::vector<bool> step_lossy;
  // The normalised definition (canonical JSON with sorted keys; comments,
  // layout, key order and `description` do not count) and its SHA-256 in
  // hex. A migration whose checksum differs from the one recorded when it
  // was applied is refused (CHECKSUM_MISMATCH) until `ferry repair`.
  std::string definition;
  std::string checksum;
  int line = 0;
};

class Project {
 public:
  // Loads `path`: a ferry.yaml file, or a directory containing one. Schema
  // paths are relative to the file's directory.
  static Result<std::unique_ptr<Project>> Load(const std::string& path,
                                               const ProjectLoadOptions& options = {});
  // As Load, from text (`dir` resolves schema paths; `name` is used in error
  // messages).
  static Result<std::unique_ptr<Project>> LoadFromString(std::string_view yaml, const std::string& dir,
                                                         const std::string& name,
                                                         const ProjectLoadOptions& options = {});
  // The project of a format conversion without a ferry.yaml (`ferry export`
  // or `ferry import` where none is found and --project is not given): every
  // record is at the one version "as-read", which has no schema and is the
  // target, so records pass as they are read. Collection "records"; key
  // "id", which only names records in messages: a run with this project
  // writes files only (Run() refuses a table target, INVALID_ARGUMENT).
  // file() is "".
  static std::unique_ptr<Project> RecordsAsRead();
  // True for RecordsAsRead().
  bool records_as_read() const;
  ~Project();

  const std::string& file() const;
  const std::string& collection() const;
  // The project's name (ferry.yaml's `name`; default: its collection): what
  // `ferry serve` calls a served project.
  const std::string& name() const;
  // The key field (default "id").
  const std::string& key() const;
  const std::string& target() const;
  // In declared order (the detection order).
  const std::vector<VersionInfo>& versions() const;
  const std::vector<MigrationInfo>& migrations() const;
  // Migration indices (into migrations()) leading from `version` to the
  // target; empty for the target itself. REQUIRES: version is known.
  const std::vector<size_t>& PathFrom(std::string_view version) const;
  // Index of a version in versions(), or -1.
  int VersionIndex(std::string_view version) const;

  // Internal: the compiled representation (src/engine/project_internal.h).
  struct Rep;

 private:
  friend class ProjectInternal;
  explicit Project(std::unique_ptr<Rep> rep);
  std::unique_ptr<Rep> rep_;
};

}  // namespace ferry

#endif  // FERRY_PROJECT_H_
