// RunRuleTest: the series of a `botmon rules test` file fed through the Backtester
// (alert/rule_test_file.h).
#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>

#include "alert/backtest.h"
#include "alert/rule_parse.h"
#include "alert/rule_test_file.h"
#include "core/duration.h"
#include "core/json_escape.h"
#include "series/fields.h"

namespace botmon {
namespace {

// A fixed, day-aligned epoch for offset 0 (the evaluator treats time 0 as "unset").
constexpr int64_t kBaseMs = 1'599'955'200'000;  // 2020-09-13T00:00:00Z

Across AcrossOf(const std::string& field) {
  if (const FieldInfo* f = FindBuiltinField(field)) return f->across;
  return Across::kSum;  // custom fields combine by sum (field_catalog.h)
}

// The combination of several series' values by the field's "across" rule, as the evaluator
// combines a group's series.
double Combine(Across a, const std::vector<double>& v) {
  double sum = 0, mn = std::numeric_limits<double>::infinity(), mx = -mn;
  for (double x : v) {
    sum += x;
    mn = std::min(mn, x);
    mx = std::max(mx, x);
  }
  switch (a) {
    case Across::kMax:
    case Across::kSketch:
      return mx;
    case Across::kMin:
      return mn;
    case Across::kSum:
      return sum;
    case Across::kMean:
    case Across::kRatio:
      return sum / static_cast<double>(v.size());
  }
  return sum;
}

bool IsTraffic(const std::string& field) {
  for (const auto& d : FieldDimensions(field)) {
    if (d == "bot") return true;
  }
  return false;
}

// One tick's values: the given samples, plus the coarser traffic levels not given explicitly.
std::vector<TickValue> TickValuesAt(const std::vector<RuleTestSeries>& series,
                                    const std::set<SeriesKey>& given, size_t i) {
  std::vector<TickValue> out;
  std::map<SeriesKey, std::vector<double>> per_bot, per_host;
  for (const auto& s : series) {
    if (i >= s.values.size() || !s.values[i]) continue;
    out.push_back({s.key, *s.values[i]});
  }
  for (const auto& v : std::vector<TickValue>(out)) {
    if (!IsTraffic(v.key.field) || v.key.channel.empty() || v.key.bot.empty()) continue;
    SeriesKey up = v.key;
    up.channel.clear();
    if (!given.count(up)) per_bot[up].push_back(v.value);
  }
  for (const auto& [k, vals] : per_bot) out.push_back({k, Combine(AcrossOf(k.field), vals)});
  for (const auto& v : std::vector<TickValue>(out)) {
    if (!IsTraffic(v.key.field) || v.key.bot.empty() || !v.key.channel.empty()) continue;
    SeriesKey up = v.key;
    up.bot.clear();
    if (!given.count(up)) per_host[up].push_back(v.value);
  }
  for (const auto& [k, vals] : per_host) out.push_back({k, Combine(AcrossOf(k.field), vals)});
  return out;
}

std::string GroupText(const Group& g, const Rule* rule) {
  std::vector<std::string> order;
  if (rule) order = rule->group_by;
  for (const auto& [k, v] : g) {
    if (std::find(order.begin(), order.end(), k) == order.end()) order.push_back(k);
  }
  std::string out;
  for (const auto& k : order) {
    auto it = g.find(k);
    if (it == g.end()) continue;
    const bool plain =
        !it->second.empty() && it->second.find_first_of(" \"=\t") == std::string::npos;
    out += " " + k + "=" + (plain ? it->second : JsonString(it->second));
  }
  return out;
}

bool SameValue(double a, double b) {
  return a == b || std::fabs(a - b) <= 1e-9 * std::max(std::fabs(a), std::fabs(b));
}

}  // namespace

std::string FormatOffset(int64_t ms) { return "+" + FormatDuration(ms); }

RuleTestOutput RunRuleTest(const RuleTestFile& file, const std::vector<Rule>& rules) {
  RuleTestOutput out;
  std::map<std::string, const Rule*> by_name;
  for (const Rule& r : rules) by_name[r.name] = &r;
  for (const auto& x : file.expect) {
    if (!by_name.count(x.rule)) {
      out.err += file.path + ":" + std::to_string(x.line) + ": expect: rule " + JsonString(x.rule) +
                 ": no such rule in rules or ruleFiles\n";
    }
  }
  if (!out.err.empty()) {
    out.exit_code = 2;
    return out;
  }
  size_t ticks = 0;
  std::set<SeriesKey> given;
  for (const auto& s : file.series) {
    ticks = std::max(ticks, s.values.size());
    given.insert(s.key);
  }
  if (file.until_ms) ticks = std::max<size_t>(ticks, *file.until_ms / file.tick_ms + 1);
  ticks = std::min(ticks, kMaxRuleTestTicks);

  Backtester bt(rules, file.tick_ms, nullptr);
  for (size_t i = 0; i < ticks; ++i) {
    bt.Step(
        {kBaseMs + static_cast<int64_t>(i) * file.tick_ms, TickValuesAt(file.series, given, i)});
  }
  const BacktestResult res = bt.Finish();
  const int64_t last = static_cast<int64_t>(ticks - 1) * file.tick_ms;

  for (const auto& tr : res.transitions) {
    const char* what = tr.transition == Transition::kOpened     ? "OPEN"
                       : tr.transition == Transition::kResolved ? "RESOLVE"
                                                                : nullptr;
    if (!what) continue;
    auto r = by_name.find(tr.rule);
    out.out += FormatOffset(tr.at_ms - kBaseMs) + " " + what + " " + JsonString(tr.rule) +
               GroupText(tr.group, r == by_name.end() ? nullptr : r->second) +
               " value=" + (tr.value ? FormatRuleNumber(*tr.value) : std::string("none")) + "\n";
  }

  int failures = 0;
  auto fail = [&](const std::string& line) {
    out.out += line + "\n";
    ++failures;
  };
  for (const auto& x : file.expect) {
    const Rule* rule = by_name[x.rule];
    std::vector<const BacktestIncident*> mine;
    for (const auto& inc : res.incidents) {
      if (inc.rule == x.rule && (!x.group || inc.group == *x.group)) mine.push_back(&inc);
    }
    const std::string who = "FAIL " + file.path + ":" + std::to_string(x.line) + ": rule " +
                            JsonString(x.rule) +
                            (x.group ? GroupText(*x.group, rule) : std::string()) + ": ";
    auto openings = [&] {
      std::string s;
      for (const auto* inc : mine)
        s += (s.empty() ? "" : ", ") + FormatOffset(inc->start_ms - kBaseMs);
      return s;
    };
    if (x.never_opens) {
      if (!mine.empty()) fail(who + "expected never to open; it opened at " + openings());
      continue;
    }
    const BacktestIncident* hit = nullptr;
    for (const auto* inc : mine) {
      if (inc->start_ms - kBaseMs == x.opens_at_ms) hit = inc;
    }
    if (!hit) {
      fail(who + "expected to open at " + FormatOffset(x.opens_at_ms) + "; " +
           (mine.empty() ? std::string("it never opened") : "it opened at " + openings()));
      continue;
    }
    if (x.resolves_at_ms || x.never_resolves) {
      const std::string want =
          x.never_resolves ? "to stay open" : "to resolve at " + FormatOffset(*x.resolves_at_ms);
      const std::string got = hit->end_ms
                                  ? "it resolved at " + FormatOffset(*hit->end_ms - kBaseMs)
                                  : "it was still open at the end (" + FormatOffset(last) + ")";
      const bool met = x.never_resolves
                           ? !hit->end_ms
                           : hit->end_ms && *hit->end_ms - kBaseMs == *x.resolves_at_ms;
      if (!met) fail(who + "expected " + want + "; " + got);
    }
    if (x.value && !SameValue(*x.value, hit->trigger_value)) {
      fail(who + "expected triggerValue " + FormatRuleNumber(*x.value) + "; it was " +
           FormatRuleNumber(hit->trigger_value));
    }
  }
  out.exit_code = failures > 0 ? 1 : 0;
  return out;
}

}  // namespace botmon
