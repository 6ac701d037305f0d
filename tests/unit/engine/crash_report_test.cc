// Copyright (c) the Ferry authors.
//
// The crash handler (src/common/crash.h), in a child process: a stack
// overflow on a worker thread, the one crash no ordinary handler can
// report, ends with INTERNAL's exit code 70 and a line naming the record
// the worker had published. Sanitizer builds keep the sanitizers' handlers
// (ours is not installed there), so the test is skipped.

#include <cstddef>
#include <string_view>
#include <thread>

#include "common/crash.h"
#include "util/test_util.h"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define FERRY_TEST_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define FERRY_TEST_SANITIZED 1
#endif
#endif

namespace ferry::internal {
namespace {

// Uses 4 KiB of stack per level, `depth` levels (far beyond any stack).
[[gnu::noinline, maybe_unused]] size_t Recurse(size_t depth) {
  volatile char frame[4096];
  frame[0] = static_cast<char>(depth);
  size_t below = depth > 0 ? Recurse(depth - 1) : 0;
  return below + static_cast<size_t>(frame[0]);
}

[[maybe_unused]] void OverflowWhileProcessingARecord() {
  InstallCrashHandler();
  std::thread worker([] {
    PrepareThreadForCrashReports();
    static constexpr std::string_view kKey = "wk-\"7\"";
    PublishRecord(7, 9, std::string_view());
    PublishRecordKey(kKey);
    volatile size_t sink = Recurse(size_t{1} << 40);
    (void)sink;
  });
  worker.join();
}

TEST(CrashReportTest, StackOverflowOnAWorkerIsInternalWithTheRecord) {
#ifdef FERRY_TEST_SANITIZED
  GTEST_SKIP() << "sanitizer builds report crashes with the sanitizer's handlers";
#else
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(OverflowWhileProcessingARecord(), ::testing::ExitedWithCode(70),
              R"(ferry: INTERNAL: crashed \(SIGSEGV\) while processing record 7 \(line 9, key "wk-\\x22)"
              R"(7\\x22"\); please report this bug)");
#endif
}

TEST(CrashReportTest, AbortNamesNoRecordWhenNoneIsProcessed) {
#ifdef FERRY_TEST_SANITIZED
  GTEST_SKIP() << "sanitizer builds report crashes with the sanitizer's handlers";
#else
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        InstallCrashHandler();
        PublishRecord(3, 3, "k");
        ClearPublishedRecord();
        std::abort();
      },
      ::testing::ExitedWithCode(70), R"(ferry: INTERNAL: crashed \(SIGABRT\); please report this bug)");
#endif
}

}  // namespace
}  // namespace ferry::internal
