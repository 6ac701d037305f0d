// Copyright (c) the Ferry authors.
//
// The numbers `GET /metrics` shows, in Prometheus' text exposition format
// 0.0.4 (Content-Type "text/plain; version=0.0.4; charset=utf-8"):
//
//   ferry_http_requests_total{method,route,status}      counter
//   ferry_http_request_duration_seconds{route}          histogram (1 ms .. 10 s)
//   ferry_operations_finished_total{kind,state}         counter
//   ferry_records_total{outcome}                        counter: migrated, already_at_target,
//                                                       rejected, filtered, conflicts
//   ferry_input_bytes_total                             counter
//   ferry_operation_duration_seconds{kind}              histogram (0.1 s .. 6 h), started to finished
//   ferry_event_streams                                 gauge
//   ferry_operations{kind,state}                        gauge: the active operations (queued,
//                                                       running, cancelling) of each kind, 0 included
//
// Every family has its HELP and TYPE lines, even before its first sample;
// label values are escaped as the format says (\\, \", \n). Counters count
// since the Metrics object was made (the server's start).
//
//   Metrics m;
//   m.ObserveRequest("GET", "/api/v1/runs/{id}", 200, 0.004);
//   std::string body = m.Render(operations.Active());
//
// Thread safety: every method may be called from any thread at any time.

#ifndef FERRY_SERVER_METRICS_H_
#define FERRY_SERVER_METRICS_H_

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "ferry/operation.h"

namespace ferry::server {

// The Content-Type of Render()'s text.
inline constexpr const char* kMetricsContentType = "text/plain; version=0.0.4; charset=utf-8";

class Metrics {
 public:
  Metrics();
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // One HTTP request answered with `status` after `seconds`. `route` is the
  // route's pattern ("/api/v1/runs/{id}"), never the request's path, so that
  // the number of series stays bounded (use one fixed name, e.g.
  // "unmatched", for requests no route took).
  void ObserveRequest(std::string_view method, std::string_view route, int status, double seconds);

  // An operation that finished (IsFinished(s.state)): counts it by kind and
  // state, adds its records by outcome and its input bytes, and its duration
  // (finished_at - started_at) when it started. Call once per operation.
  void ObserveOperationFinished(const OperationSnapshot& s);

  // The number of event streams (SSE clients) open now.
  void SetEventStreams(int64_t n);

  // Every family as exposition text, with ferry_operations from `active`
  // (what Operations::Active() returns).
  std::string Render(const std::vector<OperationSnapshot>& active) const;

 private:
  // Upper bounds (le) in seconds; counts per bucket, not cumulated.
  struct Histogram {
    explicit Histogram(const std::vector<double>* bounds);
    void Observe(double value);
    const std::vector<double>* bounds;
    std::vector<uint64_t> counts;  // one per bound, then +Inf
    double sum = 0;
    uint64_t count = 0;
  };
  static constexpr size_t kOutcomes = 5;

  void RenderRequests(std::string* out) const;
  void RenderOperations(std::string* out) const;

  mutable std::mutex mu_;
  // guarded by mu_:
  std::map<std::tuple<std::string, std::string, int>, uint64_t> requests_;  // method, route, status
  std::map<std::string, Histogram> request_seconds_;                      // by route
  std::map<std::pair<std::string, std::string>, uint64_t> finished_;       // kind, state
  std::array<uint64_t, kOutcomes> records_{};
  uint64_t input_bytes_ = 0;
  std::map<std::string, Histogram> operation_seconds_;  // by kind
  std::atomic<int64_t> event_streams_{0};
};

}  // namespace ferry::server

#endif  // FERRY_SERVER_METRICS_H_
