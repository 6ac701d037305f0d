// Copyright (c) the Ferry authors.
//
// `ferry serve --listen HOST:PORT --tokens FILE --project DIR [--project DIR
// ...] [--state PATH|URI] [--tls-cert F --tls-key F]`: the REST API
// (server/server.h, docs/server.md). SIGTERM or SIGINT stop it within about
// two seconds (running operations cancelled, resumable); a second signal
// exits at once.

#ifndef FERRY_CLI_SERVE_COMMAND_H_
#define FERRY_CLI_SERVE_COMMAND_H_

#include <CLI/CLI.hpp>

namespace ferry::cli {

// Adds `serve` to `app` (its options live until exit).
void RegisterServeCommand(CLI::App& app);
// When `serve` was parsed: serves until stopped, stores its exit code,
// returns true.
bool RunServeCommand(int* exit_code);

}  // namespace ferry::cli

#endif  // FERRY_CLI_SERVE_COMMAND_H_
