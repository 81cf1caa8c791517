#include "http/wire.h"

#include <charconv>
#include <cstdio>
#include <ctime>

namespace botmon::http_internal {

std::string_view ReasonPhrase(int status) {
  switch (status) {
    case 100:
      return "Continue";
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 202:
      return "Accepted";
    case 204:
      return "No Content";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 303:
      return "See Other";
    case 304:
      return "Not Modified";
    case 307:
      return "Temporary Redirect";
    case 308:
      return "Permanent Redirect";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 411:
      return "Length Required";
    case 413:
      return "Content Too Large";
    case 414:
      return "URI Too Long";
    case 415:
      return "Unsupported Media Type";
    case 422:
      return "Unprocessable Content";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    case 505:
      return "HTTP Version Not Supported";
    default:
      return "";
  }
}

std::string_view DateHeaderLine() {
  struct Cache {
    time_t second = -1;
    char line[64] = {};
    size_t size = 0;
  };
  thread_local Cache cache;
  const time_t now = time(nullptr);
  if (now != cache.second) {
    tm parts;
    gmtime_r(&now, &parts);
    cache.size =
        strftime(cache.line, sizeof(cache.line), "Date: %a, %d %b %Y %H:%M:%S GMT\r\n", &parts);
    cache.second = now;
  }
  return std::string_view(cache.line, cache.size);
}

bool IsValidHeaderName(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    const bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (!alnum && std::string_view("!#$%&'*+-.^_`|~").find(c) == std::string_view::npos) {
      return false;
    }
  }
  return true;
}

bool IsValidHeaderValue(std::string_view value) {
  return value.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

namespace {

bool IsFramingHeader(std::string_view name) {
  auto eq = [name](std::string_view lower) {
    if (name.size() != lower.size()) return false;
    for (size_t i = 0; i < name.size(); ++i) {
      char c = name[i];
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      if (c != lower[i]) return false;
    }
    return true;
  };
  return eq("content-length") || eq("transfer-encoding") || eq("connection") ||
         eq("content-type") || eq("server") || eq("date");
}

}  // namespace

void AppendResponseHead(const Response& r, const HeadOptions& opts, std::string* out) {
  char number[24];
  out->append("HTTP/1.1 ");
  auto res = std::to_chars(number, number + sizeof(number), r.status);
  out->append(number, res.ptr);
  out->push_back(' ');
  out->append(ReasonPhrase(r.status));
  out->append("\r\nServer: botmon\r\n");
  out->append(DateHeaderLine());
  // 1xx and 204 carry no body and, per RFC 9110 8.6, no Content-Length either; a 304 may carry
  // one only if it equals the 200's length, so it sends none (the dashboard's revalidations).
  const bool bodiless = r.status < 200 || r.status == 204 || r.status == 304;
  if (!r.content_type.empty() && !bodiless && IsValidHeaderValue(r.content_type)) {
    out->append("Content-Type: ");
    out->append(r.content_type);
    out->append("\r\n");
  }
  if (!bodiless) {
    out->append("Content-Length: ");
    res = std::to_chars(number, number + sizeof(number), r.body.size());
    out->append(number, res.ptr);
    out->append("\r\n");
  }
  if (opts.close) {
    out->append("Connection: close\r\n");
  } else if (opts.keep_alive_10) {
    out->append("Connection: keep-alive\r\n");
  }
  for (const Header& h : r.headers) {
    if (!IsValidHeaderName(h.name) || !IsValidHeaderValue(h.value)) continue;
    // The server owns message framing: a handler cannot contradict it.
    if (IsFramingHeader(h.name)) continue;
    out->append(h.name);
    out->append(": ");
    out->append(h.value);
    out->append("\r\n");
  }
  out->append("\r\n");
}

std::string EventStreamHead() {
  std::string head =
      "HTTP/1.1 200 OK\r\n"
      "Server: botmon\r\n";
  head.append(DateHeaderLine());
  head.append(
      "Content-Type: text/event-stream\r\n"
      "Cache-Control: no-cache\r\n"
      "X-Accel-Buffering: no\r\n"
      "\r\n");
  return head;
}

}  // namespace botmon::http_internal
