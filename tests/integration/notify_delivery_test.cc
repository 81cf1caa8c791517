// Notifications through the real binary and real receivers (SPEC 7.5, Appendix A.8, issue 3):
// the General Bots seed's config.csv alert keys ("Set Up Alerts", 4.3) become rules and
// channels; an incident driven by ingested bot replies slower than alert-response-time-ms
// reaches a real SMTP server (aiosmtpd) and a Slack-style HTTP receiver, opened and resolved.
// A signed webhook is verified with OpenSSL's HMAC computed here (not botmon's code), and a
// Twilio-compatible SMS request is checked field by field.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "integration/harness.h"
#include "integration/notify_helpers.h"
#include "support/http_receiver.h"
#include "support/smtp_server.h"

namespace botmon::testing {
namespace {

using nlohmann::json;
using Request = HttpReceiver::Request;

constexpr const char* kPublicUrl = "https://monitor.example.com";

// Lower-case hex HMAC-SHA256, straight from OpenSSL.
std::string OpenSslHmacHex(const std::string& key, const std::string& data) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac, &len);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    out += kHex[mac[i] >> 4];
    out += kHex[mac[i] & 15];
  }
  return out;
}

// "" when `header` ("t=<secs>,v1=<hex>") signs `body` with `secret` within 5 minutes of now.
std::string CheckSignature(const std::string& secret, const std::string& header,
                           const std::string& body) {
  std::string t, v1;
  size_t start = 0;
  while (start <= header.size()) {
    size_t end = header.find(',', start);
    if (end == std::string::npos) end = header.size();
    const std::string part = header.substr(start, end - start);
    if (part.rfind("t=", 0) == 0) t = part.substr(2);
    if (part.rfind("v1=", 0) == 0) v1 = part.substr(3);
    start = end + 1;
  }
  if (t.empty() || t.find_first_not_of("0123456789") != std::string::npos) {
    return "no t in \"" + header + "\"";
  }
  if (std::llabs(std::atoll(t.c_str()) - NowMs() / 1000) > 300) return "t is not recent: " + t;
  const std::string expected = OpenSslHmacHex(secret, t + "." + body);
  if (v1 != expected) return "v1 " + v1 + " != " + expected;
  return "";
}

// The seed's six alert-* keys (000_95123c72713aa5fe.md, 4.3), the Slack URL pointing at the
// local receiver, plus `extra` lines.
void WriteConfigCsv(const std::string& path, const std::string& slack_url,
                    const std::string& extra = "") {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream(path) << "key,value\n"
                      << "alert-cpu-threshold,80\n"
                      << "alert-memory-threshold,85\n"
                      << "alert-disk-threshold,90\n"
                      << "alert-response-time-ms,5000\n"
                      << "alert-email,admin@company.com\n"
                      << (slack_url.empty() ? "" : "alert-slack-webhook," + slack_url + "\n")
                      << extra;
}

// A bot reply of bot "mybot" that took `latency_ms` (with the user message that opens its
// session).
json SlowReply(const std::string& session, double latency_ms) {
  return json::array({{{"type", "message.in"},
                       {"session", session},
                       {"bot", "mybot"},
                       {"user", "+5511999888777"},
                       {"channel", "whatsapp"},
                       {"text", "where is my order?"}},
                      {{"type", "message.out"},
                       {"session", session},
                       {"text", "let me check"},
                       {"latency_ms", latency_ms}}});
}

// Starts botmon with `yaml` (plus a quiet /proc and no default rules) and the config.csv.
bool StartWith(BotmonServer* server, const std::string& yaml, const std::string& csv) {
  const std::string dir = server->dir();
  WriteQuietProc(dir + "/root");
  std::ofstream(dir + "/botmon.yaml") << "hostName: bot-1\n"
                                      << "publicUrl: \"" << kPublicUrl << "\"\n"
                                      << "collect: {procRoot: \"" << dir << "/root\"}\n"
                                      << NoDefaultRulesYaml() << yaml;
  return server->Start({"--config", dir + "/botmon.yaml", "--bot-config", csv});
}

void ExpectCsvRule(const json& rules, const std::string& name, const std::string& field,
                   double value, const std::string& timeframe) {
  SCOPED_TRACE(name);
  const json* found = nullptr;
  for (const auto& r : rules["rules"]) {
    if (r["name"] == name) found = &r;
  }
  ASSERT_NE(found, nullptr) << rules.dump();
  const json& r = *found;
  EXPECT_EQ(r["source"], "config-csv");
  EXPECT_EQ(r["field"], field);
  EXPECT_EQ(r["aggregation"], "avg");
  EXPECT_EQ(r["operand"], "equalOrMoreThan");
  EXPECT_EQ(r["value"], value);
  EXPECT_EQ(r["timeframe"], timeframe);
  EXPECT_EQ(r["for"], "0s");
  EXPECT_EQ(r["severity"], "warning");
  EXPECT_EQ(r["groupBy"], json::array({"host"}));
  EXPECT_EQ(r["channels"], json::array({"email", "slack"}));
  EXPECT_EQ(r["enabled"], true);
  EXPECT_EQ(r["readOnly"], true);
}

// Waits for the only "Response Time" incident in `state`; returns it (null on timeout).
json WaitForResponseTimeIncident(const BotmonServer& server, const std::string& token,
                                 const std::string& state) {
  json found;
  WaitFor(
      [&] {
        json list = IncidentsOf(server, token, "Response Time");
        if (list.size() != 1 || list[0]["state"] != state) return false;
        found = list[0];
        return true;
      },
      20'000);
  return found;
}

// "14:32:00" of an RFC 3339 time.
std::string ClockTime(const json& rfc3339) { return rfc3339.get<std::string>().substr(11, 8); }

TEST(NotifyDeliveryTest, SeedConfigCsvAlertsReachEmailAndSlack) {
  std::string why;
  if (!SmtpServer::Available(&why)) GTEST_SKIP() << why;
  SmtpServer smtp;
  ASSERT_EQ(smtp.Start({}), "");
  HttpReceiver slack;
  ASSERT_TRUE(slack.up());
  BotmonServer server;
  const std::string csv = server.dir() + "/mybot.gbot/config.csv";
  WriteConfigCsv(csv, slack.url("/services/T000/B000/XXXXXXXX"));
  ASSERT_TRUE(StartWith(&server,
                        "smtp: {host: 127.0.0.1, port: " + std::to_string(smtp.port()) +
                            ", tls: none, from: \"botmon@example.com\"}\n",
                        csv))
      << server.log();
  const std::string monitor = server.CreateToken("viewer", "monitor");
  const std::string ingest = server.CreateToken("mybot", "ingest");

  // The effective rules and channels: A.8's mapping of the six keys.
  const json rules = server.Get("/api/alerts/rules", monitor).Json();
  ASSERT_FALSE(rules.is_discarded());
  ExpectCsvRule(rules, "CPU Usage", "cpu.usage", 80, "5m");
  ExpectCsvRule(rules, "Memory Usage", "mem.usage", 85, "5m");
  ExpectCsvRule(rules, "Disk Usage", "disk.usage", 90, "5m");
  ExpectCsvRule(rules, "Response Time", "response.latency_avg", 5000, "3m");
  EXPECT_EQ(RuleNamed(server, monitor, "Response Time")["match"], json({{"bot", "mybot"}}));
  const json channels = server.Get("/api/alerts/channels", monitor).Json();
  ASSERT_EQ(channels["channels"].size(), 2u) << channels.dump();
  for (const auto& c : channels["channels"]) {
    if (c["name"] == "email") {
      EXPECT_EQ(c["kind"], "email");
      EXPECT_EQ(c["to"], json::array({"admin@company.com"}));
    } else {
      EXPECT_EQ(c["name"], "slack");
      EXPECT_EQ(c["kind"], "slack");
      EXPECT_EQ(c["url"].get<std::string>().rfind(slack.url("/"), 0), 0u) << c.dump();
    }
  }

  // Replies slower than 5000 ms open "Response Time".
  ASSERT_TRUE(Ingest(server, ingest, SlowReply("s1", 6000)));
  const json opened = WaitForResponseTimeIncident(server, monitor, "open");
  ASSERT_FALSE(opened.is_null()) << AllIncidents(server, monitor).dump();
  EXPECT_EQ(opened["triggerValue"], 6000);
  EXPECT_EQ(opened["group"], json({{"host", "bot-1"}}));
  const std::string id = opened["id"];
  const std::string link = std::string(kPublicUrl) + "/#/incidents/" + id;

  ASSERT_TRUE(smtp.WaitForMessages(1, 15'000)) << smtp.Log() << server.log();
  ASSERT_TRUE(slack.WaitUntil([](const auto& r) { return r.size() >= 1; }, 15'000));
  {
    const auto mail = smtp.Messages()[0];
    EXPECT_EQ(mail.headers.at("subject"),
              "[botmon] OPENED warning: Response Time on bot-1 (6000.0 ≥ 5000)");
    EXPECT_EQ(mail.rcpt_to, std::vector<std::string>{"admin@company.com"});
    EXPECT_EQ(mail.mail_from, "botmon@example.com");
    EXPECT_EQ(mail.headers.at("x-botmon-event"), "incident.opened");
    EXPECT_EQ(mail.headers.at("x-botmon-incident"), id);
    for (const std::string& line :
         {"[WARNING] OPENED Response Time on bot-1: avg(response.latency_avg) 6000.0 ≥ 5000 "
          "since " +
              ClockTime(opened["startTime"]) + "\n",
          std::string("State:       open\n"), std::string("Severity:    warning\n"),
          std::string("Rule:        Response Time\n"), std::string("Group:       host=bot-1\n"),
          std::string("Value:       6000.0\n"), std::string("Operand:     equalOrMoreThan\n"),
          std::string("Threshold:   5000\n"),
          "Started:     " + opened["startTime"].get<std::string>() + "\n",
          "Dashboard:   " + link + "\n",
          "Delivery:    " + mail.headers.at("x-botmon-delivery") + "\n"}) {
      EXPECT_NE(mail.body.find(line), std::string::npos) << line << "\n---\n" << mail.body;
    }
    const Request hook = slack.Requests()[0];
    EXPECT_EQ(hook.method, "POST");
    EXPECT_EQ(hook.path, "/services/T000/B000/XXXXXXXX");
    EXPECT_EQ(hook.Header("content-type"), "application/json");
    EXPECT_EQ(hook.event(), "incident.opened");
    const json payload = json::parse(hook.body, nullptr, false);
    ASSERT_TRUE(payload.is_object()) << hook.body;
    EXPECT_EQ(payload.size(), 2u) << hook.body;  // {"text", "blocks"}
    ASSERT_TRUE(payload["blocks"].is_array());
    EXPECT_FALSE(payload["blocks"].empty());
    const std::string text = payload["text"];
    EXPECT_NE(text.find("[WARNING] OPENED Response Time on bot-1: avg(response.latency_avg) "
                        "6000.0 ≥ 5000"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find(link), std::string::npos) << text;
    EXPECT_NE(hook.body.find("Response Time"), std::string::npos);
  }

  // Fast replies bring the 3-minute average under 5000: resolved, on both channels.
  ASSERT_TRUE(Ingest(server, ingest, SlowReply("s2", 100)));
  const json resolved = WaitForResponseTimeIncident(server, monitor, "resolved");
  ASSERT_FALSE(resolved.is_null()) << AllIncidents(server, monitor).dump();
  EXPECT_EQ(resolved["id"], id);
  ASSERT_TRUE(smtp.WaitForMessages(2, 15'000)) << server.log();
  ASSERT_TRUE(slack.WaitUntil([](const auto& r) { return r.size() >= 2; }, 15'000));
  {
    const auto mail = smtp.Messages()[1];
    const std::string subject = mail.headers.at("subject");
    EXPECT_EQ(subject.rfind("[botmon] RESOLVED warning: Response Time on bot-1 (", 0), 0u)
        << subject;
    EXPECT_TRUE(subject.ends_with(", threshold ≥ 5000)")) << subject;
    EXPECT_EQ(mail.headers.at("x-botmon-event"), "incident.resolved");
    EXPECT_NE(mail.body.find("State:       resolved\n"), std::string::npos) << mail.body;
    EXPECT_NE(mail.body.find("Resolved:    " + resolved["endTime"].get<std::string>()),
              std::string::npos)
        << mail.body;
    EXPECT_NE(mail.body.find("Dashboard:   " + link + "\n"), std::string::npos) << mail.body;
    const Request hook = slack.Requests()[1];
    EXPECT_EQ(hook.event(), "incident.resolved");
    const json payload = json::parse(hook.body, nullptr, false);
    EXPECT_NE(payload.value("text", "").find("[WARNING] RESOLVED Response Time on bot-1"),
              std::string::npos)
        << hook.body;
  }

  // Every delivery recorded as sent; one message per notification and channel, each with its
  // own delivery id.
  ASSERT_TRUE(WaitFor(
      [&] {
        const json d = DeliveriesOf(server, monitor, id);
        if (d.size() != 4) return false;
        for (const auto& row : d) {
          if (row["state"] != "sent") return false;
        }
        return true;
      },
      10'000))
      << DeliveriesOf(server, monitor, id).dump();
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // nothing more arrives
  EXPECT_EQ(smtp.Messages().size(), 2u);
  EXPECT_EQ(slack.Requests().size(), 2u);
  std::set<std::string> ids;
  for (const auto& m : smtp.Messages()) ids.insert(m.headers.at("x-botmon-delivery"));
  for (const auto& r : slack.Requests()) ids.insert(r.delivery());
  EXPECT_EQ(ids.size(), 4u);
  EXPECT_EQ(IncidentsOf(server, monitor, "Response Time").size(), 1u);
}

TEST(NotifyDeliveryTest, SignedWebhookAndTwilioSms) {
  const std::string secret = "change-me-to-a-long-random-string";
  const std::string sid = "AC0123456789abcdef0123456789abcdef";
  const std::string auth_token = "twilio-token-42";
  const std::string sms_path = "/2010-04-01/Accounts/" + sid + "/Messages.json";
  HttpReceiver receiver;
  ASSERT_TRUE(receiver.up());
  // The receiver answers as the real ones would: 401 for a bad signature or bad credentials.
  receiver.SetResponder([&](const Request& r) {
    if (r.path == "/hooks/botmon") {
      return CheckSignature(secret, r.Header("x-botmon-signature"), r.body).empty() ? 200 : 401;
    }
    if (r.path == sms_path) {
      return Base64Decode(r.Header("authorization").substr(6)) == sid + ":" + auth_token ? 201
                                                                                         : 401;
    }
    return 404;
  });
  BotmonServer server;
  const std::string csv = server.dir() + "/mybot.gbot/config.csv";
  std::filesystem::create_directories(server.dir() + "/mybot.gbot");
  std::ofstream(csv) << "key,value\n"
                     << "alert-response-time-ms,5000ms\n"
                     << "alert-webhook-url," << receiver.url("/hooks/botmon") << "\n"
                     << "alert-webhook-secret," << secret << "\n"
                     << "alert-sms-to,+55 (11) 99988-8777\n";
  ASSERT_TRUE(StartWith(&server,
                        "sms: {provider: twilio, baseUrl: \"" + receiver.url() +
                            "\", accountSid: " + sid + ", authToken: " + auth_token +
                            ", from: \"+15005550006\"}\n",
                        csv))
      << server.log();
  const std::string monitor = server.CreateToken("viewer", "monitor");
  const std::string ingest = server.CreateToken("mybot", "ingest");
  const json channels = server.Get("/api/alerts/channels", monitor).Json();
  ASSERT_EQ(channels["channels"].size(), 2u) << channels.dump();
  for (const auto& c : channels["channels"]) {
    if (c["kind"] == "webhook") {
      EXPECT_EQ(c["secret"], "***") << c.dump();
    } else {
      EXPECT_EQ(c["to"], json::array({"+5511999888777"})) << c.dump();
    }
  }

  ASSERT_TRUE(Ingest(server, ingest, SlowReply("s1", 7500)));
  const json opened = WaitForResponseTimeIncident(server, monitor, "open");
  ASSERT_FALSE(opened.is_null()) << AllIncidents(server, monitor).dump();
  const std::string id = opened["id"];
  ASSERT_TRUE(receiver.WaitUntil([](const auto& r) { return r.size() >= 2; }, 15'000))
      << server.log();
  ASSERT_TRUE(Ingest(server, ingest, SlowReply("s2", 10)));
  const json resolved = WaitForResponseTimeIncident(server, monitor, "resolved");
  ASSERT_FALSE(resolved.is_null()) << AllIncidents(server, monitor).dump();
  ASSERT_TRUE(receiver.WaitUntil([](const auto& r) { return r.size() >= 4; }, 15'000))
      << server.log();
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));  // nothing more arrives
  const auto all = receiver.Requests();
  ASSERT_EQ(all.size(), 4u);
  const json incident = server.Get("/api/alerts/incidents/" + id, monitor).Json();

  // The webhook: A.8's body, signed.
  const auto hooks = HttpReceiver::WithPath(all, "/hooks/botmon");
  ASSERT_EQ(hooks.size(), 2u);
  for (size_t i = 0; i < hooks.size(); ++i) {
    const Request& h = hooks[i];
    const std::string event = i == 0 ? "incident.opened" : "incident.resolved";
    SCOPED_TRACE(event);
    EXPECT_EQ(h.method, "POST");
    EXPECT_EQ(h.status, 200);
    EXPECT_EQ(h.Header("content-type"), "application/json");
    EXPECT_EQ(h.event(), event);
    EXPECT_EQ(CheckSignature(secret, h.Header("x-botmon-signature"), h.body), "");
    // The check is not vacuous: one changed byte, or another secret, fails it.
    std::string tampered = h.body;
    tampered[tampered.size() / 2] ^= 1;
    EXPECT_NE(CheckSignature(secret, h.Header("x-botmon-signature"), tampered), "");
    EXPECT_NE(CheckSignature(secret + "x", h.Header("x-botmon-signature"), h.body), "");

    const nlohmann::ordered_json body = nlohmann::ordered_json::parse(h.body, nullptr, false);
    ASSERT_TRUE(body.is_object()) << h.body;
    std::vector<std::string> keys;
    for (const auto& [k, v] : body.items()) keys.push_back(k);
    EXPECT_EQ(keys, (std::vector<std::string>{"event", "deliveryId", "sentAt", "test", "incident",
                                              "dashboardUrl", "text"}));
    EXPECT_EQ(body["event"], event);
    EXPECT_EQ(body["deliveryId"], h.delivery());
    EXPECT_EQ(body["test"], false);
    const std::string sent_at = body["sentAt"];
    EXPECT_TRUE(sent_at.size() == 24 && sent_at.back() == 'Z') << sent_at;
    EXPECT_EQ(body["dashboardUrl"], std::string(kPublicUrl) + "/#/incidents/" + id);
    for (const char* k : {"id", "ruleName", "hostName", "startTime", "triggerValue", "severity",
                          "field", "aggregation", "operand", "threshold", "group"}) {
      EXPECT_EQ(json(body["incident"][k]), incident[k]) << k;
    }
    EXPECT_EQ(body["incident"]["state"], i == 0 ? "open" : "resolved");
    const std::string since = "since " + ClockTime(incident["startTime"]);
    const std::string text = body["text"];
    if (i == 0) {
      EXPECT_EQ(text,
                "[WARNING] OPENED Response Time on bot-1: avg(response.latency_avg) 7500.0 "
                "≥ 5000 " +
                    since);
    } else {
      EXPECT_EQ(body["incident"]["endTime"], incident["endTime"]);
      EXPECT_EQ(
          text.rfind("[WARNING] RESOLVED Response Time on bot-1: avg(response.latency_avg) ", 0),
          0u)
          << text;
      EXPECT_NE(text.find("(threshold ≥ 5000) " + since + ", resolved at "), std::string::npos)
          << text;
    }
  }
  EXPECT_NE(hooks[0].delivery(), hooks[1].delivery());

  // The SMS: Twilio's Messages API, one form post per notification.
  const auto sms = HttpReceiver::WithPath(all, sms_path);
  ASSERT_EQ(sms.size(), 2u);
  for (size_t i = 0; i < sms.size(); ++i) {
    const Request& s = sms[i];
    SCOPED_TRACE(i == 0 ? "sms opened" : "sms resolved");
    EXPECT_EQ(s.method, "POST");
    EXPECT_EQ(s.status, 201);
    EXPECT_EQ(s.Header("content-type"), "application/x-www-form-urlencoded");
    EXPECT_EQ(s.Header("authorization").rfind("Basic ", 0), 0u);
    EXPECT_EQ(Base64Decode(s.Header("authorization").substr(6)), sid + ":" + auth_token);
    auto form = ParseForm(s.body);
    EXPECT_EQ(form.size(), 3u) << s.body;
    EXPECT_EQ(form["To"], "+5511999888777");
    EXPECT_EQ(form["From"], "+15005550006");
    const std::string text = form["Body"];
    EXPECT_EQ(text.rfind(i == 0 ? "[WARNING] OPENED Response Time on bot-1: "
                                  "avg(response.latency_avg) 7500.0 >= 5000"
                                : "[WARNING] RESOLVED Response Time on bot-1: ",
                         0),
              0u)
        << text;
    EXPECT_TRUE(text.ends_with(std::string(kPublicUrl) + "/#/incidents/" + id)) << text;
    EXPECT_LE(text.size(), 320u);
    EXPECT_EQ(s.event(), i == 0 ? "incident.opened" : "incident.resolved");
  }
  ASSERT_TRUE(WaitFor(
      [&] {
        const json d = DeliveriesOf(server, monitor, id);
        if (d.size() != 4) return false;
        for (const auto& row : d) {
          if (row["state"] != "sent") return false;
        }
        return true;
      },
      10'000))
      << DeliveriesOf(server, monitor, id).dump();
}

}  // namespace
}  // namespace botmon::testing
