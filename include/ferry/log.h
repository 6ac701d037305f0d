// Copyright (c) the Ferry authors.
//
// Ferry's diagnostic log, on standard error: what runs, exports, imports
// and rollbacks do (their events and audit entries) and, from the command
// line, the error that ends a command. Off below the chosen level; the
// default level is `error`, which logs only that final error.
//
// Two formats:
//   text  "2026-12-07T15:00:00.123Z warn  run 20261207-... lost its lease  run_id=..."
//   json  one JSON object per line: {"time":"...","level":"warn","message":"...", FIELDS...}
//         (fields are members of the object: strings, or numbers when numeric)
//
// Thread safety: Log() may be called from any thread; a line is written
// whole. SetLog*() are meant for start-up, before other threads log.

#ifndef FERRY_LOG_H_
#define FERRY_LOG_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ferry/result.h"

namespace ferry {

enum class LogLevel : uint8_t { kError = 0, kWarn = 1, kInfo = 2, kDebug = 3 };
enum class LogFormat : uint8_t { kText = 0, kJson = 1 };

// "error", "warn", "info", "debug"; INVALID_ARGUMENT otherwise.
Result<LogLevel> ParseLogLevel(std::string_view name);
// "text", "json"; INVALID_ARGUMENT otherwise.
Result<LogFormat> ParseLogFormat(std::string_view name);
const char* LogLevelName(LogLevel level);

// Default: kError, kText.
void SetLogLevel(LogLevel level);
void SetLogFormat(LogFormat format);
LogFormat CurrentLogFormat();
// Whether a message of `level` is written.
bool LogEnabled(LogLevel level);

struct LogField {
  std::string name;
  std::string value;
  bool number = false;  // json: written unquoted (value must be a JSON number)
};
LogField LogStr(std::string name, std::string value);
LogField LogNum(std::string name, double value);

// Writes one line when `level` is enabled.
void Log(LogLevel level, std::string_view message, const std::vector<LogField>& fields = {});

}  // namespace ferry

#endif  // FERRY_LOG_H_
