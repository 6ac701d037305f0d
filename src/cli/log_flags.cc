// Copyright (c) the Ferry authors.
#include "cli/log_flags.h"

#include "ferry/log.h"

namespace ferry::cli {

void AddLogFlags(CLI::App* app, LogFlags* flags) {
  app->add_option("--log-level", flags->level,
                  "diagnostic log on stderr: error (only the error that ends a command) | warn | info | debug")
      ->envname("FERRY_LOG_LEVEL")
      ->capture_default_str();
  app->add_option("--log-format", flags->format,
                  "text | json (one JSON object per line: time, level, message and fields)")
      ->envname("FERRY_LOG_FORMAT")
      ->capture_default_str();
  app->fallthrough();
}

Status ApplyLogFlags(const LogFlags& flags) {
  // The format first, so that a bad level is reported in the chosen one.
  auto format = ParseLogFormat(flags.format);
  if (!format.ok()) return Status::InvalidArgument("--log-format: " + format.status().message());
  SetLogFormat(format.value());
  auto level = ParseLogLevel(flags.level);
  if (!level.ok()) return Status::InvalidArgument("--log-level: " + level.status().message());
  SetLogLevel(level.value());
  return Status::OK();
}

}  // namespace ferry::cli
