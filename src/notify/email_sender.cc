// The e-mail transport: one SMTP transaction per notification over libcurl (smtp:// with
// optional STARTTLS, or smtps://), AUTH when smtp.username is set.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>

#include "notify/curl_util.h"
#include "notify/sender.h"

namespace botmon {
namespace {

using notify_internal::CurlErrorText;
using notify_internal::CurlPtr;
using notify_internal::DetailText;
using notify_internal::RetryableCurlError;
using notify_internal::SList;
using notify_internal::UrlEncode;

SendResult ConfigError(std::string detail) {
  SendResult r;
  r.detail = std::move(detail);
  return r;
}

struct Upload {
  const std::string* data;
  size_t pos = 0;
};

size_t ReadMessage(char* buffer, size_t size, size_t nitems, void* user) {
  auto* up = static_cast<Upload*>(user);
  const size_t n = std::min(size * nitems, up->data->size() - up->pos);
  std::memcpy(buffer, up->data->data() + up->pos, n);
  up->pos += n;
  return n;
}

// The server's replies, as libcurl passes them to the header callback for SMTP.
struct Replies {
  std::string last_ok;     // the last final 2xx/3xx line except 221 (QUIT)
  std::string last_error;  // the last final 4xx/5xx line
};

int ReplyCode(std::string_view line) {
  if (line.size() < 3) return 0;
  int code = 0;
  for (int i = 0; i < 3; ++i) {
    if (line[i] < '0' || line[i] > '9') return 0;
    code = code * 10 + (line[i] - '0');
  }
  return code;
}

size_t KeepReplies(char* data, size_t size, size_t nitems, void* user) {
  auto* r = static_cast<Replies*>(user);
  std::string_view line(data, size * nitems);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  const int code = ReplyCode(line);
  const bool final_line = line.size() == 3 || (line.size() > 3 && line[3] == ' ');
  if (code != 0 && final_line) {
    if (code >= 400) {
      r->last_error = DetailText(line, 300);
    } else if (code != 221) {
      r->last_ok = DetailText(line, 300);
    }
  }
  return size * nitems;
}

// Splits smtp.from ("botmon@x" or "Botmon <botmon@x>") into the envelope address and the From
// header. Returns "" on success, else the problem.
std::string ParseFrom(const std::string& from, std::string* address, std::string* header) {
  if (from.find_first_of("\r\n") != std::string::npos) return "smtp.from holds a line break";
  const size_t lt = from.rfind('<');
  if (lt != std::string::npos) {
    const size_t gt = from.find('>', lt);
    if (gt == std::string::npos || gt + 1 != from.size()) {
      return "smtp.from \"" + from + "\" is not an address or \"Name <address>\"";
    }
    *address = from.substr(lt + 1, gt - lt - 1);
    std::string name = from.substr(0, lt);
    while (!name.empty() && name.back() == ' ') name.pop_back();
    *header = name.empty() ? "<" + *address + ">" : EncodeHeaderWord(name) + " <" + *address + ">";
  } else {
    *address = from;
    *header = from;
  }
  std::string problem = CheckEmailAddress(*address);
  return problem.empty() ? "" : "smtp.from: " + problem;
}

std::string HeloName(const TransportConfig& t) {
  if (!t.helo_name.empty()) return t.helo_name;
  char buf[256] = {};
  if (gethostname(buf, sizeof buf - 1) != 0 || buf[0] == '\0') return "botmon";
  return buf;
}

}  // namespace

SendResult SendEmail(const Channel& channel, const Notification& n,
                     const TransportConfig& transports, int64_t timeout_ms, const Clock& clock) {
  const Config::Smtp& smtp = transports.smtp;
  if (smtp.host.empty()) return ConfigError("smtp not configured (smtp.host is empty)");
  if (smtp.tls != "none" && smtp.tls != "starttls" && smtp.tls != "smtps") {
    return ConfigError("smtp.tls \"" + smtp.tls + "\" is not none, starttls or smtps");
  }
  if (channel.to.empty()) return ConfigError("email: the channel has no recipients");
  std::string from_address, from_header;
  if (std::string problem = ParseFrom(smtp.from, &from_address, &from_header); !problem.empty()) {
    return ConfigError(problem);
  }

  const auto start = std::chrono::steady_clock::now();
  const std::string message = BuildEmail(n, from_header, channel.to, clock.NowMs());
  CurlPtr curl(curl_easy_init());
  if (!curl) return ConfigError("email: curl_easy_init failed");
  CURL* c = curl.get();
  char error_buf[CURL_ERROR_SIZE];
  notify_internal::CommonOptions(c, transports, timeout_ms, error_buf);

  std::string host = smtp.host;
  if (host.find(':') != std::string::npos && host.front() != '[') host = "[" + host + "]";
  const std::string url = std::string(smtp.tls == "smtps" ? "smtps://" : "smtp://") + host + ":" +
                          std::to_string(smtp.port) + "/" + UrlEncode(HeloName(transports));
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  if (smtp.tls == "starttls")
    curl_easy_setopt(c, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
  if (!smtp.username.empty()) {
    curl_easy_setopt(c, CURLOPT_USERNAME, smtp.username.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, smtp.password.c_str());
  }
  const std::string mail_from = "<" + from_address + ">";
  curl_easy_setopt(c, CURLOPT_MAIL_FROM, mail_from.c_str());
  SList rcpt;
  for (const auto& to : channel.to) rcpt.Append("<" + to + ">");
  curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt.get());
  Upload upload{&message};
  curl_easy_setopt(c, CURLOPT_READFUNCTION, ReadMessage);
  curl_easy_setopt(c, CURLOPT_READDATA, &upload);
  curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
  Replies replies;
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, KeepReplies);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &replies);

  const CURLcode rc = curl_easy_perform(c);
  SendResult r;
  r.elapsed_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                     std::chrono::steady_clock::now() - start)
                     .count();
  if (rc == CURLE_OK) {
    r.ok = true;
    r.smtp_code = ReplyCode(replies.last_ok);
    std::string text = replies.last_ok.size() > 4 ? replies.last_ok.substr(4) : "";
    r.detail = "smtp " + std::to_string(r.smtp_code ? r.smtp_code : 250) + " in " +
               std::to_string(r.elapsed_ms) + " ms" + (text.empty() ? "" : ": " + text);
    return r;
  }
  const int code = ReplyCode(replies.last_error);
  if (code >= 400) {
    r.smtp_code = code;
    r.retryable = code < 500;
    r.detail = "smtp " + replies.last_error;
    return r;
  }
  r.retryable = RetryableCurlError(rc);
  r.detail = "smtp: " + CurlErrorText(rc, error_buf, timeout_ms);
  return r;
}

}  // namespace botmon
