// Copyright (c) the Ferry authors.
//
// What every `ferry` command prints the same way.

#ifndef FERRY_CLI_OUTPUT_H_
#define FERRY_CLI_OUTPUT_H_

#include <string>
#include <string_view>

#include "ferry/status.h"

namespace ferry::cli {

// Prints "ferry: CODE: message" to stderr and returns the exit code of the
// status's code (docs/exit-codes.md).
int Fail(const Status& s);

// `s` as a JSON string literal (quoted and escaped), for --json output.
std::string Str(std::string_view s);

}  // namespace ferry::cli

#endif  // FERRY_CLI_OUTPUT_H_
