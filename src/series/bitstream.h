// BitWriter and BitReader: MSB-first bit streams for the series chunk codec (chunk_codec.h), plus
// the LEB128 varint and zigzag helpers used by its header and by the quantile sketch's
// serialization.
//
// BitReader never reads past its buffer: every read reports failure instead, so a decoder built
// on it cannot be driven into undefined behaviour by truncated or corrupt input.
//
// Thread-safety: values; one object per thread (no internal locking).
#ifndef BOTMON_SERIES_BITSTREAM_H_
#define BOTMON_SERIES_BITSTREAM_H_

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace botmon {

// Maps signed to unsigned so that small magnitudes of either sign become small numbers:
// 0→0, -1→1, 1→2, -2→3 ... (computed in unsigned arithmetic: no overflow for any int64).
inline uint64_t ZigZagEncode(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
inline int64_t ZigZagDecode(uint64_t u) { return static_cast<int64_t>((u >> 1) ^ (~(u & 1) + 1)); }

// Appends `v` as a LEB128 varint (1..10 bytes).
inline void PutVarint64(std::string* out, uint64_t v) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

// Reads a varint from the front of `*in` and advances it. False on truncation, on more than 10
// bytes, or on a 10th byte carrying bits beyond 64 (so every accepted encoding is canonical in
// range, and garbage cannot overflow).
inline bool GetVarint64(std::string_view* in, uint64_t* v) {
  uint64_t result = 0;
  for (int shift = 0; shift < 70; shift += 7) {
    if (in->empty()) return false;
    const uint8_t byte = static_cast<uint8_t>(in->front());
    in->remove_prefix(1);
    if (shift == 63 && byte > 1) return false;
    result |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) {
      *v = result;
      return true;
    }
  }
  return false;
}

// Accumulates bits MSB-first into whole bytes. Bits() reports the exact length so far.
class BitWriter {
 public:
  // Appends the low `n` bits of `v`, most significant first. REQUIRES: 0 <= n <= 64.
  void Write(uint64_t v, int n) {
    if (n == 0) return;
    if (n < 64) v &= (uint64_t{1} << n) - 1;
    const int room = 64 - pending_bits_;
    if (n <= room) {
      pending_ = n == 64 ? v : (pending_ << n) | v;
      pending_bits_ += n;
      if (pending_bits_ == 64) FlushWord();
      return;
    }
    // Split: the high (n - room) bits now, the rest after flushing a full word.
    const int rest = n - room;
    pending_ = (pending_ << room) | (v >> rest);
    pending_bits_ = 64;
    FlushWord();
    pending_ = v & ((uint64_t{1} << rest) - 1);
    pending_bits_ = rest;
  }
  void WriteBit(bool b) { Write(b ? 1 : 0, 1); }

  // Total number of bits written.
  uint64_t Bits() const { return bytes_.size() * 8 + static_cast<uint64_t>(pending_bits_); }

  // Appends every bit written so far to `out`, zero-padded to a whole byte. The writer is not
  // changed, so this may be called again after more writes.
  void AppendTo(std::string* out) const {
    out->append(bytes_);
    int bits = pending_bits_;
    while (bits >= 8) {
      bits -= 8;
      out->push_back(static_cast<char>((pending_ >> bits) & 0xff));
    }
    if (bits > 0) out->push_back(static_cast<char>((pending_ << (8 - bits)) & 0xff));
  }

  void Clear() {
    bytes_.clear();
    pending_ = 0;
    pending_bits_ = 0;
  }

 private:
  void FlushWord() {
    for (int shift = 56; shift >= 0; shift -= 8) {
      bytes_.push_back(static_cast<char>((pending_ >> shift) & 0xff));
    }
    pending_ = 0;
    pending_bits_ = 0;
  }

  std::string bytes_;  // whole 64-bit words, big-endian
  uint64_t pending_ = 0;
  int pending_bits_ = 0;  // 0..63 between calls
};

// Reads bits MSB-first from a byte buffer it does not own. REQUIRES: the buffer outlives it.
class BitReader {
 public:
  explicit BitReader(std::string_view bytes) : data_(bytes) {}

  // Reads `n` bits (0..64) into `*v`. False, leaving the position unchanged, if fewer remain.
  bool Read(int n, uint64_t* v) {
    if (static_cast<uint64_t>(n) > Remaining()) return false;
    if (n == 0) {
      *v = 0;
      return true;
    }
    if (n > 56) {
      // One 8-byte load covers at most 57 bits past an unaligned start: split the read.
      uint64_t hi = 0;
      uint64_t lo = 0;
      Read(n - 32, &hi);
      Read(32, &lo);
      *v = (hi << 32) | lo;
      return true;
    }
    const uint64_t word = Load64(static_cast<size_t>(pos_ >> 3)) << (pos_ & 7);
    *v = word >> (64 - n);
    pos_ += static_cast<uint64_t>(n);
    return true;
  }
  bool ReadBit(bool* b) {
    uint64_t v = 0;
    if (!Read(1, &v)) return false;
    *b = v != 0;
    return true;
  }

  uint64_t Remaining() const { return data_.size() * 8 - pos_; }

  // True if every bit from the current position to the end is zero (the writer's padding).
  bool RestIsZero() const {
    uint64_t pos = pos_;
    while (pos < data_.size() * 8) {
      if ((static_cast<uint8_t>(data_[pos >> 3]) >> (7 - (pos & 7))) & 1) return false;
      ++pos;
    }
    return true;
  }

 private:
  // The 8 bytes from `index` as a big-endian word, zero-filled past the end of the buffer.
  uint64_t Load64(size_t index) const {
    uint64_t w = 0;
    if (index + 8 <= data_.size()) {
      std::memcpy(&w, data_.data() + index, 8);
      if constexpr (std::endian::native == std::endian::little) w = __builtin_bswap64(w);
      return w;
    }
    for (size_t i = 0; i < 8; ++i) {
      w <<= 8;
      if (index + i < data_.size()) w |= static_cast<uint8_t>(data_[index + i]);
    }
    return w;
  }

  std::string_view data_;
  uint64_t pos_ = 0;
};

}  // namespace botmon

#endif  // BOTMON_SERIES_BITSTREAM_H_
