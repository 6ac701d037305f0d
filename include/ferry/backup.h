// Copyright (c) the Ferry authors.
//
// Backups (docs/backup.md): immutable, checksummed, zstd-compressed and
// optionally encrypted copies of records, in chunks with a manifest,
// indexed in Ferry's state.
//
//   run          made by a run into a table: the records it changed, as they
//                were, written ahead of each commit (ferry/rollback.h uses it)
//   full         every record of a store (CreateBackup)
//   incremental  the records added, changed or deleted since the newest
//                backup of the same store (its parent)
//
// Retention: PruneBackups() deletes the backups that are older than
// max_age_days or not among the newest `keep` (defaults 7 days, 5), except
// pinned ones (preserve-original) and the parents of kept incrementals. A
// run's journal without the records' texts is not a backup and is never
// pruned; deleting a run's backup removes its rollback point.
//
// Thread safety: every function may be called from several threads at once;
// each opens its own connections to the state and the store. A restore into
// a table holds the table's lease (LOCKED while a run or rollback holds it).
// Other calls on the same backups at once (two prunes, a delete during a
// verify) are not coordinated: run them one after the other.
// Ownership: options and results are plain values; nothing is kept between
// calls. Long calls run as operations (ferry/operation.h) to be watched and
// cancelled.
// Errors: INVALID_ARGUMENT (bad id, options or URI), NOT_FOUND (no such
// backup or state), INTEGRITY_ERROR (a chunk, manifest or index fails its
// checksum), WRONG_KEY (the passphrase or key file does not open it),
// IO_ERROR (a file could not be read or written), LOCKED (the store is in
// use), UNAVAILABLE (a database stayed unreachable after retries).

#ifndef FERRY_BACKUP_H_
#define FERRY_BACKUP_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "ferry/project.h"
#include "ferry/result.h"
#include "ferry/status.h"

namespace ferry {

struct BackupOptions {
  std::string state;       // as RunOptions::state
  std::string dir;         // where backups live; "" = beside the state (every
                           // backup's files are looked for in dir/ID)
  std::string passphrase;  // encryption (Argon2id) ...
  std::string key_file;    // ... or a key file
};

struct BackupInfo {
  std::string id, kind, run_id, parent, collection, store, created_at, status, dir, sha256;
  std::string description;  // `backup create --description` ("" : none)
  std::vector<std::string> pruned;  // CreateBackup: the backups the project's retention pruned after it
  bool pinned = false;
  bool encrypted = false;
  bool has_originals = true;
  uint64_t records = 0, bytes = 0, chunks = 0;
  std::map<std::string, uint64_t> versions;
  std::string ToJson() const;
};

// Newest last. `include_journals`: also runs' journals without originals.
Result<std::vector<BackupInfo>> ListBackups(const BackupOptions& options, bool include_journals);

// Checks every chunk's SHA-256, the whole's and the manifest; `decode` (needs
// the key when encrypted) also decrypts, decompresses and parses every
// entry. INTEGRITY_ERROR / WRONG_KEY name what failed.
Result<BackupInfo> VerifyBackup(const BackupOptions& options, const std::string& id, bool decode);

// A full backup of `source` (a store URI), or an incremental one on top of
// the newest backup of the same store. `pinned`: never pruned.
// `description`: free text kept in the manifest (and shown by ListBackups).
// When the project configures a retention (Project::backup_retention()),
// it is applied after the backup completes (PruneBackups).
Result<BackupInfo> CreateBackup(const Project& project, const BackupOptions& options, const std::string& source,
                                bool incremental, bool pinned, const std::string& description = "");

struct RestoreReport {
  std::string backup_id;
  std::string target;
  uint64_t written = 0;
  uint64_t deleted = 0;
  std::string ToJson() const;
};
// Writes the backup's records into `target` unconditionally (a table:
// upsert by key, and the records a run created or an incremental deleted are
// removed; a file: a new JSON Lines file with the records' texts). An
// incremental backup is restored with its parents. Unlike a rollback, it
// does not check what changed since: use it to rebuild a store.
// What the target lacks is created first: a new SQLite database file, the
// table with Ferry's layout (SQLite or PostgreSQL), so that a store whose
// table was dropped (or whose file was deleted) is rebuilt from the backup
// alone. `project` names the table when `target` does not (its collection).
Result<RestoreReport> RestoreBackup(const Project& project, const BackupOptions& options, const std::string& id,
                                    const std::string& target);
// The same without a project: a `target` without a table name gets the
// backup's collection (from its manifest), as a run of its project would.
Result<RestoreReport> RestoreBackup(const BackupOptions& options, const std::string& id, const std::string& target);

// Deletes backup `id`: its index entry, then in its directory (options.dir
// or beside the state, + "/ID"; never where the state says) only the files
// Ferry writes, then the directory when empty. Returns a note when the
// directory was left because it holds other files ("" otherwise).
Result<std::string> DeleteBackup(const BackupOptions& options, const std::string& id);

// Clean-up of the legacy data after a verified successful store-to-store
// run: `target` must be in sync with migrating `source` (ferry verify) and
// hold every source record (none rejected); then a full, pinned backup of
// the source is made and the source is removed (a file is deleted, a
// table's rows are deleted). CONFLICT, changing nothing, when the target is
// not in sync or records were rejected. `dry_run`: check only.
struct CleanupReport {
  std::string source;
  std::string backup_id;
  uint64_t removed = 0;
  bool dry_run = false;
  std::string ToJson() const;
};
Result<CleanupReport> CleanupSource(const Project& project, const BackupOptions& options, const std::string& source,
                                    const std::string& target, bool dry_run);

// The backups deleted (with dry_run: that would be): complete ones beyond
// the retention, and those a killed `backup create` left `writing` (their
// process on this host is gone; another host's are left).
struct PruneReport {
  std::vector<std::string> pruned;
  std::vector<std::string> abandoned;
  std::vector<std::string> notes;  // directories left because they hold other files
};
Result<PruneReport> PruneBackups(const BackupOptions& options, uint32_t keep, int64_t max_age_days, bool dry_run);

}  // namespace ferry

#endif  // FERRY_BACKUP_H_
