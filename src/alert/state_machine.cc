#include "alert/state_machine.h"

namespace botmon {

std::string_view RuleStateName(RuleState s) {
  switch (s) {
    case RuleState::kInactive:
      return "inactive";
    case RuleState::kPending:
      return "pending";
    case RuleState::kFiring:
      return "firing";
    case RuleState::kCooldown:
      return "cooldown";
  }
  return "inactive";
}

std::string_view TransitionName(Transition t) {
  switch (t) {
    case Transition::kNone:
      return "none";
    case Transition::kPending:
      return "pending";
    case Transition::kCancelled:
      return "cancelled";
    case Transition::kOpened:
      return "opened";
    case Transition::kResolved:
      return "resolved";
    case Transition::kCooled:
      return "cooled";
  }
  return "none";
}

nlohmann::json GroupStateToJson(const GroupState& s) {
  nlohmann::json j = {{"state", RuleStateName(s.state)},      {"since", s.since_ms},
                      {"cooldownUntil", s.cooldown_until_ms}, {"incidentId", s.incident_id},
                      {"firstSeen", s.first_seen_ms},         {"lastNotified", s.last_notified_ms}};
  if (s.pending_since_ms) j["pendingSince"] = *s.pending_since_ms;
  if (s.clear_since_ms) j["clearSince"] = *s.clear_since_ms;
  if (s.last_value) j["lastValue"] = *s.last_value;
  return j;
}

GroupState GroupStateFromJson(const nlohmann::json& j) {
  GroupState s;
  if (!j.is_object()) return s;
  auto str = j.value("state", std::string("inactive"));
  if (str == "pending") s.state = RuleState::kPending;
  if (str == "firing") s.state = RuleState::kFiring;
  if (str == "cooldown") s.state = RuleState::kCooldown;
  s.since_ms = j.value("since", int64_t{0});
  s.cooldown_until_ms = j.value("cooldownUntil", int64_t{0});
  s.incident_id = j.value("incidentId", std::string());
  s.first_seen_ms = j.value("firstSeen", int64_t{0});
  s.last_notified_ms = j.value("lastNotified", int64_t{0});
  if (j.contains("pendingSince") && j["pendingSince"].is_number_integer()) {
    s.pending_since_ms = j["pendingSince"].get<int64_t>();
  }
  if (j.contains("clearSince") && j["clearSince"].is_number_integer()) {
    s.clear_since_ms = j["clearSince"].get<int64_t>();
  }
  if (j.contains("lastValue") && j["lastValue"].is_number()) {
    s.last_value = j["lastValue"].get<double>();
  }
  return s;
}

bool ConditionHolds(const Rule& rule, double value) {
  return rule.operand == Operand::kEqualOrMoreThan ? value >= rule.value : value <= rule.value;
}

bool ClearHolds(const Rule& rule, double value) {
  if (rule.clear_value) {
    return rule.operand == Operand::kEqualOrMoreThan ? value < *rule.clear_value
                                                     : value > *rule.clear_value;
  }
  return !ConditionHolds(rule, value);
}

namespace {

bool IsSumOrCount(Aggregation a) { return a == Aggregation::kSum || a == Aggregation::kCount; }

// What no data counts as: nullopt = nothing changes (keep, or a stale node).
std::optional<bool> NoDataTruth(const Rule& rule, bool stale) {
  if (stale) return std::nullopt;
  switch (rule.no_data) {
    case NoData::kKeep:
      return std::nullopt;
    case NoData::kOk:
      return false;
    case NoData::kAlerting:
      return true;
  }
  return std::nullopt;
}

}  // namespace

StepResult StepRule(const Rule& rule, int64_t window_ms, std::optional<double> value,
                    int64_t now_ms, bool stale, GroupState* st) {
  StepResult r;
  if (st->first_seen_ms == 0) {
    st->first_seen_ms = now_ms;
    r.changed = true;
  }
  st->last_value = value;

  // Start-up rule: an equalOrLessThan rule on sum/count would fire on the empty window of a group
  // that just appeared; it waits for one full window.
  if (rule.operand == Operand::kEqualOrLessThan && IsSumOrCount(rule.aggregation) &&
      now_ms - st->first_seen_ms < window_ms) {
    return r;
  }

  if (st->state == RuleState::kCooldown) {
    if (now_ms < st->cooldown_until_ms) return r;
    st->state = RuleState::kInactive;
    st->since_ms = now_ms;
    st->cooldown_until_ms = 0;
    st->pending_since_ms.reset();
    st->clear_since_ms.reset();
    r.transition = Transition::kCooled;
    r.changed = true;
    // Evaluation starts fresh at once: fall through as inactive.
  }

  if (st->state == RuleState::kFiring) {
    std::optional<bool> clear;
    if (value) {
      clear = ClearHolds(rule, *value);
    } else if (auto t = NoDataTruth(rule, stale)) {
      clear = !*t;
    }
    if (!clear) return r;
    if (!*clear) {
      if (st->clear_since_ms) {
        st->clear_since_ms.reset();
        r.changed = true;
      }
      return r;
    }
    if (!st->clear_since_ms) {
      st->clear_since_ms = now_ms;
      r.changed = true;
    }
    if (now_ms - *st->clear_since_ms < rule.clear_for_ms) return r;
    st->clear_since_ms.reset();
    st->pending_since_ms.reset();
    st->since_ms = now_ms;
    if (rule.cooldown_ms > 0) {
      st->state = RuleState::kCooldown;
      st->cooldown_until_ms = now_ms + rule.cooldown_ms;
    } else {
      st->state = RuleState::kInactive;
    }
    r.transition = Transition::kResolved;
    r.changed = true;
    return r;
  }

  std::optional<bool> holds;
  if (value) {
    holds = ConditionHolds(rule, *value);
  } else {
    holds = NoDataTruth(rule, stale);
  }
  if (!holds) return r;

  if (!*holds) {
    if (st->state == RuleState::kPending) {
      st->state = RuleState::kInactive;
      st->since_ms = now_ms;
      st->pending_since_ms.reset();
      r.transition = Transition::kCancelled;
      r.changed = true;
    }
    return r;
  }
  if (st->state == RuleState::kInactive) {
    st->pending_since_ms = now_ms;
    if (rule.for_ms > 0) {
      st->state = RuleState::kPending;
      st->since_ms = now_ms;
      r.transition = Transition::kPending;
      r.changed = true;
      return r;
    }
  }
  // Pending (or inactive with for: 0s): open once the condition has held for `for`.
  if (now_ms - st->pending_since_ms.value_or(now_ms) >= rule.for_ms) {
    st->state = RuleState::kFiring;
    st->since_ms = now_ms;
    st->pending_since_ms.reset();
    st->clear_since_ms.reset();
    st->last_notified_ms = now_ms;
    r.transition = Transition::kOpened;
    r.changed = true;
  }
  return r;
}

}  // namespace botmon
