// The per-(rule, group) state machine of SPEC 7.2:
//   inactive → pending → firing → (resolved) → cooldown → inactive
// A pure function of the rule, the state and one evaluation, so that the live evaluator, the
// backtest and `botmon rules test` step through exactly the same transitions.
//
// Thread-compatible values.
#ifndef BOTMON_ALERT_STATE_MACHINE_H_
#define BOTMON_ALERT_STATE_MACHINE_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "alert/rule.h"

namespace botmon {

enum class RuleState : uint8_t { kInactive, kPending, kFiring, kCooldown };
std::string_view RuleStateName(RuleState s);  // "inactive" | "pending" | "firing" | "cooldown"

// What the evaluator remembers for one rule and group; persisted with every transition.
struct GroupState {
  RuleState state = RuleState::kInactive;
  int64_t since_ms = 0;  // when the current state began
  std::optional<int64_t> pending_since_ms;
  std::optional<int64_t> clear_since_ms;  // firing: start of the current run of "clear" ticks
  int64_t cooldown_until_ms = 0;
  std::string incident_id;           // the open incident while firing
  std::optional<double> last_value;  // the last aggregate (absent: no data)
  int64_t first_seen_ms = 0;         // the group's first evaluation (start-up rule)
  int64_t last_notified_ms = 0;      // for `repeat`

  bool operator==(const GroupState&) const = default;
};

nlohmann::json GroupStateToJson(const GroupState& s);
// Tolerant of missing members (an older row); unknown state names read as inactive.
GroupState GroupStateFromJson(const nlohmann::json& j);

enum class Transition : uint8_t {
  kNone,
  kPending,    // inactive → pending
  kCancelled,  // pending → inactive (one false evaluation)
  kOpened,     // → firing: open an incident (triggerValue = value)
  kResolved,   // firing → cooldown or inactive: resolve the incident
  kCooled,     // cooldown → inactive
};
std::string_view TransitionName(Transition t);

struct StepResult {
  Transition transition = Transition::kNone;
  // Also set when only the state's bookkeeping changed (clear_since, first_seen, last_value):
  // the caller persists the state when `changed`.
  bool changed = false;
};

// True when `value` meets the rule's condition (inclusive, as Botpress).
bool ConditionHolds(const Rule& rule, double value);
// True when `value` is past the rule's clear threshold (clearValue, strictly; else the negated
// condition).
bool ClearHolds(const Rule& rule, double value);

// One evaluation at `now_ms` with the window's aggregate (`value` nullopt: no data — only
// possible for avg/min/max/last/pXX). `window_ms` is the rule's window at the tick in force.
// `stale`: the group's node is stale (SPEC 7.6): no-data handling is suspended.
// Applies the empty-window and start-up rules: equalOrLessThan rules on sum/count are not
// evaluated until a full window has passed since the group's first evaluation.
StepResult StepRule(const Rule& rule, int64_t window_ms, std::optional<double> value,
                    int64_t now_ms, bool stale, GroupState* state);

}  // namespace botmon

#endif  // BOTMON_ALERT_STATE_MACHINE_H_
