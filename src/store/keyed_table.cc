// Copyright (c) the Ferry authors.
//
// KeyedTable (keyed_table.h): key lookups and single-row writes.

#include "store/keyed_table.h"

#include <filesystem>

namespace ferry::internal {

Result<std::unique_ptr<KeyedTable>> KeyedTable::Open(const StoreUri& uri, bool must_exist) {
  return OpenTable(uri, must_exist, true);
}

Result<std::unique_ptr<KeyedTable>> KeyedTable::OpenForReading(const StoreUri& uri) {
  return OpenTable(uri, true, false);
}

Result<std::unique_ptr<KeyedTable>> KeyedTable::OpenTable(const StoreUri& uri, bool must_exist, bool checkpoints_table) {
  auto t = std::unique_ptr<KeyedTable>(new KeyedTable());
  t->table_ = QuoteTable(uri.table);
  std::string checkpoints;
  if (uri.kind == StoreKind::kSqlite) {
    if (!std::filesystem::exists(uri.path)) {
      if (must_exist) return Status::NotFound("no database " + uri.path);
      return t;
    }
    SqliteOptions o;
    o.create = false;
    FERRY_ASSIGN_OR_RETURN(t->db_, OpenSqlite(uri.path, o));
    checkpoints = "ferry_checkpoints";
    auto probe = t->db_->Query("SELECT 1 FROM " + t->table_ + " LIMIT 1");
    t->exists_ = probe.ok();
  } else if (uri.kind == StoreKind::kPostgres) {
    FERRY_ASSIGN_OR_RETURN(t->db_, OpenPostgres(uri.conninfo, uri.display));
    checkpoints = "ferry.checkpoints";
    FERRY_ASSIGN_OR_RETURN(SqlRows r, t->db_->Query("SELECT to_regclass($1) IS NOT NULL", {t->table_}));
    t->exists_ = !r.empty() && r.rows[0][0].value_or("") == "t";
  } else {
    return Status::InvalidArgument(uri.display + " is a file, not a table");
  }
  if (!t->exists_ && must_exist) {
    return Status::NotFound("table " + uri.table + " does not exist in " + uri.display);
  }
  if (!checkpoints_table) return t;
  t->checkpoints_ = std::make_unique<CheckpointTable>(t->db_.get(), checkpoints);
  FERRY_RETURN_IF_ERROR(t->checkpoints_->Create());
  return t;
}

Result<std::unique_ptr<KeyedTable>> KeyedTable::OpenCreating(const StoreUri& uri) {
  std::unique_ptr<SqlDb> db;
  if (uri.kind == StoreKind::kSqlite) {
    std::error_code ec;
    const auto parent = std::filesystem::path(uri.path).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
    SqliteOptions o;
    o.create = true;
    FERRY_ASSIGN_OR_RETURN(db, OpenSqlite(uri.path, o));
  } else if (uri.kind == StoreKind::kPostgres) {
    FERRY_ASSIGN_OR_RETURN(db, OpenPostgres(uri.conninfo, uri.display));
  } else {
    return Status::InvalidArgument(uri.display + " is a file, not a table");
  }
  FERRY_RETURN_IF_ERROR(CreateRecordTable(*db, uri.table));
  db.reset();
  return Open(uri, true);
}

Result<std::vector<std::optional<KeyedTable::Row>>> KeyedTable::Get(const std::vector<std::string>& keys, bool lock) {
  std::vector<std::optional<Row>> out(keys.size());
  if (!exists_ || keys.empty()) return out;
  if (db_->dialect() == SqlDb::Dialect::kSqlite) {
    const std::string sql = "SELECT version, document FROM " + table_ + " WHERE key = $1";
    for (size_t i = 0; i < keys.size(); ++i) {
      FERRY_ASSIGN_OR_RETURN(SqlRows rows, db_->Query(sql, {keys[i]}));
      if (!rows.empty()) {
        out[i] = Row{rows.rows[0][0].value_or(""), rows.rows[0][1].value_or(""), !rows.rows[0][0].has_value()};
      }
    }
    return out;
  }
  // PostgreSQL: one round trip per call.
  std::string array = "{";
  for (const std::string& k : keys) AppendArrayElement(k, &array);
  array.push_back('}');
  FERRY_ASSIGN_OR_RETURN(
      SqlRows rows,
      db_->Query("SELECT k.i, t.version, t.document::text FROM unnest($1::text[]) WITH ORDINALITY AS k(key, i) JOIN " +
                     table_ + " t ON t.key = k.key" + (lock ? " ORDER BY t.key FOR UPDATE OF t" : ""),
                 {array}));
  for (const SqlRow& r : rows.rows) {
    const int64_t i = ToInt(r[0]) - 1;
    if (i >= 0 && size_t(i) < out.size()) out[size_t(i)] = Row{r[1].value_or(""), r[2].value_or(""), !r[1].has_value()};
  }
  return out;
}

Status KeyedTable::Put(const std::string& key, const SqlParam& version, const std::string& document) {
  if (db_->dialect() == SqlDb::Dialect::kSqlite) {
    return db_->Exec("INSERT INTO " + table_ +
                         " (key, version, document, updated_at) VALUES ($1, $2, $3, $4) ON CONFLICT (key) DO UPDATE SET"
                         " version = excluded.version, document = excluded.document, updated_at = excluded.updated_at",
                     {key, version, document, NowIso()});
  }
  return db_->Exec("INSERT INTO " + table_ +
                       " (key, version, document, updated_at) VALUES ($1, $2, $3::jsonb, now()) ON CONFLICT (key) DO "
                       "UPDATE SET version = excluded.version, document = excluded.document, updated_at = now()",
                   {key, version, document});
}

Status KeyedTable::Delete(const std::string& key) {
  return db_->Exec("DELETE FROM " + table_ + " WHERE key = $1", {key});
}

}  // namespace ferry::internal
