// A minimal botmon HTTP server for load tests with wrk (see bench/http.cmake).
#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <thread>

#include "http/server.h"

int main(int argc, char** argv) {
  using namespace botmon;
  // Wait for SIGINT/SIGTERM in this thread; the server threads must not take them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  Router router([](const Request&) { return Principal{}; });
  // 100 bytes of JSON, like a small pre-rendered status reply.
  std::string status =
      R"({"sessions":{"active":12,"peak_today":40},"messages":{"today":1234},"ok":true,"pad":")";
  status.append(100 - status.size() - 2, 'x');
  status.append("\"}");
  router.Add(Route(Method::kGet, "/status", Role::kNone,
                   SyncHandler([status](Request&) { return Response::Json(200, status); })));
  router.Add(Route(Method::kPost, "/ingest", Role::kNone, SyncHandler([](Request& req) {
                     return Response::Json(200,
                                           "{\"bytes\":" + std::to_string(req.body.size()) + "}");
                   }),
                   RouteOptions{.max_body = [] { return size_t{1} << 20; }, .accept_gzip = true}));

  ServerOptions opts;
  opts.listen = "127.0.0.1:0";
  if (argc > 1) opts.io_threads = std::atoi(argv[1]);
  Server server(opts, &router);
  const Status st = server.Listen();
  if (!st.ok()) {
    std::fprintf(stderr, "%s\n", st.ToString().c_str());
    return 1;
  }
  server.Start();
  std::printf("%d\n", server.port());
  std::fflush(stdout);

  // Stop on a signal, or when stdin closes (the driving script went away).
  std::thread stdin_watch([] {
    std::string line;
    while (std::getline(std::cin, line)) {
    }
    kill(getpid(), SIGTERM);
  });
  stdin_watch.detach();
  int sig = 0;
  sigwait(&signals, &sig);
  server.Stop();
  const ServerStats stats = server.stats();
  std::fprintf(stderr, "requests_total=%llu\n",
               static_cast<unsigned long long>(stats.requests_total));
  return 0;
}
