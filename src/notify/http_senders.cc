// The HTTP transports: Slack incoming webhooks, signed webhooks and SMS (Twilio-compatible or a
// generic template).
#include <algorithm>
#include <chrono>
#include <utility>
#include <vector>

#include "core/json_escape.h"
#include "notify/curl_util.h"
#include "notify/sender.h"
#include "notify/signature.h"

namespace botmon {
namespace {

using notify_internal::HttpPost;
using notify_internal::HttpReply;
using notify_internal::PostHttp;
using notify_internal::ResultFromReply;
using notify_internal::UrlEncode;

SendResult ConfigError(std::string detail) {
  SendResult r;
  r.detail = std::move(detail);
  r.retryable = false;
  return r;
}

bool HasLineBreak(std::string_view s) { return s.find_first_of("\r\n") != std::string_view::npos; }

// Replaces every "{{name}}" of `vars` in `tmpl` by `encode(value)`; other text is kept.
template <typename Encode>
std::string Substitute(std::string_view tmpl,
                       const std::vector<std::pair<std::string, std::string>>& vars,
                       Encode encode) {
  std::string out;
  size_t i = 0;
  while (i < tmpl.size()) {
    bool done = false;
    if (tmpl.compare(i, 2, "{{") == 0) {
      for (const auto& [name, value] : vars) {
        const std::string token = "{{" + name + "}}";
        if (tmpl.compare(i, token.size(), token) == 0) {
          out += encode(value);
          i += token.size();
          done = true;
          break;
        }
      }
    }
    if (!done) out += tmpl[i++];
  }
  return out;
}

// The JSON string escape of `s` without the surrounding quotes.
std::string JsonEscaped(const std::string& s) {
  std::string quoted = JsonString(s);
  return quoted.substr(1, quoted.size() - 2);
}

std::vector<std::string> DeliveryHeaders(const Notification& n) {
  return {"Content-Type: application/json", "X-Botmon-Delivery: " + n.delivery_id,
          "X-Botmon-Event: " + std::string(WebhookEventName(n.event))};
}

}  // namespace

SendResult SendSlack(const Channel& channel, const Notification& n,
                     const TransportConfig& transports, int64_t timeout_ms) {
  HttpPost post;
  post.url = channel.url;
  post.body = SlackPayload(n);
  post.headers = DeliveryHeaders(n);
  HttpReply reply = PostHttp(post, transports, timeout_ms);
  return ResultFromReply("slack", reply, timeout_ms);
}

SendResult SendWebhook(const Channel& channel, const Notification& n,
                       const TransportConfig& transports, int64_t timeout_ms, const Clock& clock) {
  HttpPost post;
  post.url = channel.url;
  post.body = WebhookPayload(n);
  post.headers = DeliveryHeaders(n);
  if (!channel.secret.empty()) {
    if (HasLineBreak(channel.secret)) return ConfigError("webhook: the secret holds a line break");
    int64_t now_ms = clock.NowMs();
    int64_t seconds = now_ms / 1000 - (now_ms % 1000 < 0 ? 1 : 0);
    post.headers.push_back("X-Botmon-Signature: " +
                           WebhookSignature(channel.secret, seconds, post.body));
  }
  HttpReply reply = PostHttp(post, transports, timeout_ms);
  return ResultFromReply("webhook", reply, timeout_ms);
}

SendResult SendSms(const Channel& channel, const Notification& n, const TransportConfig& transports,
                   int64_t timeout_ms) {
  const Config::Sms& sms = transports.sms;
  const bool twilio = sms.provider == "twilio";
  if (!twilio && sms.provider != "template") {
    return ConfigError("sms: provider \"" + sms.provider + "\" is not twilio or template");
  }
  if (twilio && (sms.account_sid.empty() || sms.auth_token.empty())) {
    return ConfigError("sms not configured (sms.accountSid and sms.authToken are required)");
  }
  if (twilio && sms.from.empty()) return ConfigError("sms not configured (sms.from is empty)");
  if (!twilio && sms.url.empty()) return ConfigError("sms not configured (sms.url is empty)");
  if (HasLineBreak(sms.auth_token)) return ConfigError("sms: sms.authToken holds a line break");
  if (channel.to.empty()) return ConfigError("sms: the channel has no recipients");

  const std::string text = SmsText(n);
  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::milliseconds(std::max<int64_t>(1, timeout_ms));
  SendResult total;
  total.ok = true;
  int64_t elapsed = 0;
  std::string failures;
  int last_ok_status = 0;
  for (size_t i = 0; i < channel.to.size(); ++i) {
    const std::string& to = channel.to[i];
    const int64_t left = std::chrono::duration_cast<std::chrono::milliseconds>(
                             deadline - std::chrono::steady_clock::now())
                             .count();
    SendResult r;
    if (left <= 0) {
      r.detail = "sms to[" + std::to_string(i) + "]: not sent, the " + std::to_string(timeout_ms) +
                 " ms deadline passed";
      r.retryable = true;
    } else {
      HttpPost post;
      post.headers = {"X-Botmon-Delivery: " + n.delivery_id,
                      "X-Botmon-Event: " + std::string(WebhookEventName(n.event))};
      if (twilio) {
        std::string base = sms.base_url;
        while (!base.empty() && base.back() == '/') base.pop_back();
        post.url = base + "/2010-04-01/Accounts/" + UrlEncode(sms.account_sid) + "/Messages.json";
        post.body =
            "To=" + UrlEncode(to) + "&From=" + UrlEncode(sms.from) + "&Body=" + UrlEncode(text);
        post.headers.push_back("Content-Type: application/x-www-form-urlencoded");
        post.basic_user = sms.account_sid;
        post.basic_password = sms.auth_token;
      } else {
        const std::vector<std::pair<std::string, std::string>> vars = {
            {"to", to}, {"from", sms.from}, {"text", text}};
        post.url = Substitute(sms.url, vars, UrlEncode);
        post.body = Substitute(sms.body, vars, JsonEscaped);
        post.headers.push_back("Content-Type: application/json");
        if (!sms.auth_token.empty()) {
          post.headers.push_back("Authorization: Bearer " + sms.auth_token);
        }
      }
      HttpReply reply = PostHttp(post, transports, left);
      r = ResultFromReply("sms", reply, left);
      elapsed += reply.elapsed_ms;
      if (r.ok) last_ok_status = r.http_status;
    }
    if (!r.ok) {
      total.ok = false;
      total.retryable = total.retryable || r.retryable;
      total.http_status = r.http_status;
      // "sms 400: ..." -> "sms to[1] 400: ..." (numbers are personal data: indexes only).
      std::string d = r.detail;
      if (d.starts_with("sms")) d = "sms to[" + std::to_string(i) + "]" + d.substr(3);
      if (!failures.empty()) failures += "; ";
      failures += d;
    }
  }
  total.elapsed_ms = elapsed;
  if (total.ok) {
    total.http_status = last_ok_status;
    total.detail = "sms " + std::to_string(last_ok_status) + " in " + std::to_string(elapsed) +
                   " ms (" + std::to_string(channel.to.size()) +
                   (channel.to.size() == 1 ? " message)" : " messages)");
  } else {
    total.detail = failures;
  }
  return total;
}

}  // namespace botmon
