// Copyright (c) the Ferry authors.
//
// Sub-commands: analyze, plan, run, validate, generate (others come from
// state_commands, safety_commands and template_commands). Each parses its
// options into the library's option structs, calls the library, and prints a
// human summary (or JSON with --json) on stdout.

#include "cli/cli.h"

#include "cli/output.h"

#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "cli/audit_command.h"
#include "cli/numeric_flags.h"
#include "cli/completion_command.h"
#include "cli/init_command.h"
#include "cli/log_flags.h"
#include "cli/operation_client.h"
#include "cli/progress_display.h"
#include "cli/run_command.h"
#include "cli/transfer_commands.h"
#include "cli/safety_commands.h"
#include "cli/shaping_flags.h"
#include "cli/state_commands.h"
#include "cli/serve_command.h"
#include "cli/template_commands.h"
#include "cli/token_commands.h"
#include "cli/unknown_argument.h"
#include "cli/version_command.h"
#include "common/json_builder.h"
#include "common/text.h"
#include "ferry/generate.h"
#include "ferry/project.h"
#include "ferry/run.h"
#include "ferry/status.h"

namespace ferry::cli {

using internal::Thousands;

namespace {

// Signals (docs/stores.md): the first Ctrl-C stops at the next batch
// boundary (g_cancel); SIGTERM, or a second Ctrl-C, stops now (g_stop_now:
// running PostgreSQL statements are cancelled), with a backstop that exits
// 130 kStopNowBackstopS seconds later whatever is still going on; the signal
// after that exits at once.
std::atomic<bool> g_cancel{false};
std::atomic<bool> g_stop_now{false};
constexpr unsigned kStopNowBackstopS = 2;

extern "C" void ExitCancelled(int) { std::_Exit(130); }

void StopNow() {
  if (g_stop_now.load()) std::_Exit(130);
  g_cancel.store(true);
  g_stop_now.store(true);
  ::alarm(kStopNowBackstopS);  // SIGALRM: ExitCancelled
}

extern "C" void OnSigint(int) {
  if (g_cancel.load()) return StopNow();
  g_cancel.store(true);
}

extern "C" void OnSigterm(int) { StopNow(); }

std::string Mb(uint64_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.1f MB", double(bytes) / 1e6);
  return buf;
}

// The options every data command shares: source, threads, batch size
// (over `base`'s), progress display and Ctrl-C.
RunOptions DataRunOptions(const DataOptions& d, ProgressDisplay* display, RunOptions base = {}) {
  RunOptions o = std::move(base);
  o.source = d.source;
  o.pipeline.threads = d.threads;
  if (d.batch_size >= 0) o.pipeline.batch_size = uint32_t(std::min<int64_t>(d.batch_size, 1 << 30));
  o.control.events = display;
  o.control.cancel = &g_cancel;
  o.control.stop_now = &g_stop_now;
  o.state = d.state;
  return o;
}

// What a data command (analyze, plan, validate, verify, run; export and
// import through run) works with once its flags are read.
struct DataCommand {
  std::unique_ptr<Project> project;
  std::unique_ptr<ProgressDisplay> display;
  RunOptions options;
};

// How a data command differs in its prologue.
struct DataCommandSetup {
  // Loads the project (default: --project).
  std::function<Result<std::unique_ptr<Project>>()> load;
  // The preset the options start from (none: the library's defaults).
  std::optional<std::string> preset;
  // The command's own flags, applied after the shared ones.
  std::function<Status(RunOptions*)> own_flags;
};

DataCommandSetup WithOwnFlags(std::function<Status(RunOptions*)> own_flags) {
  DataCommandSetup setup;
  setup.own_flags = std::move(own_flags);
  return setup;
}

// The prologue every data command shares: loads the project, sets up the
// progress display (off with --quiet or --json), then the RunOptions: the
// preset, the shared data flags, the command's own flags and the shaping
// flags. Returns the first error.
Status OpenDataCommand(const Common& c, const DataOptions& d, const ShapingFlags& shaping,
                       const DataCommandSetup& setup, DataCommand* cmd) {
  FERRY_ASSIGN_OR_RETURN(cmd->project, setup.load ? setup.load() : Project::Load(c.project));
  cmd->display = std::make_unique<ProgressDisplay>(!c.quiet && !c.json);
  RunOptions base;
  if (setup.preset) FERRY_RETURN_IF_ERROR(ApplyPreset(*setup.preset, &base));
  cmd->options = DataRunOptions(d, cmd->display.get(), std::move(base));
  if (setup.own_flags) FERRY_RETURN_IF_ERROR(setup.own_flags(&cmd->options));
  return ApplyShapingFlags(shaping, &cmd->options);
}

// The data command's job as an operation of `kind` (cli/operation_client.h),
// with `request`'s kind-specific fields; its report typed `Report`. The
// project is lent: the operation ends before the command does.
template <typename Report>
Result<Report> RunAs(const DataCommand& cmd, OperationKind kind, OperationRequest request = {}) {
  request.kind = kind;
  request.project = std::shared_ptr<const Project>(std::shared_ptr<const Project>(), cmd.project.get());
  request.run = cmd.options;
  const RunOptions& o = cmd.options;
  return RunForReport<Report>(std::move(request),
                              Follower{o.control.events, o.control.cancel, o.control.stop_now, o.pipeline.threads});
}

}  // namespace

void AddCommon(CLI::App* app, Common* c) {
  app->add_option("-p,--project", c->project, "ferry.yaml, or the directory holding it")->capture_default_str();
  app->add_flag("--json", c->json, "print the result as JSON on stdout");
  app->add_flag("-q,--quiet", c->quiet, "no progress on stderr");
}

void AddData(CLI::App* app, DataOptions* d) {
  app->add_option("-s,--source", d->source,
                  "records to read: PATH (format from the extension, else the content), FORMAT:PATH with FORMAT "
                  "jsonl, json, csv, xml, yaml or md, sqlite:PATH#TABLE or postgres://...?table=T; - is stdin")
      ->required();
  app->add_option("--state", d->state,
                  "Ferry's state: an SQLite file or postgres:// URI (default: $FERRY_STATE, else the target's "
                  "PostgreSQL, else .ferry/state.db)")
      ->envname("FERRY_STATE");
  app->add_option("--threads", d->threads, "worker threads, 1-1024 (default: all cores)")->check(IntegerIn(1, 1024));
  app->add_option("--batch-size", d->batch_size, "records per batch, 1-100000 (default: preset's)")
      ->check(IntegerIn(1, 100000));
}

namespace {

// The flags of each data command besides Common and DataOptions. The run's
// shaping flags are in each, so that analyze, plan, validate and verify see
// the records the run would see (one set per command: each remembers its
// command's flag order).
struct AnalyzeArgs {
  std::string target;
  ShapingFlags shaping;
};

struct PlanArgs {
  std::string on_error = "skip";
  uint64_t sample = 20000;
  std::string target;
  ShapingFlags shaping;
};

// The key of encrypted run journals, which verify reads for a table in place.
struct JournalKey {
  std::string passphrase_file, key_file;
};

struct VerifyArgs {
  std::string target;
  uint32_t max_keys = 20;
  JournalKey journal_key;
  ShapingFlags shaping;
};

struct ValidateArgs {
  std::string version;
  ShapingFlags shaping;
};

struct GenerateArgs {
  std::string dataset;
  GenerateOptions options;
  std::string scenario = "mixed";
  std::string output = "-";
  std::string expect_rejects;
  bool json = false;
  std::string shape;
};

void PrintRejectExamples(const std::map<std::string, uint64_t>& by_code,
                         const std::map<std::string, std::vector<RejectExample>>& examples) {
  for (const auto& [code, n] : by_code) {
    std::printf("  %-18s %12s\n", code.c_str(), Thousands(n).c_str());
    auto it = examples.find(code);
    if (it == examples.end()) continue;
    for (const RejectExample& e : it->second) {
      std::printf("      record %s%s%s: %s\n", Thousands(e.record).c_str(),
                  e.key.empty() ? "" : (" (key " + KeyForMessage(e.key) + ")").c_str(),
                  e.pointer.empty() ? "" : (" at " + e.pointer).c_str(), e.message.c_str());
    }
  }
}

void PrintAnalyzeReport(const AnalyzeReport& a, const Project& project) {
  std::printf("Analyzed %s records (%s) in %.2f s; collection %s, target %s\n\n", Thousands(a.records).c_str(),
              Mb(a.bytes).c_str(), a.seconds, project.collection().c_str(), project.target().c_str());
  std::printf("  %-20s %12s %8s %10s\n", "version", "records", "share", "invalid");
  for (const VersionInfo& v : project.versions()) {
    auto it = a.versions.find(v.name);
    if (it == a.versions.end()) continue;
    auto inv = a.invalid_by_version.find(v.name);
    std::printf("  %-20s %12s %7.2f%% %10s%s\n", v.name.c_str(), Thousands(it->second).c_str(),
                a.records ? 100.0 * double(it->second) / double(a.records) : 0.0,
                Thousands(inv == a.invalid_by_version.end() ? 0 : inv->second).c_str(),
                v.name == project.target() ? "  (target)" : "");
  }
  std::printf("\n  already at target: %s\n", Thousands(a.already_at_target).c_str());
  if (a.filtered) std::printf("  filtered out:      %s\n", Thousands(a.filtered).c_str());
  std::printf("  migration needed:  %s\n", a.migration_needed ? "yes" : "no");
  if (!a.target.empty()) std::printf("  conflicts with %s: %s\n", a.target.c_str(), Thousands(a.conflicts).c_str());
  if (!a.invalid_by_code.empty()) {
    std::printf("\nInvalid records by code:\n");
    PrintRejectExamples(a.invalid_by_code, a.invalid_examples);
  }
  std::printf("\nRecommendations:\n");
  for (const std::string& s : a.recommendations) std::printf("  - %s\n", s.c_str());
}

// Sets RunOptions::target (-t, --target).
std::function<Status(RunOptions*)> SetTarget(const std::string& target) {
  return [&target](RunOptions* o) {
    o->target = target;
    return Status::OK();
  };
}

int RunAnalyze(const Common& c, const DataOptions& d, const AnalyzeArgs& args) {
  DataCommand cmd;
  if (Status st = OpenDataCommand(c, d, args.shaping, WithOwnFlags(SetTarget(args.target)), &cmd); !st.ok()) {
    return Fail(st);
  }
  auto r = RunAs<AnalyzeReport>(cmd, OperationKind::kAnalyze);
  if (!r.ok()) return Fail(r.status());
  if (c.json) std::printf("%s\n", r.value().ToJson(*cmd.project).c_str());
  else PrintAnalyzeReport(r.value(), *cmd.project);
  return 0;
}

int RunValidate(const Common& c, const DataOptions& d, const ValidateArgs& args) {
  DataCommand cmd;
  if (Status st = OpenDataCommand(c, d, args.shaping, {}, &cmd); !st.ok()) return Fail(st);
  OperationRequest request;
  request.version = args.version;
  auto r = RunAs<AnalyzeReport>(cmd, OperationKind::kValidate, std::move(request));
  if (!r.ok()) return Fail(r.status());
  const AnalyzeReport& a = r.value();
  uint64_t invalid = 0;
  for (const auto& [code, n] : a.invalid_by_code) invalid += n;
  if (c.json) {
    std::printf("%s\n", a.ToJson(*cmd.project).c_str());
  } else {
    std::printf("%s of %s records valid%s\n", Thousands(a.records - invalid).c_str(), Thousands(a.records).c_str(),
                args.version.empty() ? " against their detected version" : (" against version " + args.version).c_str());
    PrintRejectExamples(a.invalid_by_code, a.invalid_examples);
  }
  return invalid == 0 ? 0 : ExitCodeFor(ErrorCode::kValidationError);
}

std::string Records(uint64_t n) { return Thousands(n) + (n == 1 ? " record" : " records"); }

void PrintVersionPlan(const PlanReport::VersionPlan& v) {
  std::printf("  %s (%s): ", v.version.c_str(), Records(v.records).c_str());
  if (v.path.empty()) {
    std::printf("already at target, left unchanged\n");
    return;
  }
  std::printf("%s\n", v.lossy ? "lossy (dropped data kept as complements)" : "lossless");
  for (const auto& s : v.path) {
    std::string steps;
    for (const auto& k : s.step_kinds) steps += (steps.empty() ? "" : ", ") + k;
    std::printf("      %s: %s -> %s  [%s]%s%s\n", s.migration.c_str(), s.from.c_str(), s.to.c_str(), steps.c_str(),
                s.lossy ? " lossy" : "", s.critical ? " critical" : "");
  }
  if (!v.alternatives.empty()) std::printf("    chosen because %s; the alternatives:\n", v.chosen_because.c_str());
  for (const auto& alternative : v.alternatives) {
    std::string ids;
    for (const auto& id : alternative) ids += (ids.empty() ? "" : " -> ") + id;
    std::printf("      %s\n", ids.c_str());
  }
}

void PrintPlan(const PlanReport& p, const Project& project) {
  std::printf("Plan for %s (%s) -> %s\n\n", Records(p.records).c_str(), Mb(p.bytes).c_str(), project.target().c_str());
  for (const auto& v : p.versions) PrintVersionPlan(v);
  if (p.sample_records == 0) {
    std::printf("\nEstimated duration: unknown (no timed sample)\n");
  } else {
    std::printf("\nEstimated duration: %.1f s (timed sample: %s in %.3f s)\n  covers %s\n", p.estimated_seconds,
                Records(p.sample_records).c_str(), p.sample_seconds, p.estimate_covers.c_str());
  }
  std::printf("Blockers: %s\n", p.blockers.empty() ? "none" : "");
  for (const auto& b : p.blockers) std::printf("  - %s\n", b.c_str());
  for (const auto& w : p.warnings) std::printf("Warning: %s\n", w.c_str());
}

int RunPlan(const Common& c, const DataOptions& d, const PlanArgs& args) {
  DataCommand cmd;
  auto own_flags = [&args](RunOptions* o) -> Status {
    FERRY_ASSIGN_OR_RETURN(o->validation.on_error, ParseErrorPolicy(args.on_error));
    o->target = args.target;
    return Status::OK();
  };
  if (Status st = OpenDataCommand(c, d, args.shaping, WithOwnFlags(own_flags), &cmd); !st.ok()) return Fail(st);
  OperationRequest request;
  request.plan_sample = args.sample;
  auto r = RunAs<PlanReport>(cmd, OperationKind::kPlan, std::move(request));
  if (!r.ok()) return Fail(r.status());
  const PlanReport& p = r.value();
  if (c.json) std::printf("%s\n", p.ToJson().c_str());
  else PrintPlan(p, *cmd.project);
  return p.blockers.empty() ? 0 : ExitCodeFor(ErrorCode::kValidationError);
}

void PrintVerifyReport(const VerifyReport& v) {
  std::printf("Sync status: %s\n", v.status.c_str());
  std::printf("  checked against %s\n", v.checked_against.c_str());
  std::printf("  source  %s records: %s belong in the target, %s rejected by the migration%s\n",
              Thousands(v.source_records).c_str(), Thousands(v.expected).c_str(), Thousands(v.rejected).c_str(),
              v.filtered ? (", " + Thousands(v.filtered) + " filtered out").c_str() : "");
  std::printf("  target  %s records: %s in sync, %s missing, %s different, %s extra, %s duplicated\n",
              Thousands(v.target_records).c_str(), Thousands(v.in_sync).c_str(), Thousands(v.missing).c_str(),
              Thousands(v.different).c_str(), Thousands(v.extra).c_str(), Thousands(v.duplicates).c_str());
  auto list = [](const char* what, const std::vector<std::string>& keys, uint64_t n) {
    if (n == 0) return;
    std::string all;
    for (const auto& k : keys) all += (all.empty() ? "" : ", ") + k;
    std::printf("  %s: %s%s\n", what, all.c_str(), n > keys.size() ? ", ..." : "");
  };
  list("missing", v.missing_keys, v.missing);
  list("different", v.different_keys, v.different);
  list("extra", v.extra_keys, v.extra);
  list("duplicated", v.duplicate_keys, v.duplicates);
}

int RunVerify(const Common& c, const DataOptions& d, const VerifyArgs& args) {
  DataCommand cmd;
  auto own_flags = [&args](RunOptions* o) -> Status {
    o->target = args.target;
    o->backup.key_file = args.journal_key.key_file;
    if (args.journal_key.key_file.empty()) {
      FERRY_ASSIGN_OR_RETURN(o->backup.passphrase,
                             ReadPassphrase(args.journal_key.passphrase_file, "FERRY_BACKUP_PASSPHRASE"));
    }
    return Status::OK();
  };
  if (Status st = OpenDataCommand(c, d, args.shaping, WithOwnFlags(own_flags), &cmd); !st.ok()) return Fail(st);
  OperationRequest request;
  request.verify_max_keys = args.max_keys;
  auto r = RunAs<VerifyReport>(cmd, OperationKind::kVerify, std::move(request));
  if (!r.ok()) return Fail(r.status());
  const VerifyReport& v = r.value();
  if (c.json) std::printf("%s\n", v.ToJson().c_str());
  else PrintVerifyReport(v);
  return v.in_sync_status() ? 0 : ExitCodeFor(ErrorCode::kConflict);
}

// --on-conflict ask: one question per conflict on the terminal.
ConflictAnswer AskOnTerminal(const ConflictQuestion& q) {
  auto clip = [](const std::string& s) { return s.size() > 300 ? s.substr(0, 300) + "..." : s; };
  for (;;) {
    std::fprintf(stderr,
                 "\nConflict: key %s already holds a different document in the target.\n  target: %s\n  source: %s\n"
                 "[s]kip, [o]verwrite, [m]erge (S, O, M: the same for all the rest), [a]bort? ",
                 q.key.c_str(), clip(q.target_document).c_str(), clip(q.source_document).c_str());
    std::fflush(stderr);
    std::string line;
    if (!std::getline(std::cin, line)) return ConflictAnswer::kAbort;
    if (line == "s") return ConflictAnswer::kSkip;
    if (line == "o") return ConflictAnswer::kOverwrite;
    if (line == "m") return ConflictAnswer::kMerge;
    if (line == "S") return ConflictAnswer::kSkipAll;
    if (line == "O") return ConflictAnswer::kOverwriteAll;
    if (line == "M") return ConflictAnswer::kMergeAll;
    if (line == "a") return ConflictAnswer::kAbort;
  }
}

}  // namespace

void AddFileFlags(CLI::App* app, FileArgs* f) {
  CLI::Option* passphrase =
      app->add_option("--passphrase-file", f->passphrase_file,
                      "encrypted files: read, and encrypt file targets, with this file's passphrase (or set "
                      "FERRY_PASSPHRASE)");
  app->add_option("--key-file", f->key_file, "encrypted files: the same with a 256-bit key file")->excludes(passphrase);
  app->add_option("--compress", f->compress,
                  "compress a file target: gzip | zstd | brotli | none (default: from its extension .gz .zst .br)");
  app->add_option("--compress-level", f->compress_level, "compression level (default: the library's)")
      ->check(IntegerIn(-131072, 22));
  app->add_option("--split", f->split,
                  "split a file target into parts of about SIZE (e.g. 50MB, 512KB, 1GB): NAME.00001.EXT, ...");
}

void AddRunFlags(CLI::App* run, RunArgs* a) {
  RunArgs& ra = *a;
  run->add_option("--resume", ra.resume, "resume this unfinished run (default: an unfinished run on the same target "
                                         "and source is resumed automatically)");
  run->add_flag("--restart", ra.restart, "abandon an unfinished run on the target and start over");
  run->add_option("--on-conflict", ra.on_conflict,
                  "the target holds the key with another document: skip | overwrite | merge | fail | ask")
      ->capture_default_str();
  run->add_option("--prefer", ra.prefer, "--on-conflict merge: which side wins a field present in both: source | target")
      ->capture_default_str();
  run->add_option("--lease-ttl", ra.lease_ttl, "seconds a lease lives without a heartbeat")
      ->capture_default_str()
      ->check(NumberIn(0.1, 86400));
  run->add_option("--commit-interval", ra.commit_interval, "seconds between checkpoints")
      ->capture_default_str()
      ->check(NumberIn(0, 3600));
  run->add_option("--retries", ra.retries, "retries of transient store errors")
      ->capture_default_str()
      ->check(IntegerIn(0, 1000));
  run->add_option("--rejects", ra.rejects, "reject file (JSON Lines; can be fed back as --source once fixed)");
  run->add_option("--complements", ra.complements,
                  "write what lossy steps dropped, per record (JSON Lines), so going back is exact");
  run->add_option("--preset", ra.preset, "safe | recommended | fast")->capture_default_str();
  run->add_option("--on-error", ra.on_error, "stop | skip | collect (default: preset's)");
  run->add_option("--report", ra.report, "write the run's summary as JSON to this file");
  run->add_flag("--dry-run", ra.dry_run, "do everything but write; report what would change");
  run->add_option("--throttle-ms", ra.throttle_ms, "pause between batches, milliseconds")->check(IntegerIn(0, 3600000));
  run->add_flag("--no-validate-before", ra.no_validate_before, "skip validation against the source version's schema");
  run->add_flag("--no-backup", ra.no_backup,
                "table targets: keep only the rollback journal (hashes and complements), not the records' originals "
                "(default: backup on, except in preset fast)");
  run->add_flag("--backup", ra.backup, "table targets: back up the records the run changes (also in preset fast)");
  run->add_option("--backup-dir", ra.backup_dir, "where backups live (default: beside the state, .ferry/backups)");
  CLI::Option* backup_passphrase =
      run->add_option("--backup-passphrase-file", ra.backup_passphrase_file,
                      "encrypt the backup with this file's passphrase (or set FERRY_BACKUP_PASSPHRASE)");
  run->add_option("--backup-key-file", ra.backup_key_file, "encrypt the backup with this 256-bit key file")
      ->excludes(backup_passphrase);
  run->add_flag("--preserve-original", ra.preserve_original,
                "keep the backup of the originals until you delete it (never pruned)");
  AddFileFlags(run, &ra.file);
}

namespace {

Result<std::unique_ptr<Project>> LoadRunProject(const Common& c, const RunArgs& a) {
  if (!a.without_project) {
    ProjectLoadOptions load;
    load.target = a.version;
    return Project::Load(c.project, load);
  }
  if (!a.version.empty()) {
    return Status::ProjectError("--version " + a.version + " needs the project's versions: pass --project DIR|FILE or "
                                "run where ferry.yaml is (without one the records are written as they are read)");
  }
  return Project::RecordsAsRead();
}

// --backup, --no-backup, --backup-dir, the backup's key, --preserve-original.
Status ApplyBackupFlags(const RunArgs& a, RunOptions* o) {
  if (a.no_backup) o->backup.enabled = false;
  if (a.backup) o->backup.enabled = true;
  o->backup.dir = a.backup_dir;
  o->backup.key_file = a.backup_key_file;
  if (a.backup_key_file.empty()) {
    FERRY_ASSIGN_OR_RETURN(o->backup.passphrase, ReadPassphrase(a.backup_passphrase_file, "FERRY_BACKUP_PASSPHRASE"));
  }
  o->backup.preserve_original = a.preserve_original;
  if (o->backup.preserve_original) o->backup.enabled = true;
  return Status::OK();
}

// Encryption, compression and splitting of file targets.
Status ApplyFileFlags(const FileArgs& f, RunOptions* o) {
  o->files.key_file = f.key_file;
  if (f.key_file.empty()) {
    FERRY_ASSIGN_OR_RETURN(o->files.passphrase, ReadPassphrase(f.passphrase_file, "FERRY_PASSPHRASE"));
  } else if (!f.passphrase_file.empty()) {
    return Status::InvalidArgument("pass --passphrase-file or --key-file, not both");
  }
  o->files.compression = f.compress;
  o->files.compression_level = f.compress_level;
  if (!f.split.empty()) {
    auto split = ParseByteSize(f.split);
    if (!split.ok()) return Status::InvalidArgument("--split: " + split.status().message());
    o->files.split_bytes = split.value();
  }
  return Status::OK();
}

// --on-conflict (ask needs a terminal) and --prefer.
Status ApplyConflictFlags(const RunArgs& a, RunOptions* o) {
  FERRY_ASSIGN_OR_RETURN(o->conflicts.policy, ParseConflictPolicy(a.on_conflict));
  if (o->conflicts.policy == ConflictPolicy::kAsk) {
    if (!isatty(STDIN_FILENO) || !isatty(STDERR_FILENO)) {
      return Status::InvalidArgument(
          "--on-conflict ask needs a terminal to ask on; choose skip, overwrite, merge or fail");
    }
    o->conflicts.ask = AskOnTerminal;
  }
  if (a.prefer != "source" && a.prefer != "target") return Status::InvalidArgument("--prefer takes source or target");
  o->conflicts.prefer_source = a.prefer == "source";
  return Status::OK();
}

// --lease-ttl, --commit-interval, --retries.
Status ApplyTimingFlags(const RunArgs& a, RunOptions* o) {
  if (a.lease_ttl < 0.1 || a.lease_ttl > 86400) return Status::InvalidArgument("--lease-ttl must be 0.1 to 86400 s");
  o->durability.lease_ttl_ms = uint32_t(a.lease_ttl * 1000);
  if (a.commit_interval < 0 || a.commit_interval > 3600) {
    return Status::InvalidArgument("--commit-interval must be 0 to 3600 s");
  }
  o->durability.commit_interval_ms = uint32_t(a.commit_interval * 1000);
  o->durability.retries = a.retries;
  return Status::OK();
}

// The run's own flags (the shared ones and the preset are already applied).
Status ApplyRunArgs(const RunArgs& a, RunOptions* o) {
  o->target = a.target;
  o->outputs.rejects = a.rejects;
  o->outputs.complements = a.complements;
  o->outputs.report = a.report;
  FERRY_RETURN_IF_ERROR(ApplyBackupFlags(a, o));
  FERRY_RETURN_IF_ERROR(ApplyFileFlags(a.file, o));
  o->as_is = a.as_is;
  if (!a.on_error.empty()) {
    FERRY_ASSIGN_OR_RETURN(o->validation.on_error, ParseErrorPolicy(a.on_error));
  }
  if (a.no_validate_before) o->validation.before = false;
  o->dry_run = a.dry_run;
  o->pipeline.throttle_ms = a.throttle_ms;
  o->resume.run_id = a.resume;
  o->resume.restart = a.restart;
  FERRY_RETURN_IF_ERROR(ApplyConflictFlags(a, o));
  return ApplyTimingFlags(a, o);
}

void PrintRunTotals(const RunReport& rep, const RunArgs& a) {
  const double mbs = rep.seconds > 0 ? double(rep.bytes_in) / 1e6 / rep.seconds : 0;
  const double dps = rep.seconds > 0 ? double(rep.input) / rep.seconds : 0;
  std::printf("%s%s: %s records (%s) in %.2f s, %.1f MB/s, %s docs/s\n",
              rep.dry_run ? "Dry run " : (std::string(a.verb) + " ").c_str(), rep.status.c_str(),
              Thousands(rep.input).c_str(), Mb(rep.bytes_in).c_str(), rep.seconds, mbs,
              Thousands(uint64_t(dps)).c_str());
  std::printf("  %s: %s   already at target: %s   rejected: %s%s\n", rep.dry_run ? "would migrate" : "migrated",
              Thousands(rep.migrated).c_str(), Thousands(rep.already_at_target).c_str(),
              Thousands(rep.rejected).c_str(),
              rep.filtered > 0 ? ("   filtered: " + Thousands(rep.filtered)).c_str() : "");
  for (const auto& [name, v] : rep.versions) {
    std::string path;
    for (const auto& m : v.path) path += (path.empty() ? "" : " -> ") + m;
    std::printf("  %-20s %12s  %s%s\n", name.c_str(), Thousands(v.count).c_str(),
                path.empty() ? "(target)" : path.c_str(), v.lossy ? "  lossy" : "");
  }
}

// Complements, conflicts, concurrent changes and skipped migrations.
void PrintRunNotes(const RunReport& rep) {
  if (rep.with_complement) {
    std::printf("  %s records carry a complement (what lossy steps dropped, kept so going back is exact)\n",
                Thousands(rep.with_complement).c_str());
  }
  if (rep.conflicts > 0) {
    std::printf("  conflicts: %s (the target held a different document under the same key)\n",
                Thousands(rep.conflicts).c_str());
  }
  if (rep.concurrent_changes > 0) {
    std::printf("  changed by others during the run: %s (read again and migrated from their new content,"
                " never overwritten; %s deleted meanwhile and left deleted)\n",
                Thousands(rep.concurrent_changes).c_str(), Thousands(rep.concurrent_deletes).c_str());
  }
  for (const auto& [m, n] : rep.skipped_migrations) {
    std::printf("  %s records went on without migration '%s' (it failed on them; on_failure: skip)\n",
                Thousands(n).c_str(), m.c_str());
  }
}

void PrintRunRejects(const RunReport& rep, const RunArgs& a) {
  if (rep.rejects_by_code.empty()) return;
  std::printf("Rejected by code:\n");
  PrintRejectExamples(rep.rejects_by_code, rep.reject_examples);
  if (!rep.rejects_file.empty() && !rep.dry_run) {
    std::printf("All %s rejected records (key, JSON Pointer, code, message, original) are in %s%s\n",
                Thousands(rep.rejected).c_str(), rep.rejects_file.c_str(),
                a.rejects.empty() ? " (the run's default reject file; --rejects FILE chooses another)" : "");
  }
}

// What a dry run would change, or where a run wrote.
void PrintRunOutcome(const RunReport& rep) {
  if (rep.dry_run) {
    std::printf("What would change (records per field):\n");
    for (const auto& [p, n] : rep.fields_added) std::printf("  + %-40s %s\n", p.c_str(), Thousands(n).c_str());
    for (const auto& [p, n] : rep.fields_removed) std::printf("  - %-40s %s\n", p.c_str(), Thousands(n).c_str());
    for (const auto& [p, n] : rep.fields_converted) std::printf("  ~ %-40s %s\n", p.c_str(), Thousands(n).c_str());
    std::printf("Nothing was written (dry run).\n");
  } else if (rep.final_status.ok() || rep.final_status.code() == ErrorCode::kRejected) {
    if (rep.resumed) std::printf("Resumed run %s from record %s.\n", rep.run_id.c_str(), Thousands(rep.resumed_at).c_str());
    std::printf("Output: %s%s\n", rep.target.c_str(),
                rep.rejects_file.empty() ? "" : ("   Rejects: " + rep.rejects_file).c_str());
  }
}

// The summary on stdout (stderr when the records went to stdout) and the
// --report file.
void ReportRun(const RunReport& rep, const Common& c, const RunArgs& a) {
  if (rep.target_on_stdout) {
    // The records went to stdout: the summary goes to stderr.
    std::fflush(stdout);
    ::dup2(STDERR_FILENO, STDOUT_FILENO);
  }
  if (!a.report.empty()) {
    std::ofstream f(a.report, std::ios::binary | std::ios::trunc);
    f << rep.ToJson() << "\n";
    if (!f) std::fprintf(stderr, "ferry: cannot write report %s\n", a.report.c_str());
  }
  if (c.json) {
    std::printf("%s\n", rep.ToJson().c_str());
    return;
  }
  PrintRunTotals(rep, a);
  PrintRunNotes(rep);
  PrintRunRejects(rep, a);
  PrintRunOutcome(rep);
  for (const auto& w : rep.warnings) std::printf("Warning: %s\n", w.c_str());
}

}  // namespace

int RunRun(const Common& c, const DataOptions& d, const RunArgs& a) {
  DataCommand cmd;
  DataCommandSetup setup;
  setup.load = [&] { return LoadRunProject(c, a); };
  setup.preset = a.preset;
  setup.own_flags = [&a](RunOptions* o) { return ApplyRunArgs(a, o); };
  if (Status st = OpenDataCommand(c, d, a.shaping, setup, &cmd); !st.ok()) return Fail(st);
  const OperationKind kind = cmd.options.dry_run                  ? OperationKind::kDryRun
                             : a.verb == std::string_view("Export") ? OperationKind::kExport
                             : a.verb == std::string_view("Import") ? OperationKind::kImport
                                                                    : OperationKind::kRun;
  auto r = RunAsOperation(std::shared_ptr<const Project>(std::move(cmd.project)), std::move(cmd.options), kind);
  if (!r.ok()) return Fail(r.status());
  RunReport& rep = r.value();
  rep.preset = a.preset;
  ReportRun(rep, c, a);
  if (!rep.final_status.ok()) return Fail(rep.final_status);
  return 0;
}

namespace {

int RunGenerateLocalStorage(const GenerateOptions& g, const std::string& scenario, const std::string& output,
                            const std::string& expect_rejects, bool json) {
  LocalStorageOptions opts;
  opts.count = g.count;
  opts.seed = g.seed;
  auto sc = ParseLocalStorageScenario(scenario);
  if (!sc.ok()) return Fail(sc.status());
  opts.scenario = sc.value();
  LocalStorageStats st;
  Status s = GenerateLocalStorage(opts, output == "-" ? "/dev/stdout" : output, expect_rejects, &st);
  if (!s.ok()) return Fail(s);
  if (output == "-") return 0;
  if (json) {
    internal::JsonBuilder j;
    j.Begin().Key("items").Num(st.items).Key("bytes").Num(st.bytes).Key("users").Num(st.users);
    j.Key("legacy").Num(st.legacy).Key("settings").Num(st.settings).Key("journal").Num(st.journal);
    j.Key("list").Num(st.list).Key("draft").Num(st.draft).Key("other").Num(st.other);
    j.Key("non_compact").Num(st.non_compact).Key("corrupt").Num(st.corrupt).Key("oversized").Num(st.oversized);
    j.Key("bad_theme").Num(st.bad_theme).Key("expected_rejects").Num(st.expected_rejects).End();
    std::printf("%s\n", j.text().c_str());
  } else {
    std::printf("Wrote %s localStorage items of %s users (%s) to %s: export-v1 %s; settings %s, journal %s, "
                "list %s, draft %s, other %s; corrupt %s, oversized %s, unknown theme %s\n",
                Thousands(st.items).c_str(), Thousands(st.users).c_str(), Mb(st.bytes).c_str(), output.c_str(),
                Thousands(st.legacy).c_str(), Thousands(st.settings).c_str(), Thousands(st.journal).c_str(),
                Thousands(st.list).c_str(), Thousands(st.draft).c_str(), Thousands(st.other).c_str(),
                Thousands(st.corrupt).c_str(), Thousands(st.oversized).c_str(), Thousands(st.bad_theme).c_str());
  }
  return 0;
}

int RunGenerateContext(const GenerateOptions& g, const std::string& shape, const std::string& output, bool json) {
  ContextOptions opts;
  opts.count = g.count;
  opts.seed = g.seed;
  auto sh = ParseContextShape(shape.empty() ? "mixed" : shape);
  if (!sh.ok()) return Fail(sh.status());
  opts.shape = sh.value();
  ContextStats st;
  Status s = GenerateContext(opts, output == "-" ? "/dev/stdout" : output, &st);
  if (!s.ok()) return Fail(s);
  if (output == "-") return 0;
  if (json) {
    internal::JsonBuilder j;
    j.Begin().Key("records").Num(st.records).Key("bytes").Num(st.bytes);
    j.Key("current").Num(st.current).Key("legacy").Num(st.legacy).End();
    std::printf("%s\n", j.text().c_str());
  } else {
    std::printf("Wrote %s context records (%s) to %s: context-2 %s, context-1 %s\n", Thousands(st.records).c_str(),
                Mb(st.bytes).c_str(), output.c_str(), Thousands(st.current).c_str(), Thousands(st.legacy).c_str());
  }
  return 0;
}

int RunGenerateWorkouts(const GenerateArgs& a) {
  GenerateOptions opts = a.options;
  auto sc = ParseWorkoutsScenario(a.scenario);
  if (!sc.ok()) return Fail(sc.status());
  opts.scenario = sc.value();
  GenerateStats stats;
  Status s = GenerateWorkouts(opts, a.output == "-" ? "/dev/stdout" : a.output, a.expect_rejects, &stats);
  if (!s.ok()) return Fail(s);
  if (a.output == "-") return 0;
  if (a.json) {
    internal::JsonBuilder j;
    j.Begin().Key("documents").Num(stats.documents).Key("bytes").Num(stats.bytes);
    j.Key("strength").Num(stats.strength).Key("conditioning").Num(stats.conditioning).Key("hybrid").Num(stats.hybrid);
    j.Key("agility").Num(stats.agility).Key("unified").Num(stats.unified).Key("malformed").Num(stats.malformed).End();
    std::printf("%s\n", j.text().c_str());
  } else {
    std::printf("Wrote %s workouts (%s) to %s: strength %s, conditioning %s, hybrid %s, agility %s, unified-1 %s, "
                "malformed %s\n",
                Thousands(stats.documents).c_str(), Mb(stats.bytes).c_str(), a.output.c_str(),
                Thousands(stats.strength).c_str(), Thousands(stats.conditioning).c_str(),
                Thousands(stats.hybrid).c_str(), Thousands(stats.agility).c_str(), Thousands(stats.unified).c_str(),
                Thousands(stats.malformed).c_str());
  }
  return 0;
}

int RunGenerate(const GenerateArgs& a) {
  if (a.dataset == "context") {
    if (!a.expect_rejects.empty()) {
      return Fail(Status::InvalidArgument("--expect-rejects: the context data set has no records to reject"));
    }
    return RunGenerateContext(a.options, a.shape, a.output, a.json);
  }
  if (!a.shape.empty()) return Fail(Status::InvalidArgument("--shape is for the context data set; use --scenario"));
  if (a.dataset == "local-storage") return RunGenerateLocalStorage(a.options, a.scenario, a.output, a.expect_rejects, a.json);
  if (a.dataset != "workouts") {
    return Fail(
        Status::InvalidArgument("unknown data set '" + a.dataset + "'; available: workouts, local-storage, context"));
  }
  return RunGenerateWorkouts(a);
}

// The sub-commands this file runs, and their flags.
struct Commands {
  Common common;
  DataOptions data;
  CLI::App *analyze = nullptr, *plan = nullptr, *run = nullptr, *verify = nullptr, *validate = nullptr,
           *generate = nullptr;
  AnalyzeArgs analyze_args;
  PlanArgs plan_args;
  RunArgs run_args;
  VerifyArgs verify_args;
  ValidateArgs validate_args;
  GenerateArgs generate_args;
};

// A data command: the Common and DataOptions flags.
CLI::App* AddDataCommand(CLI::App& app, const char* name, const char* description, Commands* cmds) {
  CLI::App* sub = app.add_subcommand(name, description);
  AddCommon(sub, &cmds->common);
  AddData(sub, &cmds->data);
  return sub;
}

void AddAnalyzeCommand(CLI::App& app, Commands* cmds) {
  AnalyzeArgs& a = cmds->analyze_args;
  cmds->analyze =
      AddDataCommand(app, "analyze", "what is there: versions with counts, invalid records by code, advice", cmds);
  cmds->analyze->add_option("-t,--target", a.target, "also count conflicts with the records already in this store");
  AddShapingFlags(cmds->analyze, &a.shaping);
}

void AddPlanCommand(CLI::App& app, Commands* cmds) {
  PlanArgs& a = cmds->plan_args;
  CLI::App* plan = cmds->plan =
      AddDataCommand(app, "plan", "per version: path, steps, lossy or not, estimated duration, blockers", cmds);
  plan->add_option("--on-error", a.on_error, "policy the run will use: stop|skip|collect")->capture_default_str();
  plan->add_option("--sample", a.sample, "records in the timed sample")
      ->capture_default_str()
      ->check(IntegerIn(1, 100000000));
  plan->add_option("-t,--target", a.target, "where the run will write (its applied migrations are checked)");
  AddShapingFlags(plan, &a.shaping);
}

void AddRunCommand(CLI::App& app, Commands* cmds) {
  RunArgs& a = cmds->run_args;
  CLI::App* run = cmds->run = AddDataCommand(app, "run", "migrate the source to the target version", cmds);
  run->add_option("-t,--target", a.target,
                  "where to write: jsonl:PATH, json:PATH, PATH, sqlite:PATH#TABLE or postgres://...?table=T "
                  "(default for a table: the source, in place); - is stdout");
  AddRunFlags(run, &a);
  AddShapingFlags(run, &a.shaping);
  EnableTemplates(run, "run");
}

void AddVerifyCommand(CLI::App& app, Commands* cmds) {
  VerifyArgs& a = cmds->verify_args;
  CLI::App* verify = cmds->verify = AddDataCommand(app, "verify",
                                                   "sync status: is the target what migrating the source gives? "
                                                   "(in sync / missing / different, with keys)",
                                                   cmds);
  verify->add_option("-t,--target", a.target, "the store the source was migrated into (default: the source table)");
  verify->add_option("--max-keys", a.max_keys, "keys listed per kind")
      ->capture_default_str()
      ->check(IntegerIn(0, 1000000));
  verify->add_option("--backup-passphrase-file", a.journal_key.passphrase_file,
                     "in place: the passphrase of encrypted run journals (or set FERRY_BACKUP_PASSPHRASE)");
  verify->add_option("--backup-key-file", a.journal_key.key_file, "in place: the key file of encrypted run journals")
      ->excludes("--backup-passphrase-file");
  AddShapingFlags(verify, &a.shaping);
}

void AddValidateCommand(CLI::App& app, Commands* cmds) {
  ValidateArgs& a = cmds->validate_args;
  cmds->validate = AddDataCommand(app, "validate", "validate every record against its version's schema", cmds);
  cmds->validate->add_option("--version", a.version, "validate all records against this version (no detection)");
  AddShapingFlags(cmds->validate, &a.shaping);
}

void AddGenerateCommand(CLI::App& app, Commands* cmds) {
  GenerateArgs& a = cmds->generate_args;
  a.options.count = 1000;
  a.options.seed = 1;
  CLI::App* generate = cmds->generate = app.add_subcommand("generate", "test data for the bundled examples");
  generate->add_option("dataset", a.dataset, "data set: workouts | local-storage | context")->required();
  generate->add_option("--shape", a.shape, "context: current | legacy | mixed (default mixed: about 30% legacy)");
  generate->add_option("-n,--count", a.options.count, "documents (local-storage: items)")
      ->capture_default_str()
      ->check(IntegerIn(0, INT64_MAX));
  generate->add_option("--seed", a.options.seed, "random seed (same seed, same bytes)")
      ->capture_default_str()
      ->check(IntegerIn(0, INT64_MAX));
  generate
      ->add_option("--scenario", a.scenario,
                   "workouts: all-valid | mixed | malformed | large | already-migrated; local-storage: all-valid | mixed")
      ->capture_default_str();
  generate->add_option("-o,--output", a.output, "output file (- for stdout)")->capture_default_str();
  generate->add_option("--expect-rejects", a.expect_rejects, "also write the ids a migration must reject");
  generate->add_flag("--json", a.json, "print the summary as JSON");
}

// Every sub-command, in the order of the help.
void AddCommands(CLI::App& app, Commands* cmds) {
  AddAnalyzeCommand(app, cmds);
  AddPlanCommand(app, cmds);
  AddRunCommand(app, cmds);
  AddVerifyCommand(app, cmds);
  AddValidateCommand(app, cmds);
  RegisterStateCommands(app);
  RegisterSafetyCommands(app);
  RegisterTransferCommands(app);
  RegisterTemplateCommands(app);
  RegisterVersionCommand(app);
  RegisterInitCommand(app);
  RegisterAuditCommand(app);
  RegisterServeCommand(app);
  RegisterTokenCommands(app);
  AddGenerateCommand(app, cmds);
  RegisterCompletionCommand(app);  // last: its script is made from every other command
}

// Parses the command line; false with *exit_code when it is done (help,
// or a bad argument).
bool ParseCommandLine(CLI::App& app, int argc, char** argv, int* exit_code) {
  try {
    app.parse(argc, argv);
    return true;
  } catch (const CLI::ParseError& e) {
    // A mistyped command or option is named, with the closest known one,
    // before whatever CLI11 tripped over first (often a missing --source).
    if (Status unknown = FindUnknownArgument(app, argc, argv); e.get_exit_code() != 0 && !unknown.ok()) {
      *exit_code = Fail(unknown);
      return false;
    }
    int rc = app.exit(e);
    *exit_code = rc == 0 ? 0 : ExitCodeFor(ErrorCode::kInvalidArgument);
    return false;
  }
}

void InstallSignalHandlers() {
  std::signal(SIGINT, OnSigint);
  std::signal(SIGTERM, OnSigterm);
  std::signal(SIGALRM, ExitCancelled);
  // A reader that goes away (`ferry export --target - | head`) is an I/O
  // error of the write, not a silent death.
  std::signal(SIGPIPE, SIG_IGN);
}

// The commands registered by other files.
bool RunRegisteredCommand(int* rc) {
  return RunStateCommand(rc) || RunSafetyCommand(rc) || RunTransferCommand(rc) || RunTemplateCommand(rc) ||
         RunVersionCommand(rc) || RunInitCommand(rc) || RunAuditCommand(rc) || RunServeCommand(rc) ||
         RunTokenCommand(rc) ||
         RunCompletionCommand(rc);
}

int RunParsedCommand(Commands& cmds) {
  const Common& c = cmds.common;
  if (cmds.analyze->parsed()) return RunAnalyze(c, cmds.data, cmds.analyze_args);
  if (cmds.plan->parsed()) return RunPlan(c, cmds.data, cmds.plan_args);
  if (int rc = 0; RunRegisteredCommand(&rc)) return rc;
  if (cmds.run->parsed()) {
    Status s = ResolveTemplate(cmds.run, cmds.data.state, cmds.run_args.target);
    if (!s.ok()) return Fail(s);
    return RunRun(c, cmds.data, cmds.run_args);
  }
  if (cmds.validate->parsed()) return RunValidate(c, cmds.data, cmds.validate_args);
  if (cmds.verify->parsed()) return RunVerify(c, cmds.data, cmds.verify_args);
  if (cmds.generate->parsed()) return RunGenerate(cmds.generate_args);
  return ExitCodeFor(ErrorCode::kInvalidArgument);
}

}  // namespace

int Main(int argc, char** argv) {
  CLI::App app{"ferry: migrate JSON documents between versions and stores, safely.\n"
               "Exit codes: 0 ok, 2 bad arguments, 3 records rejected (--on-error collect), 65 invalid data,\n"
               "66 not found, 70 migration error, 74 I/O error, 78 project file error, 130 interrupted\n"
               "(docs/exit-codes.md)."};
  app.require_subcommand(1);
  // Global: accepted before or after the sub-command (fallthrough, set
  // before the sub-commands are added, which inherit it).
  LogFlags log_flags;
  AddLogFlags(&app, &log_flags);
  Commands cmds;
  AddCommands(app, &cmds);
  if (int rc = 0; !ParseCommandLine(app, argc, argv, &rc)) return rc;
  if (Status s = ApplyLogFlags(log_flags); !s.ok()) return Fail(s);
  InstallSignalHandlers();
  std::ios::sync_with_stdio(true);
  return RunParsedCommand(cmds);
}

}  // namespace ferry::cli
