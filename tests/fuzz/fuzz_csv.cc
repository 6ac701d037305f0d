// Copyright (c) the Ferry authors.
//
// CSV reader and writer (formats/csv.h), self-consistency and round trip:
// for any bytes, reading (with inferred types and with strings only) either
// succeeds or fails with PARSE_ERROR; reading 1 byte per Read() gives the
// same documents, lines and error; a malformed record handed out
// (record_error) has a non-empty error and raw text found in the input; and
// when no record is malformed and the documents read with inferred
// types have a shape the CSV mapping preserves (csv.h: no '.' in keys, every
// path always a leaf or always an object, every document with every column),
// writing them and reading the result back gives the same documents.

#include <cstdint>
#include <cstdio>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "codec/codec.h"
#include "ferry/json.h"
#include "formats/csv.h"

namespace {

using ferry::Arena;
using ferry::Member;
using ferry::Value;
using ferry::internal::ByteSource;
using ferry::internal::CsvOptions;

class OneByteSource : public ByteSource {
 public:
  explicit OneByteSource(std::string data) : data_(std::move(data)) {}
  ferry::Result<size_t> Read(char* buf, size_t n) override {
    if (pos_ == data_.size() || n == 0) return size_t(0);
    buf[0] = data_[pos_++];
    return size_t(1);
  }

 private:
  std::string data_;
  size_t pos_ = 0;
};

struct Outcome {
  bool ok = true;
  std::string error;
  std::vector<std::string> docs;
  std::vector<uint64_t> lines;
  size_t malformed = 0;
};

Outcome ReadCsv(std::unique_ptr<ByteSource> in, const CsvOptions& options, const std::string& input) {
  Outcome out;
  auto reader = ferry::internal::NewCsvReader(std::move(in), options);
  if (!reader.ok()) __builtin_trap();
  for (;;) {
    std::string json;
    uint64_t line = 0;
    ferry::Result<bool> got = (*reader)->Next(&json, &line);
    if (!got.ok()) {
      if (!got.status().IsParseError()) __builtin_trap();
      out.ok = false;
      out.error = got.status().message();
      return out;
    }
    if (!*got) return out;
    if (const std::string& error = (*reader)->record_error(); !error.empty()) {
      if (input.find(json) == std::string::npos) __builtin_trap();  // raw text not from the input
      ++out.malformed;
      json = "\x01" + error + "\x01" + json;
    }
    out.docs.push_back(std::move(json));
    out.lines.push_back(line);
  }
}

void ExpectSame(const Outcome& a, const Outcome& b) {
  if (a.ok != b.ok || a.error != b.error || a.docs != b.docs || a.lines != b.lines) __builtin_trap();
}

// Leaves as the writer flattens them; false when a key holds a '.'.
bool Flatten(const Value& v, const std::string& prefix, std::vector<std::string>* columns) {
  for (const Member* m = v.members(); m != v.members_end(); ++m) {
    if (m->key.AsString().find('.') != std::string_view::npos) return false;
    std::string name = prefix;
    name.append(m->key.AsString());
    if (m->value.IsObject() && !m->value.empty()) {
      if (!Flatten(m->value, name + ".", columns)) return false;
    } else {
      columns->push_back(std::move(name));
    }
  }
  return true;
}

bool ShapeRoundTrips(const std::vector<Value>& docs) {
  if (docs.size() > ferry::internal::kCsvHeaderSample) return false;
  std::set<std::string> all;
  std::vector<std::set<std::string>> per_doc;
  for (const Value& d : docs) {
    if (!d.IsObject()) return false;
    std::vector<std::string> columns;
    if (!Flatten(d, "", &columns)) return false;
    std::set<std::string> unique(columns.begin(), columns.end());
    if (unique.size() != columns.size()) return false;
    all.insert(unique.begin(), unique.end());
    per_doc.push_back(std::move(unique));
  }
  if (!docs.empty() && all.empty()) return false;
  for (const auto& cols : per_doc) {
    if (cols != all) return false;  // an absent field reads back as null
  }
  for (const std::string& c : all) {  // a path both a leaf and an object
    for (size_t dot = c.find('.'); dot != std::string::npos; dot = c.find('.', dot + 1)) {
      if (all.count(c.substr(0, dot)) != 0) return false;
    }
  }
  return true;
}

void CheckRoundTrip(const Outcome& read, const CsvOptions& options) {
  Arena arena;
  ferry::JsonParser parser;
  std::vector<Value> docs;
  for (const std::string& d : read.docs) {
    auto v = parser.Parse(d, arena);
    if (!v.ok()) __builtin_trap();  // the reader wrote invalid JSON
    docs.push_back(*v);
  }
  if (!ShapeRoundTrips(docs)) return;
  std::string csv;
  auto writer = ferry::internal::NewCsvWriter(ferry::internal::NewStringSink(&csv), options);
  if (!writer.ok()) __builtin_trap();
  for (const std::string& d : read.docs) {
    if (!(*writer)->Write(d).ok()) __builtin_trap();
  }
  if (!(*writer)->Finish().ok()) __builtin_trap();
  Outcome back = ReadCsv(ferry::internal::NewStringSource(csv), options, csv);
  if (!back.ok || back.malformed != 0 || back.docs.size() != docs.size()) {
    std::fprintf(stderr, "round trip failed: %s\n%s\n", back.error.c_str(), csv.c_str());
    __builtin_trap();
  }
  for (size_t i = 0; i < docs.size(); ++i) {
    auto v = parser.Parse(back.docs[i], arena);
    if (!v.ok() || !v->Equals(docs[i])) {
      std::fprintf(stderr, "document %zu differs:\n%s\n%s\nCSV:\n%s\n", i + 1, read.docs[i].c_str(),
                   back.docs[i].c_str(), csv.c_str());
      __builtin_trap();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  // The default dialect, and one with other delimiter and quote characters.
  CsvOptions semicolon;
  semicolon.delimiter = ';';
  semicolon.quote = '\'';
  for (CsvOptions options : {CsvOptions{}, semicolon}) {
    for (auto types : {CsvOptions::kInfer, CsvOptions::kStrings}) {
      options.types = types;
      Outcome whole = ReadCsv(ferry::internal::NewStringSource(input), options, input);
      ExpectSame(whole, ReadCsv(std::make_unique<OneByteSource>(input), options, input));
      if (whole.ok && whole.malformed == 0 && types == CsvOptions::kInfer) CheckRoundTrip(whole, options);
    }
  }
  return 0;
}
