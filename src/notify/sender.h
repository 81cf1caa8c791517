// Sending one notification to one channel, synchronously, with a deadline (SPEC 7.5): e-mail over
// SMTP (smtp.tls none | starttls | smtps, AUTH when smtp.username is set), Slack incoming
// webhooks, SMS (Twilio-compatible or a generic HTTP template) and signed webhooks.
//
// Each Send() is one attempt with its own libcurl easy handle, created and destroyed inside the
// call, so a Notifier may be called from several threads at once (the delivery workers); it
// never retries: the result says whether a retry may help. Every HTTP request carries
// X-Botmon-Delivery; nothing follows redirects. TLS peers are verified against the system CA
// store, or the bundle named by TransportConfig::ca_file.
//
// REQUIRES: curl_global_init() was called once by the process (main does).
// Thread-safety: SendNotification and CurlNotifier::Send are thread-safe.
#ifndef BOTMON_NOTIFY_SENDER_H_
#define BOTMON_NOTIFY_SENDER_H_

#include <cstdint>
#include <string>

#include "config/options.h"
#include "core/clock.h"
#include "notify/channel.h"
#include "notify/message.h"

namespace botmon {

struct SendResult {
  bool ok = false;
  // One line for the timeline and the deliveries list: "slack 200 in 12 ms",
  // "smtp 250 in 40 ms: 2.0.0 Ok: queued", "webhook 503: <first 200 bytes of the reply>",
  // "webhook: Couldn't connect to server (...)", "smtp not configured (smtp.host is empty)".
  std::string detail;
  // True when the same attempt may succeed later: network and TLS errors, timeouts, HTTP 5xx and
  // 429, SMTP 4xx. False for other HTTP 4xx, SMTP 5xx and configuration errors.
  bool retryable = false;
  int http_status = 0;  // the last HTTP status received; 0 for SMTP or when none arrived
  int smtp_code = 0;    // the deciding SMTP reply code; 0 for HTTP or when none arrived
  int64_t elapsed_ms = 0;
};

// What the transports need beyond the channel: the `smtp:` and `sms:` sections and the trust
// store. Values; copy freely.
struct TransportConfig {
  Config::Smtp smtp;
  Config::Sms sms;
  // A PEM bundle of trusted CAs for TLS peers (SMTP STARTTLS/SMTPS, https webhooks); "" uses
  // libcurl's default, the system store (/etc/ssl/certs).
  std::string ca_file;
  std::string ca_dir;  // a hashed CA directory (c_rehash); "" = the default
  // The EHLO name; "" = this machine's host name.
  std::string helo_name;
};

// The transports of a loaded configuration. The trust store follows the usual environment
// variables, so an operator with a private CA does what they do for other OpenSSL programs:
// CURL_CA_BUNDLE or SSL_CERT_FILE set ca_file (CURL_CA_BUNDLE wins), SSL_CERT_DIR sets ca_dir.
TransportConfig TransportConfigFrom(const Config& config);

// The seam the delivery workers call (STYLE habit 2): tests of the outbox use a fake.
class Notifier {
 public:
  virtual ~Notifier() = default;
  // One attempt to deliver `n` on `channel`, taking at most about `timeout_ms`.
  virtual SendResult Send(const Channel& channel, const Notification& n, int64_t timeout_ms) = 0;
};

// The real transports over libcurl.
class CurlNotifier final : public Notifier {
 public:
  // `clock` (not owned, must outlive this) stamps the e-mail Date header and the webhook
  // signature's t.
  explicit CurlNotifier(TransportConfig transports, const Clock* clock = Clock::Real());
  SendResult Send(const Channel& channel, const Notification& n, int64_t timeout_ms) override;
  const TransportConfig& transports() const { return transports_; }

 private:
  const TransportConfig transports_;
  const Clock* clock_;
};

// One attempt for the channel's kind (the functions below).
SendResult SendNotification(const Channel& channel, const Notification& n,
                            const TransportConfig& transports, int64_t timeout_ms,
                            const Clock& clock);

// One message to every `to` through smtp (fails with "smtp not configured" when smtp.host is
// empty, without touching the network).
SendResult SendEmail(const Channel& channel, const Notification& n,
                     const TransportConfig& transports, int64_t timeout_ms, const Clock& clock);
// POST SlackPayload() to channel.url.
SendResult SendSlack(const Channel& channel, const Notification& n,
                     const TransportConfig& transports, int64_t timeout_ms);
// POST WebhookPayload() to channel.url with X-Botmon-Event and, with a secret,
// X-Botmon-Signature (t from `clock`).
SendResult SendWebhook(const Channel& channel, const Notification& n,
                       const TransportConfig& transports, int64_t timeout_ms, const Clock& clock);
// One request per recipient, within one overall deadline. sms.provider "twilio": POST
// {baseUrl}/2010-04-01/Accounts/{accountSid}/Messages.json, form To, From, Body, basic auth
// accountSid:authToken. "template": POST sms.url with {{to}}/{{from}}/{{text}} URL-encoded,
// body sms.body with them JSON-escaped, Authorization: Bearer authToken when set. Succeeds only
// when every recipient's request does; a retry sends to every recipient again.
SendResult SendSms(const Channel& channel, const Notification& n, const TransportConfig& transports,
                   int64_t timeout_ms);

}  // namespace botmon

#endif  // BOTMON_NOTIFY_SENDER_H_
