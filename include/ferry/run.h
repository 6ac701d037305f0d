// Copyright (c) the Ferry authors.
//
// Running a project over data: analyze (what is there), plan (what would be
// done and how long it would take), run (migrate), validate (check only).
//
// A run streams the source in batches (memory stays flat whatever the input
// size), processes batches on worker threads, and writes results in input
// order. Per record:
//   parse -> detect version -> validate against its schema -> apply the path
//   of migrations -> validate against the target schema -> write.
// A record ends up migrated, already at target (written unchanged, byte for
// byte), or rejected (sent to the reject file with key, JSON Pointer, code,
// message and the original document).
//
// Files are published atomically: output is written to a temporary file in
// the target's directory, synced, and renamed over the target only when the
// run completes. A dry run does everything but write: no output, no reject
// file, no temporary file.
//
// Thread safety: each call is independent; a Project may be shared by
// concurrent calls. Cancellation is through RunOptions::control.

#ifndef FERRY_RUN_H_
#define FERRY_RUN_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "ferry/events.h"
#include "ferry/project.h"
#include "ferry/result.h"
#include "ferry/shaping.h"
#include "ferry/status.h"

namespace ferry {

enum class ErrorPolicy : uint8_t {
  kStop = 0,     // strict: the first rejected record fails the run; nothing is published
  kSkip = 1,     // reject the record and go on; the run succeeds
  kCollect = 2,  // reject and go on; publish, but fail the run (REJECTED) at the end
};
const char* ErrorPolicyName(ErrorPolicy p);
Result<ErrorPolicy> ParseErrorPolicy(std::string_view s);

// What a run does when the target already holds a record's key with a
// different document (not in place).
enum class ConflictPolicy : uint8_t {
  kSkip = 0,       // keep the target's document; count the conflict (default)
  kOverwrite = 1,  // replace it
  kMerge = 2,      // deep-merge objects; `prefer` decides leaves present in both
  kFail = 3,       // stop the run (CONFLICT); it stays resumable
  kAsk = 4,        // ask RunOptions::conflicts.ask for each conflict
};

// What `ask` is shown, and what it answers.
struct ConflictQuestion {
  std::string key;
  std::string target_document;  // JSON text in the target now
  std::string source_document;  // JSON text the run would write
};
enum class ConflictAnswer : uint8_t {
  kSkip, kOverwrite, kMerge,
  kSkipAll, kOverwriteAll, kMergeAll,  // the same for every later conflict of the run
  kAbort,                              // stop the run (CANCELLED; resumable)
};
const char* ConflictPolicyName(ConflictPolicy p);
Result<ConflictPolicy> ParseConflictPolicy(std::string_view s);

// What a run does, grouped by concern. Every field has a default, so
// `RunOptions{}` with a source (and a target or dry_run) is a valid run: the
// defaults are the preset "recommended" (ApplyPreset). Options are plain
// values copied by the call; the only pointers (`control`, `functions`) are
// not owned and must outlive the call. The groups:
//   source, target, state, dry_run, as_is, shaping, functions (flat): what is
//     read, where it goes, and how records are read;
//   outputs      the files written beside the target (rejects, complements)
//                and the caller's report file;
//   resume       which unfinished run to continue, or abandon;
//   durability   commits, the lease and retries (how often work is made safe);
//   conflicts    what to do with a key the target already holds differently;
//   backup       the backup of what table targets held before each commit;
//   pipeline     batch size, threads, throttle and a record limit (speed);
//   validation   what is validated and what a rejected record does to the run;
//   reporting    what the report collects;
//   files        encryption, compression, splitting and format of file stores;
//   control      how the caller watches and stops the run (not owned).
struct RunOptions {
  // Source and target store URIs (docs/stores.md): a file ("jsonl:", "json:",
  // "csv:", "xml:", "yaml:", "md:" PATH, or a plain path whose format comes
  // from its extension through .gz/.zst/.br/.enc, else from its content),
  // "sqlite:PATH#TABLE",
  // "postgres://USER@HOST:PORT/DB?table=TABLE". `target` empty: a table is
  // migrated in place; a file needs a target (files are never migrated in
  // place by overwriting their only copy) or a dry run.
  std::string source;
  std::string target;
  // Ferry's state (runs, history, checkpoints, leases): an SQLite file path
  // or a postgres:// URI; "" = the target's PostgreSQL database when the
  // target is PostgreSQL, else .ferry/state.db in the working directory.
  std::string state;
  // Do everything but write: no output, no reject file, no temporary file.
  bool dry_run = false;
  // Write every record as it is stored (validated against its own version's
  // schema, not migrated; counted as already at target): `ferry export`
  // without --version, `ferry import --as-is`. Table rows get an empty
  // version column.
  bool as_is = false;
  // Record shaping (include/ferry/shaping.h, docs/shaping.md): applied to
  // every source record before version detection by Run (dry runs
  // included), Analyze, Plan, ValidateRecords and Verify; records failing
  // its filters are `filtered`.
  // Empty: records are read as they are.
  ShapingSpec shaping;
  // Resolves shaping's `call` transforms. Not owned; may be null.
  const FunctionRegistry* functions = nullptr;

  // Files the run writes beside the target, and the caller's report file.
  // Paths; "" = the default said per field.
  struct Outputs {
    // Reject file (JSON Lines). "" = the run's default reject file,
    // rejects/RUN_ID.jsonl in the directory of an SQLite state, kept only when
    // a record was rejected (none when the state is in PostgreSQL: the report
    // then warns); RunReport::rejects_file names the file used. Ignored by a
    // dry run.
    std::string rejects;
    // Complement file (JSON Lines), "" for none. Ignored by a dry run. One line
    // per migrated record whose lossy steps dropped something:
    // {"key":..., "record": N, "migration": ID, "complement": {...}}; with it, the
    // backward steps restore the record exactly (StepList::ApplyBackward).
    std::string complements;
    // The file the caller writes the run's report to, "" for none. Run does
    // not write it; like every file the run writes (the target, rejects,
    // complements, backup directory) it is refused with INVALID_ARGUMENT when
    // it is one of the run's inputs (the source, the project file, a key file,
    // Ferry's state) or another output, compared by device and inode.
    std::string report;
  };
  Outputs outputs;

  // Which earlier, unfinished run this one continues. Default: neither field
  // set, and an unfinished run on the same target with the same source is
  // resumed automatically.
  struct Resume {
    // Resume this run (it must be unfinished and on the same target).
    std::string run_id;
    // Abandon an unfinished run on the target and start over.
    bool restart = false;
  };
  Resume resume;

  // How often work is made durable, how long the target stays locked
  // without news, and how hard transient errors are retried.
  struct Durability {
    // Lease time to live; the lease is renewed every third of it. Default 30 s.
    uint32_t lease_ttl_ms = 30000;
    // A checkpoint is committed at least this often (and at the end). Default 1 s.
    uint32_t commit_interval_ms = 1000;
    // ... and whenever this many records are staged. Default 20,000.
    uint32_t commit_records = 20000;
    // Retries of transient store errors (connection lost, busy, deadlock).
    // Default 5.
    uint32_t retries = 5;
  };
  Durability durability;

  // What a run does when the target already holds a record's key with a
  // different document (ConflictPolicy). Default: skip (keep the target's).
  struct Conflicts {
    ConflictPolicy policy = ConflictPolicy::kSkip;
    bool prefer_source = true;  // kMerge
    // kAsk: called on the coordinating thread for each conflict (before the
    // batch is written). Required for kAsk. Copied with the options.
    std::function<ConflictAnswer(const ConflictQuestion&)> ask;
  };
  Conflicts conflicts;

  // Table targets: before each batch of changes commits, the records it
  // changes are backed up (their stored text, chunked, zstd-compressed,
  // SHA-256 per chunk; docs/backup.md), so `ferry rollback` restores them
  // byte for byte. Default: on, unencrypted, beside the state.
  struct Backup {
    // On in the presets safe and recommended, off in fast.
    // Without it a rollback journal is still kept (per record: the SHA-256
    // written and the complements of lossy steps), enough to go back through
    // the backward steps.
    bool enabled = true;
    // Where backups live; "" = beside the state (.ferry/backups).
    std::string dir;
    // Encrypt the backup (AES-256-GCM per chunk): a passphrase (Argon2id) or
    // a key file. Neither: not encrypted.
    std::string passphrase;
    std::string key_file;
    // Preserve the original: the backup is pinned (never pruned) until the
    // user deletes it.
    bool preserve_original = false;
  };
  Backup backup;

  // How fast the run goes and how much of the source it reads. Defaults: the
  // preset "recommended", all cores, no pause, every record.
  struct Pipeline {
    // Records per batch, 1 .. 100,000. Default 50 (preset "recommended").
    uint32_t batch_size = 50;
    // Worker threads; 0 = all cores.
    uint32_t threads = 0;
    // Pause between batches (throttle), milliseconds. Default 0.
    uint32_t throttle_ms = 0;
    // Stop after this many records (0 = all). Used by plan's timed sample.
    uint64_t limit = 0;
  };
  Pipeline pipeline;

  // What is validated, and what a rejected record does to the run.
  // Defaults: validate before and after, skip rejects (preset "recommended").
  struct Validation {
    ErrorPolicy on_error = ErrorPolicy::kSkip;
    // Validate each record against its detected version's schema ...
    bool before = true;
    // ... and against the target version's schema after migrating.
    bool after = true;
  };
  Validation validation;

  // What the report collects beyond the counts.
  struct Reporting {
    // Collect the "what would change" field statistics. Default: off, but on in
    // a dry run unless skip_change_stats (plan's timed sample skips them).
    bool collect_changes = false;
    bool skip_change_stats = false;
    // How many example rejects per code to keep in the report. Default 3.
    uint32_t examples_per_code = 3;
  };
  Reporting reporting;

  // File stores (docs/stores.md): how source files are read and file targets
  // written. Defaults: nothing encrypted, compression from the target's
  // extension, one file, the formats' own defaults.
  struct Files {
    // Encrypted source files are read with, and
    // file targets are encrypted with, this passphrase (Argon2id) or key file
    // (32 bytes raw, hex or base64). Neither: nothing is encrypted, and an
    // encrypted source is INVALID_ARGUMENT.
    std::string passphrase;
    std::string key_file;
    // Compression of a file target: "gzip", "zstd", "brotli" or "none"; "" =
    // from the target's extension (.gz, .zst, .br). Level 0 = the library's
    // default.
    std::string compression;
    int compression_level = 0;
    // Split a file target into parts of about this many bytes of the final
    // (encoded) file, cut at record boundaries: PATH's parts NAME.00001.EXT...
    // 0 = one file; else at least kMinSplitBytes (INVALID_ARGUMENT).
    uint64_t split_bytes = 0;
    // Format options ("delimiter=;&header=false") for the source and the target
    // file, where their URI's query does not set them.
    std::string source_format_options;
    std::string target_format_options;
  };
  Files files;

  // How the caller watches and stops the run. The pointers are not owned,
  // may be null, and must outlive the call; they are read and set from any
  // thread. Default: no events, not cancellable.
  struct Control {
    // Set to true (e.g. from a SIGINT handler) to stop at the next batch
    // boundary, committing what was processed. A PostgreSQL statement found
    // waiting for a lock is cancelled (the run then commits nothing more).
    // Not owned; may be null.
    const std::atomic<bool>* cancel = nullptr;
    // Set to true (with `cancel`; e.g. on SIGTERM) to stop now: running
    // PostgreSQL statements are cancelled, nothing more is written to
    // PostgreSQL, retries stop waiting; the run ends CANCELLED, resumable from
    // its last commit. Not owned; may be null.
    const std::atomic<bool>* stop_now = nullptr;
    // Receives progress events. Not owned; may be null.
    EventSink* events = nullptr;
    // Minimum milliseconds between progress events. Default 250.
    uint32_t progress_interval_ms = 250;
  };
  Control control;
};

// The smallest part a split file target takes (RunOptions::files.split_bytes).
inline constexpr uint64_t kMinSplitBytes = 4096;

// "50MB", "512KB", "1GB", "1000" (bytes; K/M/G are powers of 1024, an
// optional B/iB). INVALID_ARGUMENT otherwise.
Result<uint64_t> ParseByteSize(std::string_view text);

// Applies a preset: "safe" (batch 10, validate before and after, stop),
// "recommended" (batch 50, validate before and after, skip; the default),
// "fast" (batch 500, validate after only, skip).
// The documented table of what each does is README.md's "Presets" (checked
// against this function by tests/unit/engine/presets_documented_test.cc).
Status ApplyPreset(std::string_view preset, RunOptions* options);
// The presets ApplyPreset knows: "safe", "recommended", "fast".
const std::vector<std::string_view>& PresetNames();

struct RejectExample {
  std::string key;  // "" when the record has no usable key
  uint64_t record = 0;  // 1-based record number in the source
  std::string pointer;
  std::string message;
};

// A record's key as messages show it: a key longer than 64 bytes is cut at a
// character boundary and followed by "... (N bytes)". Reject files and
// reports keep the whole key.
std::string KeyForMessage(std::string_view key);

struct VersionStats {
  uint64_t count = 0;
  uint64_t migrated = 0;
  uint64_t rejected = 0;
  // Migration ids on this version's path.
  std::vector<std::string> path;
  bool lossy = false;
};

struct RunReport {
  std::string run_id;
  // "completed", "failed", "cancelled".
  std::string status;
  bool dry_run = false;
  std::string source;
  std::string target;
  // The reject file: --rejects, or the default one (RunOptions::outputs.rejects);
  // "" when no file holds rejects of this run.
  std::string rejects_file;
  std::string complements_file;
  std::string preset;
  // Where the run's state is kept, and whether it continued an earlier,
  // interrupted run (from `resumed_at` records).
  std::string state;
  bool resumed = false;
  uint64_t resumed_at = 0;
  bool in_place = false;
  // The target is a stream (a device, pipe or socket, or `-`): written
  // directly, never resumed; `target_on_stdout` when it is this process's
  // standard output (the caller then prints its summary elsewhere).
  bool target_stream = false;
  bool target_on_stdout = false;
  // The run's backup or journal id ("" for file targets), and the records in it.
  std::string backup_id;
  uint64_t backup_records = 0;
  bool backup_has_originals = false;
  // Records whose key already held a different document in the target.
  uint64_t conflicts = 0;
  // Table targets: rows someone else changed between the run's read and its
  // write. None was overwritten: each was read again and migrated from what
  // it held then (counted under migrated, already_at_target or rejected),
  // or, when it had been deleted, left deleted (concurrent_deletes).
  uint64_t concurrent_changes = 0;
  uint64_t concurrent_deletes = 0;
  // input == migrated + already_at_target + rejected + filtered +
  // concurrent_deletes, always.
  uint64_t input = 0;
  uint64_t migrated = 0;
  uint64_t already_at_target = 0;
  uint64_t rejected = 0;
  // Records that failed a shaping filter (RunOptions::shaping): read, not
  // written, not rejected.
  uint64_t filtered = 0;
  // Records whose lossy steps dropped data (kept as complements).
  uint64_t with_complement = 0;
  uint64_t bytes_in = 0;
  uint64_t bytes_out = 0;
  uint64_t batches = 0;
  double seconds = 0;
  uint32_t threads = 0;
  uint32_t batch_size = 0;
  ErrorPolicy on_error = ErrorPolicy::kSkip;
  // Per detected version (UNKNOWN_FORMAT and PARSE_ERROR records are not in
  // any version).
  std::map<std::string, VersionStats> versions;
  std::map<std::string, uint64_t> rejects_by_code;
  std::map<std::string, std::vector<RejectExample>> reject_examples;
  // Field statistics (JSON Pointer patterns with array indices as "*"):
  // fields added, removed, or whose JSON type changed, with record counts.
  std::map<std::string, uint64_t> fields_added;
  std::map<std::string, uint64_t> fields_removed;
  std::map<std::string, uint64_t> fields_converted;
  // Per `on_failure: skip` migration: records it failed on that went on
  // without it.
  std::map<std::string, uint64_t> skipped_migrations;
  std::vector<std::string> warnings;
  // The status that ended the run (OK when completed).
  Status final_status;

  // The report as one JSON object (the --report and --json format).
  std::string ToJson() const;
};

// Migrates source to target. Returns the report; report.final_status tells
// whether the run succeeded (OK), was cancelled (CANCELLED), stopped on a
// reject (the reject's code), collected rejects (REJECTED) or failed (IO_ERROR
// ...). Errors before the run starts (bad options, unreadable source) are
// returned as a Status.
Result<RunReport> Run(const Project& project, const RunOptions& options);

struct AnalyzeReport {
  // The target the conflicts were counted against ("" when none was given).
  std::string target;
  // Records whose key already holds a different document in the target.
  uint64_t conflicts = 0;
  // Whether a run would change anything (records not at the target version).
  bool migration_needed = false;
  // The preset analyze recommends: safe, recommended or fast.
  std::string recommended_preset;
  uint64_t records = 0;
  uint64_t bytes = 0;
  uint64_t already_at_target = 0;
  // Records the shaping filters (RunOptions::shaping) leave out: read, not
  // detected, in no version's count.
  uint64_t filtered = 0;
  std::map<std::string, uint64_t> versions;  // detected version -> count
  std::map<std::string, uint64_t> invalid_by_code;
  std::map<std::string, std::vector<RejectExample>> invalid_examples;
  std::map<std::string, uint64_t> invalid_by_version;
  std::vector<std::string> recommendations;
  double seconds = 0;
  std::string ToJson(const Project& project) const;
};

// Reads the whole source: detects and validates every record (nothing is
// written). With options.target naming an existing table, every record is
// also migrated in memory and compared with the target (conflicts).
Result<AnalyzeReport> Analyze(const Project& project, const RunOptions& options);

// Validates every record against its detected version's schema, or against
// `version` for all records when given (then no detection). Same report as
// Analyze, without recommendations.
Result<AnalyzeReport> ValidateRecords(const Project& project, const RunOptions& options, std::string_view version);

struct PlanReport {
  struct Step {
    std::string migration;
    std::string from;
    std::string to;
    std::vector<std::string> step_kinds;
    bool lossy = false;
    bool critical = false;
  };
  struct VersionPlan {
    std::string version;
    uint64_t records = 0;
    std::vector<Step> path;
    bool lossy = false;
    // Other paths as short as `path` (migration ids each), and why `path`
    // was chosen over them: fewer lossy migrations, else the ids' order.
    // Empty when `path` is the only shortest one.
    std::vector<std::vector<std::string>> alternatives;
    std::string chosen_because;
  };
  std::vector<VersionPlan> versions;  // versions present in the data
  uint64_t records = 0;               // counted (whole source)
  uint64_t bytes = 0;
  uint64_t sample_records = 0;        // timed sample size
  double sample_seconds = 0;
  double estimated_seconds = 0;       // for the whole source
  // What the timed sample did, so what the estimate includes: with a file
  // or SQLite target (or an SQLite table in place) the sample is written
  // into a scratch store of that kind; otherwise it is a dry run that times
  // everything but writing (said here).
  std::string estimate_covers;
  std::vector<std::string> blockers;  // e.g. unknown formats present
  std::vector<std::string> warnings;
  std::string ToJson() const;
};

// CHECKSUM_MISMATCH when a migration of `project` was edited after it was
// applied to the collection (per the state that options.state / target
// select; nothing is created when there is no state yet).
Status CheckAppliedMigrations(const Project& project, const RunOptions& options);

// Checks applied migrations (CheckAppliedMigrations), counts versions over
// the source, runs a timed dry-run sample of
// `sample` records (default 20,000) and extrapolates the duration.
Result<PlanReport> Plan(const Project& project, const RunOptions& options, uint64_t sample = 20000);

// Sync status between a source and a target after a run: every source
// record is migrated in memory (nothing is written) and compared with the
// target's document under the same key, by a SHA-256 of its canonical JSON
// (sorted keys), so a PostgreSQL jsonb column compares equal to the text it
// was loaded from. Memory: ~100 bytes per key.
struct VerifyReport {
  // "in sync" when nothing is missing, different, extra or duplicated.
  std::string status;
  // What the target was compared with: the source migrated in memory, or (a
  // table in place, no --target) the table migrated again and the journals of
  // the runs that wrote it, whose keys and digests are independent of the
  // table's rows now (docs/stores.md#verify).
  std::string checked_against;
  uint64_t source_records = 0;
  uint64_t expected = 0;        // records that belong in the target
  uint64_t rejected = 0;        // source records the migration rejects (not expected)
  uint64_t filtered = 0;        // source records the shaping filters leave out (not expected)
  uint64_t target_records = 0;
  uint64_t in_sync = 0;
  uint64_t missing = 0;         // expected, not in the target
  uint64_t different = 0;       // in both, different documents
  uint64_t extra = 0;           // in the target, not expected
  uint64_t duplicates = 0;      // a key more than once in the target
  std::vector<std::string> missing_keys, different_keys, extra_keys, duplicate_keys;  // the first few
  double seconds = 0;
  bool in_sync_status() const { return status == "in sync"; }
  std::string ToJson() const;
};

// Compares options.target (default: the source, for a table migrated in
// place) with what migrating options.source gives. Lists at most `max_keys`
// keys per kind.
Result<VerifyReport> Verify(const Project& project, const RunOptions& options, uint32_t max_keys = 20);

}  // namespace ferry

#endif  // FERRY_RUN_H_
