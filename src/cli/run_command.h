// Copyright (c) the Ferry authors.
//
// The `run` command's options and execution, shared by the commands that are
// runs too (`export`, `import`: cli/transfer_commands.h). Defined in cli.cc.

#ifndef FERRY_CLI_RUN_COMMAND_H_
#define FERRY_CLI_RUN_COMMAND_H_

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>

#include "cli/shaping_flags.h"

namespace ferry::cli {

struct Common {
  std::string project = ".";
  bool json = false;
  bool quiet = false;
};

struct DataOptions {
  std::string source;
  std::string state;  // --state (default $FERRY_STATE)
  uint32_t threads = 0;
  int64_t batch_size = -1;  // -1 = preset's
};

// File stores: --passphrase-file (or $FERRY_PASSPHRASE), --key-file,
// --compress, --compress-level, --split.
struct FileArgs {
  std::string passphrase_file;
  std::string key_file;
  std::string compress;
  int compress_level = 0;
  std::string split;
};

struct RunArgs {
  std::string target;
  std::string rejects;
  std::string complements;
  std::string preset = "recommended";
  std::string on_error;
  std::string report;
  bool dry_run = false;
  uint32_t throttle_ms = 0;
  bool no_validate_before = false;
  std::string resume;
  bool restart = false;
  std::string on_conflict = "skip";
  std::string prefer = "source";
  double lease_ttl = 30;
  double commit_interval = 1;
  uint32_t retries = 5;
  bool no_backup = false;
  bool backup = false;
  std::string backup_dir;
  std::string backup_passphrase_file;
  std::string backup_key_file;
  bool preserve_original = false;
  FileArgs file;
  // Record shaping (cli/shaping_flags.h); registered by the caller.
  ShapingFlags shaping;
  // Set by export/import: migrate to this version instead of the project's
  // target (""), or write records as they are stored.
  std::string version;
  bool as_is = false;
  // Set by export/import when --project is not given and there is no
  // ./ferry.yaml: convert formats, records as read (Project::RecordsAsRead).
  bool without_project = false;
  const char* verb = "Run";
};

// -p/--project, --json, -q/--quiet.
void AddCommon(CLI::App* app, Common* c);
// -s/--source (required), --state, --threads, --batch-size.
void AddData(CLI::App* app, DataOptions* d);
// Every option of `run` but --target (the caller adds it with its own help)
// and the shaping flags (AddShapingFlags(app, &a->shaping)).
void AddRunFlags(CLI::App* app, RunArgs* a);
void AddFileFlags(CLI::App* app, FileArgs* f);
// Loads the project, runs, prints the report; returns the exit code.
int RunRun(const Common& c, const DataOptions& d, const RunArgs& a);

}  // namespace ferry::cli

#endif  // FERRY_CLI_RUN_COMMAND_H_
