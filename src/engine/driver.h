// Copyright (c) the Ferry authors.
//
// The pipeline shared by run, analyze, validate and verify: one coordinating
// thread reads batches and hands them to a fixed pool of worker threads; the
// finished batches come back strictly in input order through a reorder
// window of about 8,192 records (at most 256 batches), so memory stays flat.
// Workers only compute; all I/O happens on the coordinating thread.
// Internal to src/engine/.

#ifndef FERRY_ENGINE_DRIVER_H_
#define FERRY_ENGINE_DRIVER_H_

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "engine/batch_processor.h"
#include "engine/project_internal.h"
#include "engine/source.h"
#include "ferry/events.h"
#include "ferry/log.h"
#include "ferry/run.h"

namespace ferry::internal {

struct StoreUri;
// A store URI with the run's file options (RunOptions: key, compression,
// split, format options) applied; INVALID_ARGUMENT for bad ones (run.cc).
Result<StoreUri> ParseRunStore(const RunOptions& o, const std::string& uri, const std::string& collection,
                               bool target);

using Clock = std::chrono::steady_clock;

inline double SecondsSince(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

// "YYYYMMDD-HHMMSS-" and 32 random bits: unique among the runs of one state
// even when many start in the same second (16 bits once collided).
inline std::string NewRunId() {
  std::random_device rd;
  char buf[64];
  auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm;
  gmtime_r(&now, &tm);
  std::snprintf(buf, sizeof(buf), "%04d%02d%02d-%02d%02d%02d-%08x", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, unsigned(rd()));
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

// Writes `e` to the diagnostic log (ferry/log.h): run start and end at
// info, warnings at warn, stages and progress at debug.
void LogEvent(const Event& e);

inline void CopyCounts(const RunReport& r, Event* e) {
  e->migrated = r.migrated;
  e->already_at_target = r.already_at_target;
  e->rejected = r.rejected;
  e->rejected_by_code = r.rejects_by_code;
  e->filtered = r.filtered;
  e->conflicts = r.conflicts;
}

struct Progress {
  EventSink* sink = nullptr;
  std::string run_id;
  Clock::time_point start = Clock::now();
  Clock::time_point last = Clock::time_point();
  uint32_t interval_ms = 250;
  uint64_t total_bytes = 0;
  uint64_t concurrent_changes = 0;  // so far (RunReport::concurrent_changes)
  // The counts merged so far, copied into every event (not owned; may be null).
  const RunReport* counts = nullptr;

  Event Make(EventType type, const std::string& stage, uint64_t docs, uint64_t bytes) const {
    Event e;
    e.type = type;
    e.run_id = run_id;
    e.stage = stage;
    e.processed_docs = docs;
    e.processed_bytes = bytes;
    e.total_bytes = total_bytes;
    e.concurrent_changes = concurrent_changes;
    if (counts != nullptr) CopyCounts(*counts, &e);
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
    Event e = Make(type, stage, docs, bytes);
    e.message = std::move(message);
    e.code = code;
    LogEvent(e);
    if (sink != nullptr) sink->OnEvent(e);
  }
  void Tick(uint64_t docs, uint64_t bytes) {
    if (sink == nullptr && !LogEnabled(LogLevel::kDebug)) return;
    auto now = Clock::now();
    if (now - last < std::chrono::milliseconds(interval_ms)) return;
    last = now;
    Event e = Make(EventType::kProgress, "migrating", docs, bytes);
    LogEvent(e);
    if (sink != nullptr) sink->OnEvent(e);
  }
};

inline void Merge(const BatchResult& b, const Project::Rep& rep, RunReport* r, uint32_t examples_per_code) {
  r->input += b.records;
  r->migrated += b.migrated;
  r->already_at_target += b.already_at_target;
  r->rejected += b.rejected;
  r->filtered += b.filtered;
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
  for (const auto& [m, n] : b.skipped_migrations) r->skipped_migrations[m] += n;
}

inline bool SameFile(const std::string& a, const std::string& b) {
  std::error_code ec;
  return std::filesystem::equivalent(a, b, ec);
}

// Sleeps RunOptions::pipeline.throttle_ms, waking early when the run is cancelled
// (the pause may be long: up to an hour).
inline void PauseBetweenBatches(const RunOptions& options) {
  if (options.pipeline.throttle_ms == 0) return;
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(options.pipeline.throttle_ms);
  constexpr auto kCancelPoll = std::chrono::milliseconds(50);
  while (options.control.cancel == nullptr || !options.control.cancel->load()) {
    const auto now = std::chrono::steady_clock::now();
    if (now >= until) return;
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(until - now, kCancelPoll));
  }
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
    internal::ProcessOptions for_reader = process;
    if (reader.loosely_typed()) for_reader.schema_types = true;
    WorkerPool pool(rep, for_reader, threads);
    // Batches in flight: enough records (~8k) that workers do not starve
    // while the coordinator waits for the oldest batch (small batches would
    // otherwise hand off every few hundred microseconds), and never more
    // than kMaxWindow batches, so memory stays bounded whatever the input.
    constexpr size_t kRecordsInFlight = 8192;
    constexpr size_t kMaxWindow = 256;
    const uint32_t batch_size = options.pipeline.batch_size;
    const size_t window =
        std::min(kMaxWindow, std::max(size_t(threads) * 2 + 2, (kRecordsInFlight + batch_size - 1) / batch_size));
    std::deque<std::unique_ptr<Task>> inflight;
    std::vector<std::unique_ptr<Task>> free_tasks;
    uint64_t read_records = 0;
    bool eof = false, stop = false;
    Status status;
    while (!stop) {
      // Fill the window.
      while (!eof && inflight.size() < window) {
        if (options.control.cancel != nullptr && options.control.cancel->load()) {
          *cancelled = true;
          eof = true;
          break;
        }
        if (options.pipeline.limit > 0 && read_records >= options.pipeline.limit) {
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
        uint32_t want = options.pipeline.batch_size;
        if (options.pipeline.limit > 0) want = uint32_t(std::min<uint64_t>(want, options.pipeline.limit - read_records));
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
      // Cancelled: stop at this batch boundary. Batches read ahead are
      // dropped unwritten; a resumed run reads them again from the
      // checkpoint.
      if (!stop && !inflight.empty() && options.control.cancel != nullptr && options.control.cancel->load()) {
        *cancelled = true;
        stop = true;
      }
      if (stop) {
        // Let the workers finish what they hold before the pool is destroyed.
        for (auto& t : inflight) pool.WaitDone(t.get());
        break;
      }
      // Throttle: pause before every batch that follows, also when the
      // reader has already read it ahead (small inputs are read whole).
      const bool more_batches = !inflight.empty() || !eof;
      if (more_batches) PauseBetweenBatches(options);
    }
    return status;
  }
};

inline uint32_t ResolveThreads(uint32_t t) {
  if (t > 0) return t;
  unsigned hc = std::thread::hardware_concurrency();
  return hc == 0 ? 1 : hc;
}

inline Status CheckOptions(const RunOptions& o) {
  if (o.pipeline.batch_size < 1 || o.pipeline.batch_size > 100000) {
    return Status::InvalidArgument("batch size must be between 1 and 100,000 (got " +
                                   std::to_string(o.pipeline.batch_size) + ")");
  }
  if (o.pipeline.threads > 1024) return Status::InvalidArgument("at most 1024 threads");
  if (o.source.empty()) return Status::InvalidArgument("no source given; pass --source URI (e.g. jsonl:data.jsonl)");
  if (!o.shaping.empty()) FERRY_RETURN_IF_ERROR(Shaper::Compile(o.shaping, o.functions).status());
  return Status::OK();
}

// Compiles RunOptions::shaping into the processing options.
inline Status SetShaping(const RunOptions& o, ProcessOptions* p) {
  if (o.shaping.empty()) return Status::OK();
  FERRY_ASSIGN_OR_RETURN(auto shaper, Shaper::Compile(o.shaping, o.functions));
  p->shaping = std::shared_ptr<const Shaper>(std::move(shaper));
  return Status::OK();
}


}  // namespace ferry::internal

#endif  // FERRY_ENGINE_DRIVER_H_
