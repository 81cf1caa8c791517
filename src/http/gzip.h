// Inflating "Content-Encoding: gzip" request bodies with a cap on the decompressed size, so that
// a small compressed body cannot expand into gigabytes (a gzip bomb). Internal to the http module
// and the dashboard (which inflates its embedded assets for clients that refuse gzip).
// Pure; thread-safe.
#ifndef BOTMON_HTTP_GZIP_H_
#define BOTMON_HTTP_GZIP_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace botmon::http_internal {

enum class InflateResult {
  kOk,
  kTooLarge,  // the decompressed size would exceed the limit (413)
  kCorrupt,   // not gzip, truncated, bad checksum, or trailing garbage (400)
};

// Decompresses one or more concatenated gzip members from `in` into *out (replacing it).
InflateResult GunzipLimited(std::string_view in, size_t max_out, std::string* out);

// Compresses `in` as one gzip member (for tests and benchmarks).
std::string GzipForTest(std::string_view in);

}  // namespace botmon::http_internal

#endif  // BOTMON_HTTP_GZIP_H_
