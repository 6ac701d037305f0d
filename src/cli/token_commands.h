// Copyright (c) the Ferry authors.
//
// `ferry token create NAME --role viewer|operator|admin --tokens FILE`,
// `ferry token list --tokens FILE [--json]` and
// `ferry token revoke NAME --tokens FILE`: the API tokens `ferry serve`
// accepts (server/tokens.h, docs/server.md "Tokens and roles").
//
// create prints the new token on stdout, alone (a note to store it now goes
// to stderr), so `TOKEN=$(ferry token create ...)` keeps it; it is shown this
// once: the file keeps only its SHA-256. list never shows hashes. A running
// server sees a revoke at its next request.
//
// Errors (exit codes as docs/exit-codes.md): INVALID_ARGUMENT (2) for a bad
// name or role, a missing option or a malformed tokens file; CONFLICT (75)
// for a name in use; NOT_FOUND (66) for an unknown name or a missing file
// (list, revoke); IO_ERROR (74) when the file cannot be read or written.
//
// Thread safety: single-threaded (the CLI's main thread).

#ifndef FERRY_CLI_TOKEN_COMMANDS_H_
#define FERRY_CLI_TOKEN_COMMANDS_H_

#include <CLI/CLI.hpp>

namespace ferry::cli {

// Adds `ferry token` and its subcommands to `app` (options live until exit).
void RegisterTokenCommands(CLI::App& app);
// When one of them was parsed: runs it, stores its exit code, returns true.
bool RunTokenCommand(int* exit_code);

}  // namespace ferry::cli

#endif  // FERRY_CLI_TOKEN_COMMANDS_H_
