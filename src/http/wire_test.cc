#include "http/wire.h"

#include <gtest/gtest.h>

namespace botmon::http_internal {
namespace {

TEST(AppendResponseHead, JsonWithLength) {
  Response r = Response::Json(200, "{\"a\":1}");
  r.With("X-Extra", "yes");
  std::string head;
  AppendResponseHead(r, {}, &head);
  EXPECT_EQ(head.rfind("HTTP/1.1 200 OK\r\nServer: botmon\r\nDate: ", 0), 0u) << head;
  EXPECT_NE(head.find(" GMT\r\n"), std::string::npos);
  EXPECT_NE(head.find("Content-Type: application/json\r\n"), std::string::npos);
  EXPECT_NE(head.find("Content-Length: 7\r\n"), std::string::npos);
  EXPECT_NE(head.find("X-Extra: yes\r\n"), std::string::npos);
  EXPECT_EQ(head.find("Connection"), std::string::npos);
  EXPECT_EQ(head.substr(head.size() - 4), "\r\n\r\n");
}

TEST(AppendResponseHead, CloseAndKeepAlive10) {
  std::string head;
  AppendResponseHead(Response::Json(404, "{}"), {.close = true}, &head);
  EXPECT_NE(head.find("HTTP/1.1 404 Not Found\r\n"), std::string::npos);
  EXPECT_NE(head.find("Connection: close\r\n"), std::string::npos);
  head.clear();
  AppendResponseHead(Response::Json(200, "{}"), {.keep_alive_10 = true}, &head);
  EXPECT_NE(head.find("Connection: keep-alive\r\n"), std::string::npos);
}

TEST(AppendResponseHead, NoContentHasNoLengthOrType) {
  std::string head;
  AppendResponseHead(Response::NoContent(), {}, &head);
  EXPECT_NE(head.find("HTTP/1.1 204 No Content\r\n"), std::string::npos);
  EXPECT_EQ(head.find("Content-Length"), std::string::npos);
  EXPECT_EQ(head.find("Content-Type"), std::string::npos);
}

TEST(AppendResponseHead, DropsInjectedAndFramingHeaders) {
  Response r = Response::Text(200, "hi");
  r.With("X-Bad", "a\r\nSet-Cookie: evil=1");
  r.With("Bad Name", "x");
  r.With("content-length", "999");
  r.With("Connection", "keep-alive");
  r.With("Cache-Control", "no-store");
  std::string head;
  AppendResponseHead(r, {}, &head);
  EXPECT_EQ(head.find("evil"), std::string::npos);
  EXPECT_EQ(head.find("Bad Name"), std::string::npos);
  EXPECT_EQ(head.find("999"), std::string::npos);
  EXPECT_EQ(head.find("Connection"), std::string::npos);
  EXPECT_NE(head.find("Content-Length: 2\r\n"), std::string::npos);
  EXPECT_NE(head.find("Content-Type: text/plain; charset=utf-8\r\n"), std::string::npos);
  EXPECT_NE(head.find("Cache-Control: no-store\r\n"), std::string::npos);
}

TEST(AppendResponseHead, UnknownStatusHasEmptyPhrase) {
  std::string head;
  AppendResponseHead(Response::Json(299, "{}"), {}, &head);
  EXPECT_EQ(head.rfind("HTTP/1.1 299 \r\n", 0), 0u);
}

TEST(EventStreamHead, HasTheSseHeadersAndNoLength) {
  const std::string head = EventStreamHead();
  EXPECT_NE(head.find("Content-Type: text/event-stream\r\n"), std::string::npos);
  EXPECT_NE(head.find("Cache-Control: no-cache\r\n"), std::string::npos);
  EXPECT_NE(head.find("X-Accel-Buffering: no\r\n"), std::string::npos);
  EXPECT_EQ(head.find("Content-Length"), std::string::npos);
}

TEST(DateHeaderLine, Rfc9110Format) {
  const std::string line(DateHeaderLine());
  // "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
  ASSERT_EQ(line.size(), 37u) << line;
  EXPECT_EQ(line.substr(0, 6), "Date: ");
  EXPECT_EQ(line.substr(line.size() - 6), " GMT\r\n");
}

}  // namespace
}  // namespace botmon::http_internal
