// Copyright (c) the Ferry authors.
//
// `ferry export` and `ferry import`: runs between a store and a file in any
// format (docs/stores.md), with the run's machinery (history, state,
// checkpoints, report, progress) and options.
//
//   export --project P --source STORE --target FILE [--version V]
//     writes the records as they are stored (validated against their
//     version's schema), or migrated to version V with --version.
//   import --project P --source FILE --target STORE [--as-is]
//     migrates to the project's target version (like run), or writes the
//     records as they are (validated) with --as-is.

#ifndef FERRY_CLI_TRANSFER_COMMANDS_H_
#define FERRY_CLI_TRANSFER_COMMANDS_H_

#include <CLI/CLI.hpp>

namespace ferry::cli {

// Adds the subcommands to `app` (their options live until exit).
void RegisterTransferCommands(CLI::App& app);
// When one of them was parsed: runs it, stores its exit code, returns true.
bool RunTransferCommand(int* exit_code);

}  // namespace ferry::cli

#endif  // FERRY_CLI_TRANSFER_COMMANDS_H_
