// Copyright (c) the Ferry authors.
//
// Sync status: source (migrated in memory) against target, key by key.

#include <array>
#include <cstring>
#include <optional>
#include <unordered_map>

#include "common/digest.h"
#include "engine/driver.h"
#include "engine/project_internal.h"
#include "engine/schema_types.h"
#include "ferry/json.h"
#include "ferry/run.h"
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
    std::sort(report.missing_keys.begin(), report.missing_keys.end());
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
