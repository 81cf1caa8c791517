// The alerting API (SPEC 9, Appendices A.3, A.9): rules with their state, incidents (list,
// one, acknowledge), channels, deliveries and the test alert. camelCase, as Botpress's.
#ifndef BOTMON_API_ALERTS_API_H_
#define BOTMON_API_ALERTS_API_H_

#include "api/context.h"
#include "http/server.h"

namespace botmon {

Response HandleRuleList(ApiContext* ctx, Request& req);
Response HandleIncidentList(ApiContext* ctx, Request& req);
Response HandleIncidentDetail(ApiContext* ctx, Request& req);
Response HandleIncidentAck(ApiContext* ctx, Request& req);
Response HandleChannelList(ApiContext* ctx, Request& req);
Response HandleDeliveryList(ApiContext* ctx, Request& req);
Response HandleAlertTest(ApiContext* ctx, Request& req);

}  // namespace botmon

#endif  // BOTMON_API_ALERTS_API_H_
