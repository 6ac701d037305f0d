// Copyright (c) the Ferry authors.
//
// Fuzz target for JSON Schema 2020-12: the input either is a JSON array
// [schema, document, ...] (the seed corpus is written that way) or drives a
// generator that builds a random 2020-12 schema out of the keywords that
// interact ("$defs"/"$ref"/"$anchor", "$dynamicRef"/"$dynamicAnchor",
// "prefixItems"/"items", "contains" with bounds, "dependentSchemas",
// "unevaluatedProperties"/"unevaluatedItems", applicators) and random
// documents. The compiler must accept the schema or refuse it with a
// PROJECT_ERROR; a compiled schema then validates every document, and
// IsValid() and Validate() must agree (errors exactly when invalid).
// Nothing may crash or recurse without bound.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "ferry/json.h"
#include "ferry/schema.h"

namespace {

// Reads the fuzzer's bytes as choices; 0 once they run out.
class Choices {
 public:
  Choices(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  unsigned Next(unsigned bound) { return pos_ < size_ ? data_[pos_++] % bound : 0; }
  bool Done() const { return pos_ >= size_; }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

constexpr const char* kNames[] = {"a", "b", "c", ""};

std::string Name(Choices& in) { return kNames[in.Next(4)]; }

std::string Schema(Choices& in, int depth);

std::string SchemaMap(Choices& in, int depth) {
  std::string out = "{";
  for (unsigned i = 0, n = in.Next(3); i < n; ++i) out += (i ? ",\"" : "\"") + Name(in) + "\":" + Schema(in, depth);
  return out + "}";
}

std::string SchemaArray(Choices& in, int depth) {
  std::string out = "[";
  for (unsigned i = 0, n = 1 + in.Next(3); i < n; ++i) out += (i ? "," : "") + Schema(in, depth);
  return out + "]";
}

// One keyword of a schema object, as `"key":value`.
std::string Keyword(Choices& in, int depth) {
  static const char* const kRefs[] = {"#", "#/$defs/a", "#/$defs/b", "#x", "#meta", "#/prefixItems/0"};
  switch (in.Next(22)) {
    case 0: return "\"type\":\"" + std::string(in.Next(2) ? "object" : "array") + "\"";
    case 1: return "\"properties\":" + SchemaMap(in, depth);
    case 2: return "\"patternProperties\":{\"^" + Name(in) + "\":" + Schema(in, depth) + "}";
    case 3: return "\"additionalProperties\":" + Schema(in, depth);
    case 4: return "\"unevaluatedProperties\":" + Schema(in, depth);
    case 5: return "\"unevaluatedItems\":" + Schema(in, depth);
    case 6: return "\"prefixItems\":" + SchemaArray(in, depth);
    case 7: return "\"items\":" + Schema(in, depth);
    case 8: return "\"contains\":" + Schema(in, depth);
    case 9: return "\"minContains\":" + std::to_string(in.Next(3));
    case 10: return "\"maxContains\":" + std::to_string(in.Next(3));
    case 11: return "\"allOf\":" + SchemaArray(in, depth);
    case 12: return "\"anyOf\":" + SchemaArray(in, depth);
    case 13: return "\"oneOf\":" + SchemaArray(in, depth);
    case 14: return "\"not\":" + Schema(in, depth);
    case 15: return "\"if\":" + Schema(in, depth) + ",\"then\":" + Schema(in, depth) + ",\"else\":" + Schema(in, depth);
    case 16: return "\"dependentSchemas\":" + SchemaMap(in, depth);
    case 17: return "\"dependentRequired\":{\"" + Name(in) + "\":[\"" + Name(in) + "\"]}";
    case 18: return "\"$ref\":\"" + std::string(kRefs[in.Next(6)]) + "\"";
    case 19: return "\"$dynamicRef\":\"" + std::string(kRefs[in.Next(6)]) + "\"";
    case 20: return in.Next(2) ? "\"$anchor\":\"x\"" : "\"$dynamicAnchor\":\"meta\"";
    default: return "\"$defs\":{\"a\":" + Schema(in, depth) + ",\"b\":" + Schema(in, depth) + "}";
  }
}

std::string Schema(Choices& in, int depth) {
  if (depth > 4 || in.Done()) return in.Next(2) ? "true" : "false";
  unsigned kind = in.Next(8);
  if (kind == 0) return "true";
  if (kind == 1) return "false";
  std::string out = "{";
  for (unsigned i = 0, n = 1 + in.Next(3); i < n; ++i) out += (i ? "," : "") + Keyword(in, depth + 1);
  return out + "}";
}

std::string Document(Choices& in, int depth) {
  switch (depth > 3 ? 4 : in.Next(5)) {
    case 0: {
      std::string out = "{";
      for (unsigned i = 0, n = in.Next(4); i < n; ++i) out += (i ? ",\"" : "\"") + Name(in) + "\":" + Document(in, depth + 1);
      return out + "}";
    }
    case 1: {
      std::string out = "[";
      for (unsigned i = 0, n = in.Next(4); i < n; ++i) out += (i ? "," : "") + Document(in, depth + 1);
      return out + "]";
    }
    case 2: return "\"" + Name(in) + "\"";
    case 3: return std::to_string(in.Next(4));
    default: return "null";
  }
}

void CheckAgreement(const ferry::CompiledSchema& schema, const ferry::Value& doc) {
  std::vector<ferry::SchemaError> errors;
  bool valid = schema.Validate(doc, &errors);
  if (valid != schema.IsValid(doc) || valid != errors.empty()) {
    std::fprintf(stderr, "fuzz_schema_2020: IsValid and Validate disagree\n");
    std::abort();
  }
}

void Run(const ferry::Value& schema, const std::vector<ferry::Value>& documents) {
  auto compiled = ferry::CompileSchema(schema);
  if (!compiled.ok()) {
    if (compiled.status().code() != ferry::ErrorCode::kProjectError) {
      std::fprintf(stderr, "fuzz_schema_2020: bad compile error: %s\n", compiled.status().ToString().c_str());
      std::abort();
    }
    return;
  }
  for (const ferry::Value& doc : documents) CheckAgreement(*compiled.value(), doc);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ferry::Arena arena;
  ferry::JsonParser parser;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto given = parser.Parse(text, arena);
  if (given.ok() && given.value().IsArray() && !given.value().empty()) {
    const ferry::Value& all = given.value();
    std::vector<ferry::Value> documents;
    for (uint32_t i = 1; i < all.size(); ++i) documents.push_back(all[i]);
    Run(all[0], documents);
    return 0;
  }
  Choices in(data, size);
  std::string schema = "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\"," + Keyword(in, 0) + "," +
                       Keyword(in, 0) + "}";
  auto parsed = parser.Parse(schema, arena);
  if (!parsed.ok()) return 0;  // a generated duplicate-free text always parses; be safe
  std::vector<ferry::Value> documents;
  for (int i = 0; i < 4; ++i) {
    auto doc = parser.Parse(Document(in, 0), arena);
    if (doc.ok()) documents.push_back(doc.value());
  }
  Run(parsed.value(), documents);
  return 0;
}
