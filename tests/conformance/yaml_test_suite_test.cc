// Copyright (c) the Ferry authors.
//
// yaml-test-suite (github.com/yaml/yaml-test-suite, data-2022-01-17, vendored
// in ../shared/conformance/yaml-test-suite; see its README section 4) run
// against the YAML document reader (formats/yaml.h).
//
// Every case directory data/<ID>/ or data/<ID>/<NN>/ counts when it has an
// `error` file (reading in.yaml must fail) or an in.json (reading must give
// exactly those JSON values, one per document, compared as JSON). Cases with
// neither are skipped. The pass rate must be >= 95% and every failing case
// must be listed in yaml_known_failures.txt (beside this file) with its
// reason; a listed case that passes is reported so the list can shrink.

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "codec/codec.h"
#include "ferry/json.h"
#include "formats/yaml.h"
#include "util/test_util.h"

namespace ferry {
namespace {

namespace fs = std::filesystem;

// The reader (libfyaml 0.7.12 underneath) passes every counted case; the
// known-failure list pins the exact set that may fail (none now).
constexpr double kRequiredPassRate = 0.95;

std::string SuiteData() { return test::SharedDir() + "/conformance/yaml-test-suite/data"; }

// Case ids ("229Q", "2G84/00") to their reason, from the checked-in list.
std::map<std::string, std::string> KnownFailures() {
  std::map<std::string, std::string> out;
  std::ifstream in(test::SourceDir() + "/tests/conformance/yaml_known_failures.txt");
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const size_t space = line.find(' ');
    out[line.substr(0, space)] = space == std::string::npos ? "" : line.substr(space + 1);
  }
  return out;
}

// Splits concatenated JSON texts separated by whitespace.
std::vector<std::string> SplitJsonTexts(const std::string& s) {
  std::vector<std::string> out;
  size_t i = 0;
  auto is_space = [](char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; };
  while (true) {
    while (i < s.size() && is_space(s[i])) ++i;
    if (i >= s.size()) break;
    const size_t start = i;
    int depth = 0;
    bool in_string = false;
    for (; i < s.size(); ++i) {
      const char c = s[i];
      if (in_string) {
        if (c == '\\') {
          ++i;
        } else if (c == '"') {
          in_string = false;
          if (depth == 0) {
            ++i;
            break;
          }
        }
        continue;
      }
      if (c == '"') {
        in_string = true;
      } else if (c == '{' || c == '[') {
        ++depth;
      } else if (c == '}' || c == ']') {
        if (--depth == 0) {
          ++i;
          break;
        }
      } else if (depth == 0 && is_space(c)) {
        break;
      }
    }
    out.push_back(s.substr(start, i - start));
  }
  return out;
}

struct Outcome {
  bool ok = false;
  std::string why;
};

Outcome RunCase(const fs::path& dir) {
  const std::string yaml = test::ReadFile((dir / "in.yaml").string());
  auto reader = internal::NewYamlReader(internal::NewStringSource(yaml), internal::YamlOptions{});
  std::vector<std::string> docs;
  Status error;
  while (true) {
    std::string json;
    uint64_t line = 0;
    Result<bool> r = reader->Next(&json, &line);
    if (!r.ok()) {
      error = r.status();
      break;
    }
    if (!*r) break;
    docs.push_back(json);
  }
  if (fs::exists(dir / "error")) {
    if (error.ok()) return {false, "accepted invalid YAML"};
    return {true, ""};
  }
  if (!error.ok()) return {false, "rejected: " + error.ToString()};
  const std::vector<std::string> expected = SplitJsonTexts(test::ReadFile((dir / "in.json").string()));
  if (expected.size() != docs.size()) {
    return {false, std::to_string(docs.size()) + " documents, expected " + std::to_string(expected.size())};
  }
  for (size_t i = 0; i < docs.size(); ++i) {
    Arena arena;
    JsonParser parser;
    Result<Value> want = parser.Parse(expected[i], arena);
    Result<Value> got = parser.Parse(docs[i], arena);
    if (!want.ok() || !got.ok()) return {false, "unparsable JSON"};
    if (!want->Equals(*got)) return {false, "document " + std::to_string(i) + ": " + docs[i] + " != " + expected[i]};
  }
  return {true, ""};
}

TEST(YamlTestSuite, ErrorAndJsonCases) {
  ASSERT_TRUE(fs::is_directory(SuiteData())) << SuiteData();
  std::vector<fs::path> cases;
  for (const auto& entry : fs::recursive_directory_iterator(SuiteData())) {
    if (entry.is_regular_file() && entry.path().filename() == "in.yaml") cases.push_back(entry.path().parent_path());
  }
  std::sort(cases.begin(), cases.end());
  const std::map<std::string, std::string> known = KnownFailures();
  int passed = 0;
  int counted = 0;
  int skipped = 0;
  int error_cases = 0;
  std::set<std::string> failed;
  for (const fs::path& dir : cases) {
    const std::string id = fs::relative(dir, SuiteData()).generic_string();
    if (!fs::exists(dir / "error") && !fs::exists(dir / "in.json")) {
      ++skipped;
      continue;
    }
    ++counted;
    if (fs::exists(dir / "error")) ++error_cases;
    const Outcome o = RunCase(dir);
    if (o.ok) {
      ++passed;
      if (known.count(id) != 0) std::printf("note: %s passes now; remove it from yaml_known_failures.txt\n", id.c_str());
      continue;
    }
    failed.insert(id);
    if (known.count(id) == 0) ADD_FAILURE() << id << " fails and is not a known failure: " << o.why;
  }
  std::printf("yaml-test-suite: %d cases, %d counted (%d error, %d in.json), %d skipped (neither error nor in.json)\n",
              int(cases.size()), counted, error_cases, counted - error_cases, skipped);
  std::printf("yaml-test-suite: passed %d/%d (%.1f%%), failed %d:", passed, counted, 100.0 * passed / counted,
              int(failed.size()));
  for (const std::string& id : failed) std::printf(" %s", id.c_str());
  std::printf("\n");
  EXPECT_GE(double(passed) / counted, kRequiredPassRate);
}

}  // namespace
}  // namespace ferry
