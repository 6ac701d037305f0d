// Copyright (c) the Ferry authors.
#include "postgres_test_util.h"

#include <cctype>
#include <cstdlib>
#include <fstream>

namespace ferry::test {

std::string PgUri() {
  const char* file = std::getenv("FERRY_PG_URI_FILE");
  const std::string how =
      "; these tests need a PostgreSQL 15 server: run them with ctest (the `postgres` fixture starts one with "
      "scripts/pg-cluster.sh), or start one yourself (scripts/pg-cluster.sh start DIR) and set "
      "FERRY_PG_URI_FILE=DIR/uri";
  if (file == nullptr || *file == '\0') {
    ADD_FAILURE() << "FERRY_PG_URI_FILE is not set" << how;
    return "";
  }
  std::ifstream in(file);
  std::string uri;
  std::getline(in, uri);
  if (uri.empty()) ADD_FAILURE() << "no PostgreSQL URI in " << file << " (did pg_cluster_start fail?)" << how;
  return uri;
}

std::string PgTableName(const std::string& prefix) {
  const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name = prefix + (info != nullptr ? info->name() : "t");
  for (char& c : name) {
    c = std::isalnum(static_cast<unsigned char>(c)) ? char(std::tolower(static_cast<unsigned char>(c))) : '_';
  }
  return name.substr(0, 63);
}

internal::BatchResult MakeBatch(const std::vector<std::pair<std::string, std::string>>& records,
                                const std::vector<std::string>& tokens) {
  internal::BatchResult b;
  for (const auto& [key, doc] : records) {
    internal::OutputRecord r;
    r.offset = uint32_t(b.output.size());
    r.length = uint32_t(doc.size());
    r.key_offset = uint32_t(b.keys.size());
    r.key_length = uint32_t(key.size());
    if (b.output_records.size() < tokens.size()) {
      const std::string& token = tokens[b.output_records.size()];
      r.token_offset = uint32_t(b.tokens.size());
      r.token_length = uint32_t(token.size());
      b.tokens += token;
    }
    r.migrated = true;
    b.output += doc;
    b.output += '\n';
    b.keys += key;
    b.output_records.push_back(r);
    ++b.records;
  }
  return b;
}

void PgTest::SetUp() {
  uri_ = PgUri();
  ASSERT_FALSE(uri_.empty());
  db_ = Connect();
  ASSERT_NE(db_, nullptr);
  table_ = PgTableName(std::string(::testing::UnitTest::GetInstance()->current_test_info()->test_suite_name())
                           .substr(0, 6) + "_");
  ASSERT_OK(db_->Exec("DROP TABLE IF EXISTS \"" + table_ + "\""));
}

std::unique_ptr<internal::SqlDb> PgTest::Connect() {
  auto db = internal::OpenPostgres(uri_, internal::RedactUri(uri_));
  EXPECT_TRUE(db.ok()) << db.status().ToString();
  return db.ok() ? std::move(db).value() : nullptr;
}

internal::StoreUri PgTest::Store(const std::string& table, const std::string& extra_params) {
  auto u = internal::ParseStoreUri(uri_ + "?table=" + table + extra_params, "unused");
  EXPECT_TRUE(u.ok()) << u.status().ToString();
  return u.ok() ? u.value() : internal::StoreUri();
}

std::string PgTest::Value1(const std::string& sql, const std::vector<internal::SqlParam>& params) {
  auto rows = db_->Query(sql, params);
  EXPECT_TRUE(rows.ok()) << rows.status().ToString() << " in " << sql;
  if (!rows.ok() || rows.value().rows.empty() || rows.value().rows[0].empty()) return "<no row>";
  return rows.value().rows[0][0].value_or("<null>");
}

}  // namespace ferry::test
