// libcurl plumbing shared by the transports (internal to the notify module): RAII owners, one
// HTTP POST with a deadline, and how curl and HTTP outcomes become SendResults.
// Thread-safety: every function uses only its own easy handle; thread-safe.
#ifndef BOTMON_NOTIFY_CURL_UTIL_H_
#define BOTMON_NOTIFY_CURL_UTIL_H_

#include <curl/curl.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "notify/sender.h"

namespace botmon::notify_internal {

struct CurlDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
using CurlPtr = std::unique_ptr<CURL, CurlDeleter>;

// An owned curl_slist.
class SList {
 public:
  SList() = default;
  ~SList() { curl_slist_free_all(list_); }
  SList(const SList&) = delete;
  SList& operator=(const SList&) = delete;
  void Append(const std::string& s) { list_ = curl_slist_append(list_, s.c_str()); }
  curl_slist* get() const { return list_; }

 private:
  curl_slist* list_ = nullptr;
};

// The reply bytes kept for the detail line (the rest is read and dropped).
inline constexpr size_t kMaxReplyKept = 4096;
// Bytes of a reply body quoted in a failure detail.
inline constexpr size_t kDetailBodyBytes = 200;

// Options every handle gets: no signals, the deadline (for the whole attempt and for its
// connect phase), the trust store, the error buffer. `error_buf` must hold CURL_ERROR_SIZE bytes.
void CommonOptions(CURL* curl, const TransportConfig& t, int64_t timeout_ms, char* error_buf);

struct HttpPost {
  std::string url;
  std::string body;
  std::vector<std::string> headers;  // "Name: value"
  std::string basic_user;            // basic auth when non-empty
  std::string basic_password;
};

struct HttpReply {
  CURLcode rc = CURLE_OK;
  std::string error;  // curl's error buffer (or strerror) when rc != OK
  int status = 0;
  std::string body;  // at most kMaxReplyKept bytes
  int64_t elapsed_ms = 0;
};

// POSTs once, following no redirect, http and https only.
HttpReply PostHttp(const HttpPost& post, const TransportConfig& t, int64_t timeout_ms);

// "slack 200 in 12 ms" / "webhook 503: <body>" / "webhook: <curl error>" with retryable set as
// SendResult documents.
SendResult ResultFromReply(std::string_view label, const HttpReply& reply, int64_t timeout_ms);

// True for curl failures that may pass (network, TLS, timeouts), false for malformed requests.
bool RetryableCurlError(CURLcode rc);

// A curl failure as a detail suffix: the error buffer, or a timeout message.
std::string CurlErrorText(CURLcode rc, std::string_view error_buf, int64_t timeout_ms);

// Text safe for a one-line detail: control characters as spaces, invalid UTF-8 replaced, cut to
// `max` bytes on a character boundary.
std::string DetailText(std::string_view s, size_t max);

// application/x-www-form-urlencoded / URL component encoding (RFC 3986 unreserved kept).
std::string UrlEncode(std::string_view s);

}  // namespace botmon::notify_internal

#endif  // BOTMON_NOTIFY_CURL_UTIL_H_
