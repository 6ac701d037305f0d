// Copyright (c) the Ferry authors.
//
// Event names (events.h).

#include "ferry/events.h"

#include "engine/driver.h"
#include "ferry/log.h"

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
    case EventType::kOperationFinished: return "operation_finished";
  }
  return "unknown";
}

namespace internal {

namespace {

LogLevel LevelOf(EventType t) {
  switch (t) {
    case EventType::kRunStarted:
    case EventType::kCompleted:
    case EventType::kFailed:  // the caller logs the error that ended it
    case EventType::kRollbackStarted:
    case EventType::kRollbackCompleted:
    case EventType::kOperationFinished: return LogLevel::kInfo;
    case EventType::kWarning:
    case EventType::kError: return LogLevel::kWarn;
    case EventType::kStageChanged:
    case EventType::kProgress: return LogLevel::kDebug;
  }
  return LogLevel::kDebug;
}

}  // namespace

void LogEvent(const Event& e) {
  const LogLevel level = LevelOf(e.type);
  if (!LogEnabled(level)) return;
  std::vector<LogField> fields = {LogStr("event", EventTypeName(e.type)), LogStr("run_id", e.run_id),
                                  LogStr("stage", e.stage), LogNum("records", double(e.processed_docs)),
                                  LogNum("bytes", double(e.processed_bytes)),
                                  LogNum("elapsed_seconds", e.elapsed_seconds)};
  if (e.code != ErrorCode::kOk) fields.push_back(LogStr("code", std::string(ErrorCodeName(e.code))));
  std::string message = EventTypeName(e.type);
  if (!e.message.empty()) message += ": " + e.message;
  Log(level, message, fields);
}

}  // namespace internal

}  // namespace ferry
