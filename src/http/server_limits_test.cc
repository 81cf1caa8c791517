// The server's defences over real sockets: body limits (Content-Length, chunked, gzip), content
// encodings, header limits, malformed requests, and timeouts.
#include <chrono>
#include <thread>

#include <gtest/gtest.h>

#include "http/gzip.h"
#include "http/server.h"
#include "http/test_client.h"

namespace botmon {
namespace {

using testing::Fetch;
using testing::GetRequest;
using testing::PostRequest;
using testing::RawClient;
using testing::TestServer;
using SteadyClock = std::chrono::steady_clock;

constexpr size_t kSmallLimit = 1000;

Handler EchoLength() {
  return SyncHandler([](Request& req) {
    return Response::Text(200, std::to_string(req.body.size()) + ":" + req.body.substr(0, 16));
  });
}

uint64_t Fnv1a(std::string_view s) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  return h;
}

// A body that is not all one byte, so that a misplaced chunk changes the hash.
std::string Pattern(size_t n) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>('a' + (i * 7 + i / 1000) % 26);
  return s;
}

std::unique_ptr<Router> MakeRouter() {
  auto r = std::make_unique<Router>(testing::TestAuthenticator);
  r->Add(Route(Method::kGet, "/healthz", Role::kNone,
               SyncHandler([](Request&) { return Response::Json(200, "{}"); })));
  r->Add(Route(Method::kPost, "/echo", Role::kNone, EchoLength()));
  r->Add(Route(Method::kPost, "/hash", Role::kNone, SyncHandler([](Request& req) {
                 return Response::Text(
                     200, std::to_string(req.body.size()) + ":" + std::to_string(Fnv1a(req.body)));
               })));
  r->Add(Route(Method::kPost, "/small", Role::kNone, EchoLength(),
               RouteOptions{.max_body = [] { return kSmallLimit; }}));
  r->Add(Route(Method::kPost, "/gz", Role::kNone, EchoLength(),
               RouteOptions{.max_body = [] { return size_t{100'000}; }, .accept_gzip = true}));
  r->Add(Route(Method::kPost, "/private", Role::kAdmin, EchoLength()));
  return r;
}

// The server still answers normal requests.
void ExpectHealthy(int port) {
  const auto r = Fetch(port, GetRequest("/healthz"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

TEST(ServerLimits, ContentLengthOverLimitIs413BeforeAnyBodyByte) {
  TestServer s(MakeRouter());
  RawClient c(s.port());
  ASSERT_TRUE(c.Send("POST /small HTTP/1.1\r\nHost: x\r\nContent-Length: 50000000\r\n\r\n"));
  // Not a single body byte has been sent: the reply must come anyway.
  const auto r = c.ReadResponse(2000);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_EQ(r->ErrorCode(), "payload_too_large");
  EXPECT_EQ(r->Header("connection"), "close");
  EXPECT_TRUE(c.WaitClosed(3000));
  // The default limit applies to routes without their own (1 MiB).
  const auto big = Fetch(s.port(), PostRequest("/echo", std::string((1 << 20) + 1, 'x')));
  ASSERT_TRUE(big);
  EXPECT_EQ(big->status, 413);
  ExpectHealthy(s.port());
}

TEST(ServerLimits, BodyAtTheLimitIsAccepted) {
  TestServer s(MakeRouter());
  const auto r = Fetch(s.port(), PostRequest("/small", std::string(kSmallLimit, 'b')));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "1000:bbbbbbbbbbbbbbbb");
  const auto big = Fetch(s.port(), PostRequest("/echo", std::string(200 * 1024, 'x')));
  ASSERT_TRUE(big);
  EXPECT_EQ(big->body.substr(0, 7), "204800:");
}

TEST(ServerLimits, BodiesArriveIntactWhateverTheirSizeAndPacing) {
  TestServer s(MakeRouter());
  RawClient c(s.port());
  for (size_t n : {size_t{1}, size_t{5000}, size_t{70'000}, size_t{256 * 1024},
                   size_t{256 * 1024 + 1}, size_t{700'000}, size_t{1} << 20}) {
    const std::string body = Pattern(n);
    ASSERT_TRUE(c.Send(PostRequest("/hash", body)));
    const auto r = c.ReadResponse();
    ASSERT_TRUE(r) << n;
    EXPECT_EQ(r->body, std::to_string(n) + ":" + std::to_string(Fnv1a(body))) << n;
  }
  // Trickled in small pieces, with the next request right behind the body.
  const std::string body = Pattern(300'000);
  const std::string request = PostRequest("/hash", body) + GetRequest("/healthz");
  for (size_t i = 0; i < request.size(); i += 40'000) {
    ASSERT_TRUE(c.Send(std::string_view(request).substr(i, 40'000)));
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  const auto r = c.ReadResponse();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "300000:" + std::to_string(Fnv1a(body)));
  const auto next = c.ReadResponse();
  ASSERT_TRUE(next);
  EXPECT_EQ(next->body, "{}");
}

TEST(ServerLimits, UnauthorizedUploadIsRefusedBeforeItsBody) {
  TestServer s(MakeRouter());
  RawClient c(s.port());
  ASSERT_TRUE(c.Send("POST /private HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\n\r\n"));
  const auto r = c.ReadResponse(2000);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  EXPECT_EQ(r->Header("connection"), "close");  // the unread body cannot stay on the wire
}

TEST(ServerLimits, ChunkedBodiesAreCountedAsTheyArrive) {
  TestServer s(MakeRouter());
  {
    RawClient c(s.port());
    ASSERT_TRUE(
        c.Send("POST /small HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
               "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"));
    const auto r = c.ReadResponse();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, "11:hello world");
  }
  RawClient c(s.port());
  ASSERT_TRUE(c.Send("POST /small HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"));
  const std::string chunk = "200\r\n" + std::string(0x200, 'c') + "\r\n";  // 512 bytes each
  ASSERT_TRUE(c.Send(chunk));
  ASSERT_TRUE(c.Send(chunk));  // 1024 > 1000: over the limit before the body ends
  const auto r = c.ReadResponse(2000);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_EQ(r->ErrorCode(), "payload_too_large");
  EXPECT_TRUE(c.WaitClosed());
  ExpectHealthy(s.port());
}

TEST(ServerLimits, GzipBodiesAreInflatedWithinTheLimit) {
  TestServer s(MakeRouter());
  const std::string text(50'000, 'z');
  const std::string gz = http_internal::GzipForTest(text);
  auto r = Fetch(s.port(), PostRequest("/gz", gz, {"Content-Encoding: gzip"}));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "50000:zzzzzzzzzzzzzzzz");

  // A gzip bomb: ~10 KB on the wire, 10 MB inflated; the route allows 100 KB.
  const std::string bomb = http_internal::GzipForTest(std::string(10'000'000, 'a'));
  ASSERT_LT(bomb.size(), 100'000u);
  RawClient c(s.port());
  ASSERT_TRUE(c.Send(PostRequest("/gz", bomb, {"Content-Encoding: gzip"})));
  r = c.ReadResponse();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_EQ(r->ErrorCode(), "payload_too_large");
  // The body was read in full, so the connection stays usable.
  ASSERT_TRUE(c.Send(PostRequest("/gz", gz, {"Content-Encoding: gzip"})));
  r = c.ReadResponse();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);

  r = Fetch(s.port(), PostRequest("/gz", "definitely not gzip", {"Content-Encoding: gzip"}));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(r->ErrorCode(), "invalid_request");
  r = Fetch(s.port(), PostRequest("/gz", gz.substr(0, gz.size() - 4), {"Content-Encoding: gzip"}));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
}

TEST(ServerLimits, UnsupportedEncodingsAre415) {
  TestServer s(MakeRouter());
  const std::string gz = http_internal::GzipForTest("hello");
  auto r = Fetch(s.port(), PostRequest("/gz", "xx", {"Content-Encoding: br"}));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 415);
  EXPECT_EQ(r->ErrorCode(), "unsupported_media_type");
  r = Fetch(s.port(), PostRequest("/echo", gz, {"Content-Encoding: gzip"}));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 415);
  EXPECT_EQ(r->ErrorCode(), "unsupported_media_type");
  r = Fetch(s.port(), PostRequest("/echo", "plain", {"Content-Encoding: identity"}));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

TEST(ServerLimits, OversizedHeaderIs431) {
  ServerOptions opts;
  opts.max_header_bytes = 4096;
  TestServer s(MakeRouter(), opts);
  RawClient c(s.port());
  ASSERT_TRUE(c.Send(GetRequest("/healthz", {"X-Big: " + std::string(8000, 'h')})));
  const auto r = c.ReadResponse();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 431);
  EXPECT_EQ(r->Header("content-type"), "application/json");
  EXPECT_EQ(r->ErrorCode(), "invalid_request");
  EXPECT_TRUE(c.WaitClosed());
  // A long request line, and many small headers, count too.
  auto r2 = Fetch(s.port(), GetRequest("/healthz?" + std::string(6000, 'q')));
  ASSERT_TRUE(r2);
  EXPECT_EQ(r2->status, 431);
  std::vector<std::string> many;
  for (int i = 0; i < 400; ++i) many.push_back("X-H" + std::to_string(i) + ": v");
  r2 = Fetch(s.port(), GetRequest("/healthz", many));
  ASSERT_TRUE(r2);
  EXPECT_EQ(r2->status, 431);
  ExpectHealthy(s.port());
}

TEST(ServerLimits, MalformedRequestsAre400AndTheServerCarriesOn) {
  TestServer s(MakeRouter());
  const char* cases[] = {
      "HELLO THERE\r\n\r\n",
      "GET\r\n\r\n",
      "GET /healthz HTTP/x.y\r\nHost: x\r\n\r\n",
      "\x01\x02\x03 / HTTP/1.1\r\n\r\n",
      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\nhello",
      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!",
      "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: "
      "chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n",
      "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloXX0\r\n\r\n",
      "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Folded: a\r\n  b\r\n\r\n",
      "GET /healthz HTTP/1.1\r\nHost: x\r\nBad Header: v\r\n\r\n",
      "GET /healthz HTTP/1.1\r\n\r\n",  // HTTP/1.1 without Host
      "GET /heal%00thz HTTP/1.1\r\nHost: x\r\n\r\n",
      "GET /heal%zzthz HTTP/1.1\r\nHost: x\r\n\r\n",
      "GET http://example.com/healthz HTTP/1.1\r\nHost: x\r\n\r\n",
  };
  for (const char* request : cases) {
    RawClient c(s.port());
    ASSERT_TRUE(c.Send(request));
    const auto r = c.ReadResponse(2000);
    ASSERT_TRUE(r) << request;
    EXPECT_EQ(r->status, 400) << request;
    EXPECT_EQ(r->ErrorCode(), "invalid_request") << request;
    EXPECT_EQ(r->Header("connection"), "close") << request;
    EXPECT_TRUE(c.WaitClosed(3000)) << request;
    ExpectHealthy(s.port());
  }
  // Beast's HTTP/1 parser only accepts HTTP/1.0 and HTTP/1.1 request lines.
  for (const char* version : {"HTTP/2.0", "HTTP/1.2", "HTTP/0.9"}) {
    const auto r = Fetch(s.port(), std::string("GET /healthz ") + version + "\r\nHost: x\r\n\r\n");
    ASSERT_TRUE(r) << version;
    EXPECT_EQ(r->status, 400) << version;
  }
}

TEST(ServerLimits, ClientClosingMidRequestIsHarmless) {
  TestServer s(MakeRouter());
  {
    RawClient c(s.port());
    ASSERT_TRUE(c.Send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc"));
  }
  {
    RawClient c(s.port());
    ASSERT_TRUE(c.Send("GET /healthz HTTP/1.1\r\nHo"));
  }
  ExpectHealthy(s.port());
  const auto deadline = SteadyClock::now() + std::chrono::seconds(2);
  while (s.server().stats().connections_open != 0 && SteadyClock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_EQ(s.server().stats().connections_open, 0u);
}

TEST(ServerLimits, Expect100Continue) {
  TestServer s(MakeRouter());
  RawClient c(s.port());
  ASSERT_TRUE(
      c.Send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
             "Expect: 100-continue\r\n\r\n"));
  const auto cont = c.ReadResponse(2000);
  ASSERT_TRUE(cont);
  EXPECT_EQ(cont->status, 100);
  ASSERT_TRUE(c.Send("hello"));
  const auto r = c.ReadResponse();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "5:hello");
}

TEST(ServerLimits, HeaderTimeoutCloses) {
  ServerOptions opts;
  opts.header_timeout_ms = 200;
  TestServer s(MakeRouter(), opts);
  RawClient silent(s.port());
  RawClient partial(s.port());
  ASSERT_TRUE(partial.Send("GET /healthz HTTP/1.1\r\nHost"));
  const auto start = SteadyClock::now();
  EXPECT_TRUE(silent.WaitClosed(2000));
  EXPECT_TRUE(partial.WaitClosed(2000));
  EXPECT_LT(SteadyClock::now() - start, std::chrono::milliseconds(1500));
}

TEST(ServerLimits, BodyTimeoutCloses) {
  ServerOptions opts;
  opts.body_timeout_ms = 200;
  TestServer s(MakeRouter(), opts);
  RawClient c(s.port());
  ASSERT_TRUE(c.Send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly some"));
  EXPECT_TRUE(c.WaitClosed(2000));
}

TEST(ServerLimits, IdleKeepAliveTimeoutCloses) {
  ServerOptions opts;
  opts.idle_timeout_ms = 300;
  TestServer s(MakeRouter(), opts);
  RawClient c(s.port());
  ASSERT_TRUE(c.Send(GetRequest("/healthz")));
  ASSERT_TRUE(c.ReadResponse());
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  ASSERT_TRUE(c.Send(GetRequest("/healthz")));  // within the idle time: still served
  ASSERT_TRUE(c.ReadResponse());
  const auto start = SteadyClock::now();
  EXPECT_TRUE(c.WaitClosed(2000));
  EXPECT_GE(SteadyClock::now() - start, std::chrono::milliseconds(200));
}

}  // namespace
}  // namespace botmon
