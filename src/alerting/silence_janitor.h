// Dropping the API's silences once they are over for good (SPEC 7.5, 13).
//
// A silence made over the API is kept after it ends, so that an operator can still see what was
// muted while looking at an incident, for as long as resolved incidents are kept
// (alerting.retentionPeriod); then the janitor drops it. A silence is over for good at `cutoff_ms`
// when its endsAt is at or before the cutoff, or, for an untilResolved silence, when its incident
// resolved at or before the cutoff or is gone from the store (deleted by the incident janitor).
// botmon.yaml's silences are never dropped: the file owns them.
#ifndef BOTMON_ALERTING_SILENCE_JANITOR_H_
#define BOTMON_ALERTING_SILENCE_JANITOR_H_

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"
#include "routing/silence.h"
#include "store/store.h"

namespace botmon {

// The ids of the API silences among `silences` that are over for good at `cutoff_ms`. A store
// error while looking up an incident keeps that silence (the next run retries).
std::vector<std::string> SilencesOverBefore(const std::vector<Silence>& silences, int64_t cutoff_ms,
                                            Store* store);

}  // namespace botmon

#endif  // BOTMON_ALERTING_SILENCE_JANITOR_H_
