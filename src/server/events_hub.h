// Copyright (c) the Ferry authors.
//
// The events of every operation the server started, in one numbered stream:
// what GET /api/v1/events without `run` sends. Each event gets a sequence
// number of the hub (1, 2, 3, ... across operations, no gaps), so a client
// that reconnects with Last-Event-ID gets every later event once, in order,
// as long as the last `kept` are enough (else After says so).
//
// Thread safety: every method may be called from any thread.

#ifndef FERRY_SERVER_EVENTS_HUB_H_
#define FERRY_SERVER_EVENTS_HUB_H_

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "ferry/operation.h"

namespace ferry::server {

struct HubEvent {
  uint64_t seq = 0;  // the hub's number
  OperationEvent event;
};

class EventsHub {
 public:
  // Follows operations of `ops` (not owned; must outlive the hub);
  // `on_finished` is called with the snapshot of each operation that ends.
  EventsHub(Operations& ops, size_t kept, std::function<void(const OperationSnapshot&)> on_finished);
  ~EventsHub();
  EventsHub(const EventsHub&) = delete;
  EventsHub& operator=(const EventsHub&) = delete;

  // Follows the operation `id` from its event after `after_seq` (0 for a
  // new operation; the last seen for a resumed one).
  void Track(const std::string& id, uint64_t after_seq);

  // The kept events after hub number `after`, waiting up to `wait` when
  // there are none yet. *too_old is set when events after `after` were
  // dropped (the client must take snapshots instead).
  std::vector<HubEvent> After(uint64_t after, std::chrono::milliseconds wait, bool* too_old);
  // The number of the newest event (0 before the first).
  uint64_t last_seq() const;
  // Wakes every waiting After (the server is stopping).
  void WakeAll();

 private:
  void Append(const OperationEvent& event);
  void UnsubscribeFinished();

  Operations& ops_;
  const size_t kept_;
  std::function<void(const OperationSnapshot&)> on_finished_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<HubEvent> events_;   // guarded by mu_
  uint64_t last_seq_ = 0;         // guarded by mu_
  std::set<uint64_t> subscriptions_;  // guarded by mu_
  std::set<uint64_t> finished_;       // subscriptions that ended; guarded by mu_
};

}  // namespace ferry::server

#endif  // FERRY_SERVER_EVENTS_HUB_H_
