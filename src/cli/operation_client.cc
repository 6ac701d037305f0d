// Copyright (c) the Ferry authors.

#include "cli/operation_client.h"

#include <atomic>
#include <chrono>
#include <future>

namespace ferry::cli {

namespace {

// Forwards the job's events to `sink` until the operation's last event.
Result<uint64_t> Follow(Operations& ops, const std::string& id, EventSink* sink, std::promise<void>* ended) {
  return ops.Subscribe(id, 0, [sink, ended](const OperationEvent& e) {
    if (!e.state_change && sink != nullptr) sink->OnEvent(e.event);
    if (e.event.type != EventType::kOperationFinished) return true;
    ended->set_value();
    return false;
  });
}

// Waits for the operation, passing a signal's cancel request on once.
OperationSnapshot WaitCancellable(Operations& ops, const std::string& id, const std::atomic<bool>* cancel,
                                  const std::atomic<bool>* stop_now) {
  bool asked = false, asked_now = false;
  while (true) {
    auto s = ops.Wait(id, std::chrono::milliseconds(50));
    if (s.ok() && IsFinished(s->state)) return std::move(s).value();
    const bool now = stop_now != nullptr && stop_now->load();
    if ((!asked && cancel != nullptr && cancel->load()) || (now && !asked_now)) {
      (void)ops.Cancel(id, now);
      asked = true;
      asked_now = now;
    }
  }
}

}  // namespace

Result<OperationSnapshot> RunOperation(OperationRequest request, const Follower& follower) {
  OperationsOptions registry;
  registry.keep_history = false;  // the jobs record themselves in the state
  registry.max_running = 1;
  registry.threads = follower.threads;
  FERRY_ASSIGN_OR_RETURN(std::unique_ptr<Operations> ops, Operations::Open(registry));
  FERRY_ASSIGN_OR_RETURN(std::string id, ops->Start(std::move(request)));
  std::promise<void> ended;
  FERRY_ASSIGN_OR_RETURN(uint64_t subscription, Follow(*ops, id, follower.events, &ended));
  OperationSnapshot done = WaitCancellable(*ops, id, follower.cancel, follower.stop_now);
  ended.get_future().wait();  // every event drawn before the summary
  ops->Unsubscribe(subscription);
  return done;
}

Result<RunReport> RunAsOperation(std::shared_ptr<const Project> project, RunOptions options, OperationKind kind) {
  const Follower follower{options.control.events, options.control.cancel, options.control.stop_now,
                          options.pipeline.threads};
  OperationRequest request;
  request.kind = kind;
  request.project = std::move(project);
  request.run = std::move(options);
  FERRY_ASSIGN_OR_RETURN(OperationSnapshot done, RunOperation(std::move(request), follower));
  if (done.run_report == nullptr) return done.status;
  return *done.run_report;
}

}  // namespace ferry::cli
