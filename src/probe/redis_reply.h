// The pure parts of the Redis probe (SPEC 8): a bounded RESP2 reply parser, the INFO text parser,
// the redis:// URL parser and the computation of the key figure (hit rate between probes and used
// memory). redis_probe.cc wires them to a non-blocking socket.
//
// Thread-safety: pure functions of their arguments; FillRedisResult updates the given memory.
#ifndef BOTMON_PROBE_REDIS_REPLY_H_
#define BOTMON_PROBE_REDIS_REPLY_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "probe/probe.h"

namespace botmon {

// One RESP2 reply.
struct RespValue {
  enum class Type : uint8_t { kSimple, kError, kInteger, kBulk, kNull, kArray };
  Type type = Type::kNull;
  std::string text;  // kSimple, kError (without the '-'), kBulk
  int64_t integer = 0;
  std::vector<RespValue> elements;  // kArray
};

struct RespLimits {
  size_t max_line = 64 * 1024;    // a +, -, : line or a $/* header
  size_t max_bulk = 1024 * 1024;  // one bulk string (INFO is a few KB)
  size_t max_elements = 1024;     // per array
  int max_depth = 4;              // nested arrays
};

// Parses one reply at the start of `in`. On success, *out holds the reply and *consumed its
// length; *out is nullopt when `in` holds only part of a reply (read more, then call again with
// the whole buffer). A malformed or oversized reply is an InvalidArgument error that says what is
// wrong and at which byte of the reply ("bad bulk length \"x\" at byte 0").
Status ParseResp(std::string_view in, const RespLimits& limits, std::optional<RespValue>* out,
                 size_t* consumed);

// What the probe reads from an INFO reply.
struct RedisInfo {
  std::string version;                  // redis_version (required)
  std::optional<double> keyspace_hits;  // absent in a reply without the stats section
  std::optional<double> keyspace_misses;
  std::optional<double> used_memory;  // bytes
};

// Parses INFO's "key:value\r\n" lines ("# Section" headers and blank lines skipped). Errors:
// no redis_version, a line without ':', a non-numeric counter, more than 10000 lines.
StatusOr<RedisInfo> ParseRedisInfo(std::string_view text);

// A parsed redis://[user[:password]@]host[:port][/db] URL (percent-decoded credentials).
struct RedisUrl {
  std::string host = "127.0.0.1";
  int port = 6379;
  std::string username, password;
};
// Errors: another scheme (rediss:// is not supported), an empty host, a bad port.
StatusOr<RedisUrl> ParseRedisUrl(std::string_view url);

// Fills version, figure ("87.5% hits, 1.2 MB used") and details {hitRate, usedMemory,
// keyspaceHits, keyspaceMisses} of a running result. The hit rate is over the hits and misses
// since the previous probe recorded in `memory` (cumulative on the first probe, or when the
// counters went down because the server restarted); hitRate is absent and the figure says
// "no lookups" when there were none. Records the counters and `now_ms` in `memory`.
void FillRedisResult(const RedisInfo& info, ProbeMemory* memory, int64_t now_ms,
                     ProbeResult* result);

// 1234567 -> "1.2 MB" (binary multiples, one decimal from KB up).
std::string FormatMemoryBytes(double bytes);

}  // namespace botmon

#endif  // BOTMON_PROBE_REDIS_REPLY_H_
