// TickLog: the samples of the hour that has not been written to the store yet, one file per
// hour (<dir>/<hour-start-ms>.ticks), appended at every tick in one write. After kill -9 the
// open hour is rebuilt from it, so "the last hour of history" survives (SPEC 13). Each file
// defines the series it uses, so it can be read alone. A file is deleted once its hour's chunks
// are committed to the store.
//
// Thread-compatible: the ticker thread owns it.
#ifndef BOTMON_SERIES_TICK_LOG_H_
#define BOTMON_SERIES_TICK_LOG_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "core/status.h"
#include "store/records.h"

namespace botmon {

struct LoggedTick {
  int64_t t_ms = 0;
  int64_t through_seq = 0;
  std::vector<std::pair<int64_t, double>> values;  // (series id, value)
};

struct LoggedHour {
  int64_t hour_start_ms = 0;
  std::vector<SeriesDef> defs;
  std::vector<LoggedTick> ticks;
};

class TickLog {
 public:
  static StatusOr<std::unique_ptr<TickLog>> Open(const std::string& dir);
  ~TickLog();
  TickLog(const TickLog&) = delete;
  TickLog& operator=(const TickLog&) = delete;

  // Every hour file, oldest first (torn tails cut off).
  StatusOr<std::vector<LoggedHour>> LoadAll(std::vector<std::string>* warnings);

  // Appends one tick to the file of the hour containing tick.t_ms, defining first the series
  // that file has not seen (`def_of(id)` gives the definition).
  Status Append(const LoggedTick& tick, int64_t hour_start_ms,
                const std::function<const SeriesDef*(int64_t)>& def_of);

  Status DeleteHour(int64_t hour_start_ms);

 private:
  explicit TickLog(std::string dir) : dir_(std::move(dir)) {}
  std::string PathOf(int64_t hour) const;

  std::string dir_;
  int fd_ = -1;
  int64_t fd_hour_ = -1;
  std::unordered_set<int64_t> defined_;  // series defined in the open file
};

}  // namespace botmon

#endif  // BOTMON_SERIES_TICK_LOG_H_
