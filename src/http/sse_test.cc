// Server-Sent Events over real sockets (SPEC A.4): the first frame, Publish() per audience,
// pings, the client cap, slow clients, and hang-ups.
#include <chrono>
#include <thread>

#include <gtest/gtest.h>

#include "http/server.h"
#include "http/test_client.h"

namespace botmon {
namespace {

using testing::Fetch;
using testing::GetRequest;
using testing::RawClient;
using testing::TestServer;
using SteadyClock = std::chrono::steady_clock;

constexpr char kInitial[] = "event: status\nid: 1\ndata: {\"hello\":1}\n\n";

std::unique_ptr<Router> MakeRouter() {
  auto r = std::make_unique<Router>(testing::TestAuthenticator);
  r->Add(Route(Method::kGet, "/live", Role::kMonitor, [](Request& req, Responder responder) {
    const Audience audience = req.Query("masked") == "1" ? Audience::kMasked : Audience::kFull;
    responder.StartEventStream(kInitial, audience);
  }));
  r->Add(Route(Method::kGet, "/healthz", Role::kNone,
               SyncHandler([](Request&) { return Response::Json(200, "{}"); })));
  return r;
}

std::string LiveRequest(bool masked = false) {
  return GetRequest(masked ? "/live?masked=1" : "/live", {"Authorization: Bearer monitor"});
}

SseFrame Frame(std::string full, std::string masked) {
  SseFrame f;
  if (!full.empty()) f.by_audience[0] = std::make_shared<const std::string>(std::move(full));
  if (!masked.empty()) f.by_audience[1] = std::make_shared<const std::string>(std::move(masked));
  return f;
}

// Waits until `pred` holds (or 3 s pass).
template <typename Pred>
bool Eventually(Pred pred) {
  const auto deadline = SteadyClock::now() + std::chrono::seconds(3);
  while (!pred()) {
    if (SteadyClock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

// Opens a stream and consumes its head and first frame.
void OpenStream(RawClient* c, bool masked = false) {
  ASSERT_TRUE(c->Send(LiveRequest(masked)));
  ASSERT_FALSE(c->ReadUntil(kInitial).empty());
}

TEST(Sse, HeadRetryAndInitialFrame) {
  TestServer s(MakeRouter());
  RawClient c(s.port());
  ASSERT_TRUE(c.Send(LiveRequest()));
  const std::string head = c.ReadUntil("\r\n\r\n");
  ASSERT_FALSE(head.empty());
  EXPECT_EQ(head.rfind("HTTP/1.1 200 OK\r\n", 0), 0u);
  EXPECT_NE(head.find("Content-Type: text/event-stream\r\n"), std::string::npos);
  EXPECT_NE(head.find("Cache-Control: no-cache\r\n"), std::string::npos);
  EXPECT_NE(head.find("X-Accel-Buffering: no\r\n"), std::string::npos);
  EXPECT_EQ(head.find("Content-Length"), std::string::npos);
  const std::string first = c.ReadUntil(kInitial);
  EXPECT_EQ(first, std::string("retry: 2000\n\n") + kInitial);
  EXPECT_EQ(s.server().stats().sse_clients, 1u);
}

TEST(Sse, StreamNeedsItsRoleLikeAnyRoute) {
  TestServer s(MakeRouter());
  const auto r = Fetch(s.port(), GetRequest("/live"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
}

TEST(Sse, PublishReachesEachClientWithItsAudience) {
  TestServer s(MakeRouter());
  RawClient full(s.port());
  RawClient masked(s.port());
  OpenStream(&full);
  OpenStream(&masked, /*masked=*/true);
  ASSERT_TRUE(Eventually([&] { return s.server().stats().sse_clients == 2; }));

  s.server().Publish(Frame("event: session\ndata: {\"user\":\"alice\"}\n\n",
                           "event: session\ndata: {\"user\":\"u-3f2a\"}\n\n"));
  EXPECT_EQ(full.ReadUntil("\n\n"), "event: session\ndata: {\"user\":\"alice\"}\n\n");
  EXPECT_EQ(masked.ReadUntil("\n\n"), "event: session\ndata: {\"user\":\"u-3f2a\"}\n\n");

  // A null payload skips that audience.
  s.server().Publish(Frame("event: points\ndata: 1\n\n", ""));
  s.server().Publish(Frame("event: points\ndata: 2\n\n", "event: points\ndata: 2m\n\n"));
  EXPECT_EQ(full.ReadUntil("\n\n"), "event: points\ndata: 1\n\n");
  EXPECT_EQ(full.ReadUntil("\n\n"), "event: points\ndata: 2\n\n");
  EXPECT_EQ(masked.ReadUntil("\n\n"), "event: points\ndata: 2m\n\n");
}

TEST(Sse, PingsKeepTheStreamAlive) {
  ServerOptions opts;
  opts.sse_ping_ms = 100;
  TestServer s(MakeRouter(), opts);
  RawClient c(s.port());
  OpenStream(&c);
  const auto start = SteadyClock::now();
  EXPECT_EQ(c.ReadUntil("\n\n", 2000), ": ping\n\n");
  EXPECT_EQ(c.ReadUntil("\n\n", 2000), ": ping\n\n");
  EXPECT_LT(SteadyClock::now() - start, std::chrono::seconds(1));
}

TEST(Sse, ClientCapAnswers503) {
  ServerOptions opts;
  opts.max_sse_clients = 2;
  TestServer s(MakeRouter(), opts);
  auto a = std::make_unique<RawClient>(s.port());
  RawClient b(s.port());
  OpenStream(a.get());
  OpenStream(&b);
  RawClient c(s.port());
  ASSERT_TRUE(c.Send(LiveRequest()));
  const auto r = c.ReadResponse();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(r->ErrorCode(), "unavailable");
  // The refused client keeps its keep-alive connection for other requests.
  ASSERT_TRUE(c.Send(GetRequest("/healthz")));
  ASSERT_TRUE(c.ReadResponse());

  a.reset();  // one leaves: its slot is free again
  ASSERT_TRUE(Eventually([&] { return s.server().stats().sse_clients == 1; }));
  RawClient d(s.port());
  OpenStream(&d);
}

TEST(Sse, HangUpIsNoticed) {
  TestServer s(MakeRouter());
  {
    RawClient c(s.port());
    OpenStream(&c);
    ASSERT_TRUE(Eventually([&] { return s.server().stats().sse_clients == 1; }));
  }
  EXPECT_TRUE(Eventually([&] {
    return s.server().stats().sse_clients == 0 && s.server().stats().connections_open == 0;
  }));
}

TEST(Sse, SlowClientIsDroppedNotBuffered) {
  ServerOptions opts;
  opts.sse_queue_bytes = 256 * 1024;
  TestServer s(MakeRouter(), opts);
  RawClient slow(s.port(), /*recv_buffer=*/4096);
  OpenStream(&slow);  // then never reads again
  RawClient fast(s.port());
  OpenStream(&fast);
  ASSERT_TRUE(Eventually([&] { return s.server().stats().sse_clients == 2; }));

  // Frames are published at the pace the fast client reads them. The slow client's kernel
  // buffers absorb a few MB; then its queue passes the cap and it must be dropped, long before
  // 4000 frames (64 MB) have been published.
  const std::string filler(16 * 1024, 'p');
  int published = 0;
  while (s.server().stats().sse_dropped_slow == 0 && published < 4000) {
    const std::string payload =
        "event: points\nid: " + std::to_string(published) + "\ndata: " + filler + "\n\n";
    s.server().Publish(Frame(payload, payload));
    ++published;
    const std::string got = fast.ReadUntil("\n\n");
    ASSERT_EQ(got, payload) << "frame " << published;  // the fast client is unaffected
  }
  EXPECT_EQ(s.server().stats().sse_dropped_slow, 1u);
  EXPECT_LT(published, 4000);
  EXPECT_TRUE(Eventually([&] { return s.server().stats().sse_clients == 1; }));
  EXPECT_TRUE(slow.WaitClosed(3000));
  s.server().Publish(Frame("event: end\ndata: 1\n\n", "event: end\ndata: 1\n\n"));
  EXPECT_EQ(fast.ReadUntil("\n\n"), "event: end\ndata: 1\n\n");
}

}  // namespace
}  // namespace botmon
