// SPEC 7.2's state machine, one evaluation at a time.
#include "alert/state_machine.h"

#include <gtest/gtest.h>

namespace botmon {
namespace {

constexpr int64_t kTick = 10'000;

Rule CpuRule() {
  Rule r;
  r.name = " High CPU Usage ";
  r.field = "cpu.usage";
  r.aggregation = Aggregation::kAvg;
  r.operand = Operand::kEqualOrMoreThan;
  r.value = 60;
  r.timeframe_ms = 120'000;
  return r;
}

// Steps through `values` one tick apart from t = kTick; returns the transitions.
std::vector<Transition> RunTicks(const Rule& rule, const std::vector<std::optional<double>>& values,
                                 GroupState* st, int64_t start = kTick) {
  std::vector<Transition> out;
  int64_t t = start;
  for (const auto& v : values) {
    out.push_back(StepRule(rule, rule.WindowMs(kTick), v, t, false, st).transition);
    t += kTick;
  }
  return out;
}

using T = Transition;

TEST(StateMachineTest, ForZeroOpensAtOnceAndResolvesOnFirstFalse) {
  GroupState st;
  auto tr = RunTicks(CpuRule(), {50, 60, 70, 59.9, 40}, &st);
  EXPECT_EQ(tr, (std::vector<T>{T::kNone, T::kOpened, T::kNone, T::kResolved, T::kNone}));
  EXPECT_EQ(st.state, RuleState::kInactive);
}

TEST(StateMachineTest, ForWaitsAndOneFalseCancels) {
  Rule r = CpuRule();
  r.for_ms = 2 * kTick;
  GroupState st;
  auto tr = RunTicks(r, {70, 70, 50, 70, 70, 70}, &st);
  EXPECT_EQ(tr, (std::vector<T>{T::kPending, T::kNone, T::kCancelled, T::kPending, T::kNone,
                                T::kOpened}));
  EXPECT_EQ(st.state, RuleState::kFiring);
}

TEST(StateMachineTest, ClearValueIsHysteresisStrictlyPast) {
  Rule r = CpuRule();
  r.clear_value = 55;
  GroupState st;
  auto tr = RunTicks(r, {70, 58, 55, 54.9}, &st);
  EXPECT_EQ(tr, (std::vector<T>{T::kOpened, T::kNone, T::kNone, T::kResolved}));
}

TEST(StateMachineTest, ClearForNeedsAContinuousRun) {
  Rule r = CpuRule();
  r.clear_for_ms = 2 * kTick;
  GroupState st;
  auto tr = RunTicks(r, {70, 50, 50, 70, 50, 50, 50}, &st);
  EXPECT_EQ(tr, (std::vector<T>{T::kOpened, T::kNone, T::kNone, T::kNone, T::kNone, T::kNone,
                                T::kResolved}));
}

TEST(StateMachineTest, CooldownBlocksThenStartsFresh) {
  Rule r = CpuRule();
  r.cooldown_ms = 3 * kTick;
  GroupState st;
  auto tr = RunTicks(r, {70, 50, 70, 70, 70, 70}, &st);
  // Resolved at t=2; cooldown until t=5: t=3,4 blocked; t=5 ends it and opens again.
  EXPECT_EQ(tr,
            (std::vector<T>{T::kOpened, T::kResolved, T::kNone, T::kNone, T::kOpened, T::kNone}));
}

TEST(StateMachineTest, NoDataPolicies) {
  Rule keep = CpuRule();
  GroupState st;
  EXPECT_EQ(RunTicks(keep, {70, std::nullopt, std::nullopt}, &st),
            (std::vector<T>{T::kOpened, T::kNone, T::kNone}));
  EXPECT_EQ(st.state, RuleState::kFiring);

  Rule ok = CpuRule();
  ok.no_data = NoData::kOk;
  st = {};
  EXPECT_EQ(RunTicks(ok, {70, std::nullopt}, &st), (std::vector<T>{T::kOpened, T::kResolved}));

  Rule alerting = CpuRule();
  alerting.no_data = NoData::kAlerting;
  st = {};
  EXPECT_EQ(RunTicks(alerting, {std::nullopt, 10}, &st),
            (std::vector<T>{T::kOpened, T::kResolved}));

  // A stale node suspends no-data handling.
  st = {};
  EXPECT_EQ(StepRule(alerting, kTick, std::nullopt, kTick, true, &st).transition, T::kNone);
}

TEST(StateMachineTest, StartUpRuleForLessOrEqualSumAndCount) {
  // Botpress's "No more incoming events": sum(eventsIn.count) ≤ 0 over 1m.
  Rule r;
  r.name = "No more incoming events";
  r.field = "eventsIn.count";
  r.aggregation = Aggregation::kSum;
  r.operand = Operand::kEqualOrLessThan;
  r.value = 0;
  r.timeframe_ms = 60'000;
  GroupState st;
  std::vector<std::optional<double>> zeros(8, 0.0);
  auto tr = RunTicks(r, zeros, &st);
  // First seen at t=10s; evaluated from t=70s (index 6) on.
  std::vector<T> want(8, T::kNone);
  want[6] = T::kOpened;
  EXPECT_EQ(tr, want);

  // equalOrMoreThan rules evaluate partial windows at once.
  Rule errors;
  errors.field = "errors.count";
  errors.aggregation = Aggregation::kSum;
  errors.value = 10;
  errors.timeframe_ms = 60'000;
  st = {};
  EXPECT_EQ(RunTicks(errors, {12}, &st), (std::vector<T>{T::kOpened}));
}

TEST(StateMachineTest, StateRoundTripsThroughJson) {
  GroupState st;
  st.state = RuleState::kCooldown;
  st.since_ms = 5;
  st.pending_since_ms = 3;
  st.clear_since_ms = 4;
  st.cooldown_until_ms = 99;
  st.incident_id = "abc";
  st.last_value = 1.5;
  st.first_seen_ms = 1;
  st.last_notified_ms = 2;
  EXPECT_EQ(GroupStateFromJson(GroupStateToJson(st)), st);
  EXPECT_EQ(GroupStateFromJson(nlohmann::json::parse(R"({"state":"bogus"})")).state,
            RuleState::kInactive);
  EXPECT_EQ(GroupStateFromJson(nullptr).state, RuleState::kInactive);
}

}  // namespace
}  // namespace botmon
