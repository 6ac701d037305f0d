// Copyright (c) the Ferry authors.
#include "cli/audit_command.h"

#include <cstdio>
#include <string>
#include <vector>

#include "cli/numeric_flags.h"
#include "cli/output.h"
#include "common/json_builder.h"
#include "ferry/state.h"

namespace ferry::cli {

namespace {

struct AuditArgs {
  std::string state;
  std::string target;
  AuditQuery query;
  bool json = false;
};

AuditArgs g_args;
CLI::App* g_audit = nullptr;

void EntryJson(const AuditEntry& e, internal::JsonBuilder& j) {
  j.Begin().Key("at").Str(e.at).Key("run_id").Str(e.run_id).Key("action").Str(e.event);
  j.Key("actor").Str(e.user).Key("detail").Str(e.detail).End();
}

int Audit() {
  auto state = State::Open(g_args.state, g_args.target);
  if (!state.ok()) return Fail(state.status());
  auto entries = (*state)->AuditLog(g_args.query);
  if (!entries.ok()) return Fail(entries.status());
  if (g_args.json) {
    internal::JsonBuilder j;
    j.BeginArray();
    for (const AuditEntry& e : entries.value()) EntryJson(e, j);
    std::printf("%s\n", j.EndArray().text().c_str());
    return 0;
  }
  std::printf("Audit log of %s (oldest first):\n", (*state)->location().c_str());
  if (entries.value().empty()) std::printf("  no entry matches\n");
  for (const AuditEntry& e : entries.value()) {
    std::printf("  %s  %-24s %-18s %-12s %s\n", e.at.c_str(), e.run_id.empty() ? "-" : e.run_id.c_str(),
                e.event.c_str(), e.user.c_str(), e.detail.c_str());
  }
  return 0;
}

}  // namespace

void RegisterAuditCommand(CLI::App& app) {
  g_audit = app.add_subcommand("audit", "the audit log: who started, resumed, ended, rolled back, restored, "
                                        "repaired what, and when");
  g_audit->add_option("--state", g_args.state, "Ferry's state: an SQLite file or postgres:// URI")
      ->envname("FERRY_STATE");
  g_audit->add_option("-t,--target", g_args.target, "a postgres:// target whose ferry schema holds the state");
  g_audit->add_option("--run", g_args.query.run_id, "only this run's entries");
  g_audit->add_option("--since", g_args.query.since,
                      "only entries since a UTC time (2026-12-07, 2026-12-07T15:00) or a time ago (30m, 2h, 7d)");
  g_audit->add_option("--action", g_args.query.actions,
                      "only these actions (started, resumed, completed, failed, cancelled, abandoned, repair, ...)")
      ->delimiter(',');
  g_audit->add_option("--actor", g_args.query.actor, "only entries recorded by this user");
  g_audit->add_option("--limit", g_args.query.limit, "at most this many entries (the newest)")
      ->capture_default_str()
      ->check(IntegerIn(1, 10000000));
  g_audit->add_flag("--json", g_args.json, "print JSON");
}

bool RunAuditCommand(int* exit_code) {
  if (g_audit == nullptr || !g_audit->parsed()) return false;
  *exit_code = Audit();
  return true;
}

}  // namespace ferry::cli
