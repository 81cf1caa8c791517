// The HTTP transports against real local receivers (botmon's own HTTP server on 127.0.0.1:0):
// Slack JSON, webhook body and HMAC signature (recomputed here with OpenSSL), Twilio form fields
// and basic auth, the template provider; status classification, unreachable and hung receivers.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <mutex>

#include <curl/curl.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/time_util.h"
#include "http/server.h"
#include "http/url.h"
#include "notify/sender.h"
#include "support/process.h"

namespace botmon {
namespace {

using nlohmann::json;

class CurlEnvironment : public ::testing::Environment {
 public:
  void SetUp() override { curl_global_init(CURL_GLOBAL_DEFAULT); }
  void TearDown() override { curl_global_cleanup(); }
};
[[maybe_unused]] ::testing::Environment* const kCurlEnv =
    ::testing::AddGlobalTestEnvironment(new CurlEnvironment);

struct Captured {
  std::string path;
  std::vector<std::pair<std::string, std::string>> query;
  std::vector<Header> headers;
  std::string body;

  std::string HeaderValue(const std::string& lower) const {
    for (const auto& h : headers) {
      if (h.name == lower) return h.value;
    }
    return "";
  }
  std::map<std::string, std::string> Form() const {
    std::map<std::string, std::string> out;
    size_t start = 0;
    while (start < body.size()) {
      size_t end = body.find('&', start);
      if (end == std::string::npos) end = body.size();
      std::string pair = body.substr(start, end - start);
      size_t eq = pair.find('=');
      std::string k, v;
      http_internal::PercentDecode(pair.substr(0, eq), true, &k);
      http_internal::PercentDecode(eq == std::string::npos ? "" : pair.substr(eq + 1), true, &v);
      out[k] = v;
      start = end + 1;
    }
    return out;
  }
};

// A local receiver capturing every request.
class Receiver {
 public:
  Receiver() : router_([](const Request&) { return Principal{}; }) {
    auto capture = [this](int status, std::string body) {
      return [this, status, body](Request& req, Responder r) {
        Keep(req);
        r.Send(status == 204 ? Response::NoContent() : Response::Text(status, body));
      };
    };
    router_.Add(Route(Method::kPost, "/slack", Role::kNone, capture(200, "ok")));
    router_.Add(Route(Method::kPost, "/hook", Role::kNone, capture(204, "")));
    router_.Add(Route(Method::kPost, "/sms", Role::kNone, capture(200, R"({"queued":true})")));
    router_.Add(
        Route(Method::kPost, "/status/{code}", Role::kNone, [this](Request& req, Responder r) {
          Keep(req);
          const int code = std::stoi(req.params[0]);
          r.Send(Response::Text(code, req.Query("long") ? std::string(1000, 'e')
                                                        : "status " + req.params[0] + "\nbody"));
        }));
    router_.Add(Route(Method::kPost, "/2010-04-01/Accounts/{sid}/Messages.json", Role::kNone,
                      [this](Request& req, Responder r) {
                        Keep(req);
                        Captured c;
                        c.body = req.body;
                        if (c.Form()["To"] == "+15550000400") {
                          r.Send(Response::Json(400, R"({"code":21211,"message":"Invalid 'To'"})"));
                        } else {
                          r.Send(Response::Json(201, R"({"sid":"SM1","status":"queued"})"));
                        }
                      }));
    ServerOptions opts;
    opts.listen = "127.0.0.1:0";
    server_ = std::make_unique<Server>(opts, &router_);
    Status st = server_->Listen();
    EXPECT_TRUE(st.ok()) << st.ToString();
    server_->Start();
  }
  ~Receiver() { server_->Stop(); }

  std::string Url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(server_->port()) + path;
  }
  std::vector<Captured> requests() {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }

 private:
  void Keep(const Request& req) {
    std::lock_guard<std::mutex> lock(mu_);
    requests_.push_back({req.path, req.query, req.headers, req.body});
  }

  Router router_;
  std::unique_ptr<Server> server_;
  std::mutex mu_;
  std::vector<Captured> requests_;
};

Notification MakeNotification(NotifyEvent event = NotifyEvent::kOpened) {
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
  n.event = event;
  n.delivery_id = "5c0e0000-aaaa-4bbb-8ccc-dddddddddddd";
  n.incident = inc;
  n.dashboard_url = DashboardUrl("http://127.0.0.1:8080", inc.id);
  n.sent_at_ms = ParseRfc3339("2024-01-15T14:32:10.512Z").value();
  return n;
}

Channel Webhook(const std::string& url, const std::string& secret = "") {
  Channel c;
  c.name = "pager";
  c.kind = ChannelKind::kWebhook;
  c.url = url;
  c.secret = secret;
  return c;
}

std::string OpenSslHmacHex(const std::string& key, const std::string& data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), md, &len);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < len; ++i) {
    out += hex[md[i] >> 4];
    out += hex[md[i] & 15];
  }
  return out;
}

constexpr int64_t kTimeout = 10'000;

TEST(SlackSender, PostsTextAndBlocks) {
  Receiver rx;
  Channel c;
  c.name = "slack";
  c.kind = ChannelKind::kSlack;
  c.url = rx.Url("/slack");
  FakeClock clock;
  SendResult r = SendNotification(c, MakeNotification(), TransportConfig{}, kTimeout, clock);
  EXPECT_TRUE(r.ok) << r.detail;
  EXPECT_EQ(r.http_status, 200);
  EXPECT_TRUE(r.detail.starts_with("slack 200 in ")) << r.detail;
  EXPECT_TRUE(r.detail.ends_with(" ms")) << r.detail;
  auto reqs = rx.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].HeaderValue("content-type"), "application/json");
  EXPECT_EQ(reqs[0].HeaderValue("x-botmon-delivery"), "5c0e0000-aaaa-4bbb-8ccc-dddddddddddd");
  json j = json::parse(reqs[0].body);
  EXPECT_EQ(reqs[0].body, SlackPayload(MakeNotification()));
  EXPECT_TRUE(j["text"].get<std::string>().starts_with(
      "[CRITICAL] OPENED High CPU Usage on bot-1: avg(cpu.usage) 97.2 ≥ 95 since 14:32:00"));
  EXPECT_EQ(j["blocks"][0]["type"], "section");
  EXPECT_EQ(j["blocks"][0]["text"]["type"], "mrkdwn");
}

TEST(WebhookSender, SignedBodyIsAppendixA8) {
  Receiver rx;
  FakeClock clock(1'705'329'130'250);
  const Notification n = MakeNotification();
  SendResult r =
      SendNotification(Webhook(rx.Url("/hook"), "s3cret"), n, TransportConfig{}, kTimeout, clock);
  EXPECT_TRUE(r.ok) << r.detail;
  EXPECT_EQ(r.http_status, 204);
  auto reqs = rx.requests();
  ASSERT_EQ(reqs.size(), 1u);
  const Captured& q = reqs[0];
  EXPECT_EQ(q.HeaderValue("x-botmon-delivery"), n.delivery_id);
  EXPECT_EQ(q.HeaderValue("x-botmon-event"), "incident.opened");
  // Recompute the signature from the raw body as a receiver would.
  const std::string sig = q.HeaderValue("x-botmon-signature");
  ASSERT_TRUE(sig.starts_with("t=1705329130,v1=")) << sig;
  EXPECT_EQ(sig.substr(sig.find("v1=") + 3), OpenSslHmacHex("s3cret", "1705329130." + q.body));
  json j = json::parse(q.body);
  std::vector<std::string> keys;
  for (const auto& [k, v] : j.items()) keys.push_back(k);
  std::sort(keys.begin(), keys.end());
  EXPECT_EQ(keys, (std::vector<std::string>{"dashboardUrl", "deliveryId", "event", "incident",
                                            "sentAt", "test", "text"}));
  EXPECT_EQ(j["event"], "incident.opened");
  EXPECT_EQ(j["deliveryId"], n.delivery_id);
  EXPECT_EQ(j["sentAt"], "2024-01-15T14:32:10.512Z");
  EXPECT_EQ(j["test"], false);
  EXPECT_EQ(j["incident"], IncidentToJson(n.incident));
  EXPECT_EQ(j["dashboardUrl"], n.dashboard_url);
  EXPECT_EQ(j["text"], NotificationText(n));
}

TEST(WebhookSender, UnsignedWithoutSecretAndTestEvent) {
  Receiver rx;
  FakeClock clock;
  SendResult r = SendNotification(Webhook(rx.Url("/hook")), MakeNotification(NotifyEvent::kTest),
                                  TransportConfig{}, kTimeout, clock);
  EXPECT_TRUE(r.ok) << r.detail;
  auto reqs = rx.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].HeaderValue("x-botmon-signature"), "");
  EXPECT_EQ(reqs[0].HeaderValue("x-botmon-event"), "test");
  json j = json::parse(reqs[0].body);
  EXPECT_EQ(j["event"], "test");
  EXPECT_EQ(j["test"], true);
  EXPECT_TRUE(j["text"].get<std::string>().starts_with("[TEST] "));
}

TEST(WebhookSender, StatusClassification) {
  Receiver rx;
  FakeClock clock;
  struct Case {
    int status;
    bool retryable;
  };
  for (Case c : {Case{500, true}, Case{503, true}, Case{429, true}, Case{400, false},
                 Case{404, false}, Case{401, false}}) {
    SendResult r = SendNotification(Webhook(rx.Url("/status/" + std::to_string(c.status))),
                                    MakeNotification(), TransportConfig{}, kTimeout, clock);
    EXPECT_FALSE(r.ok);
    EXPECT_EQ(r.http_status, c.status);
    EXPECT_EQ(r.retryable, c.retryable) << c.status;
    EXPECT_EQ(r.detail, "webhook " + std::to_string(c.status) + ": status " +
                            std::to_string(c.status) + " body");
  }
  // Only the first 200 bytes of a reply are quoted.
  SendResult r = SendNotification(Webhook(rx.Url("/status/503?long=1")), MakeNotification(),
                                  TransportConfig{}, kTimeout, clock);
  EXPECT_EQ(r.detail, "webhook 503: " + std::string(200, 'e'));
}

TEST(WebhookSender, UnreachableIsRetryable) {
  FakeClock clock;
  const int port = testing::FreeTcpPort();
  SendResult r = SendNotification(Webhook("http://127.0.0.1:" + std::to_string(port) + "/hook"),
                                  MakeNotification(), TransportConfig{}, kTimeout, clock);
  EXPECT_FALSE(r.ok);
  EXPECT_TRUE(r.retryable);
  EXPECT_EQ(r.http_status, 0);
  EXPECT_TRUE(r.detail.starts_with("webhook: ")) << r.detail;
  EXPECT_NE(r.detail.find("onnect"), std::string::npos) << r.detail;
}

TEST(WebhookSender, HungReceiverFailsWithinTheTimeout) {
  // A socket that listens but never accepts or answers: the connection completes in the
  // kernel's backlog and the request is never read.
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(listen(fd, 8), 0);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  const int port = ntohs(addr.sin_port);
  FakeClock clock;
  const auto start = std::chrono::steady_clock::now();
  SendResult r = SendNotification(Webhook("http://127.0.0.1:" + std::to_string(port) + "/h"),
                                  MakeNotification(), TransportConfig{}, 1500, clock);
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::steady_clock::now() - start)
                        .count();
  close(fd);
  EXPECT_FALSE(r.ok);
  EXPECT_TRUE(r.retryable);
  EXPECT_GE(took, 1400);
  EXPECT_LT(took, 6000);
  EXPECT_TRUE(r.detail.starts_with("webhook: timed out after 1500 ms")) << r.detail;
}

TransportConfig TwilioAt(const Receiver& rx) {
  TransportConfig t;
  t.sms.provider = "twilio";
  t.sms.base_url = rx.Url("");
  t.sms.account_sid = "AC0123456789abcdef";
  t.sms.auth_token = "tok3n";
  t.sms.from = "+15005550006";
  return t;
}

Channel Sms(std::vector<std::string> to) {
  Channel c;
  c.name = "oncall-sms";
  c.kind = ChannelKind::kSms;
  c.to = std::move(to);
  return c;
}

TEST(SmsSender, TwilioFormFieldsAndBasicAuthPerRecipient) {
  Receiver rx;
  FakeClock clock;
  const Notification n = MakeNotification();
  SendResult r =
      SendNotification(Sms({"+5511999888777", "+14155550100"}), n, TwilioAt(rx), kTimeout, clock);
  EXPECT_TRUE(r.ok) << r.detail;
  EXPECT_EQ(r.http_status, 201);
  EXPECT_TRUE(r.detail.starts_with("sms 201 in ")) << r.detail;
  EXPECT_TRUE(r.detail.ends_with(" ms (2 messages)")) << r.detail;
  auto reqs = rx.requests();
  ASSERT_EQ(reqs.size(), 2u);
  const char* to[] = {"+5511999888777", "+14155550100"};
  for (size_t i = 0; i < 2; ++i) {
    const Captured& q = reqs[i];
    EXPECT_EQ(q.path, "/2010-04-01/Accounts/AC0123456789abcdef/Messages.json");
    EXPECT_EQ(q.HeaderValue("authorization"), "Basic QUMwMTIzNDU2Nzg5YWJjZGVmOnRvazNu");
    EXPECT_EQ(q.HeaderValue("content-type"), "application/x-www-form-urlencoded");
    EXPECT_EQ(q.HeaderValue("x-botmon-delivery"), n.delivery_id);
    auto form = q.Form();
    EXPECT_EQ(form.size(), 3u);
    EXPECT_EQ(form["To"], to[i]);
    EXPECT_EQ(form["From"], "+15005550006");
    EXPECT_EQ(form["Body"], SmsText(n));
    EXPECT_LE(form["Body"].size(), kMaxSmsChars);
  }
}

TEST(SmsSender, OneRejectedRecipientFailsTheSend) {
  Receiver rx;
  FakeClock clock;
  SendResult r = SendNotification(Sms({"+5511999888777", "+15550000400"}), MakeNotification(),
                                  TwilioAt(rx), kTimeout, clock);
  EXPECT_FALSE(r.ok);
  EXPECT_FALSE(r.retryable);
  EXPECT_EQ(r.http_status, 400);
  EXPECT_EQ(r.detail, R"(sms to[1] 400: {"code":21211,"message":"Invalid 'To'"})");
}

TEST(SmsSender, TemplateProvider) {
  Receiver rx;
  FakeClock clock;
  TransportConfig t;
  t.sms.provider = "template";
  t.sms.url = rx.Url("/sms?to={{to}}&msg={{text}}");
  t.sms.from = "botmon";
  t.sms.auth_token = "bearer-tok";
  Notification n = MakeNotification();
  n.incident.rule_name = "CPU \"hot\" & busy";
  SendResult r = SendNotification(Sms({"+5511999888777"}), n, t, kTimeout, clock);
  EXPECT_TRUE(r.ok) << r.detail;
  auto reqs = rx.requests();
  ASSERT_EQ(reqs.size(), 1u);
  const Captured& q = reqs[0];
  EXPECT_EQ(q.HeaderValue("authorization"), "Bearer bearer-tok");
  EXPECT_EQ(q.HeaderValue("content-type"), "application/json");
  ASSERT_EQ(q.query.size(), 2u);
  EXPECT_EQ(q.query[0], (std::pair<std::string, std::string>{"to", "+5511999888777"}));
  EXPECT_EQ(q.query[1].second, SmsText(n));
  json body = json::parse(q.body);  // the default sms.body, JSON-escaped substitutions
  EXPECT_EQ(body["to"], "+5511999888777");
  EXPECT_EQ(body["from"], "botmon");
  EXPECT_EQ(body["text"], SmsText(n));
}

TEST(SmsSender, NotConfigured) {
  FakeClock clock;
  TransportConfig t;  // twilio without an account
  SendResult r = SendNotification(Sms({"+5511999888777"}), MakeNotification(), t, kTimeout, clock);
  EXPECT_FALSE(r.ok);
  EXPECT_FALSE(r.retryable);
  EXPECT_EQ(r.detail, "sms not configured (sms.accountSid and sms.authToken are required)");
  t.sms.provider = "template";
  r = SendNotification(Sms({"+5511999888777"}), MakeNotification(), t, kTimeout, clock);
  EXPECT_EQ(r.detail, "sms not configured (sms.url is empty)");
}

TEST(CurlNotifier, UsesTheChannelKind) {
  Receiver rx;
  FakeClock clock;
  CurlNotifier notifier(TransportConfig{}, &clock);
  Notifier& base = notifier;
  SendResult r = base.Send(Webhook(rx.Url("/hook"), "k"), MakeNotification(), kTimeout);
  EXPECT_TRUE(r.ok) << r.detail;
  ASSERT_EQ(rx.requests().size(), 1u);
}

TEST(TransportConfigFrom, TrustStoreFromTheEnvironment) {
  Config config;
  config.smtp.host = "mail.example.com";
  config.sms.account_sid = "AC1";
  unsetenv("CURL_CA_BUNDLE");
  setenv("SSL_CERT_FILE", "/tmp/ca.pem", 1);
  setenv("SSL_CERT_DIR", "/tmp/certs", 1);
  TransportConfig t = TransportConfigFrom(config);
  EXPECT_EQ(t.smtp.host, "mail.example.com");
  EXPECT_EQ(t.sms.account_sid, "AC1");
  EXPECT_EQ(t.ca_file, "/tmp/ca.pem");
  EXPECT_EQ(t.ca_dir, "/tmp/certs");
  setenv("CURL_CA_BUNDLE", "/tmp/bundle.pem", 1);
  EXPECT_EQ(TransportConfigFrom(config).ca_file, "/tmp/bundle.pem");
  unsetenv("CURL_CA_BUNDLE");
  unsetenv("SSL_CERT_FILE");
  unsetenv("SSL_CERT_DIR");
  EXPECT_EQ(TransportConfigFrom(config).ca_file, "");
}

}  // namespace
}  // namespace botmon
