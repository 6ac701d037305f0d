// Copyright (c) the Ferry authors.
//
// csv-spectrum (../shared/conformance/csv-spectrum; its README section 3) run
// against the CSV reader: every csvs/NAME.csv, read with a header and every
// value a string (CsvOptions::kStrings), must equal json/NAME.json as a JSON
// value. The directory is enumerated, so files added later count too; 100%
// is required. Each file is also read 1 byte per Read() and must give the
// same documents.

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "codec/codec.h"
#include "ferry/json.h"
#include "formats/csv.h"
#include "util/test_util.h"

namespace ferry {
namespace {

namespace fs = std::filesystem;
using internal::ByteSource;
using internal::CsvOptions;

std::string SuiteDir() { return test::SharedDir() + "/conformance/csv-spectrum"; }

class OneByteSource : public ByteSource {
 public:
  explicit OneByteSource(std::string data) : data_(std::move(data)) {}
  Result<size_t> Read(char* buf, size_t n) override {
    if (pos_ == data_.size() || n == 0) return size_t(0);
    buf[0] = data_[pos_++];
    return size_t(1);
  }

 private:
  std::string data_;
  size_t pos_ = 0;
};

// The documents as one JSON array text.
Result<std::string> ReadCsv(std::unique_ptr<ByteSource> in) {
  CsvOptions options;
  options.types = CsvOptions::kStrings;
  FERRY_ASSIGN_OR_RETURN(auto reader, internal::NewCsvReader(std::move(in), options));
  std::string out = "[";
  std::string doc;
  uint64_t line = 0;
  for (;;) {
    FERRY_ASSIGN_OR_RETURN(bool got, reader->Next(&doc, &line));
    if (!got) break;
    if (out.size() > 1) out.push_back(',');
    out.append(doc);
  }
  out.push_back(']');
  return out;
}

std::vector<std::string> CaseNames() {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(SuiteDir() + "/csvs")) {
    if (entry.path().extension() == ".csv") names.push_back(entry.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

TEST(CsvSpectrumTest, EveryCaseMatchesItsJson) {
  const std::vector<std::string> names = CaseNames();
  ASSERT_GE(names.size(), 11u) << "csv-spectrum not found under " << SuiteDir();
  size_t passed = 0;
  for (const std::string& name : names) {
    SCOPED_TRACE(name);
    const std::string csv = test::ReadFile(SuiteDir() + "/csvs/" + name + ".csv");
    const std::string expected_text = test::ReadFile(SuiteDir() + "/json/" + name + ".json");
    Arena arena;
    const Value expected = test::ParseJson(expected_text, arena);

    Result<std::string> got = ReadCsv(internal::NewStringSource(csv));
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    const Value actual = test::ParseJson(*got, arena);
    EXPECT_TRUE(actual.Equals(expected)) << "got " << *got << "\nexpected " << expected_text;

    Result<std::string> bytewise = ReadCsv(std::make_unique<OneByteSource>(csv));
    ASSERT_TRUE(bytewise.ok()) << bytewise.status().ToString();
    EXPECT_EQ(*bytewise, *got);
    if (actual.Equals(expected) && *bytewise == *got) ++passed;
  }
  EXPECT_EQ(passed, names.size());
  std::printf("csv-spectrum: %zu/%zu cases pass\n", passed, names.size());
}

}  // namespace
}  // namespace ferry
