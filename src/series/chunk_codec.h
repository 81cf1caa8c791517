// The compressed chunk format for persisted series samples (SPEC 13: "delta-of-delta timestamps;
// percentages quantized to 0.01 and stored as integers; XOR for other values ... ≤ 2 bytes per
// sample").
//
// A chunk holds the samples of one series in strictly increasing time order, all in one
// ValueMode:
//   kPercent  values are rounded to hundredths: n = llround(v · 100), i.e. the double product
//             v·100 rounded half away from zero (12.345 → 12.35, 0.125 → 0.13, -0.125 → -0.13);
//             they decode as exactly n / 100.0.
//   kInteger  integral values with |v| ≤ 2^53, stored exactly (counters, integral gauges).
//   kFloat    any finite double, stored bit-exactly with Gorilla's XOR scheme.
// kPercent and kInteger code each value as "same as before" (1 bit), "zero" (3 bits: counters
// going idle) or a zigzag delta from the previous value in an adaptive bit width.
// Timestamps are coded as Gorilla-style delta-of-delta, so a regular tick costs 1 bit.
//
// Byte layout (all multi-byte header fields are LEB128 varints):
//   u8 (version << 4 | mode); varint count; if count > 0: zigzag first_ts, then the first value
//   (zigzag integer for kPercent/kInteger, 8 bytes little-endian IEEE bits for kFloat);
//   then an MSB-first bit stream for samples 2..count, zero-padded to a byte.
// The detailed bit codes are documented in chunk_codec.cc.
//
// The decoder validates everything (header, bit codes, time order, value ranges, padding) and
// reports kCorruption for anything the encoder could not have produced; it never reads out of
// bounds and allocates at most in proportion to its input.
//
// Thread-safety: ChunkEncoder and ChunkDecoder are values with no internal locking; one thread
// at a time per object. DecodeChunk is a pure function.
#ifndef BOTMON_SERIES_CHUNK_CODEC_H_
#define BOTMON_SERIES_CHUNK_CODEC_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "series/bitstream.h"

namespace botmon {

enum class ValueMode : uint8_t {
  kPercent = 0,
  kInteger = 1,
  kFloat = 2,
};

// One decoded sample.
struct ChunkSample {
  int64_t ts_ms = 0;
  double value = 0;

  friend bool operator==(const ChunkSample&, const ChunkSample&) = default;
};

class ChunkEncoder {
 public:
  // A chunk never holds more samples than this (the decoder rejects larger counts).
  static constexpr size_t kMaxSamples = 1'000'000;

  explicit ChunkEncoder(ValueMode mode) : mode_(mode) {}

  // The mode to start a series' chunk in: kPercent for percentage fields, kInteger for counters
  // (which are usually whole numbers; a fractional one, such as requests.latency_sum or llm.cost,
  // is refused by Append and the caller continues in a kFloat chunk), kFloat otherwise. A gauge
  // known to be integral (sessions.active, mem.free) compresses better as kInteger.
  static ValueMode ModeFor(bool percent, bool counter);

  // True if `v` can be stored in `mode` (finite; kInteger: integral with |v| <= 2^53;
  // kPercent: |v · 100| <= 2^53).
  static bool Fits(ValueMode mode, double v);

  // True if `s` came from Append refusing a finite value its mode cannot hold: the caller should
  // close this chunk (Finish) and continue in a kFloat one.
  static bool IsModeMismatch(const Status& s);

  // Adds a sample. Errors leave the encoder unchanged:
  //   kInvalidArgument  ts_ms not after last_ts(), or v is NaN or infinite;
  //   kInvalidArgument  v does not fit the mode (IsModeMismatch() is true for exactly this case);
  //   kResourceExhausted  the chunk already holds kMaxSamples samples.
  Status Append(int64_t ts_ms, double v);

  // The chunk so far, header included. May be called again after further Appends.
  std::string Finish() const;
  // The size Finish() would return now, in bytes, without building it.
  size_t EncodedSize() const;

  ValueMode mode() const { return mode_; }
  size_t count() const { return count_; }
  // REQUIRES: count() > 0.
  int64_t first_ts() const { return first_ts_; }
  int64_t last_ts() const { return last_ts_; }

 private:
  void AppendHeader(std::string* out) const;
  void WriteTimestamp(int64_t ts_ms);
  void WriteInteger(int64_t n);
  void WriteFloat(uint64_t bits);

  ValueMode mode_;
  size_t count_ = 0;
  int64_t first_ts_ = 0;
  int64_t last_ts_ = 0;
  uint64_t last_delta_ = 0;  // last_ts_ minus the timestamp before it (0 after the first sample)
  int64_t first_int_ = 0;    // kPercent, kInteger: the first value (hundredths or units)
  int64_t last_int_ = 0;
  uint64_t first_bits_ = 0;  // kFloat: the first value's IEEE bits
  uint64_t last_bits_ = 0;
  int width_ = 0;         // kPercent, kInteger: the current delta width in bits (0: none yet)
  int narrow_run_ = 0;    // consecutive deltas that needed 2+ bits less than width_
  int narrow_need_ = 0;   // the widest of them
  int window_lead_ = -1;  // kFloat: the current XOR window (leading/trailing zeros), -1: none
  int window_trail_ = 0;
  BitWriter bits_;
};

// Streams the samples of one chunk. Open() checks the header; Next() decodes one sample at a
// time and checks the trailing padding with the last one.
class ChunkDecoder {
 public:
  // REQUIRES: `bytes` outlives the decoder.
  static StatusOr<ChunkDecoder> Open(std::string_view bytes);

  ValueMode mode() const { return mode_; }
  // The sample count the header announces.
  size_t count() const { return count_; }

  // Decodes the next sample into *out. False at the end of the chunk or on corrupt data; then
  // status() tells which.
  bool Next(ChunkSample* out);
  const Status& status() const { return status_; }

 private:
  explicit ChunkDecoder(std::string_view bits) : bits_(bits) {}
  bool Fail(std::string_view what);
  bool ReadTimestamp();
  bool ReadInteger();
  bool ReadFloat();

  ValueMode mode_ = ValueMode::kFloat;
  size_t count_ = 0;
  size_t index_ = 0;  // samples returned so far
  int64_t ts_ = 0;
  uint64_t delta_ = 0;
  int64_t int_ = 0;
  uint64_t float_bits_ = 0;
  int width_ = 0;
  int window_lead_ = -1;
  int window_trail_ = 0;
  BitReader bits_;
  Status status_;
};

// Decodes a whole chunk; kCorruption on any malformed input.
StatusOr<std::vector<ChunkSample>> DecodeChunk(std::string_view bytes);

}  // namespace botmon

#endif  // BOTMON_SERIES_CHUNK_CODEC_H_
