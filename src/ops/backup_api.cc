// Copyright (c) the Ferry authors.
//
// The public backup API (ferry/backup.h) over safety/backup.h: list,
// verify, create (full and incremental backups of a store), restore,
// delete and prune.

#include "ferry/backup.h"

#include <unistd.h>

#include <filesystem>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "common/digest.h"
#include "common/json_builder.h"
#include "document/canonical_digest.h"
#include "engine/driver.h"
#include "engine/file_sink.h"
#include "engine/journal_entry.h"
#include "engine/project_internal.h"
#include "ops/backup_entries.h"
#include "ops/run_files.h"
#include "ops/run_lifecycle.h"
#include "engine/source.h"
#include "ferry/json.h"
#include "ferry/run.h"
#include "safety/backup.h"
#include "store/keyed_table.h"
#include "store/sql.h"
#include "store/state.h"
#include "store/store.h"
#include "store/target_lease.h"

namespace ferry {

using internal::EntryBefore;
using internal::JournalEntry;
using internal::JournalEntryWriter;
namespace {

using internal::BackupManifest;

BackupInfo Info(const BackupManifest& m) {
  BackupInfo i;
  i.id = m.id;
  i.kind = m.kind;
  i.run_id = m.run_id;
  i.parent = m.parent;
  i.collection = m.collection;
  i.store = m.store;
  i.created_at = m.created_at;
  i.status = m.status;
  i.dir = m.dir;
  i.sha256 = m.sha256;
  i.description = m.description;
  i.pinned = m.pinned;
  i.encrypted = m.encrypted;
  i.has_originals = m.before_images;
  i.records = m.records;
  i.bytes = m.bytes;
  i.chunks = m.chunks.size();
  i.versions = m.versions;
  return i;
}

Result<std::unique_ptr<internal::StateStore>> OpenState(const BackupOptions& o, const internal::StoreUri* uri) {
  return internal::OpenStateFor(o.state, uri);
}

// The state the backups are indexed in, which must exist: listing or
// pruning in a directory without one creates nothing (NOT_FOUND).
Result<std::unique_ptr<internal::StateStore>> OpenExistingState(const BackupOptions& o) {
  const bool remote = o.state.rfind("postgres://", 0) == 0 || o.state.rfind("postgresql://", 0) == 0;
  if (!remote) {
    std::string path = o.state.empty() ? ".ferry/state.db" : o.state;
    if (path.rfind("sqlite:", 0) == 0) path = path.substr(7);
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) {
      return Status::NotFound("no Ferry state at " + path + ", so no backups are indexed there; run from the " +
                              "directory of the runs, or pass --state");
    }
  }
  return OpenState(o, nullptr);
}

// Where the newest finished run from `source` into `target` kept its
// rejected records ("" when no such run kept a reject file).
std::string LastRejectFile(internal::StateStore& state, const std::string& source, const std::string& target) {
  constexpr uint32_t kRunsLooked = 1000;
  auto runs = state.ListRuns(kRunsLooked);
  if (!runs.ok()) return "";
  for (const internal::RunRow& r : runs.value()) {
    if (r.source != source || r.target != target || r.report.empty()) continue;
    Arena arena;
    JsonParser parser;
    auto parsed = parser.Parse(r.report, arena);
    if (!parsed.ok() || !parsed.value().IsObject()) return "";
    const Value* file = parsed.value().Find("rejects_file");
    if (file != nullptr && file->IsString() && !file->AsString().empty()) {
      return std::string(file->AsString()) + " (run " + r.run_id + ")";
    }
  }
  return "";
}

internal::KeyOptions KeyOf(const BackupOptions& o) { return internal::KeyOptions{o.passphrase, o.key_file}; }

std::string RootOf(const internal::StateStore& state, const BackupOptions& o) {
  return internal::BackupRoot(state, o.dir);
}

// Calls fn(entry) for every entry of backup `id`, oldest chunk first.
template <typename Fn>
Status ForEachEntry(internal::StateStore* state, const std::string& root, const std::string& id,
                    const internal::KeyOptions& key, Fn&& fn) {
  FERRY_ASSIGN_OR_RETURN(auto reader, internal::BackupReader::Open(state, root, id, key));
  return internal::ForEachBackupEntry(*reader, "backup " + id + " holds an invalid entry", std::forward<Fn>(fn));
}

// The source row keys of a batch read from a table.
std::vector<std::string> BatchKeys(const internal::RecordBatchInput& batch) {
  std::vector<std::string> keys;
  keys.reserve(batch.records.size());
  for (size_t i = 0; i < batch.records.size(); ++i) keys.emplace_back(batch.Key(i));
  return keys;
}

// The chain of an incremental backup: the full backup first, `id` last.
Result<std::vector<BackupManifest>> Chain(internal::StateStore* state, const std::string& id) {
  std::vector<BackupManifest> chain;
  std::string next = id;
  while (!next.empty()) {
    FERRY_ASSIGN_OR_RETURN(auto m, internal::FindBackup(state, next));
    if (!m) return Status::IntegrityError("backup " + next + " (a parent of " + id + ") is missing");
    if (chain.size() > 10000) return Status::IntegrityError("backup " + id + ": its parents form a cycle");
    next = m->parent;
    chain.insert(chain.begin(), std::move(*m));
  }
  return chain;
}

}  // namespace

Result<std::vector<BackupInfo>> ListBackups(const BackupOptions& options, bool include_journals) {
  FERRY_ASSIGN_OR_RETURN(auto state, OpenExistingState(options));
  FERRY_ASSIGN_OR_RETURN(auto all, internal::ListBackups(state.get(), include_journals));
  std::vector<BackupInfo> out;
  for (const BackupManifest& m : all) out.push_back(Info(m));
  return out;
}

Result<BackupInfo> VerifyBackup(const BackupOptions& options, const std::string& id, bool decode) {
  FERRY_ASSIGN_OR_RETURN(auto state, OpenExistingState(options));
  FERRY_ASSIGN_OR_RETURN(auto reader,
                         internal::BackupReader::Open(state.get(), RootOf(*state, options), id, KeyOf(options)));
  FERRY_RETURN_IF_ERROR(reader->Verify(false).status());
  if (decode) FERRY_RETURN_IF_ERROR(reader->Verify(true).status());
  return Info(reader->manifest());
}

namespace {

// Incremental: what the newest backup of `in` (with its parents) holds,
// key -> SHA-256 of its canonical JSON; `parent` that backup's id.
Status ReadBackedUp(internal::StateStore* state, const BackupOptions& options, const internal::StoreUri& in,
                    const internal::KeyOptions& key, std::string* parent,
                    std::unordered_map<std::string, std::string>* known) {
  FERRY_ASSIGN_OR_RETURN(auto all, internal::ListBackups(state, false));
  for (const BackupManifest& m : all) {
    if (m.identity == in.identity && m.status == "complete" && (m.kind == "full" || m.kind == "incremental")) {
      *parent = m.id;  // newest last
    }
  }
  if (parent->empty()) {
    return Status::NotFound("no full backup of " + in.display + " to build on: create one without --incremental");
  }
  FERRY_ASSIGN_OR_RETURN(auto chain, Chain(state, *parent));
  for (const BackupManifest& m : chain) {
    FERRY_RETURN_IF_ERROR(ForEachEntry(state, RootOf(*state, options), m.id, key, [&](const Value& e) -> Status {
      const JournalEntry entry(e);
      if (entry.deleted()) known->erase(entry.key());
      else (*known)[entry.key()] = entry.original_sha();
      return Status::OK();
    }));
  }
  return Status::OK();
}

BackupManifest NewBackupHeader(const Project::Rep& rep, const internal::StoreUri& in, bool incremental,
                               const std::string& parent, bool pinned, const std::string& description) {
  BackupManifest h;
  h.id = "b-" + internal::NewRunId();
  h.kind = incremental ? "incremental" : "full";
  h.parent = parent;
  h.collection = rep.collection;
  h.store = in.display;
  h.identity = in.identity;
  h.before_images = true;
  h.pinned = pinned;
  h.description = description;
  return h;
}

// The backup neither reads nor writes a file it must not.
Status CheckBackupFiles(const internal::StoreUri& in, internal::StateStore& state, const BackupOptions& options,
                        const std::string& dir) {
  internal::DistinctFiles files;
  internal::AddStoreInput(&files, "the source (--source)", in);
  files.AddDatabase("Ferry's state", state.sqlite_path());
  files.AddInput("the key file (--key-file)", options.key_file);
  return files.AddOutput("the backup directory (--dir)", dir);
}

// The entries of a backup of a store, written in chunks of kChunkEntries:
// one per record (key, version, SHA-256 of its canonical JSON, text);
// incremental, only the records changed since `known` and one per key gone.
class SourceBackup {
 public:
  SourceBackup(const Project::Rep& rep, internal::BackupWriter* writer, bool incremental,
               std::unordered_map<std::string, std::string> known)
      : rep_(rep), writer_(writer), incremental_(incremental), known_(std::move(known)) {}
  // Reads every record of `in` into the backup.
  Status BackUp(const internal::StoreUri& in);

 private:
  static constexpr uint64_t kChunkEntries = 5000;
  using Column = std::optional<internal::KeyedTable::Row>;
  Status BackUpRecord(const internal::RecordBatchInput& batch, size_t i, const Column* column);
  void AppendEntry(const std::string& k, const Column* column, const std::string& vname, const std::string& sha,
                   std::string_view text);
  Status AddDeletions();
  Status Added(const std::string& vname);
  Status Flush();

  const Project::Rep& rep_;
  internal::BackupWriter* writer_;
  const bool incremental_;
  std::unordered_map<std::string, std::string> known_;  // key -> SHA-256 of its canonical JSON
  std::unordered_set<std::string> seen_;
  JsonParser parser_;
  Arena arena_;
  std::string entries_, canonical_;
  uint64_t count_ = 0;
  std::map<std::string, uint64_t> versions_;
  uint64_t seq_ = 0;
};

Status SourceBackup::BackUp(const internal::StoreUri& in) {
  FERRY_ASSIGN_OR_RETURN(auto reader, internal::OpenStoreReader(in));
  // A table's rows keep their version column as it is (NULL included), so
  // that a restore gives back exactly the rows.
  std::unique_ptr<internal::KeyedTable> rows;
  if (in.is_database()) {
    FERRY_ASSIGN_OR_RETURN(rows, internal::KeyedTable::OpenForReading(in));
  }
  std::vector<Column> columns;
  internal::RecordBatchInput batch;
  for (bool eof = false; !eof;) {
    FERRY_RETURN_IF_ERROR(reader->ReadBatch(1000, &batch, &eof));
    if (rows) {
      FERRY_ASSIGN_OR_RETURN(columns, rows->Get(BatchKeys(batch)));
    }
    for (size_t i = 0; i < batch.records.size(); ++i) {
      FERRY_RETURN_IF_ERROR(BackUpRecord(batch, i, rows && i < columns.size() ? &columns[i] : nullptr));
    }
  }
  if (incremental_) FERRY_RETURN_IF_ERROR(AddDeletions());
  return Flush();
}

Status SourceBackup::BackUpRecord(const internal::RecordBatchInput& batch, size_t i, const Column* column) {
  // A malformed CSV record (raw text, not JSON): the source cannot be
  // backed up faithfully record by record; stop.
  if (!batch.Error(i).empty()) return Status::ParseError(std::string(batch.Error(i)));
  const std::string_view text = batch.Record(i);
  arena_.Reset();
  auto doc = parser_.Parse(text, arena_);
  std::string k(batch.Key(i));
  int version = -1;
  std::string sha;
  if (doc.ok()) {
    if (k.empty()) k = std::string(internal::KeyOf(&doc.value(), rep_.key));
    version = internal::DetectVersion(rep_, doc.value());
    sha = internal::CanonicalSha(doc.value(), &canonical_);
  } else {
    sha = internal::Sha256Hex(text);
  }
  if (k.empty()) k = "#" + std::to_string(batch.records[i].record);  // a file record without a key: its number
  if (incremental_) {
    seen_.insert(k);
    auto it = known_.find(k);
    if (it != known_.end() && it->second == sha) return Status::OK();
  }
  const std::string vname = version >= 0 ? rep_.versions[size_t(version)].info.name : std::string();
  AppendEntry(k, column, vname, sha, text);
  return Added(vname);
}

void SourceBackup::AppendEntry(const std::string& k, const Column* column, const std::string& vname,
                               const std::string& sha, std::string_view text) {
  EntryBefore before{vname, false, sha, text};
  if (column != nullptr && *column) {
    before.version = (*column)->version;
    before.version_null = (*column)->version_null;
  }
  JournalEntryWriter(&entries_).Key(k).Before(before).End();
}

// Incremental: a deletion entry for each key backed up before and gone now.
Status SourceBackup::AddDeletions() {
  for (const auto& [k, sha] : known_) {
    if (seen_.count(k)) continue;
    JournalEntryWriter(&entries_).Key(k).Deleted().End();
    FERRY_RETURN_IF_ERROR(Added("(deleted)"));
  }
  return Status::OK();
}

// Counts the entry just appended under `vname`; a full chunk is written.
Status SourceBackup::Added(const std::string& vname) {
  ++versions_[vname];
  if (++count_ >= kChunkEntries) return Flush();
  return Status::OK();
}

Status SourceBackup::Flush() {
  if (count_ == 0) return Status::OK();
  FERRY_RETURN_IF_ERROR(writer_->AddChunk(++seq_, entries_, count_, versions_));
  entries_.clear();
  versions_.clear();
  count_ = 0;
  return Status::OK();
}

}  // namespace

Result<BackupInfo> CreateBackup(const Project& project, const BackupOptions& options, const std::string& source,
                                bool incremental, bool pinned, const std::string& description) {
  const Project::Rep& rep = ProjectInternal::Get(project);
  FERRY_ASSIGN_OR_RETURN(internal::StoreUri in, internal::ParseStoreUri(source, rep.collection));
  FERRY_ASSIGN_OR_RETURN(auto state, OpenState(options, &in));
  const internal::KeyOptions key = KeyOf(options);
  std::string parent;
  std::unordered_map<std::string, std::string> known;  // key -> SHA-256 of its canonical JSON
  if (incremental) FERRY_RETURN_IF_ERROR(ReadBackedUp(state.get(), options, in, key, &parent, &known));
  BackupManifest h = NewBackupHeader(rep, in, incremental, parent, pinned, description);
  const std::string dir = options.dir.empty() ? internal::DefaultBackupDir(*state) : options.dir;
  FERRY_RETURN_IF_ERROR(CheckBackupFiles(in, *state, options, dir));
  FERRY_ASSIGN_OR_RETURN(auto writer, internal::BackupWriter::Create(state.get(), dir, std::move(h), key));
  SourceBackup backup(rep, writer.get(), incremental, std::move(known));
  FERRY_RETURN_IF_ERROR(backup.BackUp(in));
  FERRY_RETURN_IF_ERROR(writer->Finish());
  (void)state->Audit("", "backup_created", writer->manifest().id + " of " + in.display);
  BackupInfo info = Info(writer->manifest());
  const Project::Rep::BackupRetention& retention = rep.backup_retention;
  FERRY_ASSIGN_OR_RETURN(internal::PruneResult pruned,
                         internal::ApplyRetention(state.get(), RootOf(*state, options), retention.configured,
                                                  retention.keep, retention.max_age_days));
  info.pruned = std::move(pruned.pruned);
  return info;
}

namespace {

// The store a backup is restored into: `target` with, when it names no
// table, the project's collection, else the backup's (as a run names it).
// A new SQLite database file is created, so that it is known by its device
// and inode from the start (StoreUri::identity).
Result<internal::StoreUri> RestoreTarget(const BackupOptions& options, const std::string& id,
                                         const std::string& target, std::string collection) {
  if (collection.empty()) {
    // The backup's collection, from its manifest in the state (which the
    // target's database locates; its table name plays no part).
    FERRY_ASSIGN_OR_RETURN(internal::StoreUri database, internal::ParseStoreUri(target, "any"));
    FERRY_ASSIGN_OR_RETURN(auto state, OpenState(options, &database));
    FERRY_ASSIGN_OR_RETURN(auto m, internal::FindBackup(state.get(), id));
    if (!m) return Status::NotFound("no backup " + id + " in " + state->location());
    collection = m->collection;
  }
  FERRY_ASSIGN_OR_RETURN(internal::StoreUri out, internal::ParseStoreUri(target, collection));
  FERRY_RETURN_IF_ERROR(internal::CheckTargetTableName(out));
  FERRY_RETURN_IF_ERROR(internal::CreateSqliteTarget(&out));
  return out;
}

// The restore neither reads nor writes a file it must not.
Status CheckRestoreFiles(internal::StateStore& state, const BackupOptions& options, const internal::StoreUri& out,
                         const std::string& project_file) {
  internal::DistinctFiles files;
  files.AddDatabase("Ferry's state", state.sqlite_path());
  files.AddInput("the key file (--key-file)", options.key_file);
  files.AddInput("the project file", project_file);
  if (out.kind == internal::StoreKind::kSqlite) {
    FERRY_RETURN_IF_ERROR(files.AddOutputDatabase("the target (--target)", out.path));
  } else if (out.kind == internal::StoreKind::kFile) {
    FERRY_RETURN_IF_ERROR(files.AddOutput("the target (--target)", out.file.path, [&](std::string_view name) {
      return name == std::filesystem::path(out.file.path).filename().string() + ".ferry-restore";
    }));
  }
  return Status::OK();
}

// The chain of backup `id`, each backup in it holding the records' texts
// and undamaged.
Result<std::vector<BackupManifest>> RestorableChain(internal::StateStore* state, const BackupOptions& options,
                                                    const std::string& id, const internal::KeyOptions& key) {
  FERRY_ASSIGN_OR_RETURN(auto chain, Chain(state, id));
  for (const BackupManifest& m : chain) {
    if (!m.before_images) {
      return Status::RollbackError("backup " + m.id + " is a run's journal without the records' texts: use " +
                                   "`ferry rollback " + m.run_id + "`");
    }
    // Never restore from a damaged backup.
    FERRY_ASSIGN_OR_RETURN(auto reader, internal::BackupReader::Open(state, RootOf(*state, options), m.id, key));
    FERRY_RETURN_IF_ERROR(reader->Verify(false).status());
  }
  return chain;
}

// One entry of the chain into a table: the row deleted or written.
Status RestoreEntry(internal::KeyedTable& table, const Value& e, bool is_run, RestoreReport* report) {
  const JournalEntry entry(e);
  const std::string k = entry.key();
  if (entry.deleted() || (is_run && entry.original_sha().empty())) {
    FERRY_RETURN_IF_ERROR(table.Delete(k));
    ++report->deleted;
  } else if (const Value* b = entry.before_text()) {
    const internal::SqlParam version = entry.version_null() ? internal::SqlParam() : entry.version();
    FERRY_RETURN_IF_ERROR(table.Put(k, version, std::string(b->AsString())));
    ++report->written;
  }
  return Status::OK();
}

// Into a table, holding its lease as a run does (one writer per table), in
// transactions of 5000 entries.
Status RestoreIntoTable(internal::StateStore* state, const BackupOptions& options, const std::string& id,
                        const internal::StoreUri& out, const std::vector<BackupManifest>& chain,
                        const internal::KeyOptions& key, RestoreReport* report) {
  const bool is_run = chain.back().kind == "run";
  internal::RunLifecycle life(state, "restore-" + id);  // its lease only: a restore is not a run
  std::string took_over;
  FERRY_RETURN_IF_ERROR(life.TakeLease(out, 30000, &took_over));
  FERRY_ASSIGN_OR_RETURN(auto table, internal::KeyedTable::OpenCreating(out));
  internal::SqlDb& db = table->db();
  uint64_t in_txn = 0;
  FERRY_RETURN_IF_ERROR(db.Begin());
  for (const BackupManifest& m : chain) {
    Status s = ForEachEntry(state, RootOf(*state, options), m.id, key, [&](const Value& e) -> Status {
      FERRY_RETURN_IF_ERROR(RestoreEntry(*table, e, is_run, report));
      if (++in_txn >= 5000) {
        FERRY_RETURN_IF_ERROR(db.Commit());
        FERRY_RETURN_IF_ERROR(db.Begin());
        in_txn = 0;
      }
      return Status::OK();
    });
    if (!s.ok()) {
      db.Rollback();
      return s;
    }
  }
  return db.Commit();
}

// The texts of the chain's records in the order they were first backed up
// (a full backup of a file keeps the file's order); a deleted one is empty.
Result<std::vector<std::optional<std::string>>> RecordsInFirstOrder(internal::StateStore* state,
                                                                   const BackupOptions& options,
                                                                   const std::vector<BackupManifest>& chain,
                                                                   const internal::KeyOptions& key) {
  std::vector<std::optional<std::string>> records;
  std::unordered_map<std::string, size_t> index;
  for (const BackupManifest& m : chain) {
    FERRY_RETURN_IF_ERROR(ForEachEntry(state, RootOf(*state, options), m.id, key, [&](const Value& e) -> Status {
      const JournalEntry entry(e);
      auto [it, fresh] = index.emplace(entry.key(), records.size());
      if (fresh) records.emplace_back();
      if (entry.deleted()) {
        records[it->second].reset();
      } else if (const Value* b = entry.before_text()) {
        records[it->second] = std::string(b->AsString());
      }
      return Status::OK();
    }));
  }
  return records;
}

// Into a new file, one record per line: written beside it, then renamed.
Status RestoreIntoFile(internal::StateStore* state, const BackupOptions& options, const internal::StoreUri& out,
                       const std::vector<BackupManifest>& chain, const internal::KeyOptions& key,
                       RestoreReport* report) {
  FERRY_ASSIGN_OR_RETURN(auto records, RecordsInFirstOrder(state, options, chain, key));
  if (std::filesystem::exists(out.file.path)) {
    return Status::InvalidArgument(out.file.path + " exists; restore into a new file");
  }
  const std::string temp = out.file.path + ".ferry-restore";
  FERRY_ASSIGN_OR_RETURN(auto sink, internal::NewFileSink(temp));
  Status written;
  for (const auto& text : records) {
    if (!text) continue;
    written = sink->Write(*text);
    if (written.ok()) written = sink->Write("\n");
    if (!written.ok()) break;
    ++report->written;
  }
  if (written.ok()) written = sink->Finish();
  if (!written.ok()) {
    sink.reset();
    ::unlink(temp.c_str());  // a restore starts over: nothing to keep
    return written;
  }
  std::error_code ec;
  std::filesystem::rename(out.file.path + ".ferry-restore", out.file.path, ec);
  if (ec) return Status::IoError("cannot rename into " + out.file.path + ": " + ec.message());
  return Status::OK();
}

Result<RestoreReport> Restore(const BackupOptions& options, const std::string& id, const std::string& target,
                              const std::string& collection, const std::string& project_file) {
  FERRY_ASSIGN_OR_RETURN(internal::StoreUri out, RestoreTarget(options, id, target, collection));
  FERRY_ASSIGN_OR_RETURN(auto state, OpenState(options, &out));
  FERRY_RETURN_IF_ERROR(CheckRestoreFiles(*state, options, out, project_file));
  const internal::KeyOptions key = KeyOf(options);
  FERRY_ASSIGN_OR_RETURN(auto chain, RestorableChain(state.get(), options, id, key));
  RestoreReport report;
  report.backup_id = id;
  report.target = out.display;
  if (out.is_database()) {
    FERRY_RETURN_IF_ERROR(RestoreIntoTable(state.get(), options, id, out, chain, key, &report));
  } else {
    FERRY_RETURN_IF_ERROR(RestoreIntoFile(state.get(), options, out, chain, key, &report));
  }
  (void)state->Audit(chain.back().run_id, "backup_restored", id + " into " + out.display);
  return report;
}

}  // namespace

Result<RestoreReport> RestoreBackup(const Project& project, const BackupOptions& options, const std::string& id,
                                    const std::string& target) {
  const Project::Rep& rep = ProjectInternal::Get(project);
  return Restore(options, id, target, rep.collection, rep.file);
}

Result<RestoreReport> RestoreBackup(const BackupOptions& options, const std::string& id, const std::string& target) {
  return Restore(options, id, target, "", "");
}

Result<CleanupReport> CleanupSource(const Project& project, const BackupOptions& options, const std::string& source,
                                    const std::string& target, bool dry_run) {
  const Project::Rep& rep = ProjectInternal::Get(project);
  FERRY_ASSIGN_OR_RETURN(internal::StoreUri in, internal::ParseStoreUri(source, rep.collection));
  FERRY_ASSIGN_OR_RETURN(internal::StoreUri out, internal::ParseStoreUri(target, rep.collection));
  if (in.identity == out.identity) {
    return Status::InvalidArgument("the source is the target (migrated in place): there is no legacy copy to clean up");
  }
  RunOptions vo;
  vo.source = source;
  vo.target = target;
  vo.state = options.state;
  FERRY_ASSIGN_OR_RETURN(VerifyReport v, Verify(project, vo, 5));
  if (!v.in_sync_status()) {
    return Status::Conflict(out.display + " is not in sync with " + in.display + " (" + v.status +
                            "): nothing was cleaned up; run the migration again and check with `ferry verify`");
  }
  if (v.rejected > 0) {
    FERRY_ASSIGN_OR_RETURN(auto state, OpenState(options, &out));
    const std::string file = LastRejectFile(*state, in.display, out.display);
    return Status::Conflict(std::to_string(v.rejected) + " records of " + in.display +
                            " are rejected by the migration and exist only there: nothing was cleaned up; fix them " +
                            (file.empty() ? "(run the migration again to list them in its reject file)"
                                          : "(they are listed in " + file + ")") +
                            " and migrate them first");
  }
  CleanupReport report;
  report.source = in.display;
  report.dry_run = dry_run;
  report.removed = v.source_records;
  if (dry_run) return report;
  FERRY_ASSIGN_OR_RETURN(BackupInfo backup, CreateBackup(project, options, source, false, true));
  report.backup_id = backup.id;
  if (backup.records != v.source_records) {
    return Status::Conflict(in.display + " changed while it was being checked (" + std::to_string(backup.records) +
                            " records backed up, " + std::to_string(v.source_records) +
                            " verified): nothing was cleaned up");
  }
  if (in.is_database()) {
    FERRY_ASSIGN_OR_RETURN(auto table, internal::KeyedTable::Open(in, true));
    FERRY_RETURN_IF_ERROR(table->db().Exec("DELETE FROM " + internal::QuoteTable(in.table)));
  } else {
    std::error_code ec;
    std::filesystem::remove(in.file.path, ec);
    if (ec) return Status::IoError("cannot remove " + in.file.path + ": " + ec.message());
  }
  FERRY_ASSIGN_OR_RETURN(auto state, OpenState(options, &out));
  (void)state->Audit("", "legacy_cleaned_up", in.display + " (backup " + backup.id + ", pinned)");
  return report;
}

Result<std::string> DeleteBackup(const BackupOptions& options, const std::string& id) {
  FERRY_ASSIGN_OR_RETURN(auto state, OpenExistingState(options));
  return internal::DeleteBackup(state.get(), RootOf(*state, options), id);
}

Result<PruneReport> PruneBackups(const BackupOptions& options, uint32_t keep, int64_t max_age_days, bool dry_run) {
  FERRY_ASSIGN_OR_RETURN(auto state, OpenExistingState(options));
  internal::PruneOptions p;
  p.keep = keep;
  p.max_age_days = max_age_days;
  p.dry_run = dry_run;
  p.root = RootOf(*state, options);
  FERRY_ASSIGN_OR_RETURN(internal::PruneResult r, internal::PruneBackups(state.get(), p));
  return PruneReport{std::move(r.pruned), std::move(r.abandoned), std::move(r.notes)};
}

}  // namespace ferry
