// Copyright (c) the Ferry authors.
#include "common/crash.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstring>
#include <memory>

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define FERRY_SANITIZER_HANDLES_CRASHES 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define FERRY_SANITIZER_HANDLES_CRASHES 1
#endif
#endif

namespace ferry::internal {
namespace {

constexpr int kInternalExitCode = 70;  // INTERNAL (docs/exit-codes.md)
constexpr size_t kKeyBytesShown = 80;

// One thread's published record. Written by its thread, read by the
// handler (maybe on another thread, for a signal sent with kill).
struct Slot {
  std::atomic<bool> taken{false};
  std::atomic<uint64_t> record{0};
  std::atomic<uint64_t> line{0};
  std::atomic<const char*> key{nullptr};
  std::atomic<size_t> key_length{0};
};

constexpr size_t kSlots = 64;
Slot g_slots[kSlots];
std::atomic<bool> g_crashing{false};
thread_local Slot* tls_slot = nullptr;

// The calling thread's slot and alternate stack, released when it ends.
class ThreadCrashState {
 public:
  ThreadCrashState() {
    for (Slot& s : g_slots) {
      bool expected = false;
      if (s.taken.compare_exchange_strong(expected, true)) {
        tls_slot = &s;
        break;
      }
    }
    size_t size = std::max<size_t>(64 * 1024, SIGSTKSZ);
    stack_ = std::make_unique<char[]>(size);
    stack_t ss{};
    ss.ss_sp = stack_.get();
    ss.ss_size = size;
    if (sigaltstack(&ss, nullptr) != 0) stack_.reset();
  }
  ~ThreadCrashState() {
    if (stack_ != nullptr) {
      stack_t ss{};
      ss.ss_flags = SS_DISABLE;
      sigaltstack(&ss, nullptr);
    }
    if (tls_slot != nullptr) {
      tls_slot->record.store(0, std::memory_order_relaxed);
      tls_slot->taken.store(false);
      tls_slot = nullptr;
    }
  }
  ThreadCrashState(const ThreadCrashState&) = delete;
  ThreadCrashState& operator=(const ThreadCrashState&) = delete;

 private:
  std::unique_ptr<char[]> stack_;
};

// A line built with async-signal-safe code only.
class Line {
 public:
  void Add(const char* s) { Add(s, std::strlen(s)); }
  void Add(const char* s, size_t n) {
    for (size_t i = 0; i < n && size_ < sizeof(buf_); ++i) buf_[size_++] = s[i];
  }
  void AddNumber(uint64_t v) {
    char digits[24];
    size_t n = 0;
    do {
      digits[n++] = static_cast<char>('0' + v % 10);
      v /= 10;
    } while (v != 0);
    while (n > 0) Add(&digits[--n], 1);
  }
  // `key` quoted, control bytes as \xHH, at most kKeyBytesShown bytes.
  void AddKey(const char* key, size_t length) {
    static const char kHex[] = "0123456789abcdef";
    Add("\"");
    for (size_t i = 0; i < length && i < kKeyBytesShown; ++i) {
      unsigned char c = static_cast<unsigned char>(key[i]);
      if (c < 0x20 || c == 0x7f || c == '"' || c == '\\') {
        char esc[4] = {'\\', 'x', kHex[c >> 4], kHex[c & 15]};
        Add(esc, 4);
      } else {
        Add(reinterpret_cast<const char*>(&c), 1);
      }
    }
    Add("\"");
    if (length > kKeyBytesShown) {
      Add("... (");
      AddNumber(length);
      Add(" bytes)");
    }
  }
  void Write() const {
    size_t done = 0;
    while (done < size_) {
      ssize_t n = ::write(STDERR_FILENO, buf_ + done, size_ - done);
      if (n <= 0) return;
      done += static_cast<size_t>(n);
    }
  }

 private:
  char buf_[512];
  size_t size_ = 0;
};

[[maybe_unused]] const char* SignalName(int sig) {
  switch (sig) {
    case SIGSEGV: return "SIGSEGV";
    case SIGBUS: return "SIGBUS";
    case SIGFPE: return "SIGFPE";
    case SIGILL: return "SIGILL";
    case SIGABRT: return "SIGABRT";
    default: return "signal";
  }
}

// The crashing thread's record, else (a signal sent from outside) any
// thread's; null when no record is being processed.
[[maybe_unused]] const Slot* RecordInProgress(bool* own) {
  *own = tls_slot != nullptr && tls_slot->record.load(std::memory_order_relaxed) != 0;
  if (*own) return tls_slot;
  for (const Slot& s : g_slots) {
    if (s.taken.load(std::memory_order_relaxed) && s.record.load(std::memory_order_relaxed) != 0) return &s;
  }
  return nullptr;
}

[[maybe_unused]] void OnCrash(int sig, siginfo_t*, void*) {
  // A crash inside the handler (SA_NODEFER lets it in) just exits.
  if (g_crashing.exchange(true)) _exit(kInternalExitCode);
  Line line;
  line.Add("ferry: INTERNAL: crashed (");
  line.Add(SignalName(sig));
  line.Add(")");
  bool own = false;
  if (const Slot* s = RecordInProgress(&own)) {
    line.Add(" while processing record ");
    line.AddNumber(s->record.load(std::memory_order_relaxed));
    uint64_t source_line = s->line.load(std::memory_order_relaxed);
    const char* key = s->key.load(std::memory_order_relaxed);
    size_t key_length = s->key_length.load(std::memory_order_relaxed);
    // Another thread's key may be gone by now: only ours is shown.
    bool show_key = own && key != nullptr && key_length > 0;
    if (source_line != 0 || show_key) {
      line.Add(" (");
      if (source_line != 0) {
        line.Add("line ");
        line.AddNumber(source_line);
        if (show_key) line.Add(", ");
      }
      if (show_key) {
        line.Add("key ");
        line.AddKey(key, key_length);
      }
      line.Add(")");
    }
  }
  line.Add("; please report this bug\n");
  line.Write();
  _exit(kInternalExitCode);
}

}  // namespace

void PrepareThreadForCrashReports() {
#ifndef FERRY_SANITIZER_HANDLES_CRASHES
  // (The sanitizers keep their own alternate stacks: not replaced.)
  thread_local ThreadCrashState state;
#endif
}

void InstallCrashHandler() {
#ifndef FERRY_SANITIZER_HANDLES_CRASHES
  PrepareThreadForCrashReports();
  struct sigaction sa {};
  sa.sa_sigaction = OnCrash;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
  sigemptyset(&sa.sa_mask);
  for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT}) sigaction(sig, &sa, nullptr);
#endif
}

void PublishRecord(uint64_t record, uint64_t line, std::string_view key) {
  Slot* s = tls_slot;
  if (s == nullptr) return;
  s->record.store(record, std::memory_order_relaxed);
  s->line.store(line, std::memory_order_relaxed);
  s->key.store(key.data(), std::memory_order_relaxed);
  s->key_length.store(key.size(), std::memory_order_relaxed);
}

void PublishRecordKey(std::string_view key) {
  Slot* s = tls_slot;
  if (s == nullptr) return;
  s->key.store(key.data(), std::memory_order_relaxed);
  s->key_length.store(key.size(), std::memory_order_relaxed);
}

void ClearPublishedRecord() {
  Slot* s = tls_slot;
  if (s != nullptr) s->record.store(0, std::memory_order_relaxed);
}

}  // namespace ferry::internal
