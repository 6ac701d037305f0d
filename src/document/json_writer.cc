// Copyright (c) the Ferry authors.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

#include "common/text.h"
#include "ferry/json.h"

namespace ferry {

namespace {

// 1 where a byte must be escaped inside a JSON string.
struct EscapeTable {
  bool needs[256];
  constexpr EscapeTable() : needs() {
    for (int c = 0; c < 0x20; ++c) needs[c] = true;
    needs[static_cast<unsigned char>('"')] = true;
    needs[static_cast<unsigned char>('\\')] = true;
  }
};
constexpr EscapeTable kEscape;

// Writing is two passes over the tree: the exact output size first, then
// the bytes through a raw pointer into the std::string grown once. (Growing
// it a byte at a time with push_back was the largest cost of writing.)

// Bytes `s` takes escaped, without the quotes.
size_t EscapedSize(std::string_view s) {
  size_t n = s.size();
  for (char ch : s) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (!kEscape.needs[c]) continue;
    bool short_form = c == '"' || c == '\\' || c == '\n' || c == '\r' || c == '\t' || c == '\b' || c == '\f';
    n += short_form ? 1 : 5;
  }
  return n;
}

size_t StringSize(const Value& v) {
  if (v.flags() & Value::kStringNeedsNoEscape) return v.AsString().size() + 2;
  return EscapedSize(v.AsString()) + 2;
}

size_t JsonSize(const Value& v) {
  switch (v.type()) {
    case JsonType::kNull:
      return 4;
    case JsonType::kBool:
      return v.AsBool() ? 4 : 5;
    case JsonType::kNumber:
      return v.NumberLiteral().size();
    case JsonType::kString:
      return StringSize(v);
    case JsonType::kArray: {
      size_t n = v.empty() ? 2 : 1 + v.size();  // brackets and commas
      for (const Value& item : v) n += JsonSize(item);
      return n;
    }
    case JsonType::kObject: {
      size_t n = v.empty() ? 2 : 1 + 2 * size_t(v.size());  // braces, colons, commas
      for (const Member* m = v.members(); m != v.members_end(); ++m) n += StringSize(m->key) + JsonSize(m->value);
      return n;
    }
  }
  return 0;
}

// Copies `n` bytes without a call for short spans (most keys and values).
inline char* Copy(char* dst, const char* src, size_t n) {
  if (n <= 16) {
    if (n >= 8) {
      uint64_t a, b;
      std::memcpy(&a, src, 8);
      std::memcpy(&b, src + n - 8, 8);
      std::memcpy(dst, &a, 8);
      std::memcpy(dst + n - 8, &b, 8);
    } else if (n >= 4) {
      uint32_t a, b;
      std::memcpy(&a, src, 4);
      std::memcpy(&b, src + n - 4, 4);
      std::memcpy(dst, &a, 4);
      std::memcpy(dst + n - 4, &b, 4);
    } else {
      for (size_t i = 0; i < n; ++i) dst[i] = src[i];
    }
    return dst + n;
  }
  std::memcpy(dst, src, n);
  return dst + n;
}

char* WriteEscaped(std::string_view s, char* out) {
  const char* p = s.data();
  const char* end = p + s.size();
  const char* run = p;
  for (; p < end; ++p) {
    unsigned char c = static_cast<unsigned char>(*p);
    if (!kEscape.needs[c]) continue;
    out = Copy(out, run, size_t(p - run));
    *out++ = '\\';
    switch (c) {
      case '"': *out++ = '"'; break;
      case '\\': *out++ = '\\'; break;
      case '\n': *out++ = 'n'; break;
      case '\r': *out++ = 'r'; break;
      case '\t': *out++ = 't'; break;
      case '\b': *out++ = 'b'; break;
      case '\f': *out++ = 'f'; break;
      default: {
        static const char kHex[] = "0123456789abcdef";
        *out++ = 'u';
        *out++ = '0';
        *out++ = '0';
        *out++ = kHex[c >> 4];
        *out++ = kHex[c & 15];
      }
    }
    run = p + 1;
  }
  return Copy(out, run, size_t(end - run));
}

char* WriteString(const Value& v, char* out) {
  *out++ = '"';
  std::string_view s = v.AsString();
  if (v.flags() & Value::kStringNeedsNoEscape) {
    out = Copy(out, s.data(), s.size());
  } else {
    out = WriteEscaped(s, out);
  }
  *out++ = '"';
  return out;
}

char* Write(const Value& v, char* out) {
  switch (v.type()) {
    case JsonType::kNull:
      return Copy(out, "null", 4);
    case JsonType::kBool:
      return v.AsBool() ? Copy(out, "true", 4) : Copy(out, "false", 5);
    case JsonType::kNumber:
      return Copy(out, v.NumberLiteral().data(), v.NumberLiteral().size());
    case JsonType::kString:
      return WriteString(v, out);
    case JsonType::kArray: {
      *out++ = '[';
      for (const Value* item = v.begin(); item != v.end(); ++item) {
        if (item != v.begin()) *out++ = ',';
        out = Write(*item, out);
      }
      *out++ = ']';
      return out;
    }
    case JsonType::kObject: {
      *out++ = '{';
      for (const Member* m = v.members(); m != v.members_end(); ++m) {
        if (m != v.members()) *out++ = ',';
        out = WriteString(m->key, out);
        *out++ = ':';
        out = Write(m->value, out);
      }
      *out++ = '}';
      return out;
    }
  }
  return out;
}

}  // namespace

void WriteJsonString(std::string_view s, std::string* out) {
  size_t old = out->size();
  out->resize(old + EscapedSize(s) + 2);
  char* p = out->data() + old;
  *p++ = '"';
  p = WriteEscaped(s, p);
  *p = '"';
}

void WriteJson(const Value& v, std::string* out) {
  size_t old = out->size();
  out->resize(old + JsonSize(v));
  Write(v, out->data() + old);
}

std::string ToJson(const Value& v) {
  std::string s;
  WriteJson(v, &s);
  return s;
}

void WriteCanonicalJson(const Value& v, std::string* out) {
  if (v.IsObject()) {
    std::vector<const Member*> order;
    order.reserve(v.size());
    for (const Member* m = v.members(); m != v.members_end(); ++m) order.push_back(m);
    std::stable_sort(order.begin(), order.end(),
                     [](const Member* a, const Member* b) { return a->key.AsString() < b->key.AsString(); });
    out->push_back('{');
    for (size_t i = 0; i < order.size(); ++i) {
      if (i) out->push_back(',');
      WriteJsonString(order[i]->key.AsString(), out);
      out->push_back(':');
      WriteCanonicalJson(order[i]->value, out);
    }
    out->push_back('}');
  } else if (v.IsArray()) {
    out->push_back('[');
    bool first = true;
    for (const Value& item : v) {
      if (!first) out->push_back(',');
      first = false;
      WriteCanonicalJson(item, out);
    }
    out->push_back(']');
  } else {
    WriteJson(v, out);
  }
}

void AppendPointerToken(std::string_view token, std::string* pointer) {
  pointer->push_back('/');
  for (char c : token) {
    if (c == '~') pointer->append("~0");
    else if (c == '/') pointer->append("~1");
    else pointer->push_back(c);
  }
}

void AppendPointerIndex(size_t index, std::string* pointer) {
  pointer->push_back('/');
  pointer->append(std::to_string(index));
}

const Value* ResolvePointer(const Value& root, std::string_view pointer) {
  const Value* cur = &root;
  size_t i = 0;
  while (i < pointer.size()) {
    if (pointer[i] != '/') return nullptr;
    size_t j = pointer.find('/', i + 1);
    if (j == std::string_view::npos) j = pointer.size();
    std::string token;
    for (size_t k = i + 1; k < j; ++k) {
      if (pointer[k] == '~' && k + 1 < j) {
        token.push_back(pointer[k + 1] == '1' ? '/' : '~');
        ++k;
      } else {
        token.push_back(pointer[k]);
      }
    }
    if (cur->IsObject()) {
      cur = cur->Find(token);
      if (cur == nullptr) return nullptr;
    } else if (cur->IsArray()) {
      if (token.empty() || token.size() > 9) return nullptr;
      size_t idx = 0;
      for (char c : token) {
        if (c < '0' || c > '9') return nullptr;
        idx = idx * 10 + size_t(c - '0');
      }
      if (idx >= cur->size()) return nullptr;
      cur = &(*cur)[idx];
    } else {
      return nullptr;
    }
    i = j;
  }
  return cur;
}

bool IsJsonNumberLiteral(std::string_view s) {
  size_t i = 0;
  const size_t n = s.size();
  auto digit = [&](size_t k) { return k < n && internal::IsDigit(s[k]); };
  if (i < n && s[i] == '-') ++i;
  if (!digit(i)) return false;
  if (s[i] == '0') {
    ++i;
  } else {
    while (digit(i)) ++i;
  }
  if (i < n && s[i] == '.') {
    ++i;
    if (!digit(i)) return false;
    while (digit(i)) ++i;
  }
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
    if (!digit(i)) return false;
    while (digit(i)) ++i;
  }
  return i == n;
}

}  // namespace ferry
