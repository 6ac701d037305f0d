// Copyright (c) the Ferry authors.
//
// Stores: where records are read from and written to. A store is named by a
// URI:
//   jsonl:PATH | json:PATH | csv:PATH | xml:PATH | yaml:PATH | md:PATH | PATH
//                                          a file, maybe compressed, encrypted or
//                                          split in parts (store/file_store.h)
//   sqlite:PATH[#TABLE]                    a table in an SQLite database (WAL)
//   postgres://USER:PASS@HOST:PORT/DB?table=TABLE   (also postgresql://)
// A database table holds one row per record: key (the project's key field,
// as text, primary key), version, document (the JSON text; jsonb in
// PostgreSQL) and updated_at. TABLE defaults to the project's collection.
//
// Reading: RecordReader (engine/source.h) streams batches in key order (files:
// file order); every batch carries the source position after its last record,
// and Seek() restarts from such a position, which is how a run resumes.
//
// Writing: a RecordSink stages finished batches and commits them together
// with the run's checkpoint, atomically: after a kill, LoadCheckpoint()
// tells exactly which records are in the target, and nothing staged after it
// is. Files: data is fsynced, then the checkpoint is committed to the state
// store; on resume the temporary output is truncated back to the
// checkpoint's length. Databases: rows and checkpoint commit in one
// transaction, guarded by the run's owner token (fencing), so a process that
// lost its lease can never commit again.

#ifndef FERRY_STORE_STORE_H_
#define FERRY_STORE_STORE_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/source.h"
#include "ferry/result.h"
#include "ferry/status.h"

namespace ferry::internal {

struct BatchResult;
struct OutputRecord;
class SqlDb;

enum class StoreKind : uint8_t { kFile, kSqlite, kPostgres };

// How a run's database statements learn that the run should stop, and whom
// they tell what they wait for. Shared by the run's reader and sink; used on
// the thread that runs the statement (the run's coordinating thread).
// PostgreSQL honours it (store/postgres.cc): a statement waits for its result
// in slices of 100 ms, checking these between them.
struct StatementHooks {
  // Stop at the next batch boundary: a statement found waiting for a lock is
  // cancelled (it could otherwise wait lock_timeout, retried).
  const std::atomic<bool>* cancel = nullptr;
  // Stop now: every running statement is cancelled.
  const std::atomic<bool>* stop_now = nullptr;
  // Told once a second while a statement waits for a lock held by another
  // session: "waiting for a row lock held by pid 12345 (since 3 s)".
  std::function<void(const std::string& what)> on_wait;
  // Set once a statement was cancelled for the run: no new statement starts
  // (ROLLBACK excepted), so nothing more is committed.
  std::atomic<bool> stopped{false};

  bool stop_requested() const { return stop_now != nullptr && stop_now->load(); }
};

struct StoreUri {
  StoreKind kind = StoreKind::kFile;
  FileSpec file;          // kFile
  std::string path;       // kSqlite: the database file
  std::string table;      // kSqlite, kPostgres: the collection's table (may be schema.table in PostgreSQL)
  std::string conninfo;   // kPostgres: libpq URI without Ferry's parameters. Holds the password: never print it.
  std::string display;    // the URI as given, with any password replaced by "***"
  // Who the target is, for the state's runs, resumes, rollbacks and backups:
  // "file:/real/path" (symlinks resolved), "sqlite:DEV:INODE#table" (the
  // database file, whatever path, symlink or hard link names it; its real
  // path while it does not exist), "postgres://host:port/db#table". Table
  // targets lease themselves in their own database (store/target_lease.h).
  std::string identity;
  std::shared_ptr<StatementHooks> hooks;  // a run's (may be null)
  bool is_database() const { return kind != StoreKind::kFile; }
};

// Parses a store URI. `default_table` names the table when the URI has none.
Result<StoreUri> ParseStoreUri(std::string_view uri, const std::string& default_table);

// Creates an SQLite target's database file when it does not exist yet (an
// empty file is an empty database), so that its identity is its device and
// inode from the first run on; nothing for other stores.
Status CreateSqliteTarget(StoreUri* target);

// Creates `table` with Ferry's layout (key, version, document, updated_at;
// jsonb and timestamptz in PostgreSQL) when it does not exist.
Status CreateRecordTable(SqlDb& db, const std::string& table);

// `uri` with the password of a postgres:// URI replaced by "***".
std::string RedactUri(std::string_view uri);

// A table name as a quoted SQL identifier ("a"."b" for schema.table).
std::string QuoteTable(const std::string& table);

// The checkpoint committed with a batch.
struct Checkpoint {
  std::string run_id;
  uint64_t seq = 0;            // commits so far
  std::string position;        // source position after the last committed record (RecordReader::Seek)
  uint64_t records = 0;        // source records consumed
  uint64_t output_bytes = 0;   // file targets: bytes of the temporary output
  uint64_t rejects_bytes = 0;  // length of the reject file
  uint64_t complements_bytes = 0;
  std::string counters;        // the report's counters so far, JSON
};

// Checkpoints in a table of `db` (state store: "checkpoints"; an SQLite
// target: "ferry_checkpoints"; PostgreSQL: "ferry.checkpoints"). The row's
// owner is the run's fencing token: Save() fails with LOCKED when another
// process took the run over.
class CheckpointTable {
 public:
  CheckpointTable(SqlDb* db, std::string table) : db_(db), table_(std::move(table)) {}
  Status Create();
  Result<std::optional<Checkpoint>> Load(const std::string& run_id);
  // Makes `owner` the run's owner (a fresh run or a takeover).
  Status Claim(const std::string& run_id, const std::string& owner);
  // Inside the caller's transaction.
  Status Save(const Checkpoint& cp, const std::string& owner);

 private:
  SqlDb* db_;
  std::string table_;
};

class StateStore;

struct SinkOptions {
  std::string run_id;
  std::string owner;        // fencing token
  std::string version;      // the target version (the rows' version column)
  // Non-empty (import --as-is): each row's version column is the name of the
  // version its record was read in, version_names[OutputRecord::version].
  std::vector<std::string> version_names;
  StateStore* state = nullptr;  // file sinks keep their checkpoints there
  uint32_t retries = 5;     // transient errors (connection lost, busy, ...)
  // A conflict: the target holds the key with a different document.
  enum class OnConflict : uint8_t { kOverwrite, kSkip, kMerge, kFail } on_conflict = OnConflict::kOverwrite;
  bool prefer_source = true;  // kMerge: which side wins on a leaf present in both
  bool in_place = false;      // source and target are the same table
};

// The version column of an accepted record: options.version, or with
// options.version_names the name of the version it was read in.
std::string RowVersion(const SinkOptions& options, const OutputRecord& r);

// A record a table sink stages for its next commit.
struct StagedRecord {
  std::string key;
  std::string document;
  std::string token;    // in place: the row as the run read it (PostgreSQL: its xmin; SQLite: its text)
  std::string version;  // the row's version column
};

// What the table sinks' Stage does: the records of `batch` appended to
// *staged (their bytes added to *bytes), its rows already at the target to
// *unchanged. INTERNAL, naming `sink`, for a record without a key.
Status StageTableRecords(const BatchResult& batch, const SinkOptions& options, std::string_view sink,
                         std::vector<StagedRecord>* staged, uint64_t* bytes,
                         std::vector<std::pair<std::string, std::string>>* unchanged);

// A row of a table as it is now.
struct TargetRow {
  std::string version;   // "" also when NULL: see version_null
  std::string document;  // as stored (jsonb: PostgreSQL's text form)
  std::string token;     // its row version (PostgreSQL: xmin; SQLite: the document)
  bool version_null = false;
};

// A staged record whose row changed after the run read it (in place): its
// index among the commit's staged records (staging order) and what the row
// holds now (nullopt: deleted).
struct ChangedRow {
  size_t index = 0;
  std::string key;
  std::optional<TargetRow> now;
};

// The coordinator's side of a table sink's commit. A table commit runs in
// one transaction: the writes, then these hooks, then the checkpoint.
// Every write that replaces a row is conditional on the row being what the
// run read (in place: the row's token as the reader saw it; a live table:
// the row as the commit read and locked it), so nothing is ever written
// over an application's newer write. The hooks run while the rows they are
// given are locked (SQLite: the write lock; PostgreSQL: FOR UPDATE), so
// their answers hold until the commit ends. A commit attempt that fails is
// retried whole: Begin() starts each attempt afresh.
class CommitHooks {
 public:
  virtual ~CommitHooks() = default;
  // A new attempt of the commit: forget what earlier attempts decided.
  virtual void Begin() = 0;
  // In place: the rows that changed under the run. Returns, per row (same
  // order), the document to write from its new content, or nullopt to leave
  // the row as it is (deleted, already at the target, or rejected).
  virtual Result<std::vector<std::optional<std::string>>> Reprocess(const std::vector<ChangedRow>& rows) = 0;
  // Before the checkpoint: makes the journal of what this commit changes
  // durable (write-ahead: nothing commits before it). `before`: live tables:
  // what each staged key held when the commit locked it (staging order);
  // empty in place, where the run read the rows itself.
  virtual Status WriteAhead(const std::vector<std::optional<TargetRow>>& before, Checkpoint* cp) = 0;
};

// File sinks: saves `cp` to the state store's checkpoints (options.state)
// under the run's owner token, with retries.
Status SaveFileCheckpoint(const SinkOptions& options, const Checkpoint& cp);

class RecordSink {
 public:
  virtual ~RecordSink() = default;
  // Opens the target for `options.run_id`; `from` is the checkpoint to resume
  // after (null: a fresh run).
  virtual Status Start(const SinkOptions& options, const Checkpoint* from) = 0;
  virtual Result<std::optional<Checkpoint>> LoadCheckpoint(const std::string& run_id) = 0;
  // Takes a finished batch's accepted records (not yet durable).
  virtual Status Stage(const BatchResult& batch) = 0;
  // Makes everything staged durable together with `cp` (cp.output_bytes is
  // filled in by file sinks). Table sinks call `hooks` (may be null: no
  // journal, no reprocessing; changed rows are then left as they are).
  virtual Status Commit(Checkpoint* cp, CommitHooks* hooks) = 0;
  // The run completed: publish (files: rename into place).
  virtual Status Publish() = 0;
  // The run stopped unfinished: keep what is committed for a resume.
  virtual void Close() = 0;
  // The run is abandoned: remove temporary data.
  virtual void Discard() = 0;
  virtual uint64_t bytes_written() const = 0;
  // Records that met a different document under the same key, by outcome.
  virtual uint64_t conflicts() const { return 0; }
  // In place: rows found changed by someone else between the run's read and
  // its write (each was read again and handed to CommitHooks::Reprocess).
  virtual uint64_t concurrent_changes() const { return 0; }
};

// Read-only: finds the records of a finished batch whose key already holds a
// different document in the target (what a run would meet as conflicts).
struct FoundConflict {
  size_t record = 0;            // index into BatchResult::output_records
  std::string target_document;  // what the target holds (JSON text)
};
class ConflictProbe {
 public:
  virtual ~ConflictProbe() = default;
  virtual Result<std::vector<FoundConflict>> Find(const BatchResult& batch) = 0;
  Result<uint64_t> Count(const BatchResult& batch) {
    FERRY_ASSIGN_OR_RETURN(auto found, Find(batch));
    return uint64_t(found.size());
  }
};
// Null when the target cannot hold conflicts (a file, or a database or
// table that does not exist yet).
Result<std::unique_ptr<ConflictProbe>> OpenConflictProbe(const StoreUri& target);
Result<std::unique_ptr<ConflictProbe>> OpenPostgresConflictProbe(const StoreUri& target);

Result<std::unique_ptr<RecordReader>> OpenStoreReader(const StoreUri& uri);
Result<std::unique_ptr<RecordSink>> OpenStoreSink(const StoreUri& uri, bool json_array_output);

// PostgreSQL (store/postgres.cc).
Result<std::unique_ptr<RecordReader>> OpenPostgresReader(const StoreUri& uri);
Result<std::unique_ptr<RecordSink>> OpenPostgresSink(const StoreUri& uri);
Result<std::unique_ptr<SqlDb>> OpenPostgres(const std::string& conninfo, const std::string& display,
                                            std::shared_ptr<StatementHooks> hooks = nullptr);

}  // namespace ferry::internal

#endif  // FERRY_STORE_STORE_H_
