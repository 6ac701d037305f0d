// Copyright (c) the Ferry authors.
#include "ferry/infer.h"

#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "common/json_builder.h"
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

void TypeList(std::set<std::string> types, internal::JsonBuilder& j) {
  if (types.count("number")) types.erase("integer");
  if (types.size() == 1) j.Str(*types.begin());
  else j.Strings({types.begin(), types.end()});
}

void ToSchema(const Shape& shape, internal::JsonBuilder& j) {
  j.Begin().Key("type");
  TypeList(shape.types, j);
  if (shape.objects > 0) {
    std::vector<std::string> required;
    j.Key("properties").Begin();
    for (const std::string& name : shape.order) {
      const auto& [count, inner] = shape.properties.at(name);
      ToSchema(inner, j.Key(name));
      if (count == shape.objects) required.push_back(name);
    }
    j.End().Key("required").Strings(required);
  }
  if (shape.items && !shape.items->types.empty()) ToSchema(*shape.items, j.Key("items"));
  j.End();
}

std::string ToSchema(const Shape& shape) {
  internal::JsonBuilder j;
  ToSchema(shape, j);
  return j.Take();
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
