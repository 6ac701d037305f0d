// Copyright (c) the Ferry authors.
//
// The coordinator of a run. One thread (the caller's) reads batches, hands
// them to worker threads, and writes finished batches strictly in input order
// (a reorder window of about 8,192 records, at most 256 batches, so memory stays flat).
// Workers only compute; all I/O happens on the coordinating thread.

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "common/digest.h"
#include "common/json_builder.h"
#include "document/value_read.h"
#include "engine/batch_processor.h"
#include "engine/driver.h"
#include "engine/file_sink.h"
#include "engine/project_internal.h"
#include "ops/run_files.h"
#include "ops/run_lifecycle.h"
#include "engine/source.h"
#include "ops/table_commit.h"
#include "safety/backup.h"
#include "store/file_store.h"
#include "store/json_merge.h"
#include "store/sql.h"
#include "store/state.h"
#include "store/target_lease.h"
#include "store/store.h"
#include "ferry/log.h"
#include "ferry/run.h"

namespace ferry {

using internal::BatchResult;
using internal::CheckOptions;
using internal::SameFile;
using internal::Clock;
using internal::Driver;
using internal::Merge;
using internal::NewRunId;
using internal::Progress;
using internal::RecordBatchInput;
using internal::ResolveThreads;
using internal::SecondsSince;
using internal::UintOr;

const char* ErrorPolicyName(ErrorPolicy p) {
  switch (p) {
    case ErrorPolicy::kStop: return "stop";
    case ErrorPolicy::kSkip: return "skip";
    case ErrorPolicy::kCollect: return "collect";
  }
  return "skip";
}

Result<ErrorPolicy> ParseErrorPolicy(std::string_view s) {
  if (s == "stop") return ErrorPolicy::kStop;
  if (s == "skip") return ErrorPolicy::kSkip;
  if (s == "collect") return ErrorPolicy::kCollect;
  return Status::InvalidArgument("unknown error policy '" + std::string(s) + "'; use stop, skip or collect");
}

Status ApplyPreset(std::string_view preset, RunOptions* o) {
  if (preset == "safe") {
    o->backup.enabled = true;
    o->pipeline.batch_size = 10;
    o->validation.before = o->validation.after = true;
    o->validation.on_error = ErrorPolicy::kStop;
  } else if (preset == "recommended") {
    o->backup.enabled = true;
    o->pipeline.batch_size = 50;
    o->validation.before = o->validation.after = true;
    o->validation.on_error = ErrorPolicy::kSkip;
  } else if (preset == "fast") {
    o->pipeline.batch_size = 500;
    o->backup.enabled = false;
    o->validation.before = false;
    o->validation.after = true;
    o->validation.on_error = ErrorPolicy::kSkip;
  } else {
    return Status::InvalidArgument("unknown preset '" + std::string(preset) + "'; use safe, recommended or fast");
  }
  return Status::OK();
}

const std::vector<std::string_view>& PresetNames() {
  static const std::vector<std::string_view> kNames = {"safe", "recommended", "fast"};
  return kNames;
}

Result<uint64_t> ParseByteSize(std::string_view text) {
  std::string_view t = text;
  size_t digits = 0;
  while (digits < t.size() && std::isdigit(static_cast<unsigned char>(t[digits]))) ++digits;
  std::string unit(t.substr(digits));
  for (char& c : unit) c = char(std::toupper(static_cast<unsigned char>(c)));
  if (unit.size() >= 2 && unit.substr(unit.size() - 2) == "IB") unit.resize(unit.size() - 2);
  else if (!unit.empty() && unit.back() == 'B') unit.pop_back();
  uint64_t mult = 0;
  if (unit.empty()) mult = 1;
  else if (unit == "K") mult = uint64_t(1) << 10;
  else if (unit == "M") mult = uint64_t(1) << 20;
  else if (unit == "G") mult = uint64_t(1) << 30;
  if (digits == 0 || digits > 12 || mult == 0) {
    return Status::InvalidArgument("size '" + std::string(text) + "': use a number with KB, MB or GB (e.g. 50MB)");
  }
  const uint64_t n = std::strtoull(std::string(t.substr(0, digits)).c_str(), nullptr, 10) * mult;
  if (n == 0) return Status::InvalidArgument("size '" + std::string(text) + "' must be more than 0");
  return n;
}

namespace internal {

// A store URI with the run's file options (key, compression, split, format
// options) applied and checked.
Result<StoreUri> ParseRunStore(const RunOptions& o, const std::string& uri, const std::string& collection,
                               bool target) {
  FERRY_ASSIGN_OR_RETURN(StoreUri u, ParseStoreUri(uri, collection));
  FERRY_RETURN_IF_ERROR(PrepareStreamStore(&u, target, o.files.split_bytes));
  if (u.kind != StoreKind::kFile) {
    if (target && (o.files.split_bytes > 0 || !o.files.compression.empty() || !o.files.target_format_options.empty())) {
      return Status::InvalidArgument("--split, --compress and format options apply to file targets, not " + u.display);
    }
    return u;
  }
  u.file.key = KeyOptions{o.files.passphrase, o.files.key_file};
  if (target) {
    u.file.compression = o.files.compression;
    u.file.compression_level = o.files.compression_level;
    if (o.files.split_bytes > 0 && o.files.split_bytes < kMinSplitBytes) {
      return Status::InvalidArgument("--split " + std::to_string(o.files.split_bytes) +
                                     " bytes: parts must be at least 4KB (smaller parts would make about one file "
                                     "per record)");
    }
    u.file.split_bytes = o.files.split_bytes;
    u.file.default_options = o.files.target_format_options;
  } else {
    u.file.default_options = o.files.source_format_options;
  }
  FERRY_RETURN_IF_ERROR(CheckFileOptions(u.file, target));
  return u;
}

}  // namespace internal

namespace {

// The report's counters as JSON, saved with every checkpoint so that a
// resumed run reports the whole run.
std::string CountersJson(const RunReport& r) {
  internal::JsonBuilder j;
  j.Begin().Key("input").Num(r.input).Key("migrated").Num(r.migrated).Key("already_at_target").Num(r.already_at_target);
  j.Key("rejected").Num(r.rejected).Key("filtered").Num(r.filtered).Key("with_complement").Num(r.with_complement);
  j.Key("bytes_in").Num(r.bytes_in).Key("batches").Num(r.batches).Key("conflicts").Num(r.conflicts);
  j.Key("concurrent_changes").Num(r.concurrent_changes).Key("concurrent_deletes").Num(r.concurrent_deletes);
  j.Key("rejects_by_code").Begin();
  for (const auto& [code, n] : r.rejects_by_code) j.Key(code).Num(n);
  j.End().Key("versions").Begin();
  for (const auto& [name, v] : r.versions) {
    j.Key(name).BeginArray().Num(v.count).Num(v.migrated).Num(v.rejected).EndArray();
  }
  j.End().Key("skipped_migrations").Begin();
  for (const auto& [id, n] : r.skipped_migrations) j.Key(id).Num(n);
  return j.End().End().Take();
}

void RestoreCounters(const std::string& json, RunReport* r) {
  Arena arena;
  JsonParser parser;
  auto parsed = parser.Parse(json, arena);
  if (!parsed.ok() || !parsed.value().IsObject()) return;
  const Value& v = parsed.value();
  r->input = UintOr(v.Find("input"));
  r->migrated = UintOr(v.Find("migrated"));
  r->already_at_target = UintOr(v.Find("already_at_target"));
  r->rejected = UintOr(v.Find("rejected"));
  r->filtered = UintOr(v.Find("filtered"));
  r->with_complement = UintOr(v.Find("with_complement"));
  r->bytes_in = UintOr(v.Find("bytes_in"));
  r->batches = UintOr(v.Find("batches"));
  r->conflicts = UintOr(v.Find("conflicts"));
  r->concurrent_changes = UintOr(v.Find("concurrent_changes"));
  r->concurrent_deletes = UintOr(v.Find("concurrent_deletes"));
  if (const Value* codes = v.Find("rejects_by_code"); codes != nullptr && codes->IsObject()) {
    for (const Member* m = codes->members(); m != codes->members_end(); ++m) {
      r->rejects_by_code[std::string(m->key.AsString())] = UintOr(&m->value);
    }
  }
  if (const Value* skipped = v.Find("skipped_migrations"); skipped != nullptr && skipped->IsObject()) {
    for (const Member* m = skipped->members(); m != skipped->members_end(); ++m) {
      r->skipped_migrations[std::string(m->key.AsString())] = UintOr(&m->value);
    }
  }
  if (const Value* versions = v.Find("versions"); versions != nullptr && versions->IsObject()) {
    for (const Member* m = versions->members(); m != versions->members_end(); ++m) {
      if (!m->value.IsArray() || m->value.size() != 3) continue;
      VersionStats& s = r->versions[std::string(m->key.AsString())];
      s.count = UintOr(&m->value[0]);
      s.migrated = UintOr(&m->value[1]);
      s.rejected = UintOr(&m->value[2]);
    }
  }
}

// Files: size and modification time, so that a resume never continues a
// file that changed under it. Tables: "" (keys are positions).
std::string SourceFingerprint(const internal::StoreUri& uri) {
  if (uri.kind != internal::StoreKind::kFile) return "";
  return internal::FileFingerprint(uri.file.path);
}

// Renews the run's lease every third of its time to live on its own
// connection; `lost` turns true when the lease was taken over.
internal::SinkOptions::OnConflict ToSinkPolicy(ConflictPolicy p) {
  switch (p) {
    case ConflictPolicy::kSkip: return internal::SinkOptions::OnConflict::kSkip;
    case ConflictPolicy::kOverwrite: return internal::SinkOptions::OnConflict::kOverwrite;
    case ConflictPolicy::kMerge: return internal::SinkOptions::OnConflict::kMerge;
    case ConflictPolicy::kFail: return internal::SinkOptions::OnConflict::kFail;
    case ConflictPolicy::kAsk: return internal::SinkOptions::OnConflict::kOverwrite;  // decided before staging
  }
  return internal::SinkOptions::OnConflict::kSkip;
}

void FillPaths(const Project& project, const Project::Rep& rep, RunReport* report) {
  for (auto& [name, stats] : report->versions) {
    int v = project.VersionIndex(name);
    if (v < 0) continue;
    stats.path.clear();
    stats.lossy = false;
    for (size_t m : rep.paths[size_t(v)]) {
      stats.path.push_back(rep.migrations[m].info.id);
      stats.lossy = stats.lossy || rep.migrations[m].info.lossy;
    }
    // `export --version` to an older version: back through the migrations
    // up to it, last first (or no path at all).
    if (rep.down_paths.empty() || v == rep.target_index) continue;
    const std::vector<size_t>& down = rep.down_paths[size_t(v)];
    for (size_t i = down.size(); i-- > 0;) stats.path.push_back("back through " + rep.migrations[down[i]].info.id);
    if (rep.no_path_down[size_t(v)]) stats.path.push_back("(no path: rejected)");
  }
}

// The run's database statements watch its stop flags (store.h).
std::shared_ptr<internal::StatementHooks> StatementHooksFor(const RunOptions& options) {
  auto hooks = std::make_shared<internal::StatementHooks>();
  hooks->cancel = options.control.cancel;
  hooks->stop_now = options.control.stop_now;
  return hooks;
}

// While it lives, the run's statements report their waits through `report`.
class WaitReports {
 public:
  WaitReports(internal::StatementHooks* hooks, std::function<void(const std::string&)> report) : hooks_(hooks) {
    hooks_->on_wait = std::move(report);
  }
  ~WaitReports() { hooks_->on_wait = nullptr; }
  WaitReports(const WaitReports&) = delete;
  WaitReports& operator=(const WaitReports&) = delete;

 private:
  internal::StatementHooks* hooks_;
};

// A failed run whose commits hold nothing (its report counts no committed
// batch): nothing to resume, so it does not stand in another run's way.
bool CommittedNothing(const internal::RunRow& run) {
  if (run.status != "failed") return false;
  if (run.report.empty()) return true;  // failed before its first batch
  RunReport counters;
  counters.batches = 1;  // unless the report says otherwise
  RestoreCounters(run.report, &counters);
  return counters.batches == 0;
}

// A registered run that returns before it reaches its first batch (its
// shaping spec is refused, say) is recorded `failed`, never left `running`.
class FailedStartGuard {
 public:
  FailedStartGuard(internal::StateStore* state, std::string run_id) : state_(state), run_id_(std::move(run_id)) {}
  ~FailedStartGuard() {
    if (state_ == nullptr) return;
    (void)state_->FinishRun(run_id_, "failed", "");
    (void)state_->Audit(run_id_, "failed", "failed before its first batch");
  }
  FailedStartGuard(const FailedStartGuard&) = delete;
  FailedStartGuard& operator=(const FailedStartGuard&) = delete;
  // The run reached its batches: it records its own end.
  void Started() { state_ = nullptr; }

 private:
  internal::StateStore* state_;
  std::string run_id_;
};

void SetStatus(RunReport* report, const Status& final_status) {
  report->final_status = final_status;
  report->status = final_status.ok() || final_status.code() == ErrorCode::kRejected
                       ? "completed"
                       : (final_status.IsCancelled() ? "cancelled" : "failed");
}

// `ask`: puts each conflict of the batch to options.conflicts.ask (an "... all" answer
// sticks for the rest of the run) and returns the batch to stage: skipped
// records left out, merged ones replaced. Sets *abort when asked to stop.
Result<BatchResult> ResolveConflicts(const BatchResult& b, const std::vector<internal::FoundConflict>& found,
                                     const RunOptions& options, std::optional<ConflictAnswer>* sticky, bool* abort) {
  std::vector<int> action(b.output_records.size(), 0);  // 0 write, 1 skip, 2 merge
  std::vector<std::string> merged(b.output_records.size());
  for (const internal::FoundConflict& c : found) {
    const internal::OutputRecord& r = b.output_records[c.record];
    ConflictAnswer a;
    if (sticky->has_value()) {
      a = **sticky;
    } else {
      ConflictQuestion q{b.keys.substr(r.key_offset, r.key_length), c.target_document,
                         b.output.substr(r.offset, r.length)};
      a = options.conflicts.ask(q);
      if (a == ConflictAnswer::kSkipAll || a == ConflictAnswer::kOverwriteAll || a == ConflictAnswer::kMergeAll) {
        *sticky = a;
      }
    }
    switch (a) {
      case ConflictAnswer::kAbort: *abort = true; return b;
      case ConflictAnswer::kSkip:
      case ConflictAnswer::kSkipAll: action[c.record] = 1; break;
      case ConflictAnswer::kMerge:
      case ConflictAnswer::kMergeAll: {
        FERRY_ASSIGN_OR_RETURN(merged[c.record], internal::MergeJson(c.target_document, b.output.substr(r.offset, r.length),
                                                                      options.conflicts.prefer_source));
        action[c.record] = 2;
        break;
      }
      case ConflictAnswer::kOverwrite:
      case ConflictAnswer::kOverwriteAll: break;
    }
  }
  BatchResult out;
  size_t line = 0;
  for (size_t i = 0; i < b.output_records.size(); ++i) {
    const size_t line_end = b.journal.empty() ? 0 : b.journal.find('\n', line) + 1;
    const size_t line_start = line;
    line = line_end;
    if (action[i] == 1) continue;
    out.journal.append(b.journal, line_start, line_end - line_start);
    internal::OutputRecord r = b.output_records[i];
    std::string_view doc = action[i] == 2 ? std::string_view(merged[i]) : std::string_view(b.output).substr(r.offset, r.length);
    std::string_view key = std::string_view(b.keys).substr(r.key_offset, r.key_length);
    r.offset = uint32_t(out.output.size());
    r.length = uint32_t(doc.size());
    out.output.append(doc);
    out.output.push_back('\n');
    r.key_offset = uint32_t(out.keys.size());
    out.keys.append(key);
    out.output_records.push_back(r);
  }
  return out;
}

// A failed run reports what its commits hold, not what it read after its
// last commit: the counters of the last commit, plus the reject that
// stopped it (`stop`, OK when none).
void KeepCommittedCounters(const std::string& committed, const Status& stop, RunReport* r) {
  r->versions.clear();
  r->rejects_by_code.clear();
  r->skipped_migrations.clear();
  RestoreCounters(committed, r);
  if (stop.ok()) return;
  ++r->input;
  ++r->rejected;
  ++r->rejects_by_code[std::string(ErrorCodeName(stop.code()))];
}

// The command that undoes what a run committed to a table.
std::string RollbackCommand(const RunOptions& options, const Project::Rep& rep, const internal::StoreUri& out,
                            const std::string& run_id) {
  std::string cmd = "ferry rollback " + run_id + " --project " + rep.file;
  if (!options.state.empty()) cmd += " --state '" + internal::RedactUri(options.state) + "'";
  if (out.kind == internal::StoreKind::kPostgres) cmd += " --target '" + out.display + "'";
  return cmd + " --yes";
}

// What a failed run left in its target, in numbers: the rows its commits
// wrote to a table (kept; `undo` removes them) or, for a file, nothing
// published. `rows`: the rows its journal holds.
std::string CommittedSummary(const RunReport& r, const internal::StoreUri& out, uint64_t rows, const std::string& undo,
                             bool stopped_on_reject) {
  if (!out.is_database()) return "nothing was published to " + out.display;
  if (rows == 0) return "nothing was committed to " + out.display;
  const uint64_t read = r.input - (stopped_on_reject ? 1 : 0);
  std::string s = std::to_string(rows) + " rows were committed to " + out.display + " before it (from the first " +
                  std::to_string(read) + " records: " + std::to_string(r.migrated) + " migrated, " +
                  std::to_string(r.already_at_target) + " already at the target";
  const uint64_t rejected = r.rejected - (stopped_on_reject ? 1 : 0);
  if (rejected > 0) s += ", " + std::to_string(rejected) + " rejected";
  if (r.filtered > 0) s += ", " + std::to_string(r.filtered) + " filtered out";
  return s + ") and are kept; undo them with: " + undo;
}

// Errors a plain rerun can get past (the run resumes at its last commit);
// the others need their cause fixed first.
bool RerunMayResume(ErrorCode code) {
  return code == ErrorCode::kIoError || code == ErrorCode::kUnavailable || code == ErrorCode::kCancelled;
}

// How a failed run can go on.
// `stop_record`: the record that stopped the run under --on-error stop (0: none).
std::string HowToGoOn(const RunReport& r, const Status& final_status, uint64_t stop_record, bool stream_out,
                      bool stream_in) {
  if (stream_out) return "its target is a stream: running the same command again writes everything from the first record";
  if (stream_in) {
    return "its source is a stream, which cannot be read again from where it stopped: start over with --restart";
  }
  if (stop_record > 0) {
    return "to go on past record " + std::to_string(stop_record) + ", fix it in the source and start over with --restart, "
           "or run again with --on-error skip (the run resumes after its last commit and rejects it)";
  }
  if (RerunMayResume(final_status.code())) return "run the same command again to resume run " + r.run_id;
  return "once the cause is fixed, running the same command again resumes run " + r.run_id +
         " after its last commit (--restart starts over)";
}

// The reject file of a run given no --rejects: rejects/RUN.jsonl in the
// directory of the SQLite state, so that the run's report and cleanup can
// point at it. "" when the state is in PostgreSQL, which keeps nothing in
// local files.
Result<std::string> DefaultRejectsPath(const internal::StateStore& state, const std::string& run_id) {
  const std::string db = state.sqlite_path();
  if (db.empty()) return std::string();
  const std::filesystem::path dir = std::filesystem::path(db).parent_path() / "rejects";
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::IoError("cannot create the reject directory " + dir.string() + ": " + ec.message());
  return (dir / (run_id + ".jsonl")).string();
}

// A run that rejected nothing leaves no default reject file (nor its
// directory when nothing else is in it).
void DiscardDefaultRejects(internal::AtomicFile* rejects, RunReport* report) {
  rejects->Abort();
  std::error_code ec;
  std::filesystem::remove(std::filesystem::path(report->rejects_file).parent_path(), ec);  // only when empty
  report->rejects_file.clear();
}

// What stops a run under --on-error stop: the batch's first reject, with its
// record, key, JSON Pointer and message.
Status FirstRejectStatus(const BatchResult& b, const std::string& suffix) {
  const RejectExample& r = b.first_reject;
  return Status(b.first_reject_code, "record " + std::to_string(r.record) +
                                         (r.key.empty() ? "" : " (key " + KeyForMessage(r.key) + ")") + " rejected" +
                                         (r.pointer.empty() ? "" : " at " + r.pointer) + ": " + r.message + suffix);
}

// A table keys its rows by the project's key: --fields / --exclude may not
// leave it out of the records written there.
Status CheckProjectionKeepsKey(const RunOptions& options, const std::string& key, const std::string& target) {
  if (!options.shaping.has_projection()) return Status::OK();
  FERRY_ASSIGN_OR_RETURN(auto shaper, Shaper::Compile(options.shaping, options.functions));
  if (!shaper->projects_out(key)) return Status::OK();
  return Status::InvalidArgument("--fields/--exclude leave out the key field '" + key + "', by which " + target +
                                 " keys its rows; keep it (list it in --fields, take it out of --exclude), or "
                                 "write to a file");
}

// A dry run: everything but writing; no state, no lease.
Result<RunReport> DryRun(const Project& project, const RunOptions& options, const internal::StoreUri& in,
                         const internal::StoreUri* out) {
  const Project::Rep& rep = ProjectInternal::Get(project);
  FERRY_ASSIGN_OR_RETURN(auto reader, internal::OpenStoreReader(in));
  RunReport report;
  report.run_id = NewRunId();
  report.dry_run = true;
  report.source = in.display;
  report.target = out ? out->display : "";
  report.in_place = out != nullptr && out->identity == in.identity;
  report.threads = ResolveThreads(options.pipeline.threads);
  report.batch_size = options.pipeline.batch_size;
  report.on_error = options.validation.on_error;
  Driver driver{rep, options, {}, report.threads};
  FERRY_RETURN_IF_ERROR(internal::SetShaping(options, &driver.process));
  driver.process.validate_before = options.validation.before;
  driver.process.validate_after = options.validation.after;
  driver.process.as_is = options.as_is;
  std::unique_ptr<internal::ConflictProbe> probe;
  if (out != nullptr && !report.in_place) {
    FERRY_ASSIGN_OR_RETURN(probe, internal::OpenConflictProbe(*out));
  }
  driver.process.write_output = probe != nullptr;
  driver.process.index_output = probe != nullptr;
  driver.process.write_rejects = false;
  driver.process.collect_changes = !options.reporting.skip_change_stats;
  driver.process.examples_per_code = options.reporting.examples_per_code;
  Progress progress;
  progress.sink = options.control.events;
  progress.run_id = report.run_id;
  progress.interval_ms = options.control.progress_interval_ms;
  progress.total_bytes = reader->total_bytes();
  progress.counts = &report;
  progress.Emit(EventType::kRunStarted, "reading", 0, 0);
  Status stop_status;
  bool cancelled = false;
  auto start = Clock::now();
  Status io = driver.Drive(*reader, progress, &cancelled, [&](const BatchResult& b) -> Status {
    ++report.batches;
    Merge(b, rep, &report, options.reporting.examples_per_code);
    if (probe) {
      FERRY_ASSIGN_OR_RETURN(uint64_t n, probe->Count(b));
      report.conflicts += n;
    }
    if (options.validation.on_error == ErrorPolicy::kStop && b.has_first_reject) {
      stop_status = FirstRejectStatus(b, "");
      return Status::Cancelled("stop");
    }
    progress.Tick(report.input, report.bytes_in);
    return Status::OK();
  });
  report.seconds = SecondsSince(start);
  Status final_status = !io.ok() ? io : !stop_status.ok() ? stop_status
                                      : cancelled ? Status::Cancelled("interrupted after " + std::to_string(report.input) + " records")
                                                  : Status::OK();
  if (final_status.ok() && options.validation.on_error == ErrorPolicy::kCollect && report.rejected > 0) {
    final_status = Status::Rejected(std::to_string(report.rejected) + " records would be rejected (--on-error collect)");
  }
  if (report.conflicts > 0) {
    report.warnings.push_back(std::to_string(report.conflicts) + " records would meet a different document under the "
                              "same key in the target (--on-conflict " + ConflictPolicyName(options.conflicts.policy) + ")");
  }
  FillPaths(project, rep, &report);
  SetStatus(&report, final_status);
  progress.Emit(final_status.ok() ? EventType::kCompleted : EventType::kFailed, "done", report.input, report.bytes_in,
                final_status.ok() ? "" : final_status.message(), final_status.code());
  return report;
}

}  // namespace

const char* ConflictPolicyName(ConflictPolicy p) {
  switch (p) {
    case ConflictPolicy::kSkip: return "skip";
    case ConflictPolicy::kOverwrite: return "overwrite";
    case ConflictPolicy::kMerge: return "merge";
    case ConflictPolicy::kFail: return "fail";
    case ConflictPolicy::kAsk: return "ask";
  }
  return "skip";
}

Result<ConflictPolicy> ParseConflictPolicy(std::string_view s) {
  if (s == "skip") return ConflictPolicy::kSkip;
  if (s == "overwrite") return ConflictPolicy::kOverwrite;
  if (s == "merge") return ConflictPolicy::kMerge;
  if (s == "fail") return ConflictPolicy::kFail;
  if (s == "ask") return ConflictPolicy::kAsk;
  return Status::InvalidArgument("unknown conflict policy '" + std::string(s) +
                                 "'; use skip, overwrite, merge, fail or ask");
}

namespace {

// One run, from its options to its report: Run() in named phases. The
// members are the run's state, shared by the phases; they are declared in
// the order the phases create them (and destroyed in reverse: the outputs
// before the lease, the lease before the state).
struct RunCoordinator {
  RunCoordinator(const Project& p, const RunOptions& o)
      : project(p), options(o), rep(ProjectInternal::Get(p)), retry_stop(o.control.stop_now) {}

  Result<RunReport> Execute();

  // Opening: parse and check the stores; refuse what cannot run.
  Status OpenStores();
  Status CheckTarget();
  // Resuming: the unfinished run on the target, kept, abandoned or refused.
  Status FindPrevious();
  Status SettlePrevious();
  void StartReport();
  Status TakeLease();
  Status OpenSink();
  Status OpenReader();
  Status LoadCheckpoint();
  // Registers the run (or its resumption) and starts its outputs.
  Status Register();
  Status OpenJournal();
  Status OpenSideFiles();
  Status SetUpDriver();
  void StartProgress();
  // Streaming: batches in input order, committed with their checkpoint.
  void Stream();
  Status ConsumeBatch(const BatchResult& b);
  Status Commit();
  // Finishing: how it ended, published or kept for a resume, recorded.
  Status EndStatus();
  Status Publish();
  Status KeepForResume(Status final_status);
  Status CompleteReport(Status final_status);
  void RecordEnd(const Status& final_status);

  const Project& project;
  const RunOptions& options;
  const Project::Rep& rep;
  internal::StoreUri in;
  std::optional<internal::StoreUri> out;
  std::shared_ptr<internal::StatementHooks> hooks;
  internal::RetryStopScope retry_stop;
  bool in_place = false;
  std::unique_ptr<internal::StateStore> state;
  std::optional<internal::RunRow> previous;
  bool stream_out = false, stream_in = false;
  std::string fingerprint;
  RunReport report;
  std::string owner;  // life's lease owner token
  std::optional<internal::RunLifecycle> life;  // the lease, the runs row, the audit
  bool encoded_out = false, array_out = false;
  std::unique_ptr<internal::RecordSink> sink;
  internal::SinkOptions sink_options;
  std::unique_ptr<internal::RecordReader> reader;
  std::unique_ptr<internal::ConflictProbe> ask_probe;
  std::optional<ConflictAnswer> sticky_answer;
  uint64_t asked_conflicts = 0;
  std::optional<internal::Checkpoint> from;
  bool output_restarted = false;
  bool mirror_checkpoints = false;
  std::optional<FailedStartGuard> failed_start;
  std::unique_ptr<internal::BackupWriter> journal;
  internal::AtomicFile rejects, complements;
  bool default_rejects = false;
  std::optional<Driver> driver;
  std::optional<internal::TableCommit> table_commit;
  Progress progress;
  std::optional<WaitReports> wait_reports;
  uint64_t conflicts_before = 0;  // from the checkpoint, when resuming
  uint64_t concurrent_before = 0;
  internal::Checkpoint cp;
  uint64_t staged = 0;
  std::string committed_counters;  // what the last commit holds
  Clock::time_point last_commit;
  Clock::time_point start;
  Status stop_status;
  uint64_t stop_record = 0;  // the record that stopped the run (--on-error stop)
  bool cancelled = false;
  Status io;
};

Result<RunReport> RunCoordinator::Execute() {
  FERRY_RETURN_IF_ERROR(CheckOptions(options));
  FERRY_RETURN_IF_ERROR(OpenStores());
  if (options.dry_run) return DryRun(project, options, in, out ? &*out : nullptr);
  FERRY_RETURN_IF_ERROR(CheckTarget());
  FERRY_RETURN_IF_ERROR(FindPrevious());
  FERRY_RETURN_IF_ERROR(SettlePrevious());
  StartReport();
  FERRY_RETURN_IF_ERROR(TakeLease());
  FERRY_RETURN_IF_ERROR(OpenSink());
  FERRY_RETURN_IF_ERROR(OpenReader());
  FERRY_RETURN_IF_ERROR(LoadCheckpoint());
  FERRY_RETURN_IF_ERROR(Register());
  FERRY_RETURN_IF_ERROR(OpenJournal());
  FERRY_RETURN_IF_ERROR(OpenSideFiles());
  FERRY_RETURN_IF_ERROR(SetUpDriver());
  StartProgress();
  Stream();
  Status final_status = EndStatus();
  final_status = final_status.ok() ? Publish() : KeepForResume(final_status);
  final_status = CompleteReport(final_status);
  RecordEnd(final_status);
  progress.Emit(final_status.ok() ? EventType::kCompleted : EventType::kFailed, "done", report.input, report.bytes_in,
                final_status.ok() ? "" : final_status.message(), final_status.code());
  return report;
}

Status RunCoordinator::OpenStores() {
  FERRY_ASSIGN_OR_RETURN(in, internal::ParseRunStore(options, options.source, rep.collection, false));
  if (!options.target.empty()) {
    FERRY_ASSIGN_OR_RETURN(out, internal::ParseRunStore(options, options.target, rep.collection, true));
  } else if (in.is_database()) {
    out = in;  // in place
  }
  hooks = StatementHooksFor(options);
  in.hooks = hooks;
  if (out) out->hooks = hooks;
  if (out) FERRY_RETURN_IF_ERROR(internal::CheckTargetTableName(*out));
  if (rep.records_as_read && out && out->is_database()) {
    return Status::InvalidArgument("without a project file Ferry converts records between files only; to write " +
                                   out->display + " pass --project DIR|FILE (its key and versions), or run where "
                                   "ferry.yaml is");
  }
  FERRY_RETURN_IF_ERROR(internal::CheckRunFiles(options, rep.file, in, out ? &*out : nullptr));
  if (out && out->is_database()) FERRY_RETURN_IF_ERROR(CheckProjectionKeepsKey(options, rep.key, out->display));
  return Status::OK();
}

Status RunCoordinator::CheckTarget() {
  if (!out) {
    return Status::InvalidArgument(
        "no target given: pass --target URI (files are not migrated in place), or --dry-run to only report");
  }
  in_place = out->identity == in.identity;
  if (in_place && !in.is_database()) {
    return Status::InvalidArgument("target " + out->file.path + " is the source; write to another file");
  }
  if (in.kind == internal::StoreKind::kFile && out->kind == internal::StoreKind::kFile && SameFile(in.file.path, out->file.path)) {
    return Status::InvalidArgument("target " + out->file.path + " is the source; write to another file");
  }

  // A new SQLite database is created first, so that every run knows it by
  // its device and inode (StoreUri::identity).
  FERRY_RETURN_IF_ERROR(internal::CreateSqliteTarget(&*out));
  return Status::OK();
}

Status RunCoordinator::FindPrevious() {
  FERRY_ASSIGN_OR_RETURN(state, internal::OpenStateFor(options.state, &*out));
  FERRY_RETURN_IF_ERROR(state->CheckChecksums(project, rep.collection));
  if (!options.resume.run_id.empty()) {
    FERRY_ASSIGN_OR_RETURN(previous, state->GetRun(options.resume.run_id));
    if (!previous) return Status::NotFound("no run " + options.resume.run_id + " in " + state->location());
    if (previous->resource != out->identity) {
      return Status::InvalidArgument("run " + options.resume.run_id + " wrote to " + previous->target + ", not " + out->display);
    }
    if (previous->status == "completed" || previous->status == "abandoned") {
      return Status::InvalidArgument("run " + options.resume.run_id + " is " + previous->status + "; nothing to resume");
    }
  } else {
    FERRY_ASSIGN_OR_RETURN(previous, state->FindUnfinished(out->identity));
  }
  return Status::OK();
}

Status RunCoordinator::SettlePrevious() {
  // What went into a stream cannot be taken back, nor can a stream be read
  // again from where it stopped (docs/stores.md, "Streams").
  stream_out = internal::IsStreamStore(*out);
  stream_in = internal::IsStreamStore(in);
  if (previous && (stream_out || stream_in) && !options.resume.restart) {
    if (!options.resume.run_id.empty() || !stream_out) {
      return Status::Conflict("run " + previous->run_id + " on " + out->display + " did not finish, and it cannot "
                              "resume: its " + (stream_in ? "source" : "target") + " is a stream (stdin, a pipe or "
                              "a device), which cannot go on from where it stopped. Start over with --restart");
    }
  }
  // The shaping spec is part of what the run reads: a run is resumed only
  // with the same one.
  const std::string shaping_tag =
      options.shaping.empty() ? "" : ";shaping=" + internal::Sha256Hex(ShapingToJson(options.shaping)).substr(0, 16);
  fingerprint = SourceFingerprint(in) + shaping_tag;
  if (previous && options.resume.run_id.empty() && !options.resume.restart && CommittedNothing(*previous) &&
      (previous->source != in.display || previous->source_fingerprint != fingerprint)) {
    FERRY_RETURN_IF_ERROR(state->SetRunStatus(previous->run_id, "abandoned"));
    FERRY_RETURN_IF_ERROR(state->Audit(previous->run_id, "abandoned", "it committed nothing; another run started"));
    if (out->kind == internal::StoreKind::kFile) internal::RemoveRunTemps(out->file, previous->run_id);
    previous.reset();
  }
  if (previous && (options.resume.restart || stream_out)) {
    FERRY_RETURN_IF_ERROR(state->SetRunStatus(previous->run_id, "abandoned"));
    FERRY_RETURN_IF_ERROR(state->Audit(previous->run_id, "abandoned",
                                       options.resume.restart ? "--restart" : "a run into a stream cannot resume"));
    if (out->kind == internal::StoreKind::kFile) internal::RemoveRunTemps(out->file, previous->run_id);
    previous.reset();
  }
  if (previous && previous->source == in.display && previous->source_fingerprint != fingerprint) {
    auto cut = [](const std::string& f) { return f.substr(0, f.find(";shaping=")); };
    if (cut(previous->source_fingerprint) == cut(fingerprint)) {
      return Status::Conflict("run " + previous->run_id + " on " + out->display + " (started " + previous->started_at +
                              ") did not finish, and it shaped its records differently (--map, --trim, --where ... "
                              "or --shaping). Resume it with the same shaping flags, or start over with --restart");
    }
  }
  if (previous && (previous->source != in.display || previous->source_fingerprint != fingerprint)) {
    return Status::Conflict("run " + previous->run_id + " on " + out->display + " (started " + previous->started_at +
                            " from " + previous->source + ") did not finish" +
                            (previous->source == in.display ? ", and its source changed since" : "") +
                            ". Resume it with the same --source, or start over with --restart");
  }
  return Status::OK();
}

void RunCoordinator::StartReport() {
  report.run_id = previous ? previous->run_id : NewRunId();
  report.source = in.display;
  report.target = out->display;
  report.rejects_file = options.outputs.rejects;
  report.complements_file = options.outputs.complements;
  report.threads = ResolveThreads(options.pipeline.threads);
  report.batch_size = options.pipeline.batch_size;
  report.on_error = options.validation.on_error;
  report.in_place = in_place;
  report.state = state->location();
  report.target_stream = stream_out;
  report.target_on_stdout = internal::IsStdout(*out);
  if (stream_out) {
    report.warnings.push_back("the target " + out->display + " is a stream (a device, pipe or socket): it is written "
                              "directly, so atomic publication does not apply (its reader sees the records as they "
                              "come, and a run that fails leaves what it wrote), and an interrupted run cannot "
                              "resume: running it again writes everything from the first record");
  }
}

Status RunCoordinator::TakeLease() {
  // The target's lease (store/target_lease.h), renewed until the run returns.
  life.emplace(state.get(), report.run_id);
  std::string took_over;
  FERRY_RETURN_IF_ERROR(life->TakeLease(*out, options.durability.lease_ttl_ms, &took_over));
  owner = life->owner();
  if (!took_over.empty()) report.warnings.push_back(took_over);
  return Status::OK();
}

Status RunCoordinator::OpenSink() {
  // Formatted, compressed, encrypted or split files cannot be cut back to a
  // checkpoint: a resumed run writes them again from the first record.
  encoded_out = out->kind == internal::StoreKind::kFile && internal::NeedsEncodedSink(out->file);
  array_out = out->kind == internal::StoreKind::kFile && !encoded_out &&
                         out->file.format == internal::FileFormat::kJsonArray;
  FERRY_ASSIGN_OR_RETURN(sink, internal::OpenStoreSink(*out, array_out));
  sink_options.run_id = report.run_id;
  sink_options.owner = owner;
  sink_options.version = options.as_is ? "" : project.target();
  if (options.as_is) {
    for (const auto& v : rep.versions) sink_options.version_names.push_back(v.info.name);
  }
  sink_options.state = state.get();
  sink_options.retries = options.durability.retries;
  sink_options.on_conflict = ToSinkPolicy(options.conflicts.policy);
  sink_options.prefer_source = options.conflicts.prefer_source;
  sink_options.in_place = in_place;
  return Status::OK();
}

Status RunCoordinator::OpenReader() {
  FERRY_ASSIGN_OR_RETURN(reader, internal::OpenStoreReader(in));
  if (options.conflicts.policy == ConflictPolicy::kAsk) {
    if (!options.conflicts.ask) return Status::InvalidArgument("--on-conflict ask needs someone to ask (a terminal)");
    if (!in_place && out->is_database()) {
      FERRY_ASSIGN_OR_RETURN(ask_probe, internal::OpenConflictProbe(*out));
    }
  }
  return Status::OK();
}

Status RunCoordinator::LoadCheckpoint() {
  if (previous) {
    if (out->kind == internal::StoreKind::kFile) {
      FERRY_ASSIGN_OR_RETURN(from, state->checkpoints().Load(report.run_id));
    } else {
      FERRY_ASSIGN_OR_RETURN(from, sink->LoadCheckpoint(report.run_id));
    }
    if (from && from->seq == 0) from.reset();
    // Stopped before its first batch (e.g. Ctrl-C at once): nothing was
    // read, so it starts from the beginning.
    if (from && from->records == 0 && from->position.empty()) from.reset();
  }
  if (from && encoded_out) {
    output_restarted = true;
    from.reset();
  }
  // File runs keep their checkpoints in the state; other targets keep them
  // with the data and mirror them here (for `ferry status`).
  FERRY_RETURN_IF_ERROR(state->checkpoints().Claim(report.run_id, owner));
  mirror_checkpoints = out->kind == internal::StoreKind::kSqlite;
  if (from) {
    FERRY_RETURN_IF_ERROR(reader->Seek(from->position, from->records));
    RestoreCounters(from->counters, &report);
    report.resumed = true;
    report.resumed_at = from->records;
  }
  return Status::OK();
}

Status RunCoordinator::Register() {
  if (previous) {
    FERRY_RETURN_IF_ERROR(life->Resume("from record " + std::to_string(from ? from->records : 0) + " by pid " +
                                       std::to_string(::getpid()) +
                                       (output_restarted ? " (the file output starts again from the first record)"
                                                         : "")));
    if (output_restarted) {
      report.warnings.push_back("run " + report.run_id + " continues, but its output " + out->display +
                                " (formatted, compressed, encrypted or split) cannot continue from a checkpoint: it "
                                "was written again from the first record");
    }
  } else {
    internal::RunRow row = internal::NewRunRow(report.run_id, *out, rep.collection);
    row.source = in.display;
    row.project = rep.file;
    row.source_fingerprint = fingerprint;
    internal::JsonBuilder opts;
    opts.Begin().Key("batch_size").Num(options.pipeline.batch_size);
    opts.Key("on_error").Str(ErrorPolicyName(options.validation.on_error));
    row.options = opts.Key("on_conflict").Str(ConflictPolicyName(options.conflicts.policy)).End().Take();
    FERRY_RETURN_IF_ERROR(life->Start(row, "started", in.display + " -> " + out->display));
  }
  // Registered: from here the run records how it ends (`failed` when it
  // returns before its first batch).
  failed_start.emplace(state.get(), report.run_id);
  // The outputs open after the run is registered, so that a process killed
  // while they open leaves temporaries its run names (RemoveRunTemps), and
  // a start they refuse leaves the run `failed` (FailedStartGuard), never
  // `running`.
  return sink->Start(sink_options, from ? &*from : nullptr);
}

Status RunCoordinator::OpenJournal() {
  // Table targets keep the run's rollback journal, with the records'
  // texts before when the backup is on (safety/backup.h). Each chunk is
  // durable before the changes it covers commit.
  if (out->is_database()) {
    const internal::KeyOptions key{options.backup.passphrase, options.backup.key_file};
    FERRY_ASSIGN_OR_RETURN(auto existing, internal::FindRunBackup(state.get(), report.run_id));
    if (existing && existing->status != "complete") {
      FERRY_ASSIGN_OR_RETURN(journal,
                             internal::BackupWriter::Resume(state.get(), internal::BackupRoot(*state, options.backup.dir),
                                                                   existing->id, from ? from->seq : 0, key));
    } else if (!existing) {
      internal::BackupManifest h;
      h.id = report.run_id;
      h.kind = "run";
      h.run_id = report.run_id;
      h.collection = rep.collection;
      h.store = out->display;
      h.identity = out->identity;
      h.before_images = options.backup.enabled;
      h.pinned = options.backup.preserve_original;
      const std::string dir = options.backup.dir.empty() ? internal::DefaultBackupDir(*state) : options.backup.dir;
      FERRY_ASSIGN_OR_RETURN(journal, internal::BackupWriter::Create(state.get(), dir, std::move(h), key));
    }
  }
  return Status::OK();
}

Status RunCoordinator::OpenSideFiles() {
  // Without --rejects, rejected records still go to a file: the run's
  // default reject file beside the state, kept only when it holds some.
  default_rejects = options.outputs.rejects.empty();
  if (default_rejects) {
    FERRY_ASSIGN_OR_RETURN(report.rejects_file, DefaultRejectsPath(*state, report.run_id));
  }
  if (!report.rejects_file.empty()) {
    FERRY_RETURN_IF_ERROR(rejects.Open(report.rejects_file, report.run_id, from ? &from->rejects_bytes : nullptr));
  }
  if (!options.outputs.complements.empty()) {
    FERRY_RETURN_IF_ERROR(
        complements.Open(options.outputs.complements, report.run_id, from ? &from->complements_bytes : nullptr));
  }
  return Status::OK();
}

Status RunCoordinator::SetUpDriver() {
  driver.emplace(Driver{rep, options, {}, report.threads});
  FERRY_RETURN_IF_ERROR(internal::SetShaping(options, &driver->process));
  driver->process.validate_before = options.validation.before;
  driver->process.validate_after = options.validation.after;
  driver->process.as_is = options.as_is;
  driver->process.write_output = true;
  driver->process.write_rejects = rejects.is_open();
  driver->process.write_complements = !options.outputs.complements.empty();
  driver->process.collect_changes = options.reporting.collect_changes;
  driver->process.output_format = array_out ? internal::OutputFormat::kJsonArray : internal::OutputFormat::kJsonLines;
  driver->process.index_output = out->is_database();
  driver->process.row_tokens = in_place;
  driver->process.skip_unchanged = in_place;
  driver->process.examples_per_code = options.reporting.examples_per_code;
  driver->process.write_journal = journal != nullptr;
  driver->process.journal_source_is_before = in_place;
  driver->process.journal_before_images = options.backup.enabled;
  // Table commits: the journal written ahead inside each commit, and rows
  // changed by others since the run read them processed again.
  table_commit.emplace(rep, driver->process, journal.get(), options.backup.enabled);
  return Status::OK();
}

void RunCoordinator::StartProgress() {
  progress.start = Clock::now();
  progress.sink = options.control.events;
  progress.run_id = report.run_id;
  progress.interval_ms = options.control.progress_interval_ms;
  progress.total_bytes = reader->total_bytes();
  progress.counts = &report;
  progress.Emit(EventType::kRunStarted, report.resumed ? "resuming" : "reading", report.input, report.bytes_in);
  wait_reports.emplace(hooks.get(), [&](const std::string& what) {
    progress.Emit(EventType::kStageChanged, "waiting", report.input, report.bytes_in, what);
  });

  conflicts_before = report.conflicts;  // from the checkpoint, when resuming
  concurrent_before = report.concurrent_changes;
  cp.run_id = report.run_id;
  cp.seq = from ? from->seq : 0;
  cp.position = from ? from->position : "";
  committed_counters = CountersJson(report);  // what the last commit holds
  last_commit = Clock::now();
}

Status RunCoordinator::Commit() {
  if (life->lease()->lost()) {
    return Status::Locked("run " + report.run_id + " lost its lease on " + out->display +
                          " (another process took it over); stopping without writing more");
  }
  if (rejects.is_open()) FERRY_RETURN_IF_ERROR(rejects.Sync());
  if (complements.is_open()) FERRY_RETURN_IF_ERROR(complements.Sync());
  ++cp.seq;
  cp.records = report.input;
  cp.rejects_bytes = rejects.is_open() ? rejects.bytes_written() : 0;
  cp.complements_bytes = complements.is_open() ? complements.bytes_written() : 0;
  report.conflicts = conflicts_before + (ask_probe ? 0 : sink->conflicts()) + asked_conflicts;
  // The checkpoint's counters cannot know what the commit finds changed:
  // a resumed run may count those rows under their first outcome.
  cp.counters = CountersJson(report);
  FERRY_RETURN_IF_ERROR(sink->Commit(&cp, &*table_commit));
  FERRY_RETURN_IF_ERROR(table_commit->Committed(&report, &rejects));
  report.concurrent_changes = concurrent_before + sink->concurrent_changes();
  progress.concurrent_changes = report.concurrent_changes;
  if (mirror_checkpoints) (void)state->checkpoints().Save(cp, owner);
  Log(LogLevel::kDebug, "checkpoint committed",
      {LogStr("run_id", report.run_id), LogNum("commit", double(cp.seq)), LogNum("records", double(cp.records))});
  committed_counters = CountersJson(report);
  staged = 0;
  last_commit = Clock::now();
  return Status::OK();
}

Status RunCoordinator::ConsumeBatch(const BatchResult& b) {
  if (options.validation.on_error == ErrorPolicy::kStop && b.has_first_reject) {
    // Strict: the run fails on the first rejected record; its reject is
    // recorded; nothing after the last checkpoint is committed.
    Merge(b, rep, &report, options.reporting.examples_per_code);
    if (rejects.is_open()) {
      FERRY_RETURN_IF_ERROR(rejects.Append(b.rejects));
      (void)rejects.Sync();
    }
    stop_status = FirstRejectStatus(b, "; the run stopped (--on-error stop)");
    stop_record = b.first_reject.record;
    return Status::Cancelled("stop");
  }
  // --on-conflict ask: the answers decide what is staged.
  const BatchResult* to_stage = &b;
  BatchResult resolved;
  if (ask_probe) {
    FERRY_ASSIGN_OR_RETURN(auto found, ask_probe->Find(b));
    if (!found.empty()) {
      bool abort = false;
      FERRY_ASSIGN_OR_RETURN(resolved, ResolveConflicts(b, found, options, &sticky_answer, &abort));
      if (abort) {
        cancelled = true;
        return Status::Cancelled("conflict: stopped when asked");
      }
      asked_conflicts += found.size();
      to_stage = &resolved;
    }
  }
  ++report.batches;
  Merge(b, rep, &report, options.reporting.examples_per_code);
  table_commit->Add(*to_stage);
  FERRY_RETURN_IF_ERROR(sink->Stage(*to_stage));
  if (rejects.is_open() && !b.rejects.empty()) FERRY_RETURN_IF_ERROR(rejects.Append(b.rejects));
  if (complements.is_open() && !b.complements.empty()) FERRY_RETURN_IF_ERROR(complements.Append(b.complements));
  cp.position = b.end_position;
  staged += b.records;
  if (staged >= options.durability.commit_records ||
      Clock::now() - last_commit >= std::chrono::milliseconds(options.durability.commit_interval_ms)) {
    FERRY_RETURN_IF_ERROR(Commit());
  }
  report.conflicts = conflicts_before + (ask_probe ? 0 : sink->conflicts()) + asked_conflicts;
  progress.Tick(report.input, report.bytes_in);
  return Status::OK();
}

void RunCoordinator::Stream() {
  start = Clock::now();
  failed_start->Started();
  io = driver->Drive(*reader, progress, &cancelled, [&](const BatchResult& b) { return ConsumeBatch(b); });
  report.seconds = SecondsSince(start);
}

Status RunCoordinator::EndStatus() {
  Status final_status;
  if (!io.ok()) {
    final_status = io;
  } else if (!stop_status.ok()) {
    final_status = stop_status;
  } else if (cancelled) {
    final_status = Status::Cancelled(
        "interrupted after " + std::to_string(report.input) + " records (a batch boundary)" +
        (stream_out ? "; the target is a stream: running the same command again writes everything from the first record"
         : stream_in ? "; the source is a stream, which cannot be read again from here: start over with --restart"
                     : "; nothing was lost. Run the same command again to resume run " + report.run_id));
  }
  // Whatever was processed cleanly is committed: at the end, and on an
  // interruption (so a resume continues exactly there).
  if (final_status.ok() || (cancelled && io.ok() && stop_status.ok())) {
    Status s = Commit();
    if (!s.ok()) final_status = s;
  }
  report.conflicts = conflicts_before + (ask_probe ? 0 : sink->conflicts()) + asked_conflicts;
  return final_status;
}

Status RunCoordinator::Publish() {
  Status final_status;
  progress.Emit(EventType::kStageChanged, "publishing", report.input, report.bytes_in);
  // Publish only while the lease is still ours.
  final_status = internal::WithRetries(options.durability.retries, [&] { return life->lease()->Renew(); });
  if (final_status.ok()) final_status = sink->Publish();
  if (final_status.ok() && rejects.is_open()) {
    if (default_rejects && report.rejected == 0) {
      DiscardDefaultRejects(&rejects, &report);
    } else {
      final_status = rejects.Commit();
    }
  }
  if (final_status.ok() && complements.is_open()) final_status = complements.Commit();
  if (final_status.ok() && journal) {
    Status js = journal->Finish();
    if (!js.ok()) report.warnings.push_back("the run's backup could not be sealed: " + js.ToString());
    if (js.ok() && journal->manifest().before_images) {
      // ferry.yaml's `backup:` retention, after each backup.
      auto pruned = internal::ApplyRetention(state.get(), internal::BackupRoot(*state, options.backup.dir),
                                             rep.backup_retention.configured, rep.backup_retention.keep,
                                             rep.backup_retention.max_age_days);
      if (!pruned.ok()) report.warnings.push_back("the backup retention (ferry.yaml) failed: " + pruned.status().ToString());
    }
  }
  return final_status;
}

Status RunCoordinator::KeepForResume(Status final_status) {
  // An encoded output is written again from the first record by the next
  // attempt (and its reject and complement files with it): its temporary
  // files are of no use, unless another process took the run over.
  const bool discard = encoded_out && final_status.code() != ErrorCode::kLocked;
  if (discard) sink->Discard();
  else sink->Close();
  if (rejects.is_open() && !stop_status.ok()) {
    // The reject that stopped the run is evidence: publish the reject file
    // (a copy; the run stays resumable).
    Status rs = rejects.PublishCopy();
    if (!rs.ok()) report.warnings.push_back(rs.ToString());
  }
  if (discard) {
    rejects.Abort();
    complements.Abort();
  }
  rejects.Close();
  if (default_rejects && report.rejected == 0) report.rejects_file.clear();
  complements.Close();
  const bool stopped_on_reject = io.ok() && !stop_status.ok();
  KeepCommittedCounters(committed_counters, stopped_on_reject ? stop_status : Status::OK(), &report);
  const std::string committed =
      CommittedSummary(report, *out, journal ? journal->manifest().records : 0,
                       RollbackCommand(options, rep, *out, report.run_id), stopped_on_reject);
  if (stopped_on_reject) {
    final_status = Status(final_status.code(), final_status.message() + "; " + committed);
  }
  if (final_status.code() != ErrorCode::kLocked) {
    report.warnings.push_back("run " + report.run_id +
                              (stopped_on_reject ? " stopped at record " + std::to_string(stop_record) + "; "
                                                 : " stopped after " + std::to_string(report.input) + " records; " +
                                                       committed + "; ") +
                              HowToGoOn(report, final_status, stopped_on_reject ? stop_record : 0, stream_out,
                                        stream_in));
  }
  return final_status;
}

Status RunCoordinator::CompleteReport(Status final_status) {
  report.bytes_out = sink->bytes_written();
  if (journal) {
    report.backup_id = journal->manifest().id;
    report.backup_records = journal->manifest().records;
    report.backup_has_originals = journal->manifest().before_images;
  }
  if (final_status.ok() && options.validation.on_error == ErrorPolicy::kCollect && report.rejected > 0) {
    final_status = Status::Rejected(std::to_string(report.rejected) + " records were rejected (--on-error collect)");
  }
  if (report.rejected > 0 && report.rejects_file.empty()) {
    report.warnings.push_back(std::to_string(report.rejected) + " rejected records were not written to a file: the "
                              "state is in PostgreSQL, for which Ferry writes no local files; pass --rejects FILE "
                              "to keep them");
  }
  if (driver->process.shaping != nullptr && report.input > report.filtered + report.rejected) {
    for (const std::string& path : driver->process.shaping->UnmatchedProjectionPaths()) {
      report.warnings.push_back(path + ": no record written had this field (misspelt?)");
    }
  }
  if (report.conflicts > 0) {
    report.warnings.push_back(std::to_string(report.conflicts) + " records met a different document under the same key "
                              "in the target (--on-conflict " + ConflictPolicyName(options.conflicts.policy) + ")");
  }
  FillPaths(project, rep, &report);
  SetStatus(&report, final_status);
  for (const std::string& w : report.warnings) Log(LogLevel::kWarn, w, {LogStr("run_id", report.run_id)});
  return final_status;
}

void RunCoordinator::RecordEnd(const Status& final_status) {
  if (final_status.code() != ErrorCode::kLocked) {
    Status s = life->Finish(final_status, report.status, report.ToJson(), report.status,
                            final_status.ok() ? "" : final_status.ToString(), options.durability.retries);
    if (!s.ok()) report.warnings.push_back("could not record the run's end: " + s.ToString());
    if (report.status == "completed" || report.status == "failed") {
      // History: each migration applied, with the records that went through
      // it; a failed run's rows say success = false (and do not make an
      // edited definition acceptable).
      std::map<size_t, uint64_t> applied;
      for (const auto& [name, stats] : report.versions) {
        int v = project.VersionIndex(name);
        if (v < 0 || stats.migrated == 0) continue;
        for (size_t m : rep.paths[size_t(v)]) applied[m] += stats.migrated;
      }
      for (const auto& [m, records] : applied) {
        internal::HistoryRow h;
        h.collection = rep.collection;
        h.migration_id = rep.migrations[m].info.id;
        h.checksum = rep.migrations[m].info.checksum;
        h.definition = rep.migrations[m].info.definition;
        h.run_id = report.run_id;
        h.kind = "apply";
        h.applied_by = internal::CurrentUser();
        h.duration_ms = int64_t(report.seconds * 1000);
        h.records = int64_t(records);
        h.success = report.status == "completed";
        Status hs = internal::WithRetries(options.durability.retries, [&] { return state->AddHistory(h); });
        if (!hs.ok()) report.warnings.push_back("could not record history: " + hs.ToString());
      }
    }
  }
}

}  // namespace

Result<RunReport> Run(const Project& project, const RunOptions& options) {
  RunCoordinator run(project, options);
  return run.Execute();
}

Result<AnalyzeReport> AnalyzeImpl(const Project& project, const RunOptions& options, int force_version) {
  FERRY_RETURN_IF_ERROR(CheckOptions(options));
  const Project::Rep& rep = ProjectInternal::Get(project);
  FERRY_ASSIGN_OR_RETURN(internal::StoreUri in, internal::ParseRunStore(options, options.source, rep.collection, false));
  FERRY_ASSIGN_OR_RETURN(auto reader, internal::OpenStoreReader(in));
  std::unique_ptr<internal::ConflictProbe> probe;
  std::string target_display;
  if (!options.target.empty() && force_version < 0) {
    FERRY_ASSIGN_OR_RETURN(internal::StoreUri out, internal::ParseRunStore(options, options.target, rep.collection, true));
    target_display = out.display;
    if (out.identity != in.identity) {
      FERRY_ASSIGN_OR_RETURN(probe, internal::OpenConflictProbe(out));
    }
  }
  Driver driver{rep, options, {}, ResolveThreads(options.pipeline.threads)};
  FERRY_RETURN_IF_ERROR(internal::SetShaping(options, &driver.process));
  // Analyze migrates every record in memory (nothing is written), so that
  // what only the steps or the target schema find (MIGRATION_ERROR, invalid
  // after migration) is counted too; validate only validates.
  driver.process.transform = force_version < 0;
  driver.process.write_output = probe != nullptr;
  driver.process.index_output = probe != nullptr;
  driver.process.write_rejects = false;
  driver.process.validate_before = true;
  driver.process.force_version = force_version;
  driver.process.examples_per_code = options.reporting.examples_per_code;
  Progress progress;
  progress.sink = options.control.events;
  progress.run_id = NewRunId();
  progress.total_bytes = reader->total_bytes();
  RunReport acc;
  progress.counts = &acc;
  bool cancelled = false;
  auto start = Clock::now();
  uint64_t conflicts = 0;
  Status s = driver.Drive(*reader, progress, &cancelled, [&](const BatchResult& b) -> Status {
    Merge(b, rep, &acc, options.reporting.examples_per_code);
    if (probe) {
      FERRY_ASSIGN_OR_RETURN(uint64_t n, probe->Count(b));
      conflicts += n;
    }
    progress.Tick(acc.input, acc.bytes_in);
    return Status::OK();
  });
  FERRY_RETURN_IF_ERROR(s);
  if (cancelled) return Status::Cancelled("interrupted");
  AnalyzeReport a;
  a.target = target_display;
  a.conflicts = conflicts;
  a.seconds = SecondsSince(start);
  a.records = acc.input;
  a.bytes = acc.bytes_in;
  a.already_at_target = acc.already_at_target;
  a.filtered = acc.filtered;
  for (const auto& [name, st] : acc.versions) {
    a.versions[name] = st.count;
    if (st.rejected) a.invalid_by_version[name] = st.rejected;
  }
  a.invalid_by_code = acc.rejects_by_code;
  a.invalid_examples = acc.reject_examples;
  return a;
}

Result<AnalyzeReport> Analyze(const Project& project, const RunOptions& options) {
  FERRY_ASSIGN_OR_RETURN(AnalyzeReport a, AnalyzeImpl(project, options, -1));
  uint64_t invalid = 0;
  for (const auto& [code, n] : a.invalid_by_code) invalid += n;
  auto thousands = [](uint64_t n) {
    const std::string digits = std::to_string(n);
    std::string s;
    for (size_t i = 0; i < digits.size(); ++i) {
      if (i > 0 && (digits.size() - i) % 3 == 0) s.push_back(',');
      s.push_back(digits[i]);
    }
    return s;
  };
  auto mb = [](uint64_t bytes) {
    char buf[32];
    std::snprintf(buf, sizeof(buf), "%.1f MB in all", double(bytes) / 1e6);
    return std::string(buf);
  };
  auto pct = [&](uint64_t n) {
    char buf[32];
    std::snprintf(buf, sizeof(buf), "%.2f%%", a.records ? 100.0 * double(n) / double(a.records) : 0.0);
    return std::string(buf);
  };
  const uint64_t kept = a.records - a.filtered;  // what the shaping filters let through
  a.migration_needed = a.already_at_target < kept;
  {
    // Preset: strict when the data is clean and small enough to fix by hand,
    // fast for large clean sources, recommended otherwise.
    uint64_t bad = 0;
    for (const auto& [code, n] : a.invalid_by_code) bad += n;
    if (bad == 0 && a.records >= 1000000) a.recommended_preset = "fast";
    else if (bad == 0) a.recommended_preset = "safe";
    else a.recommended_preset = "recommended";
  }
  if (a.records == 0) a.recommendations.push_back("The source holds no records; check the path and format.");
  if (a.records > 0 && a.migration_needed) {
    a.recommendations.push_back("A migration is needed: " + thousands(kept - a.already_at_target) + " of " +
                                thousands(a.records) + " records (" + mb(a.bytes) + ") are not at '" + project.target() + "'. Recommended preset: " +
                                a.recommended_preset +
                                (a.recommended_preset == "safe"
                                     ? " (every record is valid: stop at the first surprise)"
                                     : a.recommended_preset == "fast" ? " (large and clean: bigger batches, validate after only)"
                                                                      : " (skip and collect the invalid records in a reject file)") +
                                ".");
  }
  if (a.conflicts > 0) {
    a.recommendations.push_back(thousands(a.conflicts) + " records would meet a different document under the same key in " +
                                a.target + ": choose --on-conflict skip (default), overwrite, merge or fail.");
  }
  if (a.filtered > 0) {
    a.recommendations.push_back(thousands(a.filtered) + " records (" + pct(a.filtered) +
                                ") are left out by the filters given: a run with them will not write them.");
  }
  if (a.already_at_target == kept && kept > 0) {
    a.recommendations.push_back("Every record is already at the target version '" + project.target() +
                                "': nothing to migrate.");
  }
  if (invalid > 0) {
    a.recommendations.push_back(thousands(invalid) + " records (" + pct(invalid) +
                                ") would be rejected: run with --on-error skip --rejects rejects.jsonl, fix them, and "
                                "feed the reject file back as --source.");
  }
  if (a.invalid_by_code.count("UNKNOWN_FORMAT")) {
    a.recommendations.push_back(thousands(a.invalid_by_code["UNKNOWN_FORMAT"]) +
                                " records match no version: add a version (detector + schema) to " + project.file() +
                                " if they are a real shape, or fix them.");
  }
  if (a.invalid_by_code.count("PARSE_ERROR")) {
    a.recommendations.push_back(thousands(a.invalid_by_code["PARSE_ERROR"]) +
                                " lines are not valid JSON; they cannot be migrated until fixed.");
  }
  bool any_lossy = false;
  for (const auto& [name, n] : a.versions) {
    for (size_t m : project.PathFrom(name)) any_lossy = any_lossy || project.migrations()[m].lossy;
  }
  if (any_lossy) {
    a.recommendations.push_back("Some paths have lossy steps: the dropped data is kept as each record's complement; "
                                "keep a backup of the source until the migrated data is verified.");
  }
  if (invalid == 0 && kept > 0 && a.already_at_target < kept) {
    a.recommendations.push_back("All records are valid: 'ferry run' with the recommended preset is safe to start; try "
                                "--dry-run first to see what changes.");
  }
  return a;
}

Result<AnalyzeReport> ValidateRecords(const Project& project, const RunOptions& options, std::string_view version) {
  int v = -1;
  if (!version.empty()) {
    v = project.VersionIndex(version);
    if (v < 0) return Status::InvalidArgument("unknown version '" + std::string(version) + "'");
  }
  return AnalyzeImpl(project, options, v);
}

namespace {

// "3 records fail their schema (VALIDATION_ERROR)", "1 record fails a
// migration step (MIGRATION_ERROR)": what the plan's analysis found.
std::string InvalidRecordsLine(const std::string& code, uint64_t n) {
  struct Wording {
    const char* code;
    const char* one;
    const char* many;
  };
  static constexpr Wording kWordings[] = {
      {"UNKNOWN_FORMAT", "matches no version", "match no version"},
      {"PARSE_ERROR", "is not valid JSON", "are not valid JSON"},
      {"VALIDATION_ERROR", "fails its schema", "fail their schema"},
      {"MIGRATION_ERROR", "fails a migration step", "fail a migration step"},
  };
  std::string what = n == 1 ? "is rejected" : "are rejected";
  for (const Wording& w : kWordings) {
    if (code == w.code) what = n == 1 ? w.one : w.many;
  }
  return std::to_string(n) + (n == 1 ? " record " : " records ") + what + " (" + code + ")";
}

// The other shortest paths of `version` and why its path won (project.cc,
// ComputePaths).
void AddAlternatives(const Project& project, const std::string& version, PlanReport::VersionPlan* vp) {
  const Project::Rep& rep = ProjectInternal::Get(project);
  const int v = project.VersionIndex(version);
  if (v < 0 || size_t(v) >= rep.alternatives.size()) return;
  for (const std::vector<size_t>& path : rep.alternatives[size_t(v)]) {
    std::vector<std::string> ids;
    for (size_t m : path) ids.push_back(rep.migrations[m].info.id);
    vp->alternatives.push_back(std::move(ids));
  }
  vp->chosen_because = rep.path_choice[size_t(v)];
}

// A temporary directory, removed with what it holds.
class ScratchDir {
 public:
  ScratchDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "ferry-plan.XXXXXX").string();
    if (::mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~ScratchDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  bool ok() const { return !path_.empty(); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// The run's target URI with its file or database path moved into `dir`, so
// that the plan's sample writes a scratch store of the same kind and format.
// "" when it cannot (no target, PostgreSQL, a stream), with *kind saying why;
// else *kind names the scratch store.
std::string ScratchTarget(const RunOptions& options, const internal::StoreUri& in, const std::string& collection,
                          const std::string& dir, std::string* kind) {
  const std::string uri = !options.target.empty() ? options.target : in.is_database() ? options.source : "";
  if (uri.empty()) {
    *kind = "give --target to include it";
    return "";
  }
  auto out = internal::ParseRunStore(options, uri, collection, true);
  if (!out.ok()) return "";
  std::string path, scratch;
  if (out->kind == internal::StoreKind::kPostgres) {
    *kind = "the sample does not write into a PostgreSQL database";
    return "";
  }
  if (out->kind == internal::StoreKind::kSqlite) {
    path = out->path;
    scratch = dir + "/scratch.db";
    *kind = "SQLite table";
  } else {
    if (internal::IsStreamStore(*out)) {
      *kind = "the target is a stream";
      return "";
    }
    path = out->file.path;
    scratch = dir + "/" + std::filesystem::path(path).filename().string();
    *kind = "file";
  }
  // The path follows the scheme ("sqlite:", "csv:") or is the whole URI's start.
  const size_t at = uri.find(path);
  if (path.empty() || at == std::string::npos || (at > 0 && uri[at - 1] != ':')) {
    kind->clear();
    return "";
  }
  return uri.substr(0, at) + scratch + uri.substr(at + path.size());
}

// A timed sample of `sample` records: read, detect, validate, migrate and,
// where the target's kind allows, write into a scratch store of that kind (a
// file of the same format, an SQLite table) with a scratch state, all in a
// temporary directory removed afterwards; else a dry run, which writes
// nothing. *covers says which.
Result<RunReport> TimedSample(const Project& project, const RunOptions& options, const internal::StoreUri& in,
                              uint64_t sample, std::string* covers) {
  RunOptions sample_options = options;
  sample_options.pipeline.limit = sample;
  sample_options.control.events = nullptr;
  sample_options.reporting.collect_changes = false;
  sample_options.reporting.skip_change_stats = true;
  ScratchDir scratch;
  std::string scratch_kind;
  const std::string scratch_target =
      scratch.ok() ? ScratchTarget(options, in, ProjectInternal::Get(project).collection, scratch.path(), &scratch_kind)
                   : std::string();
  std::string not_timed = scratch_kind.empty() ? "the sample cannot write into a scratch copy of this target"
                                               : scratch_kind;
  if (!scratch_target.empty()) {
    RunOptions scratch_options = sample_options;
    scratch_options.target = scratch_target;
    scratch_options.state = scratch.path() + "/state.db";
    scratch_options.backup.dir.clear();
    scratch_options.outputs.rejects.clear();
    scratch_options.outputs.complements.clear();
    scratch_options.validation.on_error = ErrorPolicy::kSkip;  // the whole sample is timed; rejects are the plan's blockers
    auto written = Run(project, scratch_options);
    if (written.ok() && written.value().final_status.ok()) {
      *covers = "reading, detecting, validating, migrating and writing into a scratch " + scratch_kind +
                " like the target (with Ferry's state" + (scratch_kind == "file" ? ")" : ", journal and backup)");
      return std::move(written.value());
    }
    not_timed = "the scratch write failed: " +
                (written.ok() ? written.value().final_status.ToString() : written.status().ToString());
  }
  sample_options.dry_run = true;
  *covers = "reading, detecting, validating and migrating only: writing to the target is not timed (" + not_timed +
            "), so a run takes longer";
  return Run(project, sample_options);
}

}  // namespace

Status CheckAppliedMigrations(const Project& project, const RunOptions& options) {
  const Project::Rep& rep = ProjectInternal::Get(project);
  std::optional<internal::StoreUri> out;
  if (!options.target.empty()) {
    FERRY_ASSIGN_OR_RETURN(out, internal::ParseStoreUri(options.target, rep.collection));
  } else if (!options.source.empty()) {
    FERRY_ASSIGN_OR_RETURN(internal::StoreUri in, internal::ParseStoreUri(options.source, rep.collection));
    if (in.is_database()) out = in;
  }
  // Only an existing state is consulted: planning creates nothing.
  const bool pg = out && out->kind == internal::StoreKind::kPostgres;
  if (options.state.empty() && !pg && !std::filesystem::exists(".ferry/state.db")) return Status::OK();
  FERRY_ASSIGN_OR_RETURN(auto state, internal::OpenStateFor(options.state, out ? &*out : nullptr));
  return state->CheckChecksums(project, rep.collection);
}

Result<PlanReport> Plan(const Project& project, const RunOptions& options, uint64_t sample) {
  FERRY_RETURN_IF_ERROR(CheckAppliedMigrations(project, options));
  FERRY_ASSIGN_OR_RETURN(AnalyzeReport counts, AnalyzeImpl(project, options, -1));
  PlanReport plan;
  plan.records = counts.records;
  plan.bytes = counts.bytes;
  for (const VersionInfo& vi : project.versions()) {
    auto it = counts.versions.find(vi.name);
    if (it == counts.versions.end()) continue;
    PlanReport::VersionPlan vp;
    vp.version = vi.name;
    vp.records = it->second;
    for (size_t m : project.PathFrom(vi.name)) {
      const MigrationInfo& mi = project.migrations()[m];
      vp.path.push_back({mi.id, mi.from, mi.to, mi.step_kinds, mi.lossy, mi.critical});
      vp.lossy = vp.lossy || mi.lossy;
    }
    AddAlternatives(project, vi.name, &vp);
    plan.versions.push_back(std::move(vp));
  }
  for (const auto& [code, n] : counts.invalid_by_code) {
    const std::string line = InvalidRecordsLine(code, n);
    if (options.validation.on_error == ErrorPolicy::kStop) plan.blockers.push_back(line + ": with --on-error stop the run would fail");
    else plan.warnings.push_back(line + (n == 1 ? ": it will be rejected" : ": they will be rejected"));
  }
  // A stream source (stdin, a pipe) was read once by the analysis: there is
  // nothing left to time.
  FERRY_ASSIGN_OR_RETURN(internal::StoreUri in,
                         internal::ParseRunStore(options, options.source, ProjectInternal::Get(project).collection, false));
  if (internal::IsStreamStore(in)) {
    plan.warnings.push_back("the source " + in.display + " is a stream, read once for this plan: no timed sample, "
                            "so no duration is estimated (plan a file to get one)");
    return plan;
  }
  FERRY_ASSIGN_OR_RETURN(RunReport timed, TimedSample(project, options, in, sample, &plan.estimate_covers));
  const RunReport& r = timed;
  plan.sample_records = r.input;
  plan.sample_seconds = r.seconds;
  if (r.bytes_in > 0 && r.seconds > 0) {
    plan.estimated_seconds = r.seconds * double(plan.bytes) / double(r.bytes_in);
  }
  return plan;
}

}  // namespace ferry
