// Copyright (c) the Ferry authors.
//
// Typed events the engine emits while it works. The command line draws them
// as a progress bar (or plain lines when not on a terminal); later front ends
// stream them (Server-Sent Events) or log them (audit log).
//
// Thread safety: the engine calls an EventSink from one thread at a time (the
// run's coordinating thread), so sinks need no locking of their own unless
// they share state with other threads.
//
// Waits: while a database statement of the run waits for a lock another
// session holds (PostgreSQL), a kStageChanged event with stage "waiting" comes
// about once a second, its message saying what for: "waiting for a row lock
// held by pid 12345 (since 3 s)". An event of another kind means it is over.

#ifndef FERRY_EVENTS_H_
#define FERRY_EVENTS_H_

#include <cstdint>
#include <map>
#include <string>

#include "ferry/status.h"

namespace ferry {

enum class EventType : uint8_t {
  kRunStarted = 0,
  kStageChanged = 1,
  kProgress = 2,
  kWarning = 3,
  kError = 4,
  kCompleted = 5,
  kFailed = 6,
  kRollbackStarted = 7,
  kRollbackCompleted = 8,
  // The last event of an operation (ferry/operation.h): it ended; `code` and
  // `message` say how (kOk: completed; CANCELLED: resumable).
  kOperationFinished = 9,
};

// "run_started", "stage_changed", "progress", "warning", "error",
// "completed", "failed", "rollback_started", "rollback_completed",
// "operation_finished".
const char* EventTypeName(EventType t);

struct Event {
  EventType type = EventType::kProgress;
  std::string run_id;
  // "reading", "migrating", "waiting" (message: for what), "publishing",
  // "done" ...
  std::string stage;
  uint64_t processed_docs = 0;
  uint64_t processed_bytes = 0;
  // Total input bytes when known (files), else 0.
  uint64_t total_bytes = 0;
  // Estimated total documents (from bytes per document so far), else 0.
  uint64_t estimated_total_docs = 0;
  double docs_per_second = 0;
  double mb_per_second = 0;  // MB = 10^6 bytes of input
  // Seconds left, -1 when unknown.
  double eta_seconds = -1;
  double elapsed_seconds = 0;
  // Table targets: rows others changed between the run's read and its
  // write (read again, never overwritten; RunReport::concurrent_changes).
  uint64_t concurrent_changes = 0;
  // Records per outcome so far (runs, exports, imports, analyze, validate;
  // every event of theirs after kRunStarted carries them).
  uint64_t migrated = 0;
  uint64_t already_at_target = 0;
  uint64_t rejected = 0;
  std::map<std::string, uint64_t> rejected_by_code;  // error code name -> records
  uint64_t filtered = 0;
  uint64_t conflicts = 0;
  // For kWarning / kError / kFailed: what happened.
  std::string message;
  ErrorCode code = ErrorCode::kOk;
};

// Receives events. Implementations must not throw.
class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual void OnEvent(const Event& event) = 0;
};

}  // namespace ferry

#endif  // FERRY_EVENTS_H_
