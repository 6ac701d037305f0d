// Copyright (c) the Ferry authors.
#include "cli/numeric_flags.h"

#include <charconv>
#include <cstdio>
#include <cmath>
#include <string>

namespace ferry::cli {

namespace {

// "%g" without trailing noise: 0.1, 86400, 100000.
std::string Text(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.15g", v);
  return buf;
}

template <typename T>
bool ParseWhole(const std::string& s, T* out) {
  const char* end = s.data() + s.size();
  auto [ptr, ec] = std::from_chars(s.data(), end, *out);
  return !s.empty() && ec == std::errc() && ptr == end;
}

}  // namespace

CLI::Validator IntegerIn(int64_t min, int64_t max) {
  const std::string range = "an integer from " + std::to_string(min) + " to " + std::to_string(max);
  return CLI::Validator(
      [min, max, range](std::string& s) -> std::string {
        int64_t v = 0;
        if (!ParseWhole(s, &v) || v < min || v > max) return "'" + s + "' is not " + range;
        return "";
      },
      range, "IntegerIn");
}

CLI::Validator NumberIn(double min, double max) {
  const std::string range = "a number from " + Text(min) + " to " + Text(max);
  return CLI::Validator(
      [min, max, range](std::string& s) -> std::string {
        double v = 0;
        if (!ParseWhole(s, &v) || !std::isfinite(v) || v < min || v > max) return "'" + s + "' is not " + range;
        return "";
      },
      range, "NumberIn");
}

}  // namespace ferry::cli
