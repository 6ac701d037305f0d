// Copyright (c) the Ferry authors.
//
// `ferry init --sample FILE.jsonl [--dir DIR]`: a starting project, ferry.yaml
// with one version and its JSON Schema inferred from the sample's records.

#ifndef FERRY_CLI_INIT_COMMAND_H_
#define FERRY_CLI_INIT_COMMAND_H_

#include <CLI/CLI.hpp>

namespace ferry::cli {

// Adds `init` to `app` (its options live until exit).
void RegisterInitCommand(CLI::App& app);
// When `init` was parsed: runs it, stores its exit code, returns true.
bool RunInitCommand(int* exit_code);

}  // namespace ferry::cli

#endif  // FERRY_CLI_INIT_COMMAND_H_
