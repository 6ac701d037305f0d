// Copyright (c) the Ferry authors.
#include "server/metrics.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <initializer_list>
#include <optional>

#include "common/civil_time.h"

namespace ferry::server {

namespace {

// Seconds: a request takes milliseconds, an operation up to hours.
const std::vector<double> kRequestBuckets = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                             0.25,  0.5,    1,     2.5,  5,     10};
const std::vector<double> kOperationBuckets = {0.1, 0.5, 1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21600};

constexpr const char* kOutcomeNames[] = {"migrated", "already_at_target", "rejected", "filtered", "conflicts"};
constexpr OperationKind kLastKind = OperationKind::kCleanup;
constexpr OperationState kActiveStates[] = {OperationState::kQueued, OperationState::kRunning,
                                            OperationState::kCancelling};

// A sample value: the shortest text that reads back as `v`; "+Inf", "-Inf",
// "NaN" as the format spells them.
std::string Number(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[32];
  const auto end = std::to_chars(buf, buf + sizeof(buf), v).ptr;
  return std::string(buf, end);
}

std::string Number(uint64_t v) { return std::to_string(v); }

// A label value as the format wants it: backslash, double quote and line
// feed escaped.
std::string EscapeLabelValue(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

using Labels = std::initializer_list<std::pair<std::string_view, std::string_view>>;

// `name{a="x",b="y"} value\n` (no braces without labels).
void Sample(std::string* out, std::string_view name, Labels labels, const std::string& value) {
  out->append(name);
  if (labels.size() > 0) {
    char sep = '{';
    for (const auto& [label, v] : labels) {
      out->push_back(sep);
      out->append(label).append("=\"").append(EscapeLabelValue(v)).push_back('"');
      sep = ',';
    }
    out->push_back('}');
  }
  out->append(" ").append(value).push_back('\n');
}

void Family(std::string* out, std::string_view name, std::string_view type, std::string_view help) {
  out->append("# HELP ").append(name).append(" ").append(help).push_back('\n');
  out->append("# TYPE ").append(name).append(" ").append(type).push_back('\n');
}

// "2026-12-07T15:00:00.123Z" (what OperationSnapshot holds) as seconds since
// the epoch; nullopt for anything else.
std::optional<double> EpochSeconds(const std::string& iso) {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, consumed = 0;
  double second = 0;
  if (std::sscanf(iso.c_str(), "%4d-%2d-%2dT%2d:%2d:%lf%n", &year, &month, &day, &hour, &minute, &second,
                  &consumed) != 6 ||
      iso.substr(size_t(consumed)) != "Z" || month < 1 || month > 12 || day < 1 || day > 31) {
    return std::nullopt;
  }
  const int64_t days = internal::DaysFromCivil(year, unsigned(month), unsigned(day));
  return double(days) * 86400 + hour * 3600 + minute * 60 + second;
}

}  // namespace

Metrics::Histogram::Histogram(const std::vector<double>* bounds) : bounds(bounds), counts(bounds->size() + 1, 0) {}

void Metrics::Histogram::Observe(double value) {
  size_t i = 0;
  while (i < bounds->size() && value > (*bounds)[i]) ++i;
  ++counts[i];
  sum += value;
  ++count;
}

Metrics::Metrics() = default;
Metrics::~Metrics() = default;

void Metrics::ObserveRequest(std::string_view method, std::string_view route, int status, double seconds) {
  std::lock_guard<std::mutex> lock(mu_);
  ++requests_[{std::string(method), std::string(route), status}];
  auto it = request_seconds_.try_emplace(std::string(route), &kRequestBuckets).first;
  it->second.Observe(seconds);
}

void Metrics::ObserveOperationFinished(const OperationSnapshot& s) {
  const OperationCounters& c = s.counters;
  const std::optional<double> started = EpochSeconds(s.started_at);
  const std::optional<double> finished = EpochSeconds(s.finished_at);
  std::lock_guard<std::mutex> lock(mu_);
  ++finished_[{OperationKindName(s.kind), OperationStateName(s.state)}];
  const uint64_t outcomes[kOutcomes] = {c.migrated, c.already_at_target, c.rejected, c.filtered, c.conflicts};
  for (size_t i = 0; i < kOutcomes; ++i) records_[i] += outcomes[i];
  input_bytes_ += c.bytes;
  if (started && finished && *finished >= *started) {
    auto it = operation_seconds_.try_emplace(OperationKindName(s.kind), &kOperationBuckets).first;
    it->second.Observe(*finished - *started);
  }
}

void Metrics::SetEventStreams(int64_t n) { event_streams_.store(n); }

namespace {

void RenderHistogram(std::string* out, std::string_view name, std::string_view label, const std::string& value,
                     const std::vector<double>& bounds, const std::vector<uint64_t>& counts, double sum,
                     uint64_t count) {
  const std::string bucket = std::string(name) + "_bucket";
  uint64_t cumulative = 0;
  for (size_t i = 0; i < counts.size(); ++i) {
    cumulative += counts[i];
    const std::string le = i < bounds.size() ? Number(bounds[i]) : "+Inf";
    Sample(out, bucket, {{label, value}, {"le", le}}, Number(cumulative));
  }
  Sample(out, std::string(name) + "_sum", {{label, value}}, Number(sum));
  Sample(out, std::string(name) + "_count", {{label, value}}, Number(count));
}

}  // namespace

void Metrics::RenderRequests(std::string* out) const {
  Family(out, "ferry_http_requests_total", "counter", "HTTP requests answered, by method, route and status.");
  for (const auto& [key, n] : requests_) {
    const auto& [method, route, status] = key;
    Sample(out, "ferry_http_requests_total", {{"method", method}, {"route", route}, {"status", std::to_string(status)}},
           Number(n));
  }
  Family(out, "ferry_http_request_duration_seconds", "histogram", "Time taken to answer an HTTP request, by route.");
  for (const auto& [route, h] : request_seconds_) {
    RenderHistogram(out, "ferry_http_request_duration_seconds", "route", route, *h.bounds, h.counts, h.sum, h.count);
  }
}

void Metrics::RenderOperations(std::string* out) const {
  Family(out, "ferry_operations_finished_total", "counter", "Operations that finished, by kind and final state.");
  for (const auto& [key, n] : finished_) {
    Sample(out, "ferry_operations_finished_total", {{"kind", key.first}, {"state", key.second}}, Number(n));
  }
  Family(out, "ferry_records_total", "counter", "Records of finished operations, by outcome.");
  for (size_t i = 0; i < kOutcomes; ++i) Sample(out, "ferry_records_total", {{"outcome", kOutcomeNames[i]}}, Number(records_[i]));
  Family(out, "ferry_input_bytes_total", "counter", "Input bytes read by finished operations.");
  Sample(out, "ferry_input_bytes_total", {}, Number(input_bytes_));
  Family(out, "ferry_operation_duration_seconds", "histogram",
         "Time from start to finish of finished operations, by kind.");
  for (const auto& [kind, h] : operation_seconds_) {
    RenderHistogram(out, "ferry_operation_duration_seconds", "kind", kind, *h.bounds, h.counts, h.sum, h.count);
  }
}

std::string Metrics::Render(const std::vector<OperationSnapshot>& active) const {
  std::map<std::pair<OperationKind, OperationState>, uint64_t> now;
  for (const OperationSnapshot& s : active) ++now[{s.kind, s.state}];
  std::string out;
  {
    std::lock_guard<std::mutex> lock(mu_);
    RenderRequests(&out);
    RenderOperations(&out);
  }
  Family(&out, "ferry_event_streams", "gauge", "Event streams (Server-Sent Events clients) open now.");
  Sample(&out, "ferry_event_streams", {}, std::to_string(event_streams_.load()));
  Family(&out, "ferry_operations", "gauge", "Active operations (queued, running, cancelling), by kind and state.");
  for (uint8_t k = 0; k <= uint8_t(kLastKind); ++k) {
    for (OperationState state : kActiveStates) {
      const auto it = now.find({OperationKind(k), state});
      Sample(&out, "ferry_operations", {{"kind", OperationKindName(OperationKind(k))}, {"state", OperationStateName(state)}},
             Number(it == now.end() ? uint64_t(0) : it->second));
    }
  }
  return out;
}

}  // namespace ferry::server
