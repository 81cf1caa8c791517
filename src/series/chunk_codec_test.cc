#include "series/chunk_codec.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace botmon {
namespace {

constexpr int64_t kStart = 1'700'000'000'000;  // a tick-aligned epoch ms
constexpr int64_t kTick = 10'000;
constexpr size_t kDay = 8640;  // 24 h of 10 s ticks

std::string Encode(ValueMode mode, const std::vector<ChunkSample>& samples) {
  ChunkEncoder enc(mode);
  for (const ChunkSample& s : samples) {
    const Status st = enc.Append(s.ts_ms, s.value);
    EXPECT_TRUE(st.ok()) << st.ToString();
  }
  return enc.Finish();
}

std::vector<ChunkSample> MustDecode(const std::string& bytes) {
  StatusOr<std::vector<ChunkSample>> r = DecodeChunk(bytes);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : std::vector<ChunkSample>{};
}

// Bit-exact comparison (distinguishes -0.0 from 0.0).
void ExpectSameBits(const std::vector<ChunkSample>& want, const std::vector<ChunkSample>& got) {
  ASSERT_EQ(want.size(), got.size());
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(want[i].ts_ms, got[i].ts_ms) << i;
    EXPECT_EQ(std::bit_cast<uint64_t>(want[i].value), std::bit_cast<uint64_t>(got[i].value))
        << i << ": " << want[i].value << " vs " << got[i].value;
  }
}

// --- synthetic but realistic 24 h series at 10 s ticks ---

std::vector<int64_t> Ticks(size_t n, int64_t start = kStart) {
  std::vector<int64_t> ts(n);
  for (size_t i = 0; i < n; ++i) ts[i] = start + static_cast<int64_t>(i) * kTick;
  return ts;
}

std::vector<ChunkSample> Zip(const std::vector<int64_t>& ts, const std::vector<double>& v) {
  std::vector<ChunkSample> out(ts.size());
  for (size_t i = 0; i < ts.size(); ++i) out[i] = {ts[i], v[i]};
  return out;
}

// CPU %: a random walk from 12.37 moving by up to ±2 points a tick, clamped to [0, 100]; raw
// /proc/stat ratios, so the values carry full double precision before quantization.
std::vector<double> CpuWalk(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> step(-2, 2);
  std::vector<double> v(n);
  double x = 12.37;
  for (double& out : v) {
    x = std::clamp(x + step(rng), 0.0, 100.0);
    out = x;
  }
  return v;
}

// Memory %: nearly constant; one tick in ten moves by a few hundredths.
std::vector<double> MemPercent(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<double> v(n);
  double x = 43.21;
  for (double& out : v) {
    if (rng() % 10 == 0) x += static_cast<double>(static_cast<int>(rng() % 11) - 5) / 100.0;
    out = x;
  }
  return v;
}

// A bot counter: idle 85 % of ticks, bursts of small integers otherwise.
std::vector<double> BurstyCounter(size_t n, uint64_t seed, int idle_percent = 85, int max = 20) {
  std::mt19937_64 rng(seed);
  std::vector<double> v(n);
  for (double& out : v) {
    out = static_cast<int>(rng() % 100) < idle_percent ? 0 : static_cast<double>(1 + rng() % max);
  }
  return v;
}

// Average latency in ms with two decimals of noise (what a latency_avg derived field looks like
// after rounding to 0.01 ms).
std::vector<double> LatencyMs(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> noise(0, 15);
  std::vector<double> v(n);
  for (double& out : v) out = std::round((230 + noise(rng)) * 100) / 100;
  return v;
}

double BytesPerSample(ValueMode mode, const std::vector<ChunkSample>& samples) {
  const std::string bytes = Encode(mode, samples);
  std::vector<ChunkSample> want = samples;
  if (mode == ValueMode::kPercent) {
    for (ChunkSample& s : want) s.value = static_cast<double>(std::llround(s.value * 100)) / 100;
  }
  ExpectSameBits(want, MustDecode(bytes));
  return static_cast<double>(bytes.size()) / static_cast<double>(samples.size());
}

// --- round trips ---

TEST(ChunkCodec, PercentRoundTripsAtHundredths) {
  std::vector<ChunkSample> in = Zip(Ticks(kDay), CpuWalk(kDay, 1));
  const std::vector<ChunkSample> out = MustDecode(Encode(ValueMode::kPercent, in));
  ASSERT_EQ(out.size(), in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    EXPECT_EQ(out[i].ts_ms, in[i].ts_ms);
    EXPECT_EQ(out[i].value, static_cast<double>(std::llround(in[i].value * 100)) / 100.0);
    EXPECT_LE(std::abs(out[i].value - in[i].value), 0.005 + 1e-12);
  }
}

TEST(ChunkCodec, PercentRoundingIsHalfAwayFromZeroAtTheHundredth) {
  const std::vector<std::pair<double, double>> cases = {
      {12.345, 12.35},  // 12.345 · 100 rounds to exactly 1234.5 in doubles, then away from zero
      {12.344, 12.34}, {12.3449, 12.34}, {0.125, 0.13},  {-0.125, -0.13}, {0.005, 0.01},
      {0.004, 0.0},    {99.999, 100.0},  {100.0, 100.0}, {0.0, 0.0},      {-0.0, 0.0},
      {12.37, 12.37},  {33.33, 33.33},   {0.01, 0.01},   {-3.456, -3.46}, {1e9 + 0.255, 1e9 + 0.26},
  };
  ChunkEncoder enc(ValueMode::kPercent);
  int64_t ts = kStart;
  for (const auto& [in, want] : cases) ASSERT_TRUE(enc.Append(ts += kTick, in).ok());
  const std::vector<ChunkSample> out = MustDecode(enc.Finish());
  ASSERT_EQ(out.size(), cases.size());
  for (size_t i = 0; i < cases.size(); ++i) {
    // Decoded values are exactly n / 100.0, i.e. the double literal for the two-decimal value.
    EXPECT_EQ(out[i].value, cases[i].second) << cases[i].first;
    EXPECT_EQ(out[i].value, std::round(cases[i].second * 100) / 100.0);
  }
}

TEST(ChunkCodec, IntegerRoundTripsIncludingLargeAndNegative) {
  const int64_t big = int64_t{1} << 53;
  const std::vector<double> values = {0,
                                      0,
                                      5,
                                      0,
                                      0,
                                      17,
                                      -3,
                                      1e15,
                                      1e15 + 1,
                                      -1e15,
                                      9007199254740992.0,
                                      -9007199254740992.0,
                                      0,
                                      42,
                                      42,
                                      static_cast<double>(big - 1),
                                      1,
                                      0};
  std::vector<ChunkSample> in;
  int64_t ts = kStart;
  for (double v : values) in.push_back({ts += kTick, v});
  ExpectSameBits(in, MustDecode(Encode(ValueMode::kInteger, in)));
}

TEST(ChunkCodec, FloatRoundTripsBitExactly) {
  const double inf_free[] = {0.0,
                             -0.0,
                             1.5,
                             -1.5,
                             -273.15,
                             std::numeric_limits<double>::max(),
                             std::numeric_limits<double>::lowest(),
                             std::numeric_limits<double>::denorm_min(),
                             -std::numeric_limits<double>::min(),
                             0.1,
                             0.1,
                             0.30000000000000004,
                             1e-300,
                             123456.789,
                             123456.789,
                             -0.0};
  std::vector<ChunkSample> in;
  int64_t ts = -50'000;  // negative timestamps are fine too
  for (double v : inf_free) in.push_back({ts += 7, v});
  ExpectSameBits(in, MustDecode(Encode(ValueMode::kFloat, in)));
  // A long noisy series exercises window reuse and window changes.
  std::mt19937_64 rng(3);
  std::vector<ChunkSample> noisy;
  for (size_t i = 0; i < 5000; ++i) {
    const double v = (i % 100 < 50) ? std::normal_distribution<double>(0, 1e6)(rng)
                                    : std::round(std::normal_distribution<double>(50, 2)(rng));
    noisy.push_back({kStart + static_cast<int64_t>(i) * kTick, v});
  }
  ExpectSameBits(noisy, MustDecode(Encode(ValueMode::kFloat, noisy)));
}

TEST(ChunkCodec, TimestampsWithJitterGapsAndExtremes) {
  std::vector<int64_t> ts = Ticks(1000);
  ts[100] += 3;                                                         // jitter
  ts[101] -= 70;                                                        // more jitter
  for (size_t i = 500; i < ts.size(); ++i) ts[i] += 7'200'000;          // a 2 h restart gap
  for (size_t i = 800; i < ts.size(); ++i) ts[i] += 40LL * 86'400'000;  // a 40-day outage
  std::vector<double> v(ts.size(), 7);
  const std::vector<ChunkSample> in = Zip(ts, v);
  for (ValueMode m : {ValueMode::kPercent, ValueMode::kInteger, ValueMode::kFloat}) {
    ExpectSameBits(in, MustDecode(Encode(m, in)));
  }
  const int64_t lo = std::numeric_limits<int64_t>::min();
  const int64_t hi = std::numeric_limits<int64_t>::max();
  const std::vector<ChunkSample> extreme = {{lo, 1}, {lo + 1, 2}, {-1, 3}, {0, 4},
                                            {1, 5},  {hi - 1, 6}, {hi, 7}};
  ExpectSameBits(extreme, MustDecode(Encode(ValueMode::kInteger, extreme)));
  const std::vector<ChunkSample> jump = {{lo, 1}, {hi, 2}};
  ExpectSameBits(jump, MustDecode(Encode(ValueMode::kFloat, jump)));
}

TEST(ChunkCodec, DeltaWidthNarrowsAgainAfterASpike) {
  // Small deltas, one huge spike (which widens the delta width to ~32 bits), then small deltas
  // again: the width narrows after 8 small deltas, so the spike costs bytes only once.
  std::mt19937_64 rng(5);
  std::vector<double> calm(2000);
  double x = 1000;
  for (double& v : calm) v = x += static_cast<double>(static_cast<int>(rng() % 7) - 3);
  std::vector<double> spiky = calm;
  spiky[500] += 4e9;
  const std::vector<int64_t> ts = Ticks(calm.size());
  const std::string calm_bytes = Encode(ValueMode::kInteger, Zip(ts, calm));
  const std::string spiky_bytes = Encode(ValueMode::kInteger, Zip(ts, spiky));
  ExpectSameBits(Zip(ts, spiky), MustDecode(spiky_bytes));
  // Two 33-bit deltas, two width changes and 8 small deltas in the wide width: ~45 bytes.
  EXPECT_LT(spiky_bytes.size(), calm_bytes.size() + 50);
}

TEST(ChunkCodec, FinishCanBeCalledAfterEveryAppend) {
  std::mt19937_64 rng(8);
  for (ValueMode m : {ValueMode::kPercent, ValueMode::kInteger, ValueMode::kFloat}) {
    ChunkEncoder enc(m);
    EXPECT_EQ(enc.count(), 0u);
    EXPECT_EQ(enc.EncodedSize(), enc.Finish().size());
    EXPECT_TRUE(MustDecode(enc.Finish()).empty());
    std::vector<ChunkSample> so_far;
    int64_t ts = kStart;
    for (int i = 0; i < 300; ++i) {
      ts += (i % 37 == 0) ? 3 * kTick : kTick;
      const double v = static_cast<double>(rng() % 50);
      ASSERT_TRUE(enc.Append(ts, v).ok());
      so_far.push_back({ts, v});
      const std::string bytes = enc.Finish();
      EXPECT_EQ(bytes.size(), enc.EncodedSize());
      ExpectSameBits(so_far, MustDecode(bytes));
    }
    EXPECT_EQ(enc.count(), 300u);
    EXPECT_EQ(enc.first_ts(), so_far.front().ts_ms);
    EXPECT_EQ(enc.last_ts(), so_far.back().ts_ms);
    EXPECT_EQ(enc.mode(), m);
  }
}

TEST(ChunkCodec, StreamingDecoderMatchesDecodeChunk) {
  const std::vector<ChunkSample> in = Zip(Ticks(500), BurstyCounter(500, 4));
  const std::string bytes = Encode(ValueMode::kInteger, in);
  StatusOr<ChunkDecoder> d = ChunkDecoder::Open(bytes);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->mode(), ValueMode::kInteger);
  EXPECT_EQ(d->count(), 500u);
  std::vector<ChunkSample> out;
  ChunkSample s;
  while (d->Next(&s)) out.push_back(s);
  EXPECT_TRUE(d->status().ok());
  EXPECT_FALSE(d->Next(&s));
  ExpectSameBits(in, out);
}

// --- refusals ---

TEST(ChunkCodec, IntegerModeRefusesFractionsWithAModeMismatch) {
  ChunkEncoder enc(ChunkEncoder::ModeFor(/*percent=*/false, /*counter=*/true));
  ASSERT_EQ(enc.mode(), ValueMode::kInteger);
  ASSERT_TRUE(enc.Append(kStart, 3).ok());
  const std::string before = enc.Finish();
  const Status st = enc.Append(kStart + kTick, 1.5);
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(ChunkEncoder::IsModeMismatch(st)) << st.ToString();
  EXPECT_EQ(enc.count(), 1u);
  EXPECT_EQ(enc.Finish(), before);  // unchanged
  // Too large to be exact is a mismatch too.
  EXPECT_TRUE(ChunkEncoder::IsModeMismatch(enc.Append(kStart + kTick, 1e17)));
  EXPECT_TRUE(ChunkEncoder::IsModeMismatch(enc.Append(kStart + kTick, 9007199254740994.0)));
  // The caller closes the chunk and continues in a kFloat one.
  ChunkEncoder next(ValueMode::kFloat);
  EXPECT_TRUE(next.Append(kStart + kTick, 1.5).ok());
  // The integral value is still welcome in the original chunk.
  EXPECT_TRUE(enc.Append(kStart + kTick, 4).ok());
  EXPECT_FALSE(ChunkEncoder::IsModeMismatch(Status::InvalidArgument("other")));
  EXPECT_FALSE(ChunkEncoder::IsModeMismatch(Status::OK()));
}

TEST(ChunkCodec, FitsAndModeFor) {
  EXPECT_EQ(ChunkEncoder::ModeFor(true, false), ValueMode::kPercent);
  EXPECT_EQ(ChunkEncoder::ModeFor(true, true), ValueMode::kPercent);
  EXPECT_EQ(ChunkEncoder::ModeFor(false, true), ValueMode::kInteger);
  EXPECT_EQ(ChunkEncoder::ModeFor(false, false), ValueMode::kFloat);
  EXPECT_TRUE(ChunkEncoder::Fits(ValueMode::kInteger, -12));
  EXPECT_FALSE(ChunkEncoder::Fits(ValueMode::kInteger, 0.5));
  EXPECT_TRUE(ChunkEncoder::Fits(ValueMode::kPercent, 12.345));
  EXPECT_FALSE(ChunkEncoder::Fits(ValueMode::kPercent, 1e15));
  EXPECT_TRUE(ChunkEncoder::Fits(ValueMode::kFloat, 1e300));
  for (ValueMode m : {ValueMode::kPercent, ValueMode::kInteger, ValueMode::kFloat}) {
    EXPECT_FALSE(ChunkEncoder::Fits(m, std::nan("")));
    EXPECT_FALSE(ChunkEncoder::Fits(m, std::numeric_limits<double>::infinity()));
  }
}

TEST(ChunkCodec, RefusesOutOfOrderTimestampsAndNonFiniteValues) {
  for (ValueMode m : {ValueMode::kPercent, ValueMode::kInteger, ValueMode::kFloat}) {
    ChunkEncoder enc(m);
    ASSERT_TRUE(enc.Append(kStart, 1).ok());
    const std::string before = enc.Finish();
    for (const Status& st :
         {enc.Append(kStart, 2), enc.Append(kStart - 1, 2),
          enc.Append(kStart + kTick, std::nan("")),
          enc.Append(kStart + kTick, std::numeric_limits<double>::infinity()),
          enc.Append(kStart + kTick, -std::numeric_limits<double>::infinity())}) {
      EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
      EXPECT_FALSE(ChunkEncoder::IsModeMismatch(st)) << st.ToString();
    }
    EXPECT_EQ(enc.count(), 1u);
    EXPECT_EQ(enc.Finish(), before);
    EXPECT_TRUE(enc.Append(kStart + 1, 2).ok());
  }
}

TEST(ChunkCodec, FullChunkRefusesMoreSamplesAndDecodes) {
  ChunkEncoder enc(ValueMode::kInteger);
  for (size_t i = 0; i < ChunkEncoder::kMaxSamples; ++i) {
    ASSERT_TRUE(enc.Append(static_cast<int64_t>(i) * kTick, static_cast<double>(i % 3)).ok());
  }
  EXPECT_EQ(enc.Append(static_cast<int64_t>(ChunkEncoder::kMaxSamples) * kTick, 1).code(),
            StatusCode::kResourceExhausted);
  StatusOr<std::vector<ChunkSample>> out = DecodeChunk(enc.Finish());
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->size(), ChunkEncoder::kMaxSamples);
  EXPECT_EQ(out->back().value, static_cast<double>((ChunkEncoder::kMaxSamples - 1) % 3));
}

// --- corruption ---

std::vector<std::string> CorpusChunks() {
  std::vector<std::string> chunks;
  chunks.push_back(Encode(ValueMode::kPercent, Zip(Ticks(300), CpuWalk(300, 11))));
  chunks.push_back(Encode(ValueMode::kInteger, Zip(Ticks(300), BurstyCounter(300, 12))));
  chunks.push_back(Encode(ValueMode::kFloat, Zip(Ticks(300), LatencyMs(300, 13))));
  std::vector<int64_t> ts = Ticks(200);
  for (size_t i = 100; i < ts.size(); ++i) ts[i] += 3'600'000;
  chunks.push_back(Encode(ValueMode::kPercent, Zip(ts, MemPercent(200, 14))));
  chunks.push_back(Encode(ValueMode::kInteger, {{kStart, 5}}));
  chunks.push_back(Encode(ValueMode::kFloat, {{kStart, -2.5}, {kStart + 1, 7.25}}));
  return chunks;
}

// What a decoder may return for corrupt input when it does not fail: a valid chunk.
void ExpectPlausible(const std::vector<ChunkSample>& out, uint8_t tag) {
  ASSERT_LE(out.size(), ChunkEncoder::kMaxSamples);
  const ValueMode mode = static_cast<ValueMode>(tag & 0x0f);
  ChunkEncoder enc(mode);
  for (size_t i = 0; i < out.size(); ++i) {
    if (i > 0) {
      ASSERT_LT(out[i - 1].ts_ms, out[i].ts_ms);
    }
    ASSERT_TRUE(std::isfinite(out[i].value));
    if (mode == ValueMode::kInteger) {
      ASSERT_EQ(out[i].value, std::trunc(out[i].value));
    }
    if (mode == ValueMode::kPercent) {
      ASSERT_EQ(out[i].value, static_cast<double>(std::llround(out[i].value * 100)) / 100.0);
    }
    ASSERT_TRUE(enc.Append(out[i].ts_ms, out[i].value).ok());
  }
  // It re-encodes to a chunk that decodes to the same samples.
  ExpectSameBits(out, MustDecode(enc.Finish()));
}

TEST(ChunkCodec, EveryTruncationIsRejected) {
  for (const std::string& chunk : CorpusChunks()) {
    for (size_t len = 0; len < chunk.size(); ++len) {
      StatusOr<std::vector<ChunkSample>> r = DecodeChunk(std::string_view(chunk).substr(0, len));
      ASSERT_FALSE(r.ok()) << "len " << len << " of " << chunk.size();
      EXPECT_EQ(r.status().code(), StatusCode::kCorruption);
    }
  }
}

TEST(ChunkCodec, RandomBitFlipsFailCleanlyOrDecodeToAValidChunk) {
  std::mt19937_64 rng(21);
  int rejected = 0;
  int trials = 0;
  for (const std::string& chunk : CorpusChunks()) {
    for (int trial = 0; trial < 5000; ++trial, ++trials) {
      std::string bytes = chunk;
      const int flips = 1 + static_cast<int>(rng() % 4);
      for (int f = 0; f < flips; ++f) {
        const size_t bit = rng() % (bytes.size() * 8);
        bytes[bit / 8] = static_cast<char>(bytes[bit / 8] ^ (1 << (bit % 8)));
      }
      StatusOr<std::vector<ChunkSample>> r = DecodeChunk(bytes);
      if (!r.ok()) {
        EXPECT_EQ(r.status().code(), StatusCode::kCorruption);
        ++rejected;
        continue;
      }
      ExpectPlausible(*r, static_cast<uint8_t>(bytes[0]));
    }
  }
  // Flips in raw value bits go unnoticed (there is no checksum here: the store adds one if it
  // wants); structural damage is caught. Report the rate.
  std::printf("bit flips rejected: %d of %d\n", rejected, trials);
  EXPECT_GT(rejected, trials / 3);
}

TEST(ChunkCodec, RandomBytesNeverCrash) {
  std::mt19937_64 rng(22);
  for (int trial = 0; trial < 50000; ++trial) {
    std::string bytes(rng() % 48, '\0');
    for (char& c : bytes) c = static_cast<char>(rng());
    if (!bytes.empty() && trial % 2 == 0) {
      bytes[0] = static_cast<char>(0x10 | (rng() % 3));  // a valid tag half the time
    }
    StatusOr<std::vector<ChunkSample>> r = DecodeChunk(bytes);
    if (r.ok()) {
      ExpectPlausible(*r, static_cast<uint8_t>(bytes[0]));
    } else {
      EXPECT_EQ(r.status().code(), StatusCode::kCorruption);
    }
  }
}

TEST(ChunkCodec, RejectsMalformedHeaders) {
  const std::vector<std::string> bad = {
      std::string(),                               // empty
      std::string("\x20\x00", 2),                  // version 2
      std::string("\x13\x00", 2),                  // mode 3
      std::string("\x11\x00\x00", 3),              // bytes after an empty chunk
      std::string("\x11\xc1\x84\x3d\x00\x00", 6),  // count 1,000,001
      std::string("\x11\x05\x00\x00", 4),          // 5 samples, no bit stream
      std::string("\x12\x01\x00\x00\x00\x00\x00\x00\x00\xf0\x7f", 11),          // first value +inf
      std::string("\x11\x01\x00\x80\x80\x80\x80\x80\x80\x80\x80\x80\x02", 13),  // varint > 64 bits
      std::string("\x11\x01\x00\x80\x80\x80\x80\x80\x80\x80\x80\x01", 12),  // 2^63: out of range
      std::string("\x11\x01\x00\x02\x00", 5),  // a byte after a one-sample chunk
  };
  for (size_t i = 0; i < bad.size(); ++i) {
    EXPECT_EQ(DecodeChunk(bad[i]).status().code(), StatusCode::kCorruption) << i;
  }
  EXPECT_TRUE(DecodeChunk(std::string("\x11\x00", 2)).ok());
  EXPECT_TRUE(DecodeChunk(std::string("\x11\x01\x00\x02", 4)).ok());
}

TEST(ChunkCodec, RejectsNonzeroPaddingAndNonCanonicalCodes) {
  // Two samples, regular... the second timestamp needs a bucket; find the last byte's padding.
  ChunkEncoder enc(ValueMode::kInteger);
  ASSERT_TRUE(enc.Append(kStart, 1).ok());
  ASSERT_TRUE(enc.Append(kStart + kTick, 1).ok());
  ASSERT_TRUE(enc.Append(kStart + 2 * kTick, 1).ok());
  std::string bytes = enc.Finish();
  ASSERT_TRUE(DecodeChunk(bytes).ok());
  // 10000 needs the 24-bit bucket (4 + 24 bits), then '0' value, '0' dod, '0' value: 31 bits, so
  // the final bit of the last byte is padding.
  std::string padded = bytes;
  padded.back() = static_cast<char>(padded.back() | 1);
  EXPECT_EQ(DecodeChunk(padded).status().code(), StatusCode::kCorruption);
}

// --- size ---

struct SeriesCase {
  const char* name;
  ValueMode mode;
  std::vector<ChunkSample> samples;
  double weight;  // how many such series a demo host has
};

std::vector<SeriesCase> DemoSeries() {
  const std::vector<int64_t> day = Ticks(kDay);
  std::vector<int64_t> gappy = Ticks(kDay);
  // A restart: 1 h gap in the middle, 3 ticks with jitter after it.
  for (size_t i = 4000; i < gappy.size(); ++i) gappy[i] += 3'600'000;
  gappy[4001] += 120;
  gappy[4002] -= 40;
  std::vector<double> memfree(kDay);
  {
    std::mt19937_64 rng(40);
    double kb = 6'000'000;
    for (double& v : memfree) v = kb += static_cast<double>(static_cast<int>(rng() % 2001) - 1000);
  }
  std::vector<double> sessions(kDay);
  {
    std::mt19937_64 rng(41);
    int s = 10;
    for (double& v : sessions) {
      s = std::max(0, s + static_cast<int>(rng() % 5) - 2);
      v = s;
    }
  }
  std::vector<double> disk(kDay);
  for (size_t i = 0; i < kDay; ++i) disk[i] = 61.0 + static_cast<double>(i / 900) * 0.01;
  return {
      {"cpu.usage % (random walk ±2)", ValueMode::kPercent, Zip(day, CpuWalk(kDay, 30)), 1},
      {"mem.usage % (nearly constant)", ValueMode::kPercent, Zip(day, MemPercent(kDay, 31)), 1},
      {"disk.usage % (slow growth)", ValueMode::kPercent, Zip(day, disk), 2},
      {"cpu.usage % with a 1 h gap", ValueMode::kPercent, Zip(gappy, CpuWalk(kDay, 32)), 0},
      {"requests.count (85 % idle, bursts ≤ 20)", ValueMode::kInteger,
       Zip(day, BurstyCounter(kDay, 33)), 4},
      {"eventsIn.count (70 % idle, bursts ≤ 5)", ValueMode::kInteger,
       Zip(day, BurstyCounter(kDay, 34, 70, 5)), 4},
      {"errors.count (99 % idle)", ValueMode::kInteger, Zip(day, BurstyCounter(kDay, 35, 99, 2)),
       6},
      {"counter with a 1 h gap", ValueMode::kInteger, Zip(gappy, BurstyCounter(kDay, 36)), 0},
      {"sessions.active (integer walk)", ValueMode::kInteger, Zip(day, sessions), 1},
      {"node.up / service.up (constant 1)", ValueMode::kInteger,
       Zip(day, std::vector<double>(kDay, 1)), 2},
      {"mem.free KB (integer, ±1000)", ValueMode::kInteger, Zip(day, memfree), 1},
      {"latency avg ms (2 decimals), kFloat", ValueMode::kFloat, Zip(day, LatencyMs(kDay, 37)), 1},
      {"latency avg ms (2 decimals), as hundredths", ValueMode::kPercent,
       Zip(day, LatencyMs(kDay, 37)), 0},
  };
}

// Bytes per sample when the day is stored as `chunks` equal chunks (1: one chunk per day; 24:
// one per hour, 360 samples each, header and first-delta costs included).
double ChunkedBytesPerSample(ValueMode mode, const std::vector<ChunkSample>& samples,
                             size_t chunks) {
  const size_t per = (samples.size() + chunks - 1) / chunks;
  size_t bytes = 0;
  for (size_t begin = 0; begin < samples.size(); begin += per) {
    const size_t end = std::min(samples.size(), begin + per);
    const std::vector<ChunkSample> part(samples.begin() + static_cast<std::ptrdiff_t>(begin),
                                        samples.begin() + static_cast<std::ptrdiff_t>(end));
    bytes +=
        static_cast<size_t>(BytesPerSample(mode, part) * static_cast<double>(part.size()) + 0.5);
  }
  return static_cast<double>(bytes) / static_cast<double>(samples.size());
}

TEST(ChunkCodec, BytesPerSampleOnADemoLikeDay) {
  double day_bytes = 0;
  double hour_bytes = 0;
  double weighted_samples = 0;
  std::printf("  %-48s %9s %9s\n", "series (8,640 samples at 10 s)", "1 chunk", "24 chunks");
  for (const SeriesCase& c : DemoSeries()) {
    const double day = ChunkedBytesPerSample(c.mode, c.samples, 1);
    const double hour = ChunkedBytesPerSample(c.mode, c.samples, 24);
    std::printf("  %-48s %9.3f %9.3f bytes/sample\n", c.name, day, hour);
    const double n = c.weight * static_cast<double>(c.samples.size());
    day_bytes += day * n;
    hour_bytes += hour * n;
    weighted_samples += n;
    // Guard rails above what the codec achieves, to catch regressions.
    if (c.mode != ValueMode::kFloat && c.weight > 0) {
      EXPECT_LE(hour, 2.0) << c.name;
    }
  }
  const double day_mix = day_bytes / weighted_samples;
  const double hour_mix = hour_bytes / weighted_samples;
  std::printf("  %-48s %9.3f %9.3f bytes/sample\n", "demo-like mix (weighted)", day_mix, hour_mix);
  EXPECT_LE(day_mix, 2.0);
  EXPECT_LE(hour_mix, 2.0);
}

}  // namespace
}  // namespace botmon
