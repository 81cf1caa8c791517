// libFuzzer target for the ingest decoder (SPEC 5): decodes the input as a JSON body and as an
// NDJSON body, with the redactor on, and checks the decoder's contract:
//   - a whole-body error comes alone (nothing accepted, nothing rejected);
//   - invalid JSON (by the strict checker) is always a whole-body "invalid_json", and valid JSON
//     never is; the strict checker agrees with simdjson's DOM parser;
//   - every item is either accepted or rejected, exactly once, in body order (indexes strictly
//     increase), and no index reaches the item count;
//   - accepted events satisfy every limit of SPEC 5, and their text needs no further redaction;
//   - decoding the same body again (buffers reused) gives the same result.
#include <simdjson.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "ingest/decode.h"
#include "ingest/json_syntax.h"
#include "ingest/redact.h"
#include "series/fields.h"

namespace {

using namespace botmon;  // NOLINT: a test harness

constexpr int64_t kNow = 1705329120000;
constexpr int64_t kMaxAge = 30LL * 86'400'000;

void Require(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "decode_fuzz: invariant violated: %s\n", what);
    std::abort();
  }
}

const Redactor& TheRedactor() {
  static const std::unique_ptr<Redactor> r = [] {
    auto made = Redactor::Create({{"card", "", ""},
                                  {"email", "", ""},
                                  {"phone", R"((\+\d{2})\d{6,}(\d{4}))", R"(\1***\2)"}});
    Require(made.ok(), "redactor rules compile");
    return std::move(made).value();
  }();
  return *r;
}

bool Same(const DecodeResult& a, const DecodeResult& b) {
  if (a.error_kind != b.error_kind || a.error != b.error || a.offset != b.offset ||
      a.indexes != b.indexes || a.events.size() != b.events.size() ||
      a.rejected.size() != b.rejected.size()) {
    return false;
  }
  for (size_t i = 0; i < a.rejected.size(); ++i) {
    if (a.rejected[i].index != b.rejected[i].index || a.rejected[i].error != b.rejected[i].error) {
      return false;
    }
  }
  for (size_t i = 0; i < a.events.size(); ++i) {
    const BotEvent &x = a.events[i], &y = b.events[i];
    if (x.type != y.type || x.ts_ms != y.ts_ms || x.session != y.session || x.text != y.text ||
        x.name != y.name || x.status != y.status) {
      return false;
    }
  }
  return true;
}

void CheckEvent(const BotEvent& e, const DecodeOptions& o) {
  Require(static_cast<int>(e.type) < kEventTypeCount, "known type");
  Require(e.id.size() <= kMaxEventIdBytes, "id limit");
  for (const std::string* s :
       {&e.host, &e.bot, &e.session, &e.user, &e.channel, &e.route, &e.model}) {
    Require(s->size() <= kMaxIdentBytes, "identifier limit");
  }
  for (char c : e.channel) Require(!(c >= 'A' && c <= 'Z'), "channel lower-cased");
  if (e.ts_given) {
    Require(e.ts_ms <= o.now_ms + kMaxFutureMs, "ts not in the future");
    Require(e.ts_ms >= o.now_ms - o.max_age_ms, "ts not older than max age");
  } else {
    Require(e.ts_ms == o.now_ms, "default ts is now");
  }
  Require(e.latency_ms == -1 || (e.latency_ms >= 0 && e.latency_ms <= kMaxLatencyMs), "latency");
  Require(e.ttft_ms == -1 || (e.ttft_ms >= 0 && e.ttft_ms <= kMaxLatencyMs), "ttft");
  Require(e.status == 0 || (e.status >= 100 && e.status <= 599), "status");
  Require(e.tokens_in >= 0 && e.tokens_out >= 0 && std::isfinite(e.tokens_in + e.tokens_out),
          "tokens");
  Require(e.cost_usd >= 0 && std::isfinite(e.cost_usd), "cost");
  Require(std::isfinite(e.value), "value finite");
  switch (e.type) {
    case EventType::kSessionStart:
    case EventType::kSessionEnd:
    case EventType::kMessageIn:
    case EventType::kMessageOut:
      Require(!e.session.empty(), "session required");
      break;
    case EventType::kFeedback:
      Require(e.score == 1 || e.score == -1, "score");
      break;
    case EventType::kGauge:
    case EventType::kCounter:
      Require(IsValidCustomFieldName(e.name), "field name");
      Require(e.type == EventType::kGauge || e.value >= 0, "counter value");
      break;
    default:
      break;
  }
  if ((e.type == EventType::kMessageIn || e.type == EventType::kMessageOut) && !o.store_text) {
    Require(e.text.empty(), "storeText false drops text");
  }
  std::string again = e.text;
  Require(!TheRedactor().Apply(&again), "text fully redacted");
}

// Items of a JSON array or object body per simdjson's DOM parser, or -1 when it rejects the body.
// Also cross-checks the strict checker.
long CountItems(std::string_view body, bool strict_ok) {
  static simdjson::dom::parser parser;
  simdjson::dom::element root;
  const simdjson::padded_string padded(body);
  const auto error = parser.parse(padded).get(root);
  // No verdict: deeper than simdjson's limit, or a number simdjson cannot hold (1e400) which is
  // still valid JSON.
  if (error == simdjson::DEPTH_ERROR || error == simdjson::NUMBER_ERROR) return -1;
  Require((error == simdjson::SUCCESS) == strict_ok, "strict checker agrees with simdjson DOM");
  if (error) return -1;
  if (root.is_array()) return static_cast<long>(simdjson::dom::array(root).size());
  return root.is_object() ? 1 : 0;
}

void CheckCommon(const DecodeResult& r, std::string_view body) {
  if (!r.error_kind.empty()) {
    Require(r.error_kind == "invalid_json" || r.error_kind == "invalid_request", "error kind");
    Require(!r.error.empty(), "error message");
    Require(r.events.empty() && r.indexes.empty() && r.rejected.empty(),
            "whole-body error comes alone");
    Require(r.offset <= body.size(), "offset inside the body");
    return;
  }
  Require(r.events.size() == r.indexes.size(), "one index per event");
  for (size_t i = 1; i < r.indexes.size(); ++i)
    Require(r.indexes[i - 1] < r.indexes[i], "indexes increase");
  for (size_t i = 1; i < r.rejected.size(); ++i) {
    Require(r.rejected[i - 1].index < r.rejected[i].index, "rejection indexes increase");
  }
  size_t a = 0, b = 0;  // merge: no item both accepted and rejected
  while (a < r.indexes.size() && b < r.rejected.size()) {
    Require(r.indexes[a] != r.rejected[b].index, "an item is accepted or rejected, not both");
    r.indexes[a] < r.rejected[b].index ? ++a : ++b;
  }
  for (const Rejection& rej : r.rejected) Require(!rej.error.empty(), "rejection message");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  static EventDecoder decoder;
  DecodeOptions o;
  o.now_ms = kNow;
  o.max_age_ms = kMaxAge;
  o.redactor = &TheRedactor();
  o.store_text = size % 2 == 0;

  // As one JSON body.
  DecodeResult r = decoder.Decode(body, o);
  CheckCommon(r, body);
  std::string_view unbom = body;
  if (unbom.substr(0, 3) == "\xEF\xBB\xBF") unbom.remove_prefix(3);
  JsonSyntaxError syntax;
  const bool strict_ok = CheckJson(unbom, &syntax);
  Require(strict_ok == (r.error_kind != "invalid_json"), "invalid_json exactly when not JSON");
  const long items = CountItems(unbom, strict_ok);
  if (r.error_kind.empty() && items >= 0) {
    Require(r.events.size() + r.rejected.size() == static_cast<size_t>(items),
            "every item accepted or rejected");
    for (uint32_t i : r.indexes) Require(i < items, "index below item count");
  }
  for (const BotEvent& e : r.events) CheckEvent(e, o);
  DecodeResult again;
  decoder.Decode(body, o, &again);
  Require(Same(r, again), "decoding is deterministic");

  // As NDJSON, with a small event limit.
  o.ndjson = true;
  o.max_events = 16;
  r = decoder.Decode(body, o);
  CheckCommon(r, body);
  size_t lines = 0, non_blank = 0;  // a leading BOM is skipped in NDJSON bodies too
  for (size_t pos = 0; pos <= unbom.size();) {
    size_t end = unbom.find('\n', pos);
    if (end == std::string_view::npos) end = unbom.size();
    const std::string_view line = unbom.substr(pos, end - pos);
    if (line.find_first_not_of(" \t\r\n") != std::string_view::npos) ++non_blank;
    ++lines;
    pos = end + 1;
  }
  if (r.error_kind.empty()) {
    Require(non_blank <= o.max_events, "event limit enforced");
    Require(r.events.size() + r.rejected.size() == non_blank, "every line accepted or rejected");
    for (uint32_t i : r.indexes) Require(i < lines, "index below line count");
    for (const Rejection& rej : r.rejected) Require(rej.index < lines, "index below line count");
  } else {
    Require(r.error_kind == "invalid_request" && non_blank > o.max_events, "NDJSON body error");
  }
  for (const BotEvent& e : r.events) CheckEvent(e, o);
  return 0;
}
