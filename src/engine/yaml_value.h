// Copyright (c) the Ferry authors.
//
// Converts YAML (yaml-cpp nodes) into Ferry JSON Values with YAML 1.2 core
// schema resolution for plain scalars (null/~/empty -> null, true/false ->
// boolean, integers and floats -> number, anything else -> string; quoted
// scalars are always strings).

#ifndef FERRY_ENGINE_YAML_VALUE_H_
#define FERRY_ENGINE_YAML_VALUE_H_

#include <string>

#include <yaml-cpp/yaml.h>

#include "ferry/json.h"

namespace ferry::internal {

// REQUIRES: node is defined. Anchors/aliases are expanded; non-string keys are
// converted to their text. Strings and literals are copied into `arena`.
Result<Value> YamlToValue(const YAML::Node& node, Arena& arena);

// "line 12" (1-based) of a node, or "" when yaml-cpp has no mark.
int YamlLine(const YAML::Node& node);

}  // namespace ferry::internal

#endif  // FERRY_ENGINE_YAML_VALUE_H_
