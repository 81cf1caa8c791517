#include "series/series_store.h"

#include <algorithm>

#include "core/log.h"

namespace botmon {
namespace {

int64_t FloorTo(int64_t t, int64_t period) { return t - ((t % period) + period) % period; }

SeriesKey KeyOf(const SeriesDef& d) {
  return SeriesKey{d.field, d.host, d.bot, d.channel, d.mount, d.gpu, d.service};
}

// Raw chunks for one hour of one series: one per run of samples that fit a mode.
void EncodeRaw(int64_t id, const std::vector<ChunkSample>& samples, bool percent, bool* float_only,
               std::vector<ChunkRecord>* out) {
  ValueMode mode =
      percent ? ValueMode::kPercent : (*float_only ? ValueMode::kFloat : ValueMode::kInteger);
  ChunkEncoder enc(mode);
  auto flush = [&] {
    if (enc.count() == 0) return;
    out->push_back(ChunkRecord{id, Tier::kRaw, enc.first_ts(), enc.last_ts(),
                               static_cast<int64_t>(enc.count()), enc.Finish()});
  };
  for (const auto& s : samples) {
    Status st = enc.Append(s.ts_ms, s.value);
    if (ChunkEncoder::IsModeMismatch(st)) {
      flush();
      *float_only = true;
      enc = ChunkEncoder(ValueMode::kFloat);
      st = enc.Append(s.ts_ms, s.value);
    }
    if (!st.ok()) LogEvery("raw-chunk", spdlog::level::warn, "sample dropped: " + st.message());
  }
  flush();
}

}  // namespace

SeriesStore::SeriesStore(Store* store, TickLog* log, const FieldCatalog* catalog)
    : store_(store), log_(log), catalog_(catalog), last_(std::make_shared<LastTick>()) {}

FieldDesc SeriesStore::DescFor(const std::string& field) const {
  auto d = catalog_->Find(field);
  if (d) return *d;
  FieldDesc unknown;  // a custom field the catalogue lost: treat as a gauge
  unknown.name = field;
  unknown.custom = true;
  return unknown;
}

StatusOr<int64_t> SeriesStore::Load(std::vector<std::string>* warnings) {
  ASSIGN_OR_RETURN(auto defs, store_->LoadSeries());
  ASSIGN_OR_RETURN(auto mark, store_->GetMeta("series_mark"));
  ASSIGN_OR_RETURN(auto closed, store_->GetMeta("series_closed_hour"));
  int64_t series_mark = mark ? std::stoll(*mark) : 0;
  const int64_t closed_hour = closed ? std::stoll(*closed) : INT64_MIN;
  ASSIGN_OR_RETURN(auto hours, log_->LoadAll(warnings));
  std::lock_guard lock(mu_);
  for (auto& d : defs) {
    next_id_ = std::max(next_id_, d.id + 1);
    persisted_.insert(d.id);
    ids_[KeyOf(d)] = d.id;
    mem_[d.id].info = SeriesInfo{d, DescFor(d.field)};
  }
  for (auto& h : hours) {
    if (h.hour_start_ms <= closed_hour) {
      committed_.push_back(h.hour_start_ms);  // committed before the crash: only delete the file
      continue;
    }
    for (auto& d : h.defs) {
      next_id_ = std::max(next_id_, d.id + 1);
      if (!mem_.count(d.id)) {
        ids_[KeyOf(d)] = d.id;
        mem_[d.id].info = SeriesInfo{d, DescFor(d.field)};
      }
    }
    int64_t& hour_seq = open_hours_[h.hour_start_ms];
    for (auto& t : h.ticks) {
      for (auto& [id, v] : t.values) {
        auto it = mem_.find(id);
        if (it == mem_.end()) continue;
        auto& s = it->second.samples;
        if (s.empty() || s.back().ts_ms < t.t_ms) s.push_back(ChunkSample{t.t_ms, v});
      }
      hour_seq = std::max(hour_seq, t.through_seq);
      series_mark = std::max(series_mark, t.through_seq);
    }
  }
  return series_mark;
}

int64_t SeriesStore::IdForLocked(const SeriesKey& key) {
  auto it = ids_.find(key);
  if (it != ids_.end()) return it->second;
  const int64_t id = next_id_++;
  ids_.emplace(key, id);
  SeriesDef d{id, key.field, key.host, key.bot, key.channel, key.mount, key.gpu, key.service};
  mem_[id].info = SeriesInfo{std::move(d), DescFor(key.field)};
  return id;
}

Status SeriesStore::AppendTick(int64_t t_ms, int64_t through_seq, std::vector<TickValue> values) {
  LoggedTick lt;
  lt.t_ms = t_ms;
  lt.through_seq = through_seq;
  const int64_t hour = FloorTo(t_ms, kHourMs);
  {
    std::lock_guard lock(mu_);
    lt.values.reserve(values.size());
    for (const auto& tv : values) {
      const int64_t id = IdForLocked(tv.key);
      auto& s = mem_[id].samples;
      if (!s.empty() && s.back().ts_ms >= t_ms) continue;  // never rewrite a closed tick
      s.push_back(ChunkSample{t_ms, tv.value});
      lt.values.emplace_back(id, tv.value);
    }
    int64_t& seq = open_hours_[hour];
    seq = std::max(seq, through_seq);
    auto last = std::make_shared<LastTick>();
    last->t_ms = t_ms;
    last->values = std::move(values);
    last_ = std::move(last);
  }
  return log_->Append(lt, hour, [this](int64_t id) -> const SeriesDef* {
    std::lock_guard lock(mu_);
    auto it = mem_.find(id);
    return it == mem_.end() ? nullptr : &it->second.info.def;  // stable: entries never erased
  });
}

WriteBatch SeriesStore::BuildHourLocked(int64_t hour, int64_t* through_seq) {
  WriteBatch b;
  const int64_t day = FloorTo(hour, kDayMs);
  if (day != day_start_) {
    day_points_.clear();
    day_start_ = day;
    auto chunks = store_->ReadChunksAt(Tier::kRollup1h, day);
    if (chunks.ok()) {
      for (auto& c : *chunks) {
        auto pts = DecodeRollups(c.data);
        if (pts.ok()) day_points_[c.series_id] = std::move(*pts);
      }
    }
  }
  for (auto& [id, m] : mem_) {
    std::vector<ChunkSample> hour_samples;
    for (const auto& s : m.samples) {
      if (s.ts_ms >= hour && s.ts_ms < hour + kHourMs) hour_samples.push_back(s);
    }
    if (hour_samples.empty()) continue;
    if (!persisted_.count(id)) b.series_defs.push_back(m.info.def);
    const bool percent = m.info.desc.hundredths;
    EncodeRaw(id, hour_samples, percent, &m.float_only, &b.chunks);
    const ValueMode mode =
        percent ? ValueMode::kPercent : (m.float_only ? ValueMode::kFloat : ValueMode::kInteger);
    auto minutes = RollUp(hour_samples, 60'000);
    b.chunks.push_back(ChunkRecord{id, Tier::kRollup1m, hour, minutes.back().t_ms,
                                   static_cast<int64_t>(minutes.size()),
                                   EncodeRollups(minutes, mode)});
    RollupPoint hp{hour, 0, 0, 0, 0};
    for (const auto& mp : minutes) hp.Merge(mp);
    auto& dp = day_points_[id];
    std::erase_if(dp, [&](const RollupPoint& p) { return p.t_ms == hour; });
    dp.push_back(hp);
    std::sort(dp.begin(), dp.end(),
              [](const RollupPoint& a, const RollupPoint& b) { return a.t_ms < b.t_ms; });
    b.chunks.push_back(ChunkRecord{id, Tier::kRollup1h, day, dp.back().t_ms,
                                   static_cast<int64_t>(dp.size()), EncodeRollups(dp, mode)});
  }
  *through_seq = open_hours_[hour];
  b.meta.emplace_back("series_closed_hour", std::to_string(hour));
  return b;
}

void SeriesStore::CloseHours(int64_t now_ms) {
  std::vector<int64_t> to_delete;
  std::vector<std::pair<int64_t, WriteBatch>> batches;
  {
    std::lock_guard lock(mu_);
    to_delete.swap(committed_);
    const int64_t current = FloorTo(now_ms, kHourMs);
    for (auto& [hour, seq] : open_hours_) {
      if (hour >= current || closing_.count(hour)) continue;
      int64_t through = 0;
      WriteBatch b = BuildHourLocked(hour, &through);
      // The mark may only move forward: an earlier hour's batch never lowers it.
      b.meta.emplace_back("series_mark", std::to_string(through));
      for (const auto& d : b.series_defs) persisted_.insert(d.id);
      closing_.insert(hour);
      batches.emplace_back(hour, std::move(b));
    }
  }
  for (int64_t h : to_delete) {
    Status st = log_->DeleteHour(h);
    if (!st.ok()) LogEvery("tick-log-delete", spdlog::level::warn, st.message());
  }
  for (auto& [hour, batch] : batches) {
    std::vector<int64_t> ids;
    for (const auto& d : batch.series_defs) ids.push_back(d.id);
    store_->Write(std::move(batch), [this, hour = hour, ids](Status st) {
      std::lock_guard lock(mu_);
      closing_.erase(hour);
      if (!st.ok()) {
        for (int64_t id : ids) persisted_.erase(id);
        LogEvery("hour-close", spdlog::level::err,
                 "writing the hour's chunks failed (retrying next tick): " + st.message());
        return;
      }
      for (auto& [id, m] : mem_) {
        std::erase_if(m.samples, [&](const ChunkSample& s) {
          return s.ts_ms >= hour && s.ts_ms < hour + kHourMs;
        });
      }
      open_hours_.erase(hour);
      committed_.push_back(hour);
    });
  }
}

std::vector<SeriesInfo> SeriesStore::Match(
    const std::function<bool(const SeriesDef&)>& pred) const {
  std::lock_guard lock(mu_);
  std::vector<SeriesInfo> out;
  for (const auto& [id, m] : mem_) {
    if (pred(m.info.def)) out.push_back(m.info);
  }
  std::sort(out.begin(), out.end(),
            [](const SeriesInfo& a, const SeriesInfo& b) { return KeyOf(a.def) < KeyOf(b.def); });
  return out;
}

std::optional<SeriesInfo> SeriesStore::Info(int64_t id) const {
  std::lock_guard lock(mu_);
  auto it = mem_.find(id);
  if (it == mem_.end()) return std::nullopt;
  return it->second.info;
}

StatusOr<std::vector<ChunkSample>> SeriesStore::ReadRaw(int64_t id, int64_t from_ms,
                                                        int64_t to_ms) const {
  std::vector<ChunkSample> memory;
  {
    std::lock_guard lock(mu_);
    auto it = mem_.find(id);
    if (it != mem_.end()) {
      for (const auto& s : it->second.samples) {
        if (s.ts_ms >= from_ms && s.ts_ms <= to_ms) memory.push_back(s);
      }
    }
  }
  const int64_t mem_from = memory.empty() ? INT64_MAX : memory.front().ts_ms;
  std::vector<ChunkSample> out;
  if (from_ms < mem_from) {
    ASSIGN_OR_RETURN(auto chunks,
                     store_->ReadChunks(id, Tier::kRaw, from_ms, std::min(to_ms, mem_from - 1)));
    for (const auto& c : chunks) {
      ASSIGN_OR_RETURN(auto samples, DecodeChunk(c.data));
      for (const auto& s : samples) {
        if (s.ts_ms >= from_ms && s.ts_ms <= to_ms && s.ts_ms < mem_from) out.push_back(s);
      }
    }
    std::sort(out.begin(), out.end(),
              [](const ChunkSample& a, const ChunkSample& b) { return a.ts_ms < b.ts_ms; });
  }
  out.insert(out.end(), memory.begin(), memory.end());
  return out;
}

StatusOr<std::vector<RollupPoint>> SeriesStore::ReadRollup(int64_t id, Tier tier, int64_t from_ms,
                                                           int64_t to_ms) const {
  const int64_t period = tier == Tier::kRollup1h ? kHourMs : 60'000;
  std::vector<ChunkSample> memory;
  {
    std::lock_guard lock(mu_);
    auto it = mem_.find(id);
    if (it != mem_.end()) {
      for (const auto& s : it->second.samples) {
        if (s.ts_ms >= FloorTo(from_ms, period) && s.ts_ms <= to_ms) memory.push_back(s);
      }
    }
  }
  std::vector<RollupPoint> mem_points = RollUp(memory, period);
  const int64_t mem_from = mem_points.empty() ? INT64_MAX : mem_points.front().t_ms;
  std::vector<RollupPoint> out;
  ASSIGN_OR_RETURN(auto chunks, store_->ReadChunks(id, tier, FloorTo(from_ms, period),
                                                   std::min(to_ms, mem_from - 1)));
  for (const auto& c : chunks) {
    ASSIGN_OR_RETURN(auto pts, DecodeRollups(c.data));
    for (const auto& p : pts) {
      if (p.t_ms + period > from_ms && p.t_ms <= to_ms && p.t_ms < mem_from) out.push_back(p);
    }
  }
  std::sort(out.begin(), out.end(),
            [](const RollupPoint& a, const RollupPoint& b) { return a.t_ms < b.t_ms; });
  for (const auto& p : mem_points) {
    if (p.t_ms + period > from_ms) out.push_back(p);
  }
  return out;
}

std::shared_ptr<const LastTick> SeriesStore::Last() const {
  std::lock_guard lock(mu_);
  return last_;
}

size_t SeriesStore::series_count() const {
  std::lock_guard lock(mu_);
  return mem_.size();
}

SeriesStore::Usage SeriesStore::usage() const {
  std::lock_guard lock(mu_);
  Usage u;
  u.series = mem_.size();
  for (const auto& [id, m] : mem_) u.memory_samples += m.samples.size();
  return u;
}

}  // namespace botmon
