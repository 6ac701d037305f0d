// Copyright (c) the Ferry authors.
//
// JSON-Schema-Test-Suite (github.com/json-schema-org/JSON-Schema-Test-Suite,
// vendored in ../shared/conformance/JSON-Schema-Test-Suite; see its README
// section 2), draft-07 and draft 2020-12, run against ferry::SchemaRegistry /
// CompiledSchema.
//
// Every file under remotes/ is registered in memory at
// http://localhost:1234/<relative path>. For each case the schema is
// compiled once and every test's data validated; a compile error fails all
// the case's tests.
//
//   tests/<draft>/*.json     required: the pass rate must be >= 98% (draft-07)
//                            or >= 99% (2020-12) and the failing tests must
//                            be exactly the known failures below, so any
//                            change (better or worse) shows.
//   tests/<draft>/optional/  reported only (format/ runs with
//                            assert_formats); they must not crash.

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "ferry/json.h"
#include "ferry/schema.h"
#include "util/test_util.h"

namespace ferry {
namespace {

namespace fs = std::filesystem;

// "file / case description / test description" of every required test we
// are known to fail, each with its reason, e.g.
//   "ref.json / some case / some test",  // why
// Empty: all 927 required draft-07 tests pass. A new failure, or a listed
// one that starts passing, fails Draft7Required.
const std::set<std::string> kKnownFailures = {};

// The same for tests/draft2020-12 (1299 required tests).
const std::set<std::string> kKnownFailures2020 = {};

std::string SuiteRoot() { return test::SharedDir() + "/conformance/JSON-Schema-Test-Suite"; }

void RegisterRemotes(SchemaRegistry* registry) {
  std::string root = SuiteRoot() + "/remotes";
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (entry.is_regular_file() && entry.path().extension() == ".json") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  for (const fs::path& p : files) {
    std::string rel = fs::relative(p, root).generic_string();
    ASSERT_OK(registry->RegisterJson("http://localhost:1234/" + rel, test::ReadFile(p.string())));
  }
}

struct SuiteResult {
  int passed = 0;
  int failed = 0;
  std::set<std::string> failures;
};

// Runs one suite file; `label` prefixes the failure names.
void RunFile(const SchemaRegistry& registry, const fs::path& path, const std::string& label,
             bool assert_formats, SuiteResult* result) {
  Arena arena;
  Value cases = test::ParseJson(test::ReadFile(path.string()), arena);
  ASSERT_TRUE(cases.IsArray()) << path;
  SchemaCompileOptions options;
  options.assert_formats = assert_formats;
  for (const Value& c : cases) {
    std::string case_name = std::string(c.Find("description")->AsString());
    Result<std::shared_ptr<const CompiledSchema>> schema = registry.Compile(*c.Find("schema"), options);
    for (const Value& t : *c.Find("tests")) {
      std::string name = label + " / " + case_name + " / " + std::string(t.Find("description")->AsString());
      bool expected = t.Find("valid")->AsBool();
      bool ok = false;
      if (schema.ok()) {
        const Value& data = *t.Find("data");
        bool fast = schema.value()->IsValid(data);
        std::vector<SchemaError> errors;
        bool full = schema.value()->Validate(data, &errors);
        // Both entry points must agree, and errors come exactly with invalid.
        EXPECT_EQ(fast, full) << name;
        EXPECT_EQ(full, errors.empty()) << name;
        ok = fast == expected;
      }
      if (ok) {
        ++result->passed;
      } else {
        ++result->failed;
        result->failures.insert(name);
      }
    }
    if (!schema.ok()) std::printf("  compile error in %s / %s: %s\n", label.c_str(), case_name.c_str(),
                                  schema.status().ToString().c_str());
  }
}

std::vector<fs::path> JsonFiles(const fs::path& dir, bool recursive) {
  std::vector<fs::path> files;
  if (recursive) {
    for (const auto& e : fs::recursive_directory_iterator(dir)) {
      if (e.is_regular_file() && e.path().extension() == ".json") files.push_back(e.path());
    }
  } else {
    for (const auto& e : fs::directory_iterator(dir)) {
      if (e.is_regular_file() && e.path().extension() == ".json") files.push_back(e.path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

// Runs the required tests of `draft` and checks them against `known`.
void CheckRequired(const std::string& draft, int min_total, double min_rate, const std::set<std::string>& known) {
  SchemaRegistry registry;
  RegisterRemotes(&registry);
  SuiteResult result;
  fs::path dir = SuiteRoot() + "/tests/" + draft;
  for (const fs::path& p : JsonFiles(dir, false)) {
    RunFile(registry, p, p.filename().string(), false, &result);
  }
  int total = result.passed + result.failed;
  double rate = 100.0 * result.passed / std::max(total, 1);
  std::printf("%s required: %d/%d passed (%.2f%%)\n", draft.c_str(), result.passed, total, rate);
  for (const std::string& f : result.failures) std::printf("  FAIL %s\n", f.c_str());
  EXPECT_GE(total, min_total);
  EXPECT_GE(rate, min_rate);
  for (const std::string& f : result.failures) {
    EXPECT_TRUE(known.count(f)) << "new failure: " << f;
  }
  for (const std::string& f : known) {
    EXPECT_TRUE(result.failures.count(f)) << "known failure now passes (update the known failures): " << f;
  }
}

// Runs tests/<draft>/optional: reported, never failing (but no crash).
void ReportOptional(const std::string& draft) {
  SchemaRegistry registry;
  RegisterRemotes(&registry);
  fs::path dir = SuiteRoot() + "/tests/" + draft + "/optional";
  int passed = 0, total = 0;
  for (const fs::path& p : JsonFiles(dir, true)) {
    std::string rel = fs::relative(p, dir).generic_string();
    bool formats = rel.rfind("format/", 0) == 0;
    SuiteResult result;
    RunFile(registry, p, "optional/" + rel, formats, &result);
    int n = result.passed + result.failed;
    std::printf("optional/%-32s %3d/%3d\n", rel.c_str(), result.passed, n);
    for (const std::string& f : result.failures) std::printf("  fail %s\n", f.c_str());
    passed += result.passed;
    total += n;
  }
  std::printf("%s optional: %d/%d passed\n", draft.c_str(), passed, total);
  EXPECT_GT(total, 0);
}

TEST(JsonSchemaSuiteTest, Draft7Required) { CheckRequired("draft7", 900, 98.0, kKnownFailures); }

TEST(JsonSchemaSuiteTest, Draft7OptionalIsReportedAndDoesNotCrash) { ReportOptional("draft7"); }

TEST(JsonSchemaSuiteTest, Draft2020RequiredPassesAtLeast99Percent) {
  CheckRequired("draft2020-12", 1250, 99.0, kKnownFailures2020);
}

TEST(JsonSchemaSuiteTest, Draft2020OptionalIsReportedAndDoesNotCrash) { ReportOptional("draft2020-12"); }

// The optional regex files pass in full since patterns run on RE2 with
// ECMA-262 translation (src/schema/regex.h): Unicode classes, \s, \c,
// surrogate pairs, named groups, lookbehind as a valid "regex" format.
TEST(JsonSchemaSuiteTest, Draft7OptionalRegexFilesPassInFull) {
  SchemaRegistry registry;
  RegisterRemotes(&registry);
  fs::path dir = SuiteRoot() + "/tests/draft7/optional";
  for (const char* rel : {"ecmascript-regex.json", "non-bmp-regex.json", "format/ecmascript-regex.json",
                          "format/regex.json"}) {
    SuiteResult result;
    RunFile(registry, dir / rel, rel, std::string_view(rel).rfind("format/", 0) == 0, &result);
    EXPECT_GT(result.passed, 0) << rel;
    for (const std::string& f : result.failures) ADD_FAILURE() << "fails: " << f;
  }
}

}  // namespace
}  // namespace ferry
