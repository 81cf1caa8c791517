#include "alert/backtest.h"

#include <utility>

#include "alert/incident.h"

namespace botmon {
namespace {

std::vector<Rule> Enabled(std::vector<Rule> rules) {
  for (Rule& r : rules) r.enabled = true;
  return rules;
}

}  // namespace

Backtester::Backtester(std::vector<Rule> rules, int64_t tick_ms, const FieldCatalog* catalog,
                       bool transitions)
    : ev_(catalog, tick_ms), record_transitions_(transitions) {
  (void)ev_.SetRules(Enabled(std::move(rules)));
}

void Backtester::Warm(const ClosedTickValues& tick) { ev_.AddTick(tick.t_ms, tick.values); }

void Backtester::Step(const ClosedTickValues& tick) {
  ev_.AddTick(tick.t_ms, tick.values);
  // Evaluate at the tick's end, as App::Tick does right after the tick's samples close.
  const std::vector<EvalTransition> steps = ev_.Evaluate(tick.t_ms);
  out_.evaluations += ev_.last_evaluations();
  for (const EvalTransition& tr : steps) {
    if (tr.transition == Transition::kNone) continue;
    if (record_transitions_)
      out_.transitions.push_back({tr.rule, tr.group, tr.transition, tr.value, tr.at_ms});
    const auto key = std::make_pair(tr.rule, tr.group_key);
    if (tr.transition == Transition::kOpened) {
      BacktestIncident inc;
      inc.rule = tr.rule;
      inc.group = tr.group;
      inc.start_ms = tr.at_ms;
      // As AlertEngine::HandleTransition: no data (noData: alerting) opens with 0.
      inc.trigger_value = tr.value.value_or(0);
      open_[key] = out_.incidents.size();
      out_.incidents.push_back(std::move(inc));
    } else if (tr.transition == Transition::kResolved) {
      auto it = open_.find(key);
      if (it == open_.end()) continue;
      out_.incidents[it->second].end_ms = tr.at_ms;
      open_.erase(it);
    }
  }
}

BacktestResult Backtester::Finish() {
  // A (rule, group) keeps its window once evaluated: the groups at the end are every one seen.
  out_.groups = 0;
  for (const auto& r : ev_.rules()) out_.groups += ev_.Groups(r.name).size();
  return std::move(out_);
}

BacktestResult RunBacktest(const BacktestInput& input) {
  Backtester b(input.rules, input.tick_ms, input.catalog);
  for (const auto& t : input.warmup) b.Warm(t);
  for (const auto& t : input.ticks) b.Step(t);
  return b.Finish();
}

}  // namespace botmon
