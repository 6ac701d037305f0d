// Copyright (c) the Ferry authors.
//
// Rollback (ferry/rollback.h): reads a run's journal, decides for every
// record how it goes back (or why it cannot), and writes it back in
// checkpointed transactions on the target table.

#include "ferry/rollback.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <optional>
#include <set>
#include <thread>

#include "common/digest.h"
#include "common/json_builder.h"
#include "document/value_read.h"
#include "engine/batch_processor.h"
#include "engine/driver.h"
#include "engine/journal_entry.h"
#include "ops/run_lifecycle.h"
#include "engine/project_internal.h"
#include "ferry/json.h"
#include "ferry/transform.h"
#include "safety/backup.h"
#include "store/keyed_table.h"
#include "store/sql.h"
#include "store/state.h"
#include "store/store.h"
#include "store/target_lease.h"

namespace ferry {

using internal::EntryBefore;
using internal::JournalEntry;
using internal::JournalEntryWriter;
using internal::StringOr;
namespace {

using internal::BackupManifest;
using internal::BackupReader;
using internal::KeyedTable;
using internal::StateStore;
using internal::StoreUri;

// kCreatedByRun: `--to` on a row the run created (it did not exist in the
// target before the run, so it has no earlier version there).
enum class Action : uint8_t {
  kUnchanged, kBackup, kComplements, kBackward, kDelete, kConflict, kNotRestorable, kCreatedByRun
};

struct Decision {
  Action action = Action::kUnchanged;
  std::string version;   // what the row's version column becomes
  bool version_null = false;  // ... NULL, as it was before the run (kBackup)
  std::string document;  // what the row becomes (kBackup, kComplements, kBackward)
  // The migrations it undoes: (*path)[undone_from..] (none when null).
  const std::vector<size_t>* path = nullptr;
  size_t undone_from = 0;
};

// Everything a rollback needs, opened once.
struct Context {
  const Project::Rep* rep = nullptr;
  const Project* project = nullptr;
  RollbackOptions options;
  std::unique_ptr<StateStore> state;
  StoreUri target;
  internal::RunRow run;
  std::unique_ptr<BackupReader> backup;
  std::unique_ptr<KeyedTable> table;
  std::set<std::string> keys;        // options.keys
  std::set<uint64_t> batches;        // options.batches
  JsonParser parser;
  Arena arena;
  internal::CanonicalDigest digest;
  std::string canonical;  // scratch

  std::string CanonicalSha(std::string_view text) { return digest.Of(text); }

  // Undoes, on `doc`, the migrations of `path` from index `from` to its end
  // (last first), with the entry's complements ("c") and skipping the
  // migrations it skipped ("s"). *used_complement: a non-empty one was used.
  Status Backward(const std::vector<size_t>& path, size_t from, const JournalEntry& entry, Value& doc,
                  bool* used_complement) {
    StepContext ctx(arena);
    for (size_t i = path.size(); i-- > from;) {
      const internal::CompiledMigration& mig = rep->migrations[path[i]];
      if (entry.skipped(mig.info.id)) continue;
      Value complement;
      if (const Value* found = entry.complement(mig.info.id)) {
        complement = found->DeepCopy(arena);
        if (!IsEmptyComplement(complement)) *used_complement = true;
      }
      ctx.Reset(arena);
      FERRY_RETURN_IF_ERROR(mig.steps->ApplyBackward(doc, complement, ctx));
    }
    return Status::OK();
  }

  // The migrations the run applied to the record of `entry`: the path of
  // the version it migrated it from (JournalEntry::migrated_from).
  const std::vector<size_t>* Applied(const JournalEntry& entry) {
    const int vi = project->VersionIndex(entry.migrated_from());
    return vi >= 0 ? &rep->paths[size_t(vi)] : nullptr;
  }

  // How the record of journal `entry` goes back, given the row it has now.
  Decision Decide(const JournalEntry& entry, const std::optional<KeyedTable::Row>& row) {
    Decision d;
    const std::string o = entry.original_sha();
    const std::string a = entry.written_sha();
    const std::string v = entry.version();
    const std::string now = row ? CanonicalSha(row->document) : std::string();
    const std::string& to = options.to_version;
    const bool to_original = to.empty() || to == v;
    if (to_original && now == o) return d;  // already as before
    if (!row || now != a) {
      d.action = Action::kConflict;
      return d;
    }
    if (o.empty()) {
      // The run created the row.
      if (to_original) {
        d.action = Action::kDelete;
        d.path = Applied(entry);
      } else {
        d.action = Action::kCreatedByRun;
      }
      return d;
    }
    if (const Value* b = entry.before_text(); to_original && b != nullptr) {
      d.action = Action::kBackup;
      d.version = v;
      d.version_null = entry.version_null();
      d.document.assign(b->AsString());
      d.path = Applied(entry);
      return d;
    }
    return DecideBackward(entry, *row, o, v, to_original);
  }

  // How the record of journal `entry` (original `o`, at version `v`) goes
  // back through the backward steps from `row`, as the run left it.
  Decision DecideBackward(const JournalEntry& entry, const KeyedTable::Row& row, const std::string& o, const std::string& v,
                          bool to_original) {
    Decision d;
    const std::string& to = options.to_version;
    const int vi = project->VersionIndex(v);
    if (vi < 0) {
      d.action = Action::kNotRestorable;
      return d;
    }
    const std::vector<size_t>& path = rep->paths[size_t(vi)];
    size_t from = 0;
    if (!to_original) {
      from = path.size();
      for (size_t i = 0; i < path.size(); ++i) {
        if (rep->migrations[path[i]].info.from == to) from = i;
      }
      if (from == path.size()) {
        d.action = Action::kNotRestorable;  // the record never was at `to`
        return d;
      }
    }
    auto doc = parser.Parse(row.document, arena);
    if (!doc.ok()) {
      d.action = Action::kNotRestorable;
      return d;
    }
    Value value = doc.value().DeepCopy(arena);
    bool used_complement = false;
    if (!Backward(path, from, entry, value, &used_complement).ok()) {
      d.action = Action::kNotRestorable;
      return d;
    }
    canonical.clear();
    WriteCanonicalJson(value, &canonical);
    if (to_original && internal::Sha256Hex(canonical) != o) {
      // The backward steps do not give back what was there (an edited
      // migration, or a lossy step without its complement).
      d.action = Action::kNotRestorable;
      return d;
    }
    d.action = used_complement ? Action::kComplements : Action::kBackward;
    d.path = &path;
    d.undone_from = from;
    d.version = to_original ? v : to;
    WriteJson(value, &d.document);
    return d;
  }
};

void Count(const Project::Rep& rep, const Decision& d, const std::string& key, uint32_t max_listed,
           RollbackImpact* impact) {
  ++impact->records;
  switch (d.action) {
    case Action::kUnchanged: ++impact->unchanged; return;
    case Action::kBackup: ++impact->via_backup; break;
    case Action::kComplements: ++impact->via_complements; break;
    case Action::kBackward: ++impact->via_backward_steps; break;
    case Action::kDelete: ++impact->deletions; break;
    case Action::kConflict:
      ++impact->conflicts;
      if (impact->conflict_keys.size() < max_listed) impact->conflict_keys.push_back(key);
      return;
    case Action::kCreatedByRun:
      ++impact->created_by_run;
      [[fallthrough]];
    case Action::kNotRestorable:
      ++impact->not_restorable;
      if (impact->not_restorable_keys.size() < max_listed) impact->not_restorable_keys.push_back(key);
      return;
  }
  ++impact->versions[d.action == Action::kDelete ? "(removed)" : d.version];
  if (d.path == nullptr) return;
  for (size_t i = d.undone_from; i < d.path->size(); ++i) ++impact->migrations[rep.migrations[(*d.path)[i]].info.id];
}

// A position in the journal: chunk index and entry index within it.
struct Position {
  size_t chunk = 0;
  size_t entry = 0;
  std::string ToString() const { return std::to_string(chunk) + ":" + std::to_string(entry); }
  static Position Parse(const std::string& s) {
    Position p;
    const size_t colon = s.find(':');
    if (colon != std::string::npos) {
      p.chunk = size_t(std::strtoull(s.c_str(), nullptr, 10));
      p.entry = size_t(std::strtoull(s.c_str() + colon + 1, nullptr, 10));
    }
    return p;
  }
};

// One group of entries read from the journal, with their rows now.
struct Group {
  std::vector<std::string> lines;  // entry texts
  std::vector<std::string> keys;
  Position end;                    // the position after the group
};

// Reads the journal from `from` in groups of up to `size` selected entries;
// calls fn(group) for each.
template <typename Fn>
Status ScanJournal(Context& c, Position from, size_t size, Fn&& fn) {
  const BackupManifest& m = c.backup->manifest();
  Group g;
  for (size_t ci = from.chunk; ci < m.chunks.size(); ++ci) {
    if (!c.batches.empty() && !c.batches.count(m.chunks[ci].seq)) continue;
    FERRY_ASSIGN_OR_RETURN(std::string entries, c.backup->ReadChunk(ci));
    size_t pos = 0, index = 0;
    while (pos < entries.size()) {
      size_t end = entries.find('\n', pos);
      if (end == std::string::npos) end = entries.size();
      const size_t this_index = index++;
      std::string_view line(entries.data() + pos, end - pos);
      pos = end + 1;
      if (ci == from.chunk && this_index < from.entry) continue;
      c.arena.Reset();
      auto v = c.parser.Parse(line, c.arena);
      if (!v.ok() || !v.value().IsObject()) {
        return Status::IntegrityError("backup " + m.id + ": chunk " + std::to_string(m.chunks[ci].seq) +
                                      " holds an entry that is not valid");
      }
      std::string key = JournalEntry(v.value()).key();
      if (!c.keys.empty() && !c.keys.count(key)) continue;
      g.lines.emplace_back(line);
      g.keys.push_back(std::move(key));
      g.end = Position{ci, this_index + 1};
      if (g.lines.size() >= size) {
        FERRY_RETURN_IF_ERROR(fn(g));
        g = Group();
      }
    }
  }
  if (!g.lines.empty()) FERRY_RETURN_IF_ERROR(fn(g));
  return Status::OK();
}

// Decides every entry of `g` against the rows it has now. `lock`: inside
// the transaction that writes them, so that they stay as decided on.
Result<std::vector<Decision>> DecideGroup(Context& c, const Group& g, bool lock = false) {
  FERRY_ASSIGN_OR_RETURN(auto rows, c.table->Get(g.keys, lock));
  std::vector<Decision> out;
  out.reserve(g.lines.size());
  for (size_t i = 0; i < g.lines.size(); ++i) {
    c.arena.Reset();
    auto entry = c.parser.Parse(g.lines[i], c.arena);
    if (!entry.ok()) return Status::IntegrityError("a journal entry is not valid JSON");
    Value e = entry.value().DeepCopy(c.arena);
    out.push_back(c.Decide(JournalEntry(e), rows[i]));
  }
  return out;
}

// Every record of the run, back to its original.
bool IsWhole(const RollbackOptions& o) { return o.keys.empty() && o.batches.empty() && o.to_version.empty(); }

const internal::CompiledMigration* FindMigration(const Project::Rep& rep, const std::string& id) {
  for (const internal::CompiledMigration& m : rep.migrations) {
    if (m.info.id == id) return &m;
  }
  return nullptr;
}

// The completed rollbacks among `runs` (newest first): run rolled back ->
// the newest whole rollback of it, and -> the newest partial one.
void CompletedRollbacks(const std::vector<internal::RunRow>& runs, std::map<std::string, std::string>* whole,
                        std::map<std::string, std::string>* partly) {
  JsonParser parser;
  Arena arena;
  for (const internal::RunRow& r : runs) {
    if (r.options.find("\"rollback_of\"") == std::string::npos || r.status != "completed") continue;
    arena.Reset();
    auto o = parser.Parse(r.options, arena);
    if (!o.ok() || !o.value().IsObject()) continue;
    const std::string of = StringOr(o.value().Find("rollback_of"));
    const bool is_whole = StringOr(o.value().Find("to_version")).empty() && StringOr(o.value().Find("filter")).empty();
    (is_whole ? whole : partly)->emplace(of, r.run_id);
  }
}

// The runs row's options of a rollback: what it rolls back, to where, and
// which records (a resume continues only the same rollback).
std::string RollbackRunOptions(const std::string& run_id, const RollbackOptions& o) {
  std::string filter;
  for (const std::string& k : o.keys) filter.append(k).push_back('\n');
  filter.push_back('|');
  for (uint64_t b : o.batches) filter.append(std::to_string(b)).push_back(',');
  const std::string which = o.keys.empty() && o.batches.empty() ? "" : internal::Sha256Hex(filter).substr(0, 16);
  internal::JsonBuilder j;
  j.Begin().Key("rollback_of").Str(run_id).Key("to_version").Str(o.to_version).Key("filter").Str(which);
  return j.End().Take();
}

// The newest run on `target` (any target when null) that changed a table and
// was not wholly rolled back (a run marked rolled_back by a partial rollback
// is not skipped).
Result<std::optional<internal::RunRow>> NewestRollbackableRun(Context& c, const std::optional<StoreUri>& target) {
  FERRY_ASSIGN_OR_RETURN(auto runs, c.state->ListRuns(1000));
  std::map<std::string, std::string> whole, partly;
  CompletedRollbacks(runs, &whole, &partly);
  for (const internal::RunRow& r : runs) {
    if (target && r.resource != target->identity) continue;
    const bool rolled_back = r.status == "rolled_back" && (whole.count(r.run_id) || !partly.count(r.run_id));
    if (r.options.find("\"rollback_of\"") != std::string::npos || rolled_back || r.status == "abandoned") {
      continue;
    }
    FERRY_ASSIGN_OR_RETURN(auto journal, internal::FindRunBackup(c.state.get(), r.run_id));
    if (!journal) continue;
    return std::optional<internal::RunRow>(r);
  }
  return std::optional<internal::RunRow>();
}

// The run to roll back (options.run_id, or the newest one) into c.run.
Status FindRun(Context& c, const std::optional<StoreUri>& target) {
  const RollbackOptions& options = c.options;
  std::optional<internal::RunRow> run;
  if (!options.run_id.empty()) {
    FERRY_ASSIGN_OR_RETURN(run, c.state->GetRun(options.run_id));
    if (!run) return Status::NotFound("no run " + options.run_id + " in " + c.state->location());
  } else {
    FERRY_ASSIGN_OR_RETURN(run, NewestRollbackableRun(c, target));
    if (!run) {
      return Status::NotFound("no run to roll back in " + c.state->location() +
                              (target ? " on " + target->display : std::string()) + " (see `ferry rollback --list`)");
    }
  }
  c.run = *run;
  if (run->collection != c.rep->collection) {
    return Status::InvalidArgument("run " + run->run_id + " migrated collection '" + run->collection +
                                   "', not this project's '" + c.rep->collection + "'");
  }
  // A running run: its lease tells whether it is alive; Rollback() takes the lease.
  return Status::OK();
}

// The table c.run wrote (`target` when given, which must be it) into c.target.
Status ResolveTarget(Context& c, const std::optional<StoreUri>& target) {
  const internal::RunRow& run = c.run;
  if (target) {
    if (target->identity != run.resource) {
      return Status::InvalidArgument("run " + run.run_id + " wrote to " + run.target + ", not " + target->display);
    }
    c.target = *target;
  } else {
    if (run.target.find("***") != std::string::npos) {
      return Status::InvalidArgument("run " + run.run_id + "'s target had a password, which Ferry does not keep: " +
                                     "pass --target with the URI");
    }
    FERRY_ASSIGN_OR_RETURN(c.target, internal::ParseStoreUri(run.target, c.rep->collection));
  }
  if (!c.target.is_database()) {
    return Status::RollbackError("run " + run.run_id + " wrote the file " + c.target.display +
                                 "; a file run never changes its source, so there is nothing to roll back: remove "
                                 "the output file");
  }
  return Status::OK();
}

// c.run's rollback journal, opened (decrypted with the options' key) into c.backup.
Status OpenJournal(Context& c) {
  const RollbackOptions& options = c.options;
  const std::string& run_id = c.run.run_id;
  FERRY_ASSIGN_OR_RETURN(auto journal, internal::FindRunBackup(c.state.get(), run_id));
  if (!journal) {
    return Status::RollbackError("run " + run_id + " has no rollback journal (it was written by a Ferry "
                                 "without one, or its backup was deleted or pruned)");
  }
  const internal::KeyOptions key{options.passphrase, options.key_file};
  FERRY_ASSIGN_OR_RETURN(c.backup, BackupReader::Open(c.state.get(), internal::BackupRoot(*c.state, options.backup_dir),
                                                      journal->id, key));
  if (c.backup->manifest().encrypted && !key.given()) {
    return Status::InvalidArgument("the backup of run " + run_id +
                                   " is encrypted: pass --passphrase-file or --key-file (or FERRY_BACKUP_PASSPHRASE)");
  }
  return Status::OK();
}

// Opens the state, the run, its journal and the target table.
Result<std::unique_ptr<Context>> OpenContext(const Project& project, const RollbackOptions& options) {
  auto c = std::make_unique<Context>();
  c->project = &project;
  c->rep = &ProjectInternal::Get(project);
  c->options = options;
  c->keys.insert(options.keys.begin(), options.keys.end());
  c->batches.insert(options.batches.begin(), options.batches.end());
  std::optional<StoreUri> target;
  if (!options.target.empty()) {
    FERRY_ASSIGN_OR_RETURN(target, internal::ParseStoreUri(options.target, c->rep->collection));
  }
  FERRY_ASSIGN_OR_RETURN(c->state, internal::OpenStateFor(options.state, target ? &*target : nullptr));
  FERRY_RETURN_IF_ERROR(FindRun(*c, target));
  FERRY_RETURN_IF_ERROR(ResolveTarget(*c, target));
  FERRY_RETURN_IF_ERROR(OpenJournal(*c));
  if (!options.to_version.empty() && project.VersionIndex(options.to_version) < 0) {
    return Status::InvalidArgument("--to " + options.to_version + ": no such version in " + c->rep->file);
  }
  FERRY_ASSIGN_OR_RETURN(c->table, KeyedTable::Open(c->target, true));
  return c;
}

RollbackImpact NewImpact(const Context& c) {
  RollbackImpact impact;
  impact.run_id = c.run.run_id;
  impact.target = c.target.display;
  impact.to_version = c.options.to_version;
  impact.backup_id = c.backup->manifest().id;
  impact.has_originals = c.backup->manifest().before_images;
  impact.encrypted = c.backup->manifest().encrypted;
  return impact;
}

// The unfinished rollback of this run (same --to), if any.
Result<std::optional<internal::RunRow>> FindUnfinishedRollback(Context& c) {
  FERRY_ASSIGN_OR_RETURN(auto runs, c.state->ListRuns(1000));
  for (const internal::RunRow& r : runs) {
    if (r.resource == c.target.identity && r.options == RollbackRunOptions(c.run.run_id, c.options) &&
        r.status != "completed" && r.status != "abandoned") {
      return std::optional<internal::RunRow>(r);
    }
  }
  return std::optional<internal::RunRow>();
}

// The checkpoint counters of a rollback: its impact so far and what it wrote.
std::string CheckpointCounters(const RollbackImpact& impact, uint64_t restored, uint64_t deleted) {
  internal::JsonBuilder j;
  j.Begin().Key("records").Num(impact.records).Key("unchanged").Num(impact.unchanged);
  j.Key("via_backup").Num(impact.via_backup).Key("via_complements").Num(impact.via_complements);
  j.Key("via_backward_steps").Num(impact.via_backward_steps).Key("deletions").Num(impact.deletions);
  j.Key("conflicts").Num(impact.conflicts).Key("not_restorable").Num(impact.not_restorable);
  j.Key("created_by_run").Num(impact.created_by_run).Key("restored").Num(restored).Key("deleted").Num(deleted);
  return j.Key("migrations").Counts(impact.migrations).End().Take();
}

// Reads back CheckpointCounters() into `report` (left as it is when `counters`
// is not an object).
void RestoreCounters(const std::string& counters, RollbackReport* report) {
  JsonParser p;
  Arena a;
  auto v = p.Parse(counters, a);
  if (!v.ok() || !v.value().IsObject()) return;
  auto num = [&](const char* k) {
    int64_t n = 0;
    const Value* x = v.value().Find(k);
    return x != nullptr && x->GetInt64(&n) ? uint64_t(n) : uint64_t(0);
  };
  RollbackImpact& i = report->impact;
  i.records = num("records");
  i.unchanged = num("unchanged");
  i.via_backup = num("via_backup");
  i.via_complements = num("via_complements");
  i.via_backward_steps = num("via_backward_steps");
  i.deletions = num("deletions");
  i.conflicts = num("conflicts");
  i.not_restorable = num("not_restorable");
  i.created_by_run = num("created_by_run");
  report->restored = num("restored");
  report->deleted = num("deleted");
  if (const Value* m = v.value().Find("migrations"); m != nullptr && m->IsObject()) {
    for (const Member* e = m->members(); e != m->members_end(); ++e) {
      int64_t n = 0;
      if (e->value.GetInt64(&n)) i.migrations[std::string(e->key.AsString())] = uint64_t(n);
    }
  }
}

// One rollback, in named phases: its members are the rollback's state, its
// methods the phases, called in order by Execute().
struct RollbackCoordinator {
  RollbackCoordinator(const Project& p, const RollbackOptions& o) : project(p), options(o) {}

  Result<RollbackReport> Execute();

  // Opening: the run, its journal and target; the unfinished rollback, if any.
  Status Open();
  Status TakeLease();
  // Registers the rollback (or its resumption) and claims its checkpoints.
  Status Register();
  Status ClaimCheckpoints();
  Status LoadCheckpoint();
  void StartProgress();
  // Streaming: groups of journal entries, each restored in one transaction.
  Status Stream();
  Status ConsumeGroup(const Group& g);
  Status RestoreGroup(const Group& g);
  // Finishing: how it ended, recorded on the rollback and on the run.
  Status EndStatus(const Status& st);
  void RecordEnd(const Status& final_status);
  void MarkRolledBackRun();
  void AddHistory();

  const Project& project;
  const RollbackOptions& options;
  std::unique_ptr<Context> c;
  RollbackReport report;
  std::optional<internal::RunRow> unfinished;
  std::string owner;  // life's lease owner token
  std::optional<internal::RunLifecycle> life;  // after c: its lease released before c closes
  internal::CheckpointTable* checkpoints = nullptr;
  bool mirror_checkpoints = false;  // also in the state's checkpoints (SQLite)
  internal::Checkpoint cp;
  Position from;
  internal::Progress progress;
  bool cancelled = false;
};

Result<RollbackReport> RollbackCoordinator::Execute() {
  FERRY_RETURN_IF_ERROR(Open());
  FERRY_RETURN_IF_ERROR(TakeLease());
  FERRY_RETURN_IF_ERROR(Register());
  FERRY_RETURN_IF_ERROR(ClaimCheckpoints());
  FERRY_RETURN_IF_ERROR(LoadCheckpoint());
  StartProgress();
  const auto start = std::chrono::steady_clock::now();
  Status st = Stream();
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const Status final_status = EndStatus(st);
  RecordEnd(final_status);
  if (final_status.ok()) {
    MarkRolledBackRun();
    AddHistory();
  }
  progress.Emit(final_status.ok() ? EventType::kRollbackCompleted : EventType::kFailed, "done", report.impact.records,
                report.impact.records, final_status.ok() ? "" : final_status.message(), final_status.code());
  if (!final_status.ok()) return final_status;
  return report;
}

Status RollbackCoordinator::Open() {
  FERRY_ASSIGN_OR_RETURN(c, OpenContext(project, options));
  FERRY_RETURN_IF_ERROR(c->state->CheckChecksums(project, c->rep->collection));
  report.impact = NewImpact(*c);
  FERRY_ASSIGN_OR_RETURN(unfinished, FindUnfinishedRollback(*c));
  report.rollback_run_id = unfinished ? unfinished->run_id : internal::NewRunId();
  report.resumed = unfinished.has_value();
  return Status::OK();
}

Status RollbackCoordinator::TakeLease() {
  life.emplace(c->state.get(), report.rollback_run_id);
  std::string took_over;
  FERRY_RETURN_IF_ERROR(life->TakeLease(c->target, options.lease_ttl_ms, &took_over));
  owner = life->owner();
  return Status::OK();
}

Status RollbackCoordinator::Register() {
  if (unfinished) return life->Resume("by pid " + std::to_string(::getpid()));
  internal::RunRow row = internal::NewRunRow(report.rollback_run_id, c->target, c->rep->collection);
  row.source = "rollback of " + c->run.run_id;
  row.project = c->rep->file;
  row.options = RollbackRunOptions(c->run.run_id, options);
  return life->Start(row, "rollback_started",
                     "run " + c->run.run_id + " on " + c->target.display +
                         (options.to_version.empty() ? "" : " to " + options.to_version));
}

Status RollbackCoordinator::ClaimCheckpoints() {
  checkpoints = &c->table->checkpoints();
  FERRY_RETURN_IF_ERROR(checkpoints->Claim(report.rollback_run_id, owner));
  mirror_checkpoints = c->target.kind == internal::StoreKind::kSqlite;
  if (mirror_checkpoints) FERRY_RETURN_IF_ERROR(c->state->checkpoints().Claim(report.rollback_run_id, owner));
  return Status::OK();
}

// A resumed rollback continues from its checkpoint, with its counters so far.
Status RollbackCoordinator::LoadCheckpoint() {
  cp.run_id = report.rollback_run_id;
  if (!unfinished) return Status::OK();
  FERRY_ASSIGN_OR_RETURN(auto saved, checkpoints->Load(report.rollback_run_id));
  if (saved && saved->seq > 0) {
    cp = *saved;
    from = Position::Parse(saved->position);
    RestoreCounters(saved->counters, &report);
  }
  return Status::OK();
}

void RollbackCoordinator::StartProgress() {
  progress.start = internal::Clock::now();
  progress.sink = options.events;
  progress.run_id = report.rollback_run_id;
  progress.interval_ms = options.progress_interval_ms;
  progress.total_bytes = c->backup->manifest().records;
  progress.Emit(EventType::kRollbackStarted, report.resumed ? "resuming rollback" : "rolling back",
                report.impact.records, report.impact.records);
}

Status RollbackCoordinator::Stream() {
  return ScanJournal(*c, from, std::max<uint32_t>(options.commit_records, 1),
                     [&](const Group& g) -> Status { return ConsumeGroup(g); });
}

// Stops on a cancel or a lost lease, else restores `g` (retried).
Status RollbackCoordinator::ConsumeGroup(const Group& g) {
  if (options.cancel != nullptr && options.cancel->load()) {
    cancelled = true;
    return Status::Cancelled("interrupted");
  }
  if (options.throttle_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(options.throttle_ms));
  if (life->lease()->lost()) {
    return Status::Locked("rollback " + report.rollback_run_id + " lost its lease on " + c->target.display);
  }
  return internal::WithRetries(options.retries, [&]() -> Status { return RestoreGroup(g); });
}

// The rows are read and decided on inside the transaction that restores
// them, locked, so a row someone changes meanwhile is never restored over:
// it is a conflict, left as it is. The checkpoint commits with them.
Status RollbackCoordinator::RestoreGroup(const Group& g) {
  RollbackImpact impact = report.impact;
  uint64_t restored = report.restored, deleted = report.deleted;
  internal::SqlDb& db = c->table->db();
  FERRY_RETURN_IF_ERROR(db.Begin());
  auto decided = DecideGroup(*c, g, true);
  if (!decided.ok()) {
    db.Rollback();
    return decided.status();
  }
  const std::vector<Decision>& decisions = decided.value();
  Status s;
  for (size_t i = 0; i < decisions.size() && s.ok(); ++i) {
    const Decision& d = decisions[i];
    Count(*c->rep, d, g.keys[i], options.max_listed, &impact);
    if (d.action == Action::kDelete) {
      s = c->table->Delete(g.keys[i]);
      ++deleted;
    } else if (d.action == Action::kBackup || d.action == Action::kComplements || d.action == Action::kBackward) {
      s = c->table->Put(g.keys[i], d.version_null ? internal::SqlParam() : internal::SqlParam(d.version), d.document);
      ++restored;
    }
  }
  internal::Checkpoint next = cp;
  ++next.seq;
  next.position = g.end.ToString();
  next.records = impact.records;
  next.counters = CheckpointCounters(impact, restored, deleted);
  if (s.ok()) s = checkpoints->Save(next, owner);
  if (s.ok()) s = db.Commit();
  if (!s.ok()) {
    db.Rollback();
    return s;
  }
  // `ferry status` reads the state's copy (as a run's, for SQLite).
  if (mirror_checkpoints) (void)c->state->checkpoints().Save(next, owner);
  cp = next;
  report.impact = std::move(impact);
  report.restored = restored;
  report.deleted = deleted;
  progress.Tick(report.impact.records, report.impact.records);
  return Status::OK();
}

// How the rollback ended (`st`: what streaming returned); sets report.status.
Status RollbackCoordinator::EndStatus(const Status& st) {
  Status final_status = st;
  if (cancelled) {
    final_status = Status::Cancelled("rollback " + report.rollback_run_id + " interrupted after " +
                                     std::to_string(report.impact.records) +
                                     " records; nothing was lost. Run the same command again to resume it");
  }
  report.status = final_status.ok() ? "completed" : (cancelled ? "cancelled" : "failed");
  return final_status;
}

// Finishes the rollback's runs row and audits the end (not when it lost its
// lease: the one that took it over owns them now).
void RollbackCoordinator::RecordEnd(const Status& final_status) {
  (void)life->Finish(final_status, report.status, report.ToJson(),
                     final_status.ok() ? "rollback_completed" : report.status,
                     final_status.ok() ? std::to_string(report.restored) + " restored, " +
                                             std::to_string(report.deleted) + " removed, " +
                                             std::to_string(report.impact.conflicts) + " conflicts"
                                       : final_status.ToString(),
                     options.retries);
}

// Only a whole rollback (every record, to the originals) closes the run;
// after a partial one the rest can still be rolled back.
void RollbackCoordinator::MarkRolledBackRun() {
  if (!IsWhole(options)) {
    (void)c->state->Audit(c->run.run_id, "partly_rolled_back", "by " + report.rollback_run_id);
    return;
  }
  // The run is rolled back: it is not resumed any more.
  (void)c->state->SetRunStatus(c->run.run_id, "rolled_back");
  (void)c->state->Audit(c->run.run_id, "rolled_back", "by " + report.rollback_run_id);
}

// The history: the migrations this rollback undid, with the records it undid
// them on (not the journal's whole).
void RollbackCoordinator::AddHistory() {
  for (const auto& [id, n] : report.impact.migrations) {
    const internal::CompiledMigration* mig = FindMigration(*c->rep, id);
    if (mig == nullptr) continue;
    internal::HistoryRow h;
    h.collection = c->rep->collection;
    h.migration_id = mig->info.id;
    h.checksum = mig->info.checksum;
    h.definition = mig->info.definition;
    h.run_id = report.rollback_run_id;
    h.kind = "rollback";
    h.applied_by = internal::CurrentUser();
    h.duration_ms = int64_t(report.seconds * 1000);
    h.records = int64_t(n);
    h.success = true;
    (void)internal::WithRetries(options.retries, [&] { return c->state->AddHistory(h); });
  }
}

}  // namespace

Result<RollbackImpact> AnalyzeRollback(const Project& project, const RollbackOptions& options) {
  FERRY_ASSIGN_OR_RETURN(auto c, OpenContext(project, options));
  RollbackImpact impact = NewImpact(*c);
  // A rollback of this run that was interrupted continues where it stopped.
  Position from;
  FERRY_ASSIGN_OR_RETURN(auto unfinished, FindUnfinishedRollback(*c));
  if (unfinished) {
    FERRY_ASSIGN_OR_RETURN(auto cp, c->table->checkpoints().Load(unfinished->run_id));
    if (cp && cp->seq > 0) from = Position::Parse(cp->position);
  }
  FERRY_RETURN_IF_ERROR(ScanJournal(*c, from, 1000, [&](const Group& g) -> Status {
    std::vector<Decision> decisions;
    FERRY_RETURN_IF_ERROR(internal::WithRetries(options.retries, [&]() -> Status {
      auto got = DecideGroup(*c, g);
      if (!got.ok()) return got.status();
      decisions = std::move(got).value();
      return Status::OK();
    }));
    for (size_t i = 0; i < decisions.size(); ++i) {
      Count(*c->rep, decisions[i], g.keys[i], options.max_listed, &impact);
    }
    return Status::OK();
  }));
  return impact;
}

Result<RollbackReport> Rollback(const Project& project, const RollbackOptions& options) {
  RollbackCoordinator rollback(project, options);
  return rollback.Execute();
}

Result<std::vector<RollbackPoint>> ListRollbackPoints(const std::string& state_option, const std::string& target) {
  std::optional<StoreUri> uri;
  if (!target.empty()) {
    FERRY_ASSIGN_OR_RETURN(uri, internal::ParseStoreUri(target, ""));
  }
  FERRY_ASSIGN_OR_RETURN(auto state, internal::OpenStateFor(state_option, uri ? &*uri : nullptr));
  FERRY_ASSIGN_OR_RETURN(auto runs, state->ListRuns(1000));
  std::map<std::string, std::string> rolled_back_by, partly_rolled_back_by;
  CompletedRollbacks(runs, &rolled_back_by, &partly_rolled_back_by);
  std::vector<RollbackPoint> out;
  for (const internal::RunRow& r : runs) {
    if (uri && r.resource != uri->identity) continue;
    FERRY_ASSIGN_OR_RETURN(auto journal, internal::FindRunBackup(state.get(), r.run_id));
    if (!journal) continue;
    RollbackPoint p;
    p.run_id = r.run_id;
    p.target = r.target;
    p.status = r.status;
    p.started_at = r.started_at;
    p.finished_at = r.finished_at;
    p.records = journal->records;
    p.batches = journal->chunks.size();
    p.has_originals = journal->before_images;
    p.encrypted = journal->encrypted;
    p.backup_status = journal->status;
    auto it = rolled_back_by.find(r.run_id);
    if (it != rolled_back_by.end()) p.rolled_back_by = it->second;
    if (auto part = partly_rolled_back_by.find(r.run_id); part != partly_rolled_back_by.end()) {
      p.partly_rolled_back_by = part->second;
    }
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace ferry
