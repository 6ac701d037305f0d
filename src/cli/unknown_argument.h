// Copyright (c) the Ferry authors.
//
// Naming a mistyped sub-command or option and suggesting the closest one:
// `ferry rnu` -> "unknown command 'rnu'; did you mean 'run'?".

#ifndef FERRY_CLI_UNKNOWN_ARGUMENT_H_
#define FERRY_CLI_UNKNOWN_ARGUMENT_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

#include "ferry/status.h"

namespace ferry::cli {

// Walks argv (argv[0] is the program) through `app`'s own sub-commands and
// options. Returns INVALID_ARGUMENT naming the first word that is neither a
// sub-command where one is expected nor an option of the command it follows,
// with the closest known name when one is close; OK when every word is known
// (the parse error, if any, is another kind: CLI11's message says it).
Status FindUnknownArgument(const CLI::App& app, int argc, const char* const* argv);

// The candidate closest to `typed`, or "" when none is close enough to be
// what was meant. Ties go to the earlier candidate.
std::string ClosestName(std::string_view typed, const std::vector<std::string>& candidates);

// Optimal-string-alignment (restricted Damerau-Levenshtein) distance: edits
// are insertion, deletion, substitution and the swap of two adjacent letters.
size_t TypoDistance(std::string_view a, std::string_view b);

}  // namespace ferry::cli

#endif  // FERRY_CLI_UNKNOWN_ARGUMENT_H_
