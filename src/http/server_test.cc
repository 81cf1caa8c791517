// The server over real sockets: routing and roles on the wire, keep-alive, HEAD, pipelining,
// worker and asynchronous handlers, connection limits, Listen() errors and Stop().
#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "http/server.h"
#include "http/test_client.h"

namespace botmon {
namespace {

using testing::Fetch;
using testing::GetRequest;
using testing::PostRequest;
using testing::RawClient;
using testing::RawResponse;
using testing::TestServer;
using SteadyClock = std::chrono::steady_clock;

struct ThreadLog {
  std::mutex mu;
  std::set<std::thread::id> inline_threads;
  std::set<std::thread::id> worker_threads;
};

std::unique_ptr<Router> MakeRouter(ThreadLog* log = nullptr) {
  auto r = std::make_unique<Router>(testing::TestAuthenticator);
  r->Add(Route(Method::kGet, "/healthz", Role::kNone, SyncHandler([log](Request&) {
                 if (log) {
                   std::lock_guard<std::mutex> lock(log->mu);
                   log->inline_threads.insert(std::this_thread::get_id());
                 }
                 return Response::Json(200, "{\"ok\":true}");
               })));
  r->Add(Route(Method::kGet, "/m", Role::kMonitor, SyncHandler([](Request& req) {
                 return Response::Json(200, "{\"who\":\"" + req.principal.name + "\"}");
               })));
  r->Add(Route(Method::kPost, "/a", Role::kAdmin,
               SyncHandler([](Request&) { return Response::NoContent(); })));
  r->Add(Route(Method::kGet, "/echo/{word}", Role::kNone, SyncHandler([](Request& req) {
                 std::string body = req.params[0] + "|" + req.Query("q").value_or("-") + "|" +
                                    req.remote + "|" + std::string(req.HeaderValue("x-tag"));
                 return Response::Text(200, body);
               })));
  r->Add(Route(Method::kGet, "/worker", Role::kNone, SyncHandler([log](Request& req) {
                 if (log) {
                   std::lock_guard<std::mutex> lock(log->mu);
                   log->worker_threads.insert(std::this_thread::get_id());
                 }
                 if (req.Query("sleep_ms")) {
                   std::this_thread::sleep_for(
                       std::chrono::milliseconds(std::stoi(*req.Query("sleep_ms"))));
                 }
                 return Response::Text(200, "worker");
               }),
               RouteOptions{.exec = Exec::kWorker}));
  r->Add(Route(Method::kGet, "/async", Role::kNone, [](Request& req, Responder responder) {
    const int delay = std::stoi(req.Query("ms").value_or("50"));
    std::thread([responder = std::move(responder), delay]() mutable {
      std::this_thread::sleep_for(std::chrono::milliseconds(delay));
      responder.Send(Response::Text(202, "later"));
    }).detach();
  }));
  r->Add(Route(Method::kGet, "/drop", Role::kNone, [](Request&, Responder) {}));
  r->Add(Route(Method::kGet, "/throw", Role::kNone,
               [](Request&, Responder) { throw std::runtime_error("boom"); }));
  r->Add(Route(Method::kGet, "/live", Role::kNone, [](Request&, Responder responder) {
    responder.StartEventStream("event: status\ndata: {}\n\n", Audience::kFull);
  }));
  return r;
}

TEST(Server, ListensOnPortZero) {
  TestServer s(MakeRouter());
  EXPECT_GT(s.port(), 0);
  const auto r = Fetch(s.port(), GetRequest("/healthz"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "{\"ok\":true}");
  EXPECT_EQ(r->Header("content-type"), "application/json");
  EXPECT_EQ(r->Header("content-length"), "11");
  EXPECT_EQ(r->Header("server"), "botmon");
  EXPECT_TRUE(r->Header("date").has_value());
}

TEST(Server, AddressInUseIsAClearError) {
  TestServer first(MakeRouter());
  Router router(nullptr);
  ServerOptions opts;
  opts.listen = "127.0.0.1:" + std::to_string(first.port());
  Server second(opts, &router);
  const Status st = second.Listen();
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("address already in use"), std::string::npos) << st.ToString();
  EXPECT_NE(st.message().find(opts.listen), std::string::npos);
  second.Start();  // without a successful Listen(), Start() and Stop() do nothing harmful
  second.Stop();
}

TEST(Server, BadListenAddresses) {
  Router router(nullptr);
  for (const char* listen : {"nohost:80", "127.0.0.1", "127.0.0.1:", "127.0.0.1:99999",
                             "127.0.0.1:-1", "127.0.0.1:80x", "300.1.1.1:80", ":80"}) {
    ServerOptions opts;
    opts.listen = listen;
    Server s(opts, &router);
    const Status st = s.Listen();
    EXPECT_EQ(st.code(), StatusCode::kInvalidArgument) << listen << ": " << st.ToString();
  }
  ServerOptions opts;
  opts.listen = "localhost:0";
  Server s(opts, &router);
  EXPECT_TRUE(s.Listen().ok());
  EXPECT_GT(s.port(), 0);
  EXPECT_FALSE(s.Listen().ok());  // only once
}

TEST(Server, RolesOnTheWire) {
  TestServer s(MakeRouter());
  auto r = Fetch(s.port(), GetRequest("/m"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  EXPECT_EQ(r->ErrorCode(), "unauthorized");
  EXPECT_EQ(r->Header("www-authenticate"), "Bearer");
  EXPECT_EQ(r->Header("content-type"), "application/json");

  r = Fetch(s.port(), GetRequest("/m", {"Authorization: Bearer nope"}));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  EXPECT_EQ(r->Header("www-authenticate"), "Bearer");

  r = Fetch(s.port(), GetRequest("/m", {"Authorization: Bearer ingest"}));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403);
  EXPECT_EQ(r->ErrorCode(), "forbidden");

  r = Fetch(s.port(), PostRequest("/a", "", {"Authorization: Bearer monitor"}));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403);

  r = Fetch(s.port(), GetRequest("/m", {"Authorization: Bearer admin"}));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "{\"who\":\"admin\"}");

  r = Fetch(s.port(), PostRequest("/a", "", {"Authorization: Bearer admin"}));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 204);
  EXPECT_FALSE(r->Header("content-length").has_value());

  r = Fetch(s.port(), GetRequest("/nowhere"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(r->ErrorCode(), "not_found");

  r = Fetch(s.port(), PostRequest("/healthz", "x"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 405);
  EXPECT_EQ(r->Header("allow"), "GET, HEAD");
}

TEST(Server, RequestFieldsAreFilled) {
  TestServer s(MakeRouter());
  const auto r = Fetch(s.port(), GetRequest("/echo/h%C3%A9llo?q=a+b%21", {"X-Tag: t1"}));
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200);
  const std::string expected_start = "h\xc3\xa9llo|a b!|127.0.0.1:";
  EXPECT_EQ(r->body.substr(0, expected_start.size()), expected_start);
  EXPECT_EQ(r->body.substr(r->body.size() - 3), "|t1");
}

TEST(Server, KeepAliveServesSeveralRequestsOnOneConnection) {
  TestServer s(MakeRouter());
  RawClient c(s.port());
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(c.Send(GetRequest("/echo/w" + std::to_string(i))));
    const auto r = c.ReadResponse();
    ASSERT_TRUE(r) << i;
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body.substr(0, 2 + (i >= 10)), "w" + std::to_string(i));
    EXPECT_FALSE(r->Header("connection").has_value());
  }
  EXPECT_EQ(s.server().stats().connections_open, 1u);
  EXPECT_GE(s.server().stats().requests_total, 5u);
}

TEST(Server, HeadHasLengthButNoBody) {
  TestServer s(MakeRouter());
  RawClient c(s.port());
  ASSERT_TRUE(c.Send("HEAD /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
  const auto head = c.ReadResponse(5000, /*head=*/true);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->Header("content-length"), "11");
  // No body bytes followed: the next reply on the connection parses cleanly.
  ASSERT_TRUE(c.Send(GetRequest("/healthz")));
  const auto get = c.ReadResponse();
  ASSERT_TRUE(get);
  EXPECT_EQ(get->body, "{\"ok\":true}");
}

TEST(Server, ErrorAfterHeadStillCarriesItsBody) {
  TestServer s(MakeRouter());
  RawClient c(s.port());
  ASSERT_TRUE(c.Send("HEAD /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_TRUE(c.ReadResponse(5000, /*head=*/true));
  ASSERT_TRUE(c.Send("HELLO THERE\r\n\r\n"));  // fails before its header is understood
  const auto r = c.ReadResponse();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(r->ErrorCode(), "invalid_request");
}

TEST(Server, PipelinedRequestsAnsweredInOrder) {
  TestServer s(MakeRouter());
  RawClient c(s.port());
  std::string batch;
  // Mixed inline, async and worker routes: the replies must still come back in request order.
  batch += GetRequest("/echo/one");
  batch += GetRequest("/async?ms=30");
  batch += GetRequest("/echo/three");
  batch += GetRequest("/worker");
  batch += GetRequest("/echo/five");
  ASSERT_TRUE(c.Send(batch));
  std::vector<std::string> bodies;
  for (int i = 0; i < 5; ++i) {
    const auto r = c.ReadResponse();
    ASSERT_TRUE(r) << i;
    bodies.push_back(r->body.substr(0, r->body.find('|')));
  }
  EXPECT_EQ(bodies, (std::vector<std::string>{"one", "later", "three", "worker", "five"}));
}

TEST(Server, Http10ClosesUnlessKeepAliveAsked) {
  TestServer s(MakeRouter());
  {
    RawClient c(s.port());
    ASSERT_TRUE(c.Send("GET /healthz HTTP/1.0\r\n\r\n"));
    const auto r = c.ReadResponse();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->Header("connection"), "close");
    EXPECT_TRUE(c.WaitClosed());
  }
  RawClient c(s.port());
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(c.Send("GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
    const auto r = c.ReadResponse();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->Header("connection"), "keep-alive");
  }
}

TEST(Server, ConnectionCloseIsHonoured) {
  TestServer s(MakeRouter());
  RawClient c(s.port());
  ASSERT_TRUE(c.Send(GetRequest("/healthz", {"Connection: close"})));
  const auto r = c.ReadResponse();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->Header("connection"), "close");
  EXPECT_TRUE(c.WaitClosed());
}

TEST(Server, WorkerRoutesRunOffTheIoThreads) {
  ThreadLog log;
  ServerOptions opts;
  opts.io_threads = 1;
  opts.worker_threads = 2;
  TestServer s(MakeRouter(&log), opts);
  // A worker handler that blocks for 400 ms must not delay an inline request on the single I/O
  // thread.
  RawClient slow(s.port());
  ASSERT_TRUE(slow.Send(GetRequest("/worker?sleep_ms=400")));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  const auto start = SteadyClock::now();
  const auto quick = Fetch(s.port(), GetRequest("/healthz"));
  const auto elapsed = SteadyClock::now() - start;
  ASSERT_TRUE(quick);
  EXPECT_EQ(quick->status, 200);
  EXPECT_LT(elapsed, std::chrono::milliseconds(300));
  const auto slow_reply = slow.ReadResponse();
  ASSERT_TRUE(slow_reply);
  EXPECT_EQ(slow_reply->body, "worker");

  std::lock_guard<std::mutex> lock(log.mu);
  ASSERT_FALSE(log.inline_threads.empty());
  ASSERT_FALSE(log.worker_threads.empty());
  for (const auto& id : log.worker_threads) EXPECT_EQ(log.inline_threads.count(id), 0u);
}

TEST(Server, ResponderAnsweredLaterFromAnotherThread) {
  TestServer s(MakeRouter());
  RawClient c(s.port());
  ASSERT_TRUE(c.Send(GetRequest("/async?ms=100")));
  const auto r = c.ReadResponse();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 202);
  EXPECT_EQ(r->body, "later");
  ASSERT_TRUE(c.Send(GetRequest("/healthz")));  // the connection is still usable
  ASSERT_TRUE(c.ReadResponse());
}

TEST(Server, DroppedResponderAndThrowingHandlerAnswer500) {
  TestServer s(MakeRouter());
  RawClient c(s.port());
  for (const char* path : {"/drop", "/throw"}) {
    ASSERT_TRUE(c.Send(GetRequest(path)));
    const auto r = c.ReadResponse();
    ASSERT_TRUE(r) << path;
    EXPECT_EQ(r->status, 500);
    EXPECT_EQ(r->ErrorCode(), "internal");
  }
}

TEST(Server, TwoHundredConcurrentConnections) {
  TestServer s(MakeRouter());
  constexpr int kClients = 200;
  std::vector<std::unique_ptr<RawClient>> clients;
  for (int i = 0; i < kClients; ++i) {
    clients.push_back(std::make_unique<RawClient>(s.port()));
    ASSERT_TRUE(clients.back()->connected()) << i;
  }
  for (int i = 0; i < kClients; ++i) {
    ASSERT_TRUE(clients[i]->Send(GetRequest("/echo/c" + std::to_string(i))));
  }
  int ok = 0;
  for (int i = 0; i < kClients; ++i) {
    const auto r = clients[i]->ReadResponse();
    if (r && r->status == 200 && r->body.rfind("c" + std::to_string(i) + "|", 0) == 0) ++ok;
  }
  EXPECT_EQ(ok, kClients);
  EXPECT_EQ(s.server().stats().connections_open, static_cast<uint64_t>(kClients));
}

TEST(Server, OverMaxConnectionsGets503) {
  ServerOptions opts;
  opts.max_connections = 2;
  TestServer s(MakeRouter(), opts);
  RawClient a(s.port());
  RawClient b(s.port());
  ASSERT_TRUE(a.Send(GetRequest("/healthz")));
  ASSERT_TRUE(a.ReadResponse());
  ASSERT_TRUE(b.Send(GetRequest("/healthz")));
  ASSERT_TRUE(b.ReadResponse());
  RawClient c(s.port());
  const auto r = c.ReadResponse();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(r->ErrorCode(), "unavailable");
  EXPECT_TRUE(c.WaitClosed());
  a.Close();
  // Once a slot is free, connections are served again.
  const auto deadline = SteadyClock::now() + std::chrono::seconds(2);
  while (s.server().stats().connections_open > 1 && SteadyClock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  const auto again = Fetch(s.port(), GetRequest("/healthz"));
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 200);
}

TEST(Server, StopIsQuickWithOpenStreamsAndIdleConnections) {
  auto router = MakeRouter();
  ServerOptions opts;
  opts.listen = "127.0.0.1:0";
  Server server(opts, router.get());
  ASSERT_TRUE(server.Listen().ok());
  server.Start();
  std::vector<std::unique_ptr<RawClient>> clients;
  for (int i = 0; i < 5; ++i) {
    clients.push_back(std::make_unique<RawClient>(server.port()));
    ASSERT_TRUE(clients.back()->Send(GetRequest("/live")));
    ASSERT_FALSE(clients.back()->ReadUntil("data: {}\n\n").empty());
  }
  for (int i = 0; i < 5; ++i) {
    clients.push_back(std::make_unique<RawClient>(server.port()));
    ASSERT_TRUE(clients.back()->Send(GetRequest("/healthz")));
    ASSERT_TRUE(clients.back()->ReadResponse());
  }
  clients.push_back(std::make_unique<RawClient>(server.port()));  // connected, never sends
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(server.stats().sse_clients, 5u);

  const auto start = SteadyClock::now();
  server.Stop();
  EXPECT_LT(SteadyClock::now() - start, std::chrono::seconds(3));
  for (auto& c : clients) EXPECT_TRUE(c->WaitClosed(1000));
  server.Stop();  // idempotent
  EXPECT_FALSE(Fetch(server.port(), GetRequest("/healthz")).has_value());
}

TEST(Server, StopLetsAnInFlightReplyFinish) {
  auto router = MakeRouter();
  ServerOptions opts;
  opts.listen = "127.0.0.1:0";
  Server server(opts, router.get());
  ASSERT_TRUE(server.Listen().ok());
  server.Start();
  RawClient c(server.port());
  ASSERT_TRUE(c.Send(GetRequest("/async?ms=200")));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  auto stopped = std::async(std::launch::async, [&server] { server.Stop(2000); });
  const auto r = c.ReadResponse();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 202);
  EXPECT_EQ(r->Header("connection"), "close");
  stopped.get();
}

TEST(Server, StopGivesUpOnAHandlerThatNeverAnswers) {
  std::mutex mu;
  std::vector<Responder> kept;
  auto router = std::make_unique<Router>(nullptr);
  router->Add(Route(Method::kGet, "/hang", Role::kNone, [&](Request&, Responder r) {
    std::lock_guard<std::mutex> lock(mu);
    kept.push_back(std::move(r));
  }));
  // Declared before the server so that it outlives it: its destructor then answers (500) into
  // a server that no longer exists, which must be a no-op.
  Responder outliving;
  {
    ServerOptions opts;
    opts.listen = "127.0.0.1:0";
    Server server(opts, router.get());
    ASSERT_TRUE(server.Listen().ok());
    server.Start();
    RawClient c1(server.port());
    RawClient c2(server.port());
    ASSERT_TRUE(c1.Send(GetRequest("/hang")));
    ASSERT_TRUE(c2.Send(GetRequest("/hang")));
    const auto deadline = SteadyClock::now() + std::chrono::seconds(5);
    while (SteadyClock::now() < deadline) {
      {
        std::lock_guard<std::mutex> lock(mu);
        if (kept.size() == 2) break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    std::lock_guard<std::mutex> lock(mu);
    ASSERT_EQ(kept.size(), 2u);
    const auto start = SteadyClock::now();
    server.Stop(200);
    EXPECT_LT(SteadyClock::now() - start, std::chrono::seconds(2));
    EXPECT_TRUE(c1.WaitClosed(1000));
    EXPECT_TRUE(c2.WaitClosed(1000));
    kept[0].Send(Response::Json(200, "{}"));  // after Stop: dropped, no crash
    outliving = std::move(kept[1]);
  }
  EXPECT_FALSE(outliving.answered());
}

}  // namespace
}  // namespace botmon
