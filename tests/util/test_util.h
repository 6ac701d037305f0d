// Copyright (c) the Ferry authors.
// Helpers shared by Ferry's tests.
#ifndef FERRY_TESTS_UTIL_TEST_UTIL_H_
#define FERRY_TESTS_UTIL_TEST_UTIL_H_

#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "ferry/json.h"
#include "ferry/status.h"

#define ASSERT_OK(expr)                                         \
  do {                                                          \
    ::ferry::Status _s = (expr);                                \
    ASSERT_TRUE(_s.ok()) << _s.ToString();                      \
  } while (0)
#define EXPECT_OK(expr)                                         \
  do {                                                          \
    ::ferry::Status _s = (expr);                                \
    EXPECT_TRUE(_s.ok()) << _s.ToString();                      \
  } while (0)

namespace ferry::test {

// Reads a whole file as bytes; fails the test when it cannot.
std::string ReadFile(const std::string& path);
// Writes bytes to a file, creating parent directories.
void WriteFile(const std::string& path, std::string_view data);
// A fresh empty directory under the test's temp root; removed by the caller
// or left for inspection when a test fails.
std::string NewTempDir(const std::string& name);
// Path of ../shared (the shared folder beside the repository).
std::string SharedDir();
std::string SourceDir();

// Parses JSON text into `arena`, failing the test on a parse error.
Value ParseJson(std::string_view text, Arena& arena);

}  // namespace ferry::test

#endif  // FERRY_TESTS_UTIL_TEST_UTIL_H_
