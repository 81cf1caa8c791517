// libFuzzer target for the probe reply parsers (SPEC 8: "a reply that does not parse means
// stopped, with the parse error"): RESP replies and Redis INFO, Redis URLs, JSON replies and JSON
// paths, and the Prometheus text of MinIO/InfluxDB. The first byte picks the parser. Whatever the
// input: no crash, a failure carries a message, RESP never claims more bytes than it was given.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string_view>

#include "probe/redis_reply.h"
#include "probe/reply_parse.h"

namespace {

void Require(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "probe_fuzz: invariant violated: %s\n", what);
    std::abort();
  }
}

template <typename T>
void CheckStatus(const botmon::StatusOr<T>& r) {
  if (!r.ok()) Require(!r.status().message().empty(), "error message");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 6) {
    case 0: {
      std::optional<botmon::RespValue> v;
      size_t consumed = 0;
      botmon::Status st = botmon::ParseResp(in, botmon::RespLimits{}, &v, &consumed);
      if (st.ok() && v) Require(consumed > 0 && consumed <= in.size(), "RESP consumed in range");
      if (!st.ok()) Require(!st.message().empty(), "RESP error message");
      break;
    }
    case 1:
      CheckStatus(botmon::ParseRedisInfo(in));
      break;
    case 2:
      CheckStatus(botmon::ParseRedisUrl(in));
      break;
    case 3:
      CheckStatus(botmon::ParseJsonReply(in));
      break;
    case 4:
      CheckStatus(botmon::ParseJsonPath(in));
      break;
    case 5:
      CheckStatus(botmon::ParsePrometheusText(in));
      break;
  }
  return 0;
}
