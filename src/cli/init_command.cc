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

// What the sample's values at one place look like: their JSON Schema types;
// for objects, each property's shape and in how many objects it appears.
struct Shape {
  std::set<std::string> types;
  uint64_t objects = 0;
  std::vector<std::string> order;  // properties in the order first seen
  std::map<std::string, std::pair<uint64_t, Shape>> properties;
  std::unique_ptr<Shape> items;
};

std::string SchemaType(const Value& v) {
  if (v.IsNumber()) return v.IsIntegral() ? "integer" : "number";
  return v.IsBool() ? "boolean" : std::string(JsonTypeName(v.type()));
}

void Observe(const Value& v, Shape* shape) {
  shape->types.insert(SchemaType(v));
  if (v.IsObject()) {
    ++shape->objects;
    for (const Member* m = v.members(); m != v.members_end(); ++m) {
      const std::string name(m->key.AsString());
      auto [it, added] = shape->properties.try_emplace(name);
      if (added) shape->order.push_back(name);
      ++it->second.first;
      Observe(m->value, &it->second.second);
    }
  } else if (v.IsArray()) {
    if (!shape->items) shape->items = std::make_unique<Shape>();
    for (const Value& item : v) Observe(item, shape->items.get());
  }
}

// The shape as draft-7 JSON Schema: the types seen, every property seen, and
// as required those present in every object.
std::string ToSchema(const Shape& shape) {
  std::set<std::string> types = shape.types;
  if (types.count("number")) types.erase("integer");
  std::string out = "{\"type\":";
  if (types.size() == 1) {
    out += Str(*types.begin());
  } else {
    std::string list;
    for (const std::string& t : types) list += (list.empty() ? "" : ",") + Str(t);
    out += "[" + list + "]";
  }
  if (shape.objects > 0) {
    std::string properties, required;
    for (const std::string& name : shape.order) {
      const auto& [count, inner] = shape.properties.at(name);
      properties += (properties.empty() ? "" : ",") + Str(name) + ":" + ToSchema(inner);
      if (count == shape.objects) required += (required.empty() ? "" : ",") + Str(name);
    }
    out += ",\"properties\":{" + properties + "},\"required\":[" + required + "]";
  }
  if (shape.items && !shape.items->types.empty()) out += ",\"items\":" + ToSchema(*shape.items);
  return out + "}";
}

Status ReadSample(const std::string& path, uint64_t max_records, Shape* shape) {
  std::ifstream in(path);
  if (!in) return Status::NotFound("--sample " + path + ": cannot be read");
  JsonParser parser;
  Arena arena;
  std::string line;
  for (uint64_t n = 1; shape->objects < max_records && std::getline(in, line); ++n) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    auto record = parser.Parse(line, arena);
    if (!record.ok()) return Status::ParseError(path + ":" + std::to_string(n) + ": " + record.status().message());
    if (!record.value().IsObject()) return Status::InvalidArgument(path + ":" + std::to_string(n) + ": a record must be a JSON object");
    Observe(record.value(), shape);
    arena.Reset();
  }
  if (shape->objects == 0) return Status::InvalidArgument("--sample " + path + ": no records (one JSON object a line)");
  return Status::OK();
}

// Fields in every sample record (the detector needs one that always is).
std::vector<std::string> AlwaysPresent(const Shape& shape) {
  std::vector<std::string> names;
  for (const std::string& name : shape.order) {
    if (shape.properties.at(name).first == shape.objects) names.push_back(name);
  }
  return names;
}

std::string ProjectYaml(const InitArgs& a, const Shape& shape, const std::string& detect_field) {
  return "# Written by `ferry init` from " + a.sample + " (" + std::to_string(shape.objects) +
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
  Shape shape;
  if (Status s = ReadSample(g_args.sample, g_args.max_records, &shape); !s.ok()) return Fail(s);
  const std::vector<std::string> always = AlwaysPresent(shape);
  if (always.empty()) return Fail(Status::InvalidArgument("--sample " + g_args.sample + ": no field is in every record, so there is nothing to recognise them by; write detect: by hand (docs/project-file.md)"));
  if (g_args.collection.empty()) {
    const fs::path full = fs::absolute(dir).lexically_normal();
    g_args.collection = (full.has_filename() ? full : full.parent_path()).filename().string();
  }
  const bool has_key = std::find(always.begin(), always.end(), g_args.key) != always.end();
  std::error_code ec;
  fs::create_directories(dir / "schemas", ec);
  if (ec) return Fail(Status::IoError((dir / "schemas").string() + ": " + ec.message()));
  if (Status s = WriteFile(schema, ToSchema(shape) + "\n"); !s.ok()) return Fail(s);
  if (Status s = WriteFile(yaml, ProjectYaml(g_args, shape, has_key ? g_args.key : always.front())); !s.ok()) return Fail(s);
  std::printf("Wrote %s and %s from %llu records of %s\n", yaml.string().c_str(), schema.string().c_str(),
              (unsigned long long)shape.objects, g_args.sample.c_str());
  if (!has_key) std::printf("Warning: the key field '%s' is not in every record: set key: in ferry.yaml\n", g_args.key.c_str());
  return 0;
}

}  // namespace

void RegisterInitCommand(CLI::App& app) {
  g_init = app.add_subcommand("init", "write a starting ferry.yaml and JSON Schema inferred from sample records");
  g_init->add_option("--sample", g_args.sample, "sample records: a JSON Lines file")->required();
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
