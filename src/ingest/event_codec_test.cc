#include "ingest/event_codec.h"

#include <gtest/gtest.h>

namespace botmon {
namespace {

TEST(EventCodec, RoundTripsEveryMember) {
  LoggedEvent le;
  le.seq = 123456789;
  le.recv_ms = 1'705'329'120'000;
  le.opened_session = true;
  BotEvent& e = le.event;
  e.type = EventType::kLlm;
  e.ts_given = true;
  e.ts_ms = le.recv_ms - 5000;
  e.id = "evt-1";
  e.host = "bot-1";
  e.bot = "mycompany";
  e.session = "a1b2c3d4";
  e.user = "+5511999888777";
  e.channel = "whatsapp";
  e.text = std::string("olá\0x", 5);
  e.latency_ms = 812.5;
  e.model = "gpt-4o";
  e.tokens_in = 120;
  e.tokens_out = 48;
  e.ttft_ms = 230;
  e.cost_usd = 0.0042;
  e.level = LogLevel::kCritical;
  e.status = 503;
  e.score = -1;
  std::string buf;
  EncodeLoggedEvent(le, &buf);
  LoggedEvent back;
  ASSERT_TRUE(DecodeLoggedEvent(buf, &back).ok());
  EXPECT_EQ(back.seq, le.seq);
  EXPECT_EQ(back.recv_ms, le.recv_ms);
  EXPECT_TRUE(back.opened_session);
  EXPECT_EQ(back.event.type, EventType::kLlm);
  EXPECT_EQ(back.event.ts_ms, e.ts_ms);
  EXPECT_EQ(back.event.text, e.text);
  EXPECT_EQ(back.event.user, e.user);
  EXPECT_EQ(back.event.latency_ms, 812.5);
  EXPECT_EQ(back.event.cost_usd, 0.0042);
  EXPECT_EQ(back.event.ttft_ms, 230);
  EXPECT_EQ(back.event.level, LogLevel::kCritical);
  EXPECT_EQ(back.event.status, 503);
  EXPECT_EQ(back.event.score, -1);
}

TEST(EventCodec, SmallRequestRecord) {
  LoggedEvent le;
  le.seq = 1;
  le.recv_ms = 1'705'329'120'000;
  le.event.type = EventType::kRequest;
  le.event.ts_ms = le.recv_ms;
  le.event.host = "bot-1";
  le.event.latency_ms = 12.5;
  le.event.status = 200;
  std::string buf;
  EncodeLoggedEvent(le, &buf);
  EXPECT_LT(buf.size(), 40u);
}

TEST(EventCodec, RejectsEveryTruncationAndGarbage) {
  LoggedEvent le;
  le.event.type = EventType::kMessageIn;
  le.event.session = "s";
  le.event.text = "hello";
  std::string buf;
  EncodeLoggedEvent(le, &buf);
  LoggedEvent out;
  for (size_t n = 0; n < buf.size(); ++n) {
    EXPECT_FALSE(DecodeLoggedEvent(buf.substr(0, n), &out).ok()) << n;
  }
  EXPECT_FALSE(DecodeLoggedEvent(buf + "z", &out).ok());
  std::string bad = buf;
  bad[1] = 99;  // type
  EXPECT_FALSE(DecodeLoggedEvent(bad, &out).ok());
}

}  // namespace
}  // namespace botmon
