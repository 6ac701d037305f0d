// Copyright (c) the Ferry authors.
#include "transform/date_format.h"

#include <chrono>
#include <cstdio>

#include "common/civil_time.h"
#include "common/text.h"

namespace ferry::internal {

namespace {

constexpr std::string_view kMonths[] = {"january", "february", "march",     "april",   "may",      "june",
                                        "july",    "august",   "september", "october", "november", "december"};

char Lower(char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; }

bool ValidDate(int y, int m, int d) {
  using namespace std::chrono;
  return year_month_day(year(y), month(unsigned(m)), day(unsigned(d))).ok();
}

struct Fields {
  int year = -1, month = -1, day = -1;
  int hour = 0, minute = 0, second = 0;
  int hour12 = -1;  // %I
  int pm = -1;      // %p: 0 AM, 1 PM
  int offset_minutes = 0;
  bool has_time = false;
};

class Scanner {
 public:
  Scanner(std::string_view s, std::string* error) : s_(s), error_(error) {}
  size_t pos = 0;

  bool Fail(const std::string& what) {
    *error_ = what + " at offset " + std::to_string(pos);
    return false;
  }
  // 1..max_digits digits (exactly `max_digits` when exact).
  bool Number(int min_digits, int max_digits, int* out, const char* what) {
    int n = 0, v = 0;
    while (n < max_digits && pos < s_.size() && IsDigit(s_[pos])) {
      v = v * 10 + (s_[pos] - '0');
      ++pos;
      ++n;
    }
    if (n < min_digits) return Fail(std::string("expected ") + what);
    *out = v;
    return true;
  }
  bool MonthName(int* out) {
    for (int i = 0; i < 12; ++i) {
      std::string_view full = kMonths[i];
      size_t n = 0;
      while (n < full.size() && pos + n < s_.size() && Lower(s_[pos + n]) == full[n]) ++n;
      if (n == full.size() || (n == 3 && (pos + n >= s_.size() || !(Lower(s_[pos + n]) >= 'a' && Lower(s_[pos + n]) <= 'z')))) {
        pos += n;
        *out = i + 1;
        return true;
      }
    }
    return Fail("expected a month name");
  }
  bool AmPm(int* out) {
    if (pos + 2 <= s_.size() && Lower(s_[pos + 1]) == 'm' && (Lower(s_[pos]) == 'a' || Lower(s_[pos]) == 'p')) {
      *out = Lower(s_[pos]) == 'p' ? 1 : 0;
      pos += 2;
      return true;
    }
    return Fail("expected AM or PM");
  }
  bool Zone(int* minutes) {
    if (pos < s_.size() && (s_[pos] == 'Z' || s_[pos] == 'z')) {
      ++pos;
      *minutes = 0;
      return true;
    }
    if (pos >= s_.size() || (s_[pos] != '+' && s_[pos] != '-')) return Fail("expected a time zone (Z or +HH:MM)");
    int sign = s_[pos] == '-' ? -1 : 1;
    ++pos;
    int h = 0, m = 0;
    if (!Number(2, 2, &h, "a 2-digit zone hour")) return false;
    if (pos < s_.size() && s_[pos] == ':') ++pos;
    if (pos < s_.size() && IsDigit(s_[pos]) && !Number(2, 2, &m, "2-digit zone minutes")) return false;
    if (h > 23 || m > 59) return Fail("time zone offset out of range");
    *minutes = sign * (h * 60 + m);
    return true;
  }
  bool Literal(char c) {
    if (c == ' ') {
      if (pos >= s_.size() || s_[pos] != ' ') return Fail("expected a space");
      while (pos < s_.size() && s_[pos] == ' ') ++pos;
      return true;
    }
    if (pos >= s_.size() || s_[pos] != c) return Fail(std::string("expected '") + c + "'");
    ++pos;
    return true;
  }
  bool AtEnd() const { return pos == s_.size(); }

 private:
  std::string_view s_;
  std::string* error_;
};

// Walks `fmt`; with a scanner, parses into *f; without, only checks.
bool Walk(std::string_view fmt, Scanner* sc, Fields* f, std::string* error) {
  for (size_t i = 0; i < fmt.size(); ++i) {
    char c = fmt[i];
    if (c != '%') {
      if (sc && !sc->Literal(c)) return false;
      continue;
    }
    if (i + 1 >= fmt.size()) {
      *error = "format ends with a lone '%'";
      return false;
    }
    char d = fmt[++i];
    bool ok = true;
    switch (d) {
      case 'Y': if (sc) ok = sc->Number(4, 4, &f->year, "a 4-digit year"); break;
      case 'y': {
        int y = 0;
        if (sc) {
          ok = sc->Number(2, 2, &y, "a 2-digit year");
          f->year = y < 69 ? 2000 + y : 1900 + y;
        }
        break;
      }
      case 'm': if (sc) ok = sc->Number(1, 2, &f->month, "a month number"); break;
      case 'd': if (sc) ok = sc->Number(1, 2, &f->day, "a day of the month"); break;
      case 'b':
      case 'B': if (sc) ok = sc->MonthName(&f->month); break;
      case 'H': f->has_time = true; if (sc) ok = sc->Number(1, 2, &f->hour, "an hour"); break;
      case 'I': f->has_time = true; if (sc) ok = sc->Number(1, 2, &f->hour12, "an hour (1-12)"); break;
      case 'M': f->has_time = true; if (sc) ok = sc->Number(1, 2, &f->minute, "minutes"); break;
      case 'S': f->has_time = true; if (sc) ok = sc->Number(1, 2, &f->second, "seconds"); break;
      case 'p': if (sc) ok = sc->AmPm(&f->pm); break;
      case 'z': f->has_time = true; if (sc) ok = sc->Zone(&f->offset_minutes); break;
      case 'F':
        if (sc) {
          ok = sc->Number(4, 4, &f->year, "a 4-digit year") && sc->Literal('-') &&
               sc->Number(1, 2, &f->month, "a month number") && sc->Literal('-') &&
               sc->Number(1, 2, &f->day, "a day of the month");
        }
        break;
      case 'T':
        f->has_time = true;
        if (sc) {
          ok = sc->Number(1, 2, &f->hour, "an hour") && sc->Literal(':') && sc->Number(1, 2, &f->minute, "minutes") &&
               sc->Literal(':') && sc->Number(1, 2, &f->second, "seconds");
        }
        break;
      case '%': if (sc) ok = sc->Literal('%'); break;
      default:
        *error = std::string("unsupported directive '%") + d + "' (use %Y %y %m %d %b %B %H %I %M %S %p %z %F %T %%)";
        return false;
    }
    if (!ok) return false;
  }
  return true;
}

std::string CheckFields(std::string_view fmt) {
  Fields f;
  std::string error;
  bool seen_y = false, seen_m = false, seen_d = false, seen_i = false, seen_p = false;
  if (!Walk(fmt, nullptr, &f, &error)) return error;
  for (size_t i = 0; i + 1 < fmt.size(); ++i) {
    if (fmt[i] != '%') continue;
    char d = fmt[++i];
    seen_y |= d == 'Y' || d == 'y' || d == 'F';
    seen_m |= d == 'm' || d == 'b' || d == 'B' || d == 'F';
    seen_d |= d == 'd' || d == 'F';
    seen_i |= d == 'I';
    seen_p |= d == 'p';
  }
  if (!seen_y || !seen_m || !seen_d) return "the format needs a year (%Y or %y), a month (%m or %b) and a day (%d)";
  if (seen_i != seen_p) return "%I and %p go together";
  return "";
}

}  // namespace

std::string CheckDateFormat(std::string_view fmt) {
  if (fmt.empty()) return "empty date format";
  return CheckFields(fmt);
}

bool ParseDateWithFormat(std::string_view s, std::string_view fmt, std::string* iso, std::string* error) {
  std::string bad = CheckDateFormat(fmt);
  if (!bad.empty()) {
    *error = "bad format \"" + std::string(fmt) + "\": " + bad;
    return false;
  }
  Fields f;
  Scanner sc(s, error);
  if (!Walk(fmt, &sc, &f, error)) return false;
  if (!sc.AtEnd()) return sc.Fail("unexpected trailing text");
  if (f.hour12 >= 0) {
    if (f.hour12 < 1 || f.hour12 > 12) {
      *error = "hour " + std::to_string(f.hour12) + " out of range 1-12";
      return false;
    }
    f.hour = f.hour12 % 12 + (f.pm == 1 ? 12 : 0);
  }
  if (f.month < 1 || f.month > 12 || f.day < 1 || f.day > 31 || !ValidDate(f.year, f.month, f.day)) {
    char buf[64];
    std::snprintf(buf, sizeof(buf), "no such date %04d-%02d-%02d", f.year, f.month, f.day);
    *error = buf;
    return false;
  }
  if (f.hour > 23 || f.minute > 59 || f.second > 59) {
    char buf[64];
    std::snprintf(buf, sizeof(buf), "time %02d:%02d:%02d out of range", f.hour, f.minute, f.second);
    *error = buf;
    return false;
  }
  int64_t t = DaysFromCivil(f.year, f.month, f.day) * 86400 + f.hour * 3600 + f.minute * 60 + f.second -
              int64_t(f.offset_minutes) * 60;
  int64_t days = t >= 0 ? t / 86400 : (t - 86399) / 86400;
  int64_t rem = t - days * 86400;
  const CivilDate date = CivilFromDays(days);
  const int y = date.year, m = int(date.month), d = int(date.day);
  if (y < 1 || y > 9999) {
    *error = "year out of range 1-9999";
    return false;
  }
  char buf[64];  // room for any int fields: gcc checks the bound under -O2 (format-truncation)
  if (f.has_time) {
    std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02dZ", y, m, d, int(rem / 3600), int(rem / 60 % 60),
                  int(rem % 60));
  } else {
    std::snprintf(buf, sizeof(buf), "%04d-%02d-%02d", y, m, d);
  }
  *iso = buf;
  return true;
}

bool ParseIsoInstant(std::string_view s, Instant* out) {
  auto num = [&](size_t at, size_t n, int* v) {
    if (at + n > s.size()) return false;
    int x = 0;
    for (size_t i = 0; i < n; ++i) {
      if (!IsDigit(s[at + i])) return false;
      x = x * 10 + (s[at + i] - '0');
    }
    *v = x;
    return true;
  };
  int y, m, d, hh = 0, mm = 0, ss = 0;
  if (!num(0, 4, &y) || s.size() < 10 || s[4] != '-' || !num(5, 2, &m) || s[7] != '-' || !num(8, 2, &d)) return false;
  if (y < 1 || m < 1 || m > 12 || d < 1 || !ValidDate(y, m, d)) return false;
  size_t p = 10;
  int32_t nanos = 0;
  int offset = 0;
  if (p < s.size()) {
    if (s[p] != 'T' && s[p] != ' ' && s[p] != 't') return false;
    if (!num(p + 1, 2, &hh) || p + 3 >= s.size() || s[p + 3] != ':' || !num(p + 4, 2, &mm)) return false;
    p += 6;
    if (p < s.size() && s[p] == ':') {
      if (!num(p + 1, 2, &ss)) return false;
      p += 3;
      if (p < s.size() && (s[p] == '.' || s[p] == ',')) {
        ++p;
        int digits = 0;
        while (p < s.size() && IsDigit(s[p])) {
          if (digits < 9) nanos = nanos * 10 + (s[p] - '0');
          ++digits;
          ++p;
        }
        if (digits == 0) return false;
        for (int i = digits; i < 9; ++i) nanos *= 10;
      }
    }
    if (hh > 23 || mm > 59 || ss > 60) return false;
    if (p < s.size()) {
      if (s[p] == 'Z' || s[p] == 'z') {
        ++p;
      } else if (s[p] == '+' || s[p] == '-') {
        int sign = s[p] == '-' ? -1 : 1;
        int oh = 0, om = 0;
        if (!num(p + 1, 2, &oh)) return false;
        p += 3;
        if (p < s.size() && s[p] == ':') ++p;
        if (!num(p, 2, &om)) return false;
        p += 2;
        if (oh > 23 || om > 59) return false;
        offset = sign * (oh * 60 + om);
      } else {
        return false;
      }
    }
    if (p != s.size()) return false;
  }
  out->seconds = DaysFromCivil(y, m, d) * 86400 + hh * 3600 + mm * 60 + ss - int64_t(offset) * 60;
  out->nanos = nanos;
  return true;
}

}  // namespace ferry::internal
