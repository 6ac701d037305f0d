// Copyright (c) the Ferry authors.
#include "cli/progress_display.h"

#include "ferry/log.h"

#include <unistd.h>

#include <cstdio>
#include <string>

namespace ferry::cli {

namespace {

constexpr auto kPlainLineEvery = std::chrono::seconds(5);

std::string FormatEta(double s) {
  if (s < 0) return "--:--";
  char buf[32];
  int t = int(s + 0.5);
  if (t >= 3600) std::snprintf(buf, sizeof(buf), "%d:%02d:%02d", t / 3600, (t / 60) % 60, t % 60);
  else std::snprintf(buf, sizeof(buf), "%02d:%02d", t / 60, t % 60);
  return buf;
}

}  // namespace

// With JSON logs, stderr carries only JSON lines: the log's progress
// entries (--log-level debug) take the bar's place.
ProgressDisplay::ProgressDisplay(bool enabled)
    : enabled_(enabled && CurrentLogFormat() != LogFormat::kJson), tty_(::isatty(STDERR_FILENO) == 1), last_line_(std::chrono::steady_clock::now()) {}

void ProgressDisplay::OnEvent(const Event& e) {
  if (!enabled_) return;
  if (e.type == EventType::kStageChanged && e.stage == "waiting") return ShowWait(e.message);
  waiting_ = false;
  double fraction = e.total_bytes > 0 ? double(e.processed_bytes) / double(e.total_bytes) : 0;
  if (fraction > 1) fraction = 1;
  if (e.type == EventType::kProgress) {
    if (tty_) {
      constexpr int kWidth = 30;
      int filled = int(fraction * kWidth);
      std::string bar(size_t(filled), '#');
      bar.append(size_t(kWidth - filled), '.');
      std::fprintf(stderr, "\r%s [%s] %5.1f%%  %llu docs  %.0f docs/s  %.1f MB/s  ETA %s \033[K", e.stage.c_str(),
                   bar.c_str(), fraction * 100, static_cast<unsigned long long>(e.processed_docs), e.docs_per_second,
                   e.mb_per_second, FormatEta(e.eta_seconds).c_str());
      std::fflush(stderr);
      drawn_ = true;
      return;
    }
    auto now = std::chrono::steady_clock::now();
    if (now - last_line_ < kPlainLineEvery) return;
    last_line_ = now;
    std::fprintf(stderr, "progress: %s %.1f%% %llu docs, %.0f docs/s, %.1f MB/s, ETA %s\n", e.stage.c_str(),
                 fraction * 100, static_cast<unsigned long long>(e.processed_docs), e.docs_per_second,
                 e.mb_per_second, FormatEta(e.eta_seconds).c_str());
    return;
  }
  if (e.type == EventType::kCompleted || e.type == EventType::kFailed || e.type == EventType::kRollbackCompleted) {
    if (drawn_) std::fprintf(stderr, "\r\033[K");
    drawn_ = false;
  }
}

// A wait (events.h): redrawn in place on a terminal; otherwise a line when it
// starts, then one every kPlainLineEvery like progress lines.
void ProgressDisplay::ShowWait(const std::string& what) {
  if (tty_) {
    std::fprintf(stderr, "\r%s\033[K", what.c_str());
    std::fflush(stderr);
    drawn_ = true;
    return;
  }
  auto now = std::chrono::steady_clock::now();
  if (waiting_ && now - last_line_ < kPlainLineEvery) return;
  waiting_ = true;
  last_line_ = now;
  std::fprintf(stderr, "progress: %s\n", what.c_str());
}

}  // namespace ferry::cli
