#include "series/chunk_codec.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <limits>

namespace botmon {

// Bit codes for samples 2..n (MSB first):
//
// Timestamp: dod = (ts − previous ts) − (previous ts − the one before), where the delta before
// the second sample counts as 0; coded as zigzag(dod) in a timestamp bucket (below). A regular tick
// has dod = 0 and costs 1 bit. All timestamp arithmetic is modulo 2^64, so any increasing int64
// sequence round-trips.
//
// Value, kPercent and kInteger (n = hundredths or units, |n| <= 2^53), with a current bit width
// w (none before the first '111'):
//   0                          n equals the previous n
//   10  <w bits: zz(d)>        n = previous + d, d != 0, zz(d) < 2^w
//   110                        n = 0 (previous != 0): counters falling back to idle
//   111 <6: w' − 1> <w' bits: zz(d)>   as 10, after setting w = w'
// Like Gorilla's XOR window, the width adapts to the series' noise: the encoder widens it when a
// delta does not fit and narrows it after a run of 8 deltas that all needed 2+ fewer bits.
//
// Value, kFloat (x = IEEE bits XOR the previous bits):
//   0                            x = 0
//   10  <w bits>                 x's nonzero bits lie in the current window of w bits
//   11  <6: lead> <6: len − 1> <len bits>   new window; the block's first and last bits are 1
//
// Timestamp buckets: bucket j is announced by j one-bits and a zero bit (the last bucket by
// ones only) and holds kTsWidths[j] bits; the smallest bucket that fits is used, and the decoder
// rejects any other (so random bit flips are caught more often).

namespace {

constexpr uint8_t kFormatVersion = 1;
constexpr int64_t kMaxExactInt = int64_t{1} << 53;

// Timestamp delta-of-delta widths: 0 (regular tick), ±64 ms of jitter, ±2 s, ±2.3 h, ±17 years,
// anything.
constexpr std::array<int, 6> kTsWidths = {0, 7, 12, 24, 40, 64};
// The integer codes narrow their bit width after this many consecutive deltas that needed 2+
// fewer bits.
constexpr int kShrinkRun = 8;

constexpr std::string_view kModeMismatch = "chunk: value does not fit the chunk's mode";

template <size_t N>
size_t BucketOf(uint64_t u, const std::array<int, N>& widths) {
  for (size_t j = 0; j + 1 < N; ++j) {
    if (u < (uint64_t{1} << widths[j])) return j;
  }
  return N - 1;
}

template <size_t N>
void WriteBucketed(BitWriter* w, uint64_t u, const std::array<int, N>& widths) {
  const size_t j = BucketOf(u, widths);
  const int ones = static_cast<int>(j);
  if (j + 1 == N) {
    w->Write((uint64_t{1} << ones) - 1, ones);
  } else {
    w->Write(((uint64_t{1} << ones) - 1) << 1, ones + 1);
  }
  w->Write(u, widths[j]);
}

// False on truncation or a non-minimal bucket.
template <size_t N>
bool ReadBucketed(BitReader* r, const std::array<int, N>& widths, uint64_t* u) {
  size_t j = 0;
  while (j + 1 < N) {
    bool one = false;
    if (!r->ReadBit(&one)) return false;
    if (!one) break;
    ++j;
  }
  if (!r->Read(widths[j], u)) return false;
  return j == 0 || *u >= (uint64_t{1} << widths[j - 1]);
}

int VarintLength(uint64_t v) {
  int n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

}  // namespace

// --- ChunkEncoder ---

ValueMode ChunkEncoder::ModeFor(bool percent, bool counter) {
  if (percent) return ValueMode::kPercent;
  return counter ? ValueMode::kInteger : ValueMode::kFloat;
}

bool ChunkEncoder::Fits(ValueMode mode, double v) {
  if (!std::isfinite(v)) return false;
  constexpr double kLimit = static_cast<double>(kMaxExactInt);
  switch (mode) {
    case ValueMode::kPercent:
      return std::abs(v * 100) <= kLimit;
    case ValueMode::kInteger:
      return std::abs(v) <= kLimit && v == std::trunc(v);
    case ValueMode::kFloat:
      return true;
  }
  return false;
}

bool ChunkEncoder::IsModeMismatch(const Status& s) {
  return s.code() == StatusCode::kInvalidArgument && s.message().starts_with(kModeMismatch);
}

Status ChunkEncoder::Append(int64_t ts_ms, double v) {
  if (!std::isfinite(v)) return Status::InvalidArgument("chunk: value is NaN or infinite");
  if (count_ > 0 && ts_ms <= last_ts_) {
    return Status::InvalidArgument("chunk: timestamp " + std::to_string(ts_ms) + " is not after " +
                                   std::to_string(last_ts_));
  }
  if (!Fits(mode_, v)) {
    return Status::InvalidArgument(std::string(kModeMismatch) + ": " + std::to_string(v));
  }
  if (count_ >= kMaxSamples) return Status::ResourceExhausted("chunk: full");
  int64_t n = 0;
  uint64_t bits = 0;
  if (mode_ == ValueMode::kPercent) {
    n = std::llround(v * 100);
  } else if (mode_ == ValueMode::kInteger) {
    n = static_cast<int64_t>(v);
  } else {
    bits = std::bit_cast<uint64_t>(v);
  }
  if (count_ == 0) {
    first_ts_ = ts_ms;
    first_int_ = n;
    first_bits_ = bits;
  } else {
    WriteTimestamp(ts_ms);
    if (mode_ == ValueMode::kFloat) {
      WriteFloat(bits);
    } else {
      WriteInteger(n);
    }
  }
  last_ts_ = ts_ms;
  last_int_ = n;
  last_bits_ = bits;
  ++count_;
  return Status::OK();
}

void ChunkEncoder::WriteTimestamp(int64_t ts_ms) {
  const uint64_t delta = static_cast<uint64_t>(ts_ms) - static_cast<uint64_t>(last_ts_);
  const int64_t dod = static_cast<int64_t>(delta - last_delta_);
  WriteBucketed(&bits_, ZigZagEncode(dod), kTsWidths);
  last_delta_ = delta;
}

void ChunkEncoder::WriteInteger(int64_t n) {
  if (n == last_int_) {
    bits_.Write(0b0, 1);
    return;
  }
  if (n == 0) {
    bits_.Write(0b110, 3);
    return;
  }
  // Both are within ±2^53, so the difference cannot overflow.
  const uint64_t u = ZigZagEncode(n - last_int_);
  const int need = std::bit_width(u);
  // Count the run of deltas that needed at least 2 bits less than the current width; after
  // kShrinkRun of them, narrow the width to the widest of the run (a spike costs a few samples).
  if (need + 2 <= width_) {
    narrow_need_ = std::max(narrow_need_, need);
    ++narrow_run_;
  } else {
    narrow_run_ = 0;
    narrow_need_ = 0;
  }
  if (need <= width_ && narrow_run_ < kShrinkRun) {
    bits_.Write(0b10, 2);
    bits_.Write(u, width_);
    return;
  }
  width_ = need > width_ ? need : narrow_need_;
  narrow_run_ = 0;
  narrow_need_ = 0;
  bits_.Write(0b111, 3);
  bits_.Write(static_cast<uint64_t>(width_ - 1), 6);
  bits_.Write(u, width_);
}

void ChunkEncoder::WriteFloat(uint64_t bits) {
  const uint64_t x = bits ^ last_bits_;
  if (x == 0) {
    bits_.Write(0b0, 1);
    return;
  }
  const int lead = std::countl_zero(x);
  const int trail = std::countr_zero(x);
  if (window_lead_ >= 0 && lead >= window_lead_ && trail >= window_trail_) {
    // Reuse the window (2 + window bits) unless a new one (14 + needed bits) is shorter.
    const int window = 64 - window_lead_ - window_trail_;
    const int needed = 64 - lead - trail;
    if (window - needed <= 12) {
      bits_.Write(0b10, 2);
      bits_.Write(x >> window_trail_, window);
      return;
    }
  }
  const int len = 64 - lead - trail;
  bits_.Write(0b11, 2);
  bits_.Write(static_cast<uint64_t>(lead), 6);
  bits_.Write(static_cast<uint64_t>(len - 1), 6);
  bits_.Write(x >> trail, len);
  window_lead_ = lead;
  window_trail_ = trail;
}

void ChunkEncoder::AppendHeader(std::string* out) const {
  out->push_back(static_cast<char>((kFormatVersion << 4) | static_cast<uint8_t>(mode_)));
  PutVarint64(out, count_);
  if (count_ == 0) return;
  PutVarint64(out, ZigZagEncode(first_ts_));
  if (mode_ == ValueMode::kFloat) {
    for (int i = 0; i < 8; ++i) out->push_back(static_cast<char>((first_bits_ >> (8 * i)) & 0xff));
  } else {
    PutVarint64(out, ZigZagEncode(first_int_));
  }
}

std::string ChunkEncoder::Finish() const {
  std::string out;
  out.reserve(EncodedSize());
  AppendHeader(&out);
  bits_.AppendTo(&out);
  return out;
}

size_t ChunkEncoder::EncodedSize() const {
  size_t header = 1 + static_cast<size_t>(VarintLength(count_));
  if (count_ > 0) {
    header += static_cast<size_t>(VarintLength(ZigZagEncode(first_ts_)));
    header += mode_ == ValueMode::kFloat
                  ? 8
                  : static_cast<size_t>(VarintLength(ZigZagEncode(first_int_)));
  }
  return header + static_cast<size_t>((bits_.Bits() + 7) / 8);
}

// --- ChunkDecoder ---

StatusOr<ChunkDecoder> ChunkDecoder::Open(std::string_view bytes) {
  auto corrupt = [](std::string_view what) {
    return Status::Corruption("chunk: " + std::string(what));
  };
  if (bytes.empty()) return corrupt("empty");
  const uint8_t tag = static_cast<uint8_t>(bytes.front());
  bytes.remove_prefix(1);
  if ((tag >> 4) != kFormatVersion) return corrupt("unknown version");
  if ((tag & 0x0f) > static_cast<uint8_t>(ValueMode::kFloat)) return corrupt("unknown mode");
  const ValueMode mode = static_cast<ValueMode>(tag & 0x0f);
  uint64_t count = 0;
  if (!GetVarint64(&bytes, &count)) return corrupt("truncated count");
  if (count > ChunkEncoder::kMaxSamples) return corrupt("sample count too large");
  int64_t first_ts = 0;
  int64_t first_int = 0;
  uint64_t first_bits = 0;
  if (count == 0) {
    if (!bytes.empty()) return corrupt("trailing bytes after an empty chunk");
  } else {
    uint64_t zz = 0;
    if (!GetVarint64(&bytes, &zz)) return corrupt("truncated first timestamp");
    first_ts = ZigZagDecode(zz);
    if (mode == ValueMode::kFloat) {
      if (bytes.size() < 8) return corrupt("truncated first value");
      for (int i = 7; i >= 0; --i) first_bits = (first_bits << 8) | static_cast<uint8_t>(bytes[i]);
      bytes.remove_prefix(8);
      if (!std::isfinite(std::bit_cast<double>(first_bits))) return corrupt("non-finite value");
    } else {
      if (!GetVarint64(&bytes, &zz)) return corrupt("truncated first value");
      first_int = ZigZagDecode(zz);
      if (first_int > kMaxExactInt || first_int < -kMaxExactInt) {
        return corrupt("value out of range");
      }
    }
    // Every later sample takes at least 2 bits: reject impossible counts before anyone
    // allocates for them.
    if ((count - 1) * 2 > bytes.size() * 8) return corrupt("too short for its sample count");
  }
  ChunkDecoder d(bytes);
  d.mode_ = mode;
  d.count_ = static_cast<size_t>(count);
  d.ts_ = first_ts;
  d.int_ = first_int;
  d.float_bits_ = first_bits;
  return d;
}

bool ChunkDecoder::Fail(std::string_view what) {
  status_ =
      Status::Corruption("chunk: " + std::string(what) + " at sample " + std::to_string(index_));
  index_ = count_;
  return false;
}

bool ChunkDecoder::Next(ChunkSample* out) {
  if (index_ >= count_) return false;
  if (index_ > 0) {
    if (!ReadTimestamp()) return false;
    if (mode_ == ValueMode::kFloat ? !ReadFloat() : !ReadInteger()) return false;
  }
  if (index_ + 1 == count_ && (bits_.Remaining() >= 8 || !bits_.RestIsZero())) {
    return Fail("trailing data");
  }
  out->ts_ms = ts_;
  switch (mode_) {
    case ValueMode::kPercent:
      out->value = static_cast<double>(int_) / 100.0;
      break;
    case ValueMode::kInteger:
      out->value = static_cast<double>(int_);
      break;
    case ValueMode::kFloat:
      out->value = std::bit_cast<double>(float_bits_);
      break;
  }
  ++index_;
  return true;
}

bool ChunkDecoder::ReadTimestamp() {
  uint64_t u = 0;
  if (!ReadBucketed(&bits_, kTsWidths, &u)) return Fail("bad timestamp code");
  const uint64_t delta = delta_ + static_cast<uint64_t>(ZigZagDecode(u));
  // The true value of INT64_MAX − ts_ lies in [0, 2^64), so modular arithmetic gives it exactly.
  const uint64_t headroom =
      static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) - static_cast<uint64_t>(ts_);
  if (delta == 0 || delta > headroom) return Fail("timestamps out of order");
  ts_ = static_cast<int64_t>(static_cast<uint64_t>(ts_) + delta);
  delta_ = delta;
  return true;
}

bool ChunkDecoder::ReadInteger() {
  uint64_t code = 0;
  if (!bits_.Read(1, &code)) return Fail("truncated value");
  if (code == 0) return true;  // same as before
  if (!bits_.Read(1, &code)) return Fail("truncated value");
  if (code == 1) {
    if (!bits_.Read(1, &code)) return Fail("truncated value");
    if (code == 0) {
      if (int_ == 0) return Fail("redundant zero");
      int_ = 0;
      return true;
    }
    uint64_t w = 0;
    if (!bits_.Read(6, &w)) return Fail("truncated width");
    width_ = static_cast<int>(w) + 1;
  } else if (width_ == 0) {
    return Fail("width used before it was set");
  }
  uint64_t u = 0;
  if (!bits_.Read(width_, &u)) return Fail("truncated value");
  if (u == 0) return Fail("zero delta");
  // Wrapping addition: an out-of-range result cannot wrap back into ±2^53.
  const int64_t n =
      static_cast<int64_t>(static_cast<uint64_t>(int_) + static_cast<uint64_t>(ZigZagDecode(u)));
  if (n > kMaxExactInt || n < -kMaxExactInt) return Fail("value out of range");
  int_ = n;
  return true;
}

bool ChunkDecoder::ReadFloat() {
  uint64_t code = 0;
  if (!bits_.Read(1, &code)) return Fail("truncated value");
  if (code == 0) return true;  // same bits
  if (!bits_.Read(1, &code)) return Fail("truncated value");
  uint64_t x = 0;
  if (code == 0) {
    if (window_lead_ < 0) return Fail("window reused before it was set");
    uint64_t block = 0;
    if (!bits_.Read(64 - window_lead_ - window_trail_, &block)) return Fail("truncated value");
    x = block << window_trail_;
    if (x == 0) return Fail("empty xor");
  } else {
    uint64_t lead = 0;
    uint64_t len_minus_1 = 0;
    if (!bits_.Read(6, &lead) || !bits_.Read(6, &len_minus_1)) return Fail("truncated value");
    const int len = static_cast<int>(len_minus_1) + 1;
    if (static_cast<int>(lead) + len > 64) return Fail("bad xor window");
    uint64_t block = 0;
    if (!bits_.Read(len, &block)) return Fail("truncated value");
    if ((block >> (len - 1)) == 0 || (block & 1) == 0) return Fail("non-canonical xor window");
    window_lead_ = static_cast<int>(lead);
    window_trail_ = 64 - window_lead_ - len;
    x = block << window_trail_;
  }
  const uint64_t bits = float_bits_ ^ x;
  if (!std::isfinite(std::bit_cast<double>(bits))) return Fail("non-finite value");
  float_bits_ = bits;
  return true;
}

StatusOr<std::vector<ChunkSample>> DecodeChunk(std::string_view bytes) {
  ASSIGN_OR_RETURN(ChunkDecoder decoder, ChunkDecoder::Open(bytes));
  std::vector<ChunkSample> out;
  out.reserve(decoder.count());
  ChunkSample s;
  while (decoder.Next(&s)) out.push_back(s);
  if (!decoder.status().ok()) return decoder.status();
  return out;
}

}  // namespace botmon
