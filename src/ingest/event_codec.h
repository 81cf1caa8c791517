// The ingest log's record format for one resolved event: a compact binary encoding (presence
// bits, varints, length-prefixed strings, little-endian doubles). Not the wire format.
// Pure functions; thread-safe.
#ifndef BOTMON_INGEST_EVENT_CODEC_H_
#define BOTMON_INGEST_EVENT_CODEC_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"
#include "ingest/event.h"

namespace botmon {

// A logged event: its sequence number, its receive time and the event as resolved by the
// session tracker (inherited members filled, derived latency set).
struct LoggedEvent {
  int64_t seq = 0;
  int64_t recv_ms = 0;
  bool opened_session = false;  // the event opened or reopened its session
  BotEvent event;
};

void EncodeLoggedEvent(const LoggedEvent& e, std::string* out);
// Fails with kCorruption on anything EncodeLoggedEvent could not have produced.
Status DecodeLoggedEvent(std::string_view in, LoggedEvent* out);

}  // namespace botmon

#endif  // BOTMON_INGEST_EVENT_CODEC_H_
