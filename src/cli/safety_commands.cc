// Copyright (c) the Ferry authors.
//
// `ferry rollback` and `ferry backup create|list|verify|restore|delete|prune`
// (include/ferry/rollback.h, include/ferry/backup.h).

#include "cli/safety_commands.h"

#include "cli/output.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "cli/numeric_flags.h"
#include "cli/progress_display.h"
#include "cli/operation_client.h"
#include "common/json_builder.h"
#include "common/text.h"
#include "ferry/backup.h"
#include "ferry/project.h"
#include "ferry/rollback.h"

namespace ferry::cli {

using internal::Thousands;

namespace {

std::atomic<bool> g_cancel{false};
extern "C" void OnInterrupt(int) {
  if (g_cancel.load()) std::_Exit(130);
  g_cancel.store(true);
}

// `request` as an operation of this process (cli/operation_client.h), its
// events to `events`; SIGINT (when handled) cancels it at the next batch
// boundary. Returns what the direct call would have.
template <typename Report>
Result<Report> RunAs(OperationRequest request, EventSink* events = nullptr) {
  return RunForReport<Report>(std::move(request), Follower{events, &g_cancel, nullptr, 0});
}

// A loaded project as an operation shares it.
Result<std::shared_ptr<const Project>> LoadShared(const std::string& path) {
  FERRY_ASSIGN_OR_RETURN(std::unique_ptr<Project> project, Project::Load(path));
  return std::shared_ptr<const Project>(std::move(project));
}

struct Args {
  std::string project = ".";
  std::string state;
  std::string target;
  std::string source;
  std::string dir;
  std::string passphrase_file;
  std::string key_file;
  bool json = false;
  bool quiet = false;
  // rollback
  std::string run;
  std::string to;
  std::vector<std::string> keys;
  std::string keys_file;
  std::vector<uint64_t> batches;
  bool yes = false;
  bool list = false;
  bool dry_run = false;
  uint32_t commit_records = 2000;
  uint32_t throttle_ms = 0;
  // backup
  std::string id;
  bool incremental = false;
  bool pin = false;
  std::string description;
  bool decode = false;
  bool all = false;
  uint32_t keep = 5;
  int64_t max_age_days = 7;
};

Args g;
CLI::App* g_rollback = nullptr;
CLI::App* g_backup = nullptr;
CLI::App* g_cleanup = nullptr;
CLI::App *g_create = nullptr, *g_list = nullptr, *g_verify = nullptr, *g_restore = nullptr, *g_delete = nullptr,
         *g_prune = nullptr;

}  // namespace

Result<std::string> ReadPassphrase(const std::string& file, const char* env) {
  if (!file.empty()) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return Status::IoError("cannot read the passphrase file " + file);
    std::stringstream ss;
    ss << in.rdbuf();
    std::string p = ss.str();
    while (!p.empty() && (p.back() == '\n' || p.back() == '\r')) p.pop_back();
    if (p.empty()) return Status::InvalidArgument("the passphrase file " + file + " is empty");
    return p;
  }
  const char* e = std::getenv(env);
  return std::string(e != nullptr ? e : "");
}

namespace {

Result<BackupOptions> Options() {
  BackupOptions o;
  o.state = g.state;
  o.dir = g.dir;
  FERRY_ASSIGN_OR_RETURN(o.passphrase, ReadPassphrase(g.passphrase_file, "FERRY_BACKUP_PASSPHRASE"));
  o.key_file = g.key_file;
  if (!o.key_file.empty()) o.passphrase.clear();
  return o;
}

void AddStateOptions(CLI::App* app) {
  app->add_option("-p,--project", g.project, "ferry.yaml, or the directory holding it")->capture_default_str();
  app->add_option("--state", g.state, "Ferry's state: an SQLite file or postgres:// URI")->envname("FERRY_STATE");
  app->add_flag("--json", g.json, "print JSON");
}

// Where backups live; their files are looked for only in DIR/ID.
void AddDirOption(CLI::App* app) {
  app->add_option("--dir", g.dir, "where backups live (default: beside the state, .ferry/backups)");
}

void AddKeyOptions(CLI::App* app) {
  CLI::Option* passphrase = app->add_option("--passphrase-file", g.passphrase_file,
                                            "file holding the backup's passphrase (or set FERRY_BACKUP_PASSPHRASE)");
  app->add_option("--key-file", g.key_file, "file holding the backup's 256-bit key (32 bytes raw, hex or base64)")
      ->excludes(passphrase);
}

// The records left as they are because they cannot go back as asked, and
// why: with --to, the rows the run created have no earlier version in the
// target; the others were not at that version before or during the run.
void PrintNotRestorable(const RollbackImpact& i) {
  const uint64_t others = i.not_restorable - i.created_by_run;
  std::printf("  cannot      %s cannot be restored as asked: left as they are\n", Thousands(i.not_restorable).c_str());
  if (i.created_by_run) {
    std::printf("    %12s were created by the run (they did not exist in the target before it), so they have no\n"
                "                 earlier version there: `ferry rollback` without --to removes them; --to goes back on\n"
                "                 rows that existed in the target before the run (an in-place run's)\n",
                Thousands(i.created_by_run).c_str());
  }
  if (others) {
    std::printf("    %12s %s\n", Thousands(others).c_str(),
                i.to_version.empty() ? "do not come back to their original through the backward steps"
                                     : "were not at that version before or during the run");
  }
  for (const std::string& k : i.not_restorable_keys) std::printf("      %s\n", k.c_str());
}

void PrintImpact(const RollbackImpact& i) {
  std::printf("Rollback of run %s on %s%s\n", i.run_id.c_str(), i.target.c_str(),
              i.to_version.empty() ? "" : (" to version " + i.to_version).c_str());
  std::printf("  journal     %s (%s%s)\n", i.backup_id.c_str(),
              i.has_originals ? "with the records' originals" : "hashes and complements only",
              i.encrypted ? ", encrypted" : "");
  std::printf("  records     %s in the run's journal\n", Thousands(i.records).c_str());
  std::printf("  restore     %s records\n", Thousands(i.to_change()).c_str());
  if (i.via_backup) std::printf("    %12s from the backup (byte for byte)\n", Thousands(i.via_backup).c_str());
  if (i.via_complements) {
    std::printf("    %12s through the backward steps with their complements\n", Thousands(i.via_complements).c_str());
  }
  if (i.via_backward_steps) {
    std::printf("    %12s through the backward steps (lossless)\n", Thousands(i.via_backward_steps).c_str());
  }
  if (i.deletions) std::printf("    %12s removed (the run created them)\n", Thousands(i.deletions).c_str());
  for (const auto& [v, n] : i.versions) std::printf("      %-24s %s\n", v.c_str(), Thousands(n).c_str());
  std::printf("  unchanged   %s (already as before the run)\n", Thousands(i.unchanged).c_str());
  if (i.conflicts) {
    std::printf("  CONFLICTS   %s changed after the run: left as they are, not overwritten\n",
                Thousands(i.conflicts).c_str());
    for (const std::string& k : i.conflict_keys) std::printf("      %s\n", k.c_str());
  }
  if (i.not_restorable) PrintNotRestorable(i);
}

void RollbackPointJson(const RollbackPoint& p, internal::JsonBuilder& j) {
  j.Begin().Key("run_id").Str(p.run_id).Key("target").Str(p.target).Key("status").Str(p.status);
  j.Key("started_at").Str(p.started_at).Key("finished_at").Str(p.finished_at).Key("records").Num(p.records);
  j.Key("batches").Num(p.batches).Key("has_originals").Bool(p.has_originals).Key("encrypted").Bool(p.encrypted);
  j.Key("rolled_back_by").Str(p.rolled_back_by).Key("partly_rolled_back_by").Str(p.partly_rolled_back_by);
  j.Key("backup_status").Str(p.backup_status).End();
}

void PrintRollbackPoint(const RollbackPoint& p) {
  std::printf("  %-24s %-11s %-24s %10s records %5llu batches  %s%s  %s\n", p.run_id.c_str(), p.status.c_str(),
              p.started_at.c_str(), Thousands(p.records).c_str(), (unsigned long long)p.batches,
              p.has_originals ? "backup" : "journal", p.encrypted ? " (encrypted)" : "",
              !p.rolled_back_by.empty()         ? ("rolled back by " + p.rolled_back_by).c_str()
              : !p.partly_rolled_back_by.empty() ? ("partly rolled back by " + p.partly_rolled_back_by).c_str()
                                                 : p.target.c_str());
}

// `rollback --list`.
int ListRollbackPoints_() {
  auto points = ListRollbackPoints(g.state, g.target);
  if (!points.ok()) return Fail(points.status());
  if (g.json) {
    internal::JsonBuilder j;
    j.BeginArray();
    for (const RollbackPoint& p : points.value()) RollbackPointJson(p, j);
    std::printf("%s\n", j.EndArray().text().c_str());
    return 0;
  }
  std::printf("Rollback points (newest first):\n");
  if (points.value().empty()) std::printf("  none\n");
  for (const RollbackPoint& p : points.value()) PrintRollbackPoint(p);
  return 0;
}

// The rollback's options from its flags (--keys-file read, the key too).
Result<RollbackOptions> RollbackOptionsFromFlags() {
  RollbackOptions o;
  o.run_id = g.run;
  o.target = g.target;
  o.state = g.state;
  o.backup_dir = g.dir;
  o.to_version = g.to;
  o.keys = g.keys;
  if (!g.keys_file.empty()) {
    std::ifstream in(g.keys_file);
    if (!in) return Status::IoError("cannot read " + g.keys_file);
    for (std::string line; std::getline(in, line);) {
      if (!line.empty()) o.keys.push_back(line);
    }
  }
  o.batches = g.batches;
  o.commit_records = std::max<uint32_t>(g.commit_records, 1);
  o.throttle_ms = g.throttle_ms;
  FERRY_ASSIGN_OR_RETURN(BackupOptions key, Options());
  o.passphrase = key.passphrase;
  o.key_file = key.key_file;
  return o;
}

// Shows the impact and asks (unless --yes). False, with the exit code, when
// the rollback is not to go ahead.
bool ShowImpactAndConfirm(const RollbackImpact& impact, int* exit_code) {
  *exit_code = 0;
  if (g.json && (g.dry_run || !g.yes)) {
    std::printf("%s\n", impact.ToJson().c_str());
  } else if (!g.json) {
    PrintImpact(impact);
  }
  if (g.dry_run) return false;
  if (impact.to_change() == 0) {
    if (!g.json) std::printf("Nothing to roll back.\n");
    if (!g.yes) return false;
  }
  if (g.yes) return true;
  if (!isatty(STDIN_FILENO)) {
    *exit_code = Fail(
        Status::InvalidArgument("nothing was changed: confirm the rollback with --yes (stdin is not a terminal)"));
    return false;
  }
  std::fprintf(stderr, "Roll back %s records? Type 'yes' to proceed: ", Thousands(impact.to_change()).c_str());
  std::string answer;
  if (!std::getline(std::cin, answer) || answer != "yes") {
    std::fprintf(stderr, "Nothing was changed.\n");
    *exit_code = ExitCodeFor(ErrorCode::kCancelled);
    return false;
  }
  return true;
}

void PrintRollbackReport(const RollbackReport& r) {
  if (g.json) {
    std::printf("%s\n", r.ToJson().c_str());
    return;
  }
  std::printf("Rolled back run %s (rollback run %s%s): %s records restored, %s removed, %s unchanged, %s conflicts "
              "left as they are, in %.1f s\n",
              r.impact.run_id.c_str(), r.rollback_run_id.c_str(), r.resumed ? ", resumed" : "",
              Thousands(r.restored).c_str(), Thousands(r.deleted).c_str(), Thousands(r.impact.unchanged).c_str(),
              Thousands(r.impact.conflicts).c_str(), r.seconds);
}

int Rollback_() {
  if (g.list) return ListRollbackPoints_();
  auto project = LoadShared(g.project);
  if (!project.ok()) return Fail(project.status());
  auto options = RollbackOptionsFromFlags();
  if (!options.ok()) return Fail(options.status());
  RollbackOptions& o = options.value();
  // The impact first; nothing changes before it is shown and confirmed.
  auto impact = AnalyzeRollback(**project, o);
  if (!impact.ok()) return Fail(impact.status());
  if (int rc = 0; !ShowImpactAndConfirm(impact.value(), &rc)) return rc;
  ProgressDisplay display(!g.json && !g.quiet);
  std::signal(SIGINT, OnInterrupt);
  std::signal(SIGTERM, OnInterrupt);
  OperationRequest request;
  request.kind = OperationKind::kRollback;
  request.project = std::move(project).value();
  request.rollback = o;
  auto report = RunAs<RollbackReport>(std::move(request), &display);
  if (!report.ok()) return Fail(report.status());
  const RollbackReport& r = report.value();
  PrintRollbackReport(r);
  return r.impact.conflicts > 0 || r.impact.not_restorable > 0 ? ExitCodeFor(ErrorCode::kConflict) : 0;
}

void PrintBackup(const BackupInfo& b) {
  std::printf("  %-30s %-11s %-9s %-24s %10s records %10s bytes %4llu chunks%s%s  %s\n", b.id.c_str(), b.kind.c_str(),
              b.status.c_str(), b.created_at.c_str(), Thousands(b.records).c_str(), Thousands(b.bytes).c_str(),
              (unsigned long long)b.chunks, b.encrypted ? " encrypted" : "", b.pinned ? " pinned" : "",
              b.store.c_str());  if (!b.description.empty()) std::printf("      %s\n", b.description.c_str());
}

// A pinned backup (--pin, --preserve-original, cleanup's) is deleted only
// when confirmed: on a terminal by typing yes, else with --yes.
Status ConfirmDeletingPinned(const BackupOptions& options) {
  if (g.yes) return Status::OK();
  FERRY_ASSIGN_OR_RETURN(auto all, ListBackups(options, true));
  auto it = std::find_if(all.begin(), all.end(), [](const BackupInfo& b) { return b.id == g.id; });
  if (it == all.end() || !it->pinned) return Status::OK();
  const std::string what = "backup " + g.id + " is pinned (kept until deleted by hand" +
                           (it->description.empty() ? "" : ": " + it->description) + ")";
  if (!isatty(STDIN_FILENO)) {
    return Status::InvalidArgument(what + ": confirm its deletion with --yes (stdin is not a terminal); nothing was deleted");
  }
  std::fprintf(stderr, "%s. Delete it? Type 'yes' to proceed: ", what.c_str());
  std::string answer;
  if (!std::getline(std::cin, answer) || answer != "yes") return Status::Cancelled("nothing was deleted");
  return Status::OK();
}

// `backup restore`: with the project when --project is given (its
// collection names a target without a table), else from the backup alone
// (its manifest's collection).
Result<RestoreReport> Restore(const BackupOptions& options) {
  OperationRequest request;
  request.kind = OperationKind::kBackupRestore;
  if (g_restore->get_option("--project")->count() > 0) {
    FERRY_ASSIGN_OR_RETURN(request.project, LoadShared(g.project));
  }
  request.backup = options;
  request.backup_id = g.id;
  request.backup_target = g.target;
  return RunAs<RestoreReport>(std::move(request));
}

int BackupCreate_(const BackupOptions& options) {
  OperationRequest request;
  request.kind = OperationKind::kBackupCreate;
  auto project = LoadShared(g.project);
  if (!project.ok()) return Fail(project.status());
  request.project = std::move(project).value();
  request.backup = options;
  request.backup_source = g.source;
  request.backup_incremental = g.incremental;
  request.backup_pinned = g.pin;
  request.backup_description = g.description;
  auto b = RunAs<BackupInfo>(std::move(request));
  if (!b.ok()) return Fail(b.status());
  for (const std::string& id : b.value().pruned) {
    std::fprintf(stderr, "note: pruned backup %s (the retention in the project file: backup:)\n", id.c_str());
  }
  if (g.json) std::printf("%s\n", b.value().ToJson().c_str());
  else std::printf("Backup %s: %s records of %s, %s bytes in %llu chunks (SHA-256 %s)\n", b.value().id.c_str(),
                   Thousands(b.value().records).c_str(), b.value().store.c_str(), Thousands(b.value().bytes).c_str(),
                   (unsigned long long)b.value().chunks, b.value().sha256.c_str());
  return 0;
}

int BackupList_(const BackupOptions& options) {
  auto list = ListBackups(options, g.all);
  if (!list.ok()) return Fail(list.status());
  if (g.json) {
    internal::JsonBuilder j;
    j.BeginArray();
    for (const BackupInfo& b : list.value()) j.Json(b.ToJson());
    std::printf("%s\n", j.EndArray().text().c_str());
    return 0;
  }
  std::printf("Backups (oldest first):\n");
  if (list.value().empty()) std::printf("  none\n");
  for (const BackupInfo& b : list.value()) PrintBackup(b);
  return 0;
}

int BackupVerify_(const BackupOptions& options) {
  OperationRequest request;
  request.kind = OperationKind::kBackupVerify;
  request.backup = options;
  request.backup_id = g.id;
  request.backup_decode = g.decode || !options.passphrase.empty() || !options.key_file.empty();
  auto b = RunAs<BackupInfo>(std::move(request));
  if (!b.ok()) return Fail(b.status());
  if (g.json) std::printf("%s\n", b.value().ToJson().c_str());
  else std::printf("Backup %s is intact: %llu chunks, %s records, SHA-256 %s\n", b.value().id.c_str(),
                   (unsigned long long)b.value().chunks, Thousands(b.value().records).c_str(),
                   b.value().sha256.c_str());
  return 0;
}

int BackupRestore_(const BackupOptions& options) {
  if (!g.yes) {
    return Fail(Status::InvalidArgument("restore overwrites " + g.target +
                                        " with the backup's records: confirm with --yes (nothing was changed)"));
  }
  auto r = Restore(options);
  if (!r.ok()) return Fail(r.status());
  if (g.json) std::printf("%s\n", r.value().ToJson().c_str());
  else std::printf("Restored backup %s into %s: %s records written, %s removed\n", g.id.c_str(),
                   r.value().target.c_str(), Thousands(r.value().written).c_str(),
                   Thousands(r.value().deleted).c_str());
  return 0;
}

int BackupDelete_(const BackupOptions& options) {
  if (Status asked = ConfirmDeletingPinned(options); !asked.ok()) return Fail(asked);
  auto note = DeleteBackup(options, g.id);
  if (!note.ok()) return Fail(note.status());
  if (!g.json) std::printf("Deleted backup %s\n", g.id.c_str());
  if (!note.value().empty()) std::fprintf(stderr, "note: %s\n", note.value().c_str());
  return 0;
}

void PrintPruneReport(const PruneReport& p) {
  if (g.json) {
    internal::JsonBuilder j;
    j.BeginArray();
    for (const std::string& id : p.pruned) j.Str(id);
    for (const std::string& id : p.abandoned) j.Str(id);
    std::printf("%s\n", j.EndArray().text().c_str());
    return;
  }
  std::printf("%s %zu backups (keep %u, at most %lld days old)\n", g.dry_run ? "Would prune" : "Pruned",
              p.pruned.size(), g.keep, (long long)g.max_age_days);
  for (const std::string& id : p.pruned) std::printf("  %s\n", id.c_str());
  if (!p.abandoned.empty()) {
    std::printf("%s %zu unfinished backups whose `backup create` was killed\n", g.dry_run ? "Would remove" : "Removed",
                p.abandoned.size());
    for (const std::string& id : p.abandoned) std::printf("  %s\n", id.c_str());
  }
}

int BackupPrune_(const BackupOptions& options) {
  OperationRequest request;
  request.kind = OperationKind::kBackupPrune;
  request.backup = options;
  request.prune_keep = g.keep;
  request.prune_max_age_days = g.max_age_days;
  request.prune_dry_run = g.dry_run;
  auto pruned = RunAs<PruneReport>(std::move(request));
  if (!pruned.ok()) return Fail(pruned.status());
  for (const std::string& note : pruned.value().notes) std::fprintf(stderr, "note: %s\n", note.c_str());
  PrintPruneReport(pruned.value());
  return 0;
}

int Backup_() {
  auto options = Options();
  if (!options.ok()) return Fail(options.status());
  if (g_create->parsed()) return BackupCreate_(options.value());
  if (g_list->parsed()) return BackupList_(options.value());
  if (g_verify->parsed()) return BackupVerify_(options.value());
  if (g_restore->parsed()) return BackupRestore_(options.value());
  if (g_delete->parsed()) return BackupDelete_(options.value());
  if (g_prune->parsed()) return BackupPrune_(options.value());
  return ExitCodeFor(ErrorCode::kInvalidArgument);
}

int Cleanup_() {
  auto project = LoadShared(g.project);
  if (!project.ok()) return Fail(project.status());
  auto options = Options();
  if (!options.ok()) return Fail(options.status());
  if (!g.yes && !g.dry_run) {
    return Fail(Status::InvalidArgument("cleanup removes " + g.source +
                                        " after backing it up: confirm with --yes, or check with --dry-run"));
  }
  OperationRequest request;
  request.kind = OperationKind::kCleanup;
  request.project = std::move(project).value();
  request.backup = options.value();
  request.backup_source = g.source;
  request.run.target = g.target;
  request.prune_dry_run = g.dry_run;
  auto r = RunAs<CleanupReport>(std::move(request));
  if (!r.ok()) return Fail(r.status());
  if (g.json) {
    std::printf("%s\n", r.value().ToJson().c_str());
  } else if (g.dry_run) {
    std::printf("%s is in sync with %s: cleanup would back up and remove %s records\n", g.target.c_str(),
                r.value().source.c_str(), Thousands(r.value().removed).c_str());
  } else {
    std::printf("Removed %s records of %s; they are kept in the pinned backup %s (ferry backup restore)\n",
                Thousands(r.value().removed).c_str(), r.value().source.c_str(), r.value().backup_id.c_str());
  }
  return 0;
}

// backup restore, delete and prune.
void AddBackupChangeCommands() {
  g_restore = g_backup->add_subcommand(
      "restore", "write a backup's records into a store (creating the SQLite file or the table when missing)");
  AddStateOptions(g_restore);
  g_restore->get_option("--project")->description(
      "optional: its collection names the table when --target has none (default: the backup's collection)");
  AddKeyOptions(g_restore);
  g_restore->add_option("id", g.id, "the backup")->required();
  g_restore->add_option("-t,--target", g.target, "the store to write (a table, or a new file)")->required();
  g_restore->add_flag("-y,--yes", g.yes, "confirm");
  AddDirOption(g_restore);
  g_delete = g_backup->add_subcommand("delete", "delete a backup");
  AddStateOptions(g_delete);
  g_delete->add_option("id", g.id, "the backup")->required();
  g_delete->add_flag("-y,--yes", g.yes, "delete a pinned backup without asking (scripts)");
  AddDirOption(g_delete);
  g_prune = g_backup->add_subcommand("prune", "delete backups beyond the retention (pinned ones are kept)");
  AddStateOptions(g_prune);
  g_prune->add_option("--keep", g.keep, "keep the newest N")->capture_default_str()->check(IntegerIn(0, 1000000));
  g_prune->add_option("--max-age-days", g.max_age_days, "delete backups older than this")
      ->capture_default_str()
      ->check(IntegerIn(0, 36500));
  AddDirOption(g_prune);
  g_prune->add_flag("--dry-run", g.dry_run, "only list what would be deleted");
}

void AddCleanupCommand(CLI::App& app) {
  g_cleanup = app.add_subcommand("cleanup", "after a verified successful run: back up the legacy source, then remove it");
  AddStateOptions(g_cleanup);
  AddKeyOptions(g_cleanup);
  g_cleanup->add_option("-s,--source", g.source, "the legacy store that was migrated")->required();
  g_cleanup->add_option("-t,--target", g.target, "the store it was migrated into")->required();
  g_cleanup->add_option("--dir", g.dir, "where backups live (default: beside the state, .ferry/backups)");
  g_cleanup->add_flag("-y,--yes", g.yes, "confirm");
  g_cleanup->add_flag("--dry-run", g.dry_run, "only check");
}

void AddRollbackCommand(CLI::App& app) {
  g_rollback = app.add_subcommand(
      "rollback", "go back from a run: shows the impact, asks, then restores the records it changed");
  AddStateOptions(g_rollback);
  AddKeyOptions(g_rollback);
  g_rollback->add_option("run", g.run, "the run to roll back (default: the last run that changed the target)");
  g_rollback->add_option("-t,--target", g.target, "the table the run wrote to (default: as the run recorded it)");
  g_rollback->add_option("--backup-dir", g.dir, "where the run's backups live, when the run was given --backup-dir");
  g_rollback->add_option("--to", g.to, "go back to this version on each record's path (default: the originals)");
  g_rollback->add_option("--keys", g.keys, "only these records (keys)")->delimiter(',');
  g_rollback->add_option("--keys-file", g.keys_file, "only the records whose keys this file lists, one per line");
  g_rollback->add_option("--batch", g.batches, "only these batches of the run (its commits; see --list)")
      ->delimiter(',')
      ->check(IntegerIn(1, INT64_MAX));
  g_rollback->add_flag("-y,--yes", g.yes, "do not ask for confirmation (scripts)");
  g_rollback->add_flag("--dry-run", g.dry_run, "only show the impact");
  g_rollback->add_flag("--list", g.list, "list the rollback points");
  g_rollback->add_flag("-q,--quiet", g.quiet, "no progress display");
  g_rollback->add_option("--commit-records", g.commit_records, "records per transaction and checkpoint")
      ->check(IntegerIn(1, 1000000))
      ->capture_default_str();
  g_rollback->add_option("--throttle-ms", g.throttle_ms, "pause between transactions, milliseconds")
      ->check(IntegerIn(0, 3600000));
}

// `backup` with create, list and verify, then the sub-commands that change backups.
void AddBackupCommands(CLI::App& app) {
  g_backup = app.add_subcommand("backup", "backups: create | list | verify | restore | delete | prune");
  g_backup->require_subcommand(1);
  g_create = g_backup->add_subcommand("create", "back up every record of a store (or only what changed: --incremental)");
  AddStateOptions(g_create);
  AddKeyOptions(g_create);
  g_create->add_option("-s,--source", g.source, "the store to back up")->required();
  g_create->add_option("--dir", g.dir, "where backups live (default: beside the state, .ferry/backups)");
  g_create->add_flag("--incremental", g.incremental, "only the records changed since the newest backup of the store");
  g_create->add_flag("--pin", g.pin, "never prune this backup");
  g_create->add_option("--description", g.description, "a note kept in the manifest, shown by `backup list`");
  g_list = g_backup->add_subcommand("list", "list backups");
  AddStateOptions(g_list);
  AddDirOption(g_list);
  g_list->add_flag("--all", g.all, "also the runs' journals without originals");
  g_verify = g_backup->add_subcommand("verify", "check a backup's checksums (with the key: decrypt and parse it too)");
  AddStateOptions(g_verify);
  AddKeyOptions(g_verify);
  g_verify->add_option("id", g.id, "the backup")->required();
  AddDirOption(g_verify);
  g_verify->add_flag("--decode", g.decode, "also decompress and parse every entry");
  AddBackupChangeCommands();
}

}  // namespace

void RegisterSafetyCommands(CLI::App& app) {
  AddCleanupCommand(app);
  AddRollbackCommand(app);
  AddBackupCommands(app);
}

bool RunSafetyCommand(int* exit_code) {
  if (g_rollback != nullptr && g_rollback->parsed()) {
    *exit_code = Rollback_();
    return true;
  }
  if (g_cleanup != nullptr && g_cleanup->parsed()) {
    *exit_code = Cleanup_();
    return true;
  }
  if (g_backup != nullptr && g_backup->parsed()) {
    *exit_code = Backup_();
    return true;
  }
  return false;
}

}  // namespace ferry::cli
