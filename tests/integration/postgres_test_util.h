// Copyright (c) the Ferry authors.
// Helpers for the tests that run against the `postgres` ctest fixture.
#ifndef FERRY_TESTS_INTEGRATION_POSTGRES_TEST_UTIL_H_
#define FERRY_TESTS_INTEGRATION_POSTGRES_TEST_UTIL_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "engine/batch_processor.h"
#include "store/sql.h"
#include "store/store.h"
#include "util/test_util.h"

namespace ferry::test {

// The test cluster's URI, read from the file FERRY_PG_URI_FILE names
// (tests/integration/CMakeLists.txt). Empty, with a test failure explaining
// how to get a cluster, when there is none: these tests never skip.
std::string PgUri();

// A table name for the running test: `prefix` + the test's name, lower case.
std::string PgTableName(const std::string& prefix);

// A batch as the engine hands it to a sink: (key, document) pairs.
// `tokens`: the rows' tokens as read (in place), one per record, or none.
internal::BatchResult MakeBatch(const std::vector<std::pair<std::string, std::string>>& records,
                                const std::vector<std::string>& tokens = {});

// Connects to the test cluster; each test gets a fresh table name (dropped
// in SetUp, so a failed run leaves it for inspection).
class PgTest : public ::testing::Test {
 protected:
  void SetUp() override;
  // A second connection (the test's own view of the database).
  std::unique_ptr<internal::SqlDb> Connect();
  // The store URI of `table` (postgres://...?table=...), parsed.
  internal::StoreUri Store(const std::string& table, const std::string& extra_params = "");
  // Runs a query expected to succeed and returns its single value.
  std::string Value1(const std::string& sql, const std::vector<internal::SqlParam>& params = {});

  std::string uri_;
  std::string table_;
  std::unique_ptr<internal::SqlDb> db_;
};

}  // namespace ferry::test

#endif  // FERRY_TESTS_INTEGRATION_POSTGRES_TEST_UTIL_H_
