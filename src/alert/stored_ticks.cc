#include "alert/stored_ticks.h"

#include <map>
#include <set>
#include <utility>

namespace botmon {

StatusOr<std::vector<ClosedTickValues>> ReadStoredTicks(const SeriesStore& series,
                                                        const StoredTicksQuery& query,
                                                        std::vector<std::string>* warnings) {
  const std::set<std::string> wanted(query.fields.begin(), query.fields.end());
  std::map<int64_t, std::vector<TickValue>> by_tick;
  size_t read = 0;
  for (const auto& info : series.Match([&](const SeriesDef& d) {
         return wanted.count(d.field) > 0 || (query.heartbeat && d.field == "node.up");
       })) {
    auto samples = series.ReadRaw(info.def.id, query.from_ms, query.to_ms);
    if (!samples.ok()) {
      const std::string what = "cannot read " + info.def.field + "{host=\"" + info.def.host +
                               "\"}: " + samples.status().message();
      if (!warnings) return Status(samples.status().code(), what);
      warnings->push_back(what);
      continue;
    }
    read += samples->size();
    if (query.max_samples > 0 && read > query.max_samples) {
      return Status::ResourceExhausted("more than " + std::to_string(query.max_samples) +
                                       " stored samples to read");
    }
    if (wanted.count(info.def.field) == 0) {
      for (const auto& s : *samples) by_tick[s.ts_ms];  // a tick, with no wanted sample
      continue;
    }
    SeriesKey key{info.def.field, info.def.host, info.def.bot,    info.def.channel,
                  info.def.mount, info.def.gpu,  info.def.service};
    for (const auto& s : *samples) by_tick[s.ts_ms].push_back({key, s.value});
  }
  std::vector<ClosedTickValues> out;
  out.reserve(by_tick.size());
  for (auto& [t, values] : by_tick) out.push_back({t, std::move(values)});
  return out;
}

}  // namespace botmon
