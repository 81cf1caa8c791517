// The ingest decoder: an HTTP body (JSON array, one JSON object, or NDJSON) into validated
// BotEvents plus per-item rejections (SPEC 5). Uses simdjson on-demand.
//
// Pure and re-entrant: one EventDecoder per thread (it owns a simdjson parser and reuses its
// buffers); no shared state. Redaction runs here, so nothing unredacted leaves the decoder.
//
// Decisions where SPEC 5 is silent:
// - A JSON body with any syntax error (also inside ignored members, also invalid UTF-8 or a lone
//   \u surrogate in a string) is a whole-body "invalid_json" with the offset of the first bad
//   byte; nothing is accepted. In NDJSON the same is a rejection of that line only, with the
//   offset inside the line in the message. A leading UTF-8 BOM is skipped (offsets still count it).
// - A member given twice: the last one wins (as JSON.parse). A member set to null is absent.
//   Unknown members, and members that do not belong to the event's type, are ignored.
// - An empty identifier counts as absent (so "session": "" is "session: required").
// - Nesting depth is unlimited (bounded by the body size): ignored members are checked by a
//   non-recursive scanner, so deep nesting cannot exhaust the stack.
// - `ts` numbers must be whole (1.7e12 is fine, 1705329120000.5 is not); numbers that do not fit a
//   double (1e400) are "number out of range"; -0 is read as 0.
// - `log` levels are case-insensitive; `status` must be a whole number.
#ifndef BOTMON_INGEST_DECODE_H_
#define BOTMON_INGEST_DECODE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ingest/event.h"

namespace botmon {

class Redactor;

struct DecodeOptions {
  int64_t now_ms = 0;      // receive time: the default ts, and the reference for the limits
  int64_t max_age_ms = 0;  // retention.raw: older events are rejected; 0 = no limit
  bool ndjson = false;     // Content-Type: application/x-ndjson
  bool store_text = true;  // privacy.storeText: false drops text (not comment/log message)
  const Redactor* redactor = nullptr;  // privacy.redact; nullptr = none
  size_t max_events = kMaxEventsPerBody;
};

struct Rejection {
  size_t index;       // 0-based item index (NDJSON: line number)
  std::string error;  // e.g. "latency_ms: must be between 0 and 3600000"
};

struct DecodeResult {
  // Whole-body failure: `error` set and nothing accepted.
  //   kind "invalid_json": a syntax error in a JSON array/object body; `offset` is the byte offset.
  //   kind "invalid_request": e.g. more than max_events items, or a JSON value that is neither an
  //   object nor an array.
  std::string error_kind;  // "" when the body as a whole was fine
  std::string error;
  size_t offset = 0;

  std::vector<BotEvent> events;   // accepted, in body order
  std::vector<uint32_t> indexes;  // item index of each accepted event
  std::vector<Rejection> rejected;
};

class EventDecoder {
 public:
  EventDecoder();
  ~EventDecoder();
  EventDecoder(const EventDecoder&) = delete;
  EventDecoder& operator=(const EventDecoder&) = delete;

  // Decodes `body` (not necessarily padded; the decoder copies into its padded buffer).
  DecodeResult Decode(std::string_view body, const DecodeOptions& opts);

  // The same into *result, which is cleared first but keeps its vectors' capacity: a caller that
  // reuses one DecodeResult per thread decodes without allocating (beyond long strings).
  void Decode(std::string_view body, const DecodeOptions& opts, DecodeResult* result);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace botmon

#endif  // BOTMON_INGEST_DECODE_H_
