// The members of one event object, between the JSON walk (decode.cc) and a BotEvent: which
// member a key names, each member's value as read from the document, and the validation of SPEC 5
// that turns them into a BotEvent, with "<member>: <problem>" messages. Internal to the decoder.
//
// Plain data and pure functions; thread-compatible.
#ifndef BOTMON_INGEST_EVENT_MEMBERS_H_
#define BOTMON_INGEST_EVENT_MEMBERS_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "ingest/decode.h"
#include "ingest/event.h"

namespace botmon {
namespace decode_internal {

// The members the decoder reads. Everything else is an unknown member: checked for syntax, then
// ignored.
enum Member : uint8_t {
  kType,
  kTs,
  kId,
  kHost,
  kBot,
  kSession,
  kUser,
  kChannel,
  kText,
  kLatencyMs,
  kStatus,
  kRoute,
  kLevel,
  kMessage,
  kModel,
  kTokensIn,
  kTokensOut,
  kTtftMs,
  kCostUsd,
  kScore,
  kComment,
  kName,
  kValue,
  kMemberCount,
};

// The member a key names, or -1.
int LookupMember(std::string_view key);

enum class Kind : uint8_t { kString, kNumber, kBadNumber, kBool, kObject, kArray };

// One member's value as read from the document. Strings point into the parser's string buffer
// and live until the next iterate().
struct Raw {
  Kind kind;
  std::string_view str;  // kString: unescaped; kNumber/kBadNumber: empty, at the token (NumberText)
  double num;            // kNumber
};

// The members of one event object. A member given twice keeps its last value; null is absent.
struct RawEvent {
  uint32_t present = 0;  // bit per Member
  Raw values[kMemberCount];

  bool Has(Member m) const { return (present >> m) & 1; }
};

// Validates `raw` into *e (including redaction and privacy.storeText). False: *reject says why,
// as "<member>: <problem>".
bool BuildEvent(const RawEvent& raw, const DecodeOptions& opts, BotEvent* e, std::string* reject);

}  // namespace decode_internal
}  // namespace botmon

#endif  // BOTMON_INGEST_EVENT_MEMBERS_H_
