// libFuzzer target for configuration durations and sizes (core/duration.h): whatever parses must
// be in range and survive a round trip through its canonical form.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "core/duration.h"

namespace {

void Require(bool ok, const char* what, std::string_view input) {
  if (!ok) {
    std::fprintf(stderr, "duration_fuzz: invariant violated: %s (input %zu bytes)\n", what,
                 input.size());
    std::abort();
  }
}

void CheckDuration(const botmon::StatusOr<int64_t>& parsed, std::string_view input) {
  if (!parsed.ok()) {
    Require(!parsed.status().message().empty(), "error message", input);
    return;
  }
  Require(*parsed >= 0 && *parsed <= botmon::kMaxDurationMs, "duration in range", input);
  const botmon::StatusOr<int64_t> back = botmon::ParseDuration(botmon::FormatDuration(*parsed));
  Require(back.ok() && *back == *parsed, "FormatDuration round-trips", input);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  CheckDuration(botmon::ParseDuration(text), text);
  CheckDuration(botmon::ParseBotpressDuration(text), text);
  const botmon::StatusOr<int64_t> bytes = botmon::ParseSize(text);
  if (bytes.ok()) {
    Require(*bytes >= 0, "size not negative", text);
    const botmon::StatusOr<int64_t> back = botmon::ParseSize(botmon::FormatSize(*bytes));
    Require(back.ok() && *back == *bytes, "FormatSize round-trips", text);
  }
  return 0;
}
