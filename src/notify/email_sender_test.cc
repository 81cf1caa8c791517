// The e-mail transport against a real SMTP server (Debian's aiosmtpd, started by the test):
// plain, STARTTLS and SMTPS with AUTH, the trust store, SMTP reply classification, an
// unconfigured or unreachable server.
#include <gtest/gtest.h>

#include "core/time_util.h"
#include "notify/sender.h"
#include "support/smtp_server.h"

namespace botmon {
namespace {

using testing::SmtpServer;

constexpr int64_t kTimeout = 15'000;

class EmailSenderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string why;
    // aiosmtpd is in scripts/install-deps.sh's test group; only a machine without it skips.
    if (!SmtpServer::Available(&why)) GTEST_SKIP() << why;
  }

  void StartServer(const SmtpServer::Options& o) {
    const std::string err = server_.Start(o);
    ASSERT_EQ(err, "");
  }

  TransportConfig Transports(const std::string& tls) const {
    TransportConfig t;
    t.smtp.host = "127.0.0.1";
    t.smtp.port = server_.port();
    t.smtp.tls = tls;
    t.smtp.from = "Botmon Alerts <alerts@botmon.example>";
    t.ca_file = server_.ca_file();
    t.helo_name = "botmon-test";
    return t;
  }

  static Channel Email(std::vector<std::string> to) {
    Channel c;
    c.name = "ops-email";
    c.kind = ChannelKind::kEmail;
    c.to = std::move(to);
    return c;
  }

  static Notification MakeNotification() {
    Incident inc;
    inc.id = "3f1c9e1e-1111-4222-8333-444455556666";
    inc.rule_name = "High CPU Usage";
    inc.host_name = "bot-1";
    inc.start_ms = ParseRfc3339("2024-01-15T14:32:00Z").value();
    inc.trigger_value = 97.2;
    inc.severity = Severity::kCritical;
    inc.field = "cpu.usage";
    inc.threshold = 95;
    inc.group = {{"host", "bot-1"}};
    Notification n;
    n.event = NotifyEvent::kOpened;
    n.delivery_id = "5c0e0000-aaaa-4bbb-8ccc-dddddddddddd";
    n.incident = inc;
    n.dashboard_url = DashboardUrl("http://127.0.0.1:8080", inc.id);
    n.sent_at_ms = ParseRfc3339("2024-01-15T14:32:10.512Z").value();
    return n;
  }

  // The one message the server got, checked for the facts every notification states.
  void ExpectDelivered(const Notification& n, const std::vector<std::string>& to,
                       SmtpServer::Message* out) {
    ASSERT_TRUE(server_.WaitForMessages(1, 5000)) << server_.Log();
    auto messages = server_.Messages();
    ASSERT_EQ(messages.size(), 1u);
    const auto& m = messages[0];
    EXPECT_EQ(m.mail_from, "alerts@botmon.example");
    EXPECT_EQ(m.rcpt_to, to);
    EXPECT_EQ(m.headers.at("subject"),
              "[botmon] OPENED critical: High CPU Usage on bot-1 (97.2 ≥ 95)");
    EXPECT_EQ(m.headers.at("from"), "Botmon Alerts <alerts@botmon.example>");
    for (const auto& addr : to) EXPECT_NE(m.headers.at("to").find(addr), std::string::npos);
    EXPECT_EQ(m.headers.at("x-botmon-delivery"), n.delivery_id);
    EXPECT_EQ(m.headers.at("x-botmon-event"), "incident.opened");
    EXPECT_EQ(m.headers.at("message-id"), "<" + n.delivery_id + "@botmon.example>");
    EXPECT_EQ(m.headers.at("date"), "Mon, 15 Jan 2024 14:32:10 +0000");
    EXPECT_EQ(m.body, EmailBody(n));
    for (const char* fact :
         {"State:       open", "Severity:    critical", "Rule:        High CPU Usage",
          "Group:       host=bot-1", "Value:       97.2", "≥ 95", "Operand:     equalOrMoreThan",
          "Started:     2024-01-15T14:32:00.000Z",
          "http://127.0.0.1:8080/#/incidents/3f1c9e1e-1111-4222-8333-444455556666"}) {
      EXPECT_NE(m.body.find(fact), std::string::npos) << fact;
    }
    *out = m;
  }

  SmtpServer server_;
  // The clock stamps the Date header.
  FakeClock clock_{ParseRfc3339("2024-01-15T14:32:10.512Z").value()};
};

TEST_F(EmailSenderTest, PlainRelaySeveralRecipientsOneMessage) {
  StartServer({});
  const Notification n = MakeNotification();
  SendResult r = SendNotification(Email({"ops@example.com", "oncall@example.org"}), n,
                                  Transports("none"), kTimeout, clock_);
  ASSERT_TRUE(r.ok) << r.detail << "\n" << server_.Log();
  EXPECT_EQ(r.smtp_code, 250);
  EXPECT_TRUE(r.detail.starts_with("smtp 250 in ")) << r.detail;
  EXPECT_TRUE(r.detail.ends_with(": 2.0.0 Ok: queued as 1")) << r.detail;
  SmtpServer::Message m;
  ExpectDelivered(n, {"ops@example.com", "oncall@example.org"}, &m);
  EXPECT_FALSE(m.tls);
  EXPECT_EQ(m.login, "");
}

TEST_F(EmailSenderTest, StartTlsWithAuth) {
  StartServer({SmtpServer::Tls::kStartTls, "botmon", "pa55word"});
  TransportConfig t = Transports("starttls");
  t.smtp.username = "botmon";
  t.smtp.password = "pa55word";
  const Notification n = MakeNotification();
  SendResult r = SendNotification(Email({"ops@example.com"}), n, t, kTimeout, clock_);
  ASSERT_TRUE(r.ok) << r.detail << "\n" << server_.Log();
  SmtpServer::Message m;
  ExpectDelivered(n, {"ops@example.com"}, &m);
  EXPECT_TRUE(m.tls);
  EXPECT_EQ(m.login, "botmon");
}

TEST_F(EmailSenderTest, SmtpsWithAuth) {
  StartServer({SmtpServer::Tls::kSmtps, "botmon", "pa55word"});
  TransportConfig t = Transports("smtps");
  t.smtp.username = "botmon";
  t.smtp.password = "pa55word";
  const Notification n = MakeNotification();
  SendResult r = SendNotification(Email({"ops@example.com"}), n, t, kTimeout, clock_);
  ASSERT_TRUE(r.ok) << r.detail << "\n" << server_.Log();
  SmtpServer::Message m;
  ExpectDelivered(n, {"ops@example.com"}, &m);
  EXPECT_TRUE(m.tls);
  EXPECT_EQ(m.login, "botmon");
}

TEST_F(EmailSenderTest, TrustStoreFromSslCertFile) {
  // What an operator with a private CA does: SSL_CERT_FILE, read by TransportConfigFrom.
  StartServer({SmtpServer::Tls::kStartTls, "", ""});
  Config config;
  config.smtp.host = "127.0.0.1";
  config.smtp.port = server_.port();
  config.smtp.tls = "starttls";
  config.smtp.from = "alerts@botmon.example";
  unsetenv("CURL_CA_BUNDLE");
  setenv("SSL_CERT_FILE", server_.ca_file().c_str(), 1);
  TransportConfig t = TransportConfigFrom(config);
  unsetenv("SSL_CERT_FILE");
  SendResult r =
      SendNotification(Email({"ops@example.com"}), MakeNotification(), t, kTimeout, clock_);
  EXPECT_TRUE(r.ok) << r.detail;
  ASSERT_TRUE(server_.WaitForMessages(1, 5000));
  EXPECT_TRUE(server_.Messages()[0].tls);
}

TEST_F(EmailSenderTest, UntrustedCertificateFails) {
  StartServer({SmtpServer::Tls::kStartTls, "", ""});
  TransportConfig t = Transports("starttls");
  t.ca_file = "/etc/ssl/certs/ca-certificates.crt";  // the system store: our CA is not in it
  SendResult r =
      SendNotification(Email({"ops@example.com"}), MakeNotification(), t, kTimeout, clock_);
  EXPECT_FALSE(r.ok);
  EXPECT_TRUE(r.retryable);
  EXPECT_TRUE(r.detail.starts_with("smtp: ")) << r.detail;
  EXPECT_NE(r.detail.find("certificate"), std::string::npos) << r.detail;
  EXPECT_TRUE(server_.Messages().empty());
}

TEST_F(EmailSenderTest, WrongPasswordIsPermanent) {
  StartServer({SmtpServer::Tls::kSmtps, "botmon", "pa55word"});
  TransportConfig t = Transports("smtps");
  t.smtp.username = "botmon";
  t.smtp.password = "wrong";
  SendResult r =
      SendNotification(Email({"ops@example.com"}), MakeNotification(), t, kTimeout, clock_);
  EXPECT_FALSE(r.ok);
  EXPECT_FALSE(r.retryable);
  EXPECT_EQ(r.smtp_code, 535);
  EXPECT_EQ(r.detail, "smtp 535 5.7.8 Authentication credentials invalid");
}

TEST_F(EmailSenderTest, ServerRequiringStartTlsRefusesPlain) {
  StartServer({SmtpServer::Tls::kStartTls, "", ""});
  SendResult r = SendNotification(Email({"ops@example.com"}), MakeNotification(),
                                  Transports("none"), kTimeout, clock_);
  EXPECT_FALSE(r.ok);
  EXPECT_FALSE(r.retryable);
  EXPECT_EQ(r.smtp_code, 530);
  EXPECT_TRUE(server_.Messages().empty());
}

TEST_F(EmailSenderTest, RecipientRepliesDecideRetry) {
  StartServer({});
  SendResult temp = SendNotification(Email({"tempfail@example.com"}), MakeNotification(),
                                     Transports("none"), kTimeout, clock_);
  EXPECT_FALSE(temp.ok);
  EXPECT_TRUE(temp.retryable);
  EXPECT_EQ(temp.smtp_code, 451);
  EXPECT_EQ(temp.detail, "smtp 451 4.3.0 Try again later");
  SendResult perm = SendNotification(Email({"ops@example.com", "reject@example.com"}),
                                     MakeNotification(), Transports("none"), kTimeout, clock_);
  EXPECT_FALSE(perm.ok);
  EXPECT_FALSE(perm.retryable);
  EXPECT_EQ(perm.smtp_code, 550);
  EXPECT_TRUE(server_.Messages().empty());
}

TEST_F(EmailSenderTest, NotConfiguredAndUnreachable) {
  TransportConfig t;
  SendResult r =
      SendNotification(Email({"ops@example.com"}), MakeNotification(), t, kTimeout, clock_);
  EXPECT_FALSE(r.ok);
  EXPECT_FALSE(r.retryable);
  EXPECT_EQ(r.detail, "smtp not configured (smtp.host is empty)");

  t.smtp.host = "127.0.0.1";
  t.smtp.port = testing::FreeTcpPort();
  t.smtp.tls = "none";
  r = SendNotification(Email({"ops@example.com"}), MakeNotification(), t, kTimeout, clock_);
  EXPECT_FALSE(r.ok);
  EXPECT_TRUE(r.retryable);
  EXPECT_TRUE(r.detail.starts_with("smtp: ")) << r.detail;

  t.smtp.tls = "ssl";
  r = SendNotification(Email({"ops@example.com"}), MakeNotification(), t, kTimeout, clock_);
  EXPECT_EQ(r.detail, "smtp.tls \"ssl\" is not none, starttls or smtps");
  t.smtp.tls = "none";
  t.smtp.from = "not an address";
  r = SendNotification(Email({"ops@example.com"}), MakeNotification(), t, kTimeout, clock_);
  EXPECT_FALSE(r.retryable);
  EXPECT_EQ(r.detail,
            "smtp.from: \"not an address\" is not an e-mail address (expected name@domain)");
}

}  // namespace
}  // namespace botmon
