// The demo's conversation scripts and name pools: pure, constant data.
//
// A script is one kind of conversation of one bot (order status, password reset, ...): a list
// of turns, each a user message, the bot's reply, the backend call the bot makes to answer, and
// whether an LLM writes the reply. Texts may hold placeholders such as {order} or {email}, filled
// per session by the generator (DemoGenerator). Thread-safe (immutable).
#ifndef BOTMON_DEMO_DEMO_SCRIPTS_H_
#define BOTMON_DEMO_DEMO_SCRIPTS_H_

#include <span>
#include <string_view>

namespace botmon {

inline constexpr std::string_view kDemoBotShop = "mycompany";
inline constexpr std::string_view kDemoBotSupport = "support-bot";

struct DemoTurn {
  std::string_view user;   // what the user writes
  std::string_view bot;    // the bot's reply
  std::string_view route;  // the backend request behind the reply ("" = none)
  bool llm = false;        // an LLM call writes the reply
  bool handoff = false;    // the bot hands the conversation to a human after this reply
};

struct DemoScript {
  std::string_view name;
  std::string_view bot;
  double weight;  // relative frequency among the bot's scripts
  std::span<const DemoTurn> turns;
};

// Every script; the first is the seed's order-status dialogue ("Hello" / "Hello! How can I help
// you today?" / "I want to check my order status" / ...).
std::span<const DemoScript> DemoScripts();

// What users write that no script expects, and the bots' "did not understand" replies.
std::span<const std::string_view> DemoOffScriptMessages();
std::string_view DemoFallbackReply(std::string_view bot);
// Reply when the backend call behind a turn failed (error bursts).
std::string_view DemoErrorReply();

std::span<const std::string_view> DemoPositiveComments();
std::span<const std::string_view> DemoNegativeComments();
// Routine warnings a bot logs now and then.
std::span<const std::string_view> DemoWarnings();

// Pools for users and placeholder values.
std::span<const std::string_view> DemoFirstNames();
std::span<const std::string_view> DemoLastNames();
std::span<const std::string_view> DemoEmailDomains();
std::span<const std::string_view> DemoCities();
std::span<const std::string_view> DemoStreets();

}  // namespace botmon

#endif  // BOTMON_DEMO_DEMO_SCRIPTS_H_
