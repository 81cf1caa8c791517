#include "core/record_io.h"

#include <cstring>

#include "core/crc32c.h"

namespace botmon {
namespace {

uint32_t Crc(std::string_view s) { return Crc32c(s); }

uint32_t GetU32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

}  // namespace

size_t BeginRecord(std::string* out) {
  const size_t at = out->size();
  out->append(8, '\0');
  return at;
}

void EndRecord(std::string* out, size_t at) {
  std::string_view payload(out->data() + at + 8, out->size() - at - 8);
  uint32_t hdr[2] = {static_cast<uint32_t>(payload.size()), Crc(payload)};
  std::memcpy(out->data() + at, hdr, 8);
}

void FrameRecord(std::string_view payload, std::string* out) {
  uint32_t hdr[2] = {static_cast<uint32_t>(payload.size()), Crc(payload)};
  out->append(reinterpret_cast<const char*>(hdr), 8);
  out->append(payload);
}

size_t ScanRecords(std::string_view data, const std::function<bool(std::string_view)>& fn) {
  size_t pos = 0;
  while (data.size() - pos >= 8) {
    const uint32_t len = GetU32(data.data() + pos);
    const uint32_t crc = GetU32(data.data() + pos + 4);
    if (len > kMaxRecordBytes || data.size() - pos - 8 < len) break;
    std::string_view payload = data.substr(pos + 8, len);
    if (Crc(payload) != crc) break;
    pos += 8 + len;
    if (fn && !fn(payload)) break;
  }
  return pos;
}

bool GetVarint(std::string_view* in, uint64_t* v) {
  *v = 0;
  for (int shift = 0; shift < 64 && !in->empty(); shift += 7) {
    auto b = static_cast<uint8_t>(in->front());
    in->remove_prefix(1);
    *v |= static_cast<uint64_t>(b & 0x7F) << shift;
    if (!(b & 0x80)) return true;
  }
  return false;
}

void PutFixed64(std::string* out, uint64_t v) {
  char b[8];
  std::memcpy(b, &v, 8);
  out->append(b, 8);
}

bool GetFixed64(std::string_view* in, uint64_t* v) {
  if (in->size() < 8) return false;
  std::memcpy(v, in->data(), 8);
  in->remove_prefix(8);
  return true;
}

}  // namespace botmon
