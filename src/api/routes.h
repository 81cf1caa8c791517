// The route table (SPEC 9): every endpoint with the role it needs and where it runs. Handlers
// are thin: parse, call the component, serialize.
#ifndef BOTMON_API_ROUTES_H_
#define BOTMON_API_ROUTES_H_

#include <memory>

#include "api/context.h"
#include "api/events_api.h"
#include "api/live.h"
#include "api/metrics.h"
#include "http/server.h"

namespace botmon {

struct ApiServices {
  LivePublisher* live = nullptr;
  IngestRateLimiter* limiter = nullptr;
};

// Adds every route to `router`. `metrics_public` (metrics.public at start-up) opens /metrics.
void AddApiRoutes(Router* router, ApiContext* ctx, ApiServices services, bool metrics_public);

// botmon's own metric families for /metrics.
std::vector<SelfMetric> CollectSelfMetrics(ApiContext* ctx);

}  // namespace botmon

#endif  // BOTMON_API_ROUTES_H_
