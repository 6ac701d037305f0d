// Copyright (c) the Ferry authors.
//
// Processes one batch of records: parse, detect, validate, migrate, validate,
// serialise. One BatchProcessor per worker thread (it owns a parser and an
// arena); the Project is shared read-only.

#ifndef FERRY_ENGINE_BATCH_PROCESSOR_H_
#define FERRY_ENGINE_BATCH_PROCESSOR_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "engine/project_internal.h"
#include "engine/source.h"
#include "document/canonical_digest.h"
#include "ferry/json.h"
#include "ferry/run.h"
#include "ferry/shaping.h"
#include "ferry/transform.h"

namespace ferry::internal {

class JsonBuilder;

enum class OutputFormat : uint8_t { kJsonLines, kJsonArray };

struct ProcessOptions {
  bool validate_before = true;
  bool validate_after = true;
  bool transform = true;         // false: detect + validate only (analyze)
  bool write_output = true;      // serialise accepted records
  bool write_rejects = true;     // serialise reject records
  bool write_complements = false;  // serialise non-empty complements
  bool collect_changes = false;  // field add/remove/convert statistics
  // Validate every record against this version instead of detecting (-1:
  // detect).
  int force_version = -1;
  // Write every record as it is, validated against its own version's schema
  // (counted as already at target): export without --version, import --as-is.
  bool as_is = false;
  OutputFormat output_format = OutputFormat::kJsonLines;
  // Index every written record (key, span, migrated or not) for database
  // sinks.
  bool index_output = false;
  // With index_output: keep each written record's row token (the source
  // row's version as read: RecordBatchInput's token, else its text), which
  // an in-place write is conditional on.
  bool row_tokens = false;
  // Records already at the target version are counted but not written
  // (migrating a table in place: they are already there).
  bool skip_unchanged = false;
  uint32_t examples_per_code = 3;
  uint32_t max_errors_per_record = 5;
  // The rollback journal (safety/backup.h): one entry per written record
  // with its key, the SHA-256 of what is written ("a") and the complements
  // of the migrations applied ("c"; "s": migrations skipped on failure).
  bool write_journal = false;
  // The source record is what the target held before (in place): the entry
  // also gets the version ("v") and canonical SHA-256 ("o") before, and with
  // journal_before_images the source text itself ("b").
  bool journal_source_is_before = false;
  bool journal_before_images = false;
  // The source is loosely typed (RecordReader::loosely_typed): after
  // detection, convert each record's leaves to the types its version's
  // schema gives (engine/schema_types.h) before validation.
  bool schema_types = false;
  // Record shaping, applied after parsing: its steps before detection, its
  // filters on the target-version record (or before detection with
  // FilterOn::kSource); null: none.
  std::shared_ptr<const Shaper> shaping;
};

struct OutputRecord {
  uint32_t offset = 0;  // into BatchResult::output (JSON text without the newline)
  uint32_t length = 0;
  uint32_t key_offset = 0;  // into BatchResult::keys
  uint32_t key_length = 0;
  uint32_t token_offset = 0;  // into BatchResult::tokens (ProcessOptions::row_tokens)
  uint32_t token_length = 0;
  int32_t version = -1;       // the version the record was read in (index)
  bool migrated = false;
};

struct BatchResult {
  std::string output;   // accepted records, each followed by "\n" (JSON Lines)
                        // or preceded by ",\n" (JSON array)
  std::string rejects;  // reject records, JSON Lines
  std::string complements;  // complements of accepted records, JSON Lines
  // With ProcessOptions::write_journal: one entry per written record (in
  // the order of output_records), JSON Lines.
  std::string journal;
  // With ProcessOptions::index_output: one entry per written record, and
  // their keys (the source row's key, else the document's key field).
  std::vector<OutputRecord> output_records;
  std::string keys;
  std::string tokens;
  // With index_output: the source row keys of rejected records (tables only).
  std::vector<std::string> rejected_keys;
  // In place (ProcessOptions::skip_unchanged): the rows already at the target
  // that are not rewritten, as (row key, row token): the sink sets their
  // version column to the target.
  std::vector<std::pair<std::string, std::string>> unchanged_rows;
  // The source position after the batch (RecordBatchInput::end_position).
  std::string end_position;
  uint64_t records = 0;
  uint64_t migrated = 0;
  uint64_t already_at_target = 0;
  uint64_t rejected = 0;
  uint64_t filtered = 0;  // failed a shaping filter
  uint64_t with_complement = 0;
  uint64_t source_bytes = 0;
  std::vector<uint64_t> version_count;     // per version index
  std::vector<uint64_t> version_migrated;
  std::vector<uint64_t> version_rejected;
  std::map<std::string, uint64_t> rejects_by_code;
  std::map<std::string, std::vector<RejectExample>> examples;
  std::map<std::string, uint64_t> fields_added;
  std::map<std::string, uint64_t> fields_removed;
  std::map<std::string, uint64_t> fields_converted;
  // Records that went on without a failed `on_failure: skip` migration.
  std::map<std::string, uint64_t> skipped_migrations;
  // The first rejected record (for the stop policy).
  bool has_first_reject = false;
  RejectExample first_reject;
  ErrorCode first_reject_code = ErrorCode::kOk;
  void Clear(size_t versions);
};

class BatchProcessor {
 public:
  BatchProcessor(const Project::Rep& project, const ProcessOptions& options);
  void Process(const RecordBatchInput& input, BatchResult* result);

 private:
  struct Problem {
    ErrorCode code = ErrorCode::kOk;
    std::vector<SchemaError> errors;  // pointer / keyword / message
  };
  // `malformed`: what the reader found wrong with the record (empty: none);
  // such a record is rejected with PARSE_ERROR and its raw text.
  void ProcessRecord(std::string_view text, const RecordSpan& span, std::string_view source_key,
                     std::string_view malformed, BatchResult* result);
  // One record on its way through ProcessRecord's stages.
  struct InFlight {
    std::string_view text;  // the record's bytes; empty once they are not the document's
    const RecordSpan* span = nullptr;
    std::string_view source_key;
    Value doc;
    int version = -1;
    bool shaped = false;            // shaping has steps
    bool filter_on_target = false;  // shaping filters the target-version record
    bool projected = false;         // --fields / --exclude
    bool retyped = false;           // the schema's types were applied
    std::string original_sha;       // the journal's before-image hash
    Value shaped_doc;               // the shaped record before migration (with `shaped`)
    const Value* before_migration = nullptr;  // what rejects after migration report
    bool lost = false;                         // a migration left a complement
    bool skipped_any = false;                  // an `on_failure: skip` migration failed
    std::vector<const std::string*> skipped_ids;
  };
  // The stages, in order; each returns false once the record has left.
  // Inlined into ProcessRecord: as calls they cost about 240 instructions
  // per record (0.45%; bench/RESULTS.md, issue 15).
  [[gnu::always_inline]] inline bool ParseRecord(std::string_view malformed, InFlight& r, BatchResult* result);
  [[gnu::always_inline]] inline bool UnwrapReject(InFlight& r, BatchResult* result);
  [[gnu::always_inline]] inline bool ShapeRecord(InFlight& r, BatchResult* result);
  [[gnu::always_inline]] inline bool Detect(InFlight& r, BatchResult* result);
  [[gnu::always_inline]] inline bool CheckAsRead(InFlight& r, bool at_target, BatchResult* result);
  [[gnu::always_inline]] inline void WriteAtTarget(InFlight& r, BatchResult* result);
  [[gnu::always_inline]] inline bool GoDownIfExporting(InFlight& r, BatchResult* result);
  [[gnu::always_inline]] inline bool Migrate(InFlight& r, BatchResult* result);
  bool ApplyMigration(const CompiledMigration& mig, InFlight& r, BatchResult* result);
  void KeepComplement(const CompiledMigration& mig, const Value& complement, InFlight& r);
  [[gnu::always_inline]] inline void CountSkipped(const InFlight& r, BatchResult* result);
  [[gnu::always_inline]] inline bool CheckMigrated(InFlight& r, BatchResult* result);
  [[gnu::always_inline]] inline void WriteMigrated(InFlight& r, BatchResult* result);
  // Rejects a record that is not a document (PARSE_ERROR).
  void RejectUnparsed(std::string_view text, const RecordSpan& span, std::string_view pointer,
                      std::string_view format, std::string message, BatchResult* result);
  // A table target needs a key: the source row's, else the document's.
  bool MissingKey(const Value& doc, std::string_view source_key) const;
  // Why `doc` has no usable key (none, or a number not written as an integer).
  Problem KeyProblem(const Value& doc) const;
  // A migrated record must detect as the target, or every rerun migrates it again.
  bool DetectsAsTarget(const Value& doc) const;
  Problem NotTargetProblem(const Value& doc) const;
  // `export --version` to an older version (Rep::down_paths): takes `doc`
  // (at `version`) down through the backward steps of its down path, last
  // migration first, without complements. Only a faithful result is kept:
  // one that the forward path migrates back to exactly `doc`; else false,
  // with the problem (MIGRATION_ERROR, as when no path leads down at all).
  bool GoDown(Value& doc, int version, Problem* problem);
  // Appends `doc` (or `raw`, when given) to the output, indexed.
  void WriteOutput(const Value& doc, std::string_view raw, std::string_view source_key, int version, bool migrated,
                   BatchResult* result);
  void Reject(std::string_view text, const RecordSpan& span, const Value* doc, int version, const Problem& problem,
              BatchResult* result);
  // Into *out: the record as it was read (`doc`, else `text` parsed again);
  // false when there is none.
  bool OriginalDocument(std::string_view text, const Value* doc, const Problem& problem, Value* out);
  void AppendRejectRecord(std::string_view text, const RecordSpan& span, const Value* original, int version,
                          const Problem& problem, const std::string& code, std::string* out);
  void AppendRejectError(const SchemaError& e, const std::string& code, const Value* original, JsonBuilder& j);
  // Appends this record's journal entry (ProcessOptions::write_journal).
  void AppendJournal(const Value& doc, int version, const std::string& original_sha, std::string_view source_key,
                     std::string_view text, BatchResult* result);
  void CollectChanges(std::string_view original, const Value& migrated, BatchResult* result);
  // The shaping filters on the target-version record `doc` (FilterOn::kTarget):
  // true when the record leaves here, counted as filtered (no longer in its
  // version's count) or rejected (a filter it cannot be checked against)
  // against `reject_doc`.
  bool LeftOutOnTarget(const Value& doc, std::string_view text, const RecordSpan& span, const Value* reject_doc,
                       int version, BatchResult* result);

  const Project::Rep& project_;
  ProcessOptions options_;
  JsonParser parser_;
  Arena arena_;
  StepContext ctx_;
  std::vector<SchemaError> errors_;
  std::string record_complements_;
  std::string journal_complements_;  // this record's "c" object
  std::string journal_skipped_;      // this record's "s" array
  std::string canonical_;            // scratch
  std::string_view source_key_;  // the current record's source row key
  std::string_view token_;       // ... and its row token (ProcessOptions::row_tokens)
};

}  // namespace ferry::internal

#endif  // FERRY_ENGINE_BATCH_PROCESSOR_H_
