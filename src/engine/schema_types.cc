// Copyright (c) the Ferry authors.
#include "engine/schema_types.h"

#include <string_view>
#include <unordered_map>
#include <utility>

namespace ferry::internal {
namespace {

uint8_t TypeBit(std::string_view name) {
  if (name == "null") return SchemaTypes::kNull;
  if (name == "boolean") return SchemaTypes::kBoolean;
  if (name == "integer") return SchemaTypes::kInteger;
  if (name == "number") return SchemaTypes::kNumber;
  if (name == "string") return SchemaTypes::kString;
  return 0;
}

// The root's "definitions" and "$defs" by name, indexed once: a schema
// with one "$ref" per property into many definitions stays linear.
struct LocalDefinitions {
  std::unordered_map<std::string_view, const Value*> definitions;
  std::unordered_map<std::string_view, const Value*> defs;

  explicit LocalDefinitions(const Value& root) {
    Index(root.Find("definitions"), &definitions);
    Index(root.Find("$defs"), &defs);
  }

  static void Index(const Value* object, std::unordered_map<std::string_view, const Value*>* out) {
    if (object == nullptr || !object->IsObject()) return;
    out->reserve(object->size());
    for (const Member* m = object->members(); m != object->members_end(); ++m) {
      (*out)[m->key.AsString()] = &m->value;  // the last occurrence wins, as in Value::Find
    }
  }

  // The local definition `ref` names, or null.
  const Value* Resolve(std::string_view ref) const {
    for (std::string_view prefix : {std::string_view("#/definitions/"), std::string_view("#/$defs/")}) {
      if (ref.substr(0, prefix.size()) != prefix) continue;
      std::string_view name = ref.substr(prefix.size());
      if (name.empty() || name.find_first_of("/~%") != std::string_view::npos) return nullptr;
      const auto& names = prefix[2] == 'd' ? definitions : defs;
      auto it = names.find(name);
      return it != names.end() && it->second->IsObject() ? it->second : nullptr;
    }
    return nullptr;
  }
};

void Build(const LocalDefinitions& root, const Value& schema, int depth, SchemaTypes* out) {
  if (!schema.IsObject() || depth > kMaxRefDepth) return;
  if (const Value* ref = schema.Find("$ref"); ref != nullptr && ref->IsString()) {
    // Draft 7: $ref replaces its siblings.
    if (const Value* target = root.Resolve(ref->AsString())) Build(root, *target, depth + 1, out);
    return;
  }
  if (const Value* type = schema.Find("type")) {
    if (type->IsString()) {
      out->types |= TypeBit(type->AsString());
    } else if (type->IsArray()) {
      for (const Value& t : *type) {
        if (t.IsString()) out->types |= TypeBit(t.AsString());
      }
    }
  }
  if (const Value* props = schema.Find("properties"); props != nullptr && props->IsObject()) {
    for (const Member* m = props->members(); m != props->members_end(); ++m) {
      SchemaTypes child;
      Build(root, m->value, depth, &child);
      if (!child.empty()) out->properties[std::string(m->key.AsString())] = std::move(child);
    }
  }
  if (const Value* items = schema.Find("items"); items != nullptr && items->IsObject()) {
    auto child = std::make_unique<SchemaTypes>();
    Build(root, *items, depth, child.get());
    if (!child->empty()) out->items = std::move(child);
  }
}

bool Allows(uint8_t types, JsonType t, const Value& v) {
  switch (t) {
    case JsonType::kNull: return types & SchemaTypes::kNull;
    case JsonType::kBool: return types & SchemaTypes::kBoolean;
    case JsonType::kNumber:
      return (types & SchemaTypes::kNumber) || ((types & SchemaTypes::kInteger) && v.IsIntegral());
    case JsonType::kString: return types & SchemaTypes::kString;
    default: return true;
  }
}

// Converts one scalar; true when it changed.
bool Convert(uint8_t types, Value& v) {
  if (types == 0 || v.IsArray() || v.IsObject() || Allows(types, v.type(), v)) return false;
  switch (v.type()) {
    case JsonType::kNumber:
      if (!(types & SchemaTypes::kString)) return false;
      v = Value::StringView(v.NumberLiteral());
      return true;
    case JsonType::kBool:
      if (!(types & SchemaTypes::kString)) return false;
      v = Value::StringView(v.AsBool() ? "true" : "false");
      return true;
    case JsonType::kNull:
      if (!(types & SchemaTypes::kString)) return false;
      v = Value::StringView("");
      return true;
    case JsonType::kString: {
      const std::string_view s = v.AsString();
      if ((types & (SchemaTypes::kNumber | SchemaTypes::kInteger)) && IsJsonNumberLiteral(s)) {
        Value n = Value::NumberLiteral(s);
        if (Allows(types, JsonType::kNumber, n)) {
          v = n;
          return true;
        }
      }
      if ((types & SchemaTypes::kBoolean) && (s == "true" || s == "false")) {
        v = Value::Bool(s == "true");
        return true;
      }
      if ((types & SchemaTypes::kNull) && s.empty()) {
        v = Value::Null();
        return true;
      }
      return false;
    }
    default: return false;
  }
}

uint64_t Apply(const SchemaTypes& t, Value& v) {
  uint64_t n = 0;
  if (v.IsObject()) {
    if (t.properties.empty()) return 0;
    for (Member* m = v.members(); m != v.members_end(); ++m) {
      auto it = t.properties.find(m->key.AsString());
      if (it != t.properties.end()) n += Apply(it->second, m->value);
    }
  } else if (v.IsArray()) {
    if (t.items == nullptr) return 0;
    for (Value& item : v) n += Apply(*t.items, item);
  } else {
    n += Convert(t.types, v) ? 1 : 0;
  }
  return n;
}

}  // namespace

SchemaTypes BuildSchemaTypes(const Value& schema) {
  SchemaTypes out;
  Build(LocalDefinitions(schema), schema, 0, &out);
  return out;
}

uint64_t ApplySchemaTypes(const SchemaTypes& types, Value& doc) { return Apply(types, doc); }

}  // namespace ferry::internal
