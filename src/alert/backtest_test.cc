#include "alert/backtest.h"

#include <gtest/gtest.h>

#include "alert/evaluator.h"

namespace botmon {
namespace {

constexpr int64_t kT0 = 1'700'000'000'000;
constexpr int64_t kTick = 10'000;

Rule CpuRule() {
  Rule r;
  r.name = "High CPU";
  r.field = "cpu.usage";
  r.aggregation = Aggregation::kAvg;
  r.operand = Operand::kEqualOrMoreThan;
  r.value = 60;
  r.timeframe_ms = 30'000;
  return r;
}

ClosedTickValues Tick(int i, std::vector<std::pair<std::string, double>> host_values) {
  ClosedTickValues t{kT0 + i * kTick, {}};
  for (auto& [host, v] : host_values) {
    SeriesKey k;
    k.field = "cpu.usage";
    k.host = host;
    t.values.push_back({k, v});
  }
  return t;
}

// The live path, for comparison: the Evaluator stepped tick by tick as App::Tick does.
std::vector<EvalTransition> Live(const std::vector<Rule>& rules,
                                 const std::vector<ClosedTickValues>& ticks) {
  Evaluator ev(nullptr, kTick);
  ev.SetRules(rules);
  std::vector<EvalTransition> out;
  for (const auto& t : ticks) {
    ev.AddTick(t.t_ms, t.values);
    for (auto& tr : ev.Evaluate(t.t_ms)) {
      if (tr.transition != Transition::kNone) out.push_back(tr);
    }
  }
  return out;
}

TEST(Backtest, IncidentsMatchTheLiveEvaluatorTickForTick) {
  std::vector<ClosedTickValues> ticks;
  const double a[] = {10, 10, 90, 90, 90, 10, 10, 10, 10, 95, 95, 95, 95, 95};
  for (int i = 0; i < 14; ++i) ticks.push_back(Tick(i, {{"a", a[i]}, {"b", 20}}));
  BacktestInput in;
  in.rules = {CpuRule()};
  in.tick_ms = kTick;
  in.ticks = ticks;
  BacktestResult res = RunBacktest(in);
  EXPECT_EQ(res.evaluations, 28u);  // 14 ticks x 2 groups
  EXPECT_EQ(res.groups, 2u);
  ASSERT_EQ(res.incidents.size(), 2u);
  // avg over 30s: ticks 2..4 → (10+90+90)/3 = 63.3 at tick 3.
  EXPECT_EQ(res.incidents[0].start_ms, kT0 + 3 * kTick);
  EXPECT_NEAR(res.incidents[0].trigger_value, 190.0 / 3, 1e-9);
  EXPECT_EQ(res.incidents[0].group, (Group{{"host", "a"}}));
  ASSERT_TRUE(res.incidents[0].end_ms);
  EXPECT_EQ(*res.incidents[0].end_ms, kT0 + 6 * kTick);  // (90+10+10)/3 < 60
  EXPECT_EQ(res.incidents[1].start_ms, kT0 + 10 * kTick);
  EXPECT_FALSE(res.incidents[1].end_ms);  // still open at the end

  // The same transitions, at the same times and with the same values, as the live evaluator.
  auto live = Live(in.rules, ticks);
  ASSERT_EQ(live.size(), res.transitions.size());
  for (size_t i = 0; i < live.size(); ++i) {
    EXPECT_EQ(live[i].at_ms, res.transitions[i].at_ms);
    EXPECT_EQ(live[i].transition, res.transitions[i].transition);
    EXPECT_EQ(live[i].value, res.transitions[i].value);
  }
}

TEST(Backtest, WarmupPrimesWindowsWithoutEvaluating) {
  BacktestInput in;
  in.rules = {CpuRule()};
  in.tick_ms = kTick;
  // Busy before the period: the first evaluated tick already sees a full window.
  for (int i = 0; i < 3; ++i) in.warmup.push_back(Tick(i, {{"a", 90}}));
  in.ticks.push_back(Tick(3, {{"a", 30}}));
  BacktestResult res = RunBacktest(in);
  EXPECT_EQ(res.evaluations, 1u);
  ASSERT_EQ(res.incidents.size(), 1u);
  EXPECT_EQ(res.incidents[0].start_ms, kT0 + 3 * kTick);
  EXPECT_DOUBLE_EQ(res.incidents[0].trigger_value, 70);  // (90+90+30)/3

  // Without the warm-up, the same tick alone does not open.
  in.warmup.clear();
  EXPECT_TRUE(RunBacktest(in).incidents.empty());
}

TEST(Backtest, TicksWithoutSamplesAreStillEvaluated) {
  Rule r = CpuRule();
  r.aggregation = Aggregation::kMax;
  r.timeframe_ms = 20'000;
  BacktestInput in;
  in.rules = {r};
  in.tick_ms = kTick;
  in.ticks.push_back(Tick(0, {{"a", 90}}));
  in.ticks.push_back({kT0 + kTick, {}});  // no sample: the window still moves
  in.ticks.push_back({kT0 + 2 * kTick, {}});
  BacktestResult res = RunBacktest(in);
  ASSERT_EQ(res.incidents.size(), 1u);
  EXPECT_EQ(res.incidents[0].start_ms, kT0);
  // At +20s the window (0s, 20s] holds nothing: max is no data, noData keep: still open.
  EXPECT_FALSE(res.incidents[0].end_ms);
  EXPECT_EQ(res.evaluations, 3u);
}

TEST(Backtest, DisabledRulesAreBacktestedAndCooldownIsHonoured) {
  Rule r = CpuRule();
  r.enabled = false;
  r.timeframe_ms = 0;  // one tick
  r.cooldown_ms = 30'000;
  BacktestInput in;
  in.rules = {r};
  in.tick_ms = kTick;
  const double v[] = {90, 10, 90, 90, 90, 90};
  for (int i = 0; i < 6; ++i) in.ticks.push_back(Tick(i, {{"a", v[i]}}));
  BacktestResult res = RunBacktest(in);
  ASSERT_EQ(res.incidents.size(), 2u);
  EXPECT_EQ(res.incidents[0].start_ms, kT0);
  EXPECT_EQ(*res.incidents[0].end_ms, kT0 + kTick);
  // Cooldown until +40s: the second incident opens then, not at +20s.
  EXPECT_EQ(res.incidents[1].start_ms, kT0 + 4 * kTick);
}

TEST(Backtest, NoDataAlertingOpensWithZero) {
  Rule r = CpuRule();
  r.no_data = NoData::kAlerting;
  r.timeframe_ms = 0;
  BacktestInput in;
  in.rules = {r};
  in.tick_ms = kTick;
  in.ticks.push_back(Tick(0, {{"a", 10}}));
  in.ticks.push_back({kT0 + kTick, {}});
  BacktestResult res = RunBacktest(in);
  ASSERT_EQ(res.incidents.size(), 1u);
  EXPECT_EQ(res.incidents[0].start_ms, kT0 + kTick);
  EXPECT_EQ(res.incidents[0].trigger_value, 0);
}

}  // namespace
}  // namespace botmon
