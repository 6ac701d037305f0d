// Copyright (c) the Ferry authors.
#include "cli/init_command.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "cli/numeric_flags.h"
#include "cli/output.h"
#include "ferry/infer.h"
#include "ferry/json.h"

namespace ferry::cli {

namespace {

struct InitArgs {
  std::string sample;
  std::string dir = ".";
  std::string collection;
  std::string key = "id";
  uint64_t max_records = 10000;
};

InitArgs g_args;
CLI::App* g_init = nullptr;

std::string ProjectYaml(const InitArgs& a, const InferredSchema& inferred, const std::string& detect_field) {
  return "# Written by `ferry init` from " + a.sample + " (" + std::to_string(inferred.records) +
         " records). Edit to taste: docs/project-file.md.\n"
         "collection: " + Str(a.collection) + "\n"
         "key: " + Str(a.key) + "\n"
         "versions:\n"
         "  v1:\n"
         "    detect: { has: [" + Str(detect_field) + "] }\n"
         "    schema: schemas/v1.json   # inferred from the sample: tighten it\n"
         "target: v1\n";
}

Status WriteFile(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
  out.close();
  return out ? Status::OK() : Status::IoError(path.string() + ": cannot be written");
}

int Init() {
  namespace fs = std::filesystem;
  const fs::path dir = g_args.dir;
  const fs::path yaml = dir / "ferry.yaml", schema = dir / "schemas" / "v1.json";
  for (const fs::path& p : {yaml, schema}) {
    if (fs::exists(p)) return Fail(Status::Conflict(p.string() + " exists; ferry init never overwrites (move it away first)"));
  }
  auto sample = InferSchema(g_args.sample, g_args.max_records);
  if (!sample.ok()) return Fail(sample.status());
  const InferredSchema& inferred = sample.value();
  const std::vector<std::string>& always = inferred.always_present;
  if (always.empty()) return Fail(Status::InvalidArgument("--sample " + g_args.sample + ": no field is in every record, so there is nothing to recognise them by; write detect: by hand (docs/project-file.md)"));
  if (g_args.collection.empty()) {
    const fs::path full = fs::absolute(dir).lexically_normal();
    g_args.collection = (full.has_filename() ? full : full.parent_path()).filename().string();
  }
  const bool has_key = std::find(always.begin(), always.end(), g_args.key) != always.end();
  std::error_code ec;
  fs::create_directories(dir / "schemas", ec);
  if (ec) return Fail(Status::IoError((dir / "schemas").string() + ": " + ec.message()));
  if (Status s = WriteFile(schema, inferred.schema + "\n"); !s.ok()) return Fail(s);
  if (Status s = WriteFile(yaml, ProjectYaml(g_args, inferred, has_key ? g_args.key : always.front())); !s.ok()) return Fail(s);
  std::printf("Wrote %s and %s from %llu records of %s\n", yaml.string().c_str(), schema.string().c_str(),
              (unsigned long long)inferred.records, g_args.sample.c_str());
  if (!has_key) std::printf("Warning: the key field '%s' is not in every record: set key: in ferry.yaml\n", g_args.key.c_str());
  return 0;
}

}  // namespace

void RegisterInitCommand(CLI::App& app) {
  g_init = app.add_subcommand("init", "write a starting ferry.yaml and JSON Schema inferred from sample records");
  g_init->add_option("--sample", g_args.sample, "sample records: a file in any format Ferry reads (.jsonl, .json, .csv, .yaml, .xml, .md, compressed) or a table")->required();
  g_init->add_option("--dir", g_args.dir, "where to write ferry.yaml and schemas/ (never overwritten)")->capture_default_str();
  g_init->add_option("--collection", g_args.collection, "the collection's name (default: the directory's)");
  g_init->add_option("--key", g_args.key, "the field that identifies a record")->capture_default_str();
  g_init->add_option("--max-records", g_args.max_records, "records of the sample read")
      ->capture_default_str()
      ->check(IntegerIn(1, 100000000));
}

bool RunInitCommand(int* exit_code) {
  if (g_init == nullptr || !g_init->parsed()) return false;
  *exit_code = Init();
  return true;
}

}  // namespace ferry::cli
