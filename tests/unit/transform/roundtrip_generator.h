// Copyright (c) the Ferry authors.
//
// Seeded generators of random JSON documents and random step lists, shared
// by the round-trip property test and the round-trip fuzzer. Everything is
// driven by a Chooser so the fuzzer can feed its bytes as the choices.

#ifndef FERRY_TESTS_UNIT_TRANSFORM_ROUNDTRIP_GENERATOR_H_
#define FERRY_TESTS_UNIT_TRANSFORM_ROUNDTRIP_GENERATOR_H_

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "ferry/json.h"

namespace ferry::test {

// A source of choices: a seeded PRNG, or fuzz bytes (then zeros when
// exhausted, which keeps every generated structure finite).
class Chooser {
 public:
  explicit Chooser(uint64_t seed) : rng_(seed) {}
  Chooser(const uint8_t* data, size_t size) : data_(data), size_(size), from_bytes_(true) {}

  // Uniform in [0, n). REQUIRES: n > 0
  size_t Below(size_t n) {
    if (!from_bytes_) return size_t(rng_() % n);
    if (pos_ >= size_) return 0;
    return size_t(data_[pos_++]) % n;
  }
  bool Coin() { return Below(2) == 1; }
  template <typename T>
  const T& Pick(const std::vector<T>& v) { return v[Below(v.size())]; }

 private:
  std::mt19937_64 rng_;
  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
  size_t pos_ = 0;
  bool from_bytes_ = false;
};

inline const std::vector<std::string>& Keys() {
  static const std::vector<std::string> k = {"a", "b", "c", "h", "xs", "n", "s", "t", "created_at", "createdAt",
                                             "user_id", "userId", "weight", "load", "kind", "k_2", "_x", "\xc3\xa9t\xc3\xa9"};
  return k;
}

// JSON text of scalars, chosen to hit the edge cases of the value steps.
inline const std::vector<std::string>& Scalars() {
  static const std::vector<std::string> s = {
      "null", "true", "false", "0", "-0", "1", "1.0", "1e2", "-3.5", "2.50", "1E-3", "12345678901234567890",
      "1567509936", "-86400", "1.5e9", "253402300800", "\"\"", "\"a\"", "\"MiXed Case\"", "\"  padded \"",
      "\"12\"", "\"1.50\"", "\"-0\"", "\"12a\"", "\"2019-09-03 11:05:36\"", "\"2020-02-30 00:00:00\"",
      "\"2021-06-01T10:00:00Z\"", "\"x y\"", "\"\\u00e9\\u65e5\\ud83d\\ude00\"", "\"tab\\t\\\"q\\\"\"",
      "\"exercise\"", "\"work\"", "\"kg\"",
      // JSON text in strings (parse_json): compact, spaced with \u escapes, a scalar.
      R"J("{\"a\":[1,2.50,null],\"s\":\"\u00e9\"}")J", R"J("[1, {\"b\" : \"\\u00e9\"}]")J", "\"true\""};
  return s;
}

// Appends a random JSON value (compact text).
inline void GenValue(Chooser& c, int depth, std::string* out) {
  size_t kind = depth <= 0 ? 0 : c.Below(6);
  if (kind <= 2) {
    out->append(c.Pick(Scalars()));
    return;
  }
  if (kind == 3) {
    out->push_back('[');
    size_t n = c.Below(4);
    for (size_t i = 0; i < n; ++i) {
      if (i) out->push_back(',');
      GenValue(c, depth - 1, out);
    }
    out->push_back(']');
    return;
  }
  // Objects with distinct keys.
  out->push_back('{');
  size_t n = c.Below(5);
  std::vector<bool> used(Keys().size());
  bool first = true;
  for (size_t i = 0; i < n; ++i) {
    size_t k = c.Below(Keys().size());
    if (used[k]) continue;
    used[k] = true;
    if (!first) out->push_back(',');
    first = false;
    WriteJsonString(Keys()[k], out);
    out->push_back(':');
    GenValue(c, depth - 1, out);
  }
  out->push_back('}');
}

// A random document: always an object.
inline std::string GenDoc(Chooser& c) {
  std::string out = "{";
  std::vector<bool> used(Keys().size());
  size_t n = 1 + c.Below(7);
  bool first = true;
  for (size_t i = 0; i < n; ++i) {
    size_t k = c.Below(Keys().size());
    if (used[k]) continue;
    used[k] = true;
    if (!first) out.push_back(',');
    first = false;
    WriteJsonString(Keys()[k], &out);
    out.push_back(':');
    GenValue(c, 3, &out);
  }
  out.push_back('}');
  return out;
}

inline std::string Q(const std::string& s) {
  std::string out;
  WriteJsonString(s, &out);
  return out;
}

inline std::string Field(Chooser& c) {
  const std::string& k = c.Pick(Keys());
  if (c.Below(5) == 0) return c.Pick(Keys()) + "." + k;
  return k;
}

inline std::string KeyList(Chooser& c) {
  std::string out = "[";
  std::vector<bool> used(Keys().size());
  size_t n = 1 + c.Below(4);
  bool first = true;
  for (size_t i = 0; i < n; ++i) {
    size_t k = c.Below(Keys().size());
    if (used[k]) continue;
    used[k] = true;
    if (!first) out += ",";
    first = false;
    out += Q(Keys()[k]);
  }
  return out + "]";
}

inline const std::vector<std::string>& StepKindNames() {
  static const std::vector<std::string> k = {"add", "remove", "rename", "hoist", "plunge", "wrap", "head",
                                             "in", "map", "convert", "keys", "trim", "lower", "upper", "datetime",
                                             "to_string", "to_number", "parse_json", "set", "keep", "when"};
  return k;
}

inline std::string GenStep(Chooser& c, const std::string& kind, int depth);

inline std::string GenSubList(Chooser& c, int depth) {
  std::string out = "[";
  size_t n = depth <= 0 ? 0 : 1 + c.Below(2);
  for (size_t i = 0; i < n; ++i) {
    if (i) out += ",";
    out += GenStep(c, c.Pick(StepKindNames()), depth - 1);
  }
  return out + "]";
}

// A random definition of a step of `kind` (JSON text).
inline std::string GenStep(Chooser& c, const std::string& kind, int depth) {
  auto value = [&] {
    std::string v;
    GenValue(c, 1, &v);
    return v;
  };
  std::string p;
  if (kind == "add") {
    p = "{\"field\":" + Q(Field(c)) + ",\"value\":" + value() + "}";
  } else if (kind == "remove") {
    p = "{\"field\":" + Q(Field(c)) + (c.Coin() ? ",\"default\":" + value() : "") + "}";
  } else if (kind == "rename") {
    std::string a = c.Pick(Keys()), b = c.Pick(Keys());
    if (a == b) b += "2";
    p = "{\"from\":" + Q(a) + ",\"to\":" + Q(b) + "}";
  } else if (kind == "hoist") {
    std::string a = c.Pick(Keys()), b = c.Pick(Keys());
    if (a == b) b += "2";
    p = "{\"host\":" + Q(a) + ",\"field\":" + Q(b) + "}";
  } else if (kind == "plunge") {
    std::string host = c.Pick(Keys()) + (c.Coin() ? "" : "_host");
    std::string fields = KeyList(c);
    if (fields.find(Q(host)) != std::string::npos) host += "_h";
    p = "{\"host\":" + Q(host) + ",\"fields\":" + fields + "}";
  } else if (kind == "wrap") {
    static const std::vector<std::string> types = {"number", "string", "integer", "null", "object"};
    if (c.Below(3) == 0) {
      p = "{\"field\":" + Q(c.Coin() ? Field(c) : "$") + ",\"array\":true" +
          (c.Coin() ? ",\"only\":" + Q(c.Pick(types)) : "") + "}";
    } else {
      std::string f = c.Pick(Keys());
      p = "{\"field\":" + Q(f);
      if (c.Coin()) {
        std::string into = c.Pick(Keys());
        if (into != f) p += ",\"into\":" + Q(into);
      }
      if (c.Coin()) p += ",\"as\":\"duration\"";
      if (c.Coin()) p += ",\"with\":{\"unit\":\"kg\"}";
      if (c.Coin()) p += ",\"only\":" + Q(c.Pick(types));
      p += "}";
    }
  } else if (kind == "head" || kind == "trim" || kind == "lower" || kind == "upper" || kind == "to_string") {
    p = "{\"field\":" + Q(c.Below(4) == 0 ? "$" : Field(c)) + "}";
  } else if (kind == "parse_json") {
    p = "{\"field\":" + Q(c.Below(4) == 0 ? "$" : Field(c)) + "}";
  } else if (kind == "to_number") {
    p = "{\"field\":" + Q(Field(c)) + "}";
  } else if (kind == "in" || kind == "map") {
    p = "{\"field\":" + Q(Field(c)) + ",\"steps\":" + GenSubList(c, depth) + "}";
  } else if (kind == "convert") {
    std::string m = "[";
    size_t n = 1 + c.Below(3);
    std::vector<std::string> froms;
    for (size_t i = 0; i < n; ++i) {
      // Distinct under JSON equality (0 and -0 would be one key).
      static const std::vector<std::string> keys = {"null", "true", "0", "1.5", "\"\"", "\"a\"", "\"kg\"",
                                                    "\"12\"", "\"MiXed Case\"", "\"work\"", "1567509936"};
      std::string from = c.Pick(keys);
      bool dup = false;
      for (const std::string& f : froms) dup = dup || f == from;
      if (dup) continue;
      froms.push_back(from);
      if (m.size() > 1) m += ",";
      m += "[" + from + "," + c.Pick(Scalars()) + "]";
    }
    m += "]";
    p = "{\"field\":" + Q(c.Below(4) == 0 ? "$" : Field(c)) + ",\"mapping\":" + m +
        (c.Coin() ? ",\"default\":" + c.Pick(Scalars()) : "") + "}";
  } else if (kind == "keys") {
    p = std::string("{\"case\":") + (c.Coin() ? "\"camel\"" : "\"snake\"") + (c.Coin() ? ",\"deep\":true" : "") +
        (c.Below(4) == 0 ? ",\"field\":" + Q(c.Pick(Keys())) : "") + "}";
  } else if (kind == "datetime") {
    static const std::vector<std::string> forms = {"epoch", "sql", "iso8601"};
    std::string from = "[";
    std::vector<bool> used(3);
    for (size_t i = 0, n = 1 + c.Below(3); i < n; ++i) {
      size_t f = c.Below(3);
      if (used[f]) continue;
      used[f] = true;
      if (from.size() > 1) from += ",";
      from += Q(forms[f]);
    }
    p = "{\"field\":" + Q(Field(c)) + ",\"from\":" + from + "],\"to\":" + Q(c.Pick(forms)) + "}";
  } else if (kind == "set") {
    static const std::vector<std::string> exprs = {"1 + 2", "a", "concat(s, '-', n)", "count(xs)",
                                                   "coalesce(a, b, 'none')", "len(xs)", "$", "xs[0]",
                                                   "exists(a) ? 'y' : 'n'", "sum(xs[type(n) == 'number'].n)"};
    p = "{\"field\":" + Q(Field(c)) + ",\"expr\":" + Q(c.Pick(exprs)) + "}";
  } else if (kind == "keep") {
    p = "{\"fields\":" + KeyList(c) + "}";
  } else if (kind == "when") {
    static const std::vector<std::string> conds = {"exists(a)", "kind == 'exercise'", "type(n) == 'number'",
                                                   "len(s) > 2", "!b", "a == null"};
    p = "{\"if\":" + Q(c.Pick(conds)) + ",\"then\":" + GenSubList(c, depth) +
        (c.Coin() ? ",\"else\":" + GenSubList(c, depth) : "") + "}";
  }
  return "{" + Q(kind) + ":" + p + "}";
}

}  // namespace ferry::test

#endif  // FERRY_TESTS_UNIT_TRANSFORM_ROUNDTRIP_GENERATOR_H_
