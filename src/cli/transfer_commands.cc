// Copyright (c) the Ferry authors.
//
// `ferry export` and `ferry import` (transfer_commands.h): thin commands over
// RunRun (cli/run_command.h) with their own defaults.

#include "cli/transfer_commands.h"

#include <cstdio>
#include <filesystem>
#include <utility>

#include "cli/output.h"
#include "cli/run_command.h"
#include "cli/template_commands.h"
#include "ferry/status.h"

namespace ferry::cli {

namespace {

struct Transfer {
  Common common;
  DataOptions data;
  RunArgs run;
};

Transfer g_export, g_import;
CLI::App* g_export_cmd = nullptr;
CLI::App* g_import_cmd = nullptr;

// Export and import take the record shaping flags (field mapping,
// transforms, filters: cli/shaping_flags.h); RunRun applies them.
void AddShaping(CLI::App* cmd, Transfer* t) { AddShapingFlags(cmd, &t->run.shaping); }

void AddTransfer(CLI::App* cmd, Transfer* t, const char* source_help, const char* target_help) {
  AddCommon(cmd, &t->common);
  AddData(cmd, &t->data);
  // AddData's --source help names stores; the transfer's own help is clearer.
  cmd->get_option("--source")->description(source_help);
  cmd->get_option("--project")->description(
      "ferry.yaml, or the directory holding it; without one here and without --project, files are converted "
      "with their records as read (docs/formats.md)");
  cmd->add_option("-t,--target", t->run.target, target_help)->required();
  AddRunFlags(cmd, &t->run);
  AddShaping(cmd, t);
}

}  // namespace

void RegisterTransferCommands(CLI::App& app) {
  g_export_cmd = app.add_subcommand(
      "export", "write a store's records to a file (jsonl, json, csv, xml, yaml, md; compressed, encrypted, split)");
  AddTransfer(g_export_cmd, &g_export,
              "the store to export: sqlite:PATH#TABLE, postgres://...?table=T or a file: PATH or FORMAT:PATH "
              "(jsonl, json, csv, xml, yaml, md)",
              "the file to write: PATH (format from the extension: .jsonl .json .csv .xml .yaml .md, then "
              ".gz/.zst/.br, then .enc) or FORMAT:PATH?options");
  g_export_cmd->add_option("--version", g_export.run.version,
                           "migrate the records to this version (default: write them as they are stored)");
  g_export.run.verb = "Export";
  EnableTemplates(g_export_cmd, "export");

  g_import_cmd = app.add_subcommand(
      "import", "read a file (jsonl, json, csv, xml, yaml, md; compressed, encrypted, split) into a store, migrated");
  AddTransfer(g_import_cmd, &g_import, "the file to read: PATH (format from the extension, else from the content) "
                                       "or FORMAT:PATH?options (FORMAT jsonl, json, csv, xml, yaml or md); a missing "
                                       "PATH with parts NAME.00001.EXT... reads them",
              "the store to write: sqlite:PATH#TABLE, postgres://...?table=T or a file");
  g_import_cmd->add_flag("--as-is", g_import.run.as_is,
                         "write the records as they are (validated against their version's schema), not migrated");
  g_import.run.verb = "Import";
  EnableTemplates(g_import_cmd, "import");
}

bool RunTransferCommand(int* exit_code) {
  for (auto [cmd, t] : {std::pair{g_export_cmd, &g_export}, std::pair{g_import_cmd, &g_import}}) {
    if (cmd == nullptr || !cmd->parsed()) continue;
    Status s = ResolveTemplate(cmd, t->data.state, t->run.target);
    if (!s.ok()) {
      *exit_code = Fail(s);
      return true;
    }
    if (t == &g_export) g_export.run.as_is = g_export.run.version.empty();
    std::error_code ec;
    t->run.without_project = cmd->get_option("--project")->count() == 0 && !std::filesystem::exists("ferry.yaml", ec);
    *exit_code = RunRun(t->common, t->data, t->run);
    return true;
  }
  return false;
}

}  // namespace ferry::cli
