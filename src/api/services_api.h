// Service health over the API (SPEC 8, 9): the status API's `services` map,
// GET /api/monitoring/services[/{name}] (with the last 100 transitions) and the SSE `service`
// event (Appendix A.4). JSON in snake_case, like every /api/monitoring/* reply.
#ifndef BOTMON_API_SERVICES_API_H_
#define BOTMON_API_SERVICES_API_H_

#include <string>

#include "api/context.h"
#include "http/server.h"
#include "probe/check_runner.h"

namespace botmon {

// One check as the API shows it: name, label, kind, status, version, figure, latency_ms, error,
// since, last_check, attempts, details; with `transitions`, also the last 100 (newest first).
std::string ServiceJson(const CheckState& s, bool transitions);
// The status API's `services` member, the seed's shape: {"postgresql": "running", ...} in
// configuration order; a check not probed yet is left out; "{}" with no checks.
std::string ServicesMapJson(const CheckRunner* checks);
// The SSE `service` event's data (A.4): {"name","status","since","error"}.
std::string ServiceEventJson(const CheckState& s);

Response HandleServiceList(ApiContext* ctx, Request& req);
Response HandleServiceDetail(ApiContext* ctx, Request& req);

}  // namespace botmon

#endif  // BOTMON_API_SERVICES_API_H_
