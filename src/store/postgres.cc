// Copyright (c) the Ferry authors.
//
// The PostgreSQL store (libpq):
//   PgDb      SqlDb over one connection. Reconnects on the call after a lost
//             connection; a transaction the loss interrupted stays failed
//             (like an aborted one) until the caller rolls it back, so no
//             statement of it can run on the new session by accident.
//   PgReader  the rows of a table in key order (keyset pagination).
//   PgSink    stages batches in memory; Commit() loads them with COPY and
//             saves the checkpoint in the same transaction.
//
// Sink commit paths (both one transaction with the checkpoint):
//   direct  COPY straight into the target. Taken while no key of the run is
//           expected there (the target was empty when the run started, the
//           run resumes, or recent staged commits met no existing key); a
//           unique violation rolls the attempt back and takes the staged path.
//   staged  COPY (documents as text) into a temporary table (ON COMMIT DELETE
//           ROWS), then one statement looks every key up in the target once,
//           INSERTs the new keys and UPDATEs the existing ones per the
//           conflict policy, counting the conflicts (keys whose document
//           differs); merge fetches the conflicting rows and merges them on
//           the client first (MergeJson). In place: an UPDATE of the rows.
// A commit is retried whole on transient errors; a retry first checks
// whether the lost attempt's COMMIT went through (the checkpoint row tells),
// so every batch lands exactly once.
//
// Never put the conninfo or a password into a message: messages name the
// store by its redacted URI, and libpq's texts are scrubbed.

#include <libpq-fe.h>
#include <poll.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <string>
#include <unordered_map>
#include <utility>

#include "common/text.h"
#include "engine/batch_processor.h"
#include "ferry/json.h"
#include "store/json_merge.h"
#include "store/sql.h"
#include "store/store.h"

namespace ferry::internal {

namespace {

constexpr size_t kCopyChunk = size_t(1) << 20;  // bytes per PQputCopyData
constexpr uint32_t kReaderRetries = 5;
constexpr int64_t kExactCountBelow = 1000000;  // reltuples above: the estimate is enough

struct PgResultFree {
  void operator()(PGresult* r) const { PQclear(r); }
};
using PgResult = std::unique_ptr<PGresult, PgResultFree>;

std::string TrimRight(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ' || s.back() == '\t')) s.pop_back();
  return s;
}

// libpq joins multi-line messages with newlines; one line reads better.
std::string OneLine(std::string s) {
  s = TrimRight(std::move(s));
  for (char& c : s) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  return s;
}

bool StartsWithWord(std::string_view sql, std::string_view word) {
  size_t i = 0;
  while (i < sql.size() && std::isspace(static_cast<unsigned char>(sql[i]))) ++i;
  if (sql.size() - i < word.size()) return false;
  for (size_t j = 0; j < word.size(); ++j) {
    if (std::toupper(static_cast<unsigned char>(sql[i + j])) != word[j]) return false;
  }
  size_t end = i + word.size();
  return end == sql.size() || !std::isalnum(static_cast<unsigned char>(sql[end]));
}

// Every form in which a password of `conninfo` may show up in a libpq message.
std::vector<std::string> Secrets(const std::string& conninfo) {
  std::vector<std::string> out;
  auto add = [&](std::string s) {
    if (!s.empty()) out.push_back(std::move(s));
  };
  add(conninfo);
  // URI userinfo: scheme://user:PASSWORD@host
  size_t scheme = conninfo.find("://");
  if (scheme != std::string::npos) {
    size_t start = scheme + 3;
    size_t end = conninfo.find_first_of("/?", start);
    std::string authority = conninfo.substr(start, end == std::string::npos ? std::string::npos : end - start);
    size_t at = authority.rfind('@');
    if (at != std::string::npos) {
      std::string userinfo = authority.substr(0, at);
      size_t colon = userinfo.find(':');
      if (colon != std::string::npos) {
        add(userinfo.substr(colon + 1));
        add(PercentDecode(userinfo.substr(colon + 1)));
      }
    }
  }
  // password=... in a query string or a key/value conninfo
  for (size_t pw = conninfo.find("password="); pw != std::string::npos; pw = conninfo.find("password=", pw + 9)) {
    size_t end = conninfo.find_first_of("& ", pw + 9);
    std::string v = conninfo.substr(pw + 9, end == std::string::npos ? std::string::npos : end - pw - 9);
    add(v);
    add(PercentDecode(v));
  }
  char* err = nullptr;
  if (PQconninfoOption* opts = PQconninfoParse(conninfo.c_str(), &err)) {
    for (PQconninfoOption* o = opts; o->keyword != nullptr; ++o) {
      if (std::strcmp(o->keyword, "password") == 0 && o->val != nullptr) add(o->val);
    }
    PQconninfoFree(opts);
  }
  if (err != nullptr) PQfreemem(err);
  if (const char* env = std::getenv("PGPASSWORD"); env != nullptr) add(env);
  // Longest first, so that a password inside the conninfo goes with it.
  std::sort(out.begin(), out.end(), [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  return out;
}

void ReplaceAll(std::string* s, const std::string& what, const std::string& with) {
  if (what.empty()) return;
  for (size_t p = s->find(what); p != std::string::npos; p = s->find(what, p + with.size())) {
    s->replace(p, what.size(), with);
  }
}

void NoNotices(void*, const char*) {}

// One row of COPY text format: fields escaped (backslash, tab, newline, CR),
// tab-separated, newline-terminated.
void AppendCopyField(std::string* out, std::string_view s) {
  size_t start = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const char* rep;
    switch (s[i]) {
      case '\\': rep = "\\\\"; break;
      case '\t': rep = "\\t"; break;
      case '\n': rep = "\\n"; break;
      case '\r': rep = "\\r"; break;
      default: continue;
    }
    out->append(s.data() + start, i - start);
    out->append(rep, 2);
    start = i + 1;
  }
  out->append(s.data() + start, s.size() - start);
}

// ---------------------------------------------------------------------------
// The connection

// Timeouts for batch work, set on every session unless it already has a
// value from elsewhere (the URI's options, PGOPTIONS, ALTER ROLE/DATABASE
// ... SET, the server's configuration): docs/stores.md.
constexpr const char* kLockTimeout = "5s";
constexpr const char* kStatementTimeout = "5min";
constexpr const char* kSetTimeouts =
    "SELECT set_config(name, CASE name WHEN 'lock_timeout' THEN $1 ELSE $2 END, false) FROM pg_settings"
    " WHERE name IN ('lock_timeout', 'statement_timeout') AND source = 'default'";
// A statement's result is awaited in slices; between them the run's stop
// flags are checked, and a statement running longer than kProbeAfter is
// looked at (what does it wait for?) every kProbeEvery.
constexpr int kSliceMs = 100;
constexpr auto kProbeAfter = std::chrono::seconds(1);
constexpr auto kProbeEvery = std::chrono::seconds(1);

using Clock = std::chrono::steady_clock;

// What a wait of type Lock (pg_stat_activity.wait_event) is for.
std::string LockKind(const std::string& wait_event) {
  if (wait_event == "transactionid" || wait_event == "tuple") return "a row lock";
  if (wait_event == "relation") return "a table lock";
  if (wait_event == "advisory") return "an advisory lock";
  if (wait_event == "extend") return "a table extension lock";
  return "a lock (" + wait_event + ")";
}

class PgDb : public SqlDb {
 public:
  PgDb(std::string conninfo, std::string display, std::shared_ptr<StatementHooks> hooks = nullptr)
      : conninfo_(std::move(conninfo)), display_(std::move(display)), hooks_(std::move(hooks)) {
    secrets_ = Secrets(conninfo_);
  }
  ~PgDb() override {
    if (cancel_ != nullptr) PQfreeCancel(cancel_);
    if (conn_ != nullptr) PQfinish(conn_);
  }
  PgDb(const PgDb&) = delete;
  PgDb& operator=(const PgDb&) = delete;

  Dialect dialect() const override { return Dialect::kPostgres; }
  const std::string& name() const override { return display_; }
  int64_t changes() const override { return changes_; }
  // Counts (re)connections: session state (temporary tables, SET) is lost
  // when it changes.
  uint64_t session() const { return session_; }
  // SQLSTATE of the last failed call ("" when it had none or succeeded).
  const std::string& last_sqlstate() const { return last_sqlstate_; }

  Status Connect() {
    char* err = nullptr;
    PQconninfoOption* opts = PQconninfoParse(conninfo_.c_str(), &err);
    if (opts == nullptr) {
      std::string msg = err != nullptr ? OneLine(err) : "out of memory";
      if (err != nullptr) PQfreemem(err);
      return Status::InvalidArgument("invalid PostgreSQL URI " + display_ + ": " + Scrub(msg));
    }
    PQconninfoFree(opts);
    // Ours first: the URI's own settings (expanded from dbname) override them.
    std::vector<const char*> keys = {"client_encoding", "application_name"};
    std::vector<const char*> values = {"UTF8", "ferry"};
    if (std::getenv("PGCONNECT_TIMEOUT") == nullptr) {
      keys.push_back("connect_timeout");
      values.push_back("10");
    }
    keys.push_back("dbname");
    values.push_back(conninfo_.c_str());
    keys.push_back(nullptr);
    values.push_back(nullptr);
    conn_ = PQconnectdbParams(keys.data(), values.data(), 1);
    if (conn_ == nullptr) return Status::Unavailable("cannot connect to PostgreSQL " + display_ + ": out of memory");
    PQsetNoticeProcessor(conn_, NoNotices, nullptr);
    if (PQstatus(conn_) != CONNECTION_OK) return ConnectError("cannot connect to PostgreSQL ");
    return SessionStarted();
  }

  Status Exec(std::string_view sql, const std::vector<SqlParam>& params = {}) override {
    changes_ = 0;
    last_sqlstate_.clear();
    if (lost_in_tx_) {
      if (StartsWithWord(sql, "ROLLBACK") || StartsWithWord(sql, "ABORT")) {
        // The server rolled it back when the connection went.
        lost_in_tx_ = false;
        return Status::OK();
      }
      if (!StartsWithWord(sql, "BEGIN") && !StartsWithWord(sql, "START")) return LostTransaction();
      lost_in_tx_ = false;
    }
    FERRY_RETURN_IF_ERROR(RefuseWhenStopping(sql));
    FERRY_RETURN_IF_ERROR(Ready());
    const PGTransactionStatusType before = PQtransactionStatus(conn_);
    PgResult res(Run(sql, params, params.empty()));
    FERRY_RETURN_IF_ERROR(Check(res.get(), sql, before));
    changes_ = Changes(res.get());
    if (StartsWithWord(sql, "COMMIT") && std::strcmp(PQcmdStatus(res.get()), "ROLLBACK") == 0) {
      // COMMIT of a failed transaction reports success with a ROLLBACK tag.
      return Status::IoError("PostgreSQL " + display_ + ": the transaction failed earlier and was rolled back");
    }
    return Status::OK();
  }

  Result<SqlRows> Query(std::string_view sql, const std::vector<SqlParam>& params = {}) override {
    changes_ = 0;
    last_sqlstate_.clear();
    if (lost_in_tx_) return LostTransaction();
    FERRY_RETURN_IF_ERROR(RefuseWhenStopping(sql));
    FERRY_RETURN_IF_ERROR(Ready());
    const PGTransactionStatusType before = PQtransactionStatus(conn_);
    PgResult res(Run(sql, params, false));
    FERRY_RETURN_IF_ERROR(Check(res.get(), sql, before));
    SqlRows out;
    const int cols = PQnfields(res.get());
    const int rows = PQntuples(res.get());
    for (int c = 0; c < cols; ++c) out.columns.emplace_back(PQfname(res.get(), c));
    out.rows.reserve(size_t(rows));
    for (int r = 0; r < rows; ++r) {
      SqlRow row(static_cast<size_t>(cols));
      for (int c = 0; c < cols; ++c) {
        if (PQgetisnull(res.get(), r, c)) continue;
        row[size_t(c)] = std::string(PQgetvalue(res.get(), r, c), size_t(PQgetlength(res.get(), r, c)));
      }
      out.rows.push_back(std::move(row));
    }
    return out;
  }

  // Runs `sql` (COPY ... FROM STDIN) and sends `data` in COPY format.
  Status CopyIn(std::string_view sql, std::string_view data) {
    changes_ = 0;
    last_sqlstate_.clear();
    if (lost_in_tx_) return LostTransaction();
    FERRY_RETURN_IF_ERROR(RefuseWhenStopping(sql));
    FERRY_RETURN_IF_ERROR(Ready());
    const PGTransactionStatusType before = PQtransactionStatus(conn_);
    PgResult res(Run(sql, {}, true));
    if (res == nullptr || PQresultStatus(res.get()) != PGRES_COPY_IN) {
      Status s = Check(res.get(), sql, before);
      return s.ok() ? Status::Internal("PostgreSQL " + display_ + ": " + std::string(sql.substr(0, 60)) +
                                       " did not start a COPY")
                    : s;
    }
    res.reset();
    bool sent = true;
    for (size_t off = 0; off < data.size(); off += kCopyChunk) {
      const size_t n = std::min(kCopyChunk, data.size() - off);
      if (PQputCopyData(conn_, data.data() + off, int(n)) != 1) {
        sent = false;  // the server already refused (its error comes below) or the connection went
        break;
      }
    }
    if (sent && PQputCopyEnd(conn_, nullptr) != 1) sent = false;
    // Collect the COPY's outcome: the server's error takes precedence.
    Status s;
    bool have_result = false;
    for (int guard = 0; guard < 16; ++guard) {
      AwaitResult();
      PgResult r(PQgetResult(conn_));
      if (r == nullptr) break;
      ExecStatusType st = PQresultStatus(r.get());
      if (st == PGRES_COPY_IN) {
        // Still in COPY (a send failed half way): abandon it.
        (void)PQputCopyEnd(conn_, "ferry: COPY abandoned");
        continue;
      }
      have_result = true;
      if (st == PGRES_COMMAND_OK) {
        if (s.ok()) changes_ = Changes(r.get());
      } else if (s.ok()) {
        s = Check(r.get(), sql, before);
      }
    }
    if (s.ok() && (!sent || !have_result)) s = Check(nullptr, sql, before);
    return s;
  }

 private:
  // The statement being awaited (see Watch()).
  struct Statement {
    Clock::time_point start = Clock::now();
    Clock::time_point next_probe = start + kProbeAfter;
    std::string waits_for;  // "a row lock held by pid 12345" while it waits for one
    bool cancel_sent = false;
  };

  // Sends `sql` (a script when `script`: the simple protocol, several
  // statements, no parameters) and waits for its outcome as PQexec would:
  // the last result, or the one that starts a COPY. Null when it could not
  // be sent (PQerrorMessage says why).
  PGresult* Run(std::string_view sql, const std::vector<SqlParam>& params, bool script) {
    statement_ = Statement();
    const std::string text(sql);
    if ((script ? PQsendQuery(conn_, text.c_str()) : SendParams(text, params)) == 0) return nullptr;
    PGresult* last = nullptr;
    for (;;) {
      AwaitResult();
      PGresult* r = PQgetResult(conn_);
      if (r == nullptr) break;
      PQclear(last);
      last = r;
      const ExecStatusType st = PQresultStatus(r);
      if (st == PGRES_COPY_IN || st == PGRES_COPY_OUT || st == PGRES_COPY_BOTH || PQstatus(conn_) == CONNECTION_BAD) {
        break;
      }
    }
    return last;
  }

  int SendParams(const std::string& sql, const std::vector<SqlParam>& params) {
    std::vector<const char*> values(params.size());
    for (size_t i = 0; i < params.size(); ++i) values[i] = params[i] ? params[i]->c_str() : nullptr;
    return PQsendQueryParams(conn_, sql.c_str(), int(params.size()), nullptr, values.data(), nullptr, nullptr, 0);
  }

  // Returns when a result can be read without blocking (or the connection
  // is lost: PQgetResult then says so), watching the statement meanwhile.
  void AwaitResult() {
    while (PQisBusy(conn_) != 0) {
      pollfd p{PQsocket(conn_), POLLIN, 0};
      if (p.fd < 0) return;
      const int n = ::poll(&p, 1, kSliceMs);
      if (n < 0 && errno != EINTR) return;
      if (n > 0 && PQconsumeInput(conn_) == 0) return;
      Watch();
    }
  }

  // Between slices of a run's statement: cancels it when the run asks to
  // stop now, or to stop at a batch boundary while the statement waits for
  // a lock; and, after kProbeAfter, tells the run what it waits for.
  void Watch() {
    if (hooks_ == nullptr || statement_.cancel_sent) return;
    if (hooks_->stop_requested()) return SendCancel();
    if (Clock::now() >= statement_.next_probe) {
      statement_.next_probe = Clock::now() + kProbeEvery;
      ReportLockWait();
    }
    if (!statement_.waits_for.empty() && hooks_->cancel != nullptr && hooks_->cancel->load()) SendCancel();
  }

  void SendCancel() {
    char err[256];
    if (cancel_ == nullptr || PQcancel(cancel_, err, sizeof err) == 0) return;  // tried again next slice
    statement_.cancel_sent = true;
    hooks_->stopped.store(true);
  }

  void ReportLockWait() {
    statement_.waits_for = LockWait();
    if (statement_.waits_for.empty() || !hooks_->on_wait) return;
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - statement_.start).count();
    hooks_->on_wait("waiting for " + statement_.waits_for + " (since " + std::to_string(seconds) + " s)");
  }

  // "a row lock held by pid 12345" while this session waits for a lock that
  // other sessions hold, else "". Asks from a second connection, opened
  // when first needed (never again once that failed).
  std::string LockWait() {
    if (probe_ == nullptr && !probe_failed_) {
      auto probe = std::make_unique<PgDb>(conninfo_, display_);
      probe_failed_ = !probe->Connect().ok();
      if (!probe_failed_) probe_ = std::move(probe);
    }
    if (probe_ == nullptr) return "";
    Result<SqlRows> rows =
        probe_->Query("SELECT wait_event_type, wait_event, array_to_string(pg_blocking_pids(pid), ', ')"
                      " FROM pg_stat_activity WHERE pid = $1",
                      {SqlInt(PQbackendPID(conn_))});
    if (!rows.ok() || rows.value().empty()) return "";
    const SqlRow& row = rows.value().rows[0];
    const std::string blockers = row[2].value_or("");
    if (blockers.empty()) return "";
    const std::string kind = row[0].value_or("") == "Lock" ? LockKind(row[1].value_or("")) : "a lock";
    return kind + (blockers.find(',') == std::string::npos ? " held by pid " : " held by pids ") + blockers;
  }

  // After a cancel, or once the run asks to stop now, no statement starts
  // but ROLLBACK: nothing more is committed.
  Status RefuseWhenStopping(std::string_view sql) const {
    if (hooks_ == nullptr || !(hooks_->stopped.load() || hooks_->stop_requested())) return Status::OK();
    if (StartsWithWord(sql, "ROLLBACK") || StartsWithWord(sql, "ABORT")) return Status::OK();
    return Status::Cancelled("stopped on request: no more statements are sent to PostgreSQL " + display_ +
                             "; what was committed is kept");
  }

  // A new session (connected or reconnected): ready to be cancelled, with
  // timeouts for batch work.
  Status SessionStarted() {
    ++session_;
    statement_ = Statement();
    if (cancel_ != nullptr) PQfreeCancel(cancel_);
    cancel_ = PQgetCancel(conn_);
    const char* values[] = {kLockTimeout, kStatementTimeout};
    PgResult res(PQexecParams(conn_, kSetTimeouts, 2, nullptr, values, nullptr, nullptr, 0));
    return Check(res.get(), "SET lock_timeout, statement_timeout", PQTRANS_IDLE);
  }

  // Rows an INSERT, UPDATE, DELETE, MERGE or COPY changed (PQcmdTuples also
  // counts the rows a SELECT returned).
  static int64_t Changes(PGresult* res) {
    const char* tag = PQcmdStatus(res);
    for (const char* dml : {"INSERT", "UPDATE", "DELETE", "MERGE", "COPY"}) {
      if (std::strncmp(tag, dml, std::strlen(dml)) == 0) return std::strtoll(PQcmdTuples(res), nullptr, 10);
    }
    return 0;
  }

  // Makes sure there is a connection: the call after a lost one reconnects.
  Status Ready() {
    if (conn_ == nullptr) return Connect();
    if (PQstatus(conn_) == CONNECTION_OK) return Status::OK();
    PQreset(conn_);
    if (PQstatus(conn_) != CONNECTION_OK) return ConnectError("cannot reconnect to PostgreSQL ");
    return SessionStarted();
  }

  Status ConnectError(const std::string& what) {
    const std::string why = Scrub(OneLine(PQerrorMessage(conn_)));
    std::string msg = what + display_ + ": " + why;
    // A bad setting in the URI (libpq checks values when it connects).
    if (why.compare(0, 8, "invalid ") == 0) return Status::InvalidArgument(msg);
    // Failures a retry cannot cure: credentials, a missing database or role,
    // the server's access rules.
    if (PQconnectionNeedsPassword(conn_) != 0 || msg.find("authentication failed") != std::string::npos ||
        msg.find("does not exist") != std::string::npos || msg.find("pg_hba.conf") != std::string::npos) {
      return Status::IoError(msg);
    }
    return Status::Unavailable(msg);
  }

  Status LostTransaction() {
    return Status::Unavailable("PostgreSQL " + display_ +
                               ": the connection was lost inside a transaction, which the server rolled back;"
                               " roll back and run the transaction again");
  }

  // OK for a successful result; else the classified error.
  Status Check(PGresult* res, std::string_view sql, PGTransactionStatusType before) {
    ExecStatusType st = res != nullptr ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_EMPTY_QUERY) return Status::OK();
    if (st == PGRES_COPY_IN || st == PGRES_COPY_OUT || st == PGRES_COPY_BOTH) {
      if (st == PGRES_COPY_IN) (void)PQputCopyEnd(conn_, "ferry: COPY FROM STDIN needs CopyIn()");
      while (PGresult* r = PQgetResult(conn_)) PQclear(r);
      return Status::Internal("PostgreSQL " + display_ + ": unexpected COPY in " + std::string(sql.substr(0, 60)));
    }
    auto field = [&](int f) -> std::string {
      const char* v = res != nullptr ? PQresultErrorField(res, f) : nullptr;
      return v != nullptr ? v : "";
    };
    std::string code = field(PG_DIAG_SQLSTATE);
    std::string primary = field(PG_DIAG_MESSAGE_PRIMARY);
    if (primary.empty() && res != nullptr) primary = OneLine(PQresultErrorMessage(res));
    if (primary.empty()) primary = OneLine(PQerrorMessage(conn_));
    if (primary.empty()) primary = "unknown error";
    const bool lost = PQstatus(conn_) == CONNECTION_BAD;
    if (lost && (before == PQTRANS_INTRANS || before == PQTRANS_INERROR || before == PQTRANS_ACTIVE)) {
      lost_in_tx_ = true;
    }
    last_sqlstate_ = code;
    std::string msg = "PostgreSQL " + display_ + ": " + OneLine(primary);
    if (std::string detail = field(PG_DIAG_MESSAGE_DETAIL); !detail.empty()) msg += " (" + OneLine(detail) + ")";
    if (!code.empty()) msg += " [SQLSTATE " + code + "]";
    msg += "; in: " + OneLine(std::string(sql.substr(0, 120)));
    if (std::string context = field(PG_DIAG_CONTEXT); !context.empty()) msg += "; " + OneLine(context.substr(0, 240));
    msg = Scrub(std::move(msg));
    if (lost) {
      return Status::Unavailable(msg + (StartsWithWord(sql, "COMMIT") ? "; the connection was lost during COMMIT"
                                                                      : "; the connection was lost"));
    }
    if (code == "57014" && statement_.cancel_sent) {
      return Status::Cancelled("PostgreSQL " + display_ + ": stopped on request: the running statement" +
                               WaitedFor() + " was cancelled, its transaction rolled back");
    }
    if (code.compare(0, 2, "08") == 0 || code == "57P01" || code == "57P02" || code == "57P03" || code == "40001" ||
        code == "40P01") {
      return Status::Unavailable(msg);
    }
    // lock_timeout, statement_timeout (or a cancel from another session).
    if (code == "55P03" || code == "57014") return Status::Unavailable(msg + WaitedFor());
    if (code == "53100") {
      return Status::IoError(msg + "; the database server's disk is full: the run stopped and can be resumed once"
                                   " space is freed");
    }
    if (code == "XX001" || code == "XX002") {
      return Status::IoError(msg + "; PostgreSQL reports damaged data: the run stopped and can be resumed once the"
                                   " database is repaired");
    }
    return Status::IoError(msg);
  }

  // " (waiting for a row lock held by pid 12345)" when the statement was
  // seen waiting for a lock, else "".
  std::string WaitedFor() const {
    return statement_.waits_for.empty() ? "" : " (waiting for " + statement_.waits_for + ")";
  }

  std::string Scrub(std::string msg) const {
    // The display form may contain the conninfo (no password): park it
    // first, so it is not rewritten into itself.
    const std::string mark = "\x01" "ferry-store" "\x01";
    ReplaceAll(&msg, display_, mark);
    for (const std::string& secret : secrets_) ReplaceAll(&msg, secret, secret == conninfo_ ? mark : "***");
    ReplaceAll(&msg, mark, display_);
    return msg;
  }

  std::string conninfo_, display_;
  std::shared_ptr<StatementHooks> hooks_;  // a run's, or null
  std::vector<std::string> secrets_;
  PGconn* conn_ = nullptr;
  PGcancel* cancel_ = nullptr;  // for the current session
  Statement statement_;
  std::unique_ptr<PgDb> probe_;  // a second connection: what does a statement wait for?
  bool probe_failed_ = false;
  int64_t changes_ = 0;
  uint64_t session_ = 0;
  bool lost_in_tx_ = false;
  std::string last_sqlstate_;
};

Result<std::unique_ptr<PgDb>> ConnectPg(const std::string& conninfo, const std::string& display,
                                        std::shared_ptr<StatementHooks> hooks = nullptr) {
  auto db = std::make_unique<PgDb>(conninfo, display, std::move(hooks));
  FERRY_RETURN_IF_ERROR(db->Connect());
  return db;
}

// Runs fn between BEGIN (`begin`: may be a script starting with BEGIN) and
// COMMIT; rolls back on failure. *sqlstate: the failure's SQLSTATE.
template <typename Fn>
Status InTransaction(PgDb& db, const std::string& begin, std::string* sqlstate, Fn&& fn) {
  sqlstate->clear();
  Status s = db.Exec(begin);
  if (s.ok()) s = fn();
  if (s.ok()) s = db.Commit();
  if (!s.ok()) {
    *sqlstate = db.last_sqlstate();
    db.Rollback();
  }
  return s;
}

// ---------------------------------------------------------------------------
// Reader

class PgReader : public RecordReader {
 public:
  Status Open(const StoreUri& uri) {
    uri_ = uri;
    table_ = QuoteTable(uri.table);
    return WithRetries(kReaderRetries, [&] { return OpenOnce(); });
  }
  uint64_t total_bytes() const override { return total_bytes_; }
  uint64_t total_records() const override { return total_records_; }
  Status Seek(std::string_view position, uint64_t records) override {
    started_ = !position.empty();
    last_key_ = std::string(position);
    record_ = records;
    return Status::OK();
  }
  Status ReadBatch(uint32_t max_records, RecordBatchInput* batch, bool* eof) override {
    batch->Clear();
    // xmin: the row's version, which an in-place write is conditional on.
    const std::string sql = "SELECT key, document::text, xmin::text FROM " + table_ +
                            (started_ ? " WHERE key > $1 ORDER BY key LIMIT $2" : " ORDER BY key LIMIT $1");
    std::vector<SqlParam> params;
    if (started_) params.push_back(last_key_);
    params.push_back(SqlInt(max_records));
    SqlRows rows;
    FERRY_RETURN_IF_ERROR(WithRetries(kReaderRetries, [&]() -> Status {
      FERRY_ASSIGN_OR_RETURN(rows, db_->Query(sql, params));
      return Status::OK();
    }));
    for (SqlRow& row : rows.rows) {
      const std::string& key = row[0].value_or("");
      const std::string& doc = row[1].value_or("");
      batch->Append(doc, ++record_, 0, key, row[2].value_or(""));
      batch->source_bytes += doc.size();
      last_key_ = key;
      started_ = true;
    }
    *eof = rows.rows.size() < max_records;
    batch->end_position = last_key_;
    batch->bytes.append(JsonParser::kPadding, '\0');
    return Status::OK();
  }

 private:
  Status OpenOnce() {
    if (db_ == nullptr) {
      FERRY_ASSIGN_OR_RETURN(db_, ConnectPg(uri_.conninfo, uri_.display, uri_.hooks));
    }
    FERRY_ASSIGN_OR_RETURN(SqlRows rel, db_->Query("SELECT c.reltuples::bigint FROM pg_class c"
                                                   " WHERE c.oid = to_regclass($1)", {table_}));
    if (rel.empty()) {
      return Status::NotFound("table '" + uri_.table + "' does not exist in " + uri_.display +
                              "; is the table name right (?table=NAME)?");
    }
    Result<SqlRows> probe = db_->Query("SELECT key, document::text FROM " + table_ + " LIMIT 0");
    if (!probe.ok()) {
      if (IsTransient(probe.status())) return probe.status();
      return Status::InvalidArgument("table '" + uri_.table + "' in " + uri_.display +
                                     " cannot be read as Ferry records (columns key and document): " +
                                     probe.status().message());
    }
    int64_t estimate = ToInt(rel.rows[0][0], -1);
    if (estimate < kExactCountBelow) {
      FERRY_ASSIGN_OR_RETURN(SqlRows n, db_->Query("SELECT count(*) FROM " + table_));
      estimate = ToInt(n.rows[0][0]);
    }
    total_records_ = uint64_t(estimate);
    FERRY_ASSIGN_OR_RETURN(SqlRows avg, db_->Query("SELECT coalesce(avg(octet_length(document::text)), 0)::bigint"
                                                   " FROM (SELECT document FROM " + table_ + " LIMIT 1000) s"));
    total_bytes_ = total_records_ * uint64_t(ToInt(avg.rows[0][0]));
    return Status::OK();
  }

  StoreUri uri_;
  std::string table_;
  std::unique_ptr<PgDb> db_;
  uint64_t total_bytes_ = 0, total_records_ = 0, record_ = 0;
  bool started_ = false;
  std::string last_key_;
};

// ---------------------------------------------------------------------------
// Sink

class PgSink : public RecordSink {
 public:
  explicit PgSink(StoreUri uri) : uri_(std::move(uri)), table_(QuoteTable(uri_.table)) {}

  Status Start(const SinkOptions& options, const Checkpoint* from) override {
    options_ = options;
    const bool resumed = from != nullptr;
    return WithRetries(options_.retries, [&] { return StartOnce(resumed); });
  }

  Result<std::optional<Checkpoint>> LoadCheckpoint(const std::string& run_id) override {
    std::optional<Checkpoint> out;
    FERRY_RETURN_IF_ERROR(WithRetries(options_.retries, [&]() -> Status {
      if (db_ == nullptr) {
        FERRY_ASSIGN_OR_RETURN(db_, ConnectPg(uri_.conninfo, uri_.display, uri_.hooks));
      }
      FERRY_ASSIGN_OR_RETURN(SqlRows t, db_->Query("SELECT to_regclass('ferry.checkpoints') IS NOT NULL"));
      if (t.empty() || t.rows[0][0].value_or("f") != "t") {
        out.reset();
        return Status::OK();
      }
      CheckpointTable table(db_.get(), "ferry.checkpoints");
      FERRY_ASSIGN_OR_RETURN(out, table.Load(run_id));
      return Status::OK();
    }));
    return out;
  }

  Status Stage(const BatchResult& b) override {
    return StageTableRecords(b, options_, "PostgreSQL", &staged_, &bytes_, &unchanged_);
  }

  Status Commit(Checkpoint* cp, CommitHooks* hooks) override {
    if (db_ == nullptr || checkpoints_ == nullptr) return Status::Internal("PostgreSQL sink: Commit before Start");
    copy_.clear();
    for (const StagedRecord& r : staged_) AppendRow(&copy_, r);
    staged_copy_.clear();
    hooks_ = hooks;
    uint32_t attempt = 0;
    Status s = WithRetries(options_.retries, [&] { return CommitOnce(cp, attempt++ > 0); });
    if (s.ok()) {
      staged_.clear();
      unchanged_.clear();
      conflicts_ += pending_conflicts_;
      concurrent_ += pending_concurrent_;
    }
    pending_conflicts_ = pending_concurrent_ = 0;
    return s;
  }

  Status Publish() override { return Status::OK(); }
  void Close() override { db_.reset(); }
  void Discard() override { db_.reset(); }
  uint64_t bytes_written() const override { return bytes_; }
  uint64_t conflicts() const override { return conflicts_; }
  uint64_t concurrent_changes() const override { return concurrent_; }

 private:
  Status StartOnce(bool resumed) {
    if (db_ == nullptr) {
      FERRY_ASSIGN_OR_RETURN(db_, ConnectPg(uri_.conninfo, uri_.display, uri_.hooks));
    }
    // Create only what is missing: CREATE ... IF NOT EXISTS still needs the
    // CREATE privilege, which a user writing into existing tables may lack.
    FERRY_ASSIGN_OR_RETURN(SqlRows exist, db_->Query("SELECT to_regclass($1) IS NOT NULL, to_regnamespace('ferry') IS NOT"
                                                     " NULL, to_regclass('ferry.checkpoints') IS NOT NULL",
                                                     {table_}));
    auto missing = [&](size_t i) { return exist.rows[0][i].value_or("f") != "t"; };
    // Two processes may create a table or schema at once; the loser's error
    // is harmless, so each statement is tried twice.
    auto create = [&](auto&& fn) {
      Status st = fn();
      if (!st.ok() && !IsTransient(st)) st = fn();
      return st;
    };
    if (missing(0)) {
      FERRY_RETURN_IF_ERROR(create([&] {
        return CreateRecordTable(*db_, uri_.table);
      }));
    }
    FERRY_RETURN_IF_ERROR(CheckColumns());
    if (missing(1)) FERRY_RETURN_IF_ERROR(create([&] { return db_->Exec("CREATE SCHEMA IF NOT EXISTS ferry"); }));
    checkpoints_ = std::make_unique<CheckpointTable>(db_.get(), "ferry.checkpoints");
    if (missing(2)) FERRY_RETURN_IF_ERROR(create([&] { return checkpoints_->Create(); }));
    FERRY_RETURN_IF_ERROR(checkpoints_->Claim(options_.run_id, options_.owner));
    direct_ = false;
    if (!options_.in_place) {
      FERRY_ASSIGN_OR_RETURN(SqlRows rows, db_->Query("SELECT 1 FROM " + table_ + " LIMIT 1"));
      // A resumed run continues after its checkpoint: its next keys are new.
      direct_ = rows.empty() || resumed;
    }
    return Status::OK();
  }

  Status CheckColumns() {
    FERRY_ASSIGN_OR_RETURN(SqlRows rows,
                           db_->Query("SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a"
                                      " WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped",
                                      {table_}));
    std::unordered_map<std::string, std::string> types;
    for (const SqlRow& r : rows.rows) types[r[0].value_or("")] = r[1].value_or("");
    if (types.count("key") == 0 || types.count("version") == 0 || types.count("updated_at") == 0 ||
        types["document"] != "jsonb") {
      return Status::InvalidArgument("table '" + uri_.table + "' in " + uri_.display +
                                     " is not a Ferry table: it needs the columns key text PRIMARY KEY, version text,"
                                     " document jsonb and updated_at timestamptz");
    }
    // COPY and ON CONFLICT rely on the key being unique.
    FERRY_ASSIGN_OR_RETURN(SqlRows unique,
                           db_->Query("SELECT 1 FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid"
                                      " AND a.attnum = i.indkey[0] WHERE i.indrelid = to_regclass($1)"
                                      " AND i.indisunique AND i.indnkeyatts = 1 AND i.indpred IS NULL"
                                      " AND a.attname = 'key'",
                                      {table_}));
    if (unique.empty()) {
      return Status::InvalidArgument("table '" + uri_.table + "' in " + uri_.display +
                                     " has no primary key (or unique index) on key; Ferry needs one");
    }
    return Status::OK();
  }

  // A COPY row: key, version, document (and, in place, the row's token).
  void AppendRow(std::string* out, const StagedRecord& r, const std::string* document = nullptr) const {
    AppendCopyField(out, r.key);
    out->push_back('\t');
    AppendCopyField(out, r.version);
    out->push_back('\t');
    AppendCopyField(out, document != nullptr ? *document : r.document);
    if (options_.in_place) {
      out->push_back('\t');
      AppendCopyField(out, r.token);
    }
    out->push_back('\n');
  }

  // Whether an attempt whose outcome was lost (a connection lost at COMMIT)
  // went through: the checkpoint only moves with the data.
  Result<bool> AlreadyCommitted(const Checkpoint& cp) {
    FERRY_ASSIGN_OR_RETURN(SqlRows rows, db_->Query("SELECT seq, position FROM ferry.checkpoints"
                                                    " WHERE run_id = $1 AND owner = $2",
                                                    {cp.run_id, options_.owner}));
    return !rows.empty() && uint64_t(ToInt(rows.rows[0][0])) == cp.seq && rows.rows[0][1].value_or("") == cp.position;
  }

  // The end of every commit attempt: the journal, then the checkpoint.
  Status Finish(const std::vector<std::optional<TargetRow>>& before, Checkpoint* cp) {
    if (hooks_ != nullptr) FERRY_RETURN_IF_ERROR(hooks_->WriteAhead(before, cp));
    return checkpoints_->Save(*cp, options_.owner);
  }
  void BeginAttempt() {
    pending_conflicts_ = pending_concurrent_ = 0;
    if (hooks_ != nullptr) hooks_->Begin();
  }

  Status CommitOnce(Checkpoint* cp, bool retry) {
    if (retry) {
      FERRY_ASSIGN_OR_RETURN(bool done, AlreadyCommitted(*cp));
      if (done) return Status::OK();
    }
    BeginAttempt();
    std::string sqlstate;
    if (staged_.empty()) {
      return InTransaction(*db_, "BEGIN", &sqlstate, [&] {
        FERRY_RETURN_IF_ERROR(SetUnchangedVersions());
        return Finish({}, cp);
      });
    }
    if (direct_) {
      Status s = InTransaction(*db_, "BEGIN", &sqlstate, [&] {
        FERRY_RETURN_IF_ERROR(db_->CopyIn("COPY " + table_ + " (key, version, document) FROM STDIN", copy_));
        return Finish(std::vector<std::optional<TargetRow>>(staged_.size()), cp);
      });
      if (s.ok() || sqlstate != "23505") return s;
      // A key is already in the target: take the staged path until commits
      // meet no existing key again (each fallback waits twice as long).
      direct_ = false;
      clean_commits_ = 0;
      direct_after_ = std::min<uint32_t>(direct_after_ * 2, 1024);
    }
    // The planner knows nothing about the temporary table: keep it from
    // hashing the whole target (the lookups go through the primary key).
    static const std::string kBegin =
        "BEGIN; SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off;"
        " CREATE TEMP TABLE IF NOT EXISTS ferry_stage (key text, version text, document text, token text,"
        " present boolean NOT NULL DEFAULT false) ON COMMIT DELETE ROWS;"
        " CREATE TEMP TABLE IF NOT EXISTS ferry_merge (key text, document text) ON COMMIT DELETE ROWS";
    if (temp_session_ != db_->session()) {
      // Room for a commit's rows in memory; only possible before the
      // session's first temporary table (best effort).
      (void)db_->Exec("SET temp_buffers = '64MB'");
      temp_session_ = db_->session();
    }
    Status s;
    for (int attempt = 0; attempt < kInsertRaceAttempts; ++attempt) {
      BeginAttempt();
      std::vector<std::optional<TargetRow>> before;
      s = InTransaction(*db_, kBegin, &sqlstate, [&] {
        FERRY_RETURN_IF_ERROR(options_.in_place ? WriteInPlace() : WriteStaged(&before));
        return Finish(before, cp);
      });
      // A unique violation (not expected: inserts skip existing keys): look again.
      if (sqlstate != "23505") break;
    }
    if (s.ok() && !options_.in_place) {
      clean_commits_ = existing_keys_ == 0 ? clean_commits_ + 1 : 0;
      if (clean_commits_ >= direct_after_) direct_ = true;
    }
    return s;
  }

  // Keys staged twice in this commit: one row each, the policy deciding
  // between the two documents (as if they were written one after the other).
  Status Deduplicate(const std::string** data) {
    *data = &copy_;
    struct Slot {
      size_t key;           // index into staged_
      size_t doc;           // index into staged_ of the document kept
      bool merged = false;  // ... or merged_doc
      std::string merged_doc;
    };
    std::unordered_map<std::string_view, size_t> index;
    index.reserve(staged_.size());
    std::vector<Slot> slots;
    slots.reserve(staged_.size());
    for (size_t i = 0; i < staged_.size(); ++i) {
      auto [it, fresh] = index.emplace(staged_[i].key, slots.size());
      if (fresh) {
        slots.push_back({i, i, false, {}});
        continue;
      }
      Slot& slot = slots[it->second];
      const std::string& current = slot.merged ? slot.merged_doc : staged_[slot.doc].document;
      const std::string& later = staged_[i].document;
      if (current == later) continue;
      ++pending_conflicts_;
      switch (options_.on_conflict) {
        case SinkOptions::OnConflict::kSkip: break;
        case SinkOptions::OnConflict::kFail:
          return Status::Conflict("key '" + staged_[i].key + "' comes twice with different documents (writing " +
                                  uri_.display + "); choose --on-conflict skip, overwrite or merge");
        case SinkOptions::OnConflict::kOverwrite:
          slot.doc = i;
          slot.merged = false;
          break;
        case SinkOptions::OnConflict::kMerge: {
          FERRY_ASSIGN_OR_RETURN(std::string merged, MergeJson(current, later, options_.prefer_source));
          slot.merged_doc = std::move(merged);
          slot.merged = true;
          break;
        }
      }
    }
    if (slots.size() == staged_.size()) return Status::OK();
    staged_copy_.clear();
    for (const Slot& slot : slots) {
      AppendRow(&staged_copy_, staged_[slot.key], slot.merged ? &slot.merged_doc : &staged_[slot.doc].document);
    }
    *data = &staged_copy_;
    return Status::OK();
  }

  Status CopyStaged() {
    const std::string* data = nullptr;
    FERRY_RETURN_IF_ERROR(Deduplicate(&data));
    // Documents stay text in the temporary table: each is parsed into jsonb
    // once, on its way into the target.
    return db_->CopyIn(options_.in_place ? "COPY pg_temp.ferry_stage (key, version, document, token) FROM STDIN"
                                         : "COPY pg_temp.ferry_stage (key, version, document) FROM STDIN",
                       *data);
  }

  // In place: each UPDATE is conditional on the row's xmin as the run read
  // it (an UPDATE that waited for another writer re-checks it on the row's
  // new version). The rows it missed were changed or deleted meanwhile.
  Status WriteInPlace() {
    FERRY_RETURN_IF_ERROR(CopyStaged());
    FERRY_ASSIGN_OR_RETURN(
        SqlRows missed,
        db_->Query("WITH u AS (UPDATE " + table_ +
                   " AS t SET version = s.version, document = s.document::jsonb, updated_at = now()"
                   " FROM pg_temp.ferry_stage s WHERE t.key = s.key AND t.xmin = s.token::xid RETURNING t.key)"
                   " SELECT s.key FROM pg_temp.ferry_stage s WHERE s.key NOT IN (SELECT key FROM u) ORDER BY s.key"));
    FERRY_RETURN_IF_ERROR(SetUnchangedVersions());
    if (missed.empty()) return Status::OK();
    return RewriteChanged(missed);
  }

  // In place: the rows already at the target that the run does not rewrite
  // get the target in their version column (unless the row changed since
  // the run read it).
  Status SetUnchangedVersions() {
    if (unchanged_.empty()) return Status::OK();
    std::string keys = "{", tokens = "{";
    for (const auto& [key, token] : unchanged_) {
      AppendArrayElement(key, &keys);
      AppendArrayElement(token, &tokens);
    }
    keys.push_back('}');
    tokens.push_back('}');
    return db_->Exec("UPDATE " + table_ + " AS t SET version = $1 FROM unnest($2::text[], $3::text[]) AS s(key, token)"
                     " WHERE t.key = s.key AND t.xmin = s.token::xid AND t.version IS DISTINCT FROM $1",
                     {options_.version, keys, tokens});
  }

  // The rows an in-place write missed, locked and read again: the hooks say
  // what to write from their new content.
  Status RewriteChanged(const SqlRows& missed) {
    std::string array = "{";
    for (const SqlRow& r : missed.rows) AppendArrayElement(r[0].value_or(""), &array);
    array.push_back('}');
    FERRY_ASSIGN_OR_RETURN(SqlRows now, db_->Query("SELECT key, version, document::text, xmin::text FROM " + table_ +
                                                   " WHERE key = ANY($1::text[]) ORDER BY key FOR UPDATE",
                                                   {array}));
    std::unordered_map<std::string, TargetRow> rows;
    for (const SqlRow& r : now.rows) rows[r[0].value_or("")] = {r[1].value_or(""), r[2].value_or(""), r[3].value_or("")};
    std::unordered_map<std::string_view, size_t> index;
    for (size_t i = 0; i < staged_.size(); ++i) index.emplace(staged_[i].key, i);
    std::vector<ChangedRow> changed;
    for (const SqlRow& r : missed.rows) {
      ChangedRow c;
      c.key = r[0].value_or("");
      c.index = index.at(c.key);
      if (auto it = rows.find(r[0].value_or("")); it != rows.end()) c.now = it->second;
      changed.push_back(std::move(c));
    }
    pending_concurrent_ = changed.size();
    if (hooks_ == nullptr) return Status::OK();
    FERRY_ASSIGN_OR_RETURN(auto documents, hooks_->Reprocess(changed));
    for (size_t j = 0; j < changed.size(); ++j) {
      if (!documents[j] || !changed[j].now) continue;
      const StagedRecord& staged = staged_[changed[j].index];
      const std::string& key = staged.key;
      FERRY_RETURN_IF_ERROR(db_->Exec("UPDATE " + table_ +
                                          " SET version = $2, document = $3::jsonb, updated_at = now()"
                                          " WHERE key = $1 AND xmin = $4::xid",
                                      {key, staged.version, *documents[j], changed[j].now->token}));
      if (db_->changes() != 1) return Status::Internal("row '" + key + "' changed while this commit held its lock");
    }
    return Status::OK();
  }

  // Into a live table: the staged keys' rows that exist are locked and read
  // first (the journal's before-images, and what the policy decides on);
  // the other keys are inserted. A key someone else inserts meanwhile is
  // locked and decided on in the next pass; after kInsertRaceAttempts
  // passes the attempt gives up (UNAVAILABLE: the commit is tried again).
  Status WriteStaged(std::vector<std::optional<TargetRow>>* before) {
    FERRY_RETURN_IF_ERROR(CopyStaged());
    existing_keys_ = 0;
    std::unordered_map<std::string, TargetRow> found;
    for (int pass = 0; pass < kInsertRaceAttempts; ++pass) {
      FERRY_RETURN_IF_ERROR(LockExisting(&found));
      FERRY_RETURN_IF_ERROR(PrepareByPolicy());
      FERRY_ASSIGN_OR_RETURN(std::optional<std::string> raced, WritePass());
      if (!raced) {
        before->clear();
        before->reserve(staged_.size());
        for (const StagedRecord& r : staged_) {
          auto it = found.find(r.key);
          before->push_back(it == found.end() ? std::optional<TargetRow>() : std::optional<TargetRow>(it->second));
        }
        return Status::OK();
      }
      // What is left: the keys inserted by someone else since the lock.
      FERRY_RETURN_IF_ERROR(db_->Exec("DELETE FROM pg_temp.ferry_stage WHERE NOT (key = ANY($1::text[]))", {*raced}));
    }
    return Status::Unavailable("keys of this commit were inserted into " + uri_.display + " by another writer " +
                               std::to_string(kInsertRaceAttempts) + " times while it ran");
  }

  // Locks the rows of the staged keys not yet locked that exist now, marks
  // them present, and adds them to *found.
  Status LockExisting(std::unordered_map<std::string, TargetRow>* found) {
    FERRY_ASSIGN_OR_RETURN(
        SqlRows rows,
        db_->Query("WITH l AS (SELECT t.key, t.version, t.document FROM " + table_ +
                   " t WHERE t.key IN (SELECT key FROM pg_temp.ferry_stage WHERE NOT present)"
                   " ORDER BY t.key FOR UPDATE OF t),"
                   " f AS (UPDATE pg_temp.ferry_stage s SET present = true FROM l WHERE s.key = l.key)"
                   " SELECT l.key, l.version, l.document::text FROM l"));
    for (const SqlRow& r : rows.rows) {
      (*found)[r[0].value_or("")] = {r[1].value_or(""), r[2].value_or(""), {}, !r[1].has_value()};
    }
    return Status::OK();
  }

  // fail: stops on a conflict; merge: the client merges (MergeJson) and the
  // merged documents replace the staged ones. Only locked rows count.
  Status PrepareByPolicy() {
    const std::string conflicting = " FROM pg_temp.ferry_stage s JOIN " + table_ +
                                    " t ON s.present AND t.key = s.key WHERE t.document <> s.document::jsonb";
    merged_ = -1;
    if (options_.on_conflict == SinkOptions::OnConflict::kFail) {
      FERRY_ASSIGN_OR_RETURN(SqlRows n, db_->Query("SELECT count(*), min(s.key)" + conflicting));
      const int64_t count = ToInt(n.rows[0][0]);
      if (count == 0) return Status::OK();
      pending_conflicts_ += uint64_t(count);
      return Status::Conflict("key '" + n.rows[0][1].value_or("") + "' already holds a different document in " +
                              uri_.display +
                              (count > 1 ? " (and " + std::to_string(count - 1) + " more in this batch)" : "") +
                              "; choose --on-conflict skip, overwrite or merge");
    }
    if (options_.on_conflict != SinkOptions::OnConflict::kMerge) return Status::OK();
    FERRY_ASSIGN_OR_RETURN(SqlRows rows, db_->Query("SELECT s.key, t.document::text, s.document" + conflicting));
    merged_ = int64_t(rows.rows.size());
    if (rows.empty()) return Status::OK();
    std::string copy;
    for (const SqlRow& r : rows.rows) {
      FERRY_ASSIGN_OR_RETURN(std::string doc,
                             MergeJson(r[1].value_or("null"), r[2].value_or("null"), options_.prefer_source));
      AppendCopyField(&copy, r[0].value_or(""));
      copy.push_back('\t');
      AppendCopyField(&copy, doc);
      copy.push_back('\n');
    }
    FERRY_RETURN_IF_ERROR(db_->Exec("TRUNCATE pg_temp.ferry_merge"));
    FERRY_RETURN_IF_ERROR(db_->CopyIn("COPY pg_temp.ferry_merge (key, document) FROM STDIN", copy));
    return db_->Exec("UPDATE pg_temp.ferry_stage s SET document = m.document FROM pg_temp.ferry_merge m"
                     " WHERE s.key = m.key");
  }

  // One statement: INSERT the keys not present (a key someone else inserted
  // since the lock is left out: returned, as a text array), UPDATE the
  // locked rows per the policy, and count the conflicts as they were before.
  Result<std::optional<std::string>> WritePass() {
    const bool skip = options_.on_conflict == SinkOptions::OnConflict::kSkip;
    const std::string sql =
        "WITH m AS MATERIALIZED (SELECT s.key, s.version, s.document::jsonb AS document, s.present,"
        " t.document AS old_document, t.version AS old_version FROM pg_temp.ferry_stage s LEFT JOIN " + table_ +
        " t ON s.present AND t.key = s.key),"
        " i AS (INSERT INTO " + table_ + " (key, version, document) SELECT key, version, document FROM m"
        " WHERE NOT present ON CONFLICT (key) DO NOTHING RETURNING key),"
        " u AS (UPDATE " + table_ + " AS t SET version = m.version, " + (skip ? "" : "document = m.document, ") +
        "updated_at = now() FROM m WHERE m.present AND t.key = m.key AND " +
        (skip ? "m.old_document = m.document AND m.old_version IS DISTINCT FROM m.version"
              : "(m.old_document <> m.document OR m.old_version IS DISTINCT FROM m.version)") +
        ") SELECT count(*) FILTER (WHERE present AND old_document <> document), count(*) FILTER (WHERE present),"
        " (SELECT array_agg(key)::text FROM m WHERE NOT present AND key NOT IN (SELECT key FROM i)) FROM m";
    FERRY_ASSIGN_OR_RETURN(SqlRows n, db_->Query(sql));
    pending_conflicts_ += uint64_t(merged_ >= 0 ? merged_ : ToInt(n.rows[0][0]));
    existing_keys_ += uint64_t(ToInt(n.rows[0][1]));
    return n.rows[0][2];
  }

  StoreUri uri_;
  std::string table_;
  SinkOptions options_;
  std::unique_ptr<PgDb> db_;
  std::unique_ptr<CheckpointTable> checkpoints_;
  std::vector<StagedRecord> staged_;
  std::vector<std::pair<std::string, std::string>> unchanged_;  // in place: (key, xmin) of rows already at the target
  std::string copy_;                         // staged_ as COPY rows
  std::string staged_copy_;                  // the same, one row per key
  // Direct path: COPY straight into the target (see the top of the file).
  bool direct_ = false;
  uint32_t clean_commits_ = 0;  // staged commits in a row that met no existing key
  uint32_t direct_after_ = 1;   // ... before the direct path is tried again
  uint64_t existing_keys_ = 0;  // keys the last staged commit found in the target
  uint64_t temp_session_ = 0;  // the session temp_buffers was set for
  uint64_t bytes_ = 0, conflicts_ = 0, pending_conflicts_ = 0, concurrent_ = 0, pending_concurrent_ = 0;
  CommitHooks* hooks_ = nullptr;  // of the commit in progress
  int64_t merged_ = -1;           // documents merged in this pass (-1: not merging)
  static constexpr int kInsertRaceAttempts = 3;
};

}  // namespace

Result<std::unique_ptr<SqlDb>> OpenPostgres(const std::string& conninfo, const std::string& display,
                                            std::shared_ptr<StatementHooks> hooks) {
  FERRY_ASSIGN_OR_RETURN(std::unique_ptr<PgDb> db, ConnectPg(conninfo, display, std::move(hooks)));
  return std::unique_ptr<SqlDb>(std::move(db));
}

Result<std::unique_ptr<RecordReader>> OpenPostgresReader(const StoreUri& uri) {
  auto r = std::make_unique<PgReader>();
  FERRY_RETURN_IF_ERROR(r->Open(uri));
  return std::unique_ptr<RecordReader>(std::move(r));
}

Result<std::unique_ptr<RecordSink>> OpenPostgresSink(const StoreUri& uri) {
  return std::unique_ptr<RecordSink>(std::make_unique<PgSink>(uri));
}

}  // namespace ferry::internal
