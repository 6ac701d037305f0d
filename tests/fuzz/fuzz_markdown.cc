// Copyright (c) the Ferry authors.
//
// Fuzzer for the Markdown reader (formats/markdown.h): reading any input
// never crashes and fails only with PARSE_ERROR; every document it gives is
// a JSON object; and the writer's Markdown of those documents reads back to
// as many documents (the reader takes whatever the writer writes).
#include <cstdint>
#include <string>
#include <vector>

#include "codec/codec.h"
#include "ferry/json.h"
#include "formats/markdown.h"

namespace {

using ferry::internal::MarkdownOptions;
using ferry::internal::NewStringSink;
using ferry::internal::NewStringSource;

bool ReadAll(const std::string& text, std::vector<std::string>* docs) {
  auto reader = ferry::internal::NewMarkdownReader(NewStringSource(text), MarkdownOptions{});
  while (true) {
    std::string json;
    uint64_t line = 0;
    ferry::Result<bool> r = reader->Next(&json, &line);
    if (!r.ok()) {
      if (!r.status().IsParseError()) __builtin_trap();
      return false;
    }
    if (!*r) return true;
    docs->push_back(json);
  }
}

bool IsObject(const std::string& json) {
  ferry::Arena arena;
  ferry::JsonParser parser;
  ferry::Result<ferry::Value> v = parser.Parse(json, arena);
  return v.ok() && v.value().IsObject();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<std::string> docs;
  if (!ReadAll(std::string(reinterpret_cast<const char*>(data), size), &docs)) return 0;
  for (const std::string& d : docs) {
    if (!IsObject(d)) __builtin_trap();
  }
  std::string markdown;
  auto writer = ferry::internal::NewMarkdownWriter(NewStringSink(&markdown), MarkdownOptions{});
  if (!writer.ok()) __builtin_trap();
  for (const std::string& d : docs) {
    if (!(*writer)->Write(d).ok()) __builtin_trap();
  }
  if (!(*writer)->Finish().ok()) __builtin_trap();
  std::vector<std::string> back;
  if (!ReadAll(markdown, &back) || back.size() != docs.size()) __builtin_trap();
  return 0;
}
