#include "notify/sender.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <utility>

#include "core/utf8.h"
#include "notify/curl_util.h"

namespace botmon {
namespace notify_internal {
namespace {

size_t KeepReply(char* data, size_t size, size_t nmemb, void* user) {
  auto* out = static_cast<std::string*>(user);
  const size_t n = size * nmemb;
  if (out->size() < kMaxReplyKept) out->append(data, std::min(n, kMaxReplyKept - out->size()));
  return n;
}

}  // namespace

void CommonOptions(CURL* curl, const TransportConfig& t, int64_t timeout_ms, char* error_buf) {
  const long timeout = static_cast<long>(std::max<int64_t>(1, timeout_ms));
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, timeout);
  // The connect phase includes TLS and, for SMTP, the greeting and AUTH: it gets the whole
  // deadline too (a shorter cap would make "timed out after N ms" untrue).
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, timeout);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buf);
  error_buf[0] = '\0';
  if (!t.ca_file.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, t.ca_file.c_str());
  if (!t.ca_dir.empty()) curl_easy_setopt(curl, CURLOPT_CAPATH, t.ca_dir.c_str());
}

HttpReply PostHttp(const HttpPost& post, const TransportConfig& t, int64_t timeout_ms) {
  HttpReply reply;
  const auto start = std::chrono::steady_clock::now();
  CurlPtr curl(curl_easy_init());
  if (!curl) {
    reply.rc = CURLE_FAILED_INIT;
    reply.error = "curl_easy_init failed";
    return reply;
  }
  char error_buf[CURL_ERROR_SIZE];
  CURL* c = curl.get();
  CommonOptions(c, t, timeout_ms, error_buf);
  SList headers;
  for (const auto& h : post.headers) headers.Append(h);
  headers.Append("Expect:");  // no 100-continue round trip (receivers rarely answer it)
  curl_easy_setopt(c, CURLOPT_URL, post.url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c, CURLOPT_USERAGENT, "botmon");
  curl_easy_setopt(c, CURLOPT_POST, 1L);
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, post.body.data());
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(post.body.size()));
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, KeepReply);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &reply.body);
  if (!post.basic_user.empty()) {
    curl_easy_setopt(c, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
    curl_easy_setopt(c, CURLOPT_USERNAME, post.basic_user.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, post.basic_password.c_str());
  }
  reply.rc = curl_easy_perform(c);
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  reply.status = static_cast<int>(status);
  if (reply.rc != CURLE_OK) reply.error = CurlErrorText(reply.rc, error_buf, timeout_ms);
  reply.elapsed_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::steady_clock::now() - start)
                         .count();
  return reply;
}

SendResult ResultFromReply(std::string_view label, const HttpReply& reply, int64_t timeout_ms) {
  (void)timeout_ms;
  SendResult r;
  r.elapsed_ms = reply.elapsed_ms;
  r.http_status = reply.rc == CURLE_OK ? reply.status : 0;
  if (reply.rc != CURLE_OK) {
    r.detail = std::string(label) + ": " + reply.error;
    r.retryable = RetryableCurlError(reply.rc);
    return r;
  }
  const int s = reply.status;
  if (s >= 200 && s < 300) {
    r.ok = true;
    r.detail = std::string(label) + " " + std::to_string(s) + " in " +
               std::to_string(reply.elapsed_ms) + " ms";
    return r;
  }
  r.retryable = s >= 500 || s == 429 || s == 408;
  r.detail = std::string(label) + " " + std::to_string(s);
  const std::string body = DetailText(reply.body, kDetailBodyBytes);
  if (!body.empty()) r.detail += ": " + body;
  return r;
}

bool RetryableCurlError(CURLcode rc) {
  switch (rc) {
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
    case CURLE_NOT_BUILT_IN:
    case CURLE_FAILED_INIT:
    case CURLE_BAD_FUNCTION_ARGUMENT:
    case CURLE_LOGIN_DENIED:
    case CURLE_TOO_MANY_REDIRECTS:
    case CURLE_USE_SSL_FAILED:  // the server offers no STARTTLS: a configuration problem
      return false;
    default:
      return true;
  }
}

std::string CurlErrorText(CURLcode rc, std::string_view error_buf, int64_t timeout_ms) {
  std::string text(error_buf);
  if (text.empty()) text = curl_easy_strerror(rc);
  if (rc == CURLE_OPERATION_TIMEDOUT) {
    return "timed out after " + std::to_string(timeout_ms) + " ms (" + DetailText(text, 200) + ")";
  }
  return DetailText(text, 300);
}

std::string DetailText(std::string_view s, size_t max) {
  std::string out;
  size_t i = 0;
  while (i < s.size()) {
    const size_t at = i;
    const int32_t cp = DecodeUtf8(s, &i);
    std::string_view piece = s.substr(at, i - at);
    std::string repl;
    if (cp < 0) {
      repl = "\xEF\xBF\xBD";
    } else if (cp < 0x20 || cp == 0x7f) {
      repl = " ";
    } else {
      repl = std::string(piece);
    }
    if (out.size() + repl.size() > max) break;
    out += repl;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::string UrlEncode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '.' || c == '_' || c == '~') {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

}  // namespace notify_internal

TransportConfig TransportConfigFrom(const Config& config) {
  TransportConfig t;
  t.smtp = config.smtp;
  t.sms = config.sms;
  if (const char* v = std::getenv("CURL_CA_BUNDLE"); v && *v) {
    t.ca_file = v;
  } else if (const char* f = std::getenv("SSL_CERT_FILE"); f && *f) {
    t.ca_file = f;
  }
  if (const char* d = std::getenv("SSL_CERT_DIR"); d && *d) t.ca_dir = d;
  return t;
}

CurlNotifier::CurlNotifier(TransportConfig transports, const Clock* clock)
    : transports_(std::move(transports)), clock_(clock) {}

SendResult CurlNotifier::Send(const Channel& channel, const Notification& n, int64_t timeout_ms) {
  return SendNotification(channel, n, transports_, timeout_ms, *clock_);
}

SendResult SendNotification(const Channel& channel, const Notification& n,
                            const TransportConfig& transports, int64_t timeout_ms,
                            const Clock& clock) {
  switch (channel.kind) {
    case ChannelKind::kEmail:
      return SendEmail(channel, n, transports, timeout_ms, clock);
    case ChannelKind::kSlack:
      return SendSlack(channel, n, transports, timeout_ms);
    case ChannelKind::kSms:
      return SendSms(channel, n, transports, timeout_ms);
    case ChannelKind::kWebhook:
      return SendWebhook(channel, n, transports, timeout_ms, clock);
  }
  SendResult r;
  r.detail = "unknown channel kind";
  return r;
}

}  // namespace botmon
