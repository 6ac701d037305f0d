// Copyright (c) the Ferry authors.

#include "cli/serve_command.h"

#include <csignal>
#include <cstdio>
#include <cstdlib>

#include "cli/numeric_flags.h"
#include "cli/output.h"
#include "ferry/run.h"
#include "server/server.h"

namespace ferry::cli {

namespace {

server::ServeOptions g_options;
CLI::App* g_serve = nullptr;
std::atomic<bool> g_stop{false};
bool g_routes = false;
std::string g_max_body;

extern "C" void OnServeSignal(int) {
  if (g_stop.load()) std::_Exit(130);  // the second signal: at once
  g_stop.store(true);
}

int Serve() {
  if (!g_max_body.empty()) {
    auto bytes = ParseByteSize(g_max_body);
    if (!bytes.ok()) return Fail(Status::InvalidArgument("--max-body: " + bytes.status().message()));
    g_options.max_body_bytes = bytes.value();
  }
  if (g_routes) {
    std::fputs(server::RouteTable().c_str(), stdout);
    return 0;
  }
  std::signal(SIGINT, OnServeSignal);
  std::signal(SIGTERM, OnServeSignal);
  Status s = server::Serve(g_options, g_stop, [](int port) {
    std::printf("ferry serve: listening on %s://%s:%d (%zu projects); stop with Ctrl-C or SIGTERM\n",
                g_options.tls_cert.empty() ? "http" : "https",
                g_options.listen.substr(0, g_options.listen.rfind(':')).c_str(), port, g_options.projects.size());
    std::fflush(stdout);
  });
  if (!s.ok()) return Fail(s);
  std::printf("ferry serve: stopped\n");
  return 0;
}

}  // namespace

void RegisterServeCommand(CLI::App& app) {
  g_serve = app.add_subcommand("serve", "the REST API: start, watch, cancel and resume runs over HTTP "
                                        "(docs/server.md)");
  g_serve->add_option("--listen", g_options.listen, "HOST:PORT to listen on (port 0: any free port)")
      ->capture_default_str();
  g_serve->add_option("--tokens", g_options.tokens, "the tokens file (`ferry token create`); required");
  g_serve->add_flag("--routes", g_routes, "print every route with the role it needs, and exit");
  g_serve->add_option("-p,--project", g_options.projects, "a ferry.yaml or its directory, served by name (repeat)");
  g_serve->add_option("--state", g_options.state, "Ferry's state: an SQLite file or postgres:// URI")
      ->envname("FERRY_STATE");
  g_serve->add_option("--tls-cert", g_options.tls_cert, "serve HTTPS with this PEM certificate");
  g_serve->add_option("--tls-key", g_options.tls_key, "... and this PEM private key");
  g_serve->add_option("--max-event-streams", g_options.max_event_streams, "event streams at once (more get 503)")
      ->capture_default_str()
      ->check(IntegerIn(1, 10000));
  g_serve->add_option("--max-body", g_max_body, "largest request body, uploads included (e.g. 200MB; default 1GB)");
  g_serve->add_option("--threads", g_options.threads, "worker threads shared by running operations (0: all cores)")
      ->capture_default_str()
      ->check(IntegerIn(0, 1024));
}

bool RunServeCommand(int* exit_code) {
  if (g_serve == nullptr || !g_serve->parsed()) return false;
  *exit_code = Serve();
  return true;
}

}  // namespace ferry::cli
