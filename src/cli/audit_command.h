// Copyright (c) the Ferry authors.
//
// `ferry audit [--run RUN] [--since WHEN] [--action A,...] [--actor USER]
// [--limit N] [--json]`: the audit log of Ferry's state (every run start,
// resume and end, rollback, backup restore, repair, cleanup ...), oldest
// first, filtered.

#ifndef FERRY_CLI_AUDIT_COMMAND_H_
#define FERRY_CLI_AUDIT_COMMAND_H_

#include <CLI/CLI.hpp>

namespace ferry::cli {

// Adds `audit` to `app` (its options live until exit).
void RegisterAuditCommand(CLI::App& app);
// When `audit` was parsed: prints, stores its exit code, returns true.
bool RunAuditCommand(int* exit_code);

}  // namespace ferry::cli

#endif  // FERRY_CLI_AUDIT_COMMAND_H_
