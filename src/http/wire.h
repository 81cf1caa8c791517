// The bytes botmon writes before a response body: status line and headers. Internal to the http
// module; pure except for the Date cache (thread-local), so unit-tested without sockets.
#ifndef BOTMON_HTTP_WIRE_H_
#define BOTMON_HTTP_WIRE_H_

#include <string>
#include <string_view>

#include "http/server.h"

namespace botmon::http_internal {

// "OK", "Not Found", ...; "" for a status without a known phrase.
std::string_view ReasonPhrase(int status);

// "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n" for now; formatted at most once per second per thread.
std::string_view DateHeaderLine();

struct HeadOptions {
  bool close = false;          // add "Connection: close"
  bool keep_alive_10 = false;  // an HTTP/1.0 client asked for keep-alive: say we honour it
};

// Appends the status line and headers of `r` (Server, Date, Content-Type, Content-Length, then
// r.headers) and the blank line to *out. Extra headers whose name or value could split the header
// block (CR, LF, or a name that is not a token) are dropped rather than sent, and so are the
// headers the server sets itself (Content-Length, Transfer-Encoding, Connection, Content-Type,
// Server, Date): set Response::content_type instead.
void AppendResponseHead(const Response& r, const HeadOptions& opts, std::string* out);

// A header name is an RFC 9110 token; a value has no CR, LF or NUL.
bool IsValidHeaderName(std::string_view name);
bool IsValidHeaderValue(std::string_view value);

// The head of a text/event-stream reply: no Content-Length, the stream ends when the server closes.
std::string EventStreamHead();

}  // namespace botmon::http_internal

#endif  // BOTMON_HTTP_WIRE_H_
