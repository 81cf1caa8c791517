#include "api/history.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "api/query.h"
#include "core/duration.h"
#include "core/json_escape.h"
#include "core/time_util.h"

namespace botmon {

const char* const kResourcesViewFields[] = {"cpu.usage",
                                            "mem.usage",
                                            "gpu.usage",
                                            "disk.usage",
                                            "requests.count",
                                            "eventsIn.count",
                                            "eventsOut.count",
                                            "errors.count",
                                            "response.latency_p50",
                                            "response.latency_p95",
                                            "response.latency_p99",
                                            nullptr};

namespace {

constexpr int64_t kMaxPoints = 10'000;

struct Bucket {
  double sum = 0, min = 0, max = 0;
  int64_t count = 0;
  void Add(double s, int64_t n, double mn, double mx) {
    if (count == 0) {
      min = mn;
      max = mx;
    } else {
      min = std::min(min, mn);
      max = std::max(max, mx);
    }
    sum += s;
    count += n;
  }
};

// The value a bucket shows for one series: counters summed, percentiles the max, else the mean.
double BucketValue(const FieldDesc& d, const Bucket& b) {
  if (d.kind == FieldKind::kCounter) return b.sum;
  if (d.across == Across::kSketch) return b.max;
  return b.sum / static_cast<double>(b.count);
}

struct OutSeries {
  std::string field, host, bot, channel, mount, gpu, service;
  std::vector<std::vector<Bucket>> parts;  // one bucket row per matched series
};

}  // namespace

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

int64_t DefaultHistoryStep(int64_t period_ms, int64_t tick_ms) {
  static const int64_t kNice[] = {
      1'000,     2'000,      5'000,      10'000,     15'000,     30'000,      60'000,
      120'000,   180'000,    300'000,    600'000,    900'000,    1'800'000,   3'600'000,
      7'200'000, 10'800'000, 21'600'000, 43'200'000, 86'400'000, 172'800'000, 604'800'000};
  const int64_t want = std::max(tick_ms, (period_ms + 499) / 500);
  for (int64_t s : kNice) {
    if (s >= want) return s;
  }
  return want;
}

Response HandleHistory(ApiContext* ctx, Request& req) {
  auto cfg = ctx->config->Get();
  const Config& c = cfg->config();
  const int64_t now = ctx->clock->NowMs();
  const int64_t longest =
      std::max({c.retention.raw_ms, c.retention.rollup1m_ms, c.retention.rollup1h_ms});
  auto period = QueryDuration(req, "period", 86'400'000);
  if (!period.ok()) return BadRequest(period.status());
  if (*period < 15 * 60'000 || *period > longest) {
    return BadRequest(
        Status::InvalidArgument("period: must be between 15m and " + FormatDuration(longest)));
  }
  auto step = QueryDuration(req, "step", DefaultHistoryStep(*period, c.tick_ms));
  if (!step.ok()) return BadRequest(step.status());
  if (*step < c.tick_ms) {
    return BadRequest(Status::InvalidArgument("step: must be at least the tick (" +
                                              FormatDuration(c.tick_ms) + ")"));
  }
  if (*step > *period) {
    return BadRequest(Status::InvalidArgument("step: " + FormatDuration(*step) +
                                              " is longer than the period (" +
                                              FormatDuration(*period) + ")"));
  }
  const int64_t n = (*period + *step - 1) / *step;
  if (n > kMaxPoints) {
    return BadRequest(Status::InvalidArgument("step: " + FormatDuration(*step) + " gives " +
                                              std::to_string(n) +
                                              " points; at most 10000 per series"));
  }
  auto minmax = QueryBool(req, "minmax");
  if (!minmax.ok()) return BadRequest(minmax.status());
  const bool with_minmax = minmax->value_or(false);

  std::vector<std::string> fields;
  if (auto f = req.Query("fields"); f && !f->empty()) {
    size_t pos = 0;
    while (pos <= f->size()) {
      size_t end = f->find(',', pos);
      if (end == std::string::npos) end = f->size();
      std::string name = f->substr(pos, end - pos);
      if (!name.empty()) fields.push_back(name);
      pos = end + 1;
    }
  } else {
    for (const char* const* p = kResourcesViewFields; *p; ++p) fields.emplace_back(*p);
  }
  if (fields.size() > 64) return BadRequest(Status::InvalidArgument("fields: at most 64"));
  std::vector<FieldDesc> descs;
  for (const auto& f : fields) {
    auto d = ctx->catalog->Find(f);
    if (!d) return BadRequest(Status::InvalidArgument("fields: unknown field \"" + f + "\""));
    descs.push_back(*d);
  }
  const std::string host = req.Query("host").value_or("");
  const std::string bot = req.Query("bot").value_or("");
  const std::string channel = req.Query("channel").value_or("");

  // The coarsest tier whose period divides the step and still holds the whole period.
  Tier tier = Tier::kRaw;
  if (*step % 3'600'000 == 0 || *period > c.retention.rollup1m_ms) {
    tier = Tier::kRollup1h;
  } else if (*step % 60'000 == 0 || *period > c.retention.raw_ms) {
    tier = Tier::kRollup1m;
  }
  // Roll-up points cover whole minutes or hours: end the window on the tier's boundary (the
  // current, partial period included) so that every bucket holds whole periods.
  const int64_t tier_ms = tier == Tier::kRollup1h   ? 3'600'000
                          : tier == Tier::kRollup1m ? 60'000
                                                    : 0;
  const int64_t end = tier_ms ? (now + tier_ms - 1) / tier_ms * tier_ms : now;
  const int64_t t0 = end - *period;

  auto index_of = [&](int64_t t) -> int64_t {
    // Right-closed buckets: (t0 + i·step, t0 + (i+1)·step].
    if (t <= t0 || t > t0 + n * *step) return -1;
    return (t - t0 + *step - 1) / *step - 1;
  };

  // The period as the caller wrote it ("24h" stays "24h", A.5), or the default.
  const std::string period_text = req.Query("period").value_or("24h");
  std::string out = "{\"period\":" + JsonString(period_text) + ",\"from\":\"" +
                    FormatRfc3339Ms(t0) + "\",\"to\":\"" + FormatRfc3339Ms(end) +
                    "\",\"t0\":" + std::to_string(t0) + ",\"step_ms\":" + std::to_string(*step) +
                    ",\"tier\":\"" +
                    (tier == Tier::kRaw        ? "raw"
                     : tier == Tier::kRollup1m ? "1m"
                                               : "1h") +
                    "\",\"series\":[";
  bool first_series = true;
  for (size_t fi = 0; fi < fields.size(); ++fi) {
    const FieldDesc& d = descs[fi];
    const bool traffic = (d.dims & kDimBot) != 0;
    auto matched = ctx->series->Match([&](const SeriesDef& s) {
      if (s.field != d.name) return false;
      if (!host.empty() && host != "*" && s.host != host) return false;
      if (!traffic) return true;
      if (bot.empty() && channel.empty()) return s.bot.empty() && s.channel.empty();
      if (!bot.empty() && !EqualsIgnoreCase(s.bot, bot)) return false;
      if (channel.empty()) return s.channel.empty();
      return s.channel == channel;
    });
    // Group into output series: per host (and mount/gpu/service), or one for the cluster.
    std::map<std::tuple<std::string, std::string, std::string, std::string>, OutSeries> groups;
    for (const auto& si : matched) {
      const SeriesDef& s = si.def;
      auto key = host == "*" ? std::make_tuple(std::string("*"), std::string(), std::string(),
                                               std::string())
                             : std::make_tuple(s.host, s.mount, s.gpu, s.service);
      OutSeries& o = groups[key];
      if (o.field.empty()) {
        o.field = d.name;
        o.host = std::get<0>(key);
        o.bot = traffic ? bot : "";
        o.channel = traffic ? channel : "";
        o.mount = std::get<1>(key);
        o.gpu = std::get<2>(key);
        o.service = std::get<3>(key);
      }
      std::vector<Bucket> row(static_cast<size_t>(n));
      if (tier == Tier::kRaw) {
        auto samples = ctx->series->ReadRaw(s.id, t0 + 1, end);
        if (!samples.ok()) return InternalError(samples.status());
        for (const auto& p : *samples) {
          int64_t i = index_of(p.ts_ms);
          if (i >= 0) row[static_cast<size_t>(i)].Add(p.value, 1, p.value, p.value);
        }
      } else {
        auto pts = ctx->series->ReadRollup(s.id, tier, t0, end);
        if (!pts.ok()) return InternalError(pts.status());
        for (const auto& p : *pts) {
          // A roll-up point stands for its period; place it by the period's end.
          const int64_t period_end = p.t_ms + (tier == Tier::kRollup1h ? 3'600'000 : 60'000);
          int64_t i = index_of(std::min(period_end, now));
          if (i >= 0) row[static_cast<size_t>(i)].Add(p.sum, p.count, p.min, p.max);
        }
      }
      o.parts.push_back(std::move(row));
    }
    for (auto& [key, o] : groups) {
      if (!first_series) out += ',';
      first_series = false;
      out += "{\"field\":" + JsonString(o.field) + ",\"host\":" + JsonString(o.host) +
             ",\"bot\":" + JsonString(o.bot) + ",\"channel\":" + JsonString(o.channel);
      if (!o.mount.empty()) out += ",\"mount\":" + JsonString(o.mount);
      if (!o.gpu.empty()) out += ",\"gpu\":" + JsonString(o.gpu);
      if (!o.service.empty()) out += ",\"service\":" + JsonString(o.service);
      std::string values = ",\"values\":[", mins = ",\"min\":[", maxs = ",\"max\":[";
      for (int64_t i = 0; i < n; ++i) {
        // Combine the matched series of this bucket by the field's "across" rule.
        double v = 0, mn = 0, mx = 0;
        int parts = 0;
        for (const auto& row : o.parts) {
          const Bucket& b = row[static_cast<size_t>(i)];
          if (b.count == 0) continue;
          const double bv = BucketValue(d, b);
          if (parts == 0) {
            v = bv;
            mn = b.min;
            mx = b.max;
          } else {
            switch (d.across) {
              case Across::kSum:
                v += bv;
                mn += b.min;
                mx += b.max;
                break;
              case Across::kMax:
              case Across::kSketch:
                v = std::max(v, bv);
                mn = std::max(mn, b.min);
                mx = std::max(mx, b.max);
                break;
              case Across::kMin:
                v = std::min(v, bv);
                mn = std::min(mn, b.min);
                mx = std::min(mx, b.max);
                break;
              case Across::kMean:
              case Across::kRatio:
                v += bv;  // averaged below
                mn = std::min(mn, b.min);
                mx = std::max(mx, b.max);
                break;
            }
          }
          ++parts;
        }
        if ((d.across == Across::kMean || d.across == Across::kRatio) && parts > 1) v /= parts;
        const char* sep = i ? "," : "";
        values += sep;
        mins += sep;
        maxs += sep;
        if (parts == 0) {
          values += "null";
          mins += "null";
          maxs += "null";
        } else {
          AppendJsonNumber(&values, std::round(v * 1000) / 1000);
          AppendJsonNumber(&mins, mn);
          AppendJsonNumber(&maxs, mx);
        }
      }
      out += values + "]";
      if (with_minmax) out += mins + "]" + maxs + "]";
      out += '}';
    }
  }
  out += "]}";
  return Response::Json(200, std::move(out));
}

}  // namespace botmon
