// config.csv's alert-* keys -> rules and channels (SPEC 3, Appendix A.8). Declared in
// rule_sources.h.
#include <charconv>
#include <cmath>
#include <map>
#include <string_view>
#include <utility>

#include "alert/rule_sources.h"
#include "config/keys.h"
#include "core/duration.h"

namespace botmon {
namespace {

using json = nlohmann::json;
using config_internal::Quoted;

constexpr int64_t kMinuteMs = 60'000;

// One threshold key of A.8 and the rule it makes.
struct CsvRuleSpec {
  std::string_view key;
  std::string_view for_key;
  std::string_view name;
  std::string_view field;
  int64_t default_timeframe_ms;
  bool percent;    // a percentage (0..100, may end in %), else milliseconds (may end in ms)
  bool match_bot;  // match {bot: <the file's bot>}
};

constexpr CsvRuleSpec kCsvRules[] = {
    {"alert-cpu-threshold", "alert-cpu-for-minutes", "CPU Usage", "cpu.usage", 5 * kMinuteMs, true,
     false},
    {"alert-memory-threshold", "alert-memory-for-minutes", "Memory Usage", "mem.usage",
     5 * kMinuteMs, true, false},
    // disk.usage combines across mounts by max (SPEC 1.1), so groupBy [host] is "max over
    // mounts".
    {"alert-disk-threshold", "alert-disk-for-minutes", "Disk Usage", "disk.usage", 5 * kMinuteMs,
     true, false},
    {"alert-response-time-ms", "alert-response-time-for-minutes", "Response Time",
     "response.latency_avg", 3 * kMinuteMs, false, true},
};

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// "a@x; b@y" -> ["a@x", "b@y"] (also ',' as a separator, empty parts dropped).
std::vector<std::string> SplitList(std::string_view s) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == ';' || s[i] == ',') {
      std::string_view part = Trim(s.substr(start, i - start));
      if (!part.empty()) out.emplace_back(part);
      start = i + 1;
    }
  }
  return out;
}

bool IsHttpUrl(std::string_view s) {
  return (s.rfind("http://", 0) == 0 && s.size() > 7) ||
         (s.rfind("https://", 0) == 0 && s.size() > 8);
}

class CsvMapper {
 public:
  CsvMapper(const BotCsvConfig& file, bool qualify, int64_t max_timeframe_ms, ConfigCsvRules* out)
      : file_(file), max_timeframe_ms_(max_timeframe_ms), out_(out) {
    if (qualify) qualifier_ = " (" + file.bot + ")";
    // Later lines win (LoadConfig warns about the repetition).
    for (const CsvEntry& e : file.alerts) last_[e.key] = &e;
  }

  void Run() {
    MapChannels();
    for (const CsvRuleSpec& spec : kCsvRules) MapRule(spec);
  }

 private:
  void Error(const CsvEntry& e, std::string message) {
    out_->errors.push_back({file_.file, e.line, 0, "", "", e.key, std::move(message)});
  }
  void Warn(const CsvEntry& e, std::string message) {
    out_->warnings.push_back({file_.file, e.line, 0, "", "", e.key, std::move(message)});
  }

  // The entry for `key` with a non-empty value; an empty value is warned about and ignored.
  const CsvEntry* Find(std::string_view key) {
    auto it = last_.find(std::string(key));
    if (it == last_.end()) return nullptr;
    if (Trim(it->second->value).empty()) {
      Warn(*it->second, "empty value; ignored");
      return nullptr;
    }
    return it->second;
  }

  void AddChannel(const CsvEntry& e, json item) {
    std::string name = item["name"].get<std::string>() + qualifier_;
    item["name"] = name;
    out_->channels.push_back(RawItem{std::move(item), file_.file, e.line, 0});
    channel_names_.push_back(std::move(name));
  }

  void MapChannels() {
    if (const CsvEntry* e = Find("alert-email")) {
      std::vector<std::string> to = SplitList(e->value);
      if (to.empty()) {
        Error(*e, "no e-mail address (separate several with ;)");
      } else {
        AddChannel(*e, {{"name", "email"}, {"kind", "email"}, {"to", to}});
      }
    }
    if (const CsvEntry* e = Find("alert-slack-webhook")) {
      std::string url(Trim(e->value));
      if (!IsHttpUrl(url)) {
        Error(*e, Quoted(url) + " is not an http(s) URL");
      } else {
        AddChannel(*e, {{"name", "slack"}, {"kind", "slack"}, {"url", url}});
      }
    }
    const CsvEntry* secret = Find("alert-webhook-secret");
    if (const CsvEntry* e = Find("alert-webhook-url")) {
      std::string url(Trim(e->value));
      if (!IsHttpUrl(url)) {
        Error(*e, Quoted(url) + " is not an http(s) URL");
      } else {
        json item = {{"name", "webhook"}, {"kind", "webhook"}, {"url", url}};
        if (secret != nullptr) item["secret"] = std::string(Trim(secret->value));
        AddChannel(*e, std::move(item));
      }
    } else if (secret != nullptr) {
      Warn(*secret, "no alert-webhook-url in this file; ignored");
    }
    if (const CsvEntry* e = Find("alert-sms-to")) {
      std::vector<std::string> to = SplitList(e->value);
      if (to.empty()) {
        Error(*e, "no phone number (separate several with ;)");
      } else {
        AddChannel(*e, {{"name", "sms"}, {"kind", "sms"}, {"to", to}});
      }
    }
  }

  // "80", "80%", "80 %" (percent) or "5000", "5000ms" (milliseconds).
  bool ParseThreshold(const CsvEntry& e, bool percent, double* out) {
    std::string_view v = Trim(e.value);
    const std::string_view unit = percent ? "%" : "ms";
    if (v.size() > unit.size() && v.substr(v.size() - unit.size()) == unit) {
      v = Trim(v.substr(0, v.size() - unit.size()));
    }
    double d = 0;
    auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), d);
    if (v.empty() || ec != std::errc() || ptr != v.data() + v.size() || !std::isfinite(d)) {
      Error(e, Quoted(Trim(e.value)) + " is not a number" +
                   (percent ? " (e.g. 80 or 80%)" : " (e.g. 5000 or 5000ms)"));
      return false;
    }
    if (percent && (d < 0 || d > 100)) {
      Error(e, Quoted(Trim(e.value)) + " is not a percentage between 0 and 100");
      return false;
    }
    if (!percent && d < 0) {
      Error(e, Quoted(Trim(e.value)) + " must not be negative");
      return false;
    }
    *out = d;
    return true;
  }

  // "N" whole minutes; 0 = one tick.
  bool ParseForMinutes(const CsvEntry& e, int64_t* out_ms) {
    std::string_view v = Trim(e.value);
    int64_t n = 0;
    auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    if (v.empty() || ec != std::errc() || ptr != v.data() + v.size() || n < 0) {
      Error(e, Quoted(v) + " is not a whole number of minutes (0 = one tick)");
      return false;
    }
    if (n > max_timeframe_ms_ / kMinuteMs) {
      Error(e, std::to_string(n) + " minutes is longer than retention.raw (" +
                   FormatDuration(max_timeframe_ms_) + ")");
      return false;
    }
    *out_ms = n * kMinuteMs;
    return true;
  }

  void MapRule(const CsvRuleSpec& spec) {
    const CsvEntry* threshold = Find(spec.key);
    const CsvEntry* for_minutes = Find(spec.for_key);
    if (threshold == nullptr) {
      if (for_minutes != nullptr) {
        Warn(*for_minutes, "no " + std::string(spec.key) + " in this file; ignored");
      }
      return;
    }
    Rule r;
    bool ok = ParseThreshold(*threshold, spec.percent, &r.value);
    r.timeframe_ms = spec.default_timeframe_ms;
    if (for_minutes != nullptr) ok = ParseForMinutes(*for_minutes, &r.timeframe_ms) && ok;
    if (spec.default_timeframe_ms > max_timeframe_ms_ && for_minutes == nullptr) {
      Error(*threshold, FormatDuration(spec.default_timeframe_ms) +
                            " (the default window) is longer than retention.raw (" +
                            FormatDuration(max_timeframe_ms_) + "); set " +
                            std::string(spec.for_key));
      ok = false;
    }
    if (!ok) return;
    r.name = std::string(spec.name) + qualifier_;
    r.field = std::string(spec.field);
    r.aggregation = Aggregation::kAvg;
    r.operand = Operand::kEqualOrMoreThan;
    r.severity = Severity::kWarning;
    r.group_by = {"host"};
    if (spec.match_bot) r.match["bot"] = file_.bot;
    r.channels = channel_names_;
    r.source = RuleSource::kConfigCsv;
    r.file = file_.file;
    r.line = threshold->line;
    out_->rules.push_back(std::move(r));
  }

  const BotCsvConfig& file_;
  const int64_t max_timeframe_ms_;
  ConfigCsvRules* out_;
  std::string qualifier_;
  std::map<std::string, const CsvEntry*> last_;
  std::vector<std::string> channel_names_;  // this file's channels, for its rules
};

}  // namespace

ConfigCsvRules RulesFromConfigCsv(const std::vector<BotCsvConfig>& files,
                                  int64_t max_timeframe_ms) {
  ConfigCsvRules out;
  for (const BotCsvConfig& f : files) {
    CsvMapper(f, files.size() > 1, max_timeframe_ms, &out).Run();
  }
  return out;
}

}  // namespace botmon
