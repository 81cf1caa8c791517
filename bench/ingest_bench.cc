// The ingest decoder on the bodies of SPEC 15: a fixed 1,000-event body of `request` events (the
// HTTP ingest benchmark's body) and of `message.in` events with 100 bytes of text and the default
// redactor (card + email). items_per_second is events/s on one core; divide 1e9 by it for
// ns/event. The targets are ~100-200 ns per small `request` event.
#include <benchmark/benchmark.h>

#include <string>

#include "ingest/decode.h"
#include "ingest/redact.h"

namespace botmon {
namespace {

constexpr int64_t kNow = 1705329120000;
constexpr int kEvents = 1000;

std::string RequestBody(bool ndjson) {
  std::string body = ndjson ? "" : "[";
  for (int i = 0; i < kEvents; ++i) {
    if (i > 0 && !ndjson) body += ',';
    body += R"({"type":"request","latency_ms":12.5,"status":200,"route":"/api"})";
    if (ndjson) body += '\n';
  }
  if (!ndjson) body += ']';
  return body;
}

// 100 bytes of ordinary chat text: a few digits and no '@', like most user messages.
std::string MessageBody() {
  const std::string text =
      "Hi, I ordered 2 pairs of shoes on March 3rd and they still have not arrived. Can you check "
      "it?";
  std::string body = "[";
  for (int i = 0; i < kEvents; ++i) {
    if (i > 0) body += ',';
    body += R"({"type":"message.in","session":"s-)" + std::to_string(i % 50) +
            R"(","user":"+5511999888777","channel":"whatsapp","ts":1705329120000,"text":")" + text +
            "\"}";
  }
  return body + "]";
}

// Decodes `body` repeatedly into one reused DecodeResult, as a server thread would.
void Run(benchmark::State& state, const std::string& body, const DecodeOptions& opts) {
  EventDecoder decoder;
  DecodeResult r;
  for (auto _ : state) {
    decoder.Decode(body, opts, &r);
    benchmark::DoNotOptimize(r);
  }
  if (r.events.size() != kEvents) state.SkipWithError("events were rejected");
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * kEvents);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * body.size()));
}

void BM_DecodeRequests(benchmark::State& state) {
  DecodeOptions opts;
  opts.now_ms = kNow;
  Run(state, RequestBody(false), opts);
}
BENCHMARK(BM_DecodeRequests);

// A fresh DecodeResult per body: the 1,000 BotEvents (~400 KB) are allocated, first touched and
// freed on every call, and glibc returns such blocks to the kernel, so page faults dominate.
void BM_DecodeRequestsFreshResult(benchmark::State& state) {
  DecodeOptions opts;
  opts.now_ms = kNow;
  const std::string body = RequestBody(false);
  EventDecoder decoder;
  size_t accepted = 0;
  for (auto _ : state) {
    DecodeResult r = decoder.Decode(body, opts);
    accepted = r.events.size();
    benchmark::DoNotOptimize(r);
  }
  if (accepted != kEvents) state.SkipWithError("events were rejected");
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * kEvents);
}
BENCHMARK(BM_DecodeRequestsFreshResult);

void BM_DecodeRequestsNdjson(benchmark::State& state) {
  DecodeOptions opts;
  opts.now_ms = kNow;
  opts.ndjson = true;
  Run(state, RequestBody(true), opts);
}
BENCHMARK(BM_DecodeRequestsNdjson);

void BM_DecodeMessagesRedacted(benchmark::State& state) {
  auto redactor = Redactor::Create({{"card", "", ""}, {"email", "", ""}});
  DecodeOptions opts;
  opts.now_ms = kNow;
  opts.redactor = redactor->get();
  Run(state, MessageBody(), opts);
}
BENCHMARK(BM_DecodeMessagesRedacted);

void BM_DecodeMessagesNoRedactor(benchmark::State& state) {
  DecodeOptions opts;
  opts.now_ms = kNow;
  Run(state, MessageBody(), opts);
}
BENCHMARK(BM_DecodeMessagesNoRedactor);

// The redactor alone on 100 bytes: nothing to redact (the common case), and a card plus an e-mail.
void BM_Redact(benchmark::State& state, const char* text) {
  auto redactor = Redactor::Create({{"card", "", ""}, {"email", "", ""}});
  const std::string original = text;
  std::string s;
  for (auto _ : state) {
    s = original;
    benchmark::DoNotOptimize((*redactor)->Apply(&s));
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK_CAPTURE(BM_Redact, clean,
                  "Hi, I ordered 2 pairs of shoes on March 3rd and they still have not arrived. "
                  "Can you check it?");
BENCHMARK_CAPTURE(BM_Redact, card_and_email,
                  "My card 4111 1111 1111 1111 was charged twice, write to john.doe@example.com "
                  "about order 77.");

}  // namespace
}  // namespace botmon

BENCHMARK_MAIN();
