// Copyright (c) the Ferry authors.

#include "common/civil_time.h"

#include <gtest/gtest.h>

#include <ctime>

namespace ferry::internal {
namespace {

TEST(CivilTimeTest, TheEpochIsDayZero) {
  const CivilDate d = CivilFromDays(0);
  EXPECT_EQ(d.year, 1970);
  EXPECT_EQ(d.month, 1u);
  EXPECT_EQ(d.day, 1u);
  EXPECT_EQ(DaysFromCivil(1970, 1, 1), 0);
}

TEST(CivilTimeTest, LeapDaysAndDatesBeforeTheEpoch) {
  const CivilDate leap = CivilFromDays(DaysFromCivil(2024, 2, 29));
  EXPECT_EQ(leap.year, 2024);
  EXPECT_EQ(leap.month, 2u);
  EXPECT_EQ(leap.day, 29u);
  EXPECT_EQ(DaysFromCivil(2024, 3, 1) - DaysFromCivil(2024, 2, 28), 2);
  EXPECT_EQ(DaysFromCivil(2100, 3, 1) - DaysFromCivil(2100, 2, 28), 1);  // 2100 is no leap year
  const CivilDate before = CivilFromDays(-1);
  EXPECT_EQ(before.year, 1969);
  EXPECT_EQ(before.month, 12u);
  EXPECT_EQ(before.day, 31u);
  EXPECT_EQ(DaysFromCivil(1, 1, 1), -719162);
  EXPECT_EQ(DaysFromCivil(9999, 12, 31), 2932896);
}

// Every day of 1900..2200 agrees with the C library's calendar (gmtime_r).
TEST(CivilTimeTest, AgreesWithGmtimeDayByDay) {
  for (int64_t days = DaysFromCivil(1900, 1, 1); days <= DaysFromCivil(2200, 12, 31); ++days) {
    const time_t t = time_t(days) * 86400;
    std::tm tm{};
    ASSERT_NE(gmtime_r(&t, &tm), nullptr);
    const CivilDate d = CivilFromDays(days);
    ASSERT_EQ(d.year, tm.tm_year + 1900) << days;
    ASSERT_EQ(d.month, unsigned(tm.tm_mon + 1)) << days;
    ASSERT_EQ(d.day, unsigned(tm.tm_mday)) << days;
    ASSERT_EQ(DaysFromCivil(d.year, d.month, d.day), days);
  }
}

}  // namespace
}  // namespace ferry::internal
