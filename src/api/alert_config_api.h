// Changing the alerting configuration over the API (SPEC 9, Appendix A.9): rules (create,
// replace, delete, the enabled switch of default rules), channels, silences and maintenance
// windows; and reading routes. Objects that come from files (botmon.yaml, botpress.config.json,
// config.csv) are read-only here: 409 `read_only` names the file to edit.
//
// A change is validated field by field first (400 with `fields`), then against the whole set
// (a name taken: 409 `conflict`; a set that no longer builds, e.g. a route naming a deleted
// channel: 409 `conflict` with the reason), then committed and installed before the reply.
#ifndef BOTMON_API_ALERT_CONFIG_API_H_
#define BOTMON_API_ALERT_CONFIG_API_H_

#include "api/context.h"
#include "http/server.h"

namespace botmon {

Response HandleRuleGet(ApiContext* ctx, Request& req);
Response HandleRuleCreate(ApiContext* ctx, Request& req);
Response HandleRuleReplace(ApiContext* ctx, Request& req);
Response HandleRuleDelete(ApiContext* ctx, Request& req);

Response HandleChannelCreate(ApiContext* ctx, Request& req);
Response HandleChannelReplace(ApiContext* ctx, Request& req);
Response HandleChannelDelete(ApiContext* ctx, Request& req);

Response HandleRouteList(ApiContext* ctx, Request& req);

Response HandleSilenceList(ApiContext* ctx, Request& req);
Response HandleSilenceCreate(ApiContext* ctx, Request& req);
Response HandleSilenceDelete(ApiContext* ctx, Request& req);

Response HandleMaintenanceList(ApiContext* ctx, Request& req);
Response HandleMaintenanceCreate(ApiContext* ctx, Request& req);
Response HandleMaintenanceDelete(ApiContext* ctx, Request& req);

}  // namespace botmon

#endif  // BOTMON_API_ALERT_CONFIG_API_H_
