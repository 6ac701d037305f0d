// Copyright (c) the Ferry authors.
//
// Fuzz target for JsonParser, WriteJson, DeepCopy and Value::Equals.
//
// Beyond "no crash, no sanitizer report", every input checks:
//  - a rejection is a PARSE_ERROR;
//  - ParsePadded over the same bytes followed by non-zero padding agrees
//    with Parse (the parser must not read the padding as text);
//  - when accepted: write -> parse -> write gives the same text, the
//    reparsed tree Equals the first one, and DeepCopy Equals it and writes
//    the same text;
//  - differential against simdjson's DOM parser (fully validating): what
//    the DOM accepts we accept (below our depth limit) unless an object has
//    two members of the same name, which we refuse with its pointer, and what we accept
//    the DOM accepts too, except numbers it cannot represent (we keep their
//    literal).
// A failed check prints the reason and aborts, so libFuzzer saves the input.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>

#include <simdjson.h>

#include "ferry/json.h"

namespace {

[[noreturn]] void Fail(const char* what, std::string_view detail = {}) {
  std::fprintf(stderr, "fuzz_json_parse: %s\n", what);
  if (!detail.empty()) std::fprintf(stderr, "  %.*s\n", int(detail.size() > 400 ? 400 : detail.size()), detail.data());
  std::abort();
}

#define FUZZ_CHECK(cond, detail) \
  do {                           \
    if (!(cond)) Fail(#cond, (detail)); \
  } while (0)

// Nesting depth of a DOM element (1 for a scalar).
uint32_t Depth(simdjson::dom::element e) {
  uint32_t d = 0;
  simdjson::dom::array a;
  simdjson::dom::object o;
  if (!e.get_array().get(a)) {
    for (simdjson::dom::element c : a) d = std::max(d, Depth(c));
    return d + 1;
  }
  if (!e.get_object().get(o)) {
    for (simdjson::dom::key_value_pair kv : o) d = std::max(d, Depth(kv.value));
    return d + 1;
  }
  return 1;
}

// True when some object of the DOM has two members of the same name (the
// DOM keeps both; Ferry refuses the text).
bool HasDuplicateNames(simdjson::dom::element e) {
  simdjson::dom::array a;
  simdjson::dom::object o;
  if (!e.get_array().get(a)) {
    for (simdjson::dom::element c : a) {
      if (HasDuplicateNames(c)) return true;
    }
    return false;
  }
  if (e.get_object().get(o)) return false;
  std::set<std::string_view> names;
  for (simdjson::dom::key_value_pair kv : o) {
    if (!names.insert(kv.key).second || HasDuplicateNames(kv.value)) return true;
  }
  return false;
}

bool IsNumberError(simdjson::error_code e) {
  return e == simdjson::NUMBER_ERROR || e == simdjson::NUMBER_OUT_OF_RANGE;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static ferry::JsonParser parser;
  static ferry::Arena arena(4096);  // small blocks: exercises block chaining and Reset
  static simdjson::dom::parser dom;
  arena.Reset();

  std::string_view text(reinterpret_cast<const char*>(data), size);
  ferry::Result<ferry::Value> r = parser.Parse(text, arena);

  // Zero-copy entry point over bytes followed by hostile padding.
  {
    std::string padded(text);
    padded.append(ferry::JsonParser::kPadding, size % 2 ? '"' : '1');
    ferry::Arena arena2(4096);
    ferry::Result<ferry::Value> r2 = parser.ParsePadded(std::string_view(padded.data(), size), arena2);
    FUZZ_CHECK(r2.ok() == r.ok(), r.ok() ? r2.status().ToString() : r.status().ToString());
    if (r.ok()) FUZZ_CHECK(ferry::ToJson(r2.value()) == ferry::ToJson(r.value()), ferry::ToJson(r.value()));
  }

  // Differential: simdjson DOM.
  simdjson::dom::element root;
  simdjson::error_code dom_error = dom.parse(data, size).get(root);
  if (!dom_error && Depth(root) < 500) {
    const bool duplicates = HasDuplicateNames(root);
    FUZZ_CHECK(r.ok() != duplicates, r.ok() ? "accepted duplicate names" : r.status().ToString());
    if (duplicates) FUZZ_CHECK(!parser.error_pointer().empty(), r.status().ToString());
  }
  if (r.ok()) FUZZ_CHECK(!dom_error || IsNumberError(dom_error), simdjson::error_message(dom_error));

  if (!r.ok()) {
    FUZZ_CHECK(r.status().IsParseError(), r.status().ToString());
    return 0;
  }

  const ferry::Value& v = r.value();
  std::string w1 = ferry::ToJson(v);
  ferry::Arena arena3(4096);
  ferry::Result<ferry::Value> again = parser.Parse(w1, arena3);
  FUZZ_CHECK(again.ok(), again.ok() ? w1 : again.status().ToString() + " in " + w1);
  std::string w2 = ferry::ToJson(again.value());
  FUZZ_CHECK(w1 == w2, w1 + " vs " + w2);
  FUZZ_CHECK(v.Equals(again.value()), w1);
  FUZZ_CHECK(again.value().Equals(v), w1);

  ferry::Arena copy_arena(4096);
  ferry::Value copy = v.DeepCopy(copy_arena);
  FUZZ_CHECK(copy.Equals(v), w1);
  FUZZ_CHECK(ferry::ToJson(copy) == w1, w1);
  return 0;
}
