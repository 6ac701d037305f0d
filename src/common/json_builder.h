// Copyright (c) the Ferry authors.
//
// JsonBuilder: the one way Ferry writes JSON text from C++ values (reports,
// snapshots, events, manifests, --json output, log lines). Commas and string
// escaping are its job, so a caller only says what goes where:
//
//   JsonBuilder j;
//   j.Begin().Key("id").Str(id).Key("count").Num(n).End();
//   std::string text = j.Take();
//
// A builder either owns its text (default constructor; Take() hands it over)
// or appends to a string the caller owns (JsonBuilder(&s)): a caller that
// reuses one buffer per record allocates nothing once the buffer has grown.
//
// Not thread-safe (one builder per thread). Integers are written exactly;
// Num(double) writes three decimals ("%.3f"), Fixed(d, n) writes n decimals
// ("%.*f"); strings are escaped by WriteJsonString (ferry/json.h).

#ifndef FERRY_COMMON_JSON_BUILDER_H_
#define FERRY_COMMON_JSON_BUILDER_H_

#include <charconv>
#include <cstdint>
#include <cstdio>
#include <map>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "ferry/json.h"

namespace ferry::internal {

class JsonBuilder {
 public:
  JsonBuilder() : out_(&own_) {}
  // Appends to `*out` (which must outlive the builder); what `*out` already
  // holds is kept as it is, and the first value written gets no comma.
  explicit JsonBuilder(std::string* out) : out_(out) {}
  JsonBuilder(const JsonBuilder&) = delete;
  JsonBuilder& operator=(const JsonBuilder&) = delete;

  JsonBuilder& Begin() { return Open('{'); }
  JsonBuilder& End() { return Close('}'); }
  JsonBuilder& BeginArray() { return Open('['); }
  JsonBuilder& EndArray() { return Close(']'); }
  JsonBuilder& Key(std::string_view k) {
    Comma();
    WriteJsonString(k, out_);
    out_->push_back(':');
    first_ = true;
    return *this;
  }
  JsonBuilder& Str(std::string_view s) {
    Comma();
    WriteJsonString(s, out_);
    return *this;
  }
  // Any integer (signed or unsigned, any width; not bool), written exactly.
  template <typename T>
    requires(std::is_integral_v<T> && !std::is_same_v<T, bool>)
  JsonBuilder& Num(T n) {
    char buf[24];
    const auto end = std::to_chars(buf, buf + sizeof(buf), n).ptr;
    return Text(std::string_view(buf, size_t(end - buf)));
  }
  JsonBuilder& Num(bool) = delete;  // Bool() writes true/false
  JsonBuilder& Int(int64_t n) { return Num(n); }
  JsonBuilder& Num(double d) { return Fixed(d, 3); }
  // `d` with `decimals` digits after the point, as printf's "%.*f" writes it
  // (std::to_string(double) is Fixed(d, 6)).
  JsonBuilder& Fixed(double d, int decimals) {
    char buf[352];  // the longest double printed in full with 17 decimals fits
    std::snprintf(buf, sizeof(buf), "%.*f", decimals, d);
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
  // A document tree, written as WriteJson writes it (ferry/json.h).
  JsonBuilder& Json(const Value& v) {
    Comma();
    WriteJson(v, out_);
    return *this;
  }
  // The text written so far (owned or appended to).
  const std::string& text() const { return *out_; }
  // The text, moved out of an owning builder (empty for one that appends).
  std::string Take() { return std::move(own_); }

 private:
  JsonBuilder& Text(std::string_view s) {
    Comma();
    out_->append(s);
    return *this;
  }
  JsonBuilder& Open(char c) {
    Comma();
    out_->push_back(c);
    first_ = true;
    return *this;
  }
  JsonBuilder& Close(char c) {
    out_->push_back(c);
    first_ = false;
    return *this;
  }
  void Comma() {
    if (!first_) out_->push_back(',');
    first_ = false;
  }
  std::string own_;
  std::string* out_;
  bool first_ = true;
};

}  // namespace ferry::internal

#endif  // FERRY_COMMON_JSON_BUILDER_H_
