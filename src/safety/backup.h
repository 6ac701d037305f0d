// Copyright (c) the Ferry authors.
//
// Backups and rollback journals: immutable, checksummed, compressed and
// optionally encrypted sets of records, kept in a directory per backup
// (default .ferry/backups/ID/) and indexed in the state store.
//
// A backup is a sequence of chunks plus a manifest:
//   chunk-NNNNNN.fbk   JSON Lines entries, zstd-compressed, then (when
//                      encrypted) sealed with AES-256-GCM, the backup id and
//                      the chunk index bound in as associated data
//   manifest.json      id, kind, run, collection, store, versions, counts,
//                      created, parent, the chunks (file, SHA-256, records,
//                      bytes) and the SHA-256 of the whole (over the chunks'
//                      digests in order); an HMAC under the key when encrypted
// The state store's `backups` and `backup_chunks` tables hold the same index,
// written chunk by chunk, so a backup being written by a run that is killed
// is resumed exactly (chunks past the run's last checkpoint are dropped).
//
// One entry per record (JSON, one line): the format is engine/journal_entry.h's
// (documented in docs/backup.md, "What a run keeps"), which alone writes and
// reads its members.
//
// Kinds: "run" (the records a run changed, written before each change
// commits: before-images when the run's backup is on, else only the journal:
// hashes and complements), "full" (every record of a store) and
// "incremental" (the records changed or deleted since its parent).
//
// Errors: INTEGRITY_ERROR (a chunk's SHA-256, the whole's, the manifest's
// HMAC or a chunk's authentication fails; a chunk is missing), WRONG_KEY,
// IO_ERROR, NOT_FOUND.

#ifndef FERRY_SAFETY_BACKUP_H_
#define FERRY_SAFETY_BACKUP_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "codec/codec.h"
#include "ferry/result.h"
#include "ferry/status.h"

namespace ferry::internal {

class StateStore;

struct BackupChunk {
  uint64_t seq = 0;      // 1-based chunk index (the run's commit number for run backups)
  std::string file;      // chunk-NNNNNN.fbk
  std::string sha256;    // of the file's bytes, hex
  uint64_t records = 0;
  uint64_t bytes = 0;    // the file's size
};

struct BackupManifest {
  std::string id;
  std::string kind;            // run, full, incremental
  std::string run_id;          // kind run
  std::string parent;          // kind incremental
  std::string collection;
  std::string store;           // the store it holds records of (display form)
  std::string identity;        // that store's identity (what leases lock)
  std::string created_at;
  std::string status;          // writing, complete
  bool before_images = true;   // false: a run journal without the records' texts
  bool pinned = false;         // preserve-original: never pruned
  std::string description;     // `backup create --description` ("" : none)
  bool encrypted = false;
  KdfParams kdf;               // when encrypted with a passphrase
  std::string key_kind;        // "", passphrase, key-file
  std::string key_check;       // hex
  std::string dir;             // where its files were written ("" : in the state).
                               // Only tells that they are on disk: readers and
                               // deleters use LocateBackupFiles(), never this path.
  std::string writer_host;     // while writing: the process writing it
  int64_t writer_pid = 0;
  std::string writer_start;    // that process's start (boot id and start time)
  uint64_t records = 0;
  uint64_t bytes = 0;
  std::map<std::string, uint64_t> versions;  // records by version before
  std::vector<BackupChunk> chunks;
  std::string sha256;          // of the whole (when complete)
  std::string mac;             // HMAC-SHA-256 of the manifest under the key (encrypted)
  std::string ToJson() const;  // manifest.json (sorted keys)
};
Result<BackupManifest> ParseManifest(std::string_view json);

// The default directory of backups beside a state store: the state file's
// directory + "/backups" (SQLite). "" for a PostgreSQL state: the chunks are
// then kept in the state's backup_chunks table (base64), so that any machine
// that reaches the database can roll back.
std::string DefaultBackupDir(const StateStore& state);

// The root backups live in: `configured` (--dir, --backup-dir) when given,
// else DefaultBackupDir(state); absolute.
std::string BackupRoot(const StateStore& state, const std::string& configured);

// INTEGRITY_ERROR unless `id` is a name Ferry gives backups: 1 to 128 of
// [A-Za-z0-9._-], not starting with '.' (a single path component).
Status ValidateBackupId(const std::string& id);

// The chunk file of chunk `seq`: chunk-NNNNNN.fbk, the only chunk names
// Ferry reads, writes or deletes.
std::string ChunkFileName(uint64_t seq);

// Points m->dir at `root`/ID when the backup's files are on disk; the
// directory the state recorded is never used (the state may be edited by
// anyone who can write it). INVALID_ARGUMENT when its files are on disk but
// `root` is "" (a PostgreSQL state without --dir).
Status LocateBackupFiles(const std::string& root, BackupManifest* m);

// This process, as BackupManifest's writer fields record it; and whether
// the process a manifest records as its writer is gone (on this host, not
// running, or another process now has its pid). Another host's: false.
void SetWriterToThisProcess(BackupManifest* m);
bool WriterIsGone(const BackupManifest& m);

class BackupWriter {
 public:
  // Starts backup `header.id` in `root`/ID (created), or in the state when
  // `root` is "". `key` given: encrypted. The manifest records this process
  // as its writer until Finish().
  static Result<std::unique_ptr<BackupWriter>> Create(StateStore* state, const std::string& root,
                                                      BackupManifest header, const KeyOptions& key);
  // Continues an unfinished backup whose files are in `root`/ID (or in the
  // state); chunks with seq > `committed_seq` are dropped (their records are
  // written again).
  static Result<std::unique_ptr<BackupWriter>> Resume(StateStore* state, const std::string& root,
                                                      const std::string& id, uint64_t committed_seq,
                                                      const KeyOptions& key);
  // Writes one chunk of entries (JSON Lines), durable when this returns.
  // `versions`: records per version in it. The same `seq` again (a retried
  // commit) replaces the last chunk.
  Status AddChunk(uint64_t seq, std::string_view entries, uint64_t records,
                  const std::map<std::string, uint64_t>& versions);
  // Seals the manifest (status complete).
  Status Finish();
  const BackupManifest& manifest() const { return m_; }
  uint64_t next_seq() const { return m_.chunks.empty() ? 1 : m_.chunks.back().seq + 1; }

 private:
  BackupWriter() = default;
  Status SaveIndex();
  StateStore* state_ = nullptr;
  BackupManifest m_;
  std::optional<Key> key_;
  std::map<std::string, uint64_t> chunk_versions_;  // of the last chunk added
};

struct BackupVerifyReport {
  uint64_t chunks = 0, records = 0, bytes = 0;
  bool decoded = false;  // entries were decrypted, decompressed and parsed
};

class BackupReader {
 public:
  // Opens a backup by id from the state's index, its files in `root`/ID (see
  // LocateBackupFiles); `key` needed to decode an encrypted backup (Verify
  // without decode works without it). Chunks are read only under the names
  // Ferry writes: another name in the index is INTEGRITY_ERROR.
  static Result<std::unique_ptr<BackupReader>> Open(StateStore* state, const std::string& root,
                                                    const std::string& id, const KeyOptions& key);
  const BackupManifest& manifest() const { return m_; }
  // Checks every chunk's SHA-256, the whole's and the HMAC; with `decode`,
  // also opens every chunk and parses every entry.
  Result<BackupVerifyReport> Verify(bool decode);
  // Chunk `i` (0-based) verified and decoded: its JSON Lines entries.
  Result<std::string> ReadChunk(size_t i);

 private:
  BackupReader() = default;
  // Chunk `i`'s stored bytes, checked against its SHA-256.
  Result<std::string> ChunkBytes(size_t i);
  StateStore* state_ = nullptr;
  BackupManifest m_;
  std::optional<Key> key_;
};

// The index.
Result<std::vector<BackupManifest>> ListBackups(StateStore* state, bool include_journals);
Result<std::optional<BackupManifest>> FindBackup(StateStore* state, const std::string& id);
// The run backup (or journal) of `run_id`.
Result<std::optional<BackupManifest>> FindRunBackup(StateStore* state, const std::string& run_id);
// Removes backup `id` from the index, then from `root`/ID only the files
// Ferry writes there (its chunks, manifest.json and their temporary files),
// then the directory when it is empty. Returns a note when the directory
// was left because it holds other files ("" otherwise).
Result<std::string> DeleteBackup(StateStore* state, const std::string& root, const std::string& id);

struct PruneOptions {
  uint32_t keep = 5;          // the newest N complete backups are kept
  int64_t max_age_days = 7;   // backups older than this are pruned...
  bool dry_run = false;
  std::string root;           // where the backups' files are (BackupRoot)
};
struct PruneResult {
  std::vector<std::string> pruned;     // complete backups beyond the retention
  std::vector<std::string> abandoned;  // left `writing` by a process that is gone
  std::vector<std::string> notes;      // directories left because they hold other files
};
// A backup is pruned when it is older than max_age_days or not among the
// newest `keep`; pinned backups, run journals and the parents of kept
// incrementals are kept. A `backup create` killed before it finished
// (status writing, its writer gone: WriterIsGone) is removed too. Returns
// the ids removed (or that would be).
Result<PruneResult> PruneBackups(StateStore* state, const PruneOptions& options);
// The retention a project file configures (`backup: { keep, max_age_days }`),
// applied after each backup: PruneBackups with those limits when
// `configured`, else nothing.
Result<PruneResult> ApplyRetention(StateStore* state, const std::string& root, bool configured, uint32_t keep,
                                   int64_t max_age_days);

}  // namespace ferry::internal

#endif  // FERRY_SAFETY_BACKUP_H_
