// Framed records for append-only files (the ingest log, the series tick log):
// [u32 length][u32 CRC-32C of payload][payload], little-endian. A torn or corrupt record ends the
// valid prefix: readers stop there and writers cut the file back to it.
// Pure functions; thread-safe.
#ifndef BOTMON_CORE_RECORD_IO_H_
#define BOTMON_CORE_RECORD_IO_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace botmon {

inline constexpr uint32_t kMaxRecordBytes = 1u << 30;

void FrameRecord(std::string_view payload, std::string* out);
// Framing in place, without a copy of the payload: BeginRecord reserves the header and returns
// its offset; append the payload to *out; EndRecord fills the header in.
size_t BeginRecord(std::string* out);
void EndRecord(std::string* out, size_t at);

// Calls fn(payload) for each valid record from the start of `data` (fn returning false stops).
// Returns the length of the valid prefix that was read.
size_t ScanRecords(std::string_view data, const std::function<bool(std::string_view)>& fn);

// Little helpers shared by the record formats.
inline void PutVarint(std::string* out, uint64_t v) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}
bool GetVarint(std::string_view* in, uint64_t* v);
void PutFixed64(std::string* out, uint64_t v);
bool GetFixed64(std::string_view* in, uint64_t* v);

}  // namespace botmon

#endif  // BOTMON_CORE_RECORD_IO_H_
