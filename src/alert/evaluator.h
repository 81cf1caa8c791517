// Evaluator: the rules of SPEC 7.2 over the closed ticks, in memory.
//
// Streams. A rule reads the series of its field that pass its `match`, at the traffic level its
// dimensions need (the host totals for groupBy [host], the per-bot series for groupBy [host, bot]
// or a `bot` match, ...), grouped by its `groupBy`. Per tick, the series of one group combine by
// the field's "across" rule (SPEC 1.1) into one value: the stream's sample. Rules with the same
// (field, match, groupBy) share their streams, one SampleRing per group.
//
// Windows. Each (rule, group) has a RollingWindow over its stream's ring, advanced to each
// evaluation time, and a GroupState stepped by StepRule. The cost per evaluation does not grow
// with the timeframe (window/rolling_window.h).
//
// The evaluator never touches the store: the caller feeds ticks (AddTick), primes windows from
// stored samples at start by feeding the past ticks the same way, restores the persisted states
// (RestoreState), and persists what Evaluate reports.
//
// "Across" for derived fields: ratios (latency averages, errors.rate) combine as the mean of the
// parts and quantiles as their max, since the per-tick sums behind them are not series. This only
// matters for groups coarser than the series (e.g. a cluster-wide rule on a latency).
//
// Thread-compatible: one thread (the ticker) owns an Evaluator.
#ifndef BOTMON_ALERT_EVALUATOR_H_
#define BOTMON_ALERT_EVALUATOR_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "alert/rule.h"
#include "alert/state_machine.h"
#include "series/field_catalog.h"
#include "series/tick_samples.h"

namespace botmon {

using Group = std::map<std::string, std::string>;

struct EvalTransition {
  std::string rule;
  Group group;
  std::string group_key;  // GroupString(group)
  Transition transition = Transition::kNone;
  std::optional<double> value;
  GroupState state;  // after the step
  int64_t at_ms = 0;
};

// A (rule, group) whose state must go (rule changed, disabled or deleted): when it was firing,
// its incident resolves with `reason`.
struct DroppedState {
  std::string rule;
  Group group;
  std::string group_key;
  GroupState state;
  std::string reason;  // "rule changed" | "rule disabled" | "rule deleted"
};

struct GroupView {
  Group group;
  GroupState state;
  std::optional<double> value;
};

class Evaluator {
 public:
  // `catalog` (custom fields' kinds) must outlive the evaluator. `tick_ms` resolves timeframe 0.
  Evaluator(const FieldCatalog* catalog, int64_t tick_ms);
  ~Evaluator();
  Evaluator(const Evaluator&) = delete;
  Evaluator& operator=(const Evaluator&) = delete;

  void SetTick(int64_t tick_ms) { tick_ms_ = tick_ms; }
  int64_t tick_ms() const { return tick_ms_; }

  // Replaces the rules (SPEC 7.2 "rule edits"): a rule whose condition changed, that is now
  // disabled or that is gone loses its states; they are returned so the caller resolves open
  // incidents and deletes the persisted rows. Other edits keep the states.
  std::vector<DroppedState> SetRules(std::vector<Rule> rules);
  const std::vector<Rule>& rules() const { return rules_; }

  // A persisted state, at start (before the first Evaluate). Unknown rules are ignored.
  void RestoreState(const std::string& rule, const Group& group, GroupState state);

  // One closed tick's samples, at tick end `t_ms` (strictly increasing across calls).
  void AddTick(int64_t t_ms, const std::vector<TickValue>& values);

  // Evaluates every enabled rule for every group at `now_ms` and returns the steps that changed
  // a state (transitions, and bookkeeping that must be persisted). `stale(host)` tells whether a
  // node is stale (SPEC 7.6); null = none is.
  std::vector<EvalTransition> Evaluate(int64_t now_ms,
                                       const std::function<bool(const std::string&)>& stale = {});

  // The live state of one (rule, group), for the caller's bookkeeping (the incident id of a
  // firing group, the last notification time); nullptr when unknown.
  GroupState* MutableState(const std::string& rule, const std::string& group_key);

  // Every group of a rule with its state and last value (the API's "state" member).
  std::vector<GroupView> Groups(const std::string& rule) const;

  // The longest window over the enabled rules (what priming must feed).
  int64_t MaxWindowMs() const;
  // The fields the enabled rules read.
  std::vector<std::string> Fields() const;

  // Work done by the last Evaluate: rule x group evaluations.
  uint64_t last_evaluations() const { return last_evaluations_; }

 private:
  struct Stream;
  struct StreamSet;
  struct RuleSlot;

  StreamSet* SetFor(const Rule& rule);

  const FieldCatalog* catalog_;
  int64_t tick_ms_;
  std::vector<Rule> rules_;
  std::map<std::string, std::unique_ptr<StreamSet>> sets_;  // by stream spec
  std::map<std::string, std::unique_ptr<RuleSlot>> slots_;  // by rule name
  // (rule, group key) -> (group, state): persisted states waiting for their group's first sample.
  std::map<std::pair<std::string, std::string>, std::pair<Group, GroupState>> restored_;
  int64_t last_tick_ = INT64_MIN;
  uint64_t last_evaluations_ = 0;
};

}  // namespace botmon

#endif  // BOTMON_ALERT_EVALUATOR_H_
