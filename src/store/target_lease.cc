// Copyright (c) the Ferry authors.
//
// TargetLease (target_lease.h) and its three kinds of lease.

#include "store/target_lease.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <optional>

#include "store/file_lock.h"
#include "store/sql.h"
#include "store/state.h"

namespace ferry::internal {

namespace {

bool DeadHere(const std::string& host, int64_t pid) {
  return host == HostName() && pid > 0 && ::kill(pid_t(pid), 0) != 0 && errno == ESRCH;
}

// Where a state lives, as another process can find it.
std::string StateLocation(const StateStore& state) {
  if (state.sqlite_path().empty()) return state.location();
  std::error_code ec;
  auto p = std::filesystem::absolute(state.sqlite_path(), ec);
  return ec ? state.sqlite_path() : p.lexically_normal().string();
}

std::string HolderText(const std::string& run_id, const std::string& host, int64_t pid, const std::string& started) {
  return "run " + run_id + " (host " + host + ", pid " + std::to_string(pid) + ", started " + started + ")";
}

Status TakenOverFrom(const StoreUri& target) {
  return Status::Locked("the lease on " + target.display + " was taken over by another run");
}

std::string WaitAdvice(const std::string& run_id, const std::string& state) {
  return ". Wait for it to finish (its state: " + state + "; ferry status " + run_id + " there)";
}

// ---------------------------------------------------------------------------
// File targets: a row of the state's `leases`.

class StateLeaseHolder : public LeaseHolder {
 public:
  StateLeaseHolder(std::unique_ptr<StateStore> state, std::string resource)
      : state_(std::move(state)), resource_(std::move(resource)) {}
  Status Acquire(const LeaseRequest& r, std::string* took_over) override {
    return state_->AcquireLease(resource_, r.run_id, r.owner, r.ttl_ms, took_over);
  }
  Status Renew(const LeaseRequest& r) override { return state_->Heartbeat(resource_, r.owner, r.ttl_ms); }
  void Release(const LeaseRequest& r) override {
    (void)WithRetries(2, [&] { return state_->ReleaseLease(resource_, r.owner); });
  }

 private:
  std::unique_ptr<StateStore> state_;
  std::string resource_;
};

// ---------------------------------------------------------------------------
// SQLite tables: a kernel lock on the file's table byte, and a row in
// ferry_leases naming the holder.

constexpr const char* kSqliteLeaseTable =
    "CREATE TABLE IF NOT EXISTS ferry_leases (resource TEXT PRIMARY KEY, run_id TEXT NOT NULL, owner TEXT NOT NULL,"
    " host TEXT NOT NULL, pid BIGINT NOT NULL, state TEXT NOT NULL, acquired_at TEXT NOT NULL,"
    " heartbeat_at TEXT NOT NULL)";

class SqliteLeaseHolder : public LeaseHolder {
 public:
  SqliteLeaseHolder(StoreUri target, std::string state) : target_(std::move(target)), state_(std::move(state)) {}

  Status Acquire(const LeaseRequest& r, std::string* took_over) override {
    auto file = DatabaseFile::Open(target_.path, false);
    if (!file.ok()) {
      if (file.status().code() != ErrorCode::kLocked) return file.status();
      // In use under another name: say who holds this table, if anyone.
      FERRY_ASSIGN_OR_RETURN(bool held, DatabaseFile::TableLockedElsewhere(target_.path, target_.table));
      return held ? Refusal() : file.status();
    }
    file_ = std::move(file).value();
    FERRY_ASSIGN_OR_RETURN(bool mine, file_->TryLockTable(target_.table));
    if (!mine) {
      file_.reset();
      return Refusal();
    }
    locked_ = true;
    SqliteOptions o;
    o.create = false;
    o.synchronous = "NORMAL";
    FERRY_ASSIGN_OR_RETURN(db_, OpenSqlite(target_.path, o));
    FERRY_RETURN_IF_ERROR(CreateFerryObjects(*db_, {"ferry_leases"}, kSqliteLeaseTable));
    FERRY_RETURN_IF_ERROR(WithRetries(5, [&] { return WriteRow(r, took_over); }));
    // Into the main file, where a refused run reads it without the log.
    (void)db_->Exec("PRAGMA wal_checkpoint(PASSIVE)");
    return Status::OK();
  }

  Status Renew(const LeaseRequest& r) override {
    FERRY_RETURN_IF_ERROR(db_->Exec("UPDATE ferry_leases SET heartbeat_at = $1 WHERE resource = $2 AND owner = $3",
                                    {NowIso(), target_.table, r.owner}));
    return db_->changes() == 1 ? Status::OK() : TakenOverFrom(target_);
  }

  void Release(const LeaseRequest& r) override {
    if (db_ != nullptr) {
      (void)WithRetries(2, [&] {
        return db_->Exec("DELETE FROM ferry_leases WHERE resource = $1 AND owner = $2", {target_.table, r.owner});
      });
      db_.reset();
    }
    if (locked_) file_->UnlockTable(target_.table);
    file_.reset();
  }

 private:
  Status WriteRow(const LeaseRequest& r, std::string* took_over) {
    took_over->clear();
    FERRY_RETURN_IF_ERROR(db_->Begin());
    auto body = [&]() -> Status {
      FERRY_ASSIGN_OR_RETURN(SqlRows rows, db_->Query("SELECT run_id, owner, host, pid FROM ferry_leases WHERE"
                                                      " resource = $1", {target_.table}));
      if (!rows.empty() && rows.rows[0][1].value_or("") != r.owner) {
        const SqlRow& h = rows.rows[0];
        *took_over = "took over the lease of run " + h[0].value_or("") + " (host " + h[2].value_or("") + ", pid " +
                     std::to_string(ToInt(h[3])) + "): its process is gone (the kernel released its lock on " +
                     target_.path + ")";
      }
      const std::string now = NowIso();
      return db_->Exec("INSERT INTO ferry_leases (resource, run_id, owner, host, pid, state, acquired_at, heartbeat_at)"
                       " VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (resource) DO UPDATE SET"
                       " run_id = excluded.run_id, owner = excluded.owner, host = excluded.host, pid = excluded.pid,"
                       " state = excluded.state, acquired_at = excluded.acquired_at,"
                       " heartbeat_at = excluded.heartbeat_at",
                       {target_.table, r.run_id, r.owner, HostName(), SqlInt(int64_t(::getpid())), state_, now, now});
    };
    Status s = body();
    if (s.ok()) s = db_->Commit();
    if (!s.ok()) db_->Rollback();
    return s;
  }

  // LOCKED naming the holder as its row says, read from the main file only
  // (the file may be in use under another name: its log is not ours to open).
  Status Refusal() const {
    const std::string what = target_.display + " (table " + target_.table + ")";
    if (auto holder = ReadHolder(); holder) {
      const SqlRow& h = *holder;
      const std::string host = h[1].value_or("");
      const int64_t pid = ToInt(h[2]);
      if (!DeadHere(host, pid)) {  // else a row left by an earlier holder
        return Status::Locked(what + " is being migrated by " +
                              HolderText(h[0].value_or(""), host, pid, h[3].value_or("")) +
                              "; it holds a lock on the file until it ends" +
                              WaitAdvice(h[0].value_or(""), h[4].value_or("")));
      }
    }
    return Status::Locked(what + " is being migrated by another process, which holds a lock on the file until it ends;"
                          " wait for it to finish");
  }

  // The holder's row as the main file has it (the holder checkpoints it
  // there); a few tries, as the holder may be writing pages meanwhile. When
  // this process has the file open, through a connection like the others
  // (an immutable one's close would drop this process's locks on the file).
  std::optional<SqlRow> ReadHolder() const {
    SqliteOptions o;
    o.create = false;
    o.immutable = !DatabaseFile::OpenHere(target_.path);
    for (int attempt = 0; attempt < 3; ++attempt) {
      auto db = OpenSqlite(target_.path, o);
      if (!db.ok()) return std::nullopt;
      auto rows = db.value()->Query("SELECT run_id, host, pid, acquired_at, state FROM ferry_leases WHERE"
                                    " resource = $1", {target_.table});
      if (rows.ok()) {
        if (rows.value().empty()) return std::nullopt;
        return rows.value().rows[0];
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return std::nullopt;
  }

  StoreUri target_;
  std::string state_;
  std::shared_ptr<DatabaseFile> file_;
  bool locked_ = false;
  std::unique_ptr<SqlDb> db_;
};

// ---------------------------------------------------------------------------
// PostgreSQL tables: a row of ferry.target_leases in the target database.

constexpr const char* kPgLeaseTable =
    "CREATE SCHEMA IF NOT EXISTS ferry;"
    "CREATE TABLE IF NOT EXISTS ferry.target_leases (resource text PRIMARY KEY, run_id text NOT NULL,"
    " owner text NOT NULL, host text NOT NULL, pid bigint NOT NULL, state text NOT NULL,"
    " backend_pid integer NOT NULL, backend_start timestamptz, acquired_at timestamptz NOT NULL,"
    " heartbeat_at timestamptz NOT NULL, expires_at timestamptz NOT NULL)";

// The lease-keeping session, as the row records it.
constexpr const char* kThisBackend =
    "pg_backend_pid(), (SELECT backend_start FROM pg_stat_activity WHERE pid = pg_backend_pid())";
constexpr const char* kExpiry = "clock_timestamp() + $7::bigint * interval '1 millisecond'";

class PgLeaseHolder : public LeaseHolder {
 public:
  PgLeaseHolder(StoreUri target, std::string state) : target_(std::move(target)), state_(std::move(state)) {}

  Status Acquire(const LeaseRequest& r, std::string* took_over) override {
    FERRY_ASSIGN_OR_RETURN(db_, OpenPostgres(target_.conninfo, target_.display));
    // ferry.checkpoints too: the sink finds it, so no two runs on two tables create it at once.
    CheckpointTable checkpoints(db_.get(), "ferry.checkpoints");
    FERRY_RETURN_IF_ERROR(checkpoints.Create());
    FERRY_RETURN_IF_ERROR(CreateFerryObjects(*db_, {"ferry.target_leases"}, kPgLeaseTable));
    FERRY_ASSIGN_OR_RETURN(resource_, ResolveTable());
    // A holder whose pid is gone on this host makes us wait (20 x 100 ms)
    // for the database to see its session end; it is never the reason to
    // take over.
    for (int attempt = 0;; ++attempt) {
      bool dead_here = false;
      Status s = WithRetries(5, [&] { return TryTake(r, took_over, &dead_here); });
      if (s.code() != ErrorCode::kLocked || !dead_here || attempt >= 20) return s;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }

  Status Renew(const LeaseRequest& r) override {
    FERRY_RETURN_IF_ERROR(db_->Exec(std::string("UPDATE ferry.target_leases SET heartbeat_at = clock_timestamp(),"
                                                 " expires_at = clock_timestamp() + $3::bigint * interval"
                                                 " '1 millisecond', (backend_pid, backend_start) = (SELECT ") +
                                        kThisBackend + ") WHERE resource = $1 AND owner = $2",
                                    {resource_, r.owner, SqlInt(r.ttl_ms)}));
    return db_->changes() == 1 ? Status::OK() : TakenOverFrom(target_);
  }

  void Release(const LeaseRequest& r) override {
    if (db_ == nullptr || resource_.empty()) return;
    (void)WithRetries(2, [&] {
      return db_->Exec("DELETE FROM ferry.target_leases WHERE resource = $1 AND owner = $2", {resource_, r.owner});
    });
  }

 private:
  // schema.table as the server resolves the target's name (where CREATE
  // TABLE would put it when it does not exist yet).
  Result<std::string> ResolveTable() {
    FERRY_ASSIGN_OR_RETURN(
        SqlRows rows,
        db_->Query("SELECT coalesce((SELECT n.nspname || '.' || c.relname FROM pg_class c JOIN pg_namespace n"
                   " ON n.oid = c.relnamespace WHERE c.oid = to_regclass($1)), CASE WHEN strpos($2, '.') > 0"
                   " THEN $2 ELSE coalesce(current_schema(), 'public') || '.' || $2 END)",
                   {QuoteTable(target_.table), target_.table}));
    if (rows.empty() || !rows.rows[0][0]) return Status::Internal("cannot resolve table " + target_.table);
    return *rows.rows[0][0];
  }

  std::vector<SqlParam> Params(const LeaseRequest& r) const {
    return {resource_, r.run_id, r.owner, HostName(), SqlInt(int64_t(::getpid())), state_, SqlInt(r.ttl_ms)};
  }

  // One transaction: insert the lease, or take it over from a holder that
  // expired or whose session is gone, or refuse.
  Status TryTake(const LeaseRequest& r, std::string* took_over, bool* dead_here) {
    took_over->clear();
    FERRY_RETURN_IF_ERROR(db_->Begin());
    Status s = TakeInTransaction(r, took_over, dead_here);
    if (s.ok()) s = db_->Commit();
    if (!s.ok()) db_->Rollback();
    return s;
  }

  Status TakeInTransaction(const LeaseRequest& r, std::string* took_over, bool* dead_here) {
    FERRY_RETURN_IF_ERROR(db_->Exec(std::string("INSERT INTO ferry.target_leases (resource, run_id, owner, host, pid,"
                                                " state, backend_pid, backend_start, acquired_at, heartbeat_at,"
                                                " expires_at) SELECT $1, $2, $3, $4, $5::bigint, $6, ") +
                                        kThisBackend + ", clock_timestamp(), clock_timestamp(), " + kExpiry +
                                        " ON CONFLICT (resource) DO NOTHING",
                                    Params(r)));
    if (db_->changes() == 1) return Status::OK();
    FERRY_ASSIGN_OR_RETURN(std::optional<Holder> h, LockHolder());
    if (!h) return Status::Unavailable("the lease on " + resource_ + " was released meanwhile; again");
    if (!h->expired && !h->gone) {
      *dead_here = DeadHere(h->host, h->pid);
      return Status::Locked(target_.display + " (table " + resource_ + ") is being migrated by " +
                            HolderText(h->run_id, h->host, h->pid, h->started) + "; its lease expires in " +
                            h->expires_in + " s by the database's clock unless it keeps running" +
                            WaitAdvice(h->run_id, h->state));
    }
    *took_over = "took over the lease of run " + h->run_id + " (host " + h->host + ", pid " + std::to_string(h->pid) +
                 "): " + (h->gone ? "its database session ended" : "it expired by the database's clock");
    return TakeOver(r, h->owner);
  }

  struct Holder {
    std::string run_id, owner, host, started, state, expires_in;
    int64_t pid = 0;
    bool expired = false, gone = false;
  };

  // The holder's row, locked first, then judged: by the database's clock,
  // and by whether its lease-keeping session still exists (both read after
  // any wait for the lock). Nothing when the row went meanwhile.
  Result<std::optional<Holder>> LockHolder() {
    FERRY_ASSIGN_OR_RETURN(
        SqlRows locked, db_->Query("SELECT 1 FROM ferry.target_leases WHERE resource = $1 FOR UPDATE", {resource_}));
    if (locked.empty()) return std::optional<Holder>();
    FERRY_ASSIGN_OR_RETURN(
        SqlRows rows,
        db_->Query("SELECT run_id, owner, host, pid, to_char(acquired_at AT TIME ZONE 'UTC',"
                   " 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), state, expires_at <= clock_timestamp(),"
                   " NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.pid = l.backend_pid"
                   " AND (a.backend_start IS NULL OR a.backend_start = l.backend_start)),"
                   " greatest(0, ceil(extract(epoch FROM expires_at - clock_timestamp())))::bigint"
                   " FROM ferry.target_leases l WHERE resource = $1",
                   {resource_}));
    if (rows.empty()) return std::optional<Holder>();
    const SqlRow& r = rows.rows[0];
    Holder h{r[0].value_or(""), r[1].value_or(""), r[2].value_or(""), r[4].value_or(""), r[5].value_or(""),
             r[8].value_or("?"), ToInt(r[3]), r[6].value_or("f") == "t", r[7].value_or("f") == "t"};
    return std::optional<Holder>(std::move(h));
  }

  // Replaces the holder and fences it: its checkpoint rows in this database
  // change owner in the same transaction, so each later commit of it, which
  // checks its owner in its own transaction (CheckpointTable::Save), fails.
  Status TakeOver(const LeaseRequest& r, const std::string& old_owner) {
    FERRY_RETURN_IF_ERROR(db_->Exec(std::string("UPDATE ferry.target_leases SET run_id = $2, owner = $3, host = $4,"
                                                " pid = $5::bigint, state = $6, (backend_pid, backend_start) ="
                                                " (SELECT ") +
                                        kThisBackend + "), acquired_at = clock_timestamp(),"
                                        " heartbeat_at = clock_timestamp(), expires_at = " + kExpiry +
                                        " WHERE resource = $1",
                                    Params(r)));
    return db_->Exec("UPDATE ferry.checkpoints SET owner = $2 WHERE owner = $1",
                     {old_owner, "taken over by " + r.owner});
  }

  StoreUri target_;
  std::string state_;
  std::string resource_;  // schema.table
  std::unique_ptr<SqlDb> db_;
};

Result<std::unique_ptr<LeaseHolder>> NewHolder(const StoreUri& target, const StateStore& state) {
  switch (target.kind) {
    case StoreKind::kFile: {
      FERRY_ASSIGN_OR_RETURN(auto own, state.Reopen());
      return std::unique_ptr<LeaseHolder>(std::make_unique<StateLeaseHolder>(std::move(own), target.identity));
    }
    case StoreKind::kSqlite:
      return std::unique_ptr<LeaseHolder>(std::make_unique<SqliteLeaseHolder>(target, StateLocation(state)));
    case StoreKind::kPostgres:
      return std::unique_ptr<LeaseHolder>(std::make_unique<PgLeaseHolder>(target, StateLocation(state)));
  }
  return Status::Internal("unknown store kind");
}

}  // namespace

Result<std::unique_ptr<TargetLease>> TargetLease::Acquire(const StoreUri& target, const StateStore& state,
                                                          const LeaseRequest& request, std::string* took_over) {
  FERRY_ASSIGN_OR_RETURN(auto holder, NewHolder(target, state));
  Status s = holder->Acquire(request, took_over);
  if (!s.ok()) {
    holder->Release(request);
    return s;
  }
  std::unique_ptr<StateStore> mirror;
  if (target.is_database()) {
    auto reopened = state.Reopen();
    if (!reopened.ok()) {
      holder->Release(request);
      return reopened.status();
    }
    mirror = std::move(reopened).value();
  }
  return std::unique_ptr<TargetLease>(
      new TargetLease(std::move(holder), std::move(mirror), target.identity, request));
}

TargetLease::TargetLease(std::unique_ptr<LeaseHolder> holder, std::unique_ptr<StateStore> mirror,
                         std::string resource, LeaseRequest request)
    : holder_(std::move(holder)), mirror_(std::move(mirror)), resource_(std::move(resource)),
      request_(std::move(request)) {
  Mirror();
  thread_ = std::thread([this] { RenewLoop(); });
}

TargetLease::~TargetLease() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
  if (mirror_) (void)WithRetries(2, [&] { return mirror_->ReleaseLease(resource_, request_.owner); });
  holder_->Release(request_);
}

Status TargetLease::Renew() {
  std::lock_guard<std::mutex> lock(mu_);
  Status s = holder_->Renew(request_);
  if (s.code() == ErrorCode::kLocked) lost_.store(true);
  return s;
}

void TargetLease::Mirror() {
  if (mirror_) (void)mirror_->MirrorLease(resource_, request_.run_id, request_.owner, request_.ttl_ms);
}

void TargetLease::RenewLoop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_) {
    cv_.wait_for(lock, std::chrono::milliseconds(std::max<int64_t>(request_.ttl_ms / 3, 50)));
    if (stop_) break;
    Status s = holder_->Renew(request_);
    if (s.code() == ErrorCode::kLocked) lost_.store(true);
    if (s.ok()) Mirror();
  }
}

}  // namespace ferry::internal
