// Rendering: the A.8 text line, e-mail subject/body/framing, Slack, webhook and SMS payloads.
#include "notify/message.h"

#include <gtest/gtest.h>

#include <cmath>

#include <nlohmann/json.hpp>

#include "core/time_util.h"

namespace botmon {
namespace {

using nlohmann::json;

int64_t T(const char* rfc3339) { return ParseRfc3339(rfc3339).value(); }

Incident MemoryIncident() {
  Incident inc;
  inc.id = "3f1c9e1e-1111-4222-8333-444455556666";
  inc.rule_name = "Memory Usage";
  inc.host_name = "bot-1";
  inc.start_ms = T("2024-01-15T14:32:00Z");
  inc.trigger_value = 61.0;
  inc.severity = Severity::kWarning;
  inc.field = "mem.usage";
  inc.aggregation = Aggregation::kAvg;
  inc.operand = Operand::kEqualOrMoreThan;
  inc.threshold = 1;
  inc.group = {{"host", "bot-1"}};
  inc.last_value = 61.0;
  inc.timeline.push_back({inc.start_ms, "opened", "avg(mem.usage)=61.0 ≥ 1", 61.0});
  return inc;
}

Notification Opened(Incident inc) {
  Notification n;
  n.event = NotifyEvent::kOpened;
  n.delivery_id = "5c0e0000-aaaa-4bbb-8ccc-dddddddddddd";
  n.incident = std::move(inc);
  n.dashboard_url = DashboardUrl("http://127.0.0.1:8080/", n.incident.id);
  n.sent_at_ms = T("2024-01-15T14:32:10.512Z");
  return n;
}

Notification CpuCritical() {
  Incident inc = MemoryIncident();
  inc.rule_name = "High CPU Usage";
  inc.severity = Severity::kCritical;
  inc.field = "cpu.usage";
  inc.trigger_value = 97.2;
  inc.threshold = 95;
  return Opened(inc);
}

TEST(Message, TextLineIsAppendixA8) {
  EXPECT_EQ(NotificationText(Opened(MemoryIncident())),
            "[WARNING] OPENED Memory Usage on bot-1: avg(mem.usage) 61.0 ≥ 1 since 14:32:00");
}

TEST(Message, DashboardUrl) {
  EXPECT_EQ(DashboardUrl("http://127.0.0.1:8080", "abc"), "http://127.0.0.1:8080/#/incidents/abc");
  EXPECT_EQ(DashboardUrl("https://mon.example.com/botmon/", "abc"),
            "https://mon.example.com/botmon/#/incidents/abc");
}

TEST(Message, ResolvedRepeatAndTest) {
  Notification n = Opened(MemoryIncident());
  n.event = NotifyEvent::kResolved;
  n.incident.end_ms = T("2024-01-15T14:37:10Z");
  n.incident.last_value = 0.5;
  EXPECT_EQ(NotificationText(n),
            "[WARNING] RESOLVED Memory Usage on bot-1: avg(mem.usage) 0.5 (threshold ≥ 1) since "
            "14:32:00, resolved at 14:37:10");
  EXPECT_EQ(EmailSubject(n),
            "[botmon] RESOLVED warning: Memory Usage on bot-1 (0.5, threshold ≥ 1)");

  Notification r = Opened(MemoryIncident());
  r.event = NotifyEvent::kRepeat;
  r.incident.last_value = 70;
  EXPECT_EQ(NotificationText(r),
            "[WARNING] STILL OPEN Memory Usage on bot-1: avg(mem.usage) 70.0 ≥ 1 since 14:32:00");

  Notification t = Opened(MemoryIncident());
  t.event = NotifyEvent::kTest;
  EXPECT_EQ(NotificationText(t),
            "[TEST] [WARNING] OPENED Memory Usage on bot-1: avg(mem.usage) 61.0 ≥ 1 since "
            "14:32:00");
  EXPECT_EQ(EmailSubject(t), "[TEST] [botmon] OPENED warning: Memory Usage on bot-1 (61.0 ≥ 1)");
}

TEST(Message, SubjectLikeSpec75) {
  EXPECT_EQ(EmailSubject(CpuCritical()),
            "[botmon] OPENED critical: High CPU Usage on bot-1 (97.2 ≥ 95)");
}

TEST(Message, ValuesAndGroups) {
  EXPECT_EQ(FormatValue(61), "61.0");
  EXPECT_EQ(FormatValue(97.25), "97.2");
  EXPECT_EQ(FormatValue(12, Aggregation::kSum), "12");
  EXPECT_EQ(FormatValue(12.5, Aggregation::kSum), "12.5");
  EXPECT_EQ(FormatValue(0.01234), "0.0123");
  EXPECT_EQ(FormatValue(0), "0.0");
  EXPECT_EQ(FormatValue(std::nan("")), "no data");
  EXPECT_EQ(FormatThreshold(95), "95");
  EXPECT_EQ(FormatThreshold(0.5), "0.5");

  Incident inc = MemoryIncident();
  inc.group = {{"host", "bot-1"}, {"mount", "/"}};
  EXPECT_EQ(GroupTarget(inc), "bot-1 (mount=/)");
  inc.group = {{"service", "redis"}};
  inc.host_name = "*";
  EXPECT_EQ(GroupTarget(inc), "service=redis");
  inc.group = {};
  EXPECT_EQ(GroupTarget(inc), "the cluster");
}

TEST(Message, OtherDayShowsTheDate) {
  Notification n = Opened(MemoryIncident());
  n.event = NotifyEvent::kRepeat;
  n.sent_at_ms = T("2024-01-16T09:00:00Z");
  EXPECT_NE(NotificationText(n).find("since 2024-01-15 14:32:00"), std::string::npos);
}

TEST(Message, ControlCharactersNeverSplitALine) {
  Incident inc = MemoryIncident();
  inc.rule_name = "evil\r\nBcc: x@y";
  Notification n = Opened(inc);
  EXPECT_EQ(NotificationText(n).find_first_of("\r\n"), std::string::npos);
  EXPECT_EQ(EmailSubject(n).find_first_of("\r\n"), std::string::npos);
}

TEST(Message, EmailBodyStatesEveryFact) {
  Notification n = CpuCritical();
  n.incident.description = "CPU is {{value}}";
  const std::string body = EmailBody(n);
  for (const char* fact :
       {"State:       open", "Severity:    critical", "Rule:        High CPU Usage",
        "Group:       host=bot-1", "Value:       97.2", "Condition:   avg(cpu.usage) ≥ 95",
        "Operand:     equalOrMoreThan", "Threshold:   95", "Started:     2024-01-15T14:32:00.000Z",
        "Dashboard:   http://127.0.0.1:8080/#/incidents/3f1c9e1e-1111-4222-8333-444455556666",
        "Delivery:    5c0e0000-aaaa-4bbb-8ccc-dddddddddddd", "Description: CPU is {{value}}"}) {
    EXPECT_NE(body.find(fact), std::string::npos) << fact << "\n" << body;
  }
  n.event = NotifyEvent::kResolved;
  n.incident.end_ms = n.incident.start_ms + 310'000;
  EXPECT_NE(EmailBody(n).find("Resolved:    2024-01-15T14:37:10.000Z (lasted 5m10s)"),
            std::string::npos);
}

TEST(Message, EmailFraming) {
  Notification n = CpuCritical();
  const std::string m =
      BuildEmail(n, "Botmon <alerts@example.com>", {"a@x.io", "b@y.io"}, n.sent_at_ms);
  EXPECT_EQ(m.find("Date: Mon, 15 Jan 2024 14:32:10 +0000\r\n"), 0u);
  EXPECT_NE(m.find("\r\nFrom: Botmon <alerts@example.com>\r\n"), std::string::npos);
  EXPECT_NE(m.find("\r\nTo: a@x.io,\r\n b@y.io\r\n"), std::string::npos);
  EXPECT_NE(m.find("\r\nMessage-ID: <5c0e0000-aaaa-4bbb-8ccc-dddddddddddd@example.com>\r\n"),
            std::string::npos);
  EXPECT_NE(m.find("\r\nX-Botmon-Delivery: 5c0e0000-aaaa-4bbb-8ccc-dddddddddddd\r\n"),
            std::string::npos);
  EXPECT_NE(m.find("\r\nX-Botmon-Event: incident.opened\r\n"), std::string::npos);
  EXPECT_NE(m.find("\r\nSubject: =?UTF-8?B?"), std::string::npos);  // "≥" is not ASCII
  const size_t split = m.find("\r\n\r\n");
  ASSERT_NE(split, std::string::npos);
  // Every line of the message is CRLF-terminated and at most 78 characters (+CRLF).
  size_t start = 0;
  while (start < m.size()) {
    size_t end = m.find("\r\n", start);
    ASSERT_NE(end, std::string::npos);
    EXPECT_LE(end - start, 78u) << m.substr(start, end - start);
    EXPECT_EQ(m.substr(start, end - start).find('\n'), std::string::npos);
    start = end + 2;
  }
}

TEST(Message, Rfc5322Date) {
  EXPECT_EQ(Rfc5322Date(0), "Thu, 1 Jan 1970 00:00:00 +0000");
  EXPECT_EQ(Rfc5322Date(T("2024-02-29T23:59:59Z")), "Thu, 29 Feb 2024 23:59:59 +0000");
}

TEST(Message, EncodedWordsSplitOnCharacters) {
  EXPECT_EQ(EncodeHeaderWord("plain ascii"), "plain ascii");
  EXPECT_EQ(EncodeHeaderWord("≥"), "=?UTF-8?B?4oml?=");
  const std::string long_text(30, 'a');
  const std::string word = EncodeHeaderWord(long_text + "≥≥≥≥≥≥≥≥≥≥");
  // Two words folded by CRLF SP; no word longer than 60 characters.
  size_t fold = word.find("\r\n ");
  ASSERT_NE(fold, std::string::npos);
  EXPECT_LE(fold, 60u);
  EXPECT_LE(word.size() - fold - 3, 60u);
}

TEST(Message, QuotedPrintable) {
  EXPECT_EQ(QuotedPrintable("a=b ≥\nend \n"), "a=3Db =E2=89=A5\r\nend=20\r\n");
  const std::string qp = QuotedPrintable(std::string(200, 'x'));
  EXPECT_NE(qp.find("=\r\n"), std::string::npos);
}

TEST(Message, SlackPayload) {
  json j = json::parse(SlackPayload(CpuCritical()));
  ASSERT_TRUE(j.contains("text"));
  EXPECT_EQ(j["text"],
            "[CRITICAL] OPENED High CPU Usage on bot-1: avg(cpu.usage) 97.2 ≥ 95 since 14:32:00\n"
            "<http://127.0.0.1:8080/#/incidents/3f1c9e1e-1111-4222-8333-444455556666|Open in "
            "botmon>");
  ASSERT_TRUE(j["blocks"].is_array());
  ASSERT_GE(j["blocks"].size(), 3u);
  for (const auto& b : j["blocks"]) EXPECT_EQ(b["type"], "section");
  EXPECT_EQ(j["blocks"][0]["text"]["type"], "mrkdwn");
  EXPECT_EQ(j["blocks"][0]["text"]["text"],
            ":red_circle: *[CRITICAL] OPENED* High CPU Usage on bot-1");
  const std::string all = j.dump();
  for (const char* fact : {"*Severity*\\ncritical", "*Group*\\nhost=bot-1", "*Value*\\n97.2",
                           "*Condition*\\navg(cpu.usage) ≥ 95", "2024-01-15T14:32:00.000Z"}) {
    EXPECT_NE(all.find(fact), std::string::npos) << fact;
  }
  Notification n = CpuCritical();
  n.incident.rule_name = "a<b & c>d";
  EXPECT_NE(SlackPayload(n).find("a&lt;b &amp; c&gt;d"), std::string::npos);
}

TEST(Message, WebhookPayloadIsAppendixA8) {
  Notification n = Opened(MemoryIncident());
  n.sessions = {{"count", 37}, {"href", "/api/monitoring/sessions?host=bot-1"}};
  const std::string body = WebhookPayload(n);
  EXPECT_EQ(
      body.find(
          R"({"event":"incident.opened","deliveryId":"5c0e0000-aaaa-4bbb-8ccc-dddddddddddd","sentAt":"2024-01-15T14:32:10.512Z","test":false,"incident":{)"),
      0u)
      << body;
  json j = json::parse(body);
  EXPECT_EQ(j["incident"], IncidentToJson(n.incident, n.sessions));
  EXPECT_EQ(j["dashboardUrl"],
            "http://127.0.0.1:8080/#/incidents/3f1c9e1e-1111-4222-8333-444455556666");
  EXPECT_EQ(j["text"],
            "[WARNING] OPENED Memory Usage on bot-1: avg(mem.usage) 61.0 ≥ 1 since 14:32:00");
  EXPECT_TRUE(body.ends_with(
      R"(,"dashboardUrl":"http://127.0.0.1:8080/#/incidents/3f1c9e1e-1111-4222-8333-444455556666","text":"[WARNING] OPENED Memory Usage on bot-1: avg(mem.usage) 61.0 ≥ 1 since 14:32:00"})"));

  for (auto [e, name] : {std::pair{NotifyEvent::kResolved, "incident.resolved"},
                         std::pair{NotifyEvent::kRepeat, "incident.repeat"},
                         std::pair{NotifyEvent::kTest, "test"}}) {
    n.event = e;
    json k = json::parse(WebhookPayload(n));
    EXPECT_EQ(k["event"], name);
    EXPECT_EQ(k["test"], e == NotifyEvent::kTest);
  }
  // Invalid UTF-8 in a name still gives valid JSON.
  n.incident.rule_name = "bad \xff name";
  EXPECT_FALSE(json::parse(WebhookPayload(n), nullptr, false).is_discarded());
}

TEST(Message, SmsIsShortAsciiOperandAndKeepsTheLink) {
  Notification n = CpuCritical();
  EXPECT_EQ(SmsText(n),
            "[CRITICAL] OPENED High CPU Usage on bot-1: avg(cpu.usage) 97.2 >= 95 since 14:32:00 "
            "http://127.0.0.1:8080/#/incidents/3f1c9e1e-1111-4222-8333-444455556666");
  n.incident.rule_name =
      std::string(200, 'r') + "ééééééééééééééééééééééééééééééééééééééééééééééééééé";
  n.event = NotifyEvent::kTest;
  const std::string s = SmsText(n);
  size_t chars = 0;
  for (unsigned char c : s) chars += (c & 0xC0) != 0x80;
  EXPECT_EQ(chars, kMaxSmsChars);
  EXPECT_TRUE(s.starts_with("[TEST] "));
  EXPECT_TRUE(s.ends_with("... " + n.dashboard_url));
}

TEST(Message, TestIncident) {
  Incident inc = TestIncident("bot-9", T("2024-01-15T10:00:00Z"));
  EXPECT_EQ(inc.id.size(), 36u);
  EXPECT_EQ(inc.group.at("host"), "bot-9");
  EXPECT_TRUE(inc.open());
  Notification n = Opened(inc);
  n.event = NotifyEvent::kTest;
  EXPECT_EQ(NotificationText(n),
            "[TEST] [WARNING] OPENED botmon test alert on bot-9: avg(cpu.usage) 85.0 ≥ 80 since "
            "10:00:00");
}

TEST(Message, EventNames) {
  NotifyEvent e;
  ASSERT_TRUE(ParseNotifyEvent("repeat", &e));
  EXPECT_EQ(e, NotifyEvent::kRepeat);
  EXPECT_FALSE(ParseNotifyEvent("closed", &e));
  EXPECT_EQ(NotifyEventName(NotifyEvent::kResolved), "resolved");
}

}  // namespace
}  // namespace botmon
