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
  if (o.validation.before && o.validation.after) return "source schema before, target schema after";
  if (o.validation.after) return "target schema after";
  if (o.validation.before) return "source schema before";
  return "none";
}

// The row README.md must hold for `preset`, from what ApplyPreset sets.
std::string ExpectedRow(std::string_view preset) {
  RunOptions o;
  EXPECT_TRUE(ApplyPreset(preset, &o).ok()) << preset;
  return "| `" + std::string(preset) + "` | " + std::to_string(o.pipeline.batch_size) + " | " +
         ErrorPolicyName(o.validation.on_error) + " | " + Validation(o) + " | " + (o.backup.enabled ? "on" : "off") +
         " |";
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

// include/ferry/run.h: RunOptions' defaults are the preset "recommended",
// so an embedder who names no preset gets what `ferry run` does by default.
TEST(PresetsDocumented, DefaultOptionsAreThePresetRecommended) {
  const RunOptions defaults{};
  RunOptions recommended;
  ASSERT_TRUE(ApplyPreset("recommended", &recommended).ok());
  EXPECT_EQ(defaults.pipeline.batch_size, recommended.pipeline.batch_size);
  EXPECT_EQ(defaults.validation.on_error, recommended.validation.on_error);
  EXPECT_EQ(defaults.validation.before, recommended.validation.before);
  EXPECT_EQ(defaults.validation.after, recommended.validation.after);
  EXPECT_EQ(defaults.backup.enabled, recommended.backup.enabled);
}

}  // namespace
}  // namespace ferry
