// Copyright (c) the Ferry authors.
//
// The coordinator's side of a table commit (store/store.h, CommitHooks):
// the run's journal entries for what is staged, made durable inside the
// commit's transaction (write-ahead), and the rows someone else changed
// between the run's read and its write, processed again from what they hold
// now. Internal to src/engine/.
//
//   TableCommit commit(rep, process_options, journal, backup_on);
//   commit.Add(batch);                  // for every batch staged in the sink
//   sink->Commit(&cp, &commit);         // calls Begin, Reprocess, WriteAhead
//   commit.Committed(&report, &rejects) // the attempt that committed: its
//                                       // counters and rejects
//
// Counting: a changed row that is migrated again stays `migrated`; one that
// is now at the target is `already_at_target`; one that fails is `rejected`
// (its reject line written after the commit); one that was deleted is
// `concurrent_deletes` (left deleted). input = migrated + already_at_target
// + rejected + filtered + concurrent_deletes.

#ifndef FERRY_ENGINE_TABLE_COMMIT_H_
#define FERRY_ENGINE_TABLE_COMMIT_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/batch_processor.h"
#include "engine/project_internal.h"
#include "ferry/run.h"
#include "store/store.h"

namespace ferry::internal {

class AtomicFile;
class BackupWriter;

class TableCommit : public CommitHooks {
 public:
  // `journal` null: no journal (file targets). `before_images`: live-table
  // entries keep the row's text before ("b").
  TableCommit(const Project::Rep& rep, const ProcessOptions& process, BackupWriter* journal, bool before_images);
  ~TableCommit() override;

  // The journal entries of a batch the sink staged (one per output record).
  void Add(const BatchResult& staged);

  void Begin() override;
  Result<std::vector<std::optional<std::string>>> Reprocess(const std::vector<ChangedRow>& rows) override;
  Status WriteAhead(const std::vector<std::optional<TargetRow>>& before, Checkpoint* cp) override;

  // After the sink committed: applies the committed attempt's counters to
  // `report` and appends its rejects to `rejects` (when open); clears the
  // staged entries.
  Status Committed(RunReport* report, AtomicFile* rejects);

 private:
  struct Entry {
    std::string line;     // the journal entry (JSON, no newline)
    std::string version;  // the version before ("" : the row did not exist)
    bool migrated = false;
  };
  // The outcome of processing one changed row again.
  Result<std::optional<std::string>> ReprocessOne(const ChangedRow& row);
  // A live table's entry: what the row held before, then the worker's entry.
  std::string WithBefore(const Entry& e, const std::optional<TargetRow>& before, std::string* version);

  const Project::Rep& rep_;
  ProcessOptions process_;
  BackupWriter* journal_;
  bool before_images_;
  std::unique_ptr<BatchProcessor> processor_;  // for changed rows, made when first needed
  CanonicalDigest digest_;                     // of live tables' before-images
  std::vector<Entry> entries_;                 // staging order
  // This attempt.
  // What this attempt decided for each changed row: its new entry, or none
  // (left as someone else wrote it).
  std::map<size_t, std::optional<Entry>> replaced_;
  struct Delta {
    int64_t migrated = 0, already_at_target = 0, rejected = 0, filtered = 0, deletes = 0;
    std::map<std::string, uint64_t> rejects_by_code;
  } delta_;
  std::string rejects_;
};

}  // namespace ferry::internal

#endif  // FERRY_ENGINE_TABLE_COMMIT_H_
