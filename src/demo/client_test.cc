// Tests of include/botmon/client.hpp: serialisation, and delivery against TestReceiver.
#include "botmon/client.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "demo/test_receiver.h"

namespace botmon {
namespace {

using std::chrono::milliseconds;
using Json = nlohmann::json;

class ErrorLog {
 public:
  std::function<void(const ClientError&)> Callback() {
    return [this](const ClientError& e) {
      std::lock_guard<std::mutex> lock(mu_);
      errors_.push_back(e);
    };
  }
  std::vector<ClientError> errors() const {
    std::lock_guard<std::mutex> lock(mu_);
    return errors_;
  }

 private:
  mutable std::mutex mu_;
  std::vector<ClientError> errors_;
};

ClientOptions Options(const TestReceiver& r) {
  ClientOptions o;
  o.url = r.url();
  o.token = "bm_test_token";
  o.flush_interval = milliseconds(50);
  o.backoff_base = milliseconds(20);
  o.close_timeout = milliseconds(2000);
  return o;
}

Json Body(const ReceivedRequest& r) { return Json::parse(r.body); }

std::vector<std::string> Ids(const std::vector<ReceivedRequest>& requests) {
  std::vector<std::string> ids;
  for (const auto& r : requests) {
    for (const auto& e : Body(r)) ids.push_back(e.at("id").get<std::string>());
  }
  return ids;
}

TEST(ClientEvent, SerialisesEveryType) {
  const std::vector<Event> events = {
      Event::SessionStart("s1", "+5511999888777", "whatsapp")
          .WithBot("mycompany")
          .At(1705329120000),
      Event::MessageIn("s1", "+5511999888777", "whatsapp", "Hello"),
      Event::MessageOut("s1", "Hello! How can I help you today?", 1000),
      Event::MessageOut("s1", "derived latency"),
      Event::SessionEnd("s1"),
      Event::Request(42.5, 500, "GET /api/orders/:id"),
      Event::Log("error", "CRM timeout"),
      Event::Llm("gpt-4o-mini", 812, 64, 950, 310, 0.00016),
      Event::Fallback("s1"),
      Event::Handoff("s1"),
      Event::Feedback("s1", -1, "Took too long"),
      Event::Gauge("queue.depth", 12),
      Event::Counter("orders.lookups", 1),
  };
  std::vector<Json> parsed;
  for (const Event& e : events) parsed.push_back(Json::parse(e.ToJson()));

  EXPECT_EQ(parsed[0], Json::parse(R"({"type":"session.start","ts":1705329120000,"bot":"mycompany",
      "session":"s1","user":"+5511999888777","channel":"whatsapp"})"));
  EXPECT_EQ(parsed[1]["type"], "message.in");
  EXPECT_EQ(parsed[1]["text"], "Hello");
  EXPECT_EQ(parsed[1]["user"], "+5511999888777");
  EXPECT_EQ(parsed[2], Json::parse(R"({"type":"message.out","session":"s1",
      "text":"Hello! How can I help you today?","latency_ms":1000})"));
  EXPECT_FALSE(parsed[3].contains("latency_ms"));  // the server derives it
  EXPECT_EQ(parsed[4], Json::parse(R"({"type":"session.end","session":"s1"})"));
  EXPECT_EQ(parsed[5], Json::parse(R"({"type":"request","route":"GET /api/orders/:id",
      "status":500,"latency_ms":42.5})"));
  EXPECT_EQ(parsed[6], Json::parse(R"({"type":"log","level":"error","message":"CRM timeout"})"));
  EXPECT_EQ(parsed[7], Json::parse(R"({"type":"llm","model":"gpt-4o-mini","tokens_in":812,
      "tokens_out":64,"latency_ms":950,"ttft_ms":310,"cost_usd":0.00016})"));
  EXPECT_EQ(parsed[8], Json::parse(R"({"type":"fallback","session":"s1"})"));
  EXPECT_EQ(parsed[9], Json::parse(R"({"type":"handoff","session":"s1"})"));
  EXPECT_EQ(parsed[10], Json::parse(R"({"type":"feedback","session":"s1","score":-1,
      "comment":"Took too long"})"));
  EXPECT_EQ(parsed[11], Json::parse(R"({"type":"gauge","name":"queue.depth","value":12})"));
  EXPECT_EQ(parsed[12], Json::parse(R"({"type":"counter","name":"orders.lookups","value":1})"));
  // `type` always comes first.
  for (const Event& e : events) {
    EXPECT_EQ(e.ToJson().rfind("{\"type\":", 0), 0u) << e.ToJson();
  }
}

TEST(ClientEvent, EscapesStringsAndRepairsInvalidUtf8) {
  const std::string tricky = std::string("quote\" backslash\\ nl\n tab\t cr\r bs\b ff\f ") +
                             '\x01' + '\x1f' + " del\x7f São Paulo 🙏 /";
  const std::string json = Event::MessageIn("s", "u", "web", tricky).ToJson();
  EXPECT_NE(json.find("\\u0001\\u001f"), std::string::npos) << json;
  EXPECT_NE(json.find("\\\""), std::string::npos);
  EXPECT_EQ(Json::parse(json)["text"], tricky);  // round-trips exactly

  // Invalid UTF-8 (a lone continuation byte, a truncated sequence, an overlong '/', a surrogate)
  // becomes U+FFFD per byte, so the body stays valid JSON.
  const std::string bad = std::string("a\x80") + "b\xE2\x82" + "c\xC0\xAF" + "d\xED\xA0\x80";
  const Json parsed = Json::parse(Event::Log("warning", bad).ToJson());
  EXPECT_EQ(parsed["message"],
            "a\xEF\xBF\xBD"
            "b\xEF\xBF\xBD\xEF\xBF\xBD"
            "c\xEF\xBF\xBD\xEF\xBF\xBD"
            "d\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST(ClientEvent, NumbersAreExactAndNonFiniteBecomesNull) {
  const Json g = Json::parse(Event::Gauge("x", 0.1).ToJson());
  EXPECT_EQ(g["value"].get<double>(), 0.1);
  EXPECT_EQ(Event::Gauge("x", 1e-7).ToJson(), R"({"type":"gauge","name":"x","value":1e-07})");
  EXPECT_EQ(Json::parse(Event::Gauge("x", std::nan("")).ToJson())["value"], nullptr);
  EXPECT_EQ(Json::parse(Event::Gauge("x", -INFINITY).ToJson())["value"], nullptr);
}

TEST(ClientInternal, ParsesRetryAfter) {
  using client_internal::ParseRetryAfter;
  EXPECT_EQ(ParseRetryAfter(" 2\r\n"), milliseconds(2000));
  EXPECT_EQ(ParseRetryAfter("0"), milliseconds(0));
  EXPECT_FALSE(ParseRetryAfter("soon").has_value());
  EXPECT_FALSE(ParseRetryAfter("").has_value());
  EXPECT_EQ(ParseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT"), milliseconds(0));  // in the past
  const time_t later = std::time(nullptr) + 120;
  char date[64];
  std::strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", std::gmtime(&later));
  const auto d = ParseRetryAfter(date);
  ASSERT_TRUE(d.has_value());
  EXPECT_GE(d->count(), 118000);
  EXPECT_LE(d->count(), 121000);
}

TEST(ClientInternal, ReadsReplies) {
  using client_internal::JsonReader;
  auto v = JsonReader::Parse(
      R"( {"accepted": 2, "rejected": [{"index": 1, "error": "bad \"x\" \u00e9\ud83d\ude00"}]} )");
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->Find("accepted")->number, 2);
  EXPECT_EQ(v->Find("rejected")->items[0].Find("error")->string, "bad \"x\" é😀");
  EXPECT_FALSE(JsonReader::Parse(R"({"accepted": 2,})").has_value());
  EXPECT_FALSE(JsonReader::Parse(R"([1, 2)").has_value());
  EXPECT_FALSE(JsonReader::Parse(std::string(100, '[') + std::string(100, ']')).has_value());
  EXPECT_EQ(client_internal::ErrorText(R"({"error":{"code":"invalid_json","message":"x"}})"),
            "invalid_json: x");
  EXPECT_EQ(client_internal::ErrorText("plain text"), "plain text");
}

TEST(Client, BatchesByCountAndSendsHeaders) {
  TestReceiver receiver;
  ASSERT_TRUE(receiver.ok());
  ClientOptions o = Options(receiver);
  o.max_batch = 500;
  o.flush_interval = milliseconds(60'000);  // only full batches go out before Flush()
  Client client(o);
  for (int i = 0; i < 1200; ++i) {
    ASSERT_TRUE(client.Send(Event::MessageIn("s" + std::to_string(i % 7), "u", "web", "hi")));
  }
  ASSERT_TRUE(client.Flush(milliseconds(10'000)));
  const auto requests = receiver.requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(Body(requests[0]).size(), 500u);
  EXPECT_EQ(Body(requests[1]).size(), 500u);
  EXPECT_EQ(Body(requests[2]).size(), 200u);
  for (const auto& r : requests) {
    EXPECT_EQ(r.method, "POST");
    EXPECT_EQ(r.target, "/api/v1/events");
    EXPECT_EQ(r.Header("authorization"), "Bearer bm_test_token");
    EXPECT_EQ(r.Header("content-type"), "application/json");
    EXPECT_EQ(r.Header("expect"), "");
  }
  const auto ids = Ids(requests);
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), 1200u);
  // Events keep their order, and Send() stamped a plausible ts.
  const Json first = Body(requests[0])[0];
  const int64_t now_ms =
      std::chrono::duration_cast<milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();
  EXPECT_NEAR(static_cast<double>(first.at("ts").get<int64_t>()), static_cast<double>(now_ms),
              60'000);
  EXPECT_EQ(first.at("session"), "s0");
  const ClientStats s = client.Stats();
  EXPECT_EQ(s.enqueued, 1200u);
  EXPECT_EQ(s.delivered, 1200u);
  EXPECT_EQ(s.accepted, 1200u);
  EXPECT_EQ(s.requests, 3u);
  EXPECT_EQ(s.pending, 0u);
}

TEST(Client, SplitsBatchesByBytes) {
  TestReceiver receiver;
  ClientOptions o = Options(receiver);
  o.max_batch_bytes = 1000;
  Client client(o);
  for (int i = 0; i < 20; ++i) client.Send(Event::Log("warning", std::string(200, 'x')));
  ASSERT_TRUE(client.Flush(milliseconds(10'000)));
  const auto requests = receiver.requests();
  size_t events = 0;
  for (const auto& r : requests) {
    EXPECT_LE(r.body.size(), 1000u);
    events += Body(r).size();
  }
  EXPECT_EQ(events, 20u);
  EXPECT_GE(requests.size(), 5u);
}

TEST(Client, SendsAPartialBatchAfterTheFlushInterval) {
  TestReceiver receiver;
  ClientOptions o = Options(receiver);
  o.flush_interval = milliseconds(200);
  Client client(o);
  const auto start = std::chrono::steady_clock::now();
  client.Send(Event::Gauge("queue.depth", 3));
  client.Send(Event::Gauge("queue.depth", 4));
  ASSERT_TRUE(receiver.WaitForRequests(1, milliseconds(5000)));
  const auto r = receiver.requests();
  EXPECT_GE(r[0].at - start, milliseconds(190));
  EXPECT_EQ(Body(r[0]).size(), 2u);
}

TEST(Client, IdsAreUniqueAcrossThreadsAndClients) {
  TestReceiver receiver;
  Client a(Options(receiver));
  Client b(Options(receiver));
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 500; ++i) (t % 2 ? a : b).Send(Event::Counter("c", 1));
    });
  }
  for (auto& t : threads) t.join();
  a.Send(Event::Counter("c", 1).WithId("my-own-id"));
  ASSERT_TRUE(a.Flush(milliseconds(10'000)));
  ASSERT_TRUE(b.Flush(milliseconds(10'000)));
  const auto ids = Ids(receiver.requests());
  ASSERT_EQ(ids.size(), 4001u);
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), 4001u);
  const std::regex shape("[0-9a-f]{32}-[0-9a-f]+");
  std::set<std::string> prefixes;
  for (const auto& id : ids) {
    if (id == "my-own-id") continue;
    EXPECT_TRUE(std::regex_match(id, shape)) << id;
    prefixes.insert(id.substr(0, 32));
  }
  EXPECT_EQ(prefixes.size(), 2u);  // one random prefix per client
}

TEST(Client, RetriesAfter503WithTheSameIds) {
  TestReceiver receiver([](const ReceivedRequest& r, size_t i) {
    if (i == 0) return CannedReply{503, {}, R"({"error":"busy"})", false};
    return TestReceiver::AcceptAll(r);
  });
  ErrorLog log;
  ClientOptions o = Options(receiver);
  o.on_error = log.Callback();
  Client client(o);
  for (int i = 0; i < 10; ++i) client.Send(Event::MessageOut("s", "reply", 900));
  ASSERT_TRUE(client.Flush(milliseconds(10'000)));
  const auto requests = receiver.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].body, requests[1].body);  // byte for byte: same ids, same ts
  EXPECT_EQ(Ids(requests).size(), 20u);
  const ClientStats s = client.Stats();
  EXPECT_EQ(s.retries, 1u);
  EXPECT_EQ(s.accepted, 10u);
  EXPECT_EQ(s.dropped, 0u);
  EXPECT_TRUE(log.errors().empty());
}

TEST(Client, RetriesConnectionErrorsUntilTheServerIsBack) {
  int port;
  {
    TestReceiver probe;
    port = probe.port();
  }  // nothing listens on `port` now
  ClientOptions o;
  o.url = "http://127.0.0.1:" + std::to_string(port);
  o.flush_interval = milliseconds(10);
  o.backoff_base = milliseconds(50);
  o.backoff_cap = milliseconds(200);
  Client client(o);
  client.Send(Event::SessionEnd("s"));
  std::this_thread::sleep_for(milliseconds(400));
  EXPECT_GE(client.Stats().retries, 1u);
  TestReceiver receiver(nullptr, port);
  ASSERT_TRUE(receiver.ok());
  ASSERT_TRUE(client.Flush(milliseconds(5000)));
  ASSERT_EQ(receiver.requests().size(), 1u);
  EXPECT_EQ(client.Stats().accepted, 1u);
}

TEST(Client, HonoursRetryAfterOn429) {
  TestReceiver receiver([](const ReceivedRequest& r, size_t i) {
    if (i == 0) return CannedReply{429, {{"Retry-After", "1"}}, "", false};
    return TestReceiver::AcceptAll(r);
  });
  Client client(Options(receiver));  // backoff base 20 ms: only Retry-After explains a 1 s wait
  client.Send(Event::Request(120, 200, "GET /x"));
  ASSERT_TRUE(client.Flush(milliseconds(10'000)));
  const auto requests = receiver.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].body, requests[1].body);
  const auto gap = requests[1].at - requests[0].at;
  EXPECT_GE(gap, milliseconds(1000));
  EXPECT_LT(gap, milliseconds(3000));
}

TEST(Client, DropsAndReportsOtherClientErrorsWithoutRetrying) {
  for (int status : {400, 401, 403, 415}) {
    SCOPED_TRACE(status);
    TestReceiver receiver([status](const ReceivedRequest&, size_t) {
      return CannedReply{status, {}, R"({"error":{"code":"invalid_json","message":"bad"}})", false};
    });
    ErrorLog log;
    ClientOptions o = Options(receiver);
    o.on_error = log.Callback();
    Client client(o);
    std::vector<std::string> ids;
    for (int i = 0; i < 5; ++i) {
      Event e = Event::Fallback("s");
      e.id = "id-" + std::to_string(i);
      ids.push_back(e.id);
      client.Send(e);
    }
    ASSERT_TRUE(client.Flush(milliseconds(10'000)));
    std::this_thread::sleep_for(milliseconds(200));  // a retry would have happened by now
    EXPECT_EQ(receiver.requests().size(), 1u);
    const auto errors = log.errors();
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0].kind, ClientError::Kind::kDropped);
    EXPECT_EQ(errors[0].http_status, status);
    EXPECT_NE(errors[0].message.find("invalid_json: bad"), std::string::npos) << errors[0].message;
    EXPECT_EQ(errors[0].event_ids, ids);
    EXPECT_EQ(client.Stats().dropped, 5u);
    EXPECT_EQ(client.Stats().retries, 0u);
  }
}

TEST(Client, ReportsPerItemRejections) {
  TestReceiver receiver([](const ReceivedRequest&, size_t) {
    return CannedReply{
        200,
        {},
        R"({"accepted":2,"rejected":[{"index":1,"error":"latency_ms: must be between 0 and 3600000"}]})",
        false};
  });
  ErrorLog log;
  ClientOptions o = Options(receiver);
  o.on_error = log.Callback();
  Client client(o);
  client.Send(Event::MessageOut("s", "a", 10).WithId("e0"));
  client.Send(Event::MessageOut("s", "b", 1e9).WithId("e1"));
  client.Send(Event::MessageOut("s", "c", 10).WithId("e2"));
  ASSERT_TRUE(client.Flush(milliseconds(10'000)));
  const auto errors = log.errors();
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].kind, ClientError::Kind::kRejected);
  EXPECT_EQ(errors[0].index, 1u);
  EXPECT_EQ(errors[0].event_ids, std::vector<std::string>{"e1"});
  EXPECT_EQ(errors[0].message, "latency_ms: must be between 0 and 3600000");
  EXPECT_EQ(client.Stats().accepted, 2u);
  EXPECT_EQ(client.Stats().rejected, 1u);
  EXPECT_EQ(receiver.requests().size(), 1u);  // never retried
}

TEST(Client, HalvesABatchOn413) {
  TestReceiver receiver([](const ReceivedRequest& r, size_t) {
    if (Json::parse(r.body).size() > 2) return CannedReply{413, {}, "", false};
    return TestReceiver::AcceptAll(r);
  });
  ErrorLog log;
  ClientOptions o = Options(receiver);
  o.on_error = log.Callback();
  Client client(o);
  for (int i = 0; i < 8; ++i) client.Send(Event::Counter("c", i));
  ASSERT_TRUE(client.Flush(milliseconds(10'000)));
  std::vector<size_t> sizes;
  for (const auto& r : receiver.requests()) sizes.push_back(Json::parse(r.body).size());
  EXPECT_EQ(sizes, (std::vector<size_t>{8, 4, 2, 2, 4, 2, 2}));
  EXPECT_EQ(client.Stats().accepted, 8u);
  EXPECT_TRUE(log.errors().empty());
}

TEST(Client, DropsASingleEventTooLargeFor413) {
  TestReceiver receiver([](const ReceivedRequest&, size_t) {
    return CannedReply{413, {}, "", false};
  });
  ErrorLog log;
  ClientOptions o = Options(receiver);
  o.on_error = log.Callback();
  Client client(o);
  client.Send(Event::Log("error", std::string(1000, 'x')));
  ASSERT_TRUE(client.Flush(milliseconds(10'000)));
  ASSERT_EQ(log.errors().size(), 1u);
  EXPECT_EQ(log.errors()[0].http_status, 413);
  EXPECT_EQ(receiver.requests().size(), 1u);
}

TEST(Client, GivesUpAfterMaxRetries) {
  TestReceiver receiver([](const ReceivedRequest&, size_t) {
    return CannedReply{500, {}, "", false};
  });
  ErrorLog log;
  ClientOptions o = Options(receiver);
  o.max_retries = 2;
  o.on_error = log.Callback();
  Client client(o);
  client.Send(Event::Handoff("s"));
  ASSERT_TRUE(client.Flush(milliseconds(10'000)));
  EXPECT_EQ(receiver.requests().size(), 3u);
  ASSERT_EQ(log.errors().size(), 1u);
  EXPECT_EQ(log.errors()[0].http_status, 500);
  EXPECT_NE(log.errors()[0].message.find("gave up after 3 attempts"), std::string::npos);
}

TEST(Client, GivesUpAfterTheTimeBound) {
  TestReceiver receiver([](const ReceivedRequest&, size_t) {
    return CannedReply{503, {}, "", false};
  });
  ErrorLog log;
  ClientOptions o = Options(receiver);
  o.give_up_after = milliseconds(300);
  o.on_error = log.Callback();
  Client client(o);
  const auto start = std::chrono::steady_clock::now();
  client.Send(Event::Handoff("s"));
  ASSERT_TRUE(client.Flush(milliseconds(10'000)));
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(2000));
  ASSERT_EQ(log.errors().size(), 1u);
  EXPECT_GE(receiver.requests().size(), 2u);
}

TEST(Client, SendReturnsFalseWhenTheQueueIsFull) {
  TestReceiver receiver([](const ReceivedRequest&, size_t) {
    return CannedReply{200, {}, "", true};
  });
  ErrorLog log;
  ClientOptions o = Options(receiver);
  o.max_queue = 10;
  o.max_batch = 4;
  o.on_error = log.Callback();
  auto client = std::make_unique<Client>(o);
  for (int i = 0; i < 10; ++i) {
    EXPECT_TRUE(client->Send(Event::Counter("c", 1))) << i;
  }
  const auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(client->Send(Event::Counter("c", 1)));  // never blocks
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(50));
  EXPECT_EQ(client->Stats().refused, 1u);
  EXPECT_EQ(client->Stats().pending, 10u);
  EXPECT_FALSE(client->Send(Event{}));  // no type
  client->Close(milliseconds(200));
  EXPECT_FALSE(client->Send(Event::Counter("c", 1)));  // closed
  // Everything still held was reported as dropped.
  size_t dropped = 0;
  for (const auto& e : log.errors()) {
    EXPECT_EQ(e.kind, ClientError::Kind::kDropped);
    dropped += e.event_ids.size();
  }
  EXPECT_EQ(dropped, 10u);
  EXPECT_EQ(client->Stats().dropped, 10u);
}

TEST(Client, FlushAndCloseAreBounded) {
  TestReceiver receiver([](const ReceivedRequest&, size_t) {
    return CannedReply{200, {}, "", true};
  });
  ErrorLog log;
  ClientOptions o = Options(receiver);
  o.timeout = milliseconds(60'000);  // the server hangs; only the bounds end the wait
  o.close_timeout = milliseconds(300);
  o.on_error = log.Callback();
  auto client = std::make_unique<Client>(o);
  client->Send(Event::Feedback("s", 1, "great"));
  auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(client->Flush(milliseconds(300)));
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_GE(took, milliseconds(290));
  EXPECT_LT(took, milliseconds(1000));

  start = std::chrono::steady_clock::now();
  client.reset();  // the destructor: close_timeout, then the hanging transfer is aborted
  took = std::chrono::steady_clock::now() - start;
  EXPECT_GE(took, milliseconds(290));
  EXPECT_LT(took, milliseconds(1000));
  ASSERT_EQ(log.errors().size(), 1u);
  EXPECT_NE(log.errors()[0].message.find("closed"), std::string::npos) << log.errors()[0].message;
}

TEST(Client, DestructorDeliversWhatIsQueued) {
  TestReceiver receiver;
  {
    ClientOptions o = Options(receiver);
    o.flush_interval = milliseconds(60'000);
    Client client(o);
    for (int i = 0; i < 3; ++i)
      client.Send(Event::SessionStart("s" + std::to_string(i), "u", "web"));
  }
  const auto requests = receiver.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(Body(requests[0]).size(), 3u);
}

TEST(Client, CloseDuringBackoffIsPrompt) {
  TestReceiver receiver([](const ReceivedRequest&, size_t) {
    return CannedReply{429, {{"Retry-After", "30"}}, "", false};
  });
  ClientOptions o = Options(receiver);
  o.close_timeout = milliseconds(200);
  auto client = std::make_unique<Client>(o);
  client->Send(Event::Counter("c", 1));
  ASSERT_TRUE(receiver.WaitForRequests(1, milliseconds(5000)));
  const auto start = std::chrono::steady_clock::now();
  client.reset();
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(1000));
  EXPECT_EQ(receiver.requests().size(), 1u);
}

}  // namespace
}  // namespace botmon
