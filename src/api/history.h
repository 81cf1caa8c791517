// GET /api/monitoring/history (SPEC Appendix A.5): per-field series over a period, downsampled
// into `step` buckets (counters summed, gauges averaged, percentiles the max), read from the
// coarsest tier whose period divides the step (raw, 1m or 1h roll-ups). Buckets are
// (t0 + i·step, t0 + (i+1)·step] with t0 = now − period; `null` marks a bucket without data.
// Series with more dimensions than asked for combine by the field's "across" rule.
#ifndef BOTMON_API_HISTORY_H_
#define BOTMON_API_HISTORY_H_

#include "api/context.h"
#include "http/server.h"

namespace botmon {

// The fields of the dashboard's Resources view: the default `fields`.
extern const char* const kResourcesViewFields[];

Response HandleHistory(ApiContext* ctx, Request& req);

// The default step for a period: the smallest "nice" step >= max(tick, period / 500).
int64_t DefaultHistoryStep(int64_t period_ms, int64_t tick_ms);

}  // namespace botmon

#endif  // BOTMON_API_HISTORY_H_
