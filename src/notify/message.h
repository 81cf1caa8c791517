// Notification: one message about one incident to one channel (SPEC 7.5), and how it is rendered
// for each transport: the one-line text of Appendix A.8, the e-mail subject and text/plain body,
// the Slack {"text","blocks"} payload, the webhook body of A.8 and a short SMS text.
//
// Every rendering states the state, severity, rule, group, value, operand, threshold, start time
// and the dashboard link; test notifications start with "[TEST]". Times in one-line texts are
// UTC clock times ("since 14:32:00", with the date when the incident started on another UTC day
// than the notification is sent); the e-mail body and JSON carry RFC 3339 UTC.
//
// Values and pure functions; thread-safe.
#ifndef BOTMON_NOTIFY_MESSAGE_H_
#define BOTMON_NOTIFY_MESSAGE_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "alert/incident.h"

namespace botmon {

enum class NotifyEvent : uint8_t { kOpened, kResolved, kRepeat, kTest };
std::string_view NotifyEventName(NotifyEvent e);  // "opened" | "resolved" | "repeat" | "test"
bool ParseNotifyEvent(std::string_view s, NotifyEvent* out);
// The webhook's "event" and the X-Botmon-Event header: "incident.opened", "incident.resolved",
// "incident.repeat" or "test".
std::string_view WebhookEventName(NotifyEvent e);

struct Notification {
  NotifyEvent event = NotifyEvent::kOpened;
  // The X-Botmon-Delivery id (a UUID), chosen by the caller and fixed across retries.
  std::string delivery_id;
  Incident incident;
  std::string dashboard_url;  // DashboardUrl(publicUrl, incident.id)
  int64_t sent_at_ms = 0;     // "sentAt": the time of this attempt
  // The A.3 "sessions" member ({"count","href"}) of the incident object; null leaves it out.
  nlohmann::json sessions = nullptr;
};

// publicUrl (a trailing '/' is ignored) + "/#/incidents/" + id.
std::string DashboardUrl(std::string_view public_url, std::string_view incident_id);

// A sample incident for test notifications ("[TEST]"): rule "botmon test alert", warning,
// avg(cpu.usage) 85.0 ≥ 80 on `host`, open since `now_ms`, with a fresh UUIDv4 id.
Incident TestIncident(std::string_view host, int64_t now_ms);

// --- Pieces (exposed for the tests and for the timeline's details) ---

// An aggregate value: "61.0" (one decimal); integral sums and counts without decimals ("12");
// non-zero values below 1 with three significant digits ("0.0123"); "no data" when not finite.
std::string FormatValue(double v, Aggregation agg = Aggregation::kAvg);
// A threshold in its shortest form: "95", "0.5", "2000".
std::string FormatThreshold(double v);
// "OPENED", "RESOLVED", "STILL OPEN" (repeat); a test says the incident's state.
std::string StateWord(const Notification& n);
// The value a notification reports: the trigger value when opened (and for tests), else the
// last value when known.
double ReportedValue(const Notification& n);
// "bot-1"; "bot-1 (mount=/)" when the group has more dimensions; "service=redis" without a
// host; "the cluster" for the empty group.
std::string GroupTarget(const Incident& inc);

// --- Renderings ---

// The A.8 one-line text:
//   "[WARNING] OPENED Memory Usage on bot-1: avg(mem.usage) 61.0 ≥ 1 since 14:32:00"
//   "[WARNING] RESOLVED Memory Usage on bot-1: avg(mem.usage) 40.2 (threshold ≥ 1) since
//    14:32:00, resolved at 14:37:10"
// prefixed "[TEST] " for tests. No dashboard link (the webhook carries it beside).
std::string NotificationText(const Notification& n);

// "[botmon] OPENED critical: High CPU Usage on bot-1 (97.2 ≥ 95)"; resolved:
// "[botmon] RESOLVED critical: High CPU Usage on bot-1 (40.1, threshold ≥ 95)".
std::string EmailSubject(const Notification& n);
// The text/plain body (LF line ends): the text line, then one "Label: value" line per fact,
// the dashboard link and the ids.
std::string EmailBody(const Notification& n);

// The Slack incoming-webhook payload {"text","blocks"} (mrkdwn section blocks), compact JSON.
std::string SlackPayload(const Notification& n);

// The webhook body of Appendix A.8, compact JSON with the members in A.8 order:
// {"event","deliveryId","sentAt","test","incident":{A.3},"dashboardUrl","text"}.
std::string WebhookPayload(const Notification& n);

// At most kMaxSmsChars characters: the text line (with ">=" / "<=" so that the message stays in
// the GSM 7-bit alphabet) and the dashboard link; the text is shortened with "..." to keep the
// link.
inline constexpr size_t kMaxSmsChars = 320;
std::string SmsText(const Notification& n);

// The complete RFC 5322 message (CRLF line ends) for SMTP: Date, From, To, Subject (RFC 2047
// encoded when not ASCII), Message-ID (<delivery_id@domain of from>, so a retry is recognisably
// the same message), MIME-Version, Content-Type text/plain; charset=utf-8 (quoted-printable),
// Auto-Submitted: auto-generated, X-Botmon-Delivery and X-Botmon-Event; then EmailBody().
// REQUIRES: `from_header` and every `to` are checked addresses (no CR/LF).
std::string BuildEmail(const Notification& n, std::string_view from_header,
                       const std::vector<std::string>& to, int64_t date_ms);

// Helpers of BuildEmail, exposed for the tests.
std::string Rfc5322Date(int64_t epoch_ms);              // "Mon, 15 Jan 2024 14:32:10 +0000"
std::string EncodeHeaderWord(std::string_view text);    // RFC 2047 "=?UTF-8?B?...?=" words
std::string QuotedPrintable(std::string_view lf_text);  // RFC 2045, CRLF line ends

}  // namespace botmon

#endif  // BOTMON_NOTIFY_MESSAGE_H_
