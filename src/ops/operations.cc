// Copyright (c) the Ferry authors.
//
// The operations registry (include/ferry/operation.h). Each operation runs
// on its own thread (operation_jobs.cc says what it does); its events get a
// sequence number and update its snapshot under the entry's mutex; its state
// changes are saved in the history (operation_history.cc).
//
// Locks: Rep::mu (entries, slots, subscriptions) may be held when taking an
// Entry::mu, never the other way round; the history has its own mutex and is
// called with no other lock held.

#include "ferry/operation.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include "ferry/log.h"
#include "ops/operation_history.h"
#include "ops/operation_jobs.h"
#include "store/sql.h"

namespace ferry {

namespace {

constexpr std::array<const char*, 14> kKindNames = {
    "run",    "dry_run",  "export",       "import",        "analyze",        "validate",     "plan",
    "verify", "rollback", "backup_create", "backup_verify", "backup_restore", "backup_prune", "cleanup",
};

std::string NewOperationId() {
  std::random_device rd;
  char buf[32];
  std::snprintf(buf, sizeof(buf), "op-%08x%08x", unsigned(rd()), unsigned(rd()));
  return buf;
}

// One operation of this process.
struct Entry {
  OperationRequest request;
  mutable std::mutex mu;
  mutable std::condition_variable changed;  // a new event or a new state
  OperationSnapshot snap;
  std::deque<OperationEvent> events;
  std::atomic<bool> cancel{false};
  std::atomic<bool> stop_now{false};
  std::thread thread;
};

void CountersFromEvent(const Event& e, OperationCounters* c) {
  c->processed = e.processed_docs;
  c->bytes = e.processed_bytes;
  c->total_bytes = e.total_bytes;
  c->migrated = e.migrated;
  c->already_at_target = e.already_at_target;
  c->rejected = e.rejected;
  c->rejected_by_code = e.rejected_by_code;
  c->filtered = e.filtered;
  c->conflicts = e.conflicts;
  c->docs_per_second = e.docs_per_second;
  c->mb_per_second = e.mb_per_second;
  c->eta_seconds = e.eta_seconds;
  c->percent = e.total_bytes > 0 ? std::min(100.0, 100.0 * double(e.processed_bytes) / double(e.total_bytes)) : -1;
}

bool CarriesCounters(EventType t) {
  return t == EventType::kRunStarted || t == EventType::kProgress || t == EventType::kCompleted ||
         t == EventType::kFailed || t == EventType::kRollbackStarted || t == EventType::kRollbackCompleted;
}

OperationState FinalState(const Status& s) {
  if (s.ok()) return OperationState::kCompleted;
  return s.code() == ErrorCode::kCancelled ? OperationState::kCancelled : OperationState::kFailed;
}

}  // namespace

const char* OperationKindName(OperationKind kind) {
  return size_t(kind) < kKindNames.size() ? kKindNames[size_t(kind)] : "unknown";
}

Result<OperationKind> ParseOperationKind(std::string_view name) {
  for (size_t i = 0; i < kKindNames.size(); ++i) {
    if (name == kKindNames[i]) return OperationKind(i);
  }
  std::string all;
  for (const char* n : kKindNames) all += std::string(all.empty() ? "" : ", ") + n;
  return Status::InvalidArgument("unknown operation kind \"" + std::string(name) + "\"; the kinds: " + all);
}

const char* OperationStateName(OperationState state) {
  switch (state) {
    case OperationState::kQueued: return "queued";
    case OperationState::kRunning: return "running";
    case OperationState::kCancelling: return "cancelling";
    case OperationState::kCompleted: return "completed";
    case OperationState::kFailed: return "failed";
    case OperationState::kCancelled: return "cancelled";
  }
  return "unknown";
}

bool IsFinished(OperationState state) {
  return state == OperationState::kCompleted || state == OperationState::kFailed ||
         state == OperationState::kCancelled;
}

struct Operations::Rep {
  OperationsOptions options;
  std::unique_ptr<internal::OperationHistory> history;
  mutable std::mutex mu;
  std::condition_variable slot_free;
  std::map<std::string, std::shared_ptr<Entry>> entries;
  uint32_t running = 0;
  struct Subscription {
    std::thread thread;
    std::shared_ptr<std::atomic<bool>> stop;
  };
  std::map<uint64_t, Subscription> subscriptions;
  uint64_t next_subscription = 1;

  std::shared_ptr<Entry> Find(const std::string& id) const {
    std::lock_guard<std::mutex> lock(mu);
    auto it = entries.find(id);
    return it == entries.end() ? nullptr : it->second;
  }

  void Save(const Entry& e) {
    if (!options.keep_history) return;
    OperationSnapshot copy;
    {
      std::lock_guard<std::mutex> lock(e.mu);
      copy = e.snap;
    }
    Status s = history->Save(copy);
    if (!s.ok()) Log(LogLevel::kWarn, "operation " + copy.id + ": its history was not saved: " + s.ToString());
  }

  // Appends `event` (numbered) and folds it into the snapshot.
  void Record(Entry& e, Event event, bool state_change = false) {
    std::lock_guard<std::mutex> lock(e.mu);
    RecordLocked(e, std::move(event), state_change);
  }

  // As Record, with e.mu held.
  void RecordLocked(Entry& e, Event event, bool state_change) {
    OperationSnapshot& s = e.snap;
    if (!event.stage.empty()) s.stage = event.stage;
    if (s.run_id.empty() && !event.run_id.empty()) s.run_id = event.run_id;
    if (CarriesCounters(event.type)) CountersFromEvent(event, &s.counters);
    OperationEvent oe;
    oe.seq = ++s.last_seq;
    oe.operation_id = s.id;
    oe.kind = s.kind;
    oe.state = s.state;
    oe.state_change = state_change;
    oe.event = std::move(event);
    e.events.push_back(std::move(oe));
    while (e.events.size() > std::max<uint32_t>(1, options.events_kept)) e.events.pop_front();
    e.changed.notify_all();
  }

  // A cancel that came first keeps the state `cancelling`.
  void SetState(Entry& e, OperationState state, const std::string& stage) {
    {
      std::lock_guard<std::mutex> lock(e.mu);
      if (e.snap.state != OperationState::kCancelling || IsFinished(state)) e.snap.state = state;
      if (state == OperationState::kRunning) e.snap.started_at = internal::NowIso();
      Event ev;
      ev.type = EventType::kStageChanged;
      ev.stage = stage;
      RecordLocked(e, std::move(ev), /*state_change=*/true);
    }
    Save(e);
  }

  // Waits for a free slot; false when the operation was cancelled while
  // queued. Returns the thread share in `threads`.
  bool AcquireSlot(Entry& e, uint32_t* threads) {
    std::unique_lock<std::mutex> lock(mu);
    slot_free.wait(lock, [&] { return e.cancel.load() || running < std::max<uint32_t>(1, options.max_running); });
    if (e.cancel.load()) return false;
    ++running;
    const uint32_t budget = options.threads != 0 ? options.threads : std::max(1u, std::thread::hardware_concurrency());
    *threads = std::max(1u, budget / running);
    return true;
  }

  void ReleaseSlot() {
    std::lock_guard<std::mutex> lock(mu);
    --running;
    slot_free.notify_all();
  }

  void Finish(Entry& e, const internal::JobResult& r) {
    Event last;
    last.type = EventType::kOperationFinished;
    last.stage = "finished";
    last.code = r.status.code();
    last.message = r.status.ok() ? "" : r.status.message();
    {
      std::lock_guard<std::mutex> lock(e.mu);
      e.snap.state = FinalState(r.status);
      e.snap.status = r.status;
      e.snap.finished_at = internal::NowIso();
      e.snap.result_json = r.result_json;
      if (!r.run_id.empty()) e.snap.run_id = r.run_id;
      e.snap.run_report = r.run_report;
      e.snap.report = r.report;
      last.run_id = e.snap.run_id;
      RecordLocked(e, std::move(last), /*state_change=*/true);
    }
    Save(e);
  }

  // The operation's thread.
  void Execute(std::shared_ptr<Entry> e, std::string resume_run) {
    uint32_t threads = 0;
    if (!AcquireSlot(*e, &threads)) {
      Finish(*e, internal::JobResult{Status::Cancelled("cancelled while queued"), "", "", nullptr, nullptr});
      return;
    }
    SetState(*e, OperationState::kRunning, "running");
    class Sink : public EventSink {
     public:
      Sink(Rep& rep, Entry& e) : rep_(rep), e_(e) {}
      void OnEvent(const Event& event) override { rep_.Record(e_, event); }

     private:
      Rep& rep_;
      Entry& e_;
    } sink(*this, *e);
    internal::JobContext context{&e->cancel, &e->stop_now, &sink, threads, std::move(resume_run)};
    internal::JobResult result = internal::RunJob(e->request, context);
    ReleaseSlot();
    Finish(*e, result);
  }

  // Queues a resumed `e` again from its run's checkpoint (a rollback finds
  // its unfinished run itself), its last outcome forgotten.
  void Relaunch(const std::shared_ptr<Entry>& e) {
    std::string run_id;
    {
      std::lock_guard<std::mutex> lock(e->mu);
      e->snap.status = Status::OK();
      e->snap.finished_at.clear();
      e->snap.result_json.clear();
      e->snap.run_report.reset();
      e->snap.report.reset();
      ++e->snap.resumes;
      if (e->snap.kind != OperationKind::kRollback) run_id = e->snap.run_id;
    }
    e->cancel = false;
    e->stop_now = false;
    SetState(*e, OperationState::kQueued, "queued");
    Launch(e, std::move(run_id));
  }

  void Launch(const std::shared_ptr<Entry>& e, std::string resume_run) {
    e->thread = std::thread([this, e, resume_run = std::move(resume_run)]() mutable { Execute(e, resume_run); });
  }

  Result<std::vector<OperationEvent>> EventsAfter(const Entry& e, uint64_t after, std::chrono::milliseconds wait) {
    std::unique_lock<std::mutex> lock(e.mu);
    e.changed.wait_for(lock, wait, [&] { return e.snap.last_seq > after || IsFinished(e.snap.state); });
    std::vector<OperationEvent> out;
    if (e.snap.last_seq <= after) return out;
    if (e.events.empty() || e.events.front().seq > after + 1) {
      return Status::NotFound("events after " + std::to_string(after) + " of operation " + e.snap.id +
                              " are no longer kept (the last " + std::to_string(options.events_kept) +
                              " are); take a snapshot (Get) and follow from its last_seq");
    }
    for (const OperationEvent& ev : e.events) {
      if (ev.seq > after) out.push_back(ev);
    }
    return out;
  }
};

Operations::Operations(std::unique_ptr<Rep> rep) : rep_(std::move(rep)) {}

Result<std::unique_ptr<Operations>> Operations::Open(const OperationsOptions& options) {
  auto rep = std::make_unique<Rep>();
  rep->options = options;
  if (options.keep_history) {
    FERRY_ASSIGN_OR_RETURN(rep->history, internal::OperationHistory::Open(options.state));
  }
  return std::unique_ptr<Operations>(new Operations(std::move(rep)));
}

Operations::~Operations() {
  std::vector<std::shared_ptr<Entry>> all;
  std::vector<uint64_t> subs;
  {
    std::lock_guard<std::mutex> lock(rep_->mu);
    for (auto& [id, e] : rep_->entries) all.push_back(e);
    for (auto& [id, s] : rep_->subscriptions) subs.push_back(id);
  }
  for (auto& e : all) e->cancel = true;
  rep_->slot_free.notify_all();
  for (auto& e : all) {
    if (e->thread.joinable()) e->thread.join();
  }
  for (uint64_t id : subs) Unsubscribe(id);
}

Result<std::string> Operations::Start(OperationRequest request) {
  FERRY_RETURN_IF_ERROR(internal::CheckRequest(request));
  auto e = std::make_shared<Entry>();
  OperationSnapshot& s = e->snap;
  s.id = NewOperationId();
  s.kind = request.kind;
  s.created_at = internal::NowIso();
  s.project = request.project_dir;
  s.source = internal::SourceOf(request);
  s.target = internal::TargetOf(request);
  e->request = std::move(request);
  {
    std::lock_guard<std::mutex> lock(rep_->mu);
    rep_->entries[s.id] = e;
  }
  rep_->SetState(*e, OperationState::kQueued, "queued");
  rep_->Launch(e, "");
  return e->snap.id;
}

Result<OperationSnapshot> Operations::Get(const std::string& id) const {
  if (auto e = rep_->Find(id)) {
    std::lock_guard<std::mutex> lock(e->mu);
    return e->snap;
  }
  if (!rep_->history) return Status::NotFound("no operation " + id + " runs in this process (no history is kept)");
  FERRY_ASSIGN_OR_RETURN(std::optional<OperationSnapshot> saved, rep_->history->Load(id));
  if (!saved) return Status::NotFound("no operation " + id + " (Operations::History lists them)");
  return *saved;
}

std::vector<OperationSnapshot> Operations::Active() const {
  std::vector<OperationSnapshot> out;
  std::lock_guard<std::mutex> lock(rep_->mu);
  for (const auto& [id, e] : rep_->entries) {
    std::lock_guard<std::mutex> entry_lock(e->mu);
    if (!IsFinished(e->snap.state)) out.push_back(e->snap);
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.created_at < b.created_at; });
  return out;
}

Result<std::vector<OperationSnapshot>> Operations::History(uint32_t limit) const {
  if (!rep_->history) return std::vector<OperationSnapshot>();
  FERRY_ASSIGN_OR_RETURN(std::vector<OperationSnapshot> saved, rep_->history->Newest(limit));
  for (OperationSnapshot& s : saved) {
    if (auto e = rep_->Find(s.id)) {
      std::lock_guard<std::mutex> lock(e->mu);
      s = e->snap;  // the live one
    }
  }
  return saved;
}

Status Operations::Cancel(const std::string& id, bool now) {
  auto e = rep_->Find(id);
  if (e == nullptr) return Status::NotFound("no operation " + id + " runs in this process");
  {
    // Checked and set under the entry's lock: the job may end meanwhile.
    std::lock_guard<std::mutex> lock(e->mu);
    if (IsFinished(e->snap.state)) {
      return Status::InvalidArgument("operation " + id + " already ended (" + OperationStateName(e->snap.state) +
                                     "); nothing to cancel");
    }
    e->snap.state = OperationState::kCancelling;
    e->cancel = true;
    if (now) e->stop_now = true;
    Event ev;
    ev.type = EventType::kStageChanged;
    ev.stage = "cancelling";
    rep_->RecordLocked(*e, std::move(ev), /*state_change=*/true);
  }
  rep_->slot_free.notify_all();
  rep_->Save(*e);
  return Status::OK();
}

Status Operations::Resume(const std::string& id) {
  auto e = rep_->Find(id);
  if (e == nullptr) return Status::NotFound("no operation " + id + " of this process to resume");
  {
    std::lock_guard<std::mutex> lock(e->mu);
    const OperationState st = e->snap.state;
    if (st != OperationState::kCancelled && st != OperationState::kFailed) {
      return Status::InvalidArgument("operation " + id + " is " + OperationStateName(st) +
                                     "; only a cancelled or failed one resumes");
    }
    if (!internal::Resumable(e->snap.kind)) {
      return Status::InvalidArgument(std::string("a ") + OperationKindName(e->snap.kind) +
                                     " operation does not resume; start it again");
    }
  }
  if (e->thread.joinable()) e->thread.join();
  rep_->Relaunch(e);
  return Status::OK();
}

namespace {

// An earlier process's operation as `request` restarts it: checked against
// what the history says it was.
Status CheckResumable(const OperationSnapshot& saved, const OperationRequest& request) {
  if (saved.state == OperationState::kCompleted) {
    return Status::InvalidArgument("operation " + saved.id + " completed; nothing to resume");
  }
  if (!internal::Resumable(saved.kind)) {
    return Status::InvalidArgument(std::string("a ") + OperationKindName(saved.kind) +
                                   " operation does not resume; start it again");
  }
  if (request.kind != saved.kind) {
    return Status::InvalidArgument("operation " + saved.id + " is a " + OperationKindName(saved.kind) +
                                   "; the request is a " + OperationKindName(request.kind));
  }
  if (internal::TargetOf(request) != saved.target) {
    return Status::InvalidArgument("operation " + saved.id + " wrote to " + saved.target + "; the request names " +
                                   internal::TargetOf(request));
  }
  return internal::CheckRequest(request);
}

}  // namespace

Status Operations::Resume(const std::string& id, OperationRequest request) {
  if (rep_->Find(id) != nullptr) return Resume(id);
  FERRY_ASSIGN_OR_RETURN(OperationSnapshot saved, Get(id));
  FERRY_RETURN_IF_ERROR(CheckResumable(saved, request));
  auto e = std::make_shared<Entry>();
  e->snap = std::move(saved);
  e->request = std::move(request);
  {
    std::lock_guard<std::mutex> lock(rep_->mu);
    if (!rep_->entries.emplace(id, e).second) return Status::Locked("operation " + id + " is being resumed already");
  }
  rep_->Relaunch(e);
  return Status::OK();
}

Result<OperationSnapshot> Operations::Wait(const std::string& id, std::chrono::milliseconds timeout) const {
  auto e = rep_->Find(id);
  if (e == nullptr) return Get(id);
  std::unique_lock<std::mutex> lock(e->mu);
  e->changed.wait_for(lock, timeout, [&] { return IsFinished(e->snap.state); });
  return e->snap;
}

Result<std::vector<OperationEvent>> Operations::Events(const std::string& id, uint64_t after_seq,
                                                       std::chrono::milliseconds wait) const {
  auto e = rep_->Find(id);
  if (e == nullptr) return Status::NotFound("no operation " + id + " runs in this process (its events are gone)");
  return rep_->EventsAfter(*e, after_seq, wait);
}

Result<uint64_t> Operations::Subscribe(const std::string& id, uint64_t after_seq, EventCallback callback) {
  auto e = rep_->Find(id);
  if (e == nullptr) return Status::NotFound("no operation " + id + " runs in this process");
  auto stop = std::make_shared<std::atomic<bool>>(false);
  auto follow = [rep = rep_.get(), e, stop, after_seq, callback = std::move(callback)] {
    uint64_t last = after_seq;
    while (!stop->load()) {
      auto events = rep->EventsAfter(*e, last, std::chrono::milliseconds(200));
      if (!events.ok()) return;
      for (const OperationEvent& ev : *events) {
        if (stop->load() || !callback(ev) || ev.event.type == EventType::kOperationFinished) return;
        last = ev.seq;
      }
    }
  };
  std::lock_guard<std::mutex> lock(rep_->mu);
  const uint64_t sid = rep_->next_subscription++;
  rep_->subscriptions[sid] = Rep::Subscription{std::thread(std::move(follow)), stop};
  return sid;
}

void Operations::Unsubscribe(uint64_t subscription) {
  Rep::Subscription s;
  {
    std::lock_guard<std::mutex> lock(rep_->mu);
    auto it = rep_->subscriptions.find(subscription);
    if (it == rep_->subscriptions.end()) return;
    s = std::move(it->second);
    rep_->subscriptions.erase(it);
  }
  *s.stop = true;
  if (s.thread.joinable()) s.thread.join();
}

}  // namespace ferry
