// Copyright (c) the Ferry authors.
//
// `ferry status [RUN]`, `ferry history` and `ferry repair`: views of Ferry's
// state (include/ferry/state.h).

#ifndef FERRY_CLI_STATE_COMMANDS_H_
#define FERRY_CLI_STATE_COMMANDS_H_

#include <CLI/CLI.hpp>

namespace ferry::cli {

// Adds the subcommands to `app` (their options live until exit).
void RegisterStateCommands(CLI::App& app);
// When one of them was parsed: runs it, stores its exit code, returns true.
bool RunStateCommand(int* exit_code);

}  // namespace ferry::cli

#endif  // FERRY_CLI_STATE_COMMANDS_H_
