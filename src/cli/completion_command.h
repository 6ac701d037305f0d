// Copyright (c) the Ferry authors.
//
// `ferry completion bash|zsh`: a shell completion script generated from the
// command line's own sub-commands and options, so it never drifts from them.

#ifndef FERRY_CLI_COMPLETION_COMMAND_H_
#define FERRY_CLI_COMPLETION_COMMAND_H_

#include <string>

#include <CLI/CLI.hpp>

namespace ferry::cli {

// The script for `shell` ("bash" or "zsh") completing `app`'s commands.
std::string CompletionScript(const CLI::App& app, const std::string& shell);

// Adds `completion` to `app`, which must hold every other command already
// (the script is made from them when the command runs).
void RegisterCompletionCommand(CLI::App& app);
// When `completion` was parsed: prints the script, stores its exit code,
// returns true.
bool RunCompletionCommand(int* exit_code);

}  // namespace ferry::cli

#endif  // FERRY_CLI_COMPLETION_COMMAND_H_
