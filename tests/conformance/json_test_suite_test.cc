// Copyright (c) the Ferry authors.
//
// JSONTestSuite (github.com/nst/JSONTestSuite, vendored in
// ../shared/conformance/JSONTestSuite; see its README section 1) run against
// JsonParser. Every file is fed as raw bytes, unchanged:
//
//   y_*  must be accepted, and parse -> write -> parse -> write must be a
//        fixed point whose text our parser accepts (except the two files
//        with a member name given twice, refused by default: see below);
//   n_*  must be rejected with PARSE_ERROR (no crash, no stack overflow);
//   i_*  may go either way; the outcome must match the committed
//        expectations in tests/conformance/json_i_outcomes.txt, so a change
//        of behaviour fails here. After a deliberate change, regenerate the
//        file with FERRY_UPDATE_JSON_I_OUTCOMES=1 and review the diff.

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "ferry/json.h"
#include "util/test_util.h"

namespace ferry {
namespace {

namespace fs = std::filesystem;

std::string SuiteDir() { return test::SharedDir() + "/conformance/JSONTestSuite/test_parsing"; }
std::string OutcomesPath() { return test::SourceDir() + "/tests/conformance/json_i_outcomes.txt"; }

struct SuiteCase {
  std::string file;       // e.g. "y_array_empty.json"
  std::string test_name;  // the file name made a valid gtest name
};

// Suite files whose name starts with `prefix` ("y_", "n_", "i_"), sorted.
std::vector<SuiteCase> ListCases(const std::string& prefix) {
  std::vector<SuiteCase> cases;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(SuiteDir(), ec)) {
    std::string name = entry.path().filename().string();
    if (name.rfind(prefix, 0) != 0 || entry.path().extension() != ".json") continue;
    cases.push_back({name, ""});
  }
  std::sort(cases.begin(), cases.end(), [](const SuiteCase& a, const SuiteCase& b) { return a.file < b.file; });
  std::set<std::string> used;
  for (SuiteCase& c : cases) {
    std::string n = c.file.substr(0, c.file.size() - 5);  // drop ".json"
    for (char& ch : n) {
      if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
    }
    std::string unique = n;
    for (int i = 2; used.count(unique) != 0; ++i) unique = n + "_" + std::to_string(i);
    used.insert(unique);
    c.test_name = unique;
  }
  return cases;
}

// Shown by gtest instead of the object's bytes.
void PrintTo(const SuiteCase& c, std::ostream* os) { *os << c.file; }

std::string CaseName(const testing::TestParamInfo<SuiteCase>& info) { return info.param.test_name; }

std::string Printable(std::string_view s, size_t limit = 120) {
  std::string out;
  for (char c : s.substr(0, limit)) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u < 0x7f) {
      out.push_back(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\x%02x", u);
      out += buf;
    }
  }
  if (s.size() > limit) out += "...";
  return out;
}

// The outcome of parsing one file, with the checks every outcome must pass:
// both entry points agree (Parse, which copies, and ParsePadded over a buffer
// whose padding is not zero), and a failure is a PARSE_ERROR.
struct Outcome {
  bool accepted = false;
  std::string message;  // the error, when rejected
};

Outcome ParseFile(const std::string& bytes) {
  Outcome out;
  Arena arena;
  JsonParser parser;
  Result<Value> r = parser.Parse(bytes, arena);
  out.accepted = r.ok();
  if (!r.ok()) {
    out.message = r.status().ToString();
    EXPECT_TRUE(r.status().IsParseError()) << "a rejection must be a PARSE_ERROR: " << out.message;
  }

  // Same input, zero-copy entry point, with padding bytes that would extend
  // the text if the parser read past its end.
  for (char pad : {'1', '"', ']', ' '}) {
    std::string padded = bytes + std::string(JsonParser::kPadding, pad);
    Arena arena2;
    Result<Value> r2 = parser.ParsePadded(std::string_view(padded.data(), bytes.size()), arena2);
    EXPECT_EQ(r2.ok(), out.accepted) << "ParsePadded with padding '" << pad << "' disagrees with Parse: "
                                     << (r2.ok() ? std::string("accepted") : r2.status().ToString());
    if (r.ok() && r2.ok()) {
      EXPECT_EQ(ToJson(r2.value()), ToJson(r.value())) << "padding '" << pad << "'";
    }
  }
  return out;
}

// parse -> write -> parse -> write is a fixed point, the written text is
// valid JSON per our parser, the reparsed tree equals the original, and a
// DeepCopy equals it too.
void ExpectRoundTripFixedPoint(const std::string& bytes) {
  Arena arena;
  JsonParser parser;
  Result<Value> first = parser.Parse(bytes, arena);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  std::string w1 = ToJson(first.value());
  Result<Value> second = parser.Parse(w1, arena);
  ASSERT_TRUE(second.ok()) << "written text is not valid JSON: " << second.status().ToString()
                           << "\n  written: " << Printable(w1);
  std::string w2 = ToJson(second.value());
  EXPECT_EQ(w1, w2) << "write is not a fixed point";
  EXPECT_TRUE(first.value().Equals(second.value())) << "reparsed tree differs: " << Printable(w1);
  Arena copy_arena;
  Value copy = first.value().DeepCopy(copy_arena);
  EXPECT_TRUE(copy.Equals(first.value()));
  EXPECT_EQ(ToJson(copy), w1);
}

// --- y_: must accept ------------------------------------------------------

class JsonTestSuiteAccept : public testing::TestWithParam<SuiteCase> {};

// y_ files whose objects repeat a member name: valid JSON grammar (RFC 8259
// says names SHOULD be unique), which Ferry refuses by default so that a
// record's key, validation and output see one member; with
// allow_duplicate_names they are accepted and kept as they are.
bool HasDuplicateNames(const std::string& file) {
  return file == "y_object_duplicated_key.json" || file == "y_object_duplicated_key_and_value.json";
}

TEST_P(JsonTestSuiteAccept, AcceptsAndRoundTrips) {
  std::string bytes = test::ReadFile(SuiteDir() + "/" + GetParam().file);
  if (HasDuplicateNames(GetParam().file)) {
    Arena arena;
    JsonParser strict;
    Result<Value> refused = strict.Parse(bytes, arena);
    ASSERT_FALSE(refused.ok()) << GetParam().file;
    EXPECT_NE(refused.status().message().find("duplicate member name"), std::string::npos) << refused.status().ToString();
    EXPECT_EQ(strict.error_pointer(), "/a");
    JsonParser lenient(JsonParseOptions{.allow_duplicate_names = true});
    Result<Value> kept = lenient.Parse(bytes, arena);
    ASSERT_TRUE(kept.ok()) << kept.status().ToString();
    EXPECT_EQ(kept.value().size(), 2u);
    return;
  }
  Outcome o = ParseFile(bytes);
  ASSERT_TRUE(o.accepted) << GetParam().file << " must be accepted; got " << o.message
                          << "\n  input: " << Printable(bytes);
  ExpectRoundTripFixedPoint(bytes);
}

INSTANTIATE_TEST_SUITE_P(Y, JsonTestSuiteAccept, testing::ValuesIn(ListCases("y_")), CaseName);

// --- n_: must reject ------------------------------------------------------

class JsonTestSuiteReject : public testing::TestWithParam<SuiteCase> {};

TEST_P(JsonTestSuiteReject, RejectsWithParseError) {
  std::string bytes = test::ReadFile(SuiteDir() + "/" + GetParam().file);
  Outcome o = ParseFile(bytes);
  EXPECT_FALSE(o.accepted) << GetParam().file << " must be rejected\n  input: " << Printable(bytes);
}

INSTANTIATE_TEST_SUITE_P(N, JsonTestSuiteReject, testing::ValuesIn(ListCases("n_")), CaseName);

// --- i_: implementation-defined, pinned by json_i_outcomes.txt -------------

// name -> "accept" | "reject"
std::map<std::string, std::string> LoadExpectedOutcomes() {
  std::map<std::string, std::string> m;
  std::ifstream in(OutcomesPath());
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream ls(line);
    std::string name, outcome;
    ls >> name >> outcome;
    m[name] = outcome;
  }
  return m;
}

class JsonTestSuiteImplementationDefined : public testing::TestWithParam<SuiteCase> {};

TEST_P(JsonTestSuiteImplementationDefined, MatchesRecordedOutcome) {
  static const std::map<std::string, std::string> expected = LoadExpectedOutcomes();
  std::string bytes = test::ReadFile(SuiteDir() + "/" + GetParam().file);
  Outcome o = ParseFile(bytes);
  std::string actual = o.accepted ? "accept" : "reject";
  auto it = expected.find(GetParam().file);
  ASSERT_NE(it, expected.end()) << GetParam().file << " has no line in " << OutcomesPath()
                                << "; add: " << GetParam().file << " " << actual;
  EXPECT_EQ(actual, it->second) << "behaviour changed for " << GetParam().file << ": recorded " << it->second
                                << ", now " << actual << (o.accepted ? "" : " (" + o.message + ")")
                                << ". If deliberate, update " << OutcomesPath()
                                << " (FERRY_UPDATE_JSON_I_OUTCOMES=1 regenerates it).";
  if (o.accepted) ExpectRoundTripFixedPoint(bytes);
}

INSTANTIATE_TEST_SUITE_P(I, JsonTestSuiteImplementationDefined, testing::ValuesIn(ListCases("i_")), CaseName);

// --- the suite itself -------------------------------------------------------

TEST(JsonTestSuite, SuiteIsPresentAndComplete) {
  // Counts from ../shared/conformance/README.md; a missing folder must not
  // pass as "no failures".
  EXPECT_EQ(ListCases("y_").size(), 95u) << SuiteDir();
  EXPECT_EQ(ListCases("n_").size(), 188u) << SuiteDir();
  EXPECT_EQ(ListCases("i_").size(), 35u) << SuiteDir();
}

TEST(JsonTestSuite, OutcomesFileListsExactlyTheIFiles) {
  if (std::getenv("FERRY_UPDATE_JSON_I_OUTCOMES") != nullptr) {
    std::string text =
        "# JSONTestSuite i_* (implementation-defined) outcomes of ferry::JsonParser.\n"
        "# Checked by json_test_suite_test; regenerate with FERRY_UPDATE_JSON_I_OUTCOMES=1\n"
        "# after a deliberate behaviour change, and review the diff.\n";
    for (const SuiteCase& c : ListCases("i_")) {
      text += c.file + (ParseFile(test::ReadFile(SuiteDir() + "/" + c.file)).accepted ? " accept\n" : " reject\n");
    }
    test::WriteFile(OutcomesPath(), text);
  }
  std::map<std::string, std::string> expected = LoadExpectedOutcomes();
  std::set<std::string> files;
  for (const SuiteCase& c : ListCases("i_")) files.insert(c.file);
  for (const auto& [name, outcome] : expected) {
    EXPECT_TRUE(files.count(name) != 0) << OutcomesPath() << " names " << name << ", which is not in the suite";
    EXPECT_TRUE(outcome == "accept" || outcome == "reject") << name << ": bad outcome '" << outcome << "'";
  }
  EXPECT_EQ(expected.size(), files.size());
}

}  // namespace
}  // namespace ferry
