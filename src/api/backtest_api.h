// Backtest endpoints (SPEC 9, Appendix A.9): run the live evaluator over the stored samples of
// the last `period` for one rule and answer the incidents it would have opened.
//
//   POST /api/alerts/rules/{name}/backtest?period=24h   a rule of the live set (404 if unknown)
//   POST /api/alerts/rules/backtest?period=24h          an unsaved rule, the JSON body (A.9
//                                                       rule object; 400 invalid_rule + fields)
//
// Reply: {"period","from","to","evaluations","groups","incidents":[{"ruleName","group",
// "startTime","endTime"?,"triggerValue"}]}. `period` is a duration (default 24h) of at most
// retention.raw. `to` is the last tick end, `from` = to - period; the evaluated ticks are those
// in (from, to] at which the server closed a tick (node.up samples), the samples of the rule's
// window before `from` prime it (alert/stored_ticks.h, alert/backtest.h).
//
// Cost: the store is read one hour at a time (memory stays bounded), at most
// kMaxBacktestSamples samples in all (else 400 invalid_request: use a shorter period), and one
// backtest runs at a time: a second concurrent one answers 429 rate_limited with Retry-After.
// The handlers run on the HTTP worker pool, never on the ticker.
#ifndef BOTMON_API_BACKTEST_API_H_
#define BOTMON_API_BACKTEST_API_H_

#include <cstddef>

#include "api/context.h"
#include "http/server.h"

namespace botmon {

inline constexpr size_t kMaxBacktestSamples = 50'000'000;

Response HandleRuleBacktest(ApiContext* ctx, Request& req);         // /rules/{name}/backtest
Response HandleUnsavedRuleBacktest(ApiContext* ctx, Request& req);  // /rules/backtest

}  // namespace botmon

#endif  // BOTMON_API_BACKTEST_API_H_
