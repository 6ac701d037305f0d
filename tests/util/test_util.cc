// Copyright (c) the Ferry authors.
#include "util/test_util.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace ferry::test {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot read " << path;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteFile(const std::string& path, std::string_view data) {
  std::filesystem::path p(path);
  if (p.has_parent_path()) std::filesystem::create_directories(p.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(data.data(), std::streamsize(data.size()));
  EXPECT_TRUE(out.good()) << "cannot write " << path;
}

std::string NewTempDir(const std::string& name) {
  const char* base = std::getenv("TMPDIR");
  std::filesystem::path root = std::filesystem::path(base ? base : "/tmp") / "ferry-tests";
  std::filesystem::path dir = root / (name + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

std::string SharedDir() { return FERRY_SHARED_DIR; }
std::string SourceDir() { return FERRY_SOURCE_DIR; }

Value ParseJson(std::string_view text, Arena& arena) {
  // Duplicate names allowed: tests build such Values on purpose.
  static thread_local JsonParser parser(JsonParseOptions{.allow_duplicate_names = true});
  Result<Value> r = parser.Parse(text, arena);
  EXPECT_TRUE(r.ok()) << r.status().ToString() << " in " << text;
  return r.ok() ? r.value() : Value();
}

}  // namespace ferry::test
