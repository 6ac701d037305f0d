// Copyright (c) the Ferry authors.
// ferry_app_writer: plays an application that keeps writing to a table while
// Ferry migrates it (issue 11). Real SQLite or PostgreSQL, no Ferry code.
//
//   ferry_app_writer --store sqlite:PATH#TABLE | --store 'postgres://...?table=TABLE'
//                    --log FILE [--seed S] [--stop-file F] [--max-writes N] [--max-seconds S]
//                    [--field name] [--prefix app] [--mix update=80,delete=12,insert=8]
//                    [--keys-file F] [--insert-docs F] [--insert-version V] [--ready-file F]
//                    [--busy-timeout-ms 30000] [--pg-synchronous-commit off]
//
// It updates, deletes and re-inserts random rows as fast as it can, one
// transaction per write, until the stop file appears, --max-writes writes
// are committed, --max-seconds pass, or SIGINT/SIGTERM:
//   update  SQLite:     BEGIN IMMEDIATE; UPDATE t SET document = json_set(document, '$.<field>', ?) WHERE key = ?; COMMIT
//           PostgreSQL: UPDATE t SET document = jsonb_set(document, '{<field>}', to_jsonb($1::text)) WHERE key = $2
//   delete  DELETE FROM t WHERE key = ?
//   insert  a key it deleted earlier, with the document of that key in --insert-docs (JSON Lines whose
//           "id" is the key: legacy or unified shape, as the file holds them) and <field> set;
//           a plain INSERT (an application inserting a key it believes absent).
// Every update and insert writes a value of its own: "<prefix>-<seq>".
//
// The keys it picks from: the table's keys when it starts (intersected with --keys-file when given).
// It never updates or deletes a key it deleted (until it re-inserted it).
//
// --log gets one line per COMMITTED write, in commit order (the writer is one
// connection, one thread, so its commit order is its program order):
//   SEQ \t OP \t KEY \t VALUE \t UNIX_NS
// OP: update, delete, insert. Lines whose OP ends in "-missed" or "-refused" are writes that changed
// nothing although the application expected them to (an UPDATE or DELETE that found no row, an INSERT
// refused because the key exists): they are not committed changes, and tell that someone else
// deleted or re-created the row. The oracle (tests/e2e/concurrency_oracle.py) reads this log.
//
// --ready-file is created once the keys are loaded and the first write can go.
// A summary goes to stderr at the end. Exit 0, or 1 on an error (bad arguments, a failed statement).
#include <sqlite3.h>
#include <libpq-fe.h>

#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace {

std::atomic<bool> g_stop{false};
void OnSignal(int) { g_stop.store(true); }

[[noreturn]] void Die(const std::string& msg) {
  std::fprintf(stderr, "ferry_app_writer: %s\n", msg.c_str());
  std::exit(1);
}

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool Exists(const std::string& path) {
  struct stat st;
  return !path.empty() && ::stat(path.c_str(), &st) == 0;
}

// A set of keys with O(1) insert, erase and uniform random pick.
class KeySet {
 public:
  void Add(const std::string& k) {
    if (index_.count(k)) return;
    index_[k] = keys_.size();
    keys_.push_back(k);
  }
  void Remove(const std::string& k) {
    auto it = index_.find(k);
    if (it == index_.end()) return;
    size_t i = it->second;
    index_.erase(it);
    if (i + 1 != keys_.size()) {
      keys_[i] = std::move(keys_.back());
      index_[keys_[i]] = i;
    }
    keys_.pop_back();
  }
  bool Has(const std::string& k) const { return index_.count(k) > 0; }
  size_t size() const { return keys_.size(); }
  bool empty() const { return keys_.empty(); }
  const std::string& Pick(std::mt19937_64& rng) const {
    return keys_[std::uniform_int_distribution<size_t>(0, keys_.size() - 1)(rng)];
  }

 private:
  std::vector<std::string> keys_;
  std::unordered_map<std::string, size_t> index_;
};

enum class Outcome { kDone, kMissed, kRefused };

// One store: SQLite or PostgreSQL.
class Store {
 public:
  virtual ~Store() = default;
  virtual std::vector<std::string> Keys() = 0;
  virtual Outcome Update(const std::string& key, const std::string& value) = 0;
  virtual Outcome Delete(const std::string& key) = 0;
  virtual Outcome Insert(const std::string& key, const std::string& document, const std::string& value) = 0;
};

std::string QuoteIdent(const std::string& name) {
  // schema.table -> "schema"."table"
  std::string out;
  size_t start = 0;
  while (true) {
    size_t dot = name.find('.', start);
    std::string part = name.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (!out.empty()) out += '.';
    out += '"';
    for (char c : part) {
      if (c == '"') out += '"';
      out += c;
    }
    out += '"';
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return out;
}

class SqliteStore : public Store {
 public:
  SqliteStore(const std::string& path, const std::string& table, const std::string& field, int busy_ms) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
      Die("cannot open SQLite database " + path + ": " + (db_ ? sqlite3_errmsg(db_) : "out of memory"));
    }
    sqlite3_busy_timeout(db_, busy_ms);
    Exec("PRAGMA journal_mode=WAL");
    Exec("PRAGMA synchronous=NORMAL");
    const std::string t = QuoteIdent(table);
    const std::string path_arg = "'$." + field + "'";
    begin_ = Prepare("BEGIN IMMEDIATE");
    commit_ = Prepare("COMMIT");
    rollback_ = Prepare("ROLLBACK");
    update_ = Prepare("UPDATE " + t + " SET document = json_set(document, " + path_arg + ", ?1) WHERE key = ?2");
    delete_ = Prepare("DELETE FROM " + t + " WHERE key = ?1");
    insert_ = Prepare("INSERT INTO " + t + " (key, version, document, updated_at) VALUES (?1, ?2, json_set(?3, " +
                      path_arg + ", ?4), 'app')");
    keys_ = Prepare("SELECT key FROM " + t + " ORDER BY key");
  }
  ~SqliteStore() override {
    for (sqlite3_stmt* s : {begin_, commit_, rollback_, update_, delete_, insert_, keys_}) sqlite3_finalize(s);
    sqlite3_close(db_);
  }
  void set_insert_version(const std::string& v) { insert_version_ = v; }

  std::vector<std::string> Keys() override {
    std::vector<std::string> out;
    sqlite3_reset(keys_);
    int rc;
    while ((rc = sqlite3_step(keys_)) == SQLITE_ROW) {
      const unsigned char* k = sqlite3_column_text(keys_, 0);
      if (k) out.emplace_back(reinterpret_cast<const char*>(k));
    }
    if (rc != SQLITE_DONE) Die(std::string("reading the keys: ") + sqlite3_errmsg(db_));
    sqlite3_reset(keys_);
    return out;
  }
  Outcome Update(const std::string& key, const std::string& value) override {
    return Write(update_, {value, key}, false);
  }
  Outcome Delete(const std::string& key) override { return Write(delete_, {key}, false); }
  Outcome Insert(const std::string& key, const std::string& document, const std::string& value) override {
    return Write(insert_, {key, insert_version_, document, value}, true);
  }

 private:
  void Exec(const std::string& sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      std::string msg = err ? err : "?";
      sqlite3_free(err);
      Die(sql + ": " + msg);
    }
  }
  sqlite3_stmt* Prepare(const std::string& sql) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &s, nullptr) != SQLITE_OK) {
      Die("preparing " + sql + ": " + sqlite3_errmsg(db_));
    }
    return s;
  }
  static bool Busy(int rc) { return (rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED; }
  // BEGIN IMMEDIATE (the busy timeout waits for the write lock), the
  // statement, COMMIT; on SQLITE_BUSY the whole transaction is tried again.
  Outcome Write(sqlite3_stmt* stmt, const std::vector<std::string>& args, bool is_insert) {
    for (int attempt = 0;; ++attempt) {
      if (attempt > 1000) Die("SQLite stayed busy for 1000 attempts");
      int rc = Step(begin_);
      if (Busy(rc)) continue;
      if (rc != SQLITE_DONE) Die(std::string("BEGIN IMMEDIATE: ") + sqlite3_errmsg(db_));
      sqlite3_reset(stmt);
      sqlite3_clear_bindings(stmt);
      for (size_t i = 0; i < args.size(); ++i) {
        if (is_insert && i == 1 && args[i].empty()) {
          sqlite3_bind_null(stmt, int(i + 1));
        } else {
          sqlite3_bind_text(stmt, int(i + 1), args[i].data(), int(args[i].size()), SQLITE_TRANSIENT);
        }
      }
      rc = sqlite3_step(stmt);
      sqlite3_reset(stmt);
      Outcome outcome = Outcome::kDone;
      if (rc == SQLITE_CONSTRAINT || (rc & 0xff) == SQLITE_CONSTRAINT) {
        if (!is_insert) Die(std::string("constraint: ") + sqlite3_errmsg(db_));
        outcome = Outcome::kRefused;
      } else if (Busy(rc)) {
        Step(rollback_);
        continue;
      } else if (rc != SQLITE_DONE) {
        Die(std::string("write: ") + sqlite3_errmsg(db_));
      } else if (sqlite3_changes(db_) == 0) {
        outcome = Outcome::kMissed;
      }
      if (outcome == Outcome::kRefused) {
        Step(rollback_);
        return outcome;
      }
      rc = Step(commit_);
      if (Busy(rc)) {
        Step(rollback_);
        continue;
      }
      if (rc != SQLITE_DONE) Die(std::string("COMMIT: ") + sqlite3_errmsg(db_));
      return outcome;
    }
  }
  int Step(sqlite3_stmt* s) {
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    return rc;
  }

  sqlite3* db_ = nullptr;
  sqlite3_stmt *begin_ = nullptr, *commit_ = nullptr, *rollback_ = nullptr;
  sqlite3_stmt *update_ = nullptr, *delete_ = nullptr, *insert_ = nullptr, *keys_ = nullptr;
  std::string insert_version_;
};

class PostgresStore : public Store {
 public:
  PostgresStore(const std::string& conninfo, const std::string& table, const std::string& field,
                const std::string& synchronous_commit) {
    conn_ = PQconnectdb(conninfo.c_str());
    if (PQstatus(conn_) != CONNECTION_OK) Die(std::string("cannot connect to PostgreSQL: ") + PQerrorMessage(conn_));
    Exec("SET synchronous_commit = " + synchronous_commit);
    Exec("SET application_name = 'ferry_app_writer'");
    const std::string t = QuoteIdent(table);
    const std::string path = "'{" + field + "}'";
    Prepare("update", "UPDATE " + t + " SET document = jsonb_set(document, " + path +
                          ", to_jsonb($1::text)) WHERE key = $2");
    Prepare("delete", "DELETE FROM " + t + " WHERE key = $1");
    Prepare("insert", "INSERT INTO " + t + " (key, version, document, updated_at) VALUES ($1, $2, jsonb_set($3::jsonb, " +
                          path + ", to_jsonb($4::text)), now())");
    table_ = t;
  }
  ~PostgresStore() override { PQfinish(conn_); }
  void set_insert_version(const std::string& v) { insert_version_ = v; }

  std::vector<std::string> Keys() override {
    std::unique_ptr<PGresult, decltype(&PQclear)> r(PQexec(conn_, ("SELECT key FROM " + table_ + " ORDER BY key").c_str()),
                                                   PQclear);
    if (PQresultStatus(r.get()) != PGRES_TUPLES_OK) Die(std::string("reading the keys: ") + PQerrorMessage(conn_));
    std::vector<std::string> out;
    for (int i = 0; i < PQntuples(r.get()); ++i) out.emplace_back(PQgetvalue(r.get(), i, 0));
    return out;
  }
  Outcome Update(const std::string& key, const std::string& value) override {
    return Run("update", {value.c_str(), key.c_str()});
  }
  Outcome Delete(const std::string& key) override { return Run("delete", {key.c_str()}); }
  Outcome Insert(const std::string& key, const std::string& document, const std::string& value) override {
    return Run("insert", {key.c_str(), insert_version_.empty() ? nullptr : insert_version_.c_str(), document.c_str(),
                          value.c_str()});
  }

 private:
  void Exec(const std::string& sql) {
    std::unique_ptr<PGresult, decltype(&PQclear)> r(PQexec(conn_, sql.c_str()), PQclear);
    if (PQresultStatus(r.get()) != PGRES_COMMAND_OK) Die(sql + ": " + PQerrorMessage(conn_));
  }
  void Prepare(const char* name, const std::string& sql) {
    std::unique_ptr<PGresult, decltype(&PQclear)> r(PQprepare(conn_, name, sql.c_str(), 0, nullptr), PQclear);
    if (PQresultStatus(r.get()) != PGRES_COMMAND_OK) Die("preparing " + sql + ": " + PQerrorMessage(conn_));
  }
  // One statement in autocommit: its own transaction. A serialization
  // failure or deadlock (Ferry holds row locks too) is tried again.
  Outcome Run(const char* name, const std::vector<const char*>& params) {
    for (int attempt = 0;; ++attempt) {
      std::unique_ptr<PGresult, decltype(&PQclear)> r(
          PQexecPrepared(conn_, name, int(params.size()), params.data(), nullptr, nullptr, 0), PQclear);
      ExecStatusType st = PQresultStatus(r.get());
      if (st == PGRES_COMMAND_OK) {
        return std::strcmp(PQcmdTuples(r.get()), "0") == 0 ? Outcome::kMissed : Outcome::kDone;
      }
      const char* state = PQresultErrorField(r.get(), PG_DIAG_SQLSTATE);
      std::string sqlstate = state ? state : "";
      if (sqlstate == "23505" && std::strcmp(name, "insert") == 0) return Outcome::kRefused;
      if ((sqlstate == "40001" || sqlstate == "40P01" || sqlstate == "55P03") && attempt < 1000) continue;
      if (PQstatus(conn_) != CONNECTION_OK) Die(std::string("connection lost: ") + PQerrorMessage(conn_));
      Die(std::string(name) + " failed (" + sqlstate + "): " + PQerrorMessage(conn_));
    }
  }

  PGconn* conn_ = nullptr;
  std::string table_;
  std::string insert_version_;
};

// postgres://...?a=b&table=T&c=d -> conninfo without table, and T.
void SplitPostgresUri(const std::string& uri, std::string* conninfo, std::string* table) {
  size_t q = uri.find('?');
  if (q == std::string::npos) {
    *conninfo = uri;
    return;
  }
  std::string base = uri.substr(0, q), query = uri.substr(q + 1), kept;
  size_t start = 0;
  while (start <= query.size()) {
    size_t amp = query.find('&', start);
    std::string param = query.substr(start, amp == std::string::npos ? std::string::npos : amp - start);
    if (param.rfind("table=", 0) == 0) {
      *table = param.substr(6);
    } else if (!param.empty()) {
      kept += (kept.empty() ? "" : "&") + param;
    }
    if (amp == std::string::npos) break;
    start = amp + 1;
  }
  *conninfo = kept.empty() ? base : base + "?" + kept;
}

std::vector<std::string> ReadLines(const std::string& path) {
  std::ifstream in(path);
  if (!in) Die("cannot read " + path);
  std::vector<std::string> out;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!line.empty()) out.push_back(line);
  }
  return out;
}

// JSON Lines -> key ("id" of each document, through SQLite's JSON functions,
// so the tool needs no JSON parser of its own) -> the line.
std::unordered_map<std::string, std::string> ReadDocuments(const std::string& path) {
  sqlite3* mem = nullptr;
  sqlite3_open(":memory:", &mem);
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(mem, "SELECT CASE WHEN json_valid(?1) THEN json_extract(?1, '$.id') END", -1, &s, nullptr) !=
      SQLITE_OK) {
    Die(std::string("SQLite JSON functions: ") + sqlite3_errmsg(mem));
  }
  std::unordered_map<std::string, std::string> out;
  for (const std::string& line : ReadLines(path)) {
    sqlite3_bind_text(s, 1, line.data(), int(line.size()), SQLITE_STATIC);
    if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL) {
      out.emplace(reinterpret_cast<const char*>(sqlite3_column_text(s, 0)), line);
    }
    sqlite3_reset(s);
  }
  sqlite3_finalize(s);
  sqlite3_close(mem);
  return out;
}

struct Options {
  std::string store, log, stop_file, field = "name", prefix = "app", keys_file, insert_docs, insert_version,
                                     ready_file, pg_synchronous_commit = "off";
  uint64_t seed = 1, max_writes = 0;
  double max_seconds = 600;
  int busy_timeout_ms = 30000;
  int update_weight = 80, delete_weight = 12, insert_weight = 8;
};

void Usage() {
  std::fprintf(stderr,
               "usage: ferry_app_writer --store sqlite:PATH#TABLE|postgres://...?table=T --log FILE [--seed S]\n"
               "  [--stop-file F] [--max-writes N] [--max-seconds S] [--field name] [--prefix app]\n"
               "  [--mix update=80,delete=12,insert=8] [--keys-file F] [--insert-docs F] [--insert-version V]\n"
               "  [--ready-file F] [--busy-timeout-ms N] [--pg-synchronous-commit on|off]\n");
  std::exit(2);
}

Options Parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) Usage();
      return argv[++i];
    };
    if (a == "--store") o.store = next();
    else if (a == "--log") o.log = next();
    else if (a == "--seed") o.seed = std::stoull(next());
    else if (a == "--stop-file") o.stop_file = next();
    else if (a == "--max-writes") o.max_writes = std::stoull(next());
    else if (a == "--max-seconds") o.max_seconds = std::stod(next());
    else if (a == "--field") o.field = next();
    else if (a == "--prefix") o.prefix = next();
    else if (a == "--keys-file") o.keys_file = next();
    else if (a == "--insert-docs") o.insert_docs = next();
    else if (a == "--insert-version") o.insert_version = next();
    else if (a == "--ready-file") o.ready_file = next();
    else if (a == "--busy-timeout-ms") o.busy_timeout_ms = std::stoi(next());
    else if (a == "--pg-synchronous-commit") o.pg_synchronous_commit = next();
    else if (a == "--mix") {
      std::string mix = next();
      o.update_weight = o.delete_weight = o.insert_weight = 0;
      size_t start = 0;
      while (start < mix.size()) {
        size_t comma = mix.find(',', start);
        std::string part = mix.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        size_t eq = part.find('=');
        if (eq == std::string::npos) Usage();
        std::string name = part.substr(0, eq);
        int w = std::stoi(part.substr(eq + 1));
        if (name == "update") o.update_weight = w;
        else if (name == "delete") o.delete_weight = w;
        else if (name == "insert") o.insert_weight = w;
        else Usage();
        if (comma == std::string::npos) break;
        start = comma + 1;
      }
    } else if (a == "--help" || a == "-h") {
      Usage();
    } else {
      std::fprintf(stderr, "ferry_app_writer: unknown argument %s\n", a.c_str());
      Usage();
    }
  }
  if (o.store.empty() || o.log.empty()) Usage();
  if (o.field.empty() || o.field.find_first_of("'{}.,\"$") != std::string::npos) Die("--field must be a plain name");
  if (o.update_weight + o.delete_weight + o.insert_weight <= 0) Die("--mix: all weights are zero");
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  Options o = Parse(argc, argv);
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);

  std::unique_ptr<Store> store;
  if (o.store.rfind("sqlite:", 0) == 0) {
    std::string rest = o.store.substr(7);
    size_t hash = rest.rfind('#');
    if (hash == std::string::npos) Die("--store sqlite:PATH#TABLE: the table is missing");
    auto s = std::make_unique<SqliteStore>(rest.substr(0, hash), rest.substr(hash + 1), o.field, o.busy_timeout_ms);
    s->set_insert_version(o.insert_version);
    store = std::move(s);
  } else if (o.store.rfind("postgres://", 0) == 0 || o.store.rfind("postgresql://", 0) == 0) {
    std::string conninfo, table;
    SplitPostgresUri(o.store, &conninfo, &table);
    if (table.empty()) Die("--store postgres://...?table=T: the table is missing");
    auto s = std::make_unique<PostgresStore>(conninfo, table, o.field, o.pg_synchronous_commit);
    s->set_insert_version(o.insert_version);
    store = std::move(s);
  } else {
    Die("--store must be sqlite:PATH#TABLE or postgres://...?table=T");
  }

  // The keys: the table's, restricted to --keys-file when given.
  std::vector<std::string> table_keys = store->Keys();
  std::unordered_set<std::string> allowed;
  if (!o.keys_file.empty()) {
    for (std::string& k : ReadLines(o.keys_file)) allowed.insert(std::move(k));
  }
  KeySet live, deleted;
  size_t skipped = 0;
  for (const std::string& k : table_keys) {
    if (!allowed.empty() && !allowed.count(k)) continue;
    if (k.find_first_of("\t\n\r") != std::string::npos) {
      ++skipped;  // would break the log's format
      continue;
    }
    live.Add(k);
  }
  if (live.empty()) Die("no keys to write to");
  std::unordered_map<std::string, std::string> insert_docs;
  if (!o.insert_docs.empty()) insert_docs = ReadDocuments(o.insert_docs);

  FILE* log = std::fopen(o.log.c_str(), "w");
  if (!log) Die("cannot write " + o.log);
  static char log_buffer[1 << 16];
  std::setvbuf(log, log_buffer, _IOFBF, sizeof log_buffer);

  if (!o.ready_file.empty()) {
    FILE* f = std::fopen(o.ready_file.c_str(), "w");
    if (!f) Die("cannot write " + o.ready_file);
    std::fprintf(f, "%zu\n", live.size());
    std::fclose(f);
  }

  std::mt19937_64 rng(o.seed);
  const int total_weight = o.update_weight + o.delete_weight + o.insert_weight;
  std::map<std::string, uint64_t> counts;
  uint64_t seq = 0, committed = 0, attempts = 0;
  const auto start = std::chrono::steady_clock::now();
  auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };
  while (!g_stop.load()) {
    if (o.max_writes && committed >= o.max_writes) break;
    if ((attempts & 15) == 0) {
      if (Exists(o.stop_file)) break;
      if (elapsed() > o.max_seconds) break;
    }
    ++attempts;
    int r = std::uniform_int_distribution<int>(0, total_weight - 1)(rng);
    std::string op = r < o.update_weight ? "update" : r < o.update_weight + o.delete_weight ? "delete" : "insert";
    // Keep at least half of the keys alive; insert only what can be inserted.
    if (op == "delete" && live.size() < 2) op = "update";
    if (op == "insert" && (deleted.empty() || insert_docs.empty())) op = live.empty() ? "" : "update";
    if (op.empty()) break;
    std::string key, value, written;
    Outcome outcome;
    if (op == "update") {
      key = live.Pick(rng);
      value = o.prefix + "-" + std::to_string(++seq);
      outcome = store->Update(key, value);
    } else if (op == "delete") {
      key = live.Pick(rng);
      outcome = store->Delete(key);
      live.Remove(key);
      deleted.Add(key);
    } else {
      key = deleted.Pick(rng);
      auto doc = insert_docs.find(key);
      if (doc == insert_docs.end()) {
        // No document for this key: it stays deleted.
        deleted.Remove(key);
        continue;
      }
      value = o.prefix + "-" + std::to_string(++seq);
      outcome = store->Insert(key, doc->second, value);
      if (outcome != Outcome::kRefused) {
        deleted.Remove(key);
        live.Add(key);
      }
    }
    std::string logged_op = op;
    if (outcome == Outcome::kMissed) logged_op += "-missed";
    if (outcome == Outcome::kRefused) logged_op += "-refused";
    if (outcome == Outcome::kDone) ++committed;
    ++counts[logged_op];
    std::fprintf(log, "%llu\t%s\t%s\t%s\t%lld\n", static_cast<unsigned long long>(committed), logged_op.c_str(),
                 key.c_str(), value.c_str(), static_cast<long long>(NowNs()));
  }
  std::fclose(log);
  const double secs = elapsed();
  std::fprintf(stderr, "ferry_app_writer: %llu writes committed in %.2f s (%.0f/s):",
               static_cast<unsigned long long>(committed), secs, secs > 0 ? double(committed) / secs : 0.0);
  for (const auto& [name, n] : counts) std::fprintf(stderr, " %s=%llu", name.c_str(), static_cast<unsigned long long>(n));
  if (skipped) std::fprintf(stderr, " (%zu keys with tabs or newlines left alone)", skipped);
  std::fprintf(stderr, "\n");
  return 0;
}
