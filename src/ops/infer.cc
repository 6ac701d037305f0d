// Copyright (c) the Ferry authors.
#include "ferry/infer.h"

#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "engine/driver.h"
#include "engine/source.h"
#include "ferry/json.h"
#include "store/store.h"

namespace ferry {

namespace {

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

std::string Quoted(std::string_view s) {
  std::string out;
  WriteJsonString(s, &out);
  return out;
}

std::string JoinQuoted(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ",") + Quoted(n);
  return out;
}

std::string TypeList(std::set<std::string> types) {
  if (types.count("number")) types.erase("integer");
  if (types.size() == 1) return Quoted(*types.begin());
  return "[" + JoinQuoted({types.begin(), types.end()}) + "]";
}

std::string ToSchema(const Shape& shape) {
  std::string out = "{\"type\":" + TypeList(shape.types);
  if (shape.objects > 0) {
    std::string properties;
    std::vector<std::string> required;
    for (const std::string& name : shape.order) {
      const auto& [count, inner] = shape.properties.at(name);
      properties += (properties.empty() ? "" : ",") + Quoted(name) + ":" + ToSchema(inner);
      if (count == shape.objects) required.push_back(name);
    }
    out += ",\"properties\":{" + properties + "},\"required\":[" + JoinQuoted(required) + "]";
  }
  if (shape.items && !shape.items->types.empty()) out += ",\"items\":" + ToSchema(*shape.items);
  return out + "}";
}

// Observes one record of a batch; its errors name the source and line.
Status ObserveRecord(const internal::RecordBatchInput& batch, size_t i, const std::string& source,
                     JsonParser* parser, Arena* arena, Shape* shape) {
  const std::string where = source + ":" + std::to_string(batch.records[i].line);
  if (!batch.Error(i).empty()) return Status::ParseError(std::string(batch.Error(i)));
  auto record = parser->Parse(batch.Record(i), *arena);
  if (!record.ok()) return Status::ParseError(where + ": " + record.status().message());
  if (!record.value().IsObject()) return Status::InvalidArgument(where + ": a record must be a JSON object");
  Observe(record.value(), shape);
  arena->Reset();
  return Status::OK();
}

}  // namespace

Result<InferredSchema> InferSchema(const std::string& source, uint64_t max_records) {
  // As a run reads its --source: stdin as "-", devices and pipes read once.
  FERRY_ASSIGN_OR_RETURN(auto uri, internal::ParseRunStore(RunOptions{}, source, "records", false));
  FERRY_ASSIGN_OR_RETURN(auto reader, internal::OpenStoreReader(uri));
  Shape shape;
  JsonParser parser;
  Arena arena;
  internal::RecordBatchInput batch;
  for (bool eof = false; !eof && shape.objects < max_records;) {
    const uint64_t want = std::min<uint64_t>(max_records - shape.objects, 1000);
    FERRY_RETURN_IF_ERROR(reader->ReadBatch(uint32_t(want), &batch, &eof));
    for (size_t i = 0; i < batch.records.size() && shape.objects < max_records; ++i) {
      FERRY_RETURN_IF_ERROR(ObserveRecord(batch, i, uri.display, &parser, &arena, &shape));
    }
  }
  if (shape.objects == 0) return Status::InvalidArgument(uri.display + ": no records");
  InferredSchema inferred;
  inferred.schema = ToSchema(shape);
  inferred.records = shape.objects;
  for (const std::string& name : shape.order) {
    if (shape.properties.at(name).first == shape.objects) inferred.always_present.push_back(name);
  }
  return inferred;
}

}  // namespace ferry
