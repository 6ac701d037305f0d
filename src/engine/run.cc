// Copyright (c) the Ferry authors.
//
// The coordinator of a run. One thread (the caller's) reads batches, hands
// them to worker threads, and writes finished batches strictly in input order
// (a reorder window of about 8,192 records, at most 256 batches, so memory stays flat).
// Workers only compute; all I/O happens on the coordinating thread.

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <mutex>
#include <random>
#include <thread>

#include "engine/batch_processor.h"
#include "engine/file_sink.h"
#include "engine/project_internal.h"
#include "engine/source.h"
#include "ferry/run.h"

namespace ferry {

using internal::BatchProcessor;
using internal::BatchResult;
using internal::RecordBatchInput;

namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

std::string NewRunId() {
  std::random_device rd;
  char buf[64];
  auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm;
  gmtime_r(&now, &tm);
  std::snprintf(buf, sizeof(buf), "%04d%02d%02d-%02d%02d%02d-%04x", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, unsigned(rd() & 0xffff));
  return buf;
}

struct Task {
  RecordBatchInput input;
  BatchResult result;
  bool done = false;
};

// A fixed pool of workers fed through one queue.
class WorkerPool {
 public:
  WorkerPool(const Project::Rep& rep, const internal::ProcessOptions& options, uint32_t threads) {
    for (uint32_t i = 0; i < threads; ++i) {
      workers_.emplace_back([this, &rep, options] {
        BatchProcessor processor(rep, options);
        for (;;) {
          Task* task;
          {
            std::unique_lock<std::mutex> lock(mu_);
            work_cv_.wait(lock, [this] { return stop_ || !queue_.empty(); });
            if (queue_.empty()) return;
            task = queue_.front();
            queue_.pop_front();
          }
          processor.Process(task->input, &task->result);
          {
            std::lock_guard<std::mutex> lock(mu_);
            task->done = true;
          }
          done_cv_.notify_all();
        }
      });
    }
  }
  ~WorkerPool() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    work_cv_.notify_all();
    for (auto& t : workers_) t.join();
  }
  void Submit(Task* task) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      queue_.push_back(task);
    }
    work_cv_.notify_one();
  }
  void WaitDone(Task* task) {
    std::unique_lock<std::mutex> lock(mu_);
    done_cv_.wait(lock, [task] { return task->done; });
  }

 private:
  std::mutex mu_;
  std::condition_variable work_cv_;
  std::condition_variable done_cv_;
  std::deque<Task*> queue_;
  bool stop_ = false;
  std::vector<std::thread> workers_;
};

struct Progress {
  EventSink* sink = nullptr;
  std::string run_id;
  Clock::time_point start = Clock::now();
  Clock::time_point last = Clock::time_point();
  uint32_t interval_ms = 250;
  uint64_t total_bytes = 0;

  Event Make(EventType type, const std::string& stage, uint64_t docs, uint64_t bytes) const {
    Event e;
    e.type = type;
    e.run_id = run_id;
    e.stage = stage;
    e.processed_docs = docs;
    e.processed_bytes = bytes;
    e.total_bytes = total_bytes;
    e.elapsed_seconds = SecondsSince(start);
    if (e.elapsed_seconds > 0) {
      e.docs_per_second = double(docs) / e.elapsed_seconds;
      e.mb_per_second = double(bytes) / 1e6 / e.elapsed_seconds;
    }
    if (total_bytes > 0 && bytes > 0 && docs > 0) {
      e.estimated_total_docs = uint64_t(double(docs) * double(total_bytes) / double(bytes));
      double rate = double(bytes) / std::max(e.elapsed_seconds, 1e-9);
      e.eta_seconds = bytes >= total_bytes ? 0 : double(total_bytes - bytes) / rate;
    }
    return e;
  }
  void Emit(EventType type, const std::string& stage, uint64_t docs, uint64_t bytes, std::string message = {},
            ErrorCode code = ErrorCode::kOk) {
    if (sink == nullptr) return;
    Event e = Make(type, stage, docs, bytes);
    e.message = std::move(message);
    e.code = code;
    sink->OnEvent(e);
  }
  void Tick(uint64_t docs, uint64_t bytes) {
    if (sink == nullptr) return;
    auto now = Clock::now();
    if (now - last < std::chrono::milliseconds(interval_ms)) return;
    last = now;
    sink->OnEvent(Make(EventType::kProgress, "migrating", docs, bytes));
  }
};

void Merge(const BatchResult& b, const Project::Rep& rep, RunReport* r, uint32_t examples_per_code) {
  r->input += b.records;
  r->migrated += b.migrated;
  r->already_at_target += b.already_at_target;
  r->rejected += b.rejected;
  r->with_complement += b.with_complement;
  r->bytes_in += b.source_bytes;
  for (size_t v = 0; v < b.version_count.size(); ++v) {
    if (b.version_count[v] == 0) continue;
    VersionStats& s = r->versions[rep.versions[v].info.name];
    s.count += b.version_count[v];
    s.migrated += b.version_migrated[v];
    s.rejected += b.version_rejected[v];
  }
  for (const auto& [code, n] : b.rejects_by_code) r->rejects_by_code[code] += n;
  for (const auto& [code, list] : b.examples) {
    auto& dst = r->reject_examples[code];
    for (const auto& e : list) {
      if (dst.size() < examples_per_code) dst.push_back(e);
    }
  }
  for (const auto& [p, n] : b.fields_added) r->fields_added[p] += n;
  for (const auto& [p, n] : b.fields_removed) r->fields_removed[p] += n;
  for (const auto& [p, n] : b.fields_converted) r->fields_converted[p] += n;
}

bool SameFile(const std::string& a, const std::string& b) {
  std::error_code ec;
  return std::filesystem::equivalent(a, b, ec);
}

// Drives reader -> workers -> in-order consumer. `consume` is called on the
// coordinating thread for each finished batch in input order; returning false
// stops the run after that batch.
struct Driver {
  const Project::Rep& rep;
  const RunOptions& options;
  internal::ProcessOptions process;
  uint32_t threads;

  template <typename Consume>
  Status Drive(internal::RecordReader& reader, Progress& progress, bool* cancelled, Consume&& consume) {
    WorkerPool pool(rep, process, threads);
    // Batches in flight: enough records (~8k) that workers do not starve
    // while the coordinator waits for the oldest batch (small batches would
    // otherwise hand off every few hundred microseconds), and never more
    // than kMaxWindow batches, so memory stays bounded whatever the input.
    constexpr size_t kRecordsInFlight = 8192;
    constexpr size_t kMaxWindow = 256;
    const size_t window = std::min(kMaxWindow, std::max(size_t(threads) * 2 + 2,
                                                        (kRecordsInFlight + options.batch_size - 1) / options.batch_size));
    std::deque<std::unique_ptr<Task>> inflight;
    std::vector<std::unique_ptr<Task>> free_tasks;
    uint64_t read_records = 0;
    bool eof = false, stop = false;
    Status status;
    while (!stop) {
      // Fill the window.
      while (!eof && inflight.size() < window) {
        if (options.cancel != nullptr && options.cancel->load()) {
          *cancelled = true;
          eof = true;
          break;
        }
        if (options.limit > 0 && read_records >= options.limit) {
          eof = true;
          break;
        }
        std::unique_ptr<Task> task;
        if (!free_tasks.empty()) {
          task = std::move(free_tasks.back());
          free_tasks.pop_back();
        } else {
          task = std::make_unique<Task>();
        }
        uint32_t want = options.batch_size;
        if (options.limit > 0) want = uint32_t(std::min<uint64_t>(want, options.limit - read_records));
        Status s = reader.ReadBatch(want, &task->input, &eof);
        if (!s.ok()) {
          status = s;
          eof = true;
          stop = true;
          break;
        }
        if (task->input.records.empty() && task->input.source_bytes == 0) break;
        read_records += task->input.records.size();
        task->done = false;
        pool.Submit(task.get());
        inflight.push_back(std::move(task));
      }
      if (inflight.empty()) break;
      Task* front = inflight.front().get();
      pool.WaitDone(front);
      if (!stop) {
        Status s = consume(front->result);
        if (!s.ok()) {
          if (!s.IsCancelled()) status = s;
          stop = true;
        }
      }
      free_tasks.push_back(std::move(inflight.front()));
      inflight.pop_front();
      if (stop) {
        // Let the workers finish what they hold before the pool is destroyed.
        for (auto& t : inflight) pool.WaitDone(t.get());
        break;
      }
      if (options.throttle_ms > 0 && !eof) std::this_thread::sleep_for(std::chrono::milliseconds(options.throttle_ms));
    }
    return status;
  }
};

uint32_t ResolveThreads(uint32_t t) {
  if (t > 0) return t;
  unsigned hc = std::thread::hardware_concurrency();
  return hc == 0 ? 1 : hc;
}

Status CheckOptions(const RunOptions& o) {
  if (o.batch_size < 1 || o.batch_size > 100000) {
    return Status::InvalidArgument("batch size must be between 1 and 100,000 (got " + std::to_string(o.batch_size) + ")");
  }
  if (o.threads > 1024) return Status::InvalidArgument("at most 1024 threads");
  if (o.source.empty()) return Status::InvalidArgument("no source given; pass --source URI (e.g. jsonl:data.jsonl)");
  return Status::OK();
}

}  // namespace

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
    o->batch_size = 10;
    o->validate_before = o->validate_after = true;
    o->on_error = ErrorPolicy::kStop;
  } else if (preset == "recommended") {
    o->batch_size = 50;
    o->validate_before = o->validate_after = true;
    o->on_error = ErrorPolicy::kSkip;
  } else if (preset == "fast") {
    o->batch_size = 500;
    o->validate_before = false;
    o->validate_after = true;
    o->on_error = ErrorPolicy::kSkip;
  } else {
    return Status::InvalidArgument("unknown preset '" + std::string(preset) + "'; use safe, recommended or fast");
  }
  return Status::OK();
}

Result<RunReport> Run(const Project& project, const RunOptions& options) {
  FERRY_RETURN_IF_ERROR(CheckOptions(options));
  const Project::Rep& rep = ProjectInternal::Get(project);
  FERRY_ASSIGN_OR_RETURN(internal::FileSpec in_spec, internal::ParseFileUri(options.source));
  internal::FileSpec out_spec;
  if (!options.dry_run) {
    if (options.target.empty()) {
      return Status::InvalidArgument(
          "no target given: pass --target URI (files are not migrated in place), or --dry-run to only report");
    }
    FERRY_ASSIGN_OR_RETURN(out_spec, internal::ParseFileUri(options.target));
    if (SameFile(in_spec.path, out_spec.path)) {
      return Status::InvalidArgument("target " + out_spec.path + " is the source; write to another file");
    }
    if (!options.rejects.empty() && (SameFile(in_spec.path, options.rejects) || options.rejects == out_spec.path)) {
      return Status::InvalidArgument("the reject file must differ from the source and the target");
    }
  }
  FERRY_ASSIGN_OR_RETURN(auto reader, internal::RecordReader::Open(in_spec));

  RunReport report;
  report.run_id = NewRunId();
  report.dry_run = options.dry_run;
  report.source = options.source;
  report.target = options.dry_run ? "" : options.target;
  report.rejects_file = options.dry_run ? "" : options.rejects;
  report.complements_file = options.dry_run ? "" : options.complements;
  report.threads = ResolveThreads(options.threads);
  report.batch_size = options.batch_size;
  report.on_error = options.on_error;

  internal::AtomicFile out, rejects, complements;
  const bool array_out = !options.dry_run && out_spec.format == internal::FileFormat::kJsonArray;
  if (!options.dry_run) {
    FERRY_RETURN_IF_ERROR(out.Open(out_spec.path));
    if (!options.rejects.empty()) FERRY_RETURN_IF_ERROR(rejects.Open(options.rejects));
    if (!options.complements.empty()) FERRY_RETURN_IF_ERROR(complements.Open(options.complements));
  }

  Driver driver{rep, options, {}, report.threads};
  driver.process.validate_before = options.validate_before;
  driver.process.validate_after = options.validate_after;
  driver.process.write_output = !options.dry_run;
  driver.process.write_rejects = !options.dry_run && !options.rejects.empty();
  driver.process.write_complements = !options.dry_run && !options.complements.empty();
  driver.process.collect_changes = options.collect_changes || (options.dry_run && !options.skip_change_stats);
  driver.process.output_format = array_out ? internal::OutputFormat::kJsonArray : internal::OutputFormat::kJsonLines;
  driver.process.examples_per_code = options.examples_per_code;

  Progress progress;
  progress.sink = options.events;
  progress.run_id = report.run_id;
  progress.interval_ms = options.progress_interval_ms;
  progress.total_bytes = reader->total_bytes();
  progress.Emit(EventType::kRunStarted, "reading", 0, 0);

  bool first_output = true;
  Status stop_status;
  bool cancelled = false;
  auto start = Clock::now();
  Status io = driver.Drive(*reader, progress, &cancelled, [&](const BatchResult& b) -> Status {
    ++report.batches;
    if (options.on_error == ErrorPolicy::kStop && b.has_first_reject) {
      // Strict: the run fails on the first rejected record; its reject is
      // recorded, nothing is published.
      Merge(b, rep, &report, options.examples_per_code);
      if (rejects.is_open()) FERRY_RETURN_IF_ERROR(rejects.Append(b.rejects));
      const RejectExample& r = b.first_reject;
      stop_status = Status(b.first_reject_code, "record " + std::to_string(r.record) +
                                                     (r.key.empty() ? "" : " (key " + r.key + ")") + " rejected" +
                                                     (r.pointer.empty() ? "" : " at " + r.pointer) + ": " + r.message +
                                                     "; the run stopped (--on-error stop) and published nothing");
      return Status::Cancelled("stop");
    }
    Merge(b, rep, &report, options.examples_per_code);
    if (out.is_open() && !b.output.empty()) {
      std::string_view bytes = b.output;
      if (array_out && first_output) {
        FERRY_RETURN_IF_ERROR(out.Append("[\n"));
        bytes.remove_prefix(2);  // the first record's ",\n"
      }
      first_output = false;
      FERRY_RETURN_IF_ERROR(out.Append(bytes));
    }
    if (rejects.is_open() && !b.rejects.empty()) FERRY_RETURN_IF_ERROR(rejects.Append(b.rejects));
    if (complements.is_open() && !b.complements.empty()) FERRY_RETURN_IF_ERROR(complements.Append(b.complements));
    progress.Tick(report.input, report.bytes_in);
    return Status::OK();
  });
  report.seconds = SecondsSince(start);

  Status final_status;
  if (!io.ok()) {
    final_status = io;
  } else if (!stop_status.ok()) {
    final_status = stop_status;
  } else if (cancelled) {
    final_status = Status::Cancelled("interrupted after " + std::to_string(report.input) +
                                     " records (a batch boundary); nothing was lost");
  }
  if (final_status.ok() && !options.dry_run) {
    progress.Emit(EventType::kStageChanged, "publishing", report.input, report.bytes_in);
    if (array_out) final_status = out.Append(first_output ? "[]\n" : "\n]\n");
    if (final_status.ok()) final_status = out.Commit();
    if (final_status.ok() && rejects.is_open()) final_status = rejects.Commit();
    if (final_status.ok() && complements.is_open()) final_status = complements.Commit();
    report.bytes_out = out.bytes_written();
  } else if (!options.dry_run) {
    report.bytes_out = out.bytes_written();
    // Cancelled runs keep what they wrote under TARGET.partial; failed runs
    // keep nothing at the target path.
    out.Abort(cancelled && io.ok() && stop_status.ok());
    if (rejects.is_open()) {
      Status rs = rejects.Commit();  // rejects are evidence: keep them
      if (!rs.ok()) report.warnings.push_back(rs.ToString());
    }
    if (!out.partial_path().empty()) {
      report.warnings.push_back("the records written before the interruption are in " + out.partial_path());
    }
  }
  if (final_status.ok() && options.on_error == ErrorPolicy::kCollect && report.rejected > 0) {
    final_status = Status::Rejected(std::to_string(report.rejected) + " records were rejected (--on-error collect)");
  }

  for (auto& [name, stats] : report.versions) {
    int v = project.VersionIndex(name);
    for (size_t m : rep.paths[size_t(v)]) {
      stats.path.push_back(rep.migrations[m].info.id);
      stats.lossy = stats.lossy || rep.migrations[m].info.lossy;
    }
  }
  report.final_status = final_status;
  report.status = final_status.ok() || final_status.code() == ErrorCode::kRejected
                      ? "completed"
                      : (final_status.IsCancelled() ? "cancelled" : "failed");
  progress.Emit(final_status.ok() ? EventType::kCompleted : EventType::kFailed, "done", report.input, report.bytes_in,
                final_status.ok() ? "" : final_status.message(), final_status.code());
  return report;
}

Result<AnalyzeReport> AnalyzeImpl(const Project& project, const RunOptions& options, int force_version) {
  FERRY_RETURN_IF_ERROR(CheckOptions(options));
  const Project::Rep& rep = ProjectInternal::Get(project);
  FERRY_ASSIGN_OR_RETURN(internal::FileSpec in_spec, internal::ParseFileUri(options.source));
  FERRY_ASSIGN_OR_RETURN(auto reader, internal::RecordReader::Open(in_spec));
  Driver driver{rep, options, {}, ResolveThreads(options.threads)};
  driver.process.transform = false;
  driver.process.write_output = false;
  driver.process.write_rejects = false;
  driver.process.validate_before = true;
  driver.process.force_version = force_version;
  driver.process.examples_per_code = options.examples_per_code;
  Progress progress;
  progress.sink = options.events;
  progress.run_id = NewRunId();
  progress.total_bytes = reader->total_bytes();
  RunReport acc;
  bool cancelled = false;
  auto start = Clock::now();
  Status s = driver.Drive(*reader, progress, &cancelled, [&](const BatchResult& b) -> Status {
    Merge(b, rep, &acc, options.examples_per_code);
    progress.Tick(acc.input, acc.bytes_in);
    return Status::OK();
  });
  FERRY_RETURN_IF_ERROR(s);
  if (cancelled) return Status::Cancelled("interrupted");
  AnalyzeReport a;
  a.seconds = SecondsSince(start);
  a.records = acc.input;
  a.bytes = acc.bytes_in;
  a.already_at_target = acc.already_at_target;
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
    std::string s = std::to_string(n);
    for (int i = int(s.size()) - 3; i > 0; i -= 3) s.insert(size_t(i), ",");
    return s;
  };
  auto pct = [&](uint64_t n) {
    char buf[32];
    std::snprintf(buf, sizeof(buf), "%.2f%%", a.records ? 100.0 * double(n) / double(a.records) : 0.0);
    return std::string(buf);
  };
  if (a.records == 0) a.recommendations.push_back("The source holds no records; check the path and format.");
  if (a.already_at_target == a.records && a.records > 0) {
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
  if (invalid == 0 && a.records > 0 && a.already_at_target < a.records) {
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

Result<PlanReport> Plan(const Project& project, const RunOptions& options, uint64_t sample) {
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
    plan.versions.push_back(std::move(vp));
  }
  for (const auto& [code, n] : counts.invalid_by_code) {
    std::string what = code == "UNKNOWN_FORMAT" ? "match no version" : code == "PARSE_ERROR" ? "are not valid JSON" : "fail their schema";
    std::string line = std::to_string(n) + " records " + what + " (" + code + ")";
    if (options.on_error == ErrorPolicy::kStop) plan.blockers.push_back(line + ": with --on-error stop the run would fail");
    else plan.warnings.push_back(line + ": they will be rejected");
  }
  // A timed dry-run sample (transform + validate, no writes).
  RunOptions sample_options = options;
  sample_options.dry_run = true;
  sample_options.limit = sample;
  sample_options.events = nullptr;
  sample_options.collect_changes = false;
  sample_options.skip_change_stats = true;
  FERRY_ASSIGN_OR_RETURN(RunReport r, Run(project, sample_options));
  plan.sample_records = r.input;
  plan.sample_seconds = r.seconds;
  if (r.bytes_in > 0 && r.seconds > 0) {
    plan.estimated_seconds = r.seconds * double(plan.bytes) / double(r.bytes_in);
  }
  return plan;
}

}  // namespace ferry
