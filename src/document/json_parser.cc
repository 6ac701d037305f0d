// Copyright (c) the Ferry authors.
//
// The parser walks simdjson's On-Demand iterator once and builds Ferry's
// arena tree. simdjson's stage 1 validates UTF-8, string termination and
// unescaped control characters for the whole text; the walk validates the
// structure. Scalars are taken from their raw tokens so that number literals
// and escape-free strings are kept byte for byte; their grammar is checked
// here (simdjson On-Demand does not check a scalar that is never decoded).

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include <simdjson.h>

#include "common/text.h"
#include "ferry/json.h"

namespace ferry {

namespace od = simdjson::ondemand;

static_assert(JsonParser::kPadding >= simdjson::SIMDJSON_PADDING, "padding too small");

namespace {

using internal::IsDigit;

// The first '"' or '\\' at or after `p`, eight bytes at a time.
// REQUIRES: one of them occurs before the end of the padded input; bytes
// up to 7 past it may be read (they are within JsonParser::kPadding, since
// stage 1 guarantees that every string we scan is terminated in the text).
const char* FindQuoteOrBackslash(const char* p) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  constexpr uint64_t kHighs = 0x8080808080808080ULL;
  for (;; p += 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    uint64_t q = w ^ (kOnes * '"');
    uint64_t b = w ^ (kOnes * '\\');
    // Bytes equal to 0 in q or b; exact for the lowest such byte, which is
    // all we need (little-endian: count trailing zero bits).
    uint64_t hits = ((q - kOnes) & ~q & kHighs) | ((b - kOnes) & ~b & kHighs);
    if (hits != 0) {
      if constexpr (std::endian::native == std::endian::little) return p + (std::countr_zero(hits) >> 3);
      for (;; ++p) {
        if (*p == '"' || *p == '\\') return p;
      }
    }
  }
}

// The end of the RFC 8259 number starting at `p`, or null when none starts
// there. Stops at the first byte that cannot continue the number.
const char* ScanNumber(const char* p, const char* end) {
  if (p < end && *p == '-') ++p;
  if (p >= end) return nullptr;
  if (*p == '0') {
    ++p;
  } else if (*p >= '1' && *p <= '9') {
    while (p < end && IsDigit(*p)) ++p;
  } else {
    return nullptr;
  }
  if (p < end && *p == '.') {
    ++p;
    if (p >= end || !IsDigit(*p)) return nullptr;
    while (p < end && IsDigit(*p)) ++p;
  }
  if (p < end && (*p == 'e' || *p == 'E')) {
    ++p;
    if (p < end && (*p == '+' || *p == '-')) ++p;
    if (p >= end || !IsDigit(*p)) return nullptr;
    while (p < end && IsDigit(*p)) ++p;
  }
  return p;
}

bool IsJsonSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// RFC 8259 number grammar.
bool IsValidNumber(std::string_view s) {
  const char* end = s.data() + s.size();
  return ScanNumber(s.data(), end) == end;
}

std::string_view TrimTrailingSpace(std::string_view s) {
  size_t n = s.size();
  while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r')) --n;
  return s.substr(0, n);
}

// Objects up to this size are checked for duplicate names pairwise.
constexpr uint32_t kPairwiseNameCheck = 16;

}  // namespace

struct JsonParser::Impl {
  explicit Impl(JsonParseOptions o) : options(o) {}

  JsonParseOptions options;
  od::parser parser;
  std::vector<Value> item_stack;
  std::vector<Member> member_stack;
  std::vector<uint8_t> scratch;  // escaped strings are decoded here
  std::vector<std::pair<std::string_view, uint32_t>> names;  // duplicate check of large objects
  Arena* arena = nullptr;
  std::string error;
  // Where the error is, innermost token first, filled in while unwinding;
  // the pointer is reported for duplicate member names and bad strings.
  std::vector<std::string> error_path;
  bool pointed = false;
  std::string error_pointer;

  bool Fail(std::string msg) {
    if (error.empty()) error = std::move(msg);
    return false;
  }
  bool Fail(simdjson::error_code e) {
    if (e == simdjson::STRING_ERROR) {
      // Named with its location, like a duplicate name.
      pointed = true;
      return Fail("invalid string: an escape that JSON does not allow, or a \\u escape naming a lone surrogate "
                  "(\\ud800 to \\udfff without its pair)");
    }
    return Fail(std::string(simdjson::error_message(e)));
  }

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
    if (t == od::json_type::string) return BuildString(v, out);
    if (t == od::json_type::number) return BuildNumber(v, out);
    return Scalar(
        t, v.raw_json_token(), [&](std::string_view& s) { return v.get_string().get(s); },
        [&] {
          od::raw_json_string ignored;
          return v.get_raw_json_string().get(ignored);
        },
        out);
  }

  // A string inside a container. Consumes it (see Scalar), then finds its
  // end in the text: an escape-free string is a view of the text; an
  // escaped one is decoded into `scratch` by simdjson (which validates the
  // escapes) and copied into the arena.
  bool BuildString(od::value& v, Value* out) {
    od::raw_json_string rs;
    if (auto e = v.get_raw_json_string().get(rs)) return Fail(e);
    const char* body = reinterpret_cast<const char*>(rs.raw());
    const char* p = FindQuoteOrBackslash(body);
    if (*p == '"') {
      *out = Value::StringViewNoEscape(std::string_view(body, size_t(p - body)));
      return true;
    }
    do {
      p = FindQuoteOrBackslash(p + 2);  // skip the backslash and the byte it escapes
    } while (*p != '"');
    scratch.resize(size_t(p - body) + simdjson::SIMDJSON_PADDING);
    uint8_t* dst = scratch.data();
    std::string_view decoded;
    if (auto e = parser.unescape(rs, dst).get(decoded)) return Fail(e);
    *out = Value::StringView(arena->CopyString(decoded));
    return true;
  }

  // A number inside a container: its literal, checked against the grammar
  // (On-Demand checks only numbers it decodes). Not consumed: On-Demand
  // skips a number as one token and then checks what follows it.
  bool BuildNumber(od::value& v, Value* out) {
    std::string_view raw = v.raw_json_token();  // up to the next token, spaces included
    const char* end = raw.data() + raw.size();
    const char* q = ScanNumber(raw.data(), end);
    if (q != nullptr) {
      const char* r = q;
      while (r < end && IsJsonSpace(*r)) ++r;
      if (r == end) {
        *out = Value::NumberLiteral(std::string_view(raw.data(), size_t(q - raw.data())));
        return true;
      }
    }
    return Fail("invalid number '" + std::string(TrimTrailingSpace(raw).substr(0, 40)) + "'");
  }

  // Records one step of the failing value's location; returns false.
  bool AtPath(std::string_view token) {
    error_path.emplace_back(token);
    return false;
  }

  // The first member of members[0, n) whose name an earlier member has, or
  // null (RFC 8259: names SHOULD be unique; Ferry refuses duplicates, as
  // the key, the validator and the output would each see another member).
  const Member* FirstDuplicate(const Member* members, uint32_t n) {
    if (n <= kPairwiseNameCheck) {
      for (uint32_t i = 1; i < n; ++i) {
        for (uint32_t j = 0; j < i; ++j) {
          if (members[i].key.AsString() == members[j].key.AsString()) return members + i;
        }
      }
      return nullptr;
    }
    // Sorted by (name, position): the second of each run of equal names is
    // a duplicate; the earliest of those is the one reported.
    names.clear();
    for (uint32_t i = 0; i < n; ++i) names.emplace_back(members[i].key.AsString(), i);
    std::sort(names.begin(), names.end());
    uint32_t first = n;
    for (size_t i = 1; i < names.size(); ++i) {
      if (names[i].first == names[i - 1].first && (i < 2 || names[i - 2].first != names[i].first)) {
        first = std::min(first, names[i].second);
      }
    }
    return first < n ? members + first : nullptr;
  }

  std::string ErrorPointer() const {
    std::string pointer;
    for (auto it = error_path.rbegin(); it != error_path.rend(); ++it) AppendPointerToken(*it, &pointer);
    return pointer;
  }

  bool BuildArray(od::array& a, uint32_t depth, Value* out) {
    if (depth >= options.max_depth) return Fail("nesting deeper than " + std::to_string(options.max_depth));
    size_t base = item_stack.size();
    for (auto child : a) {
      od::value cv;
      if (auto e = std::move(child).get(cv)) return Fail(e);
      Value built;
      if (!Build(cv, depth + 1, &built)) return AtPath(std::to_string(item_stack.size() - base));
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
      const char* p = FindQuoteOrBackslash(k);  // stage 1 guarantees a closing quote
      if (*p == '"') {
        m.key = Value::StringViewNoEscape(std::string_view(k, size_t(p - k)));
      } else {
        std::string_view decoded;
        if (auto e = f.unescaped_key().get(decoded)) return Fail(e);
        m.key = Value::StringView(arena->CopyString(decoded));
      }
      if (!Build(f.value(), depth + 1, &m.value)) return AtPath(m.key.AsString());
      member_stack.push_back(m);
    }
    uint32_t n = static_cast<uint32_t>(member_stack.size() - base);
    if (const Member* dup = options.allow_duplicate_names ? nullptr : FirstDuplicate(member_stack.data() + base, n)) {
      pointed = true;
      Fail("duplicate member name \"" + std::string(dup->key.AsString().substr(0, 80)) + "\"");
      return AtPath(dup->key.AsString());
    }
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
    error_path.clear();
    pointed = false;
    error_pointer.clear();
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
    if (!ok && pointed) {
      error_pointer = ErrorPointer();
      return Status::ParseError(error + " at " + error_pointer);
    }
    if (!ok) return Status::ParseError(error.empty() ? "invalid JSON" : error);
    return root;
  }
};

JsonParser::JsonParser(JsonParseOptions options) : impl_(std::make_unique<Impl>(options)) {}
JsonParser::~JsonParser() = default;

const std::string& JsonParser::error_pointer() const { return impl_->error_pointer; }

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
