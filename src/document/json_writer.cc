// Copyright (c) the Ferry authors.
#include <cstring>

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

void WriteEscaped(std::string_view s, std::string* out) {
  const char* p = s.data();
  const char* end = p + s.size();
  const char* run = p;
  for (; p < end; ++p) {
    unsigned char c = static_cast<unsigned char>(*p);
    if (!kEscape.needs[c]) continue;
    out->append(run, size_t(p - run));
    switch (c) {
      case '"': out->append("\\\""); break;
      case '\\': out->append("\\\\"); break;
      case '\n': out->append("\\n"); break;
      case '\r': out->append("\\r"); break;
      case '\t': out->append("\\t"); break;
      case '\b': out->append("\\b"); break;
      case '\f': out->append("\\f"); break;
      default: {
        static const char kHex[] = "0123456789abcdef";
        char buf[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 15]};
        out->append(buf, 6);
      }
    }
    run = p + 1;
  }
  out->append(run, size_t(end - run));
}

void WriteString(const Value& v, std::string* out) {
  out->push_back('"');
  if (v.flags() & Value::kStringNeedsNoEscape) {
    out->append(v.AsString());
  } else {
    WriteEscaped(v.AsString(), out);
  }
  out->push_back('"');
}

}  // namespace

void WriteJsonString(std::string_view s, std::string* out) {
  out->push_back('"');
  WriteEscaped(s, out);
  out->push_back('"');
}

void WriteJson(const Value& v, std::string* out) {
  switch (v.type()) {
    case JsonType::kNull:
      out->append("null", 4);
      return;
    case JsonType::kBool:
      if (v.AsBool()) out->append("true", 4);
      else out->append("false", 5);
      return;
    case JsonType::kNumber:
      out->append(v.NumberLiteral());
      return;
    case JsonType::kString:
      WriteString(v, out);
      return;
    case JsonType::kArray: {
      out->push_back('[');
      bool first = true;
      for (const Value& item : v) {
        if (!first) out->push_back(',');
        first = false;
        WriteJson(item, out);
      }
      out->push_back(']');
      return;
    }
    case JsonType::kObject: {
      out->push_back('{');
      for (const Member* m = v.members(); m != v.members_end(); ++m) {
        if (m != v.members()) out->push_back(',');
        WriteString(m->key, out);
        out->push_back(':');
        WriteJson(m->value, out);
      }
      out->push_back('}');
      return;
    }
  }
}

std::string ToJson(const Value& v) {
  std::string s;
  WriteJson(v, &s);
  return s;
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

}  // namespace ferry
