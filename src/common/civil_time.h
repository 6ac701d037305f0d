// Copyright (c) the Ferry authors.
//
// Calendar dates <-> day counts since 1970-01-01 (proleptic Gregorian, UTC),
// through std::chrono. For years 1..9999 (what Ferry reads and writes);
// std::chrono covers -32767..32767.

#ifndef FERRY_COMMON_CIVIL_TIME_H_
#define FERRY_COMMON_CIVIL_TIME_H_

#include <chrono>
#include <cstdint>

namespace ferry::internal {

struct CivilDate {
  int year = 1970;
  unsigned month = 1;  // 1..12
  unsigned day = 1;    // 1..31
};

// The date `days` days after 1970-01-01 (before it when negative).
inline CivilDate CivilFromDays(int64_t days) {
  const std::chrono::year_month_day ymd{std::chrono::sys_days(std::chrono::days(days))};
  return {int(ymd.year()), unsigned(ymd.month()), unsigned(ymd.day())};
}

// Days from 1970-01-01 to year-month-day. REQUIRES: a valid date.
inline int64_t DaysFromCivil(int year, unsigned month, unsigned day) {
  using namespace std::chrono;
  return sys_days(year_month_day(std::chrono::year(year), std::chrono::month(month), std::chrono::day(day)))
      .time_since_epoch()
      .count();
}

}  // namespace ferry::internal

#endif  // FERRY_COMMON_CIVIL_TIME_H_
