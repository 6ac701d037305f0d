// Copyright (c) the Ferry authors.
//
// Internal: what a crash says. A Ferry bug that ends in SIGSEGV, SIGBUS,
// SIGFPE, SIGILL or SIGABRT (a stack overflow included: the handler runs on
// an alternate stack) prints one line to stderr and exits with INTERNAL's
// code, 70, instead of dying with 139 or 134:
//
//   ferry: INTERNAL: crashed (SIGSEGV) while processing record 12 (line 12, key "wk-1"); please report this bug
//
// Workers publish the record they process (PublishRecord) so the line can
// name it; publishing is a few relaxed stores into a per-thread slot, with
// no allocation. The handler uses async-signal-safe calls only.
//
// Built with AddressSanitizer or ThreadSanitizer, InstallCrashHandler() does
// nothing: the sanitizer's own handlers report crashes there.

#ifndef FERRY_SRC_COMMON_CRASH_H_
#define FERRY_SRC_COMMON_CRASH_H_

#include <cstdint>
#include <string_view>

namespace ferry::internal {

// Installs the crash handler for the process and an alternate signal stack
// for the calling thread. Call once, early in main().
void InstallCrashHandler();

// Gives the calling thread an alternate signal stack (freed when the thread
// ends) and a slot to publish records in (64 slots: a thread beyond them
// publishes nothing). Cheap after the first call.
void PrepareThreadForCrashReports();

// Publishes the record the calling thread starts processing: its 1-based
// number and line in the source (0: unknown) and its key ("" : not known
// yet). `key` must stay valid until the next Publish*/Clear call.
void PublishRecord(uint64_t record, uint64_t line, std::string_view key);
// Sets the key of the record published last (once the record is parsed).
void PublishRecordKey(std::string_view key);
// The calling thread processes no record any more.
void ClearPublishedRecord();

}  // namespace ferry::internal

#endif  // FERRY_SRC_COMMON_CRASH_H_
