// Copyright (c) the Ferry authors.
#include "engine/yaml_value.h"

#include <re2/re2.h>

namespace ferry::internal {

namespace {

bool IsYamlNull(const std::string& s) { return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL"; }

// YAML 1.2 core schema number forms; the JSON-compatible ones are kept as
// their literal, the others (0x1F, .5, +1, .inf) converted.
Result<Value> ResolveNumber(const std::string& s, Arena& arena, bool* is_number) {
  // RE2: linear time and no recursion on the scalar, however long.
  static const re2::RE2 kJsonNumber(R"(-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?)");
  static const re2::RE2 kYamlInt(R"([-+]?[0-9]+)");
  static const re2::RE2 kYamlFloat(R"([-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?)");
  *is_number = true;
  if (re2::RE2::FullMatch(s, kJsonNumber)) return Value::NumberLiteral(arena.CopyString(s));
  if (re2::RE2::FullMatch(s, kYamlInt)) {
    try {
      return Value::Int(std::stoll(s), arena);
    } catch (...) {
      *is_number = false;
      return Value();
    }
  }
  if (re2::RE2::FullMatch(s, kYamlFloat)) {
    try {
      return Value::Double(std::stod(s), arena);
    } catch (...) {
      *is_number = false;
      return Value();
    }
  }
  *is_number = false;
  return Value();
}

}  // namespace

int YamlLine(const YAML::Node& node) {
  YAML::Mark m = node.Mark();
  return m.line < 0 ? 0 : m.line + 1;
}

Result<Value> YamlToValue(const YAML::Node& node, Arena& arena) {
  switch (node.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
      return Value::Null();
    case YAML::NodeType::Scalar: {
      const std::string& s = node.Scalar();
      if (node.Tag() == "!" || node.Tag() == "tag:yaml.org,2002:str") return Value::String(s, arena);
      if (IsYamlNull(s)) return Value::Null();
      if (s == "true" || s == "True" || s == "TRUE") return Value::Bool(true);
      if (s == "false" || s == "False" || s == "FALSE") return Value::Bool(false);
      bool is_number = false;
      Result<Value> n = ResolveNumber(s, arena, &is_number);
      if (is_number) return n;
      return Value::String(s, arena);
    }
    case YAML::NodeType::Sequence: {
      Value arr = Value::Array(arena, static_cast<uint32_t>(node.size()));
      for (const YAML::Node& item : node) {
        FERRY_ASSIGN_OR_RETURN(Value v, YamlToValue(item, arena));
        arr.Append(v, arena);
      }
      return arr;
    }
    case YAML::NodeType::Map: {
      Value obj = Value::Object(arena, static_cast<uint32_t>(node.size()));
      for (const auto& kv : node) {
        std::string key = kv.first.IsScalar() ? kv.first.Scalar() : YAML::Dump(kv.first);
        FERRY_ASSIGN_OR_RETURN(Value v, YamlToValue(kv.second, arena));
        obj.Set(arena.CopyString(key), v, arena);
      }
      return obj;
    }
  }
  return Value::Null();
}

}  // namespace ferry::internal
