// Backtest: the live Evaluator (evaluator.h) driven over a given sequence of closed ticks, for
// `POST /api/alerts/rules[/{name}]/backtest` and `botmon rules test` (SPEC 2, 9, Appendix A.9).
//
// It does exactly what the live server does each tick (App::Tick, AlertEngine::Evaluate):
// AddTick(t, values) then Evaluate(t), at every tick of `ticks`, so the transitions and
// incidents are those the live server opens on the same per-tick values, tick for tick. An
// incident starts at the evaluation at which its rule and group became firing (Transition::
// kOpened), its triggerValue is the aggregate then (0 without data, as AlertEngine does), and it
// ends at the evaluation of the kResolved transition (absent while still open at the last tick).
//
// `warmup` ticks are fed before the first evaluated tick without being evaluated, as the live
// server primes its windows from stored samples at start (App::PrimeAlerts): they fill the
// windows so that the first evaluations see full windows.
//
// Disabled rules are backtested as if enabled (a backtest asks "what would this rule have
// done"). There is no persisted state: every (rule, group) starts inactive. No node is stale.
//
// Pure function; thread-safe (the catalog is only read).
#ifndef BOTMON_ALERT_BACKTEST_H_
#define BOTMON_ALERT_BACKTEST_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "alert/evaluator.h"
#include "alert/rule.h"
#include "series/field_catalog.h"
#include "series/tick_samples.h"

namespace botmon {

// One closed tick: its end time and the samples every series closed at it.
struct ClosedTickValues {
  int64_t t_ms = 0;
  std::vector<TickValue> values;
};

struct BacktestInput {
  std::vector<Rule> rules;
  // The alerting tick (AlertSettings::tick_ms): resolves timeframe 0 ("one tick").
  int64_t tick_ms = 10'000;
  const FieldCatalog* catalog = nullptr;  // custom fields' kinds; may be null
  std::vector<ClosedTickValues> warmup;   // fed, not evaluated; strictly increasing t
  std::vector<ClosedTickValues> ticks;    // fed and evaluated; after warmup, increasing t
};

struct BacktestIncident {
  std::string rule;
  Group group;
  int64_t start_ms = 0;
  std::optional<int64_t> end_ms;  // absent: still open after the last tick
  double trigger_value = 0;
};

// One state change of a (rule, group), for `rules test` output (pending, cancelled, opened,
// resolved, cooled; the bookkeeping-only steps are left out).
struct BacktestTransition {
  std::string rule;
  Group group;
  Transition transition = Transition::kNone;
  std::optional<double> value;
  int64_t at_ms = 0;
};

struct BacktestResult {
  uint64_t evaluations = 0;                     // rule x group evaluations, summed over the ticks
  size_t groups = 0;                            // distinct (rule, group) pairs evaluated
  std::vector<BacktestIncident> incidents;      // in opening order
  std::vector<BacktestTransition> transitions;  // in time order
};

// The same, fed piece by piece (so that a long period can be read from the store in slices):
// Warm() the priming ticks first, then Step() every evaluated tick, then Finish().
class Backtester {
 public:
  // `transitions`: record BacktestResult::transitions (the API does not need them).
  Backtester(std::vector<Rule> rules, int64_t tick_ms, const FieldCatalog* catalog,
             bool transitions = true);
  void Warm(const ClosedTickValues& tick);
  void Step(const ClosedTickValues& tick);
  BacktestResult Finish();

 private:
  Evaluator ev_;
  BacktestResult out_;
  bool record_transitions_;
  // The open incident of each (rule, group key): an index into out_.incidents.
  std::map<std::pair<std::string, std::string>, size_t> open_;
};

BacktestResult RunBacktest(const BacktestInput& input);

}  // namespace botmon

#endif  // BOTMON_ALERT_BACKTEST_H_
