// Copyright (c) the Ferry authors.
//
// `ferry version [--json]` (and `ferry --version`): Ferry's version, from
// CMake's project(VERSION), and the versions of the libraries this build
// runs with.

#ifndef FERRY_CLI_VERSION_COMMAND_H_
#define FERRY_CLI_VERSION_COMMAND_H_

#include <string>

#include <CLI/CLI.hpp>

namespace ferry::cli {

// "ferry 0.1.0" and a line naming the libraries and their versions.
std::string VersionText();

// Adds `version` and `--version` to `app` (their options live until exit).
void RegisterVersionCommand(CLI::App& app);
// When `version` was parsed: prints, stores its exit code, returns true.
bool RunVersionCommand(int* exit_code);

}  // namespace ferry::cli

#endif  // FERRY_CLI_VERSION_COMMAND_H_
