// Copyright (c) the Ferry authors.
//
// Draws engine events on stderr: a redrawn progress bar with ETA on a
// terminal, or a plain line every few seconds otherwise (logs, CI). A wait
// for a database lock shows what the run waits for.

#ifndef FERRY_CLI_PROGRESS_DISPLAY_H_
#define FERRY_CLI_PROGRESS_DISPLAY_H_

#include <chrono>
#include <string>

#include "ferry/events.h"

namespace ferry::cli {

class ProgressDisplay : public EventSink {
 public:
  // `enabled` false: draws nothing (--quiet, --json).
  explicit ProgressDisplay(bool enabled);
  void OnEvent(const Event& event) override;

 private:
  void ShowWait(const std::string& what);

  bool enabled_;
  bool tty_;
  bool drawn_ = false;
  bool waiting_ = false;  // the last event was a wait
  std::chrono::steady_clock::time_point last_line_{};
};

}  // namespace ferry::cli

#endif  // FERRY_CLI_PROGRESS_DISPLAY_H_
