// Copyright (c) the Ferry authors.
//
// The parser walks simdjson's On-Demand iterator once and builds Ferry's
// arena tree. simdjson's stage 1 validates UTF-8, string termination and
// unescaped control characters for the whole text; the walk validates the
// structure. Scalars are taken from their raw tokens so that number literals
// and escape-free strings are kept byte for byte; their grammar is checked
// here (simdjson On-Demand does not check a scalar that is never decoded).

#include <cstring>
#include <string>
#include <vector>

#include <simdjson.h>

#include "ferry/json.h"

namespace ferry {

namespace od = simdjson::ondemand;

static_assert(JsonParser::kPadding >= simdjson::SIMDJSON_PADDING, "padding too small");

namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// RFC 8259 number grammar.
bool IsValidNumber(std::string_view s) {
  size_t i = 0, n = s.size();
  if (i < n && s[i] == '-') ++i;
  if (i >= n) return false;
  if (s[i] == '0') {
    ++i;
  } else if (s[i] >= '1' && s[i] <= '9') {
    while (i < n && IsDigit(s[i])) ++i;
  } else {
    return false;
  }
  if (i < n && s[i] == '.') {
    ++i;
    if (i >= n || !IsDigit(s[i])) return false;
    while (i < n && IsDigit(s[i])) ++i;
  }
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
    if (i >= n || !IsDigit(s[i])) return false;
    while (i < n && IsDigit(s[i])) ++i;
  }
  return i == n;
}

std::string_view TrimTrailingSpace(std::string_view s) {
  size_t n = s.size();
  while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r')) --n;
  return s.substr(0, n);
}

}  // namespace

struct JsonParser::Impl {
  explicit Impl(JsonParseOptions o) : options(o) {}

  JsonParseOptions options;
  od::parser parser;
  std::vector<Value> item_stack;
  std::vector<Member> member_stack;
  Arena* arena = nullptr;
  std::string error;

  bool Fail(std::string msg) {
    if (error.empty()) error = std::move(msg);
    return false;
  }
  bool Fail(simdjson::error_code e) { return Fail(std::string(simdjson::error_message(e))); }

  // Builds a scalar from its raw token; `decode` decodes (and consumes) an
  // escaped string, `consume` consumes an escape-free one.
  //
  // Every string must be consumed: On-Demand skips an unconsumed value with
  // a non-validating skip that takes a string followed by ':' for an object
  // key, so `[{},"a":1}]` would be accepted as `[{},"a"]` (found by
  // fuzz_json_parse). Numbers and literals are skipped one token at a time,
  // after which the next token is checked, so they need no consuming.
  template <typename Decode, typename Consume>
  bool Scalar(od::json_type t, std::string_view raw, Decode&& decode, Consume&& consume, Value* out) {
    std::string_view tok = TrimTrailingSpace(raw);
    switch (t) {
      case od::json_type::number:
        if (!IsValidNumber(tok)) return Fail("invalid number '" + std::string(tok.substr(0, 40)) + "'");
        *out = Value::NumberLiteral(tok);
        return true;
      case od::json_type::boolean:
        if (tok == "true") { *out = Value::Bool(true); return true; }
        if (tok == "false") { *out = Value::Bool(false); return true; }
        return Fail("invalid literal '" + std::string(tok.substr(0, 40)) + "'");
      case od::json_type::null:
        if (tok == "null") { *out = Value::Null(); return true; }
        return Fail("invalid literal '" + std::string(tok.substr(0, 40)) + "'");
      case od::json_type::string: {
        if (tok.size() < 2 || tok.front() != '"' || tok.back() != '"') return Fail("invalid string");
        std::string_view body = tok.substr(1, tok.size() - 2);
        if (std::memchr(body.data(), '\\', body.size()) == nullptr) {
          if (auto e = consume()) return Fail(e);
          *out = Value::StringViewNoEscape(body);
          return true;
        }
        std::string_view decoded;
        auto e = decode(decoded);
        if (e) return Fail(e);
        *out = Value::StringView(arena->CopyString(decoded));
        return true;
      }
      default:
        return Fail("unexpected value");
    }
  }

  bool Build(od::value v, uint32_t depth, Value* out) {
    od::json_type t;
    if (auto e = v.type().get(t)) return Fail(e);
    if (t == od::json_type::array) {
      od::array a;
      if (auto e = v.get_array().get(a)) return Fail(e);
      return BuildArray(a, depth, out);
    }
    if (t == od::json_type::object) {
      od::object o;
      if (auto e = v.get_object().get(o)) return Fail(e);
      return BuildObject(o, depth, out);
    }
    return Scalar(
        t, v.raw_json_token(), [&](std::string_view& s) { return v.get_string().get(s); },
        [&] {
          od::raw_json_string ignored;
          return v.get_raw_json_string().get(ignored);
        },
        out);
  }

  bool BuildArray(od::array& a, uint32_t depth, Value* out) {
    if (depth >= options.max_depth) return Fail("nesting deeper than " + std::to_string(options.max_depth));
    size_t base = item_stack.size();
    for (auto child : a) {
      od::value cv;
      if (auto e = std::move(child).get(cv)) return Fail(e);
      Value built;
      if (!Build(cv, depth + 1, &built)) return false;
      item_stack.push_back(built);
    }
    uint32_t n = static_cast<uint32_t>(item_stack.size() - base);
    Value arr = Value::Array(*arena, n);
    if (n != 0) std::memcpy(static_cast<void*>(arr.items_), item_stack.data() + base, sizeof(Value) * n);
    arr.size_ = n;
    item_stack.resize(base);
    *out = arr;
    return true;
  }

  bool BuildObject(od::object& o, uint32_t depth, Value* out) {
    if (depth >= options.max_depth) return Fail("nesting deeper than " + std::to_string(options.max_depth));
    size_t base = member_stack.size();
    for (auto field_result : o) {
      od::field f;
      if (auto e = std::move(field_result).get(f)) return Fail(e);
      Member m;
      const char* k = f.key().raw();
      const char* p = k;
      while (*p != '"' && *p != '\\') ++p;  // stage 1 guarantees a closing quote
      if (*p == '"') {
        m.key = Value::StringViewNoEscape(std::string_view(k, size_t(p - k)));
      } else {
        std::string_view decoded;
        if (auto e = f.unescaped_key().get(decoded)) return Fail(e);
        m.key = Value::StringView(arena->CopyString(decoded));
      }
      if (!Build(f.value(), depth + 1, &m.value)) return false;
      member_stack.push_back(m);
    }
    uint32_t n = static_cast<uint32_t>(member_stack.size() - base);
    Value obj = Value::Object(*arena, n);
    if (n != 0) std::memcpy(static_cast<void*>(obj.members_), member_stack.data() + base, sizeof(Member) * n);
    obj.size_ = n;
    member_stack.resize(base);
    *out = obj;
    return true;
  }

  Result<Value> Parse(std::string_view text, Arena& a) {
    arena = &a;
    error.clear();
    item_stack.clear();
    member_stack.clear();
    od::document doc;
    auto e = parser.iterate(text.data(), text.size(), text.size() + simdjson::SIMDJSON_PADDING).get(doc);
    if (e) return Status::ParseError(simdjson::error_message(e));
    Value root;
    bool ok = false;
    od::json_type t;
    if (auto te = doc.type().get(t)) {
      Fail(te);
    } else if (t == od::json_type::array) {
      od::array arr;
      if (auto ae = doc.get_array().get(arr)) Fail(ae);
      else ok = BuildArray(arr, 0, &root);
    } else if (t == od::json_type::object) {
      od::object obj;
      if (auto oe = doc.get_object().get(obj)) Fail(oe);
      else ok = BuildObject(obj, 0, &root);
    } else {
      std::string_view raw;
      if (auto re = doc.raw_json_token().get(raw)) Fail(re);
      // A root scalar needs no consuming: nothing is iterated after it.
      else ok = Scalar(t, raw, [&](std::string_view& s) { return doc.get_string().get(s); },
                       [] { return simdjson::SUCCESS; }, &root);
      // A root scalar is the whole text: nothing may follow its token.
      if (ok && TrimTrailingSpace(raw).size() + size_t(raw.data() - text.data()) !=
                    TrimTrailingSpace(text).size()) {
        ok = Fail("trailing content after the JSON value");
      }
    }
    // After the root container is consumed, any token still in bounds is
    // trailing content ("[1] 2", "{}}").
    if (ok && (t == od::json_type::array || t == od::json_type::object) && !doc.current_location().error()) {
      ok = Fail("trailing content after the JSON value");
    }
    if (!ok) return Status::ParseError(error.empty() ? "invalid JSON" : error);
    return root;
  }
};

JsonParser::JsonParser(JsonParseOptions options) : impl_(std::make_unique<Impl>(options)) {}
JsonParser::~JsonParser() = default;

Result<Value> JsonParser::ParsePadded(std::string_view text, Arena& arena) {
  return impl_->Parse(text, arena);
}

Result<Value> JsonParser::Parse(std::string_view text, Arena& arena) {
  char* copy = static_cast<char*>(arena.Allocate(text.size() + kPadding, 64));
  if (!text.empty()) std::memcpy(copy, text.data(), text.size());
  std::memset(copy + text.size(), 0, kPadding);
  return impl_->Parse(std::string_view(copy, text.size()), arena);
}

}  // namespace ferry
