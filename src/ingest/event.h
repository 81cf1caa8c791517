// BotEvent: one decoded, validated bot event (SPEC 5), as the ingest pipeline carries it.
//
// Plain data. Strings are empty when the member was absent (members an event omits are inherited
// from its session later, by the session tracker). Text members are already redacted when a
// BotEvent leaves the decoder. Thread-compatible.
#ifndef BOTMON_INGEST_EVENT_H_
#define BOTMON_INGEST_EVENT_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace botmon {

enum class EventType : uint8_t {
  kSessionStart = 0,
  kMessageIn,
  kMessageOut,
  kSessionEnd,
  kRequest,
  kLog,
  kLlm,
  kFallback,
  kHandoff,
  kFeedback,
  kGauge,
  kCounter,
};
inline constexpr int kEventTypeCount = 12;

// The wire name ("session.start", "message.in", ...).
std::string_view EventTypeName(EventType t);
// Parses a wire name; false when unknown.
bool ParseEventType(std::string_view name, EventType* out);

enum class LogLevel : uint8_t { kWarning = 0, kError, kCritical };
std::string_view LogLevelName(LogLevel l);  // "warning", "error", "critical"

// Limits of SPEC 5.
inline constexpr size_t kMaxTextBytes = 64 * 1024;  // text, message, comment
inline constexpr size_t kMaxEventIdBytes = 128;     // `id`
inline constexpr size_t kMaxIdentBytes = 256;  // host, bot, session, user, channel, route, model
inline constexpr size_t kMaxEventsPerBody = 100'000;
inline constexpr double kMaxLatencyMs = 3'600'000;
inline constexpr int64_t kMaxFutureMs = 5 * 60'000;
inline constexpr int64_t kMinEpochMs = 100'000'000'000;  // below: "looks like seconds"

struct BotEvent {
  EventType type = EventType::kRequest;
  bool ts_given = false;  // false: ts_ms is the receive time
  int64_t ts_ms = 0;

  std::string id;                                 // dedup id, optional
  std::string host, bot, session, user, channel;  // channel lower-cased
  std::string text;  // message.* text, log message, feedback comment (redacted)

  // message.out, request, llm: latency; negative = absent.
  double latency_ms = -1;
  // request
  int status = 0;  // 0 = absent
  std::string route;
  // log
  LogLevel level = LogLevel::kError;
  // llm
  std::string model;
  double tokens_in = 0, tokens_out = 0;
  double ttft_ms = -1;  // negative = absent
  double cost_usd = 0;
  // feedback: +1 or -1
  int score = 0;
  // gauge / counter: a custom field (or queue.depth as a gauge)
  std::string name;
  double value = 0;
};

}  // namespace botmon

#endif  // BOTMON_INGEST_EVENT_H_
