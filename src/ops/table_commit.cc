// Copyright (c) the Ferry authors.
#include "ops/table_commit.h"

#include "common/digest.h"
#include "engine/file_sink.h"
#include "engine/journal_entry.h"
#include "safety/backup.h"

namespace ferry::internal {

namespace {

// The record's version name ("" for none).
std::string VersionName(const Project::Rep& rep, int32_t version) {
  return version >= 0 && size_t(version) < rep.versions.size() ? rep.versions[size_t(version)].info.name : "";
}

}  // namespace

TableCommit::TableCommit(const Project::Rep& rep, const ProcessOptions& process, BackupWriter* journal,
                         bool before_images)
    : rep_(rep), process_(process), journal_(journal), before_images_(before_images) {}

TableCommit::~TableCommit() = default;

void TableCommit::Add(const BatchResult& staged) {
  size_t pos = 0;
  for (const OutputRecord& r : staged.output_records) {
    Entry e;
    e.version = VersionName(rep_, r.version);
    e.migrated = r.migrated;
    if (pos < staged.journal.size()) {
      size_t end = staged.journal.find('\n', pos);
      if (end == std::string::npos) end = staged.journal.size();
      e.line.assign(staged.journal, pos, end - pos);
      pos = end + 1;
    }
    entries_.push_back(std::move(e));
  }
}

void TableCommit::Begin() {
  replaced_.clear();
  delta_ = Delta();
  rejects_.clear();
}

Result<std::vector<std::optional<std::string>>> TableCommit::Reprocess(const std::vector<ChangedRow>& rows) {
  std::vector<std::optional<std::string>> out;
  out.reserve(rows.size());
  for (const ChangedRow& row : rows) {
    if (row.index >= entries_.size()) return Status::Internal("a changed row outside the commit's staged records");
    const Entry& original = entries_[row.index];
    --(original.migrated ? delta_.migrated : delta_.already_at_target);
    FERRY_ASSIGN_OR_RETURN(std::optional<std::string> doc, ReprocessOne(row));
    out.push_back(std::move(doc));
  }
  return out;
}

// One changed row, processed again from what it holds now, as a batch of
// its own (rare: only rows someone else wrote during the run).
Result<std::optional<std::string>> TableCommit::ReprocessOne(const ChangedRow& row) {
  std::optional<Entry>& replacement = replaced_[row.index];
  if (!row.now) {
    ++delta_.deletes;  // deleted meanwhile: it stays deleted
    return std::optional<std::string>();
  }
  if (processor_ == nullptr) processor_ = std::make_unique<BatchProcessor>(rep_, process_);
  RecordBatchInput input;
  input.Append(row.now->document, 0, 0, row.key, row.now->token);
  input.bytes.append(JsonParser::kPadding, '\0');
  BatchResult result;
  processor_->Process(input, &result);
  delta_.migrated += int64_t(result.migrated);
  delta_.already_at_target += int64_t(result.already_at_target);
  delta_.rejected += int64_t(result.rejected);
  delta_.filtered += int64_t(result.filtered);
  for (const auto& [code, n] : result.rejects_by_code) delta_.rejects_by_code[code] += n;
  rejects_.append(result.rejects);
  if (result.output_records.empty()) return std::optional<std::string>();
  const OutputRecord& r = result.output_records[0];
  Entry e;
  e.version = VersionName(rep_, r.version);
  e.migrated = r.migrated;
  e.line = result.journal.substr(0, result.journal.find('\n'));
  replacement = std::move(e);
  return std::optional<std::string>(result.output.substr(r.offset, r.length));
}

std::string TableCommit::WithBefore(const Entry& e, const std::optional<TargetRow>& before, std::string* version) {
  if (!before) {
    version->clear();
    return internal::WithBefore(std::nullopt, e.line);
  }
  *version = before->version;
  const std::string sha = digest_.Of(before->document);
  EntryBefore b{before->version, before->version_null, sha, std::nullopt};  // NULL given back as NULL, not ''
  if (before_images_) b.text = before->document;
  return internal::WithBefore(b, e.line);
}

Status TableCommit::WriteAhead(const std::vector<std::optional<TargetRow>>& before, Checkpoint* cp) {
  if (journal_ == nullptr) return Status::OK();
  const bool live = !before.empty();
  if (live && before.size() != entries_.size()) {
    return Status::Internal("the run's journal does not match the records the commit wrote");
  }
  std::string chunk;
  uint64_t records = 0;
  std::map<std::string, uint64_t> versions;
  for (size_t i = 0; i < entries_.size(); ++i) {
    const Entry* e = &entries_[i];
    if (auto it = replaced_.find(i); it != replaced_.end()) {
      if (!it->second) continue;  // left as someone else wrote it
      e = &*it->second;
    }
    if (e->line.empty()) continue;
    std::string version = e->version;
    if (live) chunk.append(WithBefore(*e, before[i], &version));
    else chunk.append(e->line);
    chunk.push_back('\n');
    ++versions[version];
    ++records;
  }
  if (records == 0) return Status::OK();
  return journal_->AddChunk(cp->seq, chunk, records, versions);
}

Status TableCommit::Committed(RunReport* report, AtomicFile* rejects) {
  report->migrated += uint64_t(delta_.migrated);
  report->already_at_target += uint64_t(delta_.already_at_target);
  report->rejected += uint64_t(delta_.rejected);
  report->filtered += uint64_t(delta_.filtered);
  report->concurrent_deletes += uint64_t(delta_.deletes);
  for (const auto& [code, n] : delta_.rejects_by_code) report->rejects_by_code[code] += n;
  entries_.clear();
  Status s;
  // The rejects of rows processed again follow their commit (a kill in
  // between loses only these lines: the rows themselves stay as written).
  if (rejects != nullptr && rejects->is_open() && !rejects_.empty()) s = rejects->Append(rejects_);
  Begin();
  return s;
}

}  // namespace ferry::internal
