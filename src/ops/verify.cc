// Copyright (c) the Ferry authors.
//
// Sync status: source (migrated in memory) against target, key by key. A
// table verified in place is also checked against the journals of the runs
// that wrote it: what each run wrote is independent of what the table holds
// now, which re-migrating the table cannot be.

#include <array>
#include <cstring>
#include <filesystem>
#include <optional>
#include <unordered_map>

#include "common/digest.h"
#include "engine/driver.h"
#include "engine/project_internal.h"
#include "engine/schema_types.h"
#include "ferry/json.h"
#include "ferry/run.h"
#include "safety/backup.h"
#include "store/state.h"
#include "store/store.h"

namespace ferry {

namespace {

using Digest = std::array<char, 16>;

// The first 16 bytes of the SHA-256 of the document's canonical JSON.
Digest DigestOf(const Value& doc) {
  std::string canonical;
  WriteCanonicalJson(doc, &canonical);
  const auto full = internal::Sha256(canonical);
  Digest d;
  std::memcpy(d.data(), full.data(), d.size());
  return d;
}

std::string CanonicalText(const Value& doc) {
  std::string canonical;
  WriteCanonicalJson(doc, &canonical);
  return canonical;
}

std::optional<Digest> CanonicalDigest(JsonParser& parser, Arena& arena, std::string_view text) {
  auto v = parser.Parse(text, arena);
  if (!v.ok()) return std::nullopt;
  return DigestOf(v.value());
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

std::string Str(const Value* v) { return v != nullptr && v->IsString() ? std::string(v->AsString()) : std::string(); }

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
  JsonParser parser;
  Arena arena;
  for (size_t ci = 0; ci < reader->manifest().chunks.size(); ++ci) {
    FERRY_ASSIGN_OR_RETURN(std::string entries, reader->ReadChunk(ci));
    size_t pos = 0;
    while (pos < entries.size()) {
      size_t end = entries.find('\n', pos);
      if (end == std::string::npos) end = entries.size();
      arena.Reset();
      auto v = parser.Parse(std::string_view(entries).substr(pos, end - pos), arena);
      pos = end + 1;
      if (!v.ok() || !v.value().IsObject()) {
        return Status::IntegrityError("the journal of run " + journal.run_id + " holds an entry that is not valid");
      }
      std::string a = Str(v.value().Find("a"));
      if (!a.empty()) oracle->written[Str(v.value().Find("k"))] = std::move(a);
    }
  }
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
      options.backup_passphrase.empty() ? options.file_passphrase : options.backup_passphrase,
      options.backup_key_file.empty() ? options.file_key_file : options.backup_key_file};
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

}  // namespace

Result<VerifyReport> Verify(const Project& project, const RunOptions& options, uint32_t max_keys) {
  FERRY_RETURN_IF_ERROR(internal::CheckOptions(options));
  const Project::Rep& rep = ProjectInternal::Get(project);
  FERRY_ASSIGN_OR_RETURN(internal::StoreUri in, internal::ParseRunStore(options, options.source, rep.collection, false));
  internal::StoreUri out = in;
  if (!options.target.empty()) {
    FERRY_ASSIGN_OR_RETURN(out, internal::ParseRunStore(options, options.target, rep.collection, false));
  } else if (!in.is_database()) {
    return Status::InvalidArgument("verify needs --target (the store the source was migrated into)");
  }
  const bool in_place = out.identity == in.identity;
  auto start = internal::Clock::now();
  VerifyReport report;
  report.checked_against = "the source migrated in memory";
  JournalOracle journals;
  if (in_place) {
    FERRY_ASSIGN_OR_RETURN(journals, ReadJournals(options, in));
    report.checked_against = DescribeOracle(journals);
  }

  // 1. What the target should hold: the source, migrated in memory.
  std::unordered_map<std::string, Digest> expected;
  std::unordered_map<std::string, bool> rejected_keys;  // in place: rows left as they were
  {
    FERRY_ASSIGN_OR_RETURN(auto reader, internal::OpenStoreReader(in));
    internal::Driver driver{rep, options, {}, internal::ResolveThreads(options.threads)};
    FERRY_RETURN_IF_ERROR(internal::SetShaping(options, &driver.process));
    const bool last_wins =
        options.on_conflict == ConflictPolicy::kOverwrite || options.on_conflict == ConflictPolicy::kMerge;
    driver.process.write_output = true;
    driver.process.index_output = true;
    driver.process.validate_before = options.validate_before;
    driver.process.validate_after = options.validate_after;
    internal::Progress progress;
    progress.sink = options.events;
    progress.run_id = "verify";
    progress.total_bytes = reader->total_bytes();
    JsonParser parser;
    Arena arena;
    bool cancelled = false;
    RunReport acc;
    Status s = driver.Drive(*reader, progress, &cancelled, [&](const internal::BatchResult& b) -> Status {
      internal::Merge(b, rep, &acc, 0);
      for (const internal::OutputRecord& r : b.output_records) {
        arena.Reset();
        std::string key = b.keys.substr(r.key_offset, r.key_length);
        auto d = CanonicalDigest(parser, arena, std::string_view(b.output).substr(r.offset, r.length));
        if (!d) continue;
        // A key twice in the source: a table keeps the first (--on-conflict
        // skip, the default) or the last (overwrite; merge is counted as the
        // last too).
        if (last_wins) expected[key] = *d;
        else expected.emplace(key, *d);
      }
      if (in_place) {
        for (const std::string& k : b.rejected_keys) rejected_keys[k] = true;
      }
      progress.Tick(acc.input, acc.bytes_in);
      return Status::OK();
    });
    FERRY_RETURN_IF_ERROR(s);
    if (cancelled) return Status::Cancelled("interrupted");
    report.source_records = acc.input;
    report.rejected = acc.rejected;
    report.filtered = acc.filtered;
    report.expected = expected.size();
  }

  // 2. What the target holds.
  {
    FERRY_ASSIGN_OR_RETURN(auto reader, internal::OpenStoreReader(out));
    std::unordered_map<std::string, bool> seen;
    JsonParser parser;
    Arena arena;
    internal::RecordBatchInput batch;
    const bool schema_typed = reader->loosely_typed();
    bool eof = false;
    while (!eof) {
      if (options.cancel != nullptr && options.cancel->load()) return Status::Cancelled("interrupted");
      FERRY_RETURN_IF_ERROR(reader->ReadBatch(1000, &batch, &eof));
      for (size_t i = 0; i < batch.records.size(); ++i) {
        ++report.target_records;
        arena.Reset();
        // A malformed CSV record in the target (raw text, not JSON): stop, as
        // for any unreadable target.
        if (!batch.Error(i).empty()) return Status::ParseError(std::string(batch.Error(i)));
        // Parsed once: for the key (files have no key column) and the digest.
        auto parsed = parser.Parse(batch.Record(i), arena);
        std::optional<Digest> digest;
        std::string key(batch.Key(i));
        if (parsed.ok()) {
          Value doc = parsed.value();
          if (schema_typed) ApplyDetectedVersionTypes(rep, doc);
          if (key.empty()) key = std::string(internal::KeyOf(&doc, rep.key));
          digest = DigestOf(doc);
        }
        if (!seen.emplace(key, true).second) {
          ++report.duplicates;
          Note(&report.duplicate_keys, key, max_keys);
          continue;
        }
        // In place: the row a run wrote must still be what it wrote.
        if (auto w = journals.written.find(key); w != journals.written.end()) {
          if (!parsed.ok() || internal::Sha256Hex(CanonicalText(parsed.value())) != w->second) {
            ++report.different;
            Note(&report.different_keys, key, max_keys);
            continue;
          }
        }
        auto it = expected.find(key);
        if (it == expected.end()) {
          if (in_place && rejected_keys.count(key)) continue;  // left as it was
          ++report.extra;
          Note(&report.extra_keys, key, max_keys);
          continue;
        }
        if (digest && *digest == it->second) {
          ++report.in_sync;
        } else {
          ++report.different;
          Note(&report.different_keys, key, max_keys);
        }
      }
    }
    for (const auto& [key, digest] : expected) {
      if (!seen.count(key)) {
        ++report.missing;
        Note(&report.missing_keys, key, max_keys);
      }
    }
    // In place: a row a run wrote is gone (the re-migration cannot miss it:
    // it read the table as it is now).
    for (const auto& [key, sha] : journals.written) {
      if (!seen.count(key) && !expected.count(key)) {
        ++report.missing;
        Note(&report.missing_keys, key, max_keys);
      }
    }
    std::sort(report.missing_keys.begin(), report.missing_keys.end());
    CountRowsAgainstRun(journals, &report);
  }
  report.status = report.missing == 0 && report.different == 0 && report.extra == 0 && report.duplicates == 0
                      ? "in sync"
                      : "out of sync";
  report.seconds = internal::SecondsSince(start);
  return report;
}

std::string VerifyReport::ToJson() const {
  auto keys = [](const std::vector<std::string>& v) {
    std::string out = "[";
    for (size_t i = 0; i < v.size(); ++i) {
      if (i) out.push_back(',');
      WriteJsonString(v[i], &out);
    }
    return out + "]";
  };
  std::string j = "{\"status\":";
  WriteJsonString(status, &j);
  j += ",\"checked_against\":";
  WriteJsonString(checked_against, &j);
  j += ",\"source_records\":" + std::to_string(source_records) + ",\"expected\":" + std::to_string(expected) +
       ",\"rejected\":" + std::to_string(rejected) + ",\"filtered\":" + std::to_string(filtered) +
       ",\"target_records\":" + std::to_string(target_records) +
       ",\"in_sync\":" + std::to_string(in_sync) + ",\"missing\":" + std::to_string(missing) +
       ",\"different\":" + std::to_string(different) + ",\"extra\":" + std::to_string(extra) +
       ",\"duplicates\":" + std::to_string(duplicates) + ",\"missing_keys\":" + keys(missing_keys) +
       ",\"different_keys\":" + keys(different_keys) + ",\"extra_keys\":" + keys(extra_keys) +
       ",\"duplicate_keys\":" + keys(duplicate_keys) + ",\"seconds\":" + std::to_string(seconds) + "}";
  return j;
}

}  // namespace ferry
