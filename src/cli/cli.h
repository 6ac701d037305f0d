// Copyright (c) the Ferry authors.
//
// The `ferry` command line. It is a thin front end: it parses arguments,
// calls the public API (include/ferry/), draws events, and maps Status codes
// to exit codes (docs/exit-codes.md). Results go to stdout; progress,
// warnings and errors to stderr.

#ifndef FERRY_CLI_CLI_H_
#define FERRY_CLI_CLI_H_

namespace ferry::cli {

// Runs the command line; returns the process exit code.
int Main(int argc, char** argv);

}  // namespace ferry::cli

#endif  // FERRY_CLI_CLI_H_
