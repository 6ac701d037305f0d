// Copyright (c) the Ferry authors.
//
// strptime-like date parsing with an explicit format, locale independent,
// hand-written because strptime(3) follows the process locale (%b, %p),
// accepts trailing input and has no %z to UTC conversion, and GCC 12's
// libstdc++ has no std::chrono::parse;
// for the expression function parse_date(s, fmt) and record shaping
// (--parse-date). Also the parse of ISO 8601 dates/datetimes used by date
// range filters.
//
// Directives: %Y (4-digit year), %y (2 digits: 69-99 -> 19xx, 00-68 ->
// 20xx), %m, %d, %H, %I (12-hour, with %p), %M, %S (1 or 2 digits), %b / %B
// (English month name or its 3-letter abbreviation, any case), %p (AM/PM),
// %z (Z, +HH, +HHMM or +HH:MM; the result is converted to UTC), %F
// (%Y-%m-%d), %T (%H:%M:%S), %%. A space in the format matches one or more
// spaces; any other character matches itself. The whole input must match.
// The result is "YYYY-MM-DD" when the format has no time directive, else
// "YYYY-MM-DDTHH:MM:SSZ" (UTC).
//
// Thread safety: pure functions.

#ifndef FERRY_TRANSFORM_DATE_FORMAT_H_
#define FERRY_TRANSFORM_DATE_FORMAT_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace ferry::internal {

// "" when `fmt` is a usable format, else what is wrong with it.
std::string CheckDateFormat(std::string_view fmt);

// Parses `s` with `fmt`. On success writes the ISO form to *iso and returns
// true; else writes the reason to *error (e.g. "expected a 2-digit month at
// offset 3") and returns false.
bool ParseDateWithFormat(std::string_view s, std::string_view fmt, std::string* iso, std::string* error);

// A point in time comparable with <: seconds since 1970-01-01T00:00:00Z and
// nanoseconds.
struct Instant {
  int64_t seconds = 0;
  int32_t nanos = 0;
  bool operator<(const Instant& o) const { return seconds != o.seconds ? seconds < o.seconds : nanos < o.nanos; }
  bool operator<=(const Instant& o) const { return !(o < *this); }
};

// Parses an ISO 8601 date or datetime: YYYY-MM-DD, optionally followed by
// 'T' or ' ' and HH:MM[:SS[.fraction]], optionally followed by Z or
// +HH:MM / -HH:MM (none: UTC). A date alone is midnight UTC.
bool ParseIsoInstant(std::string_view s, Instant* out);

}  // namespace ferry::internal

#endif  // FERRY_TRANSFORM_DATE_FORMAT_H_
