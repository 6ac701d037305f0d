// Copyright (c) the Ferry authors.
//
// `ferry template save|list|show|delete` and `--template NAME` on the
// commands a template can be for (include/ferry/templates.h,
// docs/templates.md).
//
// A command opts in with EnableTemplates(sub, "run") once its options are
// added; after parsing, ResolveTemplate(sub, ...) applies the named template.
// `ferry template save NAME --for run -- FLAGS...` checks FLAGS by parsing
// them with that same subcommand's parser, so a flag `run` does not know is
// an error when saving, not when the template is used.
//
// Errors (exit codes as docs/exit-codes.md): INVALID_ARGUMENT (2) for a bad
// name, unknown flag, bad value or a template for another command; CONFLICT
// for an existing name without --force; NOT_FOUND (66) for an unknown
// template.
//
// Thread safety: single-threaded (the CLI's main thread).

#ifndef FERRY_CLI_TEMPLATE_COMMANDS_H_
#define FERRY_CLI_TEMPLATE_COMMANDS_H_

#include <string>

#include <CLI/CLI.hpp>

#include "ferry/status.h"
#include "ferry/templates.h"

namespace ferry::cli {

// Adds `ferry template` and its subcommands to `app` (options live until exit).
void RegisterTemplateCommands(CLI::App& app);
// When one of them was parsed: runs it, stores its exit code, returns true.
bool RunTemplateCommand(int* exit_code);

// Makes `sub`, the subcommand for `command` (run, export or import), take
// `--template NAME`, and defers its required options: they are checked by
// ResolveTemplate, after the template had its say. Call once, after every
// option of `sub` was added.
void EnableTemplates(CLI::App* sub, const std::string& command);

// Call when `sub` was parsed, before using its options. With --template NAME:
// loads the template from the state store (`state` and `target` as for
// State::Open; no state yet is NOT_FOUND) and applies it (ApplyTemplate).
// Then every deferred required option must have a value: INVALID_ARGUMENT
// naming it otherwise.
Status ResolveTemplate(CLI::App* sub, const std::string& state, const std::string& target);

// Applies the flags of `t` to the parsed `sub` as defaults: a flag given on
// the command line (or through its environment variable) keeps that value,
// every other flag of the template is set as if it had been typed, bound
// variables included. INVALID_ARGUMENT when `t` is for another command than
// `command` (naming both), or holds a flag `sub` does not have or a value the
// flag does not accept (naming the template and the flag).
Status ApplyTemplate(CLI::App* sub, const std::string& command, const Template& t);

}  // namespace ferry::cli

#endif  // FERRY_CLI_TEMPLATE_COMMANDS_H_
