#include "notify/message.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <utility>

#include "core/duration.h"
#include "core/json_escape.h"
#include "core/random.h"
#include "core/time_util.h"
#include "core/utf8.h"

namespace botmon {
namespace {

constexpr int64_t kDayMsLocal = 86'400'000;

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// "14:32:00", or "2024-01-14 14:32:00" when `ms` falls on another UTC day than `ref_ms`.
std::string ClockTime(int64_t ms, int64_t ref_ms) {
  const int64_t day = FloorDiv(ms, kDayMsLocal);
  const int64_t in_day = ms - day * kDayMsLocal;
  char buf[64];
  const int h = static_cast<int>(in_day / 3'600'000);
  const int m = static_cast<int>(in_day / 60'000 % 60);
  const int s = static_cast<int>(in_day / 1000 % 60);
  if (ref_ms > 0 && FloorDiv(ref_ms, kDayMsLocal) != day) {
    int64_t y = 0;
    unsigned mo = 0, d = 0;
    CivilFromDays(day, &y, &mo, &d);
    std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u %02d:%02d:%02d", static_cast<long long>(y), mo,
                  d, h, m, s);
  } else {
    std::snprintf(buf, sizeof buf, "%02d:%02d:%02d", h, m, s);
  }
  return buf;
}

// Control characters (a rule name is configuration) become spaces, so one-line texts stay one
// line and headers cannot be split.
std::string OneLine(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  }
  return out;
}

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

std::string Expr(const Incident& inc) {
  return std::string(AggregationName(inc.aggregation)) + "(" + OneLine(inc.field) + ")";
}

std::string TestPrefix(const Notification& n) {
  return n.event == NotifyEvent::kTest ? "[TEST] " : "";
}

bool Resolved(const Notification& n) {
  return n.event == NotifyEvent::kResolved || (n.event == NotifyEvent::kTest && !n.incident.open());
}

// The text line with a chosen operand symbol (the SMS uses ASCII).
std::string Line(const Notification& n, std::string_view op) {
  const Incident& inc = n.incident;
  std::string out = TestPrefix(n) + "[" + Upper(SeverityName(inc.severity)) + "] " + StateWord(n) +
                    " " + OneLine(inc.rule_name) + " on " + GroupTarget(inc) + ": " + Expr(inc) +
                    " " + FormatValue(ReportedValue(n), inc.aggregation);
  const std::string cond = std::string(op) + " " + FormatThreshold(inc.threshold);
  const std::string since = ClockTime(inc.start_ms, n.sent_at_ms);
  if (Resolved(n)) {
    out += " (threshold " + cond + ") since " + since;
    if (inc.end_ms) out += ", resolved at " + ClockTime(*inc.end_ms, n.sent_at_ms);
  } else {
    out += " " + cond + " since " + since;
  }
  return out;
}

// Slack mrkdwn: &, < and > are control characters
// (https://api.slack.com/reference/surfaces/formatting#escaping).
std::string SlackEscape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// Cuts `s` to at most `max` code points (counted as characters), ending on a whole character.
std::string CutChars(std::string_view s, size_t max, size_t* count) {
  size_t i = 0, n = 0;
  while (i < s.size() && n < max) {
    DecodeUtf8(s, &i);
    ++n;
  }
  *count = n;
  return std::string(s.substr(0, i));
}

size_t CountChars(std::string_view s) {
  size_t i = 0, n = 0;
  while (i < s.size()) {
    DecodeUtf8(s, &i);
    ++n;
  }
  return n;
}

std::string Dump(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}
std::string Dump(const nlohmann::ordered_json& j) {
  return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace

std::string_view NotifyEventName(NotifyEvent e) {
  switch (e) {
    case NotifyEvent::kOpened:
      return "opened";
    case NotifyEvent::kResolved:
      return "resolved";
    case NotifyEvent::kRepeat:
      return "repeat";
    case NotifyEvent::kTest:
      return "test";
  }
  return "test";
}

bool ParseNotifyEvent(std::string_view s, NotifyEvent* out) {
  for (NotifyEvent e :
       {NotifyEvent::kOpened, NotifyEvent::kResolved, NotifyEvent::kRepeat, NotifyEvent::kTest}) {
    if (s == NotifyEventName(e)) {
      *out = e;
      return true;
    }
  }
  return false;
}

std::string_view WebhookEventName(NotifyEvent e) {
  switch (e) {
    case NotifyEvent::kOpened:
      return "incident.opened";
    case NotifyEvent::kResolved:
      return "incident.resolved";
    case NotifyEvent::kRepeat:
      return "incident.repeat";
    case NotifyEvent::kTest:
      return "test";
  }
  return "test";
}

std::string DashboardUrl(std::string_view public_url, std::string_view incident_id) {
  while (!public_url.empty() && public_url.back() == '/') public_url.remove_suffix(1);
  return std::string(public_url) + "/#/incidents/" + std::string(incident_id);
}

Incident TestIncident(std::string_view host, int64_t now_ms) {
  Incident inc;
  inc.id = NewUuidV4();
  inc.rule_name = "botmon test alert";
  inc.host_name = std::string(host);
  inc.start_ms = now_ms;
  inc.trigger_value = 85;
  inc.severity = Severity::kWarning;
  inc.field = "cpu.usage";
  inc.aggregation = Aggregation::kAvg;
  inc.operand = Operand::kEqualOrMoreThan;
  inc.threshold = 80;
  inc.group = {{"host", std::string(host)}};
  inc.last_value = 85;
  inc.description = "A test notification: no rule is broken.";
  inc.timeline.push_back({now_ms, "opened", "test notification", 85.0});
  return inc;
}

std::string FormatValue(double v, Aggregation agg) {
  if (!std::isfinite(v)) return "no data";
  char buf[64];
  if ((agg == Aggregation::kSum || agg == Aggregation::kCount) && v == std::floor(v) &&
      std::fabs(v) < 1e15) {
    std::snprintf(buf, sizeof buf, "%.0f", v);
  } else if (v != 0 && std::fabs(v) < 1) {
    std::snprintf(buf, sizeof buf, "%.3g", v);
  } else {
    std::snprintf(buf, sizeof buf, "%.1f", v);
  }
  return buf;
}

std::string FormatThreshold(double v) {
  if (!std::isfinite(v)) return "no data";
  std::string out;
  AppendJsonNumber(&out, v);
  return out;
}

std::string StateWord(const Notification& n) {
  switch (n.event) {
    case NotifyEvent::kOpened:
      return "OPENED";
    case NotifyEvent::kResolved:
      return "RESOLVED";
    case NotifyEvent::kRepeat:
      return "STILL OPEN";
    case NotifyEvent::kTest:
      return n.incident.open() ? "OPENED" : "RESOLVED";
  }
  return "OPENED";
}

double ReportedValue(const Notification& n) {
  if (n.event == NotifyEvent::kOpened || n.event == NotifyEvent::kTest) {
    return n.incident.trigger_value;
  }
  return n.incident.last_value.value_or(n.incident.trigger_value);
}

std::string GroupTarget(const Incident& inc) {
  if (inc.group.empty()) return "the cluster";
  auto host = inc.group.find("host");
  if (host == inc.group.end()) return OneLine(GroupString(inc.group));
  std::string rest;
  for (const auto& [k, v] : inc.group) {
    if (k == "host") continue;
    if (!rest.empty()) rest += ", ";
    rest += k + "=" + v;
  }
  std::string out = OneLine(host->second);
  if (!rest.empty()) out += " (" + OneLine(rest) + ")";
  return out;
}

std::string NotificationText(const Notification& n) {
  return Line(n, OperandSymbol(n.incident.operand));
}

std::string EmailSubject(const Notification& n) {
  const Incident& inc = n.incident;
  std::string out = TestPrefix(n) + "[botmon] " + StateWord(n) + " " +
                    std::string(SeverityName(inc.severity)) + ": " + OneLine(inc.rule_name) +
                    " on " + GroupTarget(inc) + " (" +
                    FormatValue(ReportedValue(n), inc.aggregation);
  const std::string cond =
      std::string(OperandSymbol(inc.operand)) + " " + FormatThreshold(inc.threshold);
  out += Resolved(n) ? ", threshold " + cond + ")" : " " + cond + ")";
  return out;
}

std::string EmailBody(const Notification& n) {
  const Incident& inc = n.incident;
  std::string out = NotificationText(n) + "\n\n";
  auto add = [&out](std::string_view label, const std::string& value) {
    out += std::string(label) + ":";
    out.append(label.size() < 12 ? 12 - label.size() : 1, ' ');
    out += value + "\n";
  };
  std::string state = inc.open() ? "open" : "resolved";
  if (n.event == NotifyEvent::kRepeat) state += " (repeat notification: not acknowledged yet)";
  if (n.event == NotifyEvent::kTest) state += " (TEST notification: no rule is broken)";
  add("State", state);
  add("Severity", std::string(SeverityName(inc.severity)));
  add("Rule", OneLine(inc.rule_name));
  add("Group", inc.group.empty() ? "(whole cluster)" : OneLine(GroupString(inc.group)));
  add("Value",
      FormatValue(ReportedValue(n), inc.aggregation) +
          (ReportedValue(n) == inc.trigger_value || !std::isfinite(inc.trigger_value)
               ? ""
               : " (triggered at " + FormatValue(inc.trigger_value, inc.aggregation) + ")"));
  add("Condition", Expr(inc) + " " + std::string(OperandSymbol(inc.operand)) + " " +
                       FormatThreshold(inc.threshold));
  add("Operand", std::string(OperandName(inc.operand)));
  add("Threshold", FormatThreshold(inc.threshold));
  add("Started", FormatRfc3339Ms(inc.start_ms));
  if (inc.end_ms) {
    add("Resolved", FormatRfc3339Ms(*inc.end_ms) + " (lasted " +
                        FormatDuration(std::max<int64_t>(0, *inc.end_ms - inc.start_ms)) + ")");
  }
  if (inc.acknowledged_at_ms) {
    add("Acknowledged", FormatRfc3339Ms(*inc.acknowledged_at_ms) +
                            (inc.acknowledged_by.empty() ? "" : " by " + inc.acknowledged_by));
  }
  if (inc.stale) add("Stale", "yes: the node stopped reporting");
  if (!inc.description.empty()) add("Description", OneLine(inc.description));
  out += "\n";
  add("Dashboard", n.dashboard_url);
  out += "\n";
  add("Incident", inc.id);
  add("Delivery", n.delivery_id);
  add("Sent", FormatRfc3339Ms(n.sent_at_ms));
  out += "\n-- \nSent by botmon. Reply-to is not monitored.\n";
  return out;
}

std::string SlackPayload(const Notification& n) {
  const Incident& inc = n.incident;
  const std::string line = NotificationText(n);
  const char* icon = Resolved(n)                           ? ":large_green_circle:"
                     : inc.severity == Severity::kCritical ? ":red_circle:"
                                                           : ":large_orange_circle:";
  using OJ = nlohmann::ordered_json;
  auto field = [](std::string_view label, const std::string& value) {
    return OJ{{"type", "mrkdwn"}, {"text", "*" + std::string(label) + "*\n" + SlackEscape(value)}};
  };
  OJ head = {{"type", "section"},
             {"text",
              {{"type", "mrkdwn"},
               {"text", std::string(icon) + " *" + SlackEscape(TestPrefix(n)) + "[" +
                            Upper(SeverityName(inc.severity)) + "] " + StateWord(n) + "* " +
                            SlackEscape(OneLine(inc.rule_name)) + " on " +
                            SlackEscape(GroupTarget(inc))}}}};
  OJ facts = {{"type", "section"},
              {"fields",
               {field("Severity", std::string(SeverityName(inc.severity))),
                field("Rule", OneLine(inc.rule_name)),
                field("Group", inc.group.empty() ? "(whole cluster)" : GroupString(inc.group)),
                field("Value", FormatValue(ReportedValue(n), inc.aggregation)),
                field("Condition", Expr(inc) + " " + std::string(OperandSymbol(inc.operand)) + " " +
                                       FormatThreshold(inc.threshold)),
                field("Started", FormatRfc3339Ms(inc.start_ms) +
                                     (inc.end_ms ? "\nresolved " + FormatRfc3339Ms(*inc.end_ms)
                                                 : std::string()))}}};
  OJ blocks = OJ::array({head, facts});
  if (!inc.description.empty()) {
    blocks.push_back(
        {{"type", "section"},
         {"text", {{"type", "mrkdwn"}, {"text", SlackEscape(OneLine(inc.description))}}}});
  }
  blocks.push_back(
      {{"type", "section"},
       {"text",
        {{"type", "mrkdwn"},
         {"text", "<" + n.dashboard_url + "|Open the incident in botmon> · delivery `" +
                      SlackEscape(n.delivery_id) + "`"}}}});
  OJ body = {{"text", SlackEscape(line) + "\n<" + n.dashboard_url + "|Open in botmon>"},
             {"blocks", blocks}};
  return Dump(body);
}

std::string WebhookPayload(const Notification& n) {
  std::string out = "{\"event\":";
  AppendJsonString(&out, WebhookEventName(n.event));
  out += ",\"deliveryId\":";
  AppendJsonString(&out, n.delivery_id);
  out += ",\"sentAt\":";
  AppendJsonString(&out, FormatRfc3339Ms(n.sent_at_ms));
  out += n.event == NotifyEvent::kTest ? ",\"test\":true" : ",\"test\":false";
  out += ",\"incident\":";
  out += Dump(IncidentToJson(n.incident, n.sessions));
  out += ",\"dashboardUrl\":";
  AppendJsonString(&out, n.dashboard_url);
  out += ",\"text\":";
  AppendJsonString(&out, NotificationText(n));
  out += "}";
  return out;
}

std::string SmsText(const Notification& n) {
  const std::string op = n.incident.operand == Operand::kEqualOrMoreThan ? ">=" : "<=";
  const std::string line = Line(n, op);
  const std::string link = n.dashboard_url;
  const size_t link_chars = CountChars(link);
  size_t count = 0;
  if (link.empty()) return CutChars(line, kMaxSmsChars, &count);
  if (link_chars + 1 >= kMaxSmsChars) return CutChars(line + " " + link, kMaxSmsChars, &count);
  const size_t room = kMaxSmsChars - link_chars - 1;
  if (CountChars(line) <= room) return line + " " + link;
  std::string cut = CutChars(line, room - 3, &count);
  return cut + "... " + link;
}

}  // namespace botmon
