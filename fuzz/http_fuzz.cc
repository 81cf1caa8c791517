// Fuzz target for botmon's own HTTP-side parsers (Beast parses the wire format): the
// request-target decoder (ParseTarget: path, %-escapes, query) and the bounded gunzip of request
// bodies. Invariants: no crash; a parsed path never holds a NUL; the inflated output never
// exceeds its limit.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "http/gzip.h"
#include "http/server.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  botmon::Request req;
  if (botmon::ParseTarget(in, &req).ok()) {
    if (req.path.find('\0') != std::string::npos) std::abort();
    for (const auto& [k, v] : req.query) {
      if (k.find('\0') != std::string::npos || v.find('\0') != std::string::npos) std::abort();
    }
  }
  constexpr size_t kLimit = 64 * 1024;
  std::string out;
  botmon::http_internal::GunzipLimited(in, kLimit, &out);
  if (out.size() > kLimit) std::abort();
  // A valid gzip member of the input's own bytes must come back unchanged.
  std::string round;
  auto r = botmon::http_internal::GunzipLimited(
      botmon::http_internal::GzipForTest(in.substr(0, 4096)), kLimit, &round);
  (void)r;
  if (round != in.substr(0, 4096)) std::abort();
  return 0;
}
