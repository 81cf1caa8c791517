// IngestLog: the append-only log of accepted events (SPEC 5, 13), in segments
// <dir>/NNNNNN.log. An event is acknowledged only after its record is written here, so it
// survives kill -9 (the page cache keeps it; power loss is out of scope, as the SPEC says).
//
// Segment: 8-byte magic "BMEVLOG1", 8-byte little-endian first sequence number, then records
// [u32 length][u32 crc32 of payload][payload]. A torn record at the end of the newest segment
// (a crash mid-write) is cut off on Open(). Segments roll at 64 MiB and are deleted once every
// record in them is applied and they are older than the dedup window (10 min), so that event ids
// can be re-learned after a restart.
//
// Thread-compatible: one writer thread owns it (Scan may run before that thread starts).
#ifndef BOTMON_INGEST_INGEST_LOG_H_
#define BOTMON_INGEST_INGEST_LOG_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace botmon {

class IngestLog {
 public:
  struct Options {
    size_t segment_bytes = 64 << 20;
    // A quiet log still rolls after this long, so that applied events can be deleted.
    int64_t segment_age_ms = 3'600'000;
  };
  static StatusOr<std::unique_ptr<IngestLog>> Open(const std::string& dir, Options opts);
  ~IngestLog();
  IngestLog(const IngestLog&) = delete;
  IngestLog& operator=(const IngestLog&) = delete;

  // Appends one framed record for `payload` to `buf` (to be written by Write).
  static void Frame(std::string_view payload, std::string* buf);

  // Writes framed records whose first sequence number is `first_seq` (for the segment header
  // when a new segment starts). One write(2) per call.
  Status Write(const std::string& buf, int64_t first_seq);

  // Calls fn(payload) for every record of every segment in order. Stops at the first error fn
  // returns. Corrupt data in a sealed segment is reported in `*warnings` and skipped.
  Status Scan(const std::function<Status(std::string_view payload)>& fn,
              std::vector<std::string>* warnings) const;

  // Deletes sealed segments whose records all have seq <= `applied_seq` and that were last
  // written before `older_than_ms` (wall clock). Returns how many were deleted.
  int DeleteApplied(int64_t applied_seq, int64_t older_than_ms);

  // Bytes in all segments (for /metrics).
  uint64_t bytes() const { return total_bytes_; }
  size_t segment_count() const { return segments_.size(); }

 private:
  struct Segment {
    uint64_t number;
    int64_t first_seq;
    std::string path;
    uint64_t size;
  };
  IngestLog(std::string dir, Options opts) : dir_(std::move(dir)), opts_(opts) {}
  Status OpenNewSegment(int64_t first_seq);

  std::string dir_;
  Options opts_;
  std::vector<Segment> segments_;
  int fd_ = -1;  // the newest segment, open for append
  int64_t newest_opened_mono_ms_ = 0;
  uint64_t total_bytes_ = 0;
};

}  // namespace botmon

#endif  // BOTMON_INGEST_INGEST_LOG_H_
