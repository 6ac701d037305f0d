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
#include <iostream>
#include <memory>
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
#include "cli/template_commands.h"
#include "cli/unknown_argument.h"
#include "cli/version_command.h"
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

Result<std::unique_ptr<Project>> LoadProject(const Common& c) { return Project::Load(c.project); }

// The options every data command shares: source, threads, batch size,
// progress display and Ctrl-C.
RunOptions DataRunOptions(const DataOptions& d, ProgressDisplay* display) {
  RunOptions o;
  o.source = d.source;
  o.threads = d.threads;
  if (d.batch_size >= 0) o.batch_size = uint32_t(std::min<int64_t>(d.batch_size, 1 << 30));
  o.events = display;
  o.cancel = &g_cancel;
  o.stop_now = &g_stop_now;
  o.state = d.state;
  return o;
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

int RunAnalyze(const Common& c, const DataOptions& d, const ShapingFlags& shaping, const std::string& target) {
  auto project = LoadProject(c);
  if (!project.ok()) return Fail(project.status());
  ProgressDisplay display(!c.quiet && !c.json);
  RunOptions o = DataRunOptions(d, &display);
  o.target = target;
  if (Status st = ApplyShapingFlags(shaping, &o); !st.ok()) return Fail(st);
  auto r = Analyze(**project, o);
  if (!r.ok()) return Fail(r.status());
  const AnalyzeReport& a = r.value();
  if (c.json) {
    std::printf("%s\n", a.ToJson(**project).c_str());
    return 0;
  }
  std::printf("Analyzed %s records (%s) in %.2f s; collection %s, target %s\n\n", Thousands(a.records).c_str(),
              Mb(a.bytes).c_str(), a.seconds, (*project)->collection().c_str(), (*project)->target().c_str());
  std::printf("  %-20s %12s %8s %10s\n", "version", "records", "share", "invalid");
  for (const VersionInfo& v : (*project)->versions()) {
    auto it = a.versions.find(v.name);
    if (it == a.versions.end()) continue;
    auto inv = a.invalid_by_version.find(v.name);
    std::printf("  %-20s %12s %7.2f%% %10s%s\n", v.name.c_str(), Thousands(it->second).c_str(),
                a.records ? 100.0 * double(it->second) / double(a.records) : 0.0,
                Thousands(inv == a.invalid_by_version.end() ? 0 : inv->second).c_str(),
                v.name == (*project)->target() ? "  (target)" : "");
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
  return 0;
}

int RunValidate(const Common& c, const DataOptions& d, const ShapingFlags& shaping, const std::string& version) {
  auto project = LoadProject(c);
  if (!project.ok()) return Fail(project.status());
  ProgressDisplay display(!c.quiet && !c.json);
  RunOptions o = DataRunOptions(d, &display);
  if (Status st = ApplyShapingFlags(shaping, &o); !st.ok()) return Fail(st);
  auto r = ValidateRecords(**project, o, version);
  if (!r.ok()) return Fail(r.status());
  const AnalyzeReport& a = r.value();
  uint64_t invalid = 0;
  for (const auto& [code, n] : a.invalid_by_code) invalid += n;
  if (c.json) {
    std::printf("%s\n", a.ToJson(**project).c_str());
  } else {
    std::printf("%s of %s records valid%s\n", Thousands(a.records - invalid).c_str(), Thousands(a.records).c_str(),
                version.empty() ? " against their detected version" : (" against version " + version).c_str());
    PrintRejectExamples(a.invalid_by_code, a.invalid_examples);
  }
  return invalid == 0 ? 0 : ExitCodeFor(ErrorCode::kValidationError);
}

int RunPlan(const Common& c, const DataOptions& d, const ShapingFlags& shaping, const std::string& on_error,
            uint64_t sample, const std::string& target) {
  auto project = LoadProject(c);
  if (!project.ok()) return Fail(project.status());
  ProgressDisplay display(!c.quiet && !c.json);
  RunOptions o = DataRunOptions(d, &display);
  auto policy = ParseErrorPolicy(on_error);
  if (!policy.ok()) return Fail(policy.status());
  o.on_error = policy.value();
  o.target = target;
  if (Status st = ApplyShapingFlags(shaping, &o); !st.ok()) return Fail(st);
  auto r = Plan(**project, o, sample);
  if (!r.ok()) return Fail(r.status());
  const PlanReport& p = r.value();
  if (c.json) {
    std::printf("%s\n", p.ToJson().c_str());
  } else {
    auto records = [](uint64_t n) { return Thousands(n) + (n == 1 ? " record" : " records"); };
    std::printf("Plan for %s (%s) -> %s\n\n", records(p.records).c_str(), Mb(p.bytes).c_str(),
                (*project)->target().c_str());
    for (const auto& v : p.versions) {
      std::printf("  %s (%s): ", v.version.c_str(), records(v.records).c_str());
      if (v.path.empty()) {
        std::printf("already at target, left unchanged\n");
        continue;
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
    if (p.sample_records == 0) {
      std::printf("\nEstimated duration: unknown (no timed sample)\n");
    } else {
      std::printf("\nEstimated duration: %.1f s (timed sample: %s in %.3f s)\n  covers %s\n", p.estimated_seconds,
                  records(p.sample_records).c_str(), p.sample_seconds, p.estimate_covers.c_str());
    }
    std::printf("Blockers: %s\n", p.blockers.empty() ? "none" : "");
    for (const auto& b : p.blockers) std::printf("  - %s\n", b.c_str());
    for (const auto& w : p.warnings) std::printf("Warning: %s\n", w.c_str());
  }
  return p.blockers.empty() ? 0 : ExitCodeFor(ErrorCode::kValidationError);
}

// The key of encrypted run journals, which verify reads for a table in place.
struct JournalKey {
  std::string passphrase_file, key_file;
};

int RunVerify(const Common& c, const DataOptions& d, const ShapingFlags& shaping, const std::string& target,
              uint32_t max_keys, const JournalKey& journal_key) {
  auto project = LoadProject(c);
  if (!project.ok()) return Fail(project.status());
  ProgressDisplay display(!c.quiet && !c.json);
  RunOptions o = DataRunOptions(d, &display);
  o.target = target;
  o.backup_key_file = journal_key.key_file;
  if (journal_key.key_file.empty()) {
    auto passphrase = ReadPassphrase(journal_key.passphrase_file, "FERRY_BACKUP_PASSPHRASE");
    if (!passphrase.ok()) return Fail(passphrase.status());
    o.backup_passphrase = passphrase.value();
  }
  if (Status st = ApplyShapingFlags(shaping, &o); !st.ok()) return Fail(st);
  auto r = Verify(**project, o, max_keys);
  if (!r.ok()) return Fail(r.status());
  const VerifyReport& v = r.value();
  if (c.json) {
    std::printf("%s\n", v.ToJson().c_str());
  } else {
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

}  // namespace

int RunRun(const Common& c, const DataOptions& d, const RunArgs& a) {
  auto project = LoadRunProject(c, a);
  if (!project.ok()) return Fail(project.status());
  ProgressDisplay display(!c.quiet && !c.json);
  RunOptions o;
  Status s = ApplyPreset(a.preset, &o);
  if (!s.ok()) return Fail(s);
  RunOptions data = DataRunOptions(d, &display);
  o.source = data.source;
  o.threads = data.threads;
  if (d.batch_size >= 0) o.batch_size = data.batch_size;  // overrides the preset's
  o.events = data.events;
  o.cancel = data.cancel;
  o.stop_now = data.stop_now;
  o.target = a.target;
  o.rejects = a.rejects;
  o.complements = a.complements;
  o.report = a.report;
  if (a.no_backup) o.backup = false;
  if (a.backup) o.backup = true;
  o.backup_dir = a.backup_dir;
  o.backup_key_file = a.backup_key_file;
  if (a.backup_key_file.empty()) {
    auto passphrase = ReadPassphrase(a.backup_passphrase_file, "FERRY_BACKUP_PASSPHRASE");
    if (!passphrase.ok()) return Fail(passphrase.status());
    o.backup_passphrase = passphrase.value();
  }
  o.preserve_original = a.preserve_original;
  if (o.preserve_original) o.backup = true;
  o.file_key_file = a.file.key_file;
  if (a.file.key_file.empty()) {
    auto passphrase = ReadPassphrase(a.file.passphrase_file, "FERRY_PASSPHRASE");
    if (!passphrase.ok()) return Fail(passphrase.status());
    o.file_passphrase = passphrase.value();
  } else if (!a.file.passphrase_file.empty()) {
    return Fail(Status::InvalidArgument("pass --passphrase-file or --key-file, not both"));
  }
  o.compression = a.file.compress;
  o.compression_level = a.file.compress_level;
  if (!a.file.split.empty()) {
    auto split = ParseByteSize(a.file.split);
    if (!split.ok()) return Fail(Status::InvalidArgument("--split: " + split.status().message()));
    o.split_bytes = split.value();
  }
  o.as_is = a.as_is;
  if (!a.on_error.empty()) {
    auto policy = ParseErrorPolicy(a.on_error);
    if (!policy.ok()) return Fail(policy.status());
    o.on_error = policy.value();
  }
  if (a.no_validate_before) o.validate_before = false;
  o.dry_run = a.dry_run;
  o.throttle_ms = a.throttle_ms;
  o.state = data.state;
  o.resume_run = a.resume;
  o.restart = a.restart;
  auto conflict = ParseConflictPolicy(a.on_conflict);
  if (!conflict.ok()) return Fail(conflict.status());
  o.on_conflict = conflict.value();
  if (o.on_conflict == ConflictPolicy::kAsk) {
    if (!isatty(STDIN_FILENO) || !isatty(STDERR_FILENO)) {
      return Fail(Status::InvalidArgument(
          "--on-conflict ask needs a terminal to ask on; choose skip, overwrite, merge or fail"));
    }
    o.ask = AskOnTerminal;
  }
  if (a.prefer != "source" && a.prefer != "target") {
    return Fail(Status::InvalidArgument("--prefer takes source or target"));
  }
  o.prefer_source = a.prefer == "source";
  if (a.lease_ttl < 0.1 || a.lease_ttl > 86400) return Fail(Status::InvalidArgument("--lease-ttl must be 0.1 to 86400 s"));
  o.lease_ttl_ms = uint32_t(a.lease_ttl * 1000);
  if (a.commit_interval < 0 || a.commit_interval > 3600) {
    return Fail(Status::InvalidArgument("--commit-interval must be 0 to 3600 s"));
  }
  o.commit_interval_ms = uint32_t(a.commit_interval * 1000);
  o.retries = a.retries;
  if (Status st = ApplyShapingFlags(a.shaping, &o); !st.ok()) return Fail(st);
  const OperationKind kind = o.dry_run ? OperationKind::kDryRun
                             : a.verb == std::string("Export") ? OperationKind::kExport
                             : a.verb == std::string("Import") ? OperationKind::kImport
                                                               : OperationKind::kRun;
  auto r = RunAsOperation(std::shared_ptr<const Project>(std::move(project).value()), std::move(o), kind);
  if (!r.ok()) return Fail(r.status());
  RunReport& rep = r.value();
  rep.preset = a.preset;
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
  } else {
    const double mbs = rep.seconds > 0 ? double(rep.bytes_in) / 1e6 / rep.seconds : 0;
    const double dps = rep.seconds > 0 ? double(rep.input) / rep.seconds : 0;
    std::printf("%s%s: %s records (%s) in %.2f s, %.1f MB/s, %s docs/s\n",
                rep.dry_run ? "Dry run " : (std::string(a.verb) + " ").c_str(),
                rep.status.c_str(), Thousands(rep.input).c_str(), Mb(rep.bytes_in).c_str(), rep.seconds, mbs,
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
    if (!rep.rejects_by_code.empty()) {
      std::printf("Rejected by code:\n");
      PrintRejectExamples(rep.rejects_by_code, rep.reject_examples);
      if (!rep.rejects_file.empty() && !rep.dry_run) {
        std::printf("All %s rejected records (key, JSON Pointer, code, message, original) are in %s%s\n",
                    Thousands(rep.rejected).c_str(), rep.rejects_file.c_str(),
                    a.rejects.empty() ? " (the run's default reject file; --rejects FILE chooses another)" : "");
      }
    }
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
    for (const auto& w : rep.warnings) std::printf("Warning: %s\n", w.c_str());
  }
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
  auto n = [](uint64_t v) { return (unsigned long long)v; };
  if (json) {
    std::printf("{\"items\":%llu,\"bytes\":%llu,\"users\":%llu,\"legacy\":%llu,\"settings\":%llu,\"journal\":%llu,"
                "\"list\":%llu,\"draft\":%llu,\"other\":%llu,\"non_compact\":%llu,\"corrupt\":%llu,"
                "\"oversized\":%llu,\"bad_theme\":%llu,\"expected_rejects\":%llu}\n",
                n(st.items), n(st.bytes), n(st.users), n(st.legacy), n(st.settings), n(st.journal), n(st.list),
                n(st.draft), n(st.other), n(st.non_compact), n(st.corrupt), n(st.oversized), n(st.bad_theme),
                n(st.expected_rejects));
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
  auto n = [](uint64_t v) { return (unsigned long long)v; };
  if (json) {
    std::printf("{\"records\":%llu,\"bytes\":%llu,\"current\":%llu,\"legacy\":%llu}\n", n(st.records), n(st.bytes),
                n(st.current), n(st.legacy));
  } else {
    std::printf("Wrote %s context records (%s) to %s: context-2 %s, context-1 %s\n", Thousands(st.records).c_str(),
                Mb(st.bytes).c_str(), output.c_str(), Thousands(st.current).c_str(), Thousands(st.legacy).c_str());
  }
  return 0;
}

int RunGenerate(const std::string& dataset, const GenerateOptions& g, const std::string& scenario,
                const std::string& shape, const std::string& output, const std::string& expect_rejects, bool json) {
  if (dataset == "context") {
    if (!expect_rejects.empty()) {
      return Fail(Status::InvalidArgument("--expect-rejects: the context data set has no records to reject"));
    }
    return RunGenerateContext(g, shape, output, json);
  }
  if (!shape.empty()) return Fail(Status::InvalidArgument("--shape is for the context data set; use --scenario"));
  if (dataset == "local-storage") return RunGenerateLocalStorage(g, scenario, output, expect_rejects, json);
  if (dataset != "workouts") {
    return Fail(
        Status::InvalidArgument("unknown data set '" + dataset + "'; available: workouts, local-storage, context"));
  }
  GenerateOptions opts = g;
  auto sc = ParseWorkoutsScenario(scenario);
  if (!sc.ok()) return Fail(sc.status());
  opts.scenario = sc.value();
  GenerateStats stats;
  Status s = GenerateWorkouts(opts, output == "-" ? "/dev/stdout" : output, expect_rejects, &stats);
  if (!s.ok()) return Fail(s);
  if (output != "-") {
    if (json) {
      std::printf("{\"documents\":%llu,\"bytes\":%llu,\"strength\":%llu,\"conditioning\":%llu,\"hybrid\":%llu,"
                  "\"agility\":%llu,\"unified\":%llu,\"malformed\":%llu}\n",
                  (unsigned long long)stats.documents, (unsigned long long)stats.bytes,
                  (unsigned long long)stats.strength, (unsigned long long)stats.conditioning,
                  (unsigned long long)stats.hybrid, (unsigned long long)stats.agility,
                  (unsigned long long)stats.unified, (unsigned long long)stats.malformed);
    } else {
      std::printf("Wrote %s workouts (%s) to %s: strength %s, conditioning %s, hybrid %s, agility %s, unified-1 %s, "
                  "malformed %s\n",
                  Thousands(stats.documents).c_str(), Mb(stats.bytes).c_str(), output.c_str(),
                  Thousands(stats.strength).c_str(), Thousands(stats.conditioning).c_str(),
                  Thousands(stats.hybrid).c_str(), Thousands(stats.agility).c_str(), Thousands(stats.unified).c_str(),
                  Thousands(stats.malformed).c_str());
    }
  }
  return 0;
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

  Common common;
  DataOptions data;

  CLI::App* analyze = app.add_subcommand("analyze", "what is there: versions with counts, invalid records by code, advice");
  AddCommon(analyze, &common);
  AddData(analyze, &data);
  std::string analyze_target;
  analyze->add_option("-t,--target", analyze_target, "also count conflicts with the records already in this store");
  // The run's shaping flags, so that analyze, plan, validate and verify see
  // the records the run would see (one set per command: each remembers its
  // command's flag order).
  ShapingFlags analyze_shaping, plan_shaping, verify_shaping, validate_shaping;
  AddShapingFlags(analyze, &analyze_shaping);

  CLI::App* plan = app.add_subcommand("plan", "per version: path, steps, lossy or not, estimated duration, blockers");
  AddCommon(plan, &common);
  AddData(plan, &data);
  std::string plan_on_error = "skip";
  uint64_t sample = 20000;
  plan->add_option("--on-error", plan_on_error, "policy the run will use: stop|skip|collect")->capture_default_str();
  plan->add_option("--sample", sample, "records in the timed sample")->capture_default_str()->check(IntegerIn(1, 100000000));
  std::string plan_target;
  plan->add_option("-t,--target", plan_target, "where the run will write (its applied migrations are checked)");
  AddShapingFlags(plan, &plan_shaping);

  CLI::App* run = app.add_subcommand("run", "migrate the source to the target version");
  AddCommon(run, &common);
  AddData(run, &data);
  RunArgs ra;
  run->add_option("-t,--target", ra.target,
                  "where to write: jsonl:PATH, json:PATH, PATH, sqlite:PATH#TABLE or postgres://...?table=T "
                  "(default for a table: the source, in place); - is stdout");
  AddRunFlags(run, &ra);
  AddShapingFlags(run, &ra.shaping);
  EnableTemplates(run, "run");

  CLI::App* verify = app.add_subcommand("verify", "sync status: is the target what migrating the source gives? "
                                                  "(in sync / missing / different, with keys)");
  AddCommon(verify, &common);
  AddData(verify, &data);
  std::string verify_target;
  uint32_t verify_keys = 20;
  verify->add_option("-t,--target", verify_target, "the store the source was migrated into (default: the source table)");
  verify->add_option("--max-keys", verify_keys, "keys listed per kind")->capture_default_str()->check(IntegerIn(0, 1000000));
  JournalKey verify_journal_key;
  verify->add_option("--backup-passphrase-file", verify_journal_key.passphrase_file,
                     "in place: the passphrase of encrypted run journals (or set FERRY_BACKUP_PASSPHRASE)");
  verify->add_option("--backup-key-file", verify_journal_key.key_file, "in place: the key file of encrypted run journals")
      ->excludes("--backup-passphrase-file");
  AddShapingFlags(verify, &verify_shaping);

  CLI::App* validate = app.add_subcommand("validate", "validate every record against its version's schema");
  AddCommon(validate, &common);
  AddData(validate, &data);
  std::string version;
  validate->add_option("--version", version, "validate all records against this version (no detection)");
  AddShapingFlags(validate, &validate_shaping);

  RegisterStateCommands(app);
  RegisterSafetyCommands(app);
  RegisterTransferCommands(app);
  RegisterTemplateCommands(app);
  RegisterVersionCommand(app);
  RegisterInitCommand(app);
  RegisterAuditCommand(app);

  CLI::App* generate = app.add_subcommand("generate", "test data for the bundled examples");
  std::string dataset;
  GenerateOptions gen;
  gen.count = 1000;
  gen.seed = 1;
  std::string scenario = "mixed";
  std::string output = "-";
  std::string expect_rejects;
  bool gen_json = false;
  std::string shape;
  generate->add_option("dataset", dataset, "data set: workouts | local-storage | context")->required();
  generate->add_option("--shape", shape, "context: current | legacy | mixed (default mixed: about 30% legacy)");
  generate->add_option("-n,--count", gen.count, "documents (local-storage: items)")
      ->capture_default_str()
      ->check(IntegerIn(0, INT64_MAX));
  generate->add_option("--seed", gen.seed, "random seed (same seed, same bytes)")
      ->capture_default_str()
      ->check(IntegerIn(0, INT64_MAX));
  generate
      ->add_option("--scenario", scenario,
                   "workouts: all-valid | mixed | malformed | large | already-migrated; local-storage: all-valid | mixed")
      ->capture_default_str();
  generate->add_option("-o,--output", output, "output file (- for stdout)")->capture_default_str();
  generate->add_option("--expect-rejects", expect_rejects, "also write the ids a migration must reject");
  generate->add_flag("--json", gen_json, "print the summary as JSON");
  RegisterCompletionCommand(app);  // last: its script is made from every other command

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // A mistyped command or option is named, with the closest known one,
    // before whatever CLI11 tripped over first (often a missing --source).
    if (Status unknown = FindUnknownArgument(app, argc, argv); e.get_exit_code() != 0 && !unknown.ok()) {
      return Fail(unknown);
    }
    int rc = app.exit(e);
    return rc == 0 ? 0 : ExitCodeFor(ErrorCode::kInvalidArgument);
  }
  if (Status s = ApplyLogFlags(log_flags); !s.ok()) return Fail(s);
  std::signal(SIGINT, OnSigint);
  std::signal(SIGTERM, OnSigterm);
  std::signal(SIGALRM, ExitCancelled);
  // A reader that goes away (`ferry export --target - | head`) is an I/O
  // error of the write, not a silent death.
  std::signal(SIGPIPE, SIG_IGN);
  std::ios::sync_with_stdio(true);

  if (analyze->parsed()) return RunAnalyze(common, data, analyze_shaping, analyze_target);
  if (plan->parsed()) return RunPlan(common, data, plan_shaping, plan_on_error, sample, plan_target);
  if (int rc = 0; RunStateCommand(&rc)) return rc;
  if (int rc = 0; RunSafetyCommand(&rc)) return rc;
  if (int rc = 0; RunTransferCommand(&rc)) return rc;
  if (int rc = 0; RunTemplateCommand(&rc)) return rc;
  if (int rc = 0; RunVersionCommand(&rc)) return rc;
  if (int rc = 0; RunInitCommand(&rc)) return rc;
  if (int rc = 0; RunAuditCommand(&rc)) return rc;
  if (int rc = 0; RunCompletionCommand(&rc)) return rc;
  if (run->parsed()) {
    Status s = ResolveTemplate(run, data.state, ra.target);
    if (!s.ok()) return Fail(s);
    return RunRun(common, data, ra);
  }
  if (validate->parsed()) return RunValidate(common, data, validate_shaping, version);
  if (verify->parsed()) return RunVerify(common, data, verify_shaping, verify_target, verify_keys, verify_journal_key);
  if (generate->parsed()) return RunGenerate(dataset, gen, scenario, shape, output, expect_rejects, gen_json);
  return ExitCodeFor(ErrorCode::kInvalidArgument);
}

}  // namespace ferry::cli
