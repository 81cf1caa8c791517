#include "window/sample_ring.h"

#include <cmath>
#include <utility>

namespace botmon {

SampleRing& SampleRing::operator=(SampleRing&& other) noexcept {
  if (this == &other) return *this;
  table_ = std::move(other.table_);
  spare_ = std::move(other.spare_);
  mask_ = std::exchange(other.mask_, 0);
  first_block_ = std::exchange(other.first_block_, 0);
  blocks_ = std::exchange(other.blocks_, 0);
  begin_ = std::exchange(other.begin_, 0);
  end_ = std::exchange(other.end_, 0);
  last_t_ = std::exchange(other.last_t_, std::numeric_limits<int64_t>::min());
  other.table_.clear();
  return *this;
}

bool SampleRing::Append(int64_t t_ms, double value) {
  if (t_ms <= last_t_ || !std::isfinite(value)) return false;
  const uint64_t offset = end_ % kBlockSamples;
  if (offset == 0 || blocks_ == 0) {
    // end_ starts a new block (or the ring was emptied by a trim or Clear).
    const uint64_t block = end_ / kBlockSamples;
    if (blocks_ == 0) first_block_ = block;
    if (blocks_ == table_.size()) {
      // Double the table, placing every block at its slot for the new mask.
      std::vector<std::unique_ptr<Block>> table(table_.empty() ? 4 : 2 * table_.size());
      const uint64_t mask = table.size() - 1;
      for (uint64_t b = first_block_; b < first_block_ + blocks_; ++b) {
        table[static_cast<size_t>(b & mask)] = std::move(table_[static_cast<size_t>(b & mask_)]);
      }
      table_ = std::move(table);
      mask_ = mask;
    }
    std::unique_ptr<Block>& slot = table_[static_cast<size_t>(block & mask_)];
    slot = spare_ != nullptr ? std::move(spare_) : std::make_unique<Block>();
    ++blocks_;
  }
  Sample& s = table_[static_cast<size_t>((end_ / kBlockSamples) & mask_)]->samples[offset];
  s.t_ms = t_ms;
  s.value = value;
  ++end_;
  last_t_ = t_ms;
  return true;
}

size_t SampleRing::TrimTo(uint64_t seq) {
  if (seq > end_) seq = end_;
  if (seq <= begin_) return 0;
  const size_t dropped = static_cast<size_t>(seq - begin_);
  begin_ = seq;
  // Free the blocks that hold no retained sample. When the ring becomes empty, the block that
  // end_ falls into is freed too (Append allocates it again).
  const uint64_t keep_from_block =
      begin_ == end_ ? std::numeric_limits<uint64_t>::max() : begin_ / kBlockSamples;
  while (blocks_ > 0 && first_block_ < keep_from_block) {
    std::unique_ptr<Block>& slot = table_[static_cast<size_t>(first_block_ & mask_)];
    if (spare_ == nullptr) {
      spare_ = std::move(slot);
    } else {
      slot.reset();
    }
    ++first_block_;
    --blocks_;
  }
  return dropped;
}

size_t SampleRing::Trim(int64_t min_t) {
  // Samples with t < min_t are a prefix: find the first with t >= min_t, i.e. t > min_t - 1.
  if (min_t == std::numeric_limits<int64_t>::min()) return 0;
  return TrimTo(UpperBound(min_t - 1, begin_));
}

void SampleRing::Clear() {
  begin_ = end_;
  table_.clear();
  mask_ = 0;
  blocks_ = 0;
  spare_.reset();
}

uint64_t SampleRing::UpperBound(int64_t t_ms, uint64_t from) const {
  uint64_t lo = from < begin_ ? begin_ : from;
  const uint64_t end = end_;
  if (lo >= end || t(lo) > t_ms) return lo >= end ? end : lo;
  // Gallop: t(lo) <= t_ms; probe lo + 1, lo + 2, lo + 4, ... until a probe is above t_ms.
  uint64_t hi = end;
  for (uint64_t step = 1; lo + step < end; step *= 2) {
    if (t(lo + step) > t_ms) {
      hi = lo + step;
      break;
    }
    lo += step;
  }
  // Now t(lo) <= t_ms and the answer is in (lo, hi].
  ++lo;
  while (lo < hi) {
    const uint64_t mid = lo + (hi - lo) / 2;
    if (t(mid) > t_ms) {
      hi = mid;
    } else {
      lo = mid + 1;
    }
  }
  return lo;
}

size_t SampleRing::memory_bytes() const {
  return (blocks_ + (spare_ != nullptr ? 1 : 0)) * sizeof(Block);
}

}  // namespace botmon
