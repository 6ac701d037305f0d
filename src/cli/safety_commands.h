// Copyright (c) the Ferry authors.
//
// `ferry rollback` and `ferry backup ...` (include/ferry/rollback.h,
// include/ferry/backup.h).

#ifndef FERRY_CLI_SAFETY_COMMANDS_H_
#define FERRY_CLI_SAFETY_COMMANDS_H_

#include <CLI/CLI.hpp>
#include <string>

#include "ferry/result.h"

namespace ferry::cli {

// Adds the subcommands to `app` (their options live until exit).
void RegisterSafetyCommands(CLI::App& app);
// When one of them was parsed: runs it, stores its exit code, returns true.
bool RunSafetyCommand(int* exit_code);
// A passphrase from `file` (its first line), else from the environment
// variable `env`, else "".
Result<std::string> ReadPassphrase(const std::string& file, const char* env);

}  // namespace ferry::cli

#endif  // FERRY_CLI_SAFETY_COMMANDS_H_
