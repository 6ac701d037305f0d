// Copyright (c) the Ferry authors.
//
// JsonBuilder: the one way Ferry writes JSON text from C++ values (reports,
// snapshots, events). Commas and string escaping are its job, so a caller
// only says what goes where:
//
//   JsonBuilder j;
//   j.Begin().Key("id").Str(id).Key("count").Num(n).End();
//   std::string text = j.Take();
//
// Not thread-safe (one builder per thread). Doubles are written with three
// decimals ("%.3f"); strings are escaped by WriteJsonString (ferry/json.h).

#ifndef FERRY_DOCUMENT_JSON_BUILDER_H_
#define FERRY_DOCUMENT_JSON_BUILDER_H_

#include <cstdint>
#include <cstdio>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "ferry/json.h"

namespace ferry::internal {

class JsonBuilder {
 public:
  JsonBuilder& Begin() { return Open('{'); }
  JsonBuilder& End() { return Close('}'); }
  JsonBuilder& BeginArray() { return Open('['); }
  JsonBuilder& EndArray() { return Close(']'); }
  JsonBuilder& Key(std::string_view k) {
    Comma();
    WriteJsonString(k, &out_);
    out_.push_back(':');
    first_ = true;
    return *this;
  }
  JsonBuilder& Str(std::string_view s) {
    Comma();
    WriteJsonString(s, &out_);
    return *this;
  }
  JsonBuilder& Num(uint64_t n) { return Text(std::to_string(n)); }
  JsonBuilder& Int(int64_t n) { return Text(std::to_string(n)); }
  JsonBuilder& Num(double d) {
    char buf[32];
    std::snprintf(buf, sizeof(buf), "%.3f", d);
    return Text(buf);
  }
  JsonBuilder& Bool(bool b) { return Text(b ? "true" : "false"); }
  JsonBuilder& Null() { return Text("null"); }
  // A string, or null when it is empty.
  JsonBuilder& StrOrNull(std::string_view s) { return s.empty() ? Null() : Str(s); }
  // An object of counts: {"name": n, ...}.
  JsonBuilder& Counts(const std::map<std::string, uint64_t>& m) {
    Begin();
    for (const auto& [k, v] : m) Key(k).Num(v);
    return End();
  }
  JsonBuilder& Strings(const std::vector<std::string>& v) {
    BeginArray();
    for (const auto& s : v) Str(s);
    return EndArray();
  }
  // A complete JSON value, as text (the caller vouches that it is JSON).
  JsonBuilder& Json(std::string_view json) { return Text(json); }
  std::string Take() { return std::move(out_); }

 private:
  JsonBuilder& Text(std::string_view s) {
    Comma();
    out_.append(s);
    return *this;
  }
  JsonBuilder& Open(char c) {
    Comma();
    out_.push_back(c);
    first_ = true;
    return *this;
  }
  JsonBuilder& Close(char c) {
    out_.push_back(c);
    first_ = false;
    return *this;
  }
  void Comma() {
    if (!first_) out_.push_back(',');
    first_ = false;
  }
  std::string out_;
  bool first_ = true;
};

}  // namespace ferry::internal

#endif  // FERRY_DOCUMENT_JSON_BUILDER_H_
