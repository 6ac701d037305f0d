// Copyright (c) the Ferry authors.
//
// "format" checkers used when SchemaCompileOptions::assert_formats is set.
// Each is a pure function over UTF-8 text, following the RFCs draft-07
// names (RFC 3339 dates and times, RFC 5321 mailboxes, RFC 1123 host
// names, RFC 2673/4291 addresses, RFC 3986 URIs, RFC 6901 pointers).

#include <cstring>

#include "schema/program.h"

#include "common/text.h"

namespace ferry::internal {
namespace {


// Reads exactly `n` digits at `pos`.
bool Digits(std::string_view s, size_t pos, size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = 0; i < n; ++i) {
    if (!IsDigit(s[pos + i])) return false;
    v = v * 10 + (s[pos + i] - '0');
  }
  *out = v;
  return true;
}

bool IsDate(std::string_view s) {
  int y, m, d;
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  if (!Digits(s, 0, 4, &y) || !Digits(s, 5, 2, &m) || !Digits(s, 8, 2, &d)) return false;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12 || d < 1) return false;
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return d <= kDays[m - 1] + (m == 2 && leap ? 1 : 0);
}

bool IsTime(std::string_view s) {
  int h, mi, sec;
  if (s.size() < 9 || s[2] != ':' || s[5] != ':') return false;
  if (!Digits(s, 0, 2, &h) || !Digits(s, 3, 2, &mi) || !Digits(s, 6, 2, &sec)) return false;
  size_t pos = 8;
  if (pos < s.size() && s[pos] == '.') {
    size_t start = ++pos;
    while (pos < s.size() && IsDigit(s[pos])) ++pos;
    if (pos == start) return false;
  }
  if (pos >= s.size()) return false;
  int offset = 0;
  if (s[pos] == 'Z' || s[pos] == 'z') {
    if (pos + 1 != s.size()) return false;
  } else if (s[pos] == '+' || s[pos] == '-') {
    int oh, om;
    if (s.size() != pos + 6 || s[pos + 3] != ':') return false;
    if (!Digits(s, pos + 1, 2, &oh) || !Digits(s, pos + 4, 2, &om) || oh > 23 || om > 59) return false;
    offset = (s[pos] == '+' ? 1 : -1) * (oh * 60 + om);
  } else {
    return false;
  }
  if (h > 23 || mi > 59 || sec > 60) return false;
  if (sec == 60) {
    // A leap second exists only at 23:59:60 UTC.
    int utc = ((h * 60 + mi - offset) % 1440 + 1440) % 1440;
    return utc == 23 * 60 + 59;
  }
  return true;
}

bool IsDateTime(std::string_view s) {
  if (s.size() < 11 || (s[10] != 'T' && s[10] != 't')) return false;
  return IsDate(s.substr(0, 10)) && IsTime(s.substr(11));
}

bool IsHostname(std::string_view s) {
  if (s.empty() || s.size() > 253) return false;
  size_t start = 0;
  while (true) {
    size_t dot = s.find('.', start);
    std::string_view label = s.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
    for (char c : label) {
      if (!IsAlpha(c) && !IsDigit(c) && c != '-') return false;
    }
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

bool IsEmail(std::string_view s) {
  size_t at = s.rfind('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == s.size()) return false;
  std::string_view local = s.substr(0, at), domain = s.substr(at + 1);
  if (local.size() >= 2 && local.front() == '"' && local.back() == '"') {
    // quoted local part: anything printable
  } else {
    if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos) return false;
    for (char c : local) {
      if (!IsAlpha(c) && !IsDigit(c) && std::strchr("!#$%&'*+-/=?^_`{|}~.", c) == nullptr) return false;
    }
  }
  if (domain.size() >= 2 && domain.front() == '[' && domain.back() == ']') {
    std::string_view lit = domain.substr(1, domain.size() - 2);
    if (lit.substr(0, 5) == "IPv6:") return FindFormat("ipv6")(lit.substr(5));
    return FindFormat("ipv4")(lit);
  }
  return IsHostname(domain);
}

bool IsIpv4(std::string_view s) {
  int parts = 0;
  size_t pos = 0;
  while (true) {
    size_t start = pos;
    int v = 0;
    while (pos < s.size() && IsDigit(s[pos]) && pos - start < 3) v = v * 10 + (s[pos++] - '0');
    size_t len = pos - start;
    if (len == 0 || v > 255 || (len > 1 && s[start] == '0')) return false;
    ++parts;
    if (pos == s.size()) return parts == 4;
    if (s[pos] != '.' || parts == 4) return false;
    ++pos;
  }
}

bool IsIpv6(std::string_view s) {
  if (s.empty()) return false;
  int groups = 0;
  bool compressed = false;
  size_t pos = 0;
  if (s.substr(0, 2) == "::") {
    compressed = true;
    pos = 2;
    if (pos == s.size()) return true;
  } else if (s[0] == ':') {
    return false;
  }
  while (pos < s.size()) {
    size_t start = pos;
    while (pos < s.size() && IsHexDigit(s[pos])) ++pos;
    size_t len = pos - start;
    if (pos < s.size() && s[pos] == '.') {
      // Embedded IPv4 in the last 32 bits.
      if (!IsIpv4(s.substr(start))) return false;
      groups += 2;
      pos = s.size();
      break;
    }
    if (len == 0 || len > 4) return false;
    ++groups;
    if (pos == s.size()) break;
    if (s[pos] != ':') return false;
    ++pos;
    if (pos < s.size() && s[pos] == ':') {
      if (compressed) return false;
      compressed = true;
      ++pos;
      if (pos == s.size()) break;
    } else if (pos == s.size()) {
      return false;
    }
  }
  return compressed ? groups < 8 : groups == 8;
}

// RFC 3986 characters allowed (unescaped) in a URI reference.
bool IsUriChar(char c) {
  return IsAlpha(c) || IsDigit(c) || std::strchr("-._~:/?#[]@!$&'()*+,;=%", c) != nullptr;
}

bool IsUriReference(std::string_view s) {
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '\0' || !IsUriChar(c)) return false;
    if (c == '%' && (i + 2 >= s.size() || !IsHexDigit(s[i + 1]) || !IsHexDigit(s[i + 2]))) return false;
  }
  size_t hash = s.find('#');
  if (hash != std::string_view::npos && s.find('#', hash + 1) != std::string_view::npos) return false;
  return true;
}

bool IsUri(std::string_view s) {
  size_t colon = s.find(':');
  if (colon == std::string_view::npos || colon == 0 || !IsAlpha(s[0])) return false;
  for (size_t i = 1; i < colon; ++i) {
    if (!IsAlpha(s[i]) && !IsDigit(s[i]) && s[i] != '+' && s[i] != '-' && s[i] != '.') return false;
  }
  return IsUriReference(s);
}

bool IsJsonPointer(std::string_view s) {
  if (s.empty()) return true;
  if (s[0] != '/') return false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '~' && (i + 1 >= s.size() || (s[i + 1] != '0' && s[i + 1] != '1'))) return false;
  }
  return true;
}

bool IsRelativeJsonPointer(std::string_view s) {
  size_t pos = 0;
  while (pos < s.size() && IsDigit(s[pos])) ++pos;
  if (pos == 0 || (pos > 1 && s[0] == '0')) return false;
  std::string_view rest = s.substr(pos);
  return rest == "#" || IsJsonPointer(rest);
}

bool IsRegex(std::string_view s) { return EcmaRegex::IsValidSyntax(s); }

bool IsUuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !IsHexDigit(s[i])) return false;
  }
  return true;
}

}  // namespace

FormatFn FindFormat(std::string_view name) {
  static constexpr std::pair<std::string_view, FormatFn> kFormats[] = {
      {"date-time", IsDateTime},
      {"date", IsDate},
      {"time", IsTime},
      {"email", IsEmail},
      {"hostname", IsHostname},
      {"ipv4", IsIpv4},
      {"ipv6", IsIpv6},
      {"uri", IsUri},
      {"uri-reference", IsUriReference},
      {"json-pointer", IsJsonPointer},
      {"relative-json-pointer", IsRelativeJsonPointer},
      {"regex", IsRegex},
      {"uuid", IsUuid},
  };
  for (const auto& [n, fn] : kFormats) {
    if (n == name) return fn;
  }
  return nullptr;
}

}  // namespace ferry::internal
