// Copyright (c) the Ferry authors.
#include "cli/state_commands.h"

#include "cli/numeric_flags.h"
#include "cli/output.h"
#include "common/json_builder.h"

#include <cstdio>
#include <memory>
#include <string>

#include "ferry/json.h"
#include "ferry/project.h"
#include "ferry/state.h"

namespace ferry::cli {

namespace {

struct StateArgs {
  std::string project = ".";
  std::string state;
  std::string target;
  std::string run;
  uint32_t limit = 20;
  bool json = false;
  bool yes = false;
};

StateArgs g_args;
CLI::App* g_status = nullptr;
CLI::App* g_history = nullptr;
CLI::App* g_repair = nullptr;

void RunJson(const RunRecord& r, internal::JsonBuilder& j) {
  j.Begin().Key("run_id").Str(r.run_id).Key("collection").Str(r.collection).Key("source").Str(r.source);
  j.Key("target").Str(r.target).Key("status").Str(r.status).Key("started_at").Str(r.started_at);
  j.Key("finished_at").Str(r.finished_at).Key("host").Str(r.host).Key("pid").Num(r.pid).Key("user").Str(r.user);
  j.Key("checkpoint").Begin().Key("records").Num(r.checkpoint_records).Key("commits").Num(r.checkpoint_seq).End();
  j.Key("lease_held").Bool(r.lease_held).Key("process_gone").Bool(r.process_gone);
  if (!r.report_json.empty()) j.Key("report").Json(r.report_json);
  j.End();
}

void HistoryJson(const HistoryEntry& h, internal::JsonBuilder& j) {
  j.Begin().Key("collection").Str(h.collection).Key("migration").Str(h.migration_id).Key("checksum").Str(h.checksum);
  j.Key("run_id").Str(h.run_id).Key("kind").Str(h.kind).Key("applied_by").Str(h.applied_by);
  j.Key("applied_at").Str(h.applied_at).Key("duration_ms").Num(h.duration_ms).Key("records").Num(h.records);
  j.Key("success").Bool(h.success).End();
}

// Where a finished run kept its rejected records (its report's
// rejects_file), "" when it kept none.
std::string RejectsFileOf(const RunRecord& r) {
  if (r.report_json.empty()) return "";
  Arena arena;
  JsonParser parser;
  auto report = parser.Parse(r.report_json, arena);
  if (!report.ok() || !report.value().IsObject()) return "";
  const Value* file = report.value().Find("rejects_file");
  return file != nullptr && file->IsString() ? std::string(file->AsString()) : "";
}

// The run's status as shown: a `running` run whose process is gone is dead.
std::string ShownStatus(const RunRecord& r) { return r.process_gone ? "dead" : r.status; }

void AddStateOptions(CLI::App* app, bool with_project) {
  if (with_project) {
    app->add_option("-p,--project", g_args.project, "ferry.yaml, or the directory holding it")->capture_default_str();
  }
  app->add_option("--state", g_args.state, "Ferry's state: an SQLite file or postgres:// URI")->envname("FERRY_STATE");
  app->add_option("-t,--target", g_args.target, "a postgres:// target whose ferry schema holds the state");
  app->add_flag("--json", g_args.json, "print JSON");
}

int Status_() {
  auto state = State::Open(g_args.state, g_args.target);
  if (!state.ok()) return Fail(state.status());
  if (!g_args.run.empty()) {
    auto r = (*state)->GetRun(g_args.run);
    if (!r.ok()) return Fail(r.status());
    if (g_args.json) {
      internal::JsonBuilder j;
      RunJson(r.value(), j);
      std::printf("%s\n", j.text().c_str());
      return 0;
    }
    const RunRecord& run = r.value();
    std::printf("Run %s: %s\n", run.run_id.c_str(), ShownStatus(run).c_str());
    if (run.process_gone) {
      std::printf("  dead        recorded as running, but its process (pid %lld on %s) is gone\n", (long long)run.pid,
                  run.host.c_str());
    }
    std::printf("  collection  %s\n  source      %s\n  target      %s\n", run.collection.c_str(), run.source.c_str(),
                run.target.c_str());
    std::printf("  started     %s by %s on %s (pid %lld)\n", run.started_at.c_str(), run.user.c_str(), run.host.c_str(),
                (long long)run.pid);
    if (!run.finished_at.empty()) std::printf("  finished    %s\n", run.finished_at.c_str());
    if (const std::string rejects = RejectsFileOf(run); !rejects.empty()) {
      std::printf("  rejects     %s\n", rejects.c_str());
    }
    std::printf("  checkpoint  %llu records committed in %llu commits\n", (unsigned long long)run.checkpoint_records,
                (unsigned long long)run.checkpoint_seq);
    if (run.lease_held) std::printf("  lease       held, expires in %s unless renewed\n", run.lease_expires_in.c_str());
    if (run.status != "completed" && run.status != "abandoned" && !run.lease_held) {
      std::printf("  resumable   %srun the same 'ferry run' command again (or --resume %s)\n",
                  run.status == "failed" ? "once what made it fail is fixed, " : "", run.run_id.c_str());
    }
    auto audit = (*state)->Audit(run.run_id, 20);
    if (audit.ok() && !audit.value().empty()) {
      std::printf("  events:\n");
      for (auto it = audit.value().rbegin(); it != audit.value().rend(); ++it) {
        std::printf("    %s %-10s %s\n", it->at.c_str(), it->event.c_str(), it->detail.c_str());
      }
    }
    return 0;
  }
  auto runs = (*state)->Runs(g_args.limit);
  if (!runs.ok()) return Fail(runs.status());
  if (g_args.json) {
    internal::JsonBuilder j;
    j.BeginArray();
    for (const RunRecord& r : runs.value()) RunJson(r, j);
    std::printf("%s\n", j.EndArray().text().c_str());
    return 0;
  }
  std::printf("Runs in %s (newest first):\n", (*state)->location().c_str());
  if (runs.value().empty()) std::printf("  none\n");
  for (const RunRecord& r : runs.value()) {
    std::printf("  %-24s %-10s %-20s %12llu records  %s -> %s\n", r.run_id.c_str(), ShownStatus(r).c_str(),
                r.started_at.c_str(), (unsigned long long)r.checkpoint_records, r.source.c_str(), r.target.c_str());
  }
  return 0;
}

int History_() {
  auto project = Project::Load(g_args.project);
  std::string collection;
  if (project.ok()) collection = (*project)->collection();
  auto state = State::Open(g_args.state, g_args.target);
  if (!state.ok()) return Fail(state.status());
  auto rows = (*state)->History(collection);
  if (!rows.ok()) return Fail(rows.status());
  if (g_args.json) {
    internal::JsonBuilder j;
    j.BeginArray();
    for (const HistoryEntry& h : rows.value()) HistoryJson(h, j);
    std::printf("%s\n", j.EndArray().text().c_str());
    return 0;
  }
  std::printf("History of %s in %s:\n", collection.empty() ? "all collections" : collection.c_str(),
              (*state)->location().c_str());
  if (rows.value().empty()) std::printf("  no migration applied yet\n");
  for (const HistoryEntry& h : rows.value()) {
    std::printf("  %-20s %-24s %-7s %-12s %10lld records %8.1f s  %s  %s  %s\n", h.applied_at.c_str(),
                h.migration_id.c_str(), h.kind.c_str(), h.checksum.substr(0, 12).c_str(), (long long)h.records,
                double(h.duration_ms) / 1000.0, h.applied_by.c_str(), h.run_id.c_str(), h.success ? "ok" : "FAILED");
  }
  if (project.ok()) {
    Status s = (*state)->Check(**project);
    if (!s.ok()) std::printf("\n%s\n", s.message().c_str());
  }
  return 0;
}

int Repair_() {
  auto project = Project::Load(g_args.project);
  if (!project.ok()) return Fail(project.status());
  auto state = State::Open(g_args.state, g_args.target);
  if (!state.ok()) return Fail(state.status());
  Status check = (*state)->Check(**project);
  if (check.ok()) {
    std::printf("Nothing to repair: every applied migration of %s matches %s.\n", (*project)->collection().c_str(),
                (*project)->file().c_str());
    return 0;
  }
  std::printf("%s\n", check.message().c_str());
  const std::string user = State::CurrentUser();
  auto repaired = (*state)->Repair(**project, user);
  if (!repaired.ok()) return Fail(repaired.status());
  for (const std::string& id : repaired.value()) {
    std::printf("Accepted the new definition of migration '%s' (recorded as repaired by %s).\n", id.c_str(),
                user.c_str());
  }
  return 0;
}

}  // namespace

void RegisterStateCommands(CLI::App& app) {
  g_status = app.add_subcommand("status", "runs and their state: ferry status [RUN]");
  AddStateOptions(g_status, false);
  g_status->add_option("run", g_args.run, "a run id (default: list recent runs)");
  g_status->add_option("--limit", g_args.limit, "runs to list")->capture_default_str()->check(IntegerIn(1, 1000000));
  g_history = app.add_subcommand("history", "migrations applied to the project's collection");
  AddStateOptions(g_history, true);
  g_repair = app.add_subcommand("repair", "accept edited definitions of applied migrations (recorded with your name)");
  AddStateOptions(g_repair, true);
}

bool RunStateCommand(int* exit_code) {
  if (g_status != nullptr && g_status->parsed()) *exit_code = Status_();
  else if (g_history != nullptr && g_history->parsed()) *exit_code = History_();
  else if (g_repair != nullptr && g_repair->parsed()) *exit_code = Repair_();
  else return false;
  return true;
}

}  // namespace ferry::cli
