// Copyright (c) the Ferry authors.
//
// Event names (events.h).

#include "ferry/events.h"

namespace ferry {

const char* EventTypeName(EventType t) {
  switch (t) {
    case EventType::kRunStarted: return "run_started";
    case EventType::kStageChanged: return "stage_changed";
    case EventType::kProgress: return "progress";
    case EventType::kWarning: return "warning";
    case EventType::kError: return "error";
    case EventType::kCompleted: return "completed";
    case EventType::kFailed: return "failed";
    case EventType::kRollbackStarted: return "rollback_started";
    case EventType::kRollbackCompleted: return "rollback_completed";
  }
  return "unknown";
}

}  // namespace ferry
