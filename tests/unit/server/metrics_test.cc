// Copyright (c) the Ferry authors.

#include "server/metrics.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "util/test_util.h"

namespace ferry::server {
namespace {

bool Has(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos || text.rfind(line + "\n", 0) == 0;
}

OperationSnapshot Finished(OperationKind kind, OperationState state, std::string started, std::string finished) {
  OperationSnapshot s;
  s.id = "op-1";
  s.kind = kind;
  s.state = state;
  s.started_at = std::move(started);
  s.finished_at = std::move(finished);
  return s;
}

TEST(MetricsTest, EveryFamilyHasHelpAndTypeBeforeAnyObservation) {
  Metrics m;
  const std::string text = m.Render({});
  const std::vector<std::pair<std::string, std::string>> families = {
      {"ferry_http_requests_total", "counter"},    {"ferry_http_request_duration_seconds", "histogram"},
      {"ferry_operations_finished_total", "counter"}, {"ferry_records_total", "counter"},
      {"ferry_input_bytes_total", "counter"},      {"ferry_operation_duration_seconds", "histogram"},
      {"ferry_event_streams", "gauge"},            {"ferry_operations", "gauge"}};
  for (const auto& [name, type] : families) {
    EXPECT_NE(text.find("# HELP " + name + " "), std::string::npos) << name;
    EXPECT_TRUE(Has(text, "# TYPE " + name + " " + type)) << name << "\n" << text;
  }
  EXPECT_TRUE(Has(text, "ferry_records_total{outcome=\"migrated\"} 0")) << text;
  EXPECT_TRUE(Has(text, "ferry_input_bytes_total 0"));
  EXPECT_TRUE(Has(text, "ferry_event_streams 0"));
  EXPECT_TRUE(Has(text, "ferry_operations{kind=\"run\",state=\"running\"} 0"));
  EXPECT_TRUE(Has(text, "ferry_operations{kind=\"cleanup\",state=\"cancelling\"} 0"));
}

TEST(MetricsTest, RequestsAreCountedByMethodRouteAndStatusWithCumulativeBuckets) {
  Metrics m;
  m.ObserveRequest("GET", "/api/v1/runs/{id}", 200, 0.004);
  m.ObserveRequest("GET", "/api/v1/runs/{id}", 200, 0.3);
  m.ObserveRequest("GET", "/api/v1/runs/{id}", 404, 20);
  m.ObserveRequest("POST", "/api/v1/runs", 202, 0.01);
  const std::string text = m.Render({});
  EXPECT_TRUE(Has(text, R"(ferry_http_requests_total{method="GET",route="/api/v1/runs/{id}",status="200"} 2)")) << text;
  EXPECT_TRUE(Has(text, R"(ferry_http_requests_total{method="GET",route="/api/v1/runs/{id}",status="404"} 1)"));
  EXPECT_TRUE(Has(text, R"(ferry_http_requests_total{method="POST",route="/api/v1/runs",status="202"} 1)"));
  const std::string b = R"(ferry_http_request_duration_seconds_bucket{route="/api/v1/runs/{id}",le=)";
  EXPECT_TRUE(Has(text, b + R"("0.0025"} 0)"));
  EXPECT_TRUE(Has(text, b + R"("0.005"} 1)"));
  EXPECT_TRUE(Has(text, b + R"("0.25"} 1)"));
  EXPECT_TRUE(Has(text, b + R"("0.5"} 2)"));
  EXPECT_TRUE(Has(text, b + R"("10"} 2)"));
  EXPECT_TRUE(Has(text, b + R"("+Inf"} 3)"));
  EXPECT_TRUE(Has(text, R"(ferry_http_request_duration_seconds_sum{route="/api/v1/runs/{id}"} 20.304)")) << text;
  EXPECT_TRUE(Has(text, R"(ferry_http_request_duration_seconds_count{route="/api/v1/runs/{id}"} 3)"));
  // An observation equal to a bound falls in that bound's bucket (le: less or equal).
  EXPECT_TRUE(Has(text, R"(ferry_http_request_duration_seconds_bucket{route="/api/v1/runs",le="0.01"} 1)"));
}

TEST(MetricsTest, LabelValuesAreEscaped) {
  Metrics m;
  m.ObserveRequest("GET", "a\"b\\c\nd", 200, 0.001);
  const std::string text = m.Render({});
  EXPECT_TRUE(Has(text, R"(ferry_http_requests_total{method="GET",route="a\"b\\c\nd",status="200"} 1)")) << text;
  EXPECT_EQ(text.find("a\"b"), std::string::npos);
  EXPECT_EQ(text.find("c\nd"), std::string::npos);
}

TEST(MetricsTest, FinishedOperationsAddTheirRecordsBytesAndDuration) {
  Metrics m;
  OperationSnapshot run = Finished(OperationKind::kRun, OperationState::kCompleted, "2026-12-07T23:59:00.000Z",
                                   "2026-12-08T00:00:30.500Z");
  run.counters.migrated = 90;
  run.counters.already_at_target = 5;
  run.counters.rejected = 3;
  run.counters.filtered = 2;
  run.counters.conflicts = 1;
  run.counters.bytes = 12345;
  m.ObserveOperationFinished(run);
  run.counters.bytes = 5;
  m.ObserveOperationFinished(run);
  // Cancelled while queued: counted, but it has no duration.
  m.ObserveOperationFinished(Finished(OperationKind::kExport, OperationState::kCancelled, "", "2026-12-08T00:00:01.000Z"));
  const std::string text = m.Render({});
  EXPECT_TRUE(Has(text, R"(ferry_operations_finished_total{kind="run",state="completed"} 2)")) << text;
  EXPECT_TRUE(Has(text, R"(ferry_operations_finished_total{kind="export",state="cancelled"} 1)"));
  EXPECT_TRUE(Has(text, R"(ferry_records_total{outcome="migrated"} 180)"));
  EXPECT_TRUE(Has(text, R"(ferry_records_total{outcome="already_at_target"} 10)"));
  EXPECT_TRUE(Has(text, R"(ferry_records_total{outcome="rejected"} 6)"));
  EXPECT_TRUE(Has(text, R"(ferry_records_total{outcome="filtered"} 4)"));
  EXPECT_TRUE(Has(text, R"(ferry_records_total{outcome="conflicts"} 2)"));
  EXPECT_TRUE(Has(text, "ferry_input_bytes_total 12350"));
  // 90.5 s, across midnight.
  EXPECT_TRUE(Has(text, R"(ferry_operation_duration_seconds_bucket{kind="run",le="60"} 0)"));
  EXPECT_TRUE(Has(text, R"(ferry_operation_duration_seconds_bucket{kind="run",le="120"} 2)"));
  EXPECT_TRUE(Has(text, R"(ferry_operation_duration_seconds_sum{kind="run"} 181)"));
  EXPECT_TRUE(Has(text, R"(ferry_operation_duration_seconds_count{kind="run"} 2)"));
  EXPECT_EQ(text.find(R"(ferry_operation_duration_seconds_count{kind="export"})"), std::string::npos);
}

TEST(MetricsTest, ActiveOperationsAndEventStreamsAreGauges) {
  Metrics m;
  m.SetEventStreams(3);
  std::vector<OperationSnapshot> active = {Finished(OperationKind::kRun, OperationState::kRunning, "", ""),
                                           Finished(OperationKind::kRun, OperationState::kRunning, "", ""),
                                           Finished(OperationKind::kImport, OperationState::kQueued, "", "")};
  std::string text = m.Render(active);
  EXPECT_TRUE(Has(text, "ferry_event_streams 3"));
  EXPECT_TRUE(Has(text, R"(ferry_operations{kind="run",state="running"} 2)")) << text;
  EXPECT_TRUE(Has(text, R"(ferry_operations{kind="import",state="queued"} 1)"));
  EXPECT_TRUE(Has(text, R"(ferry_operations{kind="run",state="queued"} 0)"));
  m.SetEventStreams(0);
  text = m.Render({});
  EXPECT_TRUE(Has(text, "ferry_event_streams 0"));
  EXPECT_TRUE(Has(text, R"(ferry_operations{kind="run",state="running"} 0)"));
}

TEST(MetricsTest, ConcurrentObservationsAreAllCounted) {
  Metrics m;
  constexpr int kThreads = 4;
  constexpr int kEach = 2000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&m] {
      for (int i = 0; i < kEach; ++i) {
        m.ObserveRequest("GET", "/healthz", 200, 0.001);
        if (i % 100 == 0) (void)m.Render({});
      }
    });
  }
  for (std::thread& t : threads) t.join();
  const std::string text = m.Render({});
  EXPECT_TRUE(Has(text, R"(ferry_http_requests_total{method="GET",route="/healthz",status="200"} 8000)")) << text;
  EXPECT_TRUE(Has(text, R"(ferry_http_request_duration_seconds_count{route="/healthz"} 8000)"));
}

// Where scripts/install-deps.sh unpacks Debian's prometheus package; FERRY_PROMTOOL overrides it.
std::string Promtool() {
  if (const char* p = std::getenv("FERRY_PROMTOOL")) return p;
  return "/opt/ferry-tools/prometheus/usr/bin/promtool";
}

// Prometheus' own checker (`promtool check metrics`, parser and linter) accepts the text of
// every family with samples in it, escaped labels included.
TEST(MetricsTest, PromtoolAcceptsTheRenderedText) {
  const std::string promtool = Promtool();
  if (::access(promtool.c_str(), X_OK) != 0) {
    GTEST_SKIP() << "promtool is not at " << promtool << " (scripts/install-deps.sh puts it there)";
  }
  Metrics m;
  m.ObserveRequest("GET", "/api/v1/runs/{id}", 200, 0.004);
  m.ObserveRequest("POST", "odd \"route\" \\ with\nnewline", 500, 3);
  OperationSnapshot run = Finished(OperationKind::kRun, OperationState::kFailed, "2026-12-08T00:00:00.000Z",
                                   "2026-12-08T00:00:02.250Z");
  run.counters.migrated = 7;
  m.ObserveOperationFinished(run);
  m.SetEventStreams(2);
  const std::string dir = test::NewTempDir("metrics_promtool");
  test::WriteFile(dir + "/metrics.txt", m.Render({Finished(OperationKind::kBackupCreate, OperationState::kRunning, "", "")}));
  const std::string command = "'" + promtool + "' check metrics < '" + dir + "/metrics.txt' > '" + dir + "/out.txt' 2>&1";
  const int rc = std::system(command.c_str());
  EXPECT_TRUE(WIFEXITED(rc) && WEXITSTATUS(rc) == 0)
      << "promtool said: " << test::ReadFile(dir + "/out.txt") << "\non:\n" << test::ReadFile(dir + "/metrics.txt");
  if (!HasFailure()) std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace ferry::server
