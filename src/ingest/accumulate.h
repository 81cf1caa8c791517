// Adds one resolved event to its combination's tick sums (SPEC 1.1 sources column).
// Pure; thread-compatible (the caller holds the accumulator's batch lock).
#ifndef BOTMON_INGEST_ACCUMULATE_H_
#define BOTMON_INGEST_ACCUMULATE_H_

#include "ingest/event_codec.h"
#include "series/tick_accumulator.h"

namespace botmon {

// `count_session_start`: add sessions.started for an event that opened its session (only in
// replays that bypass the session tracker, which otherwise counts it).
void AccumulateEvent(const LoggedEvent& le, TickAccumulator::Batch* acc, int64_t now_ms,
                     bool count_session_start);

}  // namespace botmon

#endif  // BOTMON_INGEST_ACCUMULATE_H_
