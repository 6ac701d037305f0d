// Copyright (c) the Ferry authors.
#include "store/state.h"

#include <pwd.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "ferry/json.h"
#include "ferry/log.h"

namespace ferry::internal {

std::string CurrentUser() {
  if (const char* u = std::getenv("FERRY_USER"); u != nullptr && *u != '\0') return u;
  if (struct passwd* pw = getpwuid(geteuid()); pw != nullptr && pw->pw_name != nullptr) return pw->pw_name;
  if (const char* u = std::getenv("USER"); u != nullptr) return u;
  return "unknown";
}

std::string HostName() {
  char buf[256] = {0};
  if (gethostname(buf, sizeof(buf) - 1) != 0) return "unknown";
  return buf;
}

namespace {

// When process `pid` started, in seconds since the epoch (Linux /proc),
// or -1 when unknown.
int64_t ProcessStartSeconds(int64_t pid) {
  std::ifstream stat_file("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(stat_file)), std::istreambuf_iterator<char>());
  const size_t comm_end = stat.rfind(')');  // the command name may hold spaces
  if (comm_end == std::string::npos) return -1;
  std::istringstream fields(stat.substr(comm_end + 2));
  // Field 22 (starttime, clock ticks after boot); fields 1 and 2 end at ")".
  std::string field;
  for (int i = 3; i <= 22; ++i) fields >> field;
  if (!fields) return -1;
  std::ifstream proc_stat("/proc/stat");
  int64_t boot = -1;
  for (std::string key; proc_stat >> key;) {
    if (key == "btime") {
      proc_stat >> boot;
      break;
    }
  }
  const long ticks = ::sysconf(_SC_CLK_TCK);
  if (boot < 0 || ticks <= 0 || field.empty()) return -1;
  return boot + int64_t(std::strtoll(field.c_str(), nullptr, 10) / ticks);
}

int64_t IsoSeconds(const std::string& iso) {
  std::tm tm{};
  if (::strptime(iso.c_str(), "%Y-%m-%dT%H:%M:%S", &tm) == nullptr) return -1;
  return int64_t(::timegm(&tm));
}

}  // namespace

bool RunProcessGone(const std::string& host, int64_t pid, const std::string& started_at) {
  if (host != HostName() || pid <= 0) return false;
  if (::kill(pid_t(pid), 0) != 0) return errno == ESRCH;
  // The pid exists: it is the run's own process only if that started before
  // the run registered (a second of slack for the clocks' rounding).
  constexpr int64_t kSlackSeconds = 2;
  const int64_t process_start = ProcessStartSeconds(pid);
  const int64_t run_start = IsoSeconds(started_at);
  return process_start >= 0 && run_start >= 0 && process_start > run_start + kSlackSeconds;
}

Result<std::unique_ptr<StateStore>> StateStore::OpenSqlite(const std::string& path) {
  std::unique_ptr<StateStore> s(new StateStore());
  SqliteOptions o;
  o.synchronous = "FULL";
  FERRY_ASSIGN_OR_RETURN(s->db_, internal::OpenSqlite(path, o));
  s->path_ = path;
  s->display_ = path;
  FERRY_RETURN_IF_ERROR(s->CreateTables());
  return s;
}

Result<std::unique_ptr<StateStore>> StateStore::OpenPostgres(const std::string& conninfo, const std::string& display) {
  std::unique_ptr<StateStore> s(new StateStore());
  FERRY_ASSIGN_OR_RETURN(s->db_, internal::OpenPostgres(conninfo, display));
  s->prefix_ = "ferry.";
  s->path_ = conninfo;
  s->display_ = display + " (schema ferry)";
  FERRY_RETURN_IF_ERROR(s->CreateTables());
  return s;
}

Result<std::unique_ptr<StateStore>> StateStore::Reopen() const {
  if (prefix_.empty()) return OpenSqlite(path_);
  return OpenPostgres(path_, display_);
}

Status StateStore::CreateTables() {
  const bool pg = db_->dialect() == SqlDb::Dialect::kPostgres;
  const std::string serial = pg ? "BIGSERIAL PRIMARY KEY" : "INTEGER PRIMARY KEY AUTOINCREMENT";
  const std::string script =
      std::string(pg ? "CREATE SCHEMA IF NOT EXISTS ferry;" : "") + "CREATE TABLE IF NOT EXISTS " + T("runs") +
      " (run_id TEXT PRIMARY KEY, resource TEXT NOT NULL, collection TEXT NOT NULL, source TEXT NOT NULL,"
      " target TEXT NOT NULL, project TEXT NOT NULL, status TEXT NOT NULL, started_at TEXT NOT NULL,"
      " finished_at TEXT, host TEXT NOT NULL, pid BIGINT NOT NULL, username TEXT NOT NULL,"
      " source_fingerprint TEXT NOT NULL, options TEXT NOT NULL, report TEXT NOT NULL DEFAULT '');"
      "CREATE INDEX IF NOT EXISTS runs_resource ON " + T("runs") + " (resource, status);"
      "CREATE TABLE IF NOT EXISTS " + T("history") + " (id " + serial +
      ", collection TEXT NOT NULL, migration_id TEXT NOT NULL, checksum TEXT NOT NULL, definition TEXT NOT NULL,"
      " run_id TEXT NOT NULL, kind TEXT NOT NULL, applied_by TEXT NOT NULL, applied_at TEXT NOT NULL,"
      " duration_ms BIGINT NOT NULL, records BIGINT NOT NULL, success BIGINT NOT NULL);"
      "CREATE TABLE IF NOT EXISTS " + T("leases") +
      " (resource TEXT PRIMARY KEY, run_id TEXT NOT NULL, owner TEXT NOT NULL, host TEXT NOT NULL,"
      " pid BIGINT NOT NULL, acquired_at TEXT NOT NULL, heartbeat_at TEXT NOT NULL, expires_ms BIGINT NOT NULL);"
      "CREATE TABLE IF NOT EXISTS " + T("audit") + " (id " + serial +
      ", at TEXT NOT NULL, run_id TEXT NOT NULL, event TEXT NOT NULL, detail TEXT NOT NULL, username TEXT NOT NULL);"
      "CREATE TABLE IF NOT EXISTS " + T("templates") +
      " (name TEXT PRIMARY KEY, command TEXT NOT NULL, description TEXT NOT NULL, options TEXT NOT NULL,"
      " created_at TEXT NOT NULL, updated_at TEXT NOT NULL, updated_by TEXT NOT NULL);"
      // Operations (include/ferry/operation.h; src/ops/operation_history.cc).
      "CREATE TABLE IF NOT EXISTS " + T("operations") +
      " (id TEXT PRIMARY KEY, kind TEXT NOT NULL, state TEXT NOT NULL, created_at TEXT NOT NULL,"
      " started_at TEXT NOT NULL, finished_at TEXT NOT NULL, project TEXT NOT NULL, source TEXT NOT NULL,"
      " target TEXT NOT NULL, run_id TEXT NOT NULL, resumes BIGINT NOT NULL, code TEXT NOT NULL,"
      " message TEXT NOT NULL, counters TEXT NOT NULL, result TEXT NOT NULL,"
      " last_seq BIGINT NOT NULL DEFAULT 0, stage TEXT NOT NULL DEFAULT '');"
      "CREATE INDEX IF NOT EXISTS operations_created ON " + T("operations") + " (created_at);";
  FERRY_RETURN_IF_ERROR(CreateFerryObjects(
      *db_, {T("runs"), T("history"), T("leases"), T("audit"), T("templates"), T("operations")}, script));
  checkpoints_ = std::make_unique<CheckpointTable>(db_.get(), T("checkpoints"));
  return checkpoints_->Create();
}

namespace {

constexpr const char* kRunColumns =
    "run_id, resource, collection, source, target, project, status, started_at, finished_at, host, pid, username,"
    " source_fingerprint, options, report";

RunRow ToRun(const SqlRow& r) {
  RunRow run;
  run.run_id = r[0].value_or("");
  run.resource = r[1].value_or("");
  run.collection = r[2].value_or("");
  run.source = r[3].value_or("");
  run.target = r[4].value_or("");
  run.project = r[5].value_or("");
  run.status = r[6].value_or("");
  run.started_at = r[7].value_or("");
  run.finished_at = r[8].value_or("");
  run.host = r[9].value_or("");
  run.pid = ToInt(r[10]);
  run.user = r[11].value_or("");
  run.source_fingerprint = r[12].value_or("");
  run.options = r[13].value_or("{}");
  run.report = r[14].value_or("");
  return run;
}

// Lists what differs between two canonical JSON definitions, as
// "/pointer: old -> new" lines (at most `limit`).
void Diff(const Value* a, const Value* b, std::string* pointer, std::vector<std::string>* out, size_t limit) {
  if (out->size() >= limit) return;
  auto text = [](const Value* v) { return v == nullptr ? std::string("(absent)") : ToJson(*v); };
  if (a != nullptr && b != nullptr && a->IsObject() && b->IsObject()) {
    std::map<std::string, std::pair<const Value*, const Value*>> keys;
    for (const Member* m = a->members(); m != a->members_end(); ++m) keys[std::string(m->key.AsString())].first = &m->value;
    for (const Member* m = b->members(); m != b->members_end(); ++m) keys[std::string(m->key.AsString())].second = &m->value;
    for (const auto& [k, pair] : keys) {
      size_t len = pointer->size();
      AppendPointerToken(k, pointer);
      Diff(pair.first, pair.second, pointer, out, limit);
      pointer->resize(len);
    }
    return;
  }
  if (a != nullptr && b != nullptr && a->IsArray() && b->IsArray()) {
    size_t n = std::max(a->size(), b->size());
    for (size_t i = 0; i < n; ++i) {
      size_t len = pointer->size();
      AppendPointerIndex(i, pointer);
      Diff(i < a->size() ? &(*a)[i] : nullptr, i < b->size() ? &(*b)[i] : nullptr, pointer, out, limit);
      pointer->resize(len);
    }
    return;
  }
  std::string ta = text(a), tb = text(b);
  if (ta != tb) out->push_back((pointer->empty() ? "/" : *pointer) + ": " + ta + " -> " + tb);
}

std::string DescribeChange(const std::string& old_def, const std::string& new_def) {
  Arena arena;
  JsonParser parser;
  auto a = parser.Parse(old_def, arena);
  auto b = parser.Parse(new_def, arena);
  if (!a.ok() || !b.ok()) return "the definition changed";
  std::vector<std::string> lines;
  std::string pointer;
  Diff(&a.value(), &b.value(), &pointer, &lines, 5);
  std::string out;
  for (const auto& l : lines) out += (out.empty() ? "" : "; ") + l;
  return out;
}

}  // namespace

Status StateStore::InsertRun(const RunRow& r) {
  return db_->Exec("INSERT INTO " + T("runs") + " (" + kRunColumns +
                       ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
                   {r.run_id, r.resource, r.collection, r.source, r.target, r.project, r.status, r.started_at,
                    std::nullopt, r.host, SqlInt(r.pid), r.user, r.source_fingerprint, r.options, std::string()});
}

Status StateStore::FinishRun(const std::string& run_id, const std::string& status, const std::string& report) {
  return db_->Exec("UPDATE " + T("runs") + " SET status = $1, finished_at = $2, report = $3 WHERE run_id = $4",
                   {status, NowIso(), report, run_id});
}

Status StateStore::SetRunStatus(const std::string& run_id, const std::string& status) {
  return db_->Exec("UPDATE " + T("runs") + " SET status = $1 WHERE run_id = $2", {status, run_id});
}

Result<std::optional<RunRow>> StateStore::GetRun(const std::string& run_id) {
  FERRY_ASSIGN_OR_RETURN(SqlRows rows,
                         db_->Query(std::string("SELECT ") + kRunColumns + " FROM " + T("runs") + " WHERE run_id = $1",
                                    {run_id}));
  if (rows.empty()) return std::optional<RunRow>();
  return std::optional<RunRow>(ToRun(rows.rows[0]));
}

Result<std::optional<RunRow>> StateStore::FindUnfinished(const std::string& resource) {
  FERRY_ASSIGN_OR_RETURN(SqlRows rows, db_->Query(std::string("SELECT ") + kRunColumns + " FROM " + T("runs") +
                                                      " WHERE resource = $1 AND status IN ('running', 'failed',"
                                                      " 'cancelled') ORDER BY started_at DESC, run_id DESC LIMIT 1",
                                                  {resource}));
  if (rows.empty()) return std::optional<RunRow>();
  return std::optional<RunRow>(ToRun(rows.rows[0]));
}

Result<std::vector<RunRow>> StateStore::ListRuns(uint32_t limit) {
  FERRY_ASSIGN_OR_RETURN(SqlRows rows, db_->Query(std::string("SELECT ") + kRunColumns + " FROM " + T("runs") +
                                                      " ORDER BY started_at DESC, run_id DESC LIMIT $1",
                                                  {SqlInt(limit)}));
  std::vector<RunRow> out;
  for (const SqlRow& r : rows.rows) out.push_back(ToRun(r));
  return out;
}

Status StateStore::AcquireLease(const std::string& resource, const std::string& run_id, const std::string& owner,
                                int64_t ttl_ms, std::string* took_over) {
  took_over->clear();
  FERRY_RETURN_IF_ERROR(db_->Begin());
  auto body = [&]() -> Status {
    FERRY_ASSIGN_OR_RETURN(SqlRows rows,
                           db_->Query("SELECT run_id, owner, host, pid, acquired_at, expires_ms FROM " + T("leases") +
                                          " WHERE resource = $1" +
                                          (db_->dialect() == SqlDb::Dialect::kPostgres ? " FOR UPDATE" : ""),
                                      {resource}));
    const int64_t now = NowMs();
    if (!rows.empty()) {
      const SqlRow& r = rows.rows[0];
      const std::string holder_run = r[0].value_or(""), holder_owner = r[1].value_or(""), host = r[2].value_or("");
      const int64_t pid = ToInt(r[3]), expires = ToInt(r[5]);
      const bool dead_here = host == HostName() && pid > 0 && ::kill(pid_t(pid), 0) != 0 && errno == ESRCH;
      if (holder_owner != owner && expires > now && !dead_here) {
        return Status::Locked(resource + " is being migrated by run " + holder_run + " (host " + host + ", pid " +
                              std::to_string(pid) + ", started " + r[4].value_or("") + "); its lease expires in " +
                              std::to_string((expires - now + 999) / 1000) +
                              " s unless it keeps running. Wait for it to finish (ferry status " + holder_run + ")");
      }
      if (holder_owner != owner) {
        *took_over = "took over the lease of run " + holder_run + " (host " + host + ", pid " + std::to_string(pid) +
                     (dead_here ? ", no longer running" : ", expired") + ")";
      }
    }
    FERRY_RETURN_IF_ERROR(db_->Exec(
        "INSERT INTO " + T("leases") +
            " (resource, run_id, owner, host, pid, acquired_at, heartbeat_at, expires_ms) VALUES ($1, $2, $3, $4, $5,"
            " $6, $7, $8) ON CONFLICT (resource) DO UPDATE SET run_id = excluded.run_id, owner = excluded.owner,"
            " host = excluded.host, pid = excluded.pid, acquired_at = excluded.acquired_at,"
            " heartbeat_at = excluded.heartbeat_at, expires_ms = excluded.expires_ms",
        {resource, run_id, owner, HostName(), SqlInt(int64_t(::getpid())), NowIso(), NowIso(), SqlInt(now + ttl_ms)}));
    return Status::OK();
  };
  Status s = body();
  if (s.ok()) s = db_->Commit();
  if (!s.ok()) db_->Rollback();
  return s;
}

Status StateStore::Heartbeat(const std::string& resource, const std::string& owner, int64_t ttl_ms) {
  FERRY_RETURN_IF_ERROR(db_->Exec("UPDATE " + T("leases") + " SET heartbeat_at = $1, expires_ms = $2 WHERE resource = $3"
                                  " AND owner = $4",
                                  {NowIso(), SqlInt(NowMs() + ttl_ms), resource, owner}));
  if (db_->changes() != 1) return Status::Locked("the lease on " + resource + " was taken over by another run");
  return Status::OK();
}

Status StateStore::ReleaseLease(const std::string& resource, const std::string& owner) {
  return db_->Exec("DELETE FROM " + T("leases") + " WHERE resource = $1 AND owner = $2", {resource, owner});
}

Status StateStore::MirrorLease(const std::string& resource, const std::string& run_id, const std::string& owner,
                               int64_t ttl_ms) {
  const std::string now = NowIso();
  return db_->Exec("INSERT INTO " + T("leases") +
                       " (resource, run_id, owner, host, pid, acquired_at, heartbeat_at, expires_ms)"
                       " VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (resource) DO UPDATE SET"
                       " run_id = excluded.run_id,"
                       " owner = excluded.owner, host = excluded.host, pid = excluded.pid,"
                       " heartbeat_at = excluded.heartbeat_at, expires_ms = excluded.expires_ms",
                   {resource, run_id, owner, HostName(), SqlInt(int64_t(::getpid())), now, now,
                    SqlInt(NowMs() + ttl_ms)});
}

Result<std::vector<LeaseRow>> StateStore::ListLeases() {
  FERRY_ASSIGN_OR_RETURN(SqlRows rows, db_->Query("SELECT resource, run_id, owner, host, pid, acquired_at, expires_ms FROM " +
                                                  T("leases") + " ORDER BY resource"));
  std::vector<LeaseRow> out;
  for (const SqlRow& r : rows.rows) {
    out.push_back({r[0].value_or(""), r[1].value_or(""), r[2].value_or(""), r[3].value_or(""), ToInt(r[4]),
                   r[5].value_or(""), ToInt(r[6])});
  }
  return out;
}

Status StateStore::AddHistory(const HistoryRow& h) {
  return db_->Exec("INSERT INTO " + T("history") +
                       " (collection, migration_id, checksum, definition, run_id, kind, applied_by, applied_at,"
                       " duration_ms, records, success) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                   {h.collection, h.migration_id, h.checksum, h.definition, h.run_id, h.kind, h.applied_by,
                    h.applied_at.empty() ? NowIso() : h.applied_at, SqlInt(h.duration_ms), SqlInt(h.records),
                    SqlInt(h.success ? 1 : 0)});
}

Result<std::vector<HistoryRow>> StateStore::History(const std::string& collection) {
  FERRY_ASSIGN_OR_RETURN(SqlRows rows,
                         db_->Query("SELECT collection, migration_id, checksum, definition, run_id, kind, applied_by,"
                                    " applied_at, duration_ms, records, success FROM " + T("history") +
                                        (collection.empty() ? "" : " WHERE collection = $1") + " ORDER BY id",
                                    collection.empty() ? std::vector<SqlParam>{} : std::vector<SqlParam>{collection}));
  std::vector<HistoryRow> out;
  for (const SqlRow& r : rows.rows) {
    HistoryRow h;
    h.collection = r[0].value_or("");
    h.migration_id = r[1].value_or("");
    h.checksum = r[2].value_or("");
    h.definition = r[3].value_or("");
    h.run_id = r[4].value_or("");
    h.kind = r[5].value_or("");
    h.applied_by = r[6].value_or("");
    h.applied_at = r[7].value_or("");
    h.duration_ms = ToInt(r[8]);
    h.records = ToInt(r[9]);
    h.success = ToInt(r[10]) != 0;
    out.push_back(std::move(h));
  }
  return out;
}

namespace {

// The accepted definition of each migration: the newest successful apply or
// repair row.
std::map<std::string, const HistoryRow*> Accepted(const std::vector<HistoryRow>& history) {
  std::map<std::string, const HistoryRow*> out;
  for (const HistoryRow& h : history) {
    if (h.success) out[h.migration_id] = &h;
  }
  return out;
}

}  // namespace

Status StateStore::CheckChecksums(const Project& project, const std::string& collection) {
  FERRY_ASSIGN_OR_RETURN(std::vector<HistoryRow> history, History(collection));
  auto accepted = Accepted(history);
  std::string problems;
  std::set<std::string> file_targets;  // the file targets of the runs that applied them
  bool only_files = true;
  int n = 0;
  for (const MigrationInfo& m : project.migrations()) {
    auto it = accepted.find(m.id);
    if (it == accepted.end() || it->second->checksum == m.checksum) continue;
    ++n;
    auto run = GetRun(it->second->run_id);
    const bool into_file = run.ok() && run.value() && run.value()->resource.rfind("file:", 0) == 0;
    if (into_file) file_targets.insert(run.value()->target);
    only_files = only_files && into_file;
    problems += (problems.empty() ? "" : "\n  ") + std::string("migration '") + m.id + "' (" + project.file() + ":" +
                std::to_string(m.line) + ") changed after it was applied by run " + it->second->run_id +
                (into_file ? " into the file " + run.value()->target : "") + " on " + it->second->applied_at + ": " +
                DescribeChange(it->second->definition, m.definition);
  }
  if (n == 0) return Status::OK();
  std::string files;
  for (const std::string& f : file_targets) files += (files.empty() ? "" : ", ") + f;
  return Status(ErrorCode::kChecksumMismatch,
                std::to_string(n) + (n == 1 ? " applied migration was" : " applied migrations were") +
                    " edited:\n  " + problems +
                    "\nRecords already migrated were made by the old definition. Revert the edit, or accept it with "
                    "'ferry repair' (recorded with your name)." +
                    (only_files ? "\nThe runs that applied them wrote files (" + files +
                                      "), which each run rewrites whole: if they were trials, 'ferry repair' is safe; "
                                      "keep trial runs out of this history by giving them a scratch state "
                                      "(--state /tmp/trial-state.db), as the state is where history is kept."
                                : ""));
}

Result<std::vector<std::string>> StateStore::Repair(const Project& project, const std::string& collection,
                                                    const std::string& user) {
  FERRY_ASSIGN_OR_RETURN(std::vector<HistoryRow> history, History(collection));
  auto accepted = Accepted(history);
  std::vector<std::string> repaired;
  for (const MigrationInfo& m : project.migrations()) {
    auto it = accepted.find(m.id);
    if (it == accepted.end() || it->second->checksum == m.checksum) continue;
    HistoryRow h;
    h.collection = collection;
    h.migration_id = m.id;
    h.checksum = m.checksum;
    h.definition = m.definition;
    h.run_id = "repair";
    h.kind = "repair";
    h.applied_by = user;
    FERRY_RETURN_IF_ERROR(AddHistory(h));
    FERRY_RETURN_IF_ERROR(Audit("", "repair", "accepted the edited definition of migration '" + m.id + "' (was " +
                                                  it->second->checksum.substr(0, 12) + ", now " +
                                                  m.checksum.substr(0, 12) + ")"));
    repaired.push_back(m.id);
  }
  return repaired;
}

Status StateStore::Audit(const std::string& run_id, const std::string& event, const std::string& detail) {
  return Audit(run_id, event, detail, CurrentUser());
}

Status StateStore::Audit(const std::string& run_id, const std::string& event, const std::string& detail,
                         const std::string& user) {
  Log(LogLevel::kInfo, "audit: " + event + (detail.empty() ? "" : " (" + detail + ")"),
      {LogStr("action", event), LogStr("run_id", run_id), LogStr("actor", user), LogStr("detail", detail)});
  return db_->Exec("INSERT INTO " + T("audit") + " (at, run_id, event, detail, username) VALUES ($1, $2, $3, $4, $5)",
                   {NowIso(), run_id, event, detail, user});
}

Result<SqlRows> StateStore::AuditLog(const std::string& run_id, uint32_t limit) {
  if (run_id.empty()) {
    return db_->Query("SELECT at, run_id, event, detail, username FROM " + T("audit") + " ORDER BY id DESC LIMIT $1",
                      {SqlInt(limit)});
  }
  return db_->Query("SELECT at, run_id, event, detail, username FROM " + T("audit") +
                        " WHERE run_id = $1 ORDER BY id DESC LIMIT $2",
                    {run_id, SqlInt(limit)});
}

Result<SqlRows> StateStore::AuditLog(const std::string& run_id, const std::string& since,
                                     const std::vector<std::string>& events, const std::string& user,
                                     uint32_t limit) {
  std::vector<SqlParam> params;
  std::string where;
  auto param = [&](std::string value) {
    params.push_back(std::move(value));
    return "$" + std::to_string(params.size());
  };
  auto add = [&](const std::string& condition) { where += (where.empty() ? " WHERE " : " AND ") + condition; };
  if (!run_id.empty()) add("run_id = " + param(run_id));
  if (!since.empty()) add("at >= " + param(since));
  if (!user.empty()) add("username = " + param(user));
  if (!events.empty()) {
    std::string in;
    for (const std::string& e : events) in += (in.empty() ? "" : ", ") + param(e);
    add("event IN (" + in + ")");
  }
  params.push_back(SqlInt(limit));
  const std::string limit_param = "$" + std::to_string(params.size());
  FERRY_ASSIGN_OR_RETURN(SqlRows rows, db_->Query("SELECT at, run_id, event, detail, username FROM " + T("audit") +
                                                      where + " ORDER BY id DESC LIMIT " + limit_param,
                                                  params));
  std::reverse(rows.rows.begin(), rows.rows.end());
  return rows;
}

namespace {
bool IsPostgresUri(const std::string& uri) {
  return uri.rfind("postgres://", 0) == 0 || uri.rfind("postgresql://", 0) == 0;
}
}  // namespace

std::string StateSqlitePath(const std::string& state_option, const StoreUri* target) {
  if (!state_option.empty()) {
    if (IsPostgresUri(state_option)) return "";
    return state_option.rfind("sqlite:", 0) == 0 ? state_option.substr(7) : state_option;
  }
  if (target != nullptr && target->kind == StoreKind::kPostgres) return "";
  return ".ferry/state.db";
}

Result<std::unique_ptr<StateStore>> OpenStateFor(const std::string& state_option, const StoreUri* target) {
  const std::string path = StateSqlitePath(state_option, target);
  if (!path.empty()) return StateStore::OpenSqlite(path);
  if (!state_option.empty()) {
    FERRY_ASSIGN_OR_RETURN(StoreUri u, ParseStoreUri(state_option, "unused"));
    return StateStore::OpenPostgres(u.conninfo, u.display);
  }
  return StateStore::OpenPostgres(target->conninfo, target->display);
}

}  // namespace ferry::internal
