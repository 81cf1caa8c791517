// SeriesStore: every series' samples (SPEC 13). The hours not yet written to the store live in
// memory and in the tick log; at each hour's end the ticker hands that hour to the store as one
// compressed raw chunk per series (split where a counter turns fractional), a 1-minute roll-up
// chunk, and the day's 1-hour roll-up chunk, in one transaction with the "series mark" (the
// last ingest sequence number the persisted ticks include). Readers merge the store's chunks
// with the in-memory hours.
//
// Thread-safe: AppendTick/CloseHours from the ticker; readers from any thread (one mutex, held
// only to copy the in-memory part).
#ifndef BOTMON_SERIES_SERIES_STORE_H_
#define BOTMON_SERIES_SERIES_STORE_H_

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "series/chunk_codec.h"
#include "series/field_catalog.h"
#include "series/rollup.h"
#include "series/series_key.h"
#include "series/tick_log.h"
#include "series/tick_samples.h"
#include "store/store.h"

namespace botmon {

struct SeriesInfo {
  SeriesDef def;
  FieldDesc desc;
};

// The values closed at the latest tick, shared read-only with the API and the live stream.
struct LastTick {
  int64_t t_ms = 0;
  std::vector<TickValue> values;
};

class SeriesStore {
 public:
  static constexpr int64_t kHourMs = 3'600'000;
  static constexpr int64_t kDayMs = 86'400'000;

  SeriesStore(Store* store, TickLog* log, const FieldCatalog* catalog);

  // Start-up: series from the store, then the tick log's hours. Returns the series mark.
  StatusOr<int64_t> Load(std::vector<std::string>* warnings);

  // Records a closed tick (assigning ids to new series) and appends it to the tick log.
  Status AppendTick(int64_t t_ms, int64_t through_seq, std::vector<TickValue> values);

  // Hands every complete hour before now's hour to the store (asynchronously; an hour whose
  // write fails is retried at the next call), and deletes the tick files of committed hours.
  void CloseHours(int64_t now_ms);

  // ---- Readers ----
  std::vector<SeriesInfo> Match(const std::function<bool(const SeriesDef&)>& pred) const;
  std::optional<SeriesInfo> Info(int64_t id) const;
  StatusOr<std::vector<ChunkSample>> ReadRaw(int64_t id, int64_t from_ms, int64_t to_ms) const;
  StatusOr<std::vector<RollupPoint>> ReadRollup(int64_t id, Tier tier, int64_t from_ms,
                                                int64_t to_ms) const;
  std::shared_ptr<const LastTick> Last() const;

  size_t series_count() const;
  // Bytes of stored raw chunks and samples in them (for the bytes-per-sample benchmark).
  struct Usage {
    size_t series = 0, memory_samples = 0;
  };
  Usage usage() const;

 private:
  struct Mem {
    SeriesInfo info;
    std::vector<ChunkSample> samples;  // hours not yet committed, in time order
    bool float_only = false;           // once fractional, a series' raw chunks stay kFloat
  };
  int64_t IdForLocked(const SeriesKey& key);
  FieldDesc DescFor(const std::string& field) const;
  WriteBatch BuildHourLocked(int64_t hour, int64_t* through_seq);

  Store* store_;
  TickLog* log_;
  const FieldCatalog* catalog_;

  mutable std::mutex mu_;
  std::unordered_map<SeriesKey, int64_t, SeriesKeyHash> ids_;
  std::unordered_map<int64_t, Mem> mem_;
  int64_t next_id_ = 1;
  std::unordered_set<int64_t> persisted_;  // series rows the store has
  std::map<int64_t, int64_t> open_hours_;  // hour -> max through_seq of its ticks
  std::set<int64_t> closing_;              // handed to the store, not committed yet
  std::vector<int64_t> committed_;         // committed; tick file to delete
  std::unordered_map<int64_t, std::vector<RollupPoint>> day_points_;  // id -> today's 1h points
  int64_t day_start_ = -1;
  std::shared_ptr<const LastTick> last_;
};

}  // namespace botmon

#endif  // BOTMON_SERIES_SERIES_STORE_H_
