// Copyright (c) the Ferry authors.
//
// `ferry serve`: Ferry's REST API over HTTP (docs/server.md, the OpenAPI
// document docs/openapi.json). One front end on the operations registry
// (ferry/operation.h): every run, check and rollback a client starts is an
// operation, watched by id, with Server-Sent Events.
//
// What it guarantees:
// - Every request but /healthz and /readyz carries a
//   bearer token of the tokens file (server/tokens.h); 401 without one or
//   with a wrong one, 403 outside the token's role. Every mutating request
//   and every refused one is recorded in the audit log of the state.
// - Errors are application/problem+json with Ferry's stable error code.
// - A request with Transfer-Encoding is refused (411) before its body is
//   read (the HTTP library's chunked decoding is not trusted).
// - At most `max_event_streams` event streams at once (503 + Retry-After
//   beyond), each served by its own worker, so streams never starve requests.
// - Serve returns within about 2 seconds of `stop`: running operations are
//   cancelled at a batch boundary (resumable), event streams get a final
//   `server_stopping` event.

#ifndef FERRY_SERVER_SERVER_H_
#define FERRY_SERVER_SERVER_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "ferry/status.h"

namespace ferry::server {

struct ServeOptions {
  // HOST:PORT to listen on; port 0 takes a free port (announced on stdout).
  std::string listen = "127.0.0.1:8080";
  // The tokens file (`ferry token create` makes one). Required.
  std::string tokens;
  // ferry.yaml files or directories holding one; served by name.
  std::vector<std::string> projects;
  // Ferry's state (history, operations, audit): SQLite file or postgres://;
  // "" = .ferry/state.db in the working directory.
  std::string state;
  // Serve HTTPS with this certificate and key (PEM); both or neither.
  std::string tls_cert;
  std::string tls_key;
  // Event streams served at once (more: 503 with Retry-After).
  uint32_t max_event_streams = 64;
  // Workers for other requests (beside the event streams).
  uint32_t request_workers = 16;
  // Worker threads shared by running operations (0 = all cores).
  uint32_t threads = 0;
  // Largest request body, bytes (uploads included).
  uint64_t max_body_bytes = uint64_t(1) << 30;
  // Seconds between heartbeat comments on an idle event stream.
  uint32_t heartbeat_seconds = 10;
};

// One line per route, "METHOD PATH ROLE" ("public" for the routes that need
// no token), in the order they are matched: `ferry serve --routes`.
std::string RouteTable();

// Serves until `stop` becomes true (e.g. set by a SIGTERM handler), then
// shuts down as said above. `on_listening` (may be empty) is called with the
// bound port once requests are accepted. Errors: INVALID_ARGUMENT (options),
// NOT_FOUND (tokens file), PROJECT_ERROR, IO_ERROR (cannot listen).
Status Serve(const ServeOptions& options, const std::atomic<bool>& stop,
             const std::function<void(int port)>& on_listening);

}  // namespace ferry::server

#endif  // FERRY_SERVER_SERVER_H_
