// Copyright (c) the Ferry authors.
//
// Row access by key to a store's table (SQLite or PostgreSQL): what rollback
// and restore read and write, and what a run's backup reads before a
// store-to-table run changes a row. Rows are those of store.h: key,
// version, document, updated_at.
//
// Thread safety: one KeyedTable per thread.

#ifndef FERRY_STORE_KEYED_TABLE_H_
#define FERRY_STORE_KEYED_TABLE_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ferry/result.h"
#include "store/sql.h"
#include "store/store.h"

namespace ferry::internal {

class KeyedTable {
 public:
  struct Row {
    std::string version;
    std::string document;  // as stored (jsonb is PostgreSQL's text form)
    bool version_null = false;  // the version column is NULL
  };
  // Opens the table of `uri` (a database store). A missing table (or
  // database file) is NOT_FOUND with `must_exist`, else it reads as empty
  // (and db() must not be used).
  static Result<std::unique_ptr<KeyedTable>> Open(const StoreUri& uri, bool must_exist);
  // Opens the table of `uri`, first creating what is missing: the table with
  // Ferry's layout (CreateRecordTable) and, for SQLite, the database file.
  static Result<std::unique_ptr<KeyedTable>> OpenCreating(const StoreUri& uri);
  // Opens an existing table only to Get() its rows: creates nothing in its
  // database (no checkpoints table: checkpoints() must not be used).
  static Result<std::unique_ptr<KeyedTable>> OpenForReading(const StoreUri& uri);
  bool exists() const { return exists_; }

  // The rows of `keys`, in order (nullopt: no such row). `lock`: inside a
  // transaction of db(), the rows found stay as read until it ends
  // (PostgreSQL: FOR UPDATE; SQLite's write transaction locks them all).
  Result<std::vector<std::optional<Row>>> Get(const std::vector<std::string>& keys, bool lock = false);
  // Inside a transaction of db().
  // `version` nullopt: the version column is NULL.
  Status Put(const std::string& key, const SqlParam& version, const std::string& document);
  Status Delete(const std::string& key);

  SqlDb& db() { return *db_; }
  // The table's checkpoints (ferry_checkpoints / ferry.checkpoints).
  CheckpointTable& checkpoints() { return *checkpoints_; }

 private:
  KeyedTable() = default;
  static Result<std::unique_ptr<KeyedTable>> OpenTable(const StoreUri& uri, bool must_exist, bool checkpoints_table);
  std::unique_ptr<SqlDb> db_;
  std::unique_ptr<CheckpointTable> checkpoints_;
  std::string table_;  // quoted
  bool exists_ = false;
};

}  // namespace ferry::internal

#endif  // FERRY_STORE_KEYED_TABLE_H_
