#include "http/gzip.h"

#include <zlib.h>

#include <algorithm>

namespace botmon::http_internal {
namespace {

// Owns a z_stream set up for inflate; ends it on every path.
class Inflater {
 public:
  Inflater() { ok_ = inflateInit2(&zs_, 16 + MAX_WBITS) == Z_OK; }  // 16: gzip wrapper only
  ~Inflater() {
    if (ok_) inflateEnd(&zs_);
  }
  Inflater(const Inflater&) = delete;
  Inflater& operator=(const Inflater&) = delete;

  bool ok() const { return ok_; }
  z_stream* stream() { return &zs_; }

 private:
  z_stream zs_{};
  bool ok_ = false;
};

}  // namespace

InflateResult GunzipLimited(std::string_view in, size_t max_out, std::string* out) {
  out->clear();
  if (in.empty()) return InflateResult::kCorrupt;
  Inflater inflater;
  if (!inflater.ok()) return InflateResult::kCorrupt;
  z_stream* zs = inflater.stream();
  zs->next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  // Request bodies are capped far below 4 GiB before they get here.
  zs->avail_in = static_cast<uInt>(std::min<size_t>(in.size(), UINT32_MAX));

  // Grow the output in steps, one past the limit at most, so that a bomb costs at most
  // max_out + one step of memory.
  constexpr size_t kStep = 64 * 1024;
  out->resize(std::min(std::max(in.size() * 4, kStep), max_out + 1));
  size_t produced = 0;
  while (true) {
    if (produced == out->size()) {
      if (out->size() > max_out) return InflateResult::kTooLarge;
      out->resize(std::min(out->size() * 2, max_out + 1));
    }
    zs->next_out = reinterpret_cast<Bytef*>(out->data() + produced);
    const size_t room = std::min<size_t>(out->size() - produced, UINT32_MAX);
    zs->avail_out = static_cast<uInt>(room);
    const int rc = inflate(zs, Z_NO_FLUSH);
    produced += room - zs->avail_out;
    if (produced > max_out) return InflateResult::kTooLarge;
    if (rc == Z_STREAM_END) {
      if (zs->avail_in == 0) break;
      // Concatenated members (RFC 1952 2.2) are one body.
      if (inflateReset(zs) != Z_OK) return InflateResult::kCorrupt;
      continue;
    }
    if (rc == Z_BUF_ERROR && zs->avail_out == 0) continue;  // needs more output room
    if (rc != Z_OK) return InflateResult::kCorrupt;         // data error, or input ran out
    if (zs->avail_in == 0 && zs->avail_out != 0) return InflateResult::kCorrupt;  // truncated
  }
  out->resize(produced);
  return InflateResult::kOk;
}

std::string GzipForTest(std::string_view in) {
  z_stream zs{};
  if (deflateInit2(&zs, Z_BEST_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) !=
      Z_OK) {
    return {};
  }
  std::string out(deflateBound(&zs, static_cast<uLong>(in.size())) + 32, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&zs, Z_FINISH);
  out.resize(rc == Z_STREAM_END ? zs.total_out : 0);
  deflateEnd(&zs);
  return out;
}

}  // namespace botmon::http_internal
