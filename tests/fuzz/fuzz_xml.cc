// Copyright (c) the Ferry authors.
//
// Round-trip fuzzer for the XML documents format (formats/xml.h): reading
// any input never crashes and fails only with PARSE_ERROR; when it succeeds,
// writing the documents and reading them back gives exactly the same
// documents.
#include <cstdint>
#include <string>
#include <vector>

#include "codec/codec.h"
#include "formats/xml.h"

namespace {

using ferry::internal::NewStringSink;
using ferry::internal::NewStringSource;
using ferry::internal::XmlOptions;

bool ReadAll(const std::string& text, std::vector<std::string>* docs) {
  auto reader = ferry::internal::NewXmlReader(NewStringSource(text), XmlOptions{});
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

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<std::string> docs;
  if (!ReadAll(std::string(reinterpret_cast<const char*>(data), size), &docs)) return 0;
  std::string xml;
  auto writer = ferry::internal::NewXmlWriter(NewStringSink(&xml), XmlOptions{});
  for (const std::string& d : docs) {
    if (!writer->Write(d).ok()) __builtin_trap();
  }
  if (!writer->Finish().ok()) __builtin_trap();
  std::vector<std::string> back;
  if (!ReadAll(xml, &back) || back != docs) __builtin_trap();
  return 0;
}
