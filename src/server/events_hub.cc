// Copyright (c) the Ferry authors.

#include "server/events_hub.h"

#include <atomic>
#include <memory>

namespace ferry::server {

EventsHub::EventsHub(Operations& ops, size_t kept, std::function<void(const OperationSnapshot&)> on_finished)
    : ops_(ops), kept_(kept), on_finished_(std::move(on_finished)) {}

EventsHub::~EventsHub() {
  std::set<uint64_t> subs;
  {
    std::lock_guard<std::mutex> lock(mu_);
    subs.swap(subscriptions_);
  }
  for (uint64_t s : subs) ops_.Unsubscribe(s);
}

void EventsHub::Track(const std::string& id, uint64_t after_seq) {
  UnsubscribeFinished();
  // The subscription's id is known only after Subscribe returns; the
  // callback learns it through this shared slot.
  auto self = std::make_shared<std::atomic<uint64_t>>(0);
  auto sub = ops_.Subscribe(id, after_seq, [this, self](const OperationEvent& e) {
    Append(e);
    if (e.event.type != EventType::kOperationFinished) return true;
    if (on_finished_) {
      if (auto snap = ops_.Get(e.operation_id); snap.ok()) on_finished_(snap.value());
    }
    std::lock_guard<std::mutex> lock(mu_);
    finished_.insert(self->load());
    return false;
  });
  if (!sub.ok()) return;
  self->store(sub.value());
  std::lock_guard<std::mutex> lock(mu_);
  subscriptions_.insert(sub.value());
}

void EventsHub::UnsubscribeFinished() {
  std::set<uint64_t> done;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (uint64_t s : finished_) {
      if (subscriptions_.erase(s) != 0) done.insert(s);
    }
    for (uint64_t s : done) finished_.erase(s);
  }
  for (uint64_t s : done) ops_.Unsubscribe(s);
}

void EventsHub::Append(const OperationEvent& event) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    events_.push_back(HubEvent{++last_seq_, event});
    while (events_.size() > kept_) events_.pop_front();
  }
  cv_.notify_all();
}

std::vector<HubEvent> EventsHub::After(uint64_t after, std::chrono::milliseconds wait, bool* too_old) {
  std::unique_lock<std::mutex> lock(mu_);
  *too_old = after > last_seq_;  // a number of an earlier server
  if (*too_old) return {};
  if (last_seq_ <= after) {
    cv_.wait_for(lock, wait, [&] { return last_seq_ > after; });
  }
  std::vector<HubEvent> out;
  if (last_seq_ <= after) return out;
  if (events_.empty() || events_.front().seq > after + 1) {
    *too_old = true;
    return out;
  }
  for (const HubEvent& e : events_) {
    if (e.seq > after) out.push_back(e);
  }
  return out;
}

uint64_t EventsHub::last_seq() const {
  std::lock_guard<std::mutex> lock(mu_);
  return last_seq_;
}

void EventsHub::WakeAll() { cv_.notify_all(); }

}  // namespace ferry::server
