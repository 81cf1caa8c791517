#include "ingest/decode.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "ingest/redact.h"

namespace botmon {
namespace {

constexpr int64_t kNow = 1705329120000;  // 2024-01-15T14:32:00Z

DecodeOptions Opts() {
  DecodeOptions o;
  o.now_ms = kNow;
  return o;
}

DecodeResult Decode(std::string_view body, const DecodeOptions& o = Opts()) {
  EventDecoder d;
  return d.Decode(body, o);
}

// Decodes one event (as a one-element array) that must be accepted.
BotEvent Accept(const std::string& event, const DecodeOptions& o = Opts()) {
  DecodeResult r = Decode("[" + event + "]", o);
  EXPECT_EQ(r.error_kind, "") << r.error;
  EXPECT_EQ(r.rejected.size(), 0u) << (r.rejected.empty() ? "" : r.rejected[0].error);
  EXPECT_EQ(r.events.size(), 1u) << event;
  return r.events.empty() ? BotEvent{} : r.events[0];
}

// Decodes one event that must be rejected; returns the message.
std::string Reject(const std::string& event, const DecodeOptions& o = Opts()) {
  DecodeResult r = Decode("[" + event + "]", o);
  EXPECT_EQ(r.error_kind, "") << r.error;
  EXPECT_EQ(r.events.size(), 0u) << event;
  EXPECT_EQ(r.rejected.size(), 1u) << event;
  return r.rejected.empty() ? "" : r.rejected[0].error;
}

TEST(EventType, NamesRoundTrip) {
  for (int i = 0; i < kEventTypeCount; ++i) {
    EventType t;
    ASSERT_TRUE(ParseEventType(EventTypeName(static_cast<EventType>(i)), &t));
    EXPECT_EQ(static_cast<int>(t), i);
  }
  EventType t;
  EXPECT_FALSE(ParseEventType("Request", &t));
  EXPECT_FALSE(ParseEventType("", &t));
  EXPECT_EQ(LogLevelName(LogLevel::kCritical), "critical");
}

TEST(EventDecoder, SessionStartAndEnd) {
  BotEvent e = Accept(
      R"({"type":"session.start","session":"s1","user":"+5511999888777","channel":"WhatsApp",)"
      R"("bot":"sales","host":"node-1","id":"ev-1"})");
  EXPECT_EQ(e.type, EventType::kSessionStart);
  EXPECT_EQ(e.session, "s1");
  EXPECT_EQ(e.user, "+5511999888777");
  EXPECT_EQ(e.channel, "whatsapp");
  EXPECT_EQ(e.bot, "sales");
  EXPECT_EQ(e.host, "node-1");
  EXPECT_EQ(e.id, "ev-1");
  EXPECT_FALSE(e.ts_given);
  EXPECT_EQ(e.ts_ms, kNow);
  e = Accept(R"({"type":"session.end","session":"s1"})");
  EXPECT_EQ(e.type, EventType::kSessionEnd);
  EXPECT_EQ(e.session, "s1");
}

TEST(EventDecoder, Messages) {
  BotEvent in = Accept(R"({"type":"message.in","session":"s","text":"Ol\u00e1, \"bot\"\n"})");
  EXPECT_EQ(in.type, EventType::kMessageIn);
  EXPECT_EQ(in.text, "Ol\xC3\xA1, \"bot\"\n");
  EXPECT_LT(in.latency_ms, 0);
  BotEvent out = Accept(R"({"type":"message.out","session":"s","text":"hi","latency_ms":350.5})");
  EXPECT_EQ(out.type, EventType::kMessageOut);
  EXPECT_EQ(out.text, "hi");
  EXPECT_EQ(out.latency_ms, 350.5);
  EXPECT_LT(Accept(R"({"type":"message.out","session":"s"})").latency_ms, 0);
  EXPECT_EQ(Accept(R"({"type":"message.out","session":"s","latency_ms":3600000})").latency_ms,
            3600000);
  // latency_ms is not a member of message.in: ignored, whatever it holds.
  EXPECT_LT(Accept(R"({"type":"message.in","session":"s","latency_ms":"x"})").latency_ms, 0);
}

TEST(EventDecoder, Request) {
  BotEvent e = Accept(R"({"type":"request","latency_ms":12.5,"status":200,"route":"/api"})");
  EXPECT_EQ(e.type, EventType::kRequest);
  EXPECT_EQ(e.latency_ms, 12.5);
  EXPECT_EQ(e.status, 200);
  EXPECT_EQ(e.route, "/api");
  e = Accept(R"({"type":"request"})");
  EXPECT_LT(e.latency_ms, 0);
  EXPECT_EQ(e.status, 0);
  EXPECT_EQ(Accept(R"({"type":"request","status":599.0})").status, 599);
}

TEST(EventDecoder, LogLevelsAreNormalised) {
  const std::pair<const char*, LogLevel> cases[] = {
      {"warning", LogLevel::kWarning}, {"warn", LogLevel::kWarning},
      {"WARN", LogLevel::kWarning},    {"error", LogLevel::kError},
      {"Error", LogLevel::kError},     {"critical", LogLevel::kCritical},
      {"fatal", LogLevel::kCritical},  {"FATAL", LogLevel::kCritical}};
  for (const auto& [level, want] : cases) {
    BotEvent e =
        Accept(std::string(R"({"type":"log","message":"db down","level":")") + level + "\"}");
    EXPECT_EQ(e.level, want) << level;
    EXPECT_EQ(e.text, "db down");
  }
}

TEST(EventDecoder, Llm) {
  BotEvent e =
      Accept(R"({"type":"llm","model":"gpt-4o","tokens_in":812,"tokens_out":96,"latency_ms":1840,)"
             R"("ttft_ms":420,"cost_usd":0.0031})");
  EXPECT_EQ(e.type, EventType::kLlm);
  EXPECT_EQ(e.model, "gpt-4o");
  EXPECT_EQ(e.tokens_in, 812);
  EXPECT_EQ(e.tokens_out, 96);
  EXPECT_EQ(e.latency_ms, 1840);
  EXPECT_EQ(e.ttft_ms, 420);
  EXPECT_DOUBLE_EQ(e.cost_usd, 0.0031);
  e = Accept(R"({"type":"llm"})");
  EXPECT_LT(e.ttft_ms, 0);
  EXPECT_EQ(e.cost_usd, 0);
}

TEST(EventDecoder, FallbackHandoffFeedback) {
  EXPECT_EQ(Accept(R"({"type":"fallback","session":"s"})").type, EventType::kFallback);
  EXPECT_EQ(Accept(R"({"type":"handoff"})").type, EventType::kHandoff);
  BotEvent f = Accept(R"({"type":"feedback","session":"s","score":-1,"comment":"meh"})");
  EXPECT_EQ(f.type, EventType::kFeedback);
  EXPECT_EQ(f.score, -1);
  EXPECT_EQ(f.text, "meh");
  EXPECT_EQ(Accept(R"({"type":"feedback","score":1})").score, 1);
}

TEST(EventDecoder, GaugesAndCounters) {
  BotEvent g = Accept(R"({"type":"gauge","name":"queue.depth","value":17})");
  EXPECT_EQ(g.type, EventType::kGauge);
  EXPECT_EQ(g.name, "queue.depth");
  EXPECT_EQ(g.value, 17);
  EXPECT_EQ(Accept(R"({"type":"gauge","name":"temp.delta","value":-3.5})").value, -3.5);
  BotEvent c = Accept(R"({"type":"counter","name":"orders_paid","value":2})");
  EXPECT_EQ(c.type, EventType::kCounter);
  EXPECT_EQ(c.name, "orders_paid");
  EXPECT_EQ(c.value, 2);
  EXPECT_EQ(Accept(R"({"type":"gauge","name":")" + std::string(100, 'a') + R"(","value":1})").name,
            std::string(100, 'a'));
}

TEST(EventDecoder, TypeErrors) {
  EXPECT_EQ(Reject(R"({"session":"s"})"), "type: required");
  EXPECT_EQ(Reject(R"({"type":7})"), "type: must be a string, not a number");
  EXPECT_EQ(Reject(R"({"type":"foo"})"), "type: unknown event type \"foo\"");
  EXPECT_EQ(Reject(R"({"type":")" + std::string(100, 'x') + "\"}"),
            "type: unknown event type \"" + std::string(64, 'x') + "...\"");
}

TEST(EventDecoder, SessionRequired) {
  for (const char* t : {"session.start", "session.end", "message.in", "message.out"}) {
    EXPECT_EQ(Reject(std::string(R"({"type":")") + t + "\"}"), "session: required") << t;
    EXPECT_EQ(Reject(std::string(R"({"session":"","type":")") + t + "\"}"), "session: required");
  }
}

TEST(EventDecoder, CommonMemberErrors) {
  EXPECT_EQ(Reject(R"({"type":"request","id":")" + std::string(129, 'i') + "\"}"),
            "id: longer than 128 bytes");
  Accept(R"({"type":"request","id":")" + std::string(128, 'i') + "\"}");
  for (const char* m : {"host", "bot", "session", "user", "channel"}) {
    EXPECT_EQ(
        Reject(std::string(R"({"type":"request",")") + m + "\":\"" + std::string(257, 'x') + "\"}"),
        std::string(m) + ": longer than 256 bytes");
    EXPECT_EQ(Reject(std::string(R"({"type":"request",")") + m + "\":5}"),
              std::string(m) + ": must be a string, not a number");
  }
  EXPECT_EQ(Reject(R"({"type":"request","user":{"id":1}})"),
            "user: must be a string, not an object");
  EXPECT_EQ(Reject(R"({"type":"request","user":[1]})"), "user: must be a string, not an array");
  EXPECT_EQ(Reject(R"({"type":"request","user":true})"), "user: must be a string, not a boolean");
}

TEST(EventDecoder, MemberErrors) {
  const std::pair<std::string, std::string> cases[] = {
      {R"({"type":"message.in","session":"s","text":5})", "text: must be a string, not a number"},
      {R"({"type":"message.out","session":"s","latency_ms":-1})",
       "latency_ms: must be between 0 and 3600000"},
      {R"({"type":"message.out","session":"s","latency_ms":3600000.5})",
       "latency_ms: must be between 0 and 3600000"},
      {R"({"type":"request","latency_ms":"12.5"})",
       "latency_ms: must be a number, not a string (\"12.5\")"},
      {R"({"type":"request","status":99})", "status: must be between 100 and 599"},
      {R"({"type":"request","status":600})", "status: must be between 100 and 599"},
      {R"({"type":"request","status":200.5})", "status: must be an integer"},
      {R"({"type":"request","status":"200"})", "status: must be a number, not a string (\"200\")"},
      {R"({"type":"request","route":")" + std::string(257, 'r') + "\"}",
       "route: longer than 256 bytes"},
      {R"({"type":"log","message":"x"})", "level: required (warning, error or critical)"},
      {R"({"type":"log","level":"debug"})",
       "level: unknown level \"debug\" (use warning, error or critical)"},
      {R"({"type":"log","level":"criticality"})",
       "level: unknown level \"criticality\" (use warning, error or critical)"},
      {R"({"type":"log","level":3})", "level: must be a string, not a number"},
      {R"({"type":"log","level":"error","message":[]})", "message: must be a string, not an array"},
      {R"({"type":"llm","model":1})", "model: must be a string, not a number"},
      {R"({"type":"llm","tokens_in":-1})", "tokens_in: must be at least 0"},
      {R"({"type":"llm","tokens_out":"5"})", "tokens_out: must be a number, not a string (\"5\")"},
      {R"({"type":"llm","ttft_ms":3600001})", "ttft_ms: must be between 0 and 3600000"},
      {R"({"type":"llm","cost_usd":-0.01})", "cost_usd: must be at least 0"},
      {R"({"type":"feedback"})", "score: required (1 or -1)"},
      {R"({"type":"feedback","score":0})", "score: must be 1 or -1, not 0"},
      {R"({"type":"feedback","score":2})", "score: must be 1 or -1, not 2"},
      {R"({"type":"feedback","score":-0})", "score: must be 1 or -1, not -0"},
      {R"({"type":"feedback","score":"1"})", "score: must be 1 or -1, not a string (\"1\")"},
      {R"({"type":"feedback","score":1,"comment":{}})", "comment: must be a string, not an object"},
      {R"({"type":"gauge","value":1})", "name: required"},
      {R"({"type":"gauge","name":"Temp","value":1})",
       "name: \"Temp\" is not a valid field name ([a-z][a-z0-9_.]{0,99})"},
      {R"({"type":"gauge","name":")" + std::string(101, 'a') + R"(","value":1})",
       "name: \"" + std::string(64, 'a') +
           "...\" is not a valid field name ([a-z][a-z0-9_.]{0,99})"},
      {R"({"type":"gauge","name":"cpu.usage","value":1})",
       "name: \"cpu.usage\" is a built-in field"},
      {R"({"type":"counter","name":"queue.depth","value":1})",
       "name: \"queue.depth\" is a built-in field (send it as a gauge)"},
      {R"({"type":"counter","name":"n","value":-1})", "value: must be at least 0"},
      {R"({"type":"gauge","name":"n"})", "value: required"},
      {R"({"type":"gauge","name":"n","value":null})", "value: required"},
      {R"({"type":"gauge","name":"n","value":"3"})",
       "value: must be a number, not a string (\"3\")"},
      {R"({"type":"gauge","name":5,"value":1})", "name: must be a string, not a number"},
  };
  for (const auto& [event, want] : cases) EXPECT_EQ(Reject(event), want) << event;
}

TEST(EventDecoder, TextLimitRejectsNeverTruncates) {
  const std::string max(kMaxTextBytes, 'a');
  EXPECT_EQ(Accept(R"({"type":"message.in","session":"s","text":")" + max + "\"}").text, max);
  EXPECT_EQ(Reject(R"({"type":"message.in","session":"s","text":")" + max + "a\"}"),
            "text: longer than 65536 bytes");
  EXPECT_EQ(Reject(R"({"type":"log","level":"error","message":")" + max + "a\"}"),
            "message: longer than 65536 bytes");
  EXPECT_EQ(Reject(R"({"type":"feedback","score":1,"comment":")" + max + "a\"}"),
            "comment: longer than 65536 bytes");
  // The limit applies to the decoded text: 65536 "\n" escapes are 65536 bytes.
  std::string escaped;
  for (size_t i = 0; i < kMaxTextBytes; ++i) escaped += "\\n";
  EXPECT_EQ(Accept(R"({"type":"message.in","session":"s","text":")" + escaped + "\"}").text.size(),
            kMaxTextBytes);
}

TEST(EventDecoder, TimestampForms) {
  const std::pair<std::string, int64_t> ok[] = {
      {R"("2024-01-15T14:32:00Z")", kNow},
      {R"("2024-01-15T14:32:00.123Z")", kNow + 123},
      {R"("2024-01-15T14:32:00.123456789Z")", kNow + 123},
      {R"("2024-01-15T11:32:00-03:00")", kNow},
      {R"("2024-01-15T20:02:00.5+05:30")", kNow + 500},
      {"1705329120000", kNow},
      {"1705329000000", kNow - 120000},
      {"1.705329120e12", kNow},
      {"null", kNow},
  };
  for (const auto& [ts, want] : ok) {
    BotEvent e = Accept(R"({"type":"request","ts":)" + ts + "}");
    EXPECT_EQ(e.ts_ms, want) << ts;
    EXPECT_EQ(e.ts_given, ts != "null") << ts;
  }
}

TEST(EventDecoder, TimestampErrors) {
  const std::pair<std::string, std::string> cases[] = {
      {"1705329120", "ts: 1705329120 looks like seconds (use epoch milliseconds or RFC 3339)"},
      {"-5", "ts: -5 looks like seconds (use epoch milliseconds or RFC 3339)"},
      {"1705329120000.5",
       "ts: must be whole epoch milliseconds or an RFC 3339 string, not 1705329120000.5"},
      {R"("1705329120000")", "ts: epoch milliseconds must be a JSON number, not a string"},
      {R"("2024-01-15")",
       "ts: \"2024-01-15\" is not an RFC 3339 timestamp: expected 'T' after the date"},
      {R"("2024-01-15T14:32:00")",
       "ts: \"2024-01-15T14:32:00\" is not an RFC 3339 timestamp: missing time zone offset (Z or "
       "+hh:mm)"},
      {"true", "ts: must be an RFC 3339 string or epoch milliseconds, not a boolean"},
      {"1e400", "ts: number out of range"},
      {"1e300", "ts: 1e300 is more than 5 minutes in the future"},
      {R"("2024-01-15T14:37:00.001Z")",
       "ts: \"2024-01-15T14:37:00.001Z\" is more than 5 minutes in the future"},
      {"1705329420001", "ts: 1705329420001 is more than 5 minutes in the future"},
  };
  for (const auto& [ts, want] : cases) {
    EXPECT_EQ(Reject(R"({"type":"request","ts":)" + ts + "}"), want) << ts;
  }
  Accept(R"({"type":"request","ts":1705329420000})");  // exactly 5 minutes ahead
  DecodeOptions o = Opts();
  o.max_age_ms = 7 * 86'400'000;
  EXPECT_EQ(Reject(R"({"type":"request","ts":"2024-01-08T14:31:59Z"})", o),
            "ts: \"2024-01-08T14:31:59Z\" is older than retention.raw (7d)");
  Accept(R"({"type":"request","ts":"2024-01-08T14:32:00Z"})", o);
  Accept(R"({"type":"request","ts":"2000-01-01T00:00:00Z"})");  // no max age: any past is fine
}

TEST(EventDecoder, NumbersAtTheEdges) {
  EXPECT_EQ(Reject(R"({"type":"request","latency_ms":1e400})"), "latency_ms: number out of range");
  EXPECT_EQ(Reject(R"({"type":"gauge","name":"n","value":-1e400})"), "value: number out of range");
  BotEvent z = Accept(R"({"type":"request","latency_ms":-0})");
  EXPECT_EQ(z.latency_ms, 0);
  EXPECT_FALSE(std::signbit(z.latency_ms));
  EXPECT_FALSE(std::signbit(Accept(R"({"type":"gauge","name":"n","value":-0.0})").value));
  EXPECT_EQ(Accept(R"({"type":"request","latency_ms":1e-400})").latency_ms, 0);
  EXPECT_EQ(Reject(R"({"type":"request","status":99999999999999999999999})"),
            "status: must be between 100 and 599");
  EXPECT_EQ(Accept(R"({"type":"gauge","name":"n","value":1.7976931348623157e308})").value,
            1.7976931348623157e308);
}

TEST(EventDecoder, DuplicateMembersLastWins) {
  BotEvent e = Accept(R"({"type":"log","type":"request","status":500,"status":201})");
  EXPECT_EQ(e.type, EventType::kRequest);
  EXPECT_EQ(e.status, 201);
  // null counts as absent, also when it repeats a member.
  EXPECT_LT(Accept(R"({"type":"request","latency_ms":5,"latency_ms":null})").latency_ms, 0);
  EXPECT_EQ(Reject(R"({"type":"request","type":"nope"})"), "type: unknown event type \"nope\"");
}

TEST(EventDecoder, UnknownMembersAndEscapedKeys) {
  BotEvent e =
      Accept(R"({"extra":{"a":[1,2,{"b":null}],"c":"\u00e9"},"t\u0079pe":"request","n":-1.5e3,)"
             R"("f":false,"status":201})");
  EXPECT_EQ(e.type, EventType::kRequest);
  EXPECT_EQ(e.status, 201);
}

TEST(EventDecoder, ArrayKeepsGoodItemsAndIndexesBadOnes) {
  DecodeResult r =
      Decode(R"([{"type":"request","status":200}, 42, {"type":"nope"}, "x", null, [1],)"
             R"( {"type":"message.in","session":"s","text":"hi"}, {"type":"request","status":1}])");
  ASSERT_EQ(r.error_kind, "");
  ASSERT_EQ(r.events.size(), 2u);
  EXPECT_EQ(r.indexes, (std::vector<uint32_t>{0, 6}));
  EXPECT_EQ(r.events[1].text, "hi");
  ASSERT_EQ(r.rejected.size(), 6u);
  const std::pair<size_t, std::string> want[] = {{1, "event must be a JSON object, not a number"},
                                                 {2, "type: unknown event type \"nope\""},
                                                 {3, "event must be a JSON object, not a string"},
                                                 {4, "event must be a JSON object, not null"},
                                                 {5, "event must be a JSON object, not an array"},
                                                 {7, "status: must be between 100 and 599"}};
  for (size_t i = 0; i < 6; ++i) {
    EXPECT_EQ(r.rejected[i].index, want[i].first);
    EXPECT_EQ(r.rejected[i].error, want[i].second);
  }
}

TEST(EventDecoder, SingleObjectBody) {
  DecodeResult r = Decode(R"(  {"type":"request"}  )");
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_EQ(r.indexes, std::vector<uint32_t>{0});
  r = Decode(R"({"type":"bad"})");
  ASSERT_EQ(r.rejected.size(), 1u);
  EXPECT_EQ(r.rejected[0].index, 0u);
  EXPECT_TRUE(Decode("[]").events.empty());
  EXPECT_EQ(Decode("[]").error_kind, "");
  EXPECT_EQ(Decode("\xEF\xBB\xBF[{\"type\":\"request\"}]").events.size(), 1u);  // UTF-8 BOM
}

TEST(EventDecoder, NdjsonRejectsBadLinesAndCountsBlankOnes) {
  DecodeOptions o = Opts();
  o.ndjson = true;
  DecodeResult r = Decode(
      "{\"type\":\"request\",\"status\":200}\n"        // 0
      "\n"                                             // 1: blank
      "{\"type\":\"nope\"}\r\n"                        // 2
      "   \t\r\n"                                      // 3: blank
      "{\"type\":\"request\" \"status\":1}\n"          // 4: syntax
      "[{\"type\":\"request\"}]\n"                     // 5: not an object
      "{\"type\":\"message.in\",\"session\":\"s\"}\n"  // 6
      "{\"type\":\"request\"}}\n"                      // 7: trailing
      "\xff\n"                                         // 8: invalid UTF-8
      "{\"type\":\"request\"}",                        // 9: no final newline
      o);
  ASSERT_EQ(r.error_kind, "");
  EXPECT_EQ(r.indexes, (std::vector<uint32_t>{0, 6, 9}));
  ASSERT_EQ(r.rejected.size(), 5u);
  EXPECT_EQ(r.rejected[0].index, 2u);
  EXPECT_EQ(r.rejected[0].error, "type: unknown event type \"nope\"");
  EXPECT_EQ(r.rejected[1].index, 4u);
  EXPECT_EQ(r.rejected[1].error,
            "invalid JSON at byte 18 of the line: expected ',' or '}' after an object member");
  EXPECT_EQ(r.rejected[2].index, 5u);
  EXPECT_EQ(r.rejected[2].error, "event must be a JSON object");
  EXPECT_EQ(r.rejected[3].index, 7u);
  EXPECT_EQ(r.rejected[3].error,
            "invalid JSON at byte 18 of the line: unexpected characters after the JSON value");
  EXPECT_EQ(r.rejected[4].index, 8u);
  EXPECT_EQ(r.rejected[4].error, "invalid JSON at byte 0 of the line: expected a value");
}

TEST(EventDecoder, WholeBodyInvalidJsonHasOffsetAndAcceptsNothing) {
  const std::pair<std::string, size_t> cases[] = {
      {R"([{"type":"request"} {"type":"request"}])", 20},
      {R"([{"type":"request"},{"type":"request","x":[1 2]}])", 45},
      {R"([{"type":"request"},{"type":"request","x":tru}])", 42},
      {R"([{"type":"request"},{"type":"request","status":20a}])", 49},
      {R"([{"type":"request"},{"type":"request"})", 38},
      {R"([{"type":"request"}] x)", 21},
      {R"({"type":"request"}})", 18},
      {R"([{"type":"request",}])", 19},
      {R"([{"type":"request","x":"\q"}])", 24},
      {R"([{"type":"request","x":"\ud800"}])", 24},
      {"[{\"type\":\"request\",\"x\":\"\x01\"}]", 24},
      {"[{\"type\":\"request\",\"text\":\"a\xC3\"}]", 28},
      {"[{\"type\":\"request\"},\xC0\x80]", 20},
      {"", 0},
      {"  abc", 2},
      // simdjson reads `2"log"` and `1x` as single tokens (found by fuzzing).
      {R"({"type":"request","type":2"log"})", 26},
      {R"([{"type":"request"},1705329120\ud800true])", 30},
      {R"([{"type":"request","x":1x}])", 24},
  };
  for (const auto& [body, offset] : cases) {
    DecodeResult r = Decode(body);
    EXPECT_EQ(r.error_kind, "invalid_json") << body;
    EXPECT_EQ(r.offset, offset) << body << " " << r.error;
    EXPECT_FALSE(r.error.empty());
    EXPECT_TRUE(r.events.empty());
    EXPECT_TRUE(r.rejected.empty());
  }
  EXPECT_EQ(Decode(R"([{"type":"request"} {"type":"request"}])").error,
            "expected ',' or ']' after an array element");
  EXPECT_EQ(Decode("").error, "empty body");
  DecodeResult bom = Decode("\xEF\xBB\xBF[1 2]");
  EXPECT_EQ(bom.offset, 6u);  // the BOM counts
}

TEST(EventDecoder, TopLevelScalarIsInvalidRequest) {
  for (const char* body : {"42", "\"x\"", "null", " true "}) {
    DecodeResult r = Decode(body);
    EXPECT_EQ(r.error_kind, "invalid_request") << body;
    EXPECT_EQ(r.error, "the body must be a JSON array of events or one event object");
  }
}

TEST(EventDecoder, TooManyEvents) {
  DecodeOptions o = Opts();
  o.max_events = 3;
  EXPECT_EQ(
      Decode(R"([{"type":"request"},{"type":"request"},{"type":"request"}])", o).events.size(), 3u);
  DecodeResult r = Decode(R"([{"type":"request"},{},{},{}])", o);
  EXPECT_EQ(r.error_kind, "invalid_request");
  EXPECT_EQ(r.error, "more than 3 events in one body");
  EXPECT_TRUE(r.events.empty());
  EXPECT_TRUE(r.rejected.empty());
  o.ndjson = true;
  EXPECT_EQ(Decode("{}\n\n{}\n{}\n\n", o).error_kind, "");
  EXPECT_EQ(Decode("{}\n{}\n{}\n{}", o).error, "more than 3 events in one body");
  EXPECT_EQ(DecodeOptions().max_events, 100'000u);
}

TEST(EventDecoder, DeepNestingNeverCrashes) {
  const size_t depth = 200'000;
  const std::string open(depth, '['), close(depth, ']');
  // Deep but valid inside an unknown member: ignored.
  EXPECT_EQ(Accept(R"({"type":"request","x":)" + open + close + "}").type, EventType::kRequest);
  // In a known member: the wrong type.
  EXPECT_EQ(Reject(R"({"type":"message.in","session":"s","text":)" + open + close + "}"),
            "text: must be a string, not an array");
  // A deep array as the item.
  EXPECT_EQ(Reject(open + close), "event must be a JSON object, not an array");
  // Unbalanced: a syntax error.
  DecodeResult r = Decode("[" + open + close.substr(1) + "]");
  EXPECT_EQ(r.error_kind, "invalid_json");
  std::string objects;
  for (size_t i = 0; i < depth; ++i) objects += "{\"a\":";
  r = Decode(R"([{"type":"request","x":)" + objects + "1" + std::string(depth, '}') + "}]");
  EXPECT_EQ(r.events.size(), 1u);
  r = Decode(R"([{"type":"request","x":)" + objects + "1" + std::string(depth - 1, '}') + "}]");
  EXPECT_EQ(r.error_kind, "invalid_json");
}

TEST(EventDecoder, HugeStrings) {
  const std::string big(4 << 20, 'z');
  EXPECT_EQ(Accept(R"({"type":"request","note":")" + big + "\"}").type, EventType::kRequest);
  EXPECT_EQ(Reject(R"({"type":"message.in","session":"s","text":")" + big + "\"}"),
            "text: longer than 65536 bytes");
}

TEST(EventDecoder, PrivacyStoreTextAndRedaction) {
  auto redactor = Redactor::Create({{"card", "", ""}, {"email", "", ""}});
  ASSERT_TRUE(redactor.ok());
  DecodeOptions o = Opts();
  o.redactor = redactor->get();
  const std::string body =
      R"([{"type":"message.in","session":"s","text":"card 4111 1111 1111 1111, mail a@b.com"},)"
      R"({"type":"log","level":"error","message":"user a@b.com failed"},)"
      R"({"type":"feedback","score":1,"comment":"pay 4111-1111-1111-1111"},)"
      R"({"type":"message.in","session":"s","user":"a@b.com"}])";
  DecodeResult r = Decode(body, o);
  ASSERT_EQ(r.events.size(), 4u);
  EXPECT_EQ(r.events[0].text, "card [card], mail [email]");
  EXPECT_EQ(r.events[1].text, "user [email] failed");
  EXPECT_EQ(r.events[2].text, "pay [card]");
  EXPECT_EQ(r.events[3].user, "a@b.com");  // identifiers are masked at display time, not here
  o.store_text = false;
  r = Decode(body, o);
  ASSERT_EQ(r.events.size(), 4u);
  EXPECT_EQ(r.events[0].text, "");
  EXPECT_EQ(r.events[1].text, "user [email] failed");
  EXPECT_EQ(r.events[2].text, "pay [card]");
  // storeText:false does not relax validation.
  EXPECT_EQ(Reject(R"({"type":"message.in","session":"s","text":1})", o),
            "text: must be a string, not a number");
}

TEST(EventDecoder, ReusedDecoderKeepsResultsIndependent) {
  EventDecoder d;
  DecodeResult big = d.Decode(R"([{"type":"message.in","session":"s1","text":")" +
                                  std::string(60'000, 'q') + R"("}, {"type":"nope"}])",
                              Opts());
  DecodeResult small = d.Decode(R"({"type":"message.in","session":"s2","text":"hi"})", Opts());
  ASSERT_EQ(big.events.size(), 1u);
  EXPECT_EQ(big.rejected.size(), 1u);
  EXPECT_EQ(big.events[0].session, "s1");
  EXPECT_EQ(big.events[0].text.size(), 60'000u);
  ASSERT_EQ(small.events.size(), 1u);
  EXPECT_EQ(small.events[0].text, "hi");
  DecodeResult bad = d.Decode("[1 2]", Opts());
  EXPECT_EQ(bad.error_kind, "invalid_json");
  EXPECT_EQ(d.Decode(R"([{"type":"request"}])", Opts()).events.size(), 1u);
}

TEST(EventDecoder, ReusedResultIsClearedFirst) {
  EventDecoder d;
  DecodeResult r;
  d.Decode(R"([{"type":"request"},{"type":"nope"}])", Opts(), &r);
  EXPECT_EQ(r.events.size(), 1u);
  d.Decode("[1 2]", Opts(), &r);
  EXPECT_EQ(r.error_kind, "invalid_json");
  EXPECT_TRUE(r.events.empty() && r.indexes.empty() && r.rejected.empty());
  d.Decode(R"([{"type":"handoff"}])", Opts(), &r);
  EXPECT_EQ(r.error_kind, "");
  EXPECT_EQ(r.error, "");
  EXPECT_EQ(r.offset, 0u);
  ASSERT_EQ(r.events.size(), 1u);
  EXPECT_EQ(r.events[0].type, EventType::kHandoff);
}

}  // namespace
}  // namespace botmon
