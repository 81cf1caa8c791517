// GET /api/monitoring/sessions and /sessions/{id} (SPEC 6, Appendix A.2), and the session row
// used by the live stream. User identifiers are masked for the monitor role when
// privacy.maskUsers is on, before serialization.
#ifndef BOTMON_API_SESSIONS_API_H_
#define BOTMON_API_SESSIONS_API_H_

#include <string>

#include "api/context.h"
#include "http/server.h"
#include "store/records.h"

namespace botmon {

// A list row of A.2 as JSON; `mask` masks the user.
std::string SessionRowJson(const SessionRecord& s, bool mask);

Response HandleSessionList(ApiContext* ctx, Request& req);
Response HandleSessionDetail(ApiContext* ctx, Request& req);
Response HandleLogs(ApiContext* ctx, Request& req);
Response HandleNodes(ApiContext* ctx, Request& req);

// Whether replies to this caller mask user identifiers.
bool ShouldMask(const ApiContext* ctx, const Request& req);

// Waits (bounded) until every event acknowledged before now is in the store, so a read after an
// ingest reply sees it (sessions and transcripts reach the store asynchronously).
void WaitForAcknowledgedWrites(ApiContext* ctx);

}  // namespace botmon

#endif  // BOTMON_API_SESSIONS_API_H_
