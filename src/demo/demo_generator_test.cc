#include "demo/demo_generator.h"

#include <gtest/gtest.h>

#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "demo/demo_scripts.h"

namespace botmon {
namespace {

constexpr int64_t kMinute = 60'000;

std::vector<DemoEvent> Generate(uint64_t seed, int64_t until_ms, uint64_t salt = 0) {
  DemoGeneratorOptions o;
  o.seed = seed;
  o.id_salt = salt;
  DemoGenerator g(o);
  std::vector<DemoEvent> out;
  g.Advance(until_ms, &out);
  return out;
}

std::vector<std::string> Serialised(const std::vector<DemoEvent>& events) {
  std::vector<std::string> out;
  for (const auto& e : events) out.push_back(std::to_string(e.t_ms) + " " + e.event.ToJson());
  return out;
}

// Events grouped by session, in order.
std::map<std::string, std::vector<const DemoEvent*>> BySession(
    const std::vector<DemoEvent>& events) {
  std::map<std::string, std::vector<const DemoEvent*>> out;
  for (const auto& e : events) {
    if (!e.event.session.empty()) out[e.event.session].push_back(&e);
  }
  return out;
}

TEST(DemoGenerator, SameSeedGivesTheSameEventsHoweverItIsStepped) {
  const auto once = Serialised(Generate(42, 20 * kMinute));

  DemoGeneratorOptions o;
  o.seed = 42;
  DemoGenerator g(o);
  std::vector<DemoEvent> stepped;
  // Step the way DemoBot does: to the next event's time, with odd-sized gaps in between.
  for (int64_t t = 0; t <= 20 * kMinute;) {
    g.Advance(t, &stepped);
    const int64_t next = g.NextEventMs();
    ASSERT_GT(next, t);
    t = std::min<int64_t>(std::min(next, t + 777), 20 * kMinute + 1);
    if (t == 20 * kMinute + 1) break;
  }
  g.Advance(20 * kMinute, &stepped);
  EXPECT_EQ(Serialised(stepped), once);
  ASSERT_GT(once.size(), 1000u);

  EXPECT_NE(Serialised(Generate(43, 20 * kMinute)), once);
}

TEST(DemoGenerator, IdSaltChangesOnlySessionIds) {
  const auto a = Generate(7, 10 * kMinute, 0);
  const auto b = Generate(7, 10 * kMinute, 12345);
  ASSERT_EQ(a.size(), b.size());
  std::map<std::string, std::string> mapping;
  std::set<std::string> mapped_to;
  for (size_t i = 0; i < a.size(); ++i) {
    Event ea = a[i].event, eb = b[i].event;
    EXPECT_EQ(a[i].t_ms, b[i].t_ms);
    if (!ea.session.empty()) {
      auto [it, inserted] = mapping.emplace(ea.session, eb.session);
      EXPECT_EQ(it->second, eb.session);  // a consistent renaming
      if (inserted) {
        EXPECT_TRUE(mapped_to.insert(eb.session).second);
      }
      EXPECT_NE(ea.session, eb.session);
      ea.session = eb.session;
    }
    EXPECT_EQ(ea.ToJson(), eb.ToJson());
  }
}

TEST(DemoGenerator, EventsAreOrderedAndValid) {
  const auto events = Generate(1, 30 * kMinute);
  const std::set<std::string> types = {"session.start", "message.in", "message.out", "session.end",
                                       "request",       "log",        "llm",         "fallback",
                                       "handoff",       "feedback",   "gauge",       "counter"};
  std::set<std::string> seen;
  for (size_t i = 0; i < events.size(); ++i) {
    const Event& e = events[i].event;
    if (i > 0) {
      ASSERT_LE(events[i - 1].t_ms, events[i].t_ms);
    }
    ASSERT_TRUE(types.count(e.type)) << e.type;
    seen.insert(e.type);
    ASSERT_TRUE(e.bot == kDemoBotShop || e.bot == kDemoBotSupport) << e.ToJson();
    EXPECT_TRUE(e.id.empty());  // the client assigns ids
    EXPECT_EQ(e.ts_ms, 0);      // the sender stamps wall time
    EXPECT_TRUE(e.host.empty());
    const auto j = nlohmann::json::parse(e.ToJson());
    EXPECT_EQ(j["type"], e.type);
    if (e.type == "request") {
      EXPECT_GE(*e.latency_ms, 5);
      EXPECT_LE(*e.latency_ms, 300);
      EXPECT_TRUE(e.status == 200 || e.status == 500 || e.status == 502 || e.status == 503);
      EXPECT_FALSE(e.route.empty());
    } else if (e.type == "llm") {
      EXPECT_TRUE(e.model == "gpt-4o" || e.model == "gpt-4o-mini");
      EXPECT_GT(*e.tokens_in, 0);
      EXPECT_GT(*e.tokens_out, 0);
      EXPECT_GT(*e.cost_usd, 0);
      EXPECT_LT(*e.ttft_ms, *e.latency_ms);
    } else if (e.type == "log") {
      EXPECT_TRUE(e.level == "warning" || e.level == "error");
      EXPECT_FALSE(e.message.empty());
    } else if (e.type == "feedback") {
      EXPECT_TRUE(e.score == 1 || e.score == -1);
    } else if (e.type == "gauge") {
      EXPECT_EQ(e.name, "queue.depth");
      EXPECT_GE(*e.value, 0);
      EXPECT_LT(*e.value, 100);  // below the default Queue Depth rule
    } else if (e.type == "counter") {
      EXPECT_EQ(e.name, "orders.lookups");
    }
  }
  EXPECT_EQ(seen, types);  // every event type appears within 30 minutes

  DemoGeneratorOptions o;
  o.host = "bot-1";
  DemoGenerator g(o);
  std::vector<DemoEvent> with_host;
  g.Advance(kMinute, &with_host);
  ASSERT_FALSE(with_host.empty());
  for (const auto& e : with_host) {
    EXPECT_EQ(e.event.host, "bot-1");
  }
}

TEST(DemoGenerator, ConversationsAreCoherent) {
  for (uint64_t seed : {1, 2, 3}) {
    SCOPED_TRACE(seed);
    const auto events = Generate(seed, 60 * kMinute);
    size_t ended = 0, total = 0;
    for (const auto& [id, list] : BySession(events)) {
      ++total;
      EXPECT_TRUE(std::regex_match(id, std::regex("[0-9a-f]{8}"))) << id;
      ASSERT_EQ(list.front()->event.type, "session.start") << id;
      const Event& start = list.front()->event;
      EXPECT_FALSE(start.user.empty());
      EXPECT_FALSE(start.channel.empty());
      bool expect_in = true;
      int64_t last_in_t = -1;
      for (size_t i = 1; i < list.size(); ++i) {
        const Event& e = list[i]->event;
        EXPECT_EQ(e.bot, start.bot) << id;
        EXPECT_NE(e.type, "session.start") << id;
        if (e.type == "session.end") {
          EXPECT_EQ(i, list.size() - 1) << id << ": events after session.end";
          EXPECT_TRUE(expect_in) << id << ": ended while a user message awaited its reply";
          ++ended;
        } else if (e.type == "message.in") {
          EXPECT_TRUE(expect_in) << id << ": two user messages in a row";
          EXPECT_EQ(e.user, start.user);
          EXPECT_EQ(e.channel, start.channel);
          EXPECT_FALSE(e.text.empty());
          last_in_t = list[i]->t_ms;
          expect_in = false;
        } else if (e.type == "message.out") {
          EXPECT_FALSE(expect_in) << id << ": a bot reply without a user message";
          // The reply's latency is exactly the time since the message it answers.
          EXPECT_EQ(static_cast<int64_t>(*e.latency_ms), list[i]->t_ms - last_in_t) << id;
          EXPECT_FALSE(e.text.empty());
          expect_in = true;
        } else if (e.type == "request" || e.type == "llm") {
          EXPECT_FALSE(expect_in) << id << ": backend work outside a turn";
        }
      }
    }
    EXPECT_GT(total, 150u);
    // Most sessions end; some go idle (and the last few are still running at the cut-off).
    EXPECT_GT(ended, total * 8 / 10);
    EXPECT_LT(ended, total);
  }
}

TEST(DemoGenerator, FirstConversationIsTheSeedDialogue) {
  const auto events = Generate(9, 10 * kMinute);
  const auto sessions = BySession(events);
  const std::string first = events.front().event.session;
  std::vector<std::string> texts;
  for (const DemoEvent* e : sessions.at(first)) {
    if (e->event.type == "message.in" || e->event.type == "message.out")
      texts.push_back(e->event.text);
  }
  const Event& start = sessions.at(first).front()->event;
  EXPECT_EQ(start.user, "+5511999888777");
  EXPECT_EQ(start.channel, "whatsapp");
  EXPECT_EQ(start.bot, "mycompany");
  ASSERT_GE(texts.size(), 6u);
  EXPECT_EQ(texts[0], "Hello");
  EXPECT_EQ(texts[1], "Hello! How can I help you today?");
  EXPECT_EQ(texts[2], "I want to check my order status");
  EXPECT_EQ(texts[3], "I can help with that! What's your order number?");
  EXPECT_EQ(texts[4], "ORD-12345");
  EXPECT_EQ(texts[5].rfind("Order ORD-12345 is being prepared for shipping", 0), 0u) << texts[5];
}

TEST(DemoGenerator, UsesEveryChannelBotAndUserKind) {
  const auto events = Generate(5, 60 * kMinute);
  std::map<std::string, std::set<std::string>> users_by_channel;
  std::set<std::string> bots, openers;
  for (const auto& [id, list] : BySession(events)) {
    const Event& s = list.front()->event;
    users_by_channel[s.channel].insert(s.user);
    bots.insert(s.bot);
    for (const DemoEvent* e : list) {
      if (e->event.type == "message.in") {
        openers.insert(e->event.text);
        break;
      }
    }
  }
  EXPECT_EQ(bots, (std::set<std::string>{"mycompany", "support-bot"}));
  ASSERT_EQ(users_by_channel.size(), 4u);
  const std::regex phone(R"(\+55\d{2}9\d{8})");
  const std::regex email(R"([a-z.]+@[a-z.]+\.[a-z]+)");
  const std::regex handle(R"(@[a-z0-9_]+)");
  for (const auto& [channel, users] : users_by_channel) {
    SCOPED_TRACE(channel);
    EXPECT_GE(users.size(), 5u);
    for (const auto& u : users) {
      if (channel == "whatsapp") {
        EXPECT_TRUE(std::regex_match(u, phone)) << u;
      }
      if (channel == "web" || channel == "email") {
        EXPECT_TRUE(std::regex_match(u, email)) << u;
      }
      if (channel == "telegram") {
        EXPECT_TRUE(std::regex_match(u, handle)) << u;
      }
    }
  }
  EXPECT_TRUE(users_by_channel["web"].count("john@acme.com") ||
              users_by_channel["web"].size() > 20);
  // Every script's opening line is heard within an hour.
  EXPECT_EQ(openers.size(), DemoScripts().size());
}

TEST(DemoScripts, AreVariedAndWellFormed) {
  const auto scripts = DemoScripts();
  ASSERT_GE(scripts.size(), 6u);
  std::set<std::string_view> names, bots;
  for (const DemoScript& s : scripts) {
    SCOPED_TRACE(s.name);
    names.insert(s.name);
    bots.insert(s.bot);
    EXPECT_GE(s.turns.size(), 4u);
    EXPECT_LE(s.turns.size(), 10u);
    EXPECT_GT(s.weight, 0);
    for (const DemoTurn& t : s.turns) {
      EXPECT_FALSE(t.user.empty());
      EXPECT_FALSE(t.bot.empty());
    }
  }
  EXPECT_EQ(names.size(), scripts.size());
  EXPECT_EQ(bots, (std::set<std::string_view>{kDemoBotShop, kDemoBotSupport}));
  EXPECT_EQ(scripts[0].turns[0].user, "Hello");
  EXPECT_EQ(scripts[0].turns[0].bot, "Hello! How can I help you today?");
  EXPECT_EQ(scripts[0].turns[1].user, "I want to check my order status");
}

TEST(DemoGenerator, ProducesFallbacksHandoffsFeedbackAndWarnings) {
  const auto events = Generate(3, 60 * kMinute);
  std::map<std::string, int> count;
  int positive = 0, negative = 0, gauges_shop = 0, gauges_support = 0;
  for (const auto& e : events) {
    ++count[e.event.type];
    if (e.event.type == "feedback") (e.event.score > 0 ? positive : negative)++;
    if (e.event.type == "gauge") (e.event.bot == kDemoBotShop ? gauges_shop : gauges_support)++;
  }
  const int turns = count["message.in"];
  EXPECT_GT(turns, 1000);
  // Every user message is answered; at the cut-off a few replies may still be on their way.
  EXPECT_LE(count["message.out"], turns);
  EXPECT_GE(count["message.out"], turns - 5);
  EXPECT_GT(count["fallback"], 0);
  EXPECT_LT(count["fallback"], turns / 10);  // occasional
  EXPECT_GT(count["handoff"], 0);
  EXPECT_GT(positive, 0);
  EXPECT_GT(negative, 0);
  EXPECT_GT(count["llm"], turns / 5);
  EXPECT_GT(count["request"], turns);
  // A queue.depth gauge per bot every 5 s.
  EXPECT_EQ(gauges_shop, 60 * 60 / 5);
  EXPECT_EQ(gauges_support, 60 * 60 / 5);
}

TEST(DemoGenerator, SteadyStateHasFiveToTwentyConcurrentSessions) {
  for (uint64_t seed : {1, 2, 3, 4}) {
    SCOPED_TRACE(seed);
    DemoGeneratorOptions o;
    o.seed = seed;
    DemoGenerator g(o);
    std::vector<DemoEvent> events;
    double sum = 0;
    int n = 0;
    for (int64_t t = 0; t <= 90 * kMinute; t += 10'000) {
      g.Advance(t, &events);
      if (t >= 5 * kMinute) {
        sum += static_cast<double>(g.LiveSessions());
        ++n;
      }
    }
    EXPECT_GE(sum / n, 5.0);
    EXPECT_LE(sum / n, 20.0);

    // As the server counts them: abandoned sessions stay active until the 30-minute idle timeout.
    std::map<std::string, std::pair<int64_t, int64_t>> span;  // first, last event
    std::set<std::string> ended;
    for (const auto& e : events) {
      if (e.event.session.empty()) continue;
      auto [it, fresh] = span.emplace(e.event.session, std::make_pair(e.t_ms, e.t_ms));
      if (!fresh) it->second.second = e.t_ms;
      if (e.event.type == "session.end") ended.insert(e.event.session);
    }
    double active_sum = 0;
    int samples = 0;
    for (int64_t t = 35 * kMinute; t <= 90 * kMinute; t += kMinute, ++samples) {
      for (const auto& [id, s] : span) {
        const int64_t until = ended.count(id) ? s.second : s.second + 30 * kMinute;
        active_sum += s.first <= t && t < until ? 1 : 0;
      }
    }
    EXPECT_GE(active_sum / samples, 5.0);
    EXPECT_LE(active_sum / samples, 20.0);
  }
}

}  // namespace
}  // namespace botmon
