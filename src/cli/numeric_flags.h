// Copyright (c) the Ferry authors.
//
// Strict values for numeric flags, one parser for every command: the whole
// value is one number (an optional '-', decimal digits; for real numbers
// also a fraction and an exponent), finite, and inside the flag's range.
// "nan", "inf", "-5" for a count, "1e9" for an integer, "10x" and values
// past the range fail the parse; CLI11 names the flag ("--batch-size: ..."),
// and the CLI exits with INVALID_ARGUMENT (2).

#ifndef FERRY_CLI_NUMERIC_FLAGS_H_
#define FERRY_CLI_NUMERIC_FLAGS_H_

#include <cstdint>

#include <CLI/CLI.hpp>

namespace ferry::cli {

// An integer from `min` to `max` (both included).
CLI::Validator IntegerIn(int64_t min, int64_t max);
// A finite number from `min` to `max` (both included).
CLI::Validator NumberIn(double min, double max);

}  // namespace ferry::cli

#endif  // FERRY_CLI_NUMERIC_FLAGS_H_
