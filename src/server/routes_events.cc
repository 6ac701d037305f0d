// Copyright (c) the Ferry authors.
//
// GET /api/v1/events[?run=ID]: Server-Sent Events. Each event is
//   id: N          the operation's sequence number (with `run`), else the
//                  events hub's number across all operations
//   event: NAME    run_started, stage_changed, progress, warning, error,
//                  completed, failed, rollback_started, rollback_completed,
//                  operation_finished; and the stream's own: reset (events
//                  after Last-Event-ID are no longer kept: take a snapshot),
//                  server_stopping (the last one before the server stops,
//                  after the operation_finished of what the stop cancelled)
//                  With names=legacy: migration:progress, migration:complete,
//                  migration:error (error, failed), migration:warning.
//   data: JSON     OperationEvent::ToJson
// Last-Event-ID (header, or the `last_event_id` query parameter) replays
// what came after it. A comment line is sent every heartbeat_seconds. With
// `run`, the stream ends after operation_finished.

#include <chrono>
#include <memory>

#include "server/http_problem.h"
#include "server/server_context.h"

namespace ferry::server {

namespace {

using Clock = std::chrono::steady_clock;
// How long a stream waits for events before it looks at the server again.
constexpr std::chrono::milliseconds kPoll(250);

struct Stream {
  std::string run;  // "" = every operation
  bool legacy = false;  // names=legacy: migration:progress ...
  uint64_t after = 0;
  Clock::time_point last_write = Clock::now();
  bool ended = false;
};

// The event's name on the stream; names=legacy keeps the names older
// clients listen to.
std::string_view NameOf(EventType type, const Stream& st) {
  if (st.legacy) {
    switch (type) {
      case EventType::kProgress: return "migration:progress";
      case EventType::kCompleted: return "migration:complete";
      case EventType::kError:
      case EventType::kFailed: return "migration:error";
      case EventType::kWarning: return "migration:warning";
      default: break;
    }
  }
  return EventTypeName(type);
}

std::string Frame(uint64_t id, std::string_view name, const std::string& data) {
  std::string out = "id: " + std::to_string(id) + "\nevent: ";
  out.append(name).append("\ndata: ").append(data).append("\n\n");
  return out;
}

// The events after the client's Last-Event-ID are no longer kept: it takes
// a snapshot and follows on from `last_seq`.
std::string ResetData(uint64_t last_seq) {
  return "{\"type\":\"reset\",\"last_seq\":" + std::to_string(last_seq) +
         ",\"message\":\"events after Last-Event-ID are no longer kept: take a snapshot\"}";
}

bool Write(httplib::DataSink& sink, const std::string& text, Stream& st) {
  st.last_write = Clock::now();
  return sink.write(text.data(), text.size());
}

// The events of one operation after st.after; false when the stream ends.
bool PumpRun(ServerContext& ctx, Stream& st, httplib::DataSink& sink, std::chrono::milliseconds wait) {
  auto events = ctx.ops->Events(st.run, st.after, wait);
  if (!events.ok()) {
    auto snap = ctx.ops->Get(st.run);
    if (!snap.ok()) return false;
    st.after = snap.value().last_seq;
    Write(sink, Frame(st.after, "reset", ResetData(st.after)), st);
    return !IsFinished(snap.value().state);
  }
  for (const OperationEvent& e : events.value()) {
    if (!Write(sink, Frame(e.seq, NameOf(e.event.type, st), e.ToJson()), st)) return false;
    st.after = e.seq;
    if (e.event.type == EventType::kOperationFinished) return false;
  }
  return true;
}

bool PumpAll(ServerContext& ctx, Stream& st, httplib::DataSink& sink, std::chrono::milliseconds wait) {
  bool too_old = false;
  std::vector<HubEvent> events = ctx.hub->After(st.after, wait, &too_old);
  if (too_old) {
    st.after = ctx.hub->last_seq();
    return Write(sink, Frame(st.after, "reset", ResetData(st.after)), st);
  }
  for (const HubEvent& e : events) {
    if (!Write(sink, Frame(e.seq, NameOf(e.event.event.type, st), e.event.ToJson()), st)) return false;
    st.after = e.seq;
  }
  return true;
}

// One turn of the stream: events, a heartbeat when idle, the end.
bool Pump(ServerContext& ctx, Stream& st, httplib::DataSink& sink) {
  if (st.ended) return false;
  if (ctx.closing_streams) {
    // The operations the stop cancelled have finished: their last events,
    // then the stream's own last one.
    if (st.run.empty()) PumpAll(ctx, st, sink, std::chrono::milliseconds(0));
    else PumpRun(ctx, st, sink, std::chrono::milliseconds(0));
    Write(sink, Frame(st.after, "server_stopping",
                      "{\"type\":\"server_stopping\",\"message\":\"the server is stopping\"}"), st);
    sink.done();
    st.ended = true;
    return true;
  }
  const bool more = st.run.empty() ? PumpAll(ctx, st, sink, kPoll) : PumpRun(ctx, st, sink, kPoll);
  if (!more) {
    sink.done();
    st.ended = true;
    return true;
  }
  if (Clock::now() - st.last_write >= std::chrono::seconds(ctx.options.heartbeat_seconds)) {
    return Write(sink, ": heartbeat\n\n", st);
  }
  return sink.is_writable();
}

Result<uint64_t> LastEventId(const Call& call) {
  std::string v = call.req.get_header_value("Last-Event-ID");
  if (v.empty()) v = call.Query("last_event_id");
  if (v.empty()) return uint64_t(0);
  if (v.size() > 19 || v.find_first_not_of("0123456789") != std::string::npos) {
    return Status::InvalidArgument("Last-Event-ID must be the number of an event");
  }
  return uint64_t(std::stoull(v));
}

void Events(Call& call) {
  ServerContext& ctx = call.ctx;
  auto st = std::make_shared<Stream>();
  st->run = call.Query("run");
  st->legacy = call.Query("names") == "legacy";
  FERRY_HTTP_ASSIGN_OR_ANSWER(st->after, call, LastEventId(call));
  if (!st->run.empty()) {
    if (Status s = ctx.ops->Get(st->run).status(); !s.ok()) return call.Problem(s);
  }
  if (ctx.event_streams.fetch_add(1) >= int64_t(ctx.options.max_event_streams)) {
    ctx.event_streams.fetch_sub(1);
    call.res.set_header("Retry-After", "5");
    call.res.status = 503;
    call.res.set_content(ProblemJson(503, "UNAVAILABLE", "too many event streams are open; retry later",
                                     {call.req.path, call.request_id}),
                         kProblemType);
    return;
  }
  call.res.status = 200;
  call.res.set_header("Cache-Control", "no-cache");
  call.res.set_header("X-Accel-Buffering", "no");
  call.res.set_chunked_content_provider(
      "text/event-stream",
      [&ctx, st](size_t, httplib::DataSink& sink) { return Pump(ctx, *st, sink); },
      [&ctx](bool) { ctx.event_streams.fetch_sub(1); });
}

}  // namespace

void AddEventRoutes(std::vector<Route>& routes) {
  routes.push_back(MakeRoute("GET", "/api/v1/events", Role::kViewer, "", Events));
}

}  // namespace ferry::server
