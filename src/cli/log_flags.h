// Copyright (c) the Ferry authors.
//
// The global `--log-level` and `--log-format` options (ferry/log.h), given
// before or after the sub-command, or as FERRY_LOG_LEVEL / FERRY_LOG_FORMAT.

#ifndef FERRY_CLI_LOG_FLAGS_H_
#define FERRY_CLI_LOG_FLAGS_H_

#include <string>

#include <CLI/CLI.hpp>

#include "ferry/status.h"

namespace ferry::cli {

struct LogFlags {
  std::string level = "error";
  std::string format = "text";
};

// Adds both options to `app` and lets sub-commands pass them up
// (fallthrough). REQUIRES: called before any sub-command is added.
void AddLogFlags(CLI::App* app, LogFlags* flags);
// Sets the log's level and format; INVALID_ARGUMENT for unknown names.
Status ApplyLogFlags(const LogFlags& flags);

}  // namespace ferry::cli

#endif  // FERRY_CLI_LOG_FLAGS_H_
