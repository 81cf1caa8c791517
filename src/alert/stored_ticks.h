// ReadStoredTicks: the stored samples of some fields over a time range, regrouped as the closed
// ticks they came from (one ClosedTickValues per tick end, in time order), so that they can be
// fed to an Evaluator again with AddTick exactly as the ticker fed them live. Used to prime the
// live server's windows at start (App::PrimeAlerts) and by the backtest API.
//
// With `heartbeat`, the ticks at which any node closed a tick (the timestamps of every node.up
// series: the local node emits node.up = 1 every tick, SPEC 1.1) are included too, with only the
// wanted fields' samples (possibly none): the live server evaluates at every tick, also at ticks
// where a rule's field has no sample, and a backtest must do the same to see the same windows.
//
// Values are those the store returns: percentage fields older than the current hour come back
// quantized to 0.01 (SPEC 13), exactly as after a restart.
//
// Thread-safe as SeriesStore's readers are.
#ifndef BOTMON_ALERT_STORED_TICKS_H_
#define BOTMON_ALERT_STORED_TICKS_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "alert/backtest.h"
#include "core/status.h"
#include "series/series_store.h"

namespace botmon {

struct StoredTicksQuery {
  std::vector<std::string> fields;
  int64_t from_ms = 0;  // inclusive
  int64_t to_ms = 0;    // inclusive
  bool heartbeat = false;
  // At most this many samples read (heartbeat ones included); 0 = no limit. Exceeding it fails
  // with ResourceExhausted.
  size_t max_samples = 0;
};

// A series that cannot be read is skipped with a line in `*warnings` when `warnings` is given,
// else its error is returned.
StatusOr<std::vector<ClosedTickValues>> ReadStoredTicks(const SeriesStore& series,
                                                        const StoredTicksQuery& query,
                                                        std::vector<std::string>* warnings);

}  // namespace botmon

#endif  // BOTMON_ALERT_STORED_TICKS_H_
