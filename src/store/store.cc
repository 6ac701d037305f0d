// Copyright (c) the Ferry authors.
//
// Store URIs, checkpoints, and the file and SQLite stores.

#include "store/store.h"

#include <chrono>
#include <filesystem>
#include <thread>

#include "engine/batch_processor.h"
#include "engine/file_sink.h"
#include "store/file_lock.h"
#include "store/file_store.h"
#include "store/json_merge.h"
#include "store/sql.h"
#include "store/state.h"

namespace ferry::internal {

Status StageTableRecords(const BatchResult& batch, const SinkOptions& options, std::string_view sink,
                         std::vector<StagedRecord>* staged, uint64_t* bytes,
                         std::vector<std::pair<std::string, std::string>>* unchanged) {
  for (const OutputRecord& r : batch.output_records) {
    if (r.key_length == 0) return Status::Internal("a record without a key reached the " + std::string(sink) + " sink");
    staged->push_back({batch.keys.substr(r.key_offset, r.key_length), batch.output.substr(r.offset, r.length),
                       options.in_place ? batch.tokens.substr(r.token_offset, r.token_length) : std::string(),
                       RowVersion(options, r)});
    *bytes += r.length;
  }
  unchanged->insert(unchanged->end(), batch.unchanged_rows.begin(), batch.unchanged_rows.end());
  return Status::OK();
}

std::string RowVersion(const SinkOptions& options, const OutputRecord& r) {
  if (options.version_names.empty()) return options.version;
  return r.version >= 0 && size_t(r.version) < options.version_names.size() ? options.version_names[size_t(r.version)]
                                                                            : std::string();
}

namespace {

bool StartsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

bool ValidIdentifier(std::string_view s) {
  if (s.empty() || s.size() > 63) return false;
  if (!(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
  for (char c : s) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
  }
  return true;
}

// The absolute path with symlinks resolved (as far as it exists).
std::string RealPath(const std::string& path) {
  std::error_code ec;
  auto p = std::filesystem::weakly_canonical(std::filesystem::absolute(path, ec), ec);
  if (!ec) return p.string();
  p = std::filesystem::absolute(path, ec);
  return ec ? path : p.lexically_normal().string();
}

std::string SqliteIdentity(const std::string& path, const std::string& table) {
  auto id = IdentifyFile(path);
  if (!id.ok()) return "sqlite:" + RealPath(path) + "#" + table;
  return "sqlite:" + std::to_string(id->device) + ":" + std::to_string(id->inode) + "#" + table;
}

}  // namespace

std::string RedactUri(std::string_view uri) {
  std::string s(uri);
  size_t scheme = s.find("://");
  if (scheme == std::string::npos) return s;
  size_t at = s.find('@', scheme + 3);
  size_t slash = s.find('/', scheme + 3);
  if (at != std::string::npos && (slash == std::string::npos || at < slash)) {
    size_t colon = s.find(':', scheme + 3);
    if (colon != std::string::npos && colon < at) s.replace(colon + 1, at - colon - 1, "***");
  }
  // password=... in the query string
  size_t pw = s.find("password=");
  if (pw != std::string::npos) {
    size_t end = s.find('&', pw);
    s.replace(pw + 9, (end == std::string::npos ? s.size() : end) - pw - 9, "***");
  }
  return s;
}

std::string QuoteTable(const std::string& table) {
  size_t dot = table.find('.');
  if (dot == std::string::npos) return "\"" + table + "\"";
  return "\"" + table.substr(0, dot) + "\".\"" + table.substr(dot + 1) + "\"";
}

Result<StoreUri> ParseStoreUri(std::string_view uri, const std::string& default_table) {
  StoreUri out;
  out.display = RedactUri(uri);
  if (StartsWith(uri, "sqlite:")) {
    out.kind = StoreKind::kSqlite;
    std::string rest(uri.substr(7));
    if (StartsWith(rest, "//")) rest = rest.substr(2);
    size_t hash = rest.find('#');
    out.path = rest.substr(0, hash);
    out.table = hash == std::string::npos ? default_table : rest.substr(hash + 1);
    if (out.path.empty()) return Status::InvalidArgument("'" + out.display + "': no database file; use sqlite:PATH#TABLE");
    if (!ValidIdentifier(out.table)) {
      return Status::InvalidArgument("'" + out.display + "': table name '" + out.table +
                                     "' must be letters, digits and _ (starting with a letter)");
    }
    out.identity = SqliteIdentity(out.path, out.table);
    return out;
  }
  if (StartsWith(uri, "postgres://") || StartsWith(uri, "postgresql://")) {
    out.kind = StoreKind::kPostgres;
    std::string s(uri);
    // Take Ferry's own parameter (table) out of the query string.
    size_t q = s.find('?');
    std::string base = s.substr(0, q), query = q == std::string::npos ? "" : s.substr(q + 1), kept;
    out.table = default_table;
    size_t i = 0;
    while (i <= query.size() && !query.empty()) {
      size_t amp = query.find('&', i);
      std::string kv = query.substr(i, amp == std::string::npos ? std::string::npos : amp - i);
      if (StartsWith(kv, "table=")) out.table = kv.substr(6);
      else if (!kv.empty()) kept += (kept.empty() ? "" : "&") + kv;
      if (amp == std::string::npos) break;
      i = amp + 1;
    }
    out.conninfo = base + (kept.empty() ? "" : "?" + kept);
    size_t dot = out.table.find('.');
    bool ok = dot == std::string::npos ? ValidIdentifier(out.table)
                                       : ValidIdentifier(out.table.substr(0, dot)) && ValidIdentifier(out.table.substr(dot + 1));
    if (!ok) {
      return Status::InvalidArgument("'" + out.display + "': table name '" + out.table +
                                     "' must be letters, digits and _ (optionally schema.table)");
    }
    // Identity: host, port and database without the user and password.
    std::string rest = base.substr(base.find("://") + 3);
    size_t at = rest.find('@');
    if (at != std::string::npos) rest = rest.substr(at + 1);
    out.identity = "postgres://" + rest + "#" + out.table;
    return out;
  }
  if (uri.find("://") != std::string_view::npos) {
    return Status::InvalidArgument("unknown store '" + out.display +
                                   "'; use a file (PATH, jsonl:, json:, csv:, xml:, yaml:, md:PATH), sqlite:PATH#TABLE or "
                                   "postgres://...?table=T");
  }
  out.kind = StoreKind::kFile;
  FERRY_ASSIGN_OR_RETURN(out.file, ParseFileUri(uri));
  out.identity = "file:" + RealPath(out.file.path);
  return out;
}

Status CreateSqliteTarget(StoreUri* target) {
  if (target->kind != StoreKind::kSqlite || std::filesystem::exists(target->path)) return Status::OK();
  std::error_code ec;
  const auto parent = std::filesystem::path(target->path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  FERRY_RETURN_IF_ERROR(DatabaseFile::Open(target->path, true).status());
  target->identity = SqliteIdentity(target->path, target->table);
  return Status::OK();
}

Status CreateRecordTable(SqlDb& db, const std::string& table) {
  if (db.dialect() == SqlDb::Dialect::kPostgres) {
    return db.Exec("CREATE TABLE IF NOT EXISTS " + QuoteTable(table) +
                   " (key text PRIMARY KEY, version text, document jsonb NOT NULL,"
                   " updated_at timestamptz NOT NULL DEFAULT now())");
  }
  return db.Exec("CREATE TABLE IF NOT EXISTS " + QuoteTable(table) +
                 " (key TEXT PRIMARY KEY, version TEXT, document TEXT NOT NULL, updated_at TEXT)");
}

// ---------------------------------------------------------------------------
// Checkpoints

Status CheckpointTable::Create() {
  const size_t dot = table_.find('.');  // PostgreSQL: ferry.checkpoints
  const std::string schema =
      dot == std::string::npos ? "" : "CREATE SCHEMA IF NOT EXISTS " + table_.substr(0, dot) + ";";
  return CreateFerryObjects(*db_, {table_},
                            schema + "CREATE TABLE IF NOT EXISTS " + table_ +
                                " (run_id TEXT PRIMARY KEY, seq BIGINT NOT NULL, position TEXT NOT NULL,"
                                " records BIGINT NOT NULL, output_bytes BIGINT NOT NULL, rejects_bytes BIGINT NOT NULL,"
                                " complements_bytes BIGINT NOT NULL, counters TEXT NOT NULL, owner TEXT NOT NULL,"
                                " updated_at TEXT NOT NULL)");
}

Result<std::optional<Checkpoint>> CheckpointTable::Load(const std::string& run_id) {
  FERRY_ASSIGN_OR_RETURN(SqlRows rows, db_->Query("SELECT seq, position, records, output_bytes, rejects_bytes,"
                                                  " complements_bytes, counters FROM " + table_ +
                                                  " WHERE run_id = $1", {run_id}));
  if (rows.empty()) return std::optional<Checkpoint>();
  const SqlRow& r = rows.rows[0];
  Checkpoint cp;
  cp.run_id = run_id;
  cp.seq = uint64_t(ToInt(r[0]));
  cp.position = r[1].value_or("");
  cp.records = uint64_t(ToInt(r[2]));
  cp.output_bytes = uint64_t(ToInt(r[3]));
  cp.rejects_bytes = uint64_t(ToInt(r[4]));
  cp.complements_bytes = uint64_t(ToInt(r[5]));
  cp.counters = r[6].value_or("{}");
  return std::optional<Checkpoint>(cp);
}

Status CheckpointTable::Claim(const std::string& run_id, const std::string& owner) {
  return db_->Exec("INSERT INTO " + table_ +
                       " (run_id, seq, position, records, output_bytes, rejects_bytes, complements_bytes, counters,"
                       " owner, updated_at) VALUES ($1, 0, '', 0, 0, 0, 0, '{}', $2, $3)"
                       " ON CONFLICT (run_id) DO UPDATE SET owner = excluded.owner, updated_at = excluded.updated_at",
                   {run_id, owner, NowIso()});
}

Status CheckpointTable::Save(const Checkpoint& cp, const std::string& owner) {
  FERRY_RETURN_IF_ERROR(db_->Exec("UPDATE " + table_ +
                                      " SET seq = $1, position = $2, records = $3, output_bytes = $4, rejects_bytes = $5,"
                                      " complements_bytes = $6, counters = $7, updated_at = $8"
                                      " WHERE run_id = $9 AND owner = $10",
                                  {SqlInt(int64_t(cp.seq)), cp.position, SqlInt(int64_t(cp.records)),
                                   SqlInt(int64_t(cp.output_bytes)), SqlInt(int64_t(cp.rejects_bytes)),
                                   SqlInt(int64_t(cp.complements_bytes)), cp.counters, NowIso(), cp.run_id, owner}));
  if (db_->changes() != 1) {
    return Status::Locked("run " + cp.run_id + " was taken over by another process (its lease expired); this process " +
                          "stops without writing more");
  }
  return Status::OK();
}

Status SaveFileCheckpoint(const SinkOptions& options, const Checkpoint& cp) {
  SqlDb& db = options.state->db();
  return WithRetries(options.retries, [&] {
    FERRY_RETURN_IF_ERROR(db.Begin());
    Status s = options.state->checkpoints().Save(cp, options.owner);
    if (s.ok()) s = db.Commit();
    if (!s.ok()) db.Rollback();
    return s;
  });
}

namespace {

// ---------------------------------------------------------------------------
// Files

class FileSink : public RecordSink {
 public:
  FileSink(StoreUri uri, bool array) : uri_(std::move(uri)), array_(array) {}

  Status Start(const SinkOptions& options, const Checkpoint* from) override {
    options_ = options;
    if (options_.state == nullptr) return Status::Internal("a file sink needs the state store");
    uint64_t len = from ? from->output_bytes : 0;
    first_ = len == 0;
    return out_.Open(uri_.file.path, options.run_id, from ? &len : nullptr);
  }
  Result<std::optional<Checkpoint>> LoadCheckpoint(const std::string& run_id) override {
    return options_.state->checkpoints().Load(run_id);
  }
  Status Stage(const BatchResult& b) override {
    if (b.output.empty()) return Status::OK();
    std::string_view bytes = b.output;
    if (array_ && first_) {
      FERRY_RETURN_IF_ERROR(out_.Append("[\n"));
      bytes.remove_prefix(2);  // the first record's ",\n"
    }
    first_ = false;
    return out_.Append(bytes);
  }
  Status Commit(Checkpoint* cp, CommitHooks*) override {
    FERRY_RETURN_IF_ERROR(out_.Sync());
    cp->output_bytes = out_.bytes_written();
    return SaveFileCheckpoint(options_, *cp);
  }
  Status Publish() override {
    if (array_) FERRY_RETURN_IF_ERROR(out_.Append(first_ ? "[]\n" : "\n]\n"));
    return out_.Commit();
  }
  void Close() override { out_.Close(); }
  void Discard() override { out_.Abort(false); }
  uint64_t bytes_written() const override { return out_.bytes_written(); }

 private:
  StoreUri uri_;
  bool array_;
  bool first_ = true;
  SinkOptions options_;
  AtomicFile out_;
};

// ---------------------------------------------------------------------------
// SQLite

class SqliteReader : public RecordReader {
 public:
  Status Open(const StoreUri& uri) {
    uri_ = uri;
    if (!std::filesystem::exists(uri.path)) return Status::NotFound("SQLite database " + uri.path + " does not exist");
    SqliteOptions o;
    o.create = false;
    FERRY_ASSIGN_OR_RETURN(db_, OpenSqlite(uri.path, o));
    auto rows = db_->Query("SELECT count(*), coalesce(sum(length(document)), 0) FROM " + QuoteTable(uri.table));
    if (!rows.ok() && !rows.status().IsIoError()) return rows.status();  // damaged, not a database, busy
    if (!rows.ok()) {
      return Status::NotFound("table '" + uri.table + "' in " + uri.path + " cannot be read (" +
                              rows.status().message() + "); is the table name right?");
    }
    total_records_ = uint64_t(ToInt(rows.value().rows[0][0]));
    total_bytes_ = uint64_t(ToInt(rows.value().rows[0][1]));
    return Status::OK();
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
    std::string sql = "SELECT key, document FROM " + QuoteTable(uri_.table) +
                      (started_ ? " WHERE key > $1 ORDER BY key LIMIT $2" : " ORDER BY key LIMIT $1");
    std::vector<SqlParam> params;
    if (started_) params.push_back(last_key_);
    params.push_back(SqlInt(max_records));
    FERRY_ASSIGN_OR_RETURN(SqlRows rows, db_->Query(sql, params));
    for (SqlRow& row : rows.rows) {
      const std::string& key = row[0].value_or("");
      const std::string& doc = row[1].value_or("");
      batch->Append(doc, ++record_, 0, key);
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
  StoreUri uri_;
  std::unique_ptr<SqlDb> db_;
  uint64_t total_bytes_ = 0, total_records_ = 0, record_ = 0;
  bool started_ = false;
  std::string last_key_;
};



// Writes a table's staged records in one write transaction (BEGIN
// IMMEDIATE holds SQLite's write lock, so whatever the commit reads stays
// as read until it ends). In place, each UPDATE is conditional on the row
// still holding the text the run read; a row someone changed meanwhile is
// read again and handed to CommitHooks::Reprocess. Into a live table, each
// key's row is read right before it is written, and that is the journal's
// before-image.
class SqliteSink : public RecordSink {
 public:
  explicit SqliteSink(StoreUri uri) : uri_(std::move(uri)) {}

  Status Start(const SinkOptions& options, const Checkpoint*) override {
    options_ = options;
    SqliteOptions o;
    o.synchronous = "NORMAL";
    FERRY_ASSIGN_OR_RETURN(db_, OpenSqlite(uri_.path, o));
    checkpoints_ = std::make_unique<CheckpointTable>(db_.get(), "ferry_checkpoints");
    FERRY_RETURN_IF_ERROR(CreateRecordTable(*db_, uri_.table));
    FERRY_RETURN_IF_ERROR(checkpoints_->Create());
    FERRY_RETURN_IF_ERROR(checkpoints_->Claim(options.run_id, options.owner));
    FERRY_ASSIGN_OR_RETURN(SqlRows rows, db_->Query("SELECT 1 FROM " + QuoteTable(uri_.table) + " LIMIT 1"));
    check_conflicts_ = !options.in_place && !rows.empty();
    const std::string t = QuoteTable(uri_.table);
    upsert_ = "INSERT INTO " + t +
              " (key, version, document, updated_at) VALUES ($1, $2, $3, $4) ON CONFLICT (key) DO UPDATE SET"
              " version = excluded.version, document = excluded.document, updated_at = excluded.updated_at";
    select_ = "SELECT version, document FROM " + t + " WHERE key = $1";
    insert_new_ = "INSERT INTO " + t +
                  " (key, version, document, updated_at) VALUES ($1, $2, $3, $4) ON CONFLICT (key) DO NOTHING";
    update_if_ = "UPDATE " + t + " SET version = $2, document = $3, updated_at = $4 WHERE key = $1 AND document = $5";
    set_version_ = "UPDATE " + t + " SET version = $2 WHERE key = $1 AND document = $3 AND version IS NOT $2";
    return Status::OK();
  }
  Result<std::optional<Checkpoint>> LoadCheckpoint(const std::string& run_id) override {
    if (db_ == nullptr) {
      if (!std::filesystem::exists(uri_.path)) return std::optional<Checkpoint>();
      SqliteOptions o;
      o.create = false;
      FERRY_ASSIGN_OR_RETURN(auto db, OpenSqlite(uri_.path, o));
      CheckpointTable t(db.get(), "ferry_checkpoints");
      FERRY_RETURN_IF_ERROR(t.Create());
      return t.Load(run_id);
    }
    return checkpoints_->Load(run_id);
  }
  Status Stage(const BatchResult& b) override {
    return StageTableRecords(b, options_, "SQLite", &staged_, &bytes_, &unchanged_);
  }
  Status Commit(Checkpoint* cp, CommitHooks* hooks) override {
    Status s = WithRetries(options_.retries, [&] { return CommitOnce(cp, hooks); });
    if (s.ok()) {
      staged_.clear();
      unchanged_.clear();
      conflicts_ += pending_conflicts_;
      concurrent_ += pending_concurrent_;
    }
    return s;
  }
  Status Publish() override { return Status::OK(); }
  void Close() override { db_.reset(); }
  void Discard() override { db_.reset(); }
  uint64_t bytes_written() const override { return bytes_; }
  uint64_t conflicts() const override { return conflicts_; }
  uint64_t concurrent_changes() const override { return concurrent_; }

 private:
  Status CommitOnce(Checkpoint* cp, CommitHooks* hooks) {
    pending_conflicts_ = pending_concurrent_ = 0;
    if (hooks != nullptr) hooks->Begin();
    FERRY_RETURN_IF_ERROR(db_->Begin());
    std::vector<std::optional<TargetRow>> before;
    Status s = options_.in_place ? WriteInPlace(hooks) : WriteLive(&before);
    if (s.ok() && hooks != nullptr) s = hooks->WriteAhead(before, cp);
    if (s.ok()) s = checkpoints_->Save(*cp, options_.owner);
    if (s.ok()) s = db_->Commit();
    if (!s.ok()) db_->Rollback();
    return s;
  }

  Result<std::optional<TargetRow>> ReadRow(const std::string& key) {
    FERRY_ASSIGN_OR_RETURN(SqlRows rows, db_->Query(select_, {key}));
    if (rows.empty()) return std::optional<TargetRow>();
    TargetRow row{rows.rows[0][0].value_or(""), rows.rows[0][1].value_or(""), {}};
    row.token = row.document;
    row.version_null = !rows.rows[0][0].has_value();
    return std::optional<TargetRow>(std::move(row));
  }

  // In place: every UPDATE is conditional on the row's text as read.
  Status WriteInPlace(CommitHooks* hooks) {
    const std::string now = NowIso();
    std::vector<ChangedRow> changed;
    for (size_t i = 0; i < staged_.size(); ++i) {
      const StagedRecord& r = staged_[i];
      FERRY_RETURN_IF_ERROR(db_->Exec(update_if_, {r.key, r.version, r.document, now, r.token}));
      if (db_->changes() == 1) continue;
      FERRY_ASSIGN_OR_RETURN(auto row, ReadRow(r.key));
      changed.push_back({i, r.key, std::move(row)});
    }
    // Rows already at the target, not rewritten: their version column says so
    // (unless the row changed since the run read it).
    for (const auto& [key, token] : unchanged_) {
      FERRY_RETURN_IF_ERROR(db_->Exec(set_version_, {key, options_.version, token}));
    }
    pending_concurrent_ = changed.size();
    if (changed.empty() || hooks == nullptr) return Status::OK();
    FERRY_ASSIGN_OR_RETURN(auto documents, hooks->Reprocess(changed));
    for (size_t j = 0; j < changed.size(); ++j) {
      if (!documents[j] || !changed[j].now) continue;
      const StagedRecord& staged = staged_[changed[j].index];
      const std::string& key = staged.key;
      FERRY_RETURN_IF_ERROR(db_->Exec(update_if_, {key, staged.version, *documents[j], now, changed[j].now->token}));
      if (db_->changes() != 1) return Status::Internal("row '" + key + "' changed while the commit held the write lock");
    }
    return Status::OK();
  }

  // Into a live table: each key's row is read right before its write (under
  // the write lock), for the conflict policy and the journal.
  Status WriteLive(std::vector<std::optional<TargetRow>>* before) {
    const std::string now = NowIso();
    before->reserve(staged_.size());
    for (const StagedRecord& r : staged_) {
      if (!check_conflicts_) {
        // The table was empty when the run started: a plain insert, unless
        // the key is there already (the source holds it twice, or someone
        // else wrote it); then --on-conflict decides as for any conflict.
        FERRY_RETURN_IF_ERROR(db_->Exec(insert_new_, {r.key, r.version, r.document, now}));
        if (db_->changes() > 0) {
          before->emplace_back();
          continue;
        }
      }
      FERRY_ASSIGN_OR_RETURN(auto row, ReadRow(r.key));
      before->push_back(row);
      FERRY_ASSIGN_OR_RETURN(std::optional<std::string> doc, Decide(r, row));
      if (doc) FERRY_RETURN_IF_ERROR(db_->Exec(upsert_, {r.key, r.version, *doc, now}));
    }
    return Status::OK();
  }

  // What to write under r.key, which holds `row` now (nullopt: nothing).
  Result<std::optional<std::string>> Decide(const StagedRecord& r, const std::optional<TargetRow>& row) {
    if (!row || row->document == r.document) return std::optional<std::string>(r.document);
    ++pending_conflicts_;
    switch (options_.on_conflict) {
      case SinkOptions::OnConflict::kSkip: return std::optional<std::string>();
      case SinkOptions::OnConflict::kFail:
        return Status::Conflict("key '" + r.key + "' already holds a different document in " + uri_.display +
                                "; choose --on-conflict skip, overwrite or merge");
      case SinkOptions::OnConflict::kMerge: {
        FERRY_ASSIGN_OR_RETURN(std::string merged, MergeJson(row->document, r.document, options_.prefer_source));
        return std::optional<std::string>(std::move(merged));
      }
      case SinkOptions::OnConflict::kOverwrite: break;
    }
    return std::optional<std::string>(r.document);
  }

  StoreUri uri_;
  SinkOptions options_;
  std::unique_ptr<SqlDb> db_;
  std::unique_ptr<CheckpointTable> checkpoints_;
  std::vector<StagedRecord> staged_;
  std::vector<std::pair<std::string, std::string>> unchanged_;  // in place: (key, token) of rows already at the target
  std::string upsert_, select_, insert_new_, update_if_, set_version_;
  bool check_conflicts_ = false;
  uint64_t bytes_ = 0, conflicts_ = 0, pending_conflicts_ = 0, concurrent_ = 0, pending_concurrent_ = 0;
};

class SqliteConflictProbe : public ConflictProbe {
 public:
  Status Open(const StoreUri& uri) {
    SqliteOptions o;
    o.create = false;
    FERRY_ASSIGN_OR_RETURN(db_, OpenSqlite(uri.path, o));
    select_ = "SELECT document FROM " + QuoteTable(uri.table) + " WHERE key = $1";
    return db_->Query("SELECT 1 FROM " + QuoteTable(uri.table) + " LIMIT 1").status();
  }
  Result<std::vector<FoundConflict>> Find(const BatchResult& b) override {
    std::vector<FoundConflict> out;
    for (size_t i = 0; i < b.output_records.size(); ++i) {
      const OutputRecord& r = b.output_records[i];
      FERRY_ASSIGN_OR_RETURN(SqlRows rows, db_->Query(select_, {b.keys.substr(r.key_offset, r.key_length)}));
      if (!rows.empty() && rows.rows[0][0] && *rows.rows[0][0] != std::string_view(b.output).substr(r.offset, r.length)) {
        out.push_back({i, *rows.rows[0][0]});
      }
    }
    return out;
  }

 private:
  std::unique_ptr<SqlDb> db_;
  std::string select_;
};

}  // namespace

Result<std::unique_ptr<ConflictProbe>> OpenConflictProbe(const StoreUri& target) {
  if (target.kind == StoreKind::kPostgres) return OpenPostgresConflictProbe(target);
  if (target.kind != StoreKind::kSqlite || !std::filesystem::exists(target.path)) {
    return std::unique_ptr<ConflictProbe>();
  }
  auto probe = std::make_unique<SqliteConflictProbe>();
  if (!probe->Open(target).ok()) return std::unique_ptr<ConflictProbe>();  // no such table yet
  return std::unique_ptr<ConflictProbe>(std::move(probe));
}

Result<std::unique_ptr<RecordReader>> OpenStoreReader(const StoreUri& uri) {
  switch (uri.kind) {
    case StoreKind::kFile: return OpenFileReader(uri.file);
    case StoreKind::kSqlite: {
      auto r = std::make_unique<SqliteReader>();
      FERRY_RETURN_IF_ERROR(r->Open(uri));
      return std::unique_ptr<RecordReader>(std::move(r));
    }
    case StoreKind::kPostgres: return OpenPostgresReader(uri);
  }
  return Status::Internal("unknown store kind");
}

Result<std::unique_ptr<RecordSink>> OpenStoreSink(const StoreUri& uri, bool json_array_output) {
  switch (uri.kind) {
    case StoreKind::kFile:
      if (NeedsEncodedSink(uri.file)) return NewEncodedFileSink(uri);
      return std::unique_ptr<RecordSink>(std::make_unique<FileSink>(uri, json_array_output));
    case StoreKind::kSqlite: return std::unique_ptr<RecordSink>(std::make_unique<SqliteSink>(uri));
    case StoreKind::kPostgres: return OpenPostgresSink(uri);
  }
  return Status::Internal("unknown store kind");
}

}  // namespace ferry::internal
