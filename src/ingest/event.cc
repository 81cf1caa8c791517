#include "ingest/event.h"

#include <array>

namespace botmon {
namespace {

// Indexed by EventType; the wire names of SPEC 5.
constexpr std::array<std::string_view, kEventTypeCount> kTypeNames = {
    "session.start", "message.in", "message.out", "session.end", "request", "log",
    "llm",           "fallback",   "handoff",     "feedback",    "gauge",   "counter",
};

}  // namespace

std::string_view EventTypeName(EventType t) {
  const auto i = static_cast<size_t>(t);
  return i < kTypeNames.size() ? kTypeNames[i] : std::string_view("unknown");
}

bool ParseEventType(std::string_view name, EventType* out) {
  // A linear scan over 12 short names: on the ingest hot path, but the length check rejects almost
  // every candidate before a byte compare, so it costs a few nanoseconds.
  for (size_t i = 0; i < kTypeNames.size(); ++i) {
    if (kTypeNames[i].size() == name.size() && kTypeNames[i] == name) {
      *out = static_cast<EventType>(i);
      return true;
    }
  }
  return false;
}

std::string_view LogLevelName(LogLevel l) {
  switch (l) {
    case LogLevel::kWarning:
      return "warning";
    case LogLevel::kError:
      return "error";
    case LogLevel::kCritical:
      return "critical";
  }
  return "error";
}

}  // namespace botmon
