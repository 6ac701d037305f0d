// Copyright (c) the Ferry authors.
//
// Sync status: source (migrated in memory) against target, key by key. A
// table verified in place is also checked against the journals of the runs
// that wrote it: what each run wrote is independent of what the table holds
// now, which re-migrating the table cannot be.

#include <array>
#include <filesystem>
#include <optional>
#include <unordered_map>

#include "common/json_builder.h"
#include "common/text.h"
#include "document/canonical_digest.h"
#include "engine/driver.h"
#include "engine/journal_entry.h"
#include "engine/project_internal.h"
#include "engine/schema_types.h"
#include "ferry/json.h"
#include "ferry/run.h"
#include "ops/backup_entries.h"
#include "safety/backup.h"
#include "store/state.h"
#include "store/store.h"

namespace ferry {

using internal::EntryBefore;
using internal::JournalEntry;
using internal::JournalEntryWriter;

namespace {

using Digest = std::array<char, 16>;

// The first 16 bytes of the SHA-256 of the document's canonical JSON
// (`scratch`: CanonicalSha's buffer).
Digest DigestOf(const Value& doc, std::string* scratch) {
  const std::string sha = internal::CanonicalSha(doc, scratch);
  Digest d;
  for (size_t i = 0; i < d.size(); ++i) {
    d[i] = char(internal::HexValue(sha[2 * i]) * 16 + internal::HexValue(sha[2 * i + 1]));
  }
  return d;
}

// A record of a loosely typed target (CSV with types=schema) as the run
// reads it: its detected version's schema types applied, so that "7" in a
// column the schema calls an integer compares equal to 7.
void ApplyDetectedVersionTypes(const Project::Rep& rep, Value& doc) {
  const int version = internal::DetectVersion(rep, doc);
  if (version >= 0 && rep.versions[size_t(version)].types != nullptr) {
    internal::ApplySchemaTypes(*rep.versions[size_t(version)].types, doc);
  }
}

void Note(std::vector<std::string>* keys, const std::string& key, uint32_t max) {
  if (keys->size() < max) keys->push_back(key);
}

// What the runs into a table left in it, from their rollback journals.
struct JournalOracle {
  // key -> SHA-256 (hex) of the canonical JSON the newest run that wrote it wrote.
  std::unordered_map<std::string, std::string> written;
  // The newest run was in place: the rows it read, which it leaves the table holding.
  std::optional<uint64_t> rows;
  std::vector<std::string> runs;        // the runs whose journals were read, oldest first
  std::vector<std::string> unreadable;  // runs whose journal is encrypted (no key given)
};

// A run whose writes still stand: completed, not rolled back, not a rollback.
bool WritesStand(const internal::RunRow& r) {
  return r.status == "completed" && r.options.find("\"rollback_of\"") == std::string::npos;
}

// The report's "input" when the run was in place.
std::optional<uint64_t> InPlaceInput(const std::string& report_json) {
  JsonParser parser;
  Arena arena;
  auto v = parser.Parse(report_json, arena);
  if (!v.ok() || !v.value().IsObject()) return std::nullopt;
  const Value* in_place = v.value().Find("in_place");
  const Value* input = v.value().Find("input");
  int64_t n = 0;
  if (in_place == nullptr || !in_place->IsBool() || !in_place->AsBool()) return std::nullopt;
  if (input == nullptr || !input->IsNumber() || !input->GetInt64(&n) || n < 0) return std::nullopt;
  return uint64_t(n);
}

// Adds run `run_id`'s journal entries to `oracle` (a later run's entry for a
// key replaces an earlier one's).
Status ReadRunJournal(internal::StateStore* state, const internal::BackupManifest& journal,
                      const internal::KeyOptions& key, JournalOracle* oracle) {
  if (journal.encrypted && !key.given()) {
    oracle->unreadable.push_back(journal.run_id);
    return Status::OK();
  }
  FERRY_ASSIGN_OR_RETURN(auto reader, internal::BackupReader::Open(state, internal::BackupRoot(*state, ""), journal.id, key));
  FERRY_RETURN_IF_ERROR(internal::ForEachBackupEntry(
      *reader, "the journal of run " + journal.run_id + " holds an entry that is not valid",
      [&](const Value& entry) -> Status {
        const JournalEntry e(entry);
        std::string a = e.written_sha();
        if (!a.empty()) oracle->written[e.key()] = std::move(a);
        return Status::OK();
      }));
  oracle->runs.push_back(journal.run_id);
  return Status::OK();
}

// Whether an SQLite state file is there to read (verify creates none).
bool SqliteStateMissing(const std::string& state_option, const internal::StoreUri& table) {
  if (state_option.rfind("postgres://", 0) == 0 || state_option.rfind("postgresql://", 0) == 0) return false;
  if (state_option.empty() && table.kind == internal::StoreKind::kPostgres) return false;
  std::string path = state_option.empty() ? ".ferry/state.db" : state_option;
  if (path.rfind("sqlite:", 0) == 0) path = path.substr(7);
  std::error_code ec;
  return !std::filesystem::exists(path, ec);
}

// The journals of every run into `table` whose writes still stand, oldest first.
Result<JournalOracle> ReadJournals(const RunOptions& options, const internal::StoreUri& table) {
  if (SqliteStateMissing(options.state, table)) return JournalOracle();
  FERRY_ASSIGN_OR_RETURN(auto state, internal::OpenStateFor(options.state, &table));
  FERRY_ASSIGN_OR_RETURN(auto runs, state->ListRuns(100000));  // newest first
  const internal::KeyOptions key{
      options.backup.passphrase.empty() ? options.files.passphrase : options.backup.passphrase,
      options.backup.key_file.empty() ? options.files.key_file : options.backup.key_file};
  JournalOracle oracle;
  bool newest = true;
  for (auto r = runs.rbegin(); r != runs.rend(); ++r) {
    if (r->resource != table.identity || !WritesStand(*r)) continue;
    FERRY_ASSIGN_OR_RETURN(auto journal, internal::FindRunBackup(state.get(), r->run_id));
    if (journal) FERRY_RETURN_IF_ERROR(ReadRunJournal(state.get(), *journal, key, &oracle));
  }
  for (const internal::RunRow& r : runs) {
    if (r.resource != table.identity || !WritesStand(r)) continue;
    if (newest) oracle.rows = InPlaceInput(r.report);
    newest = false;
  }
  return oracle;
}

// "the source" or which journals a table verified in place was checked against.
std::string DescribeOracle(const JournalOracle& o) {
  std::string s = "itself migrated again";
  if (o.runs.empty()) s += "; no run journal of this table in the state, so lost or changed rows cannot be told";
  else s += "; the journals of " + std::to_string(o.runs.size()) + " run(s), newest " + o.runs.back();
  if (o.rows) s += "; the " + std::to_string(*o.rows) + " rows the newest run (in place) left";
  if (!o.unreadable.empty()) {
    s += "; not read (encrypted, pass --backup-passphrase-file or --backup-key-file): the journal of run " +
         o.unreadable.back();
  }
  return s;
}

// In place after an in-place run: the table holds as many rows as that run
// read; rows gone or added beyond the keys the journals name are counted
// (their keys are not known).
void CountRowsAgainstRun(const JournalOracle& journals, VerifyReport* report) {
  if (!journals.rows) return;
  const uint64_t listed = report->missing;
  const uint64_t held = report->target_records - report->duplicates + listed;  // with the missing listed
  if (held < *journals.rows) report->missing += *journals.rows - held;
  if (held > *journals.rows) report->extra = std::max(report->extra, held - *journals.rows);
}

// The stores verify compares: the source and the target it was migrated
// into (the source itself when verified in place).
struct VerifyStores {
  internal::StoreUri in;
  internal::StoreUri out;
};

Result<VerifyStores> ParseVerifyStores(const Project::Rep& rep, const RunOptions& options) {
  FERRY_ASSIGN_OR_RETURN(internal::StoreUri in, internal::ParseRunStore(options, options.source, rep.collection, false));
  internal::StoreUri out = in;
  if (!options.target.empty()) {
    FERRY_ASSIGN_OR_RETURN(out, internal::ParseRunStore(options, options.target, rep.collection, false));
  } else if (!in.is_database()) {
    return Status::InvalidArgument("verify needs --target (the store the source was migrated into)");
  }
  return VerifyStores{std::move(in), std::move(out)};
}

// One verify, in phases: the journals (in place), what the target should
// hold (the source migrated in memory), then what it holds, key by key.
class Verifier {
 public:
  Verifier(const Project::Rep& rep, const RunOptions& options, uint32_t max_keys, bool in_place)
      : rep_(rep), options_(options), max_keys_(max_keys), in_place_(in_place) {
    report_.checked_against = "the source migrated in memory";
  }
  Status ReadJournalsOf(const internal::StoreUri& table);
  Status ExpectSource(const internal::StoreUri& in);
  Status CompareTarget(const internal::StoreUri& out);
  VerifyReport Finish(internal::Clock::time_point start);

 private:
  void ExpectBatch(const internal::BatchResult& b);
  void CompareRecord(std::string_view text, std::string key, bool schema_typed);
  void CountMissing();

  const Project::Rep& rep_;
  const RunOptions& options_;
  const uint32_t max_keys_;
  const bool in_place_;
  VerifyReport report_;
  JournalOracle journals_;
  std::unordered_map<std::string, Digest> expected_;
  std::unordered_map<std::string, bool> rejected_keys_;  // in place: rows left as they were
  std::unordered_map<std::string, bool> seen_;           // the target's keys
  JsonParser parser_;
  Arena arena_;
  std::string canonical_;  // CanonicalSha's buffer
};

// In place: the journals of the runs that wrote the table.
Status Verifier::ReadJournalsOf(const internal::StoreUri& table) {
  if (!in_place_) return Status::OK();
  FERRY_ASSIGN_OR_RETURN(journals_, ReadJournals(options_, table));
  report_.checked_against = DescribeOracle(journals_);
  return Status::OK();
}

// 1. What the target should hold: the source, migrated in memory.
Status Verifier::ExpectSource(const internal::StoreUri& in) {
  FERRY_ASSIGN_OR_RETURN(auto reader, internal::OpenStoreReader(in));
  internal::Driver driver{rep_, options_, {}, internal::ResolveThreads(options_.pipeline.threads)};
  FERRY_RETURN_IF_ERROR(internal::SetShaping(options_, &driver.process));
  driver.process.write_output = true;
  driver.process.index_output = true;
  driver.process.validate_before = options_.validation.before;
  driver.process.validate_after = options_.validation.after;
  internal::Progress progress;
  progress.sink = options_.control.events;
  progress.run_id = "verify";
  progress.total_bytes = reader->total_bytes();
  bool cancelled = false;
  RunReport acc;
  Status s = driver.Drive(*reader, progress, &cancelled, [&](const internal::BatchResult& b) -> Status {
    internal::Merge(b, rep_, &acc, 0);
    ExpectBatch(b);
    progress.Tick(acc.input, acc.bytes_in);
    return Status::OK();
  });
  FERRY_RETURN_IF_ERROR(s);
  if (cancelled) return Status::Cancelled("interrupted");
  report_.source_records = acc.input;
  report_.rejected = acc.rejected;
  report_.filtered = acc.filtered;
  report_.expected = expected_.size();
  return Status::OK();
}

void Verifier::ExpectBatch(const internal::BatchResult& b) {
  const bool last_wins =
      options_.conflicts.policy == ConflictPolicy::kOverwrite || options_.conflicts.policy == ConflictPolicy::kMerge;
  for (const internal::OutputRecord& r : b.output_records) {
    arena_.Reset();
    std::string key = b.keys.substr(r.key_offset, r.key_length);
    auto v = parser_.Parse(std::string_view(b.output).substr(r.offset, r.length), arena_);
    if (!v.ok()) continue;
    const Digest d = DigestOf(v.value(), &canonical_);
    // A key twice in the source: a table keeps the first (--on-conflict
    // skip, the default) or the last (overwrite; merge is counted as the
    // last too).
    if (last_wins) expected_[key] = d;
    else expected_.emplace(key, d);
  }
  if (in_place_) {
    for (const std::string& k : b.rejected_keys) rejected_keys_[k] = true;
  }
}

// 2. What the target holds.
Status Verifier::CompareTarget(const internal::StoreUri& out) {
  FERRY_ASSIGN_OR_RETURN(auto reader, internal::OpenStoreReader(out));
  internal::RecordBatchInput batch;
  const bool schema_typed = reader->loosely_typed();
  bool eof = false;
  while (!eof) {
    if (options_.control.cancel != nullptr && options_.control.cancel->load()) return Status::Cancelled("interrupted");
    FERRY_RETURN_IF_ERROR(reader->ReadBatch(1000, &batch, &eof));
    for (size_t i = 0; i < batch.records.size(); ++i) {
      ++report_.target_records;
      // A malformed CSV record in the target (raw text, not JSON): stop, as
      // for any unreadable target.
      if (!batch.Error(i).empty()) return Status::ParseError(std::string(batch.Error(i)));
      CompareRecord(batch.Record(i), std::string(batch.Key(i)), schema_typed);
    }
  }
  CountMissing();
  return Status::OK();
}

// One target record (`key`: its key column, "" for files) against the
// journals and the expected records.
void Verifier::CompareRecord(std::string_view text, std::string key, bool schema_typed) {
  arena_.Reset();
  // Parsed once: for the key (files have no key column) and the digest.
  auto parsed = parser_.Parse(text, arena_);
  std::optional<Digest> digest;
  if (parsed.ok()) {
    Value doc = parsed.value();
    if (schema_typed) ApplyDetectedVersionTypes(rep_, doc);
    if (key.empty()) key = std::string(internal::KeyOf(&doc, rep_.key));
    digest = DigestOf(doc, &canonical_);
  }
  if (!seen_.emplace(key, true).second) {
    ++report_.duplicates;
    Note(&report_.duplicate_keys, key, max_keys_);
    return;
  }
  // In place: the row a run wrote must still be what it wrote.
  if (auto w = journals_.written.find(key); w != journals_.written.end()) {
    if (!parsed.ok() || internal::CanonicalSha(parsed.value(), &canonical_) != w->second) {
      ++report_.different;
      Note(&report_.different_keys, key, max_keys_);
      return;
    }
  }
  auto it = expected_.find(key);
  if (it == expected_.end()) {
    if (in_place_ && rejected_keys_.count(key)) return;  // left as it was
    ++report_.extra;
    Note(&report_.extra_keys, key, max_keys_);
    return;
  }
  if (digest && *digest == it->second) {
    ++report_.in_sync;
  } else {
    ++report_.different;
    Note(&report_.different_keys, key, max_keys_);
  }
}

// The expected keys the target lacks.
void Verifier::CountMissing() {
  for (const auto& [key, digest] : expected_) {
    if (!seen_.count(key)) {
      ++report_.missing;
      Note(&report_.missing_keys, key, max_keys_);
    }
  }
  // In place: a row a run wrote is gone (the re-migration cannot miss it:
  // it read the table as it is now).
  for (const auto& [key, sha] : journals_.written) {
    if (!seen_.count(key) && !expected_.count(key)) {
      ++report_.missing;
      Note(&report_.missing_keys, key, max_keys_);
    }
  }
  std::sort(report_.missing_keys.begin(), report_.missing_keys.end());
  CountRowsAgainstRun(journals_, &report_);
}

VerifyReport Verifier::Finish(internal::Clock::time_point start) {
  report_.status = report_.missing == 0 && report_.different == 0 && report_.extra == 0 && report_.duplicates == 0
                       ? "in sync"
                       : "out of sync";
  report_.seconds = internal::SecondsSince(start);
  return std::move(report_);
}

}  // namespace

Result<VerifyReport> Verify(const Project& project, const RunOptions& options, uint32_t max_keys) {
  FERRY_RETURN_IF_ERROR(internal::CheckOptions(options));
  const Project::Rep& rep = ProjectInternal::Get(project);
  FERRY_ASSIGN_OR_RETURN(VerifyStores stores, ParseVerifyStores(rep, options));
  const auto start = internal::Clock::now();
  Verifier verifier(rep, options, max_keys, stores.out.identity == stores.in.identity);
  FERRY_RETURN_IF_ERROR(verifier.ReadJournalsOf(stores.in));
  FERRY_RETURN_IF_ERROR(verifier.ExpectSource(stores.in));
  FERRY_RETURN_IF_ERROR(verifier.CompareTarget(stores.out));
  return verifier.Finish(start);
}

std::string VerifyReport::ToJson() const {
  internal::JsonBuilder j;
  j.Begin().Key("status").Str(status).Key("checked_against").Str(checked_against);
  j.Key("source_records").Num(source_records).Key("expected").Num(expected).Key("rejected").Num(rejected);
  j.Key("filtered").Num(filtered).Key("target_records").Num(target_records).Key("in_sync").Num(in_sync);
  j.Key("missing").Num(missing).Key("different").Num(different).Key("extra").Num(extra);
  j.Key("duplicates").Num(duplicates).Key("missing_keys").Strings(missing_keys);
  j.Key("different_keys").Strings(different_keys).Key("extra_keys").Strings(extra_keys);
  j.Key("duplicate_keys").Strings(duplicate_keys);
  return j.Key("seconds").Fixed(seconds, 6).End().Take();  // std::to_string(double)'s six decimals
}

}  // namespace ferry
