#include "ingest/session_tracker.h"

#include <gtest/gtest.h>

#include "ingest/test_harness.h"

namespace botmon {
namespace {

using E = EventType;

TEST(SessionTracker, ScriptedConversation) {
  IngestHarness h;
  ASSERT_TRUE(h.Open().ok());
  auto start = h.At(E::kSessionStart, "a1", 0);
  start.user = "+5511999888777";
  start.channel = "whatsapp";
  start.bot = "mycompany";
  auto in = h.At(E::kMessageIn, "a1", 0);
  in.text = "Hello";
  auto out = h.At(E::kMessageOut, "a1", 1000);
  out.text = "Hello! How can I help you today?";
  out.latency_ms = 1000;
  auto in2 = h.At(E::kMessageIn, "a1", 15'000);
  in2.text = "I want to check my order status";
  auto out2 = h.At(E::kMessageOut, "a1", 17'000);  // latency derived: 2000
  out2.text = "I can help with that!";
  auto r = h.Send({start, in, out, in2, out2});
  EXPECT_EQ(r.accepted, 5u);
  EXPECT_TRUE(r.rejected.empty());
  ASSERT_TRUE(h.store->Flush().ok());
  auto d = h.store->GetSession("a1", 1, 100);
  ASSERT_TRUE(d.ok() && d->has_value());
  const auto& s = (*d)->session;
  EXPECT_EQ(s.bot, "mycompany");
  EXPECT_EQ(s.user, "+5511999888777");
  EXPECT_EQ(s.channel, "whatsapp");
  EXPECT_EQ(s.host, "bot-1");
  EXPECT_EQ(s.message_count, 4);
  EXPECT_FALSE(s.ended_ms.has_value());
  ASSERT_EQ((*d)->messages.size(), 4u);
  EXPECT_EQ(*(*d)->messages[3].latency_ms, 2000);
  auto f = h.stats->Get(h.clock.NowMs());
  EXPECT_EQ(f.active, 1);
  EXPECT_EQ(f.messages_today, 4);
  EXPECT_EQ(f.avg_response_ms, 1500);
}

TEST(SessionTracker, InheritanceDefaultsAndBotMismatch) {
  IngestHarness h;
  ASSERT_TRUE(h.Open().ok());
  auto in = h.At(E::kMessageIn, "s1", 0);  // opens with bot "default"
  in.channel = "web";
  auto fb = h.At(E::kFallback, "s1", 10);
  auto bad = h.At(E::kFeedback, "s1", 20);
  bad.bot = "other";
  bad.score = 1;
  auto req = h.At(E::kRequest, "s1", 30);  // inherits bot/channel for counting
  auto r = h.Send({in, fb, bad, req});
  EXPECT_EQ(r.accepted, 3u);
  ASSERT_EQ(r.rejected.size(), 1u);
  EXPECT_EQ(r.rejected[0].index, 2u);
  EXPECT_EQ(r.rejected[0].error, "bot: \"other\" differs from the session's bot \"default\"");
  const SessionRecord* s = h.tracker->Find("s1");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->bot, "default");
  EXPECT_EQ(s->flags, kFlagFallback);
  auto closed = h.acc.Close(h.clock.NowMs(), 0);
  EXPECT_EQ((closed.combos[Combo{"bot-1", "default", "web"}].requests), 1);
  EXPECT_EQ((closed.combos[Combo{"bot-1", "default", "web"}].sessions_started), 1);
}

TEST(SessionTracker, EndIdleTimeoutAndReopen) {
  IngestHarness h;
  ASSERT_TRUE(h.Open().ok());
  h.Send({h.At(E::kSessionStart, "x", 0), h.At(E::kSessionEnd, "x", 5000),
          h.At(E::kSessionEnd, "unknown", 5000)});
  const SessionRecord* s = h.tracker->Find("x");
  ASSERT_TRUE(s->ended_ms.has_value());
  EXPECT_EQ(*s->ended_ms - s->started_ms, 5000);
  EXPECT_EQ(h.tracker->Find("unknown"), nullptr);  // session.end of an unknown session: no-op
  // An event after the end reopens the same session.
  h.Send({h.At(E::kMessageIn, "x", 60'000)});
  EXPECT_FALSE(h.tracker->Find("x")->ended_ms.has_value());
  EXPECT_EQ(h.stats->Get(h.clock.NowMs()).active, 1);
  // 30 minutes of silence end it at its last activity.
  h.clock.AdvanceMs(60'000 + 30 * 60'000);
  h.pipeline->Post([&] {
    TickAccumulator::Batch b(&h.acc);
    h.tracker->ExpireIdle(h.clock.NowMs(), &b);
  });
  h.Send({});
  s = h.tracker->Find("x");
  ASSERT_TRUE(s->ended_ms.has_value());
  EXPECT_EQ(*s->ended_ms, s->last_activity_ms);
  EXPECT_EQ(h.stats->Get(h.clock.NowMs()).active, 0);
  auto closed = h.acc.Close(h.clock.NowMs(), 0);
  const auto& c = closed.combos[Combo{"bot-1", "default", ""}];
  EXPECT_EQ(c.sessions_started, 2);
  EXPECT_EQ(c.sessions_ended, 2);
}

TEST(SessionTracker, ErrorLogFlagsAndIsKept) {
  IngestHarness h;
  ASSERT_TRUE(h.Open().ok());
  auto log = h.At(E::kLog, "z", 10);
  log.level = LogLevel::kError;
  log.text = "payment service timeout";
  auto warn = h.At(E::kLog, "", 20);
  warn.level = LogLevel::kWarning;
  warn.text = "slow";
  h.Send({h.At(E::kMessageIn, "z", 0), log, warn});
  EXPECT_EQ(h.tracker->Find("z")->flags, kFlagError);
  ASSERT_TRUE(h.store->Flush().ok());
  int64_t total = 0;
  auto logs = h.store->QueryLogs(LogQuery{}, &total);
  ASSERT_TRUE(logs.ok());
  EXPECT_EQ(total, 2);
  EXPECT_EQ((*logs)[1].bot, "default");  // inherited from the session
}

}  // namespace
}  // namespace botmon
