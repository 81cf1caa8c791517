// SampleRing: the per-tick values of ONE stream (a (field, group) after the per-tick combination
// across dimensions, SPEC 7.2), as (t_ms, value) with strictly increasing t. It is append-only
// and shared by every rule that reads the stream: each rule's RollingWindow refers to it by
// sequence number and never copies samples.
//
// Sequence numbers. The i-th sample ever appended has sequence number i (from 0), for the life of
// the ring. Trimming drops the oldest samples but never renumbers: begin_seq() rises, the others
// keep their numbers, so windows that hold sequence numbers stay valid as long as the ring is only
// trimmed below the oldest sequence number any window still needs (RollingWindow::first_needed()).
//
// Trimming. The owner knows the longest window W over all rules reading the stream; after the
// windows advanced to `now`, Trim(now - W) drops the samples with t < now - W, which no window
// at now or later can need; TrimTo(min of the windows' first_needed()) is safe at any time.
// Trimming more is not an error: a window that finds samples it held gone rebuilds from what the
// ring still holds (RollingWindow::Advance, O(window), counted by RollingWindow::rebuilds()).
//
// Memory: 16 bytes per retained sample, in blocks of kBlockSamples (4 KiB); at most one partly
// used block at each end plus one spare block, so 8.6 M samples (1,000 streams x 24 h at a 10 s
// tick) take about 140 MB.
//
// Thread-safety: none; the evaluator's thread owns the ring and its windows.
#ifndef BOTMON_WINDOW_SAMPLE_RING_H_
#define BOTMON_WINDOW_SAMPLE_RING_H_

#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <vector>

namespace botmon {

class SampleRing {
 public:
  struct Sample {
    int64_t t_ms;
    double value;
  };
  static_assert(sizeof(Sample) == 16);

  static constexpr size_t kBlockSamples = 256;  // 4 KiB blocks

  SampleRing() = default;
  SampleRing(const SampleRing&) = delete;
  SampleRing& operator=(const SampleRing&) = delete;
  // A moved-from ring is empty and starts numbering at 0 again.
  SampleRing(SampleRing&& other) noexcept { *this = std::move(other); }
  SampleRing& operator=(SampleRing&& other) noexcept;

  // Appends one sample. Returns false and changes nothing unless t_ms is above every t appended
  // before (even trimmed ones) and value is finite.
  [[nodiscard]] bool Append(int64_t t_ms, double value);

  // Drops every sample with t < min_t. Returns the number dropped.
  size_t Trim(int64_t min_t);
  // Drops every sample with a sequence number below `seq` (clamped to end_seq()).
  size_t TrimTo(uint64_t seq);
  // Drops every sample and releases the memory; numbering continues (windows then rebuild empty).
  void Clear();

  // The retained samples are the sequence numbers [begin_seq(), end_seq()).
  uint64_t begin_seq() const { return begin_; }
  uint64_t end_seq() const { return end_; }
  size_t size() const { return static_cast<size_t>(end_ - begin_); }
  bool empty() const { return end_ == begin_; }

  // REQUIRES: begin_seq() <= seq < end_seq().
  const Sample& at(uint64_t seq) const {
    return table_[static_cast<size_t>((seq / kBlockSamples) & mask_)]->samples[seq % kBlockSamples];
  }
  int64_t t(uint64_t seq) const { return at(seq).t_ms; }
  double value(uint64_t seq) const { return at(seq).value; }

  // The t of the newest sample ever appended (even if trimmed); INT64_MIN before the first.
  int64_t last_t() const { return last_t_; }

  // The first sequence number in [max(from, begin_seq()), end_seq()) whose t > t_ms, or end_seq()
  // if none. O(log d) where d is the distance from the start of the search to the answer (a
  // galloping search: trimming one sample off a day-long ring reads two samples, not 13).
  uint64_t UpperBound(int64_t t_ms, uint64_t from = 0) const;

  // Bytes held by the sample blocks (the block table and the object itself are extra).
  size_t memory_bytes() const;

 private:
  struct Block {
    Sample samples[kBlockSamples];
  };

  // Absolute block b (holding the sequence numbers [b * kBlockSamples, (b + 1) * kBlockSamples))
  // lives in table_[b & mask_] for b in [first_block_, first_block_ + blocks_); table_'s size is
  // a power of two (or 0).
  std::vector<std::unique_ptr<Block>> table_;
  uint64_t mask_ = 0;
  uint64_t first_block_ = 0;
  size_t blocks_ = 0;
  std::unique_ptr<Block> spare_;  // one freed block, reused to avoid malloc churn
  uint64_t begin_ = 0;
  uint64_t end_ = 0;
  int64_t last_t_ = std::numeric_limits<int64_t>::min();
};

}  // namespace botmon

#endif  // BOTMON_WINDOW_SAMPLE_RING_H_
