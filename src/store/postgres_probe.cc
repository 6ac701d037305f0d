// Copyright (c) the Ferry authors.
//
// Conflict counting against a PostgreSQL table (read only): one query per
// batch, with the batch's keys and documents passed as two text arrays.

#include "engine/batch_processor.h"
#include "store/sql.h"
#include "store/store.h"

namespace ferry::internal {

namespace {

class PostgresConflictProbe : public ConflictProbe {
 public:
  Status Open(const StoreUri& uri) {
    FERRY_ASSIGN_OR_RETURN(db_, OpenPostgres(uri.conninfo, uri.display));
    // Look keys up through the primary key rather than scan the target.
    FERRY_RETURN_IF_ERROR(db_->Exec("SET enable_hashjoin = off; SET enable_mergejoin = off"));
    FERRY_ASSIGN_OR_RETURN(SqlRows rows, db_->Query("SELECT to_regclass($1) IS NOT NULL", {QuoteTable(uri.table)}));
    exists_ = !rows.empty() && rows.rows[0][0] && (*rows.rows[0][0] == "t" || *rows.rows[0][0] == "true");
    query_ = "SELECT u.ord, t.document::text FROM " + QuoteTable(uri.table) +
             " t JOIN unnest($1::text[], $2::text[]) WITH ORDINALITY AS u(key, doc, ord) ON t.key = u.key"
             " WHERE t.document <> u.doc::jsonb ORDER BY u.ord";
    return Status::OK();
  }
  bool exists() const { return exists_; }
  Result<std::vector<FoundConflict>> Find(const BatchResult& b) override {
    std::vector<FoundConflict> out;
    if (b.output_records.empty()) return out;
    std::string keys = "{", docs = "{";
    for (const OutputRecord& r : b.output_records) {
      AppendArrayElement(std::string_view(b.keys).substr(r.key_offset, r.key_length), &keys);
      AppendArrayElement(std::string_view(b.output).substr(r.offset, r.length), &docs);
    }
    keys.push_back('}');
    docs.push_back('}');
    FERRY_ASSIGN_OR_RETURN(SqlRows rows, db_->Query(query_, {keys, docs}));
    for (const SqlRow& row : rows.rows) out.push_back({size_t(ToInt(row[0]) - 1), row[1].value_or("")});
    return out;
  }

 private:
  std::unique_ptr<SqlDb> db_;
  std::string query_;
  bool exists_ = false;
};

}  // namespace

Result<std::unique_ptr<ConflictProbe>> OpenPostgresConflictProbe(const StoreUri& target) {
  auto probe = std::make_unique<PostgresConflictProbe>();
  FERRY_RETURN_IF_ERROR(probe->Open(target));
  if (!probe->exists()) return std::unique_ptr<ConflictProbe>();
  return std::unique_ptr<ConflictProbe>(std::move(probe));
}

}  // namespace ferry::internal
