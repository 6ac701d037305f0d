// Copyright (c) the Ferry authors.
//
// The diagnostic log (ferry/log.h). Written here rather than with spdlog:
// Ferry's lines are a handful per run, each a JSON object whose members are
// the caller's fields, which spdlog's pattern formatter does not build
// (its JSON output would still need this escaping), and spdlog is not among
// the packages the build depends on (scripts/install-deps.sh).

#include "ferry/log.h"

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <mutex>

#include "common/json_builder.h"
#include "ferry/json.h"

namespace ferry {
namespace {

std::atomic<uint8_t> g_level{uint8_t(LogLevel::kError)};
std::atomic<uint8_t> g_format{uint8_t(LogFormat::kText)};
std::mutex g_write;

std::string NowUtc() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  const int ms = int(std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char day[32], out[40];
  std::strftime(day, sizeof(day), "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(out, sizeof(out), "%s.%03dZ", day, ms);
  return out;
}

std::string JsonLine(LogLevel level, std::string_view message, const std::vector<LogField>& fields) {
  internal::JsonBuilder j;
  j.Begin().Key("time").Str(NowUtc()).Key("level").Str(LogLevelName(level)).Key("message").Str(message);
  for (const LogField& f : fields) {
    j.Key(f.name);
    if (f.number) j.Json(f.value);
    else j.Str(f.value);
  }
  return j.End().Take() + "\n";
}

std::string TextLine(LogLevel level, std::string_view message, const std::vector<LogField>& fields) {
  char head[64];
  std::snprintf(head, sizeof(head), "%s %-5s ", NowUtc().c_str(), LogLevelName(level));
  std::string line = head + std::string(message);
  for (const LogField& f : fields) line += "  " + f.name + "=" + f.value;
  return line + "\n";
}

}  // namespace

Result<LogLevel> ParseLogLevel(std::string_view name) {
  if (name == "error") return LogLevel::kError;
  if (name == "warn") return LogLevel::kWarn;
  if (name == "info") return LogLevel::kInfo;
  if (name == "debug") return LogLevel::kDebug;
  return Status::InvalidArgument("unknown log level '" + std::string(name) + "'; use error, warn, info or debug");
}

Result<LogFormat> ParseLogFormat(std::string_view name) {
  if (name == "text") return LogFormat::kText;
  if (name == "json") return LogFormat::kJson;
  return Status::InvalidArgument("unknown log format '" + std::string(name) + "'; use text or json");
}

const char* LogLevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kError: return "error";
    case LogLevel::kWarn: return "warn";
    case LogLevel::kInfo: return "info";
    case LogLevel::kDebug: return "debug";
  }
  return "error";
}

void SetLogLevel(LogLevel level) { g_level.store(uint8_t(level)); }
void SetLogFormat(LogFormat format) { g_format.store(uint8_t(format)); }
LogFormat CurrentLogFormat() { return LogFormat(g_format.load()); }
bool LogEnabled(LogLevel level) { return uint8_t(level) <= g_level.load(); }

LogField LogStr(std::string name, std::string value) { return {std::move(name), std::move(value), false}; }

LogField LogNum(std::string name, double value) {
  char text[40];
  if (!std::isfinite(value)) return {std::move(name), "null", true};
  if (value == std::floor(value) && std::fabs(value) < 1e15) std::snprintf(text, sizeof(text), "%.0f", value);
  else std::snprintf(text, sizeof(text), "%.6g", value);
  return {std::move(name), text, true};
}

void Log(LogLevel level, std::string_view message, const std::vector<LogField>& fields) {
  if (!LogEnabled(level)) return;
  const std::string line = CurrentLogFormat() == LogFormat::kJson ? JsonLine(level, message, fields)
                                                                   : TextLine(level, message, fields);
  std::lock_guard<std::mutex> lock(g_write);
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

}  // namespace ferry
