// Copyright (c) the Ferry authors.
#include "ops/run_files.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <filesystem>

#include "engine/file_sink.h"
#include "store/distinct_files.h"
#include "store/file_store.h"
#include "store/state.h"

namespace ferry::internal {

namespace {

bool HasPrefixIgnoringCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
  }
  return true;
}

// Whether two SQLite stores are tables of one database file.
bool SameDatabase(const StoreUri& a, const StoreUri& b) {
  if (a.kind != StoreKind::kSqlite || b.kind != StoreKind::kSqlite) return false;
  return a.identity.substr(0, a.identity.rfind('#')) == b.identity.substr(0, b.identity.rfind('#'));
}

// A file output that names a directory would fail only when it is
// published, after all the work.
Status CheckNotDirectory(const std::string& role, const std::string& path) {
  std::error_code ec;
  if (path.empty() || !std::filesystem::is_directory(path, ec)) return Status::OK();
  return Status::InvalidArgument(role + " " + path + " is a directory: name a file in it");
}

// The target and what is written beside it. A table of the source's
// database is no new file: SQLite keeps both tables.
Status AddTargetOutput(DistinctFiles* files, const StoreUri& in, const StoreUri& out) {
  const std::string role = "the target (--target)";
  if (SameDatabase(in, out)) return Status::OK();
  if (out.kind == StoreKind::kSqlite) return files->AddOutputDatabase(role, out.path);
  if (out.kind != StoreKind::kFile || IsStreamStore(out)) return Status::OK();
  const std::string path = AtomicFile::PublishPath(out.file.path);
  FERRY_RETURN_IF_ERROR(CheckNotDirectory(role, path));
  const bool split = out.file.split_bytes > 0;
  return files->AddOutput(role, path, [&](std::string_view name) {
    return AtomicFile::IsWrittenBeside(path, name) || (split && IsPartOf(path, name));
  });
}

Status AddAtomicOutput(DistinctFiles* files, const std::string& role, const std::string& path) {
  if (path.empty() || AtomicFile::IsStream(path)) return files->AddOutput(role, path);
  const std::string published = AtomicFile::PublishPath(path);
  FERRY_RETURN_IF_ERROR(CheckNotDirectory(role, published));
  return files->AddOutput(role, published,
                          [&](std::string_view name) { return AtomicFile::IsWrittenBeside(published, name); });
}

// Where a table run's backup goes: --backup-dir, else beside an SQLite state.
std::string BackupDir(const RunOptions& options, const std::string& state_path) {
  if (!options.backup.dir.empty() || state_path.empty()) return options.backup.dir;
  const std::filesystem::path parent = std::filesystem::path(state_path).parent_path();
  return (parent.empty() ? std::filesystem::path("backups") : parent / "backups").string();
}

}  // namespace

void AddStoreInput(DistinctFiles* files, const std::string& role, const StoreUri& uri) {
  if (uri.kind == StoreKind::kSqlite) return files->AddDatabase(role, uri.path);
  if (uri.kind != StoreKind::kFile) return;
  files->AddInput(role, uri.file.path);
  auto parts = FindParts(uri.file.path);
  if (!parts.ok()) return;
  for (const std::string& part : parts.value()) files->AddInput(role, part);
}

bool IsStreamStore(const StoreUri& uri) { return uri.kind == StoreKind::kFile && AtomicFile::IsStream(uri.file.path); }

Status PrepareStreamStore(StoreUri* uri, bool target, uint64_t split_bytes) {
  if (uri->kind != StoreKind::kFile) return Status::OK();
  if (uri->file.path == "-") uri->file.path = target ? "/dev/stdout" : "/dev/stdin";
  if (!AtomicFile::IsStream(uri->file.path)) return Status::OK();
  if (target && split_bytes > 0) {
    return Status::InvalidArgument("--split needs a file target: " + uri->display +
                                   " is a stream (a device, pipe or socket), and its parts would be files beside it");
  }
  struct stat st;
  if (::stat(uri->file.path.c_str(), &st) == 0) {
    uri->identity = "stream:" + std::to_string(uint64_t(st.st_dev)) + ":" + std::to_string(uint64_t(st.st_ino));
  }
  return Status::OK();
}

Status CheckTargetTableName(const StoreUri& target) {
  if (!target.is_database()) return Status::OK();
  const std::string& t = target.table;
  const size_t dot = t.find('.');
  const std::string_view table = dot == std::string::npos ? std::string_view(t) : std::string_view(t).substr(dot + 1);
  const bool ferry_schema = dot != std::string::npos && HasPrefixIgnoringCase(t, "ferry.");
  const bool reserved = HasPrefixIgnoringCase(table, "ferry_") ||
                        (target.kind == StoreKind::kSqlite && HasPrefixIgnoringCase(table, "sqlite_"));
  if (!ferry_schema && !reserved) return Status::OK();
  return Status::InvalidArgument("table '" + t + "' in " + target.display + " is named like Ferry's own tables (" +
                                 (target.kind == StoreKind::kSqlite ? "ferry_*, sqlite_*" : "ferry_*, schema ferry") +
                                 "), which a run writes beside its records; choose another table name");
}

bool IsStdout(const StoreUri& uri) {
  struct stat st;
  if (!IsStreamStore(uri) || ::fstat(STDOUT_FILENO, &st) != 0) return false;
  return uri.identity == "stream:" + std::to_string(uint64_t(st.st_dev)) + ":" + std::to_string(uint64_t(st.st_ino));
}

Status CheckRunFiles(const RunOptions& options, const std::string& project_file, const StoreUri& in,
                     const StoreUri* out) {
  for (const std::string* path : {&options.outputs.rejects, &options.outputs.complements, &options.outputs.report}) {
    if (*path == "-") {
      return Status::InvalidArgument("'-' names the target's stdout, not a reject, complement or report file: name "
                                     "a file (or /dev/stderr); --json prints the report on stdout");
    }
  }
  DistinctFiles files;
  AddStoreInput(&files, "the source (--source)", in);
  files.AddInput("the project file", project_file);
  files.AddInput("the key file (--key-file)", options.files.key_file);
  files.AddInput("the backup's key file (--backup-key-file)", options.backup.key_file);
  const std::string state_path = StateSqlitePath(options.state, out);
  files.AddDatabase("Ferry's state", state_path);
  if (!options.dry_run) {
    if (out != nullptr) FERRY_RETURN_IF_ERROR(AddTargetOutput(&files, in, *out));
    FERRY_RETURN_IF_ERROR(AddAtomicOutput(&files, "the reject file (--rejects)", options.outputs.rejects));
    FERRY_RETURN_IF_ERROR(AddAtomicOutput(&files, "the complement file (--complements)", options.outputs.complements));
    if (out != nullptr && out->is_database()) {
      FERRY_RETURN_IF_ERROR(files.AddOutput("the backup directory (--backup-dir)", BackupDir(options, state_path)));
    }
  }
  FERRY_RETURN_IF_ERROR(CheckNotDirectory("the report (--report)", options.outputs.report));
  return files.AddOutput("the report (--report)", options.outputs.report);
}

}  // namespace ferry::internal
