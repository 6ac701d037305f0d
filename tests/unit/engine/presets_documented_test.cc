// Copyright (c) the Ferry authors.
//
// README.md's preset table says what each --preset sets. Its rows are
// generated here from ApplyPreset, so a preset that changes, appears or goes
// fails this test until the table says so.

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "ferry/run.h"

namespace ferry {
namespace {

std::string ReadReadme() {
  std::ifstream in(std::string(FERRY_SOURCE_DIR) + "/README.md");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The table's rows (lines starting "| `"), in order.
std::vector<std::string> PresetRows(const std::string& readme) {
  std::vector<std::string> rows;
  const size_t table = readme.find("| preset | batch size |");
  if (table == std::string::npos) return rows;
  std::istringstream lines(readme.substr(table));
  std::string line;
  std::getline(lines, line);  // header
  std::getline(lines, line);  // separator
  while (std::getline(lines, line) && line.rfind("| `", 0) == 0) rows.push_back(line);
  return rows;
}

std::string Validation(const RunOptions& o) {
  if (o.validate_before && o.validate_after) return "source schema before, target schema after";
  if (o.validate_after) return "target schema after";
  if (o.validate_before) return "source schema before";
  return "none";
}

// The row README.md must hold for `preset`, from what ApplyPreset sets.
std::string ExpectedRow(std::string_view preset) {
  RunOptions o;
  EXPECT_TRUE(ApplyPreset(preset, &o).ok()) << preset;
  return "| `" + std::string(preset) + "` | " + std::to_string(o.batch_size) + " | " + ErrorPolicyName(o.on_error) +
         " | " + Validation(o) + " | " + (o.backup ? "on" : "off") + " |";
}

TEST(PresetsDocumented, ReadmeTableIsWhatApplyPresetSets) {
  const std::vector<std::string> rows = PresetRows(ReadReadme());
  ASSERT_EQ(rows.size(), PresetNames().size()) << "README.md's preset table must list every preset, once";
  for (size_t i = 0; i < rows.size(); ++i) EXPECT_EQ(rows[i], ExpectedRow(PresetNames()[i]));
}

TEST(PresetsDocumented, EveryNamedPresetApplies) {
  for (std::string_view name : PresetNames()) {
    RunOptions o;
    EXPECT_TRUE(ApplyPreset(name, &o).ok()) << name;
  }
  RunOptions o;
  EXPECT_FALSE(ApplyPreset("fastest", &o).ok());
}

}  // namespace
}  // namespace ferry
