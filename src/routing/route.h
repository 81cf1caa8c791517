// Routes: which channels an incident's notifications go to (SPEC 7.5, Appendix A.1 `routes:`).
//
//   routes: [{match: {severity: critical}, channels: [pager, oncall-sms]},
//            {default: true, channels: [ops-email, slack]}]
//
// A route is {match, channels, default}. `match` names labels (routing/match.h: severity, rule,
// and any dimension such as host or bot) with exact values or '*'/'?' globs; a route without
// `match` matches every incident. At most one route is the default, and it has no `match`.
// Selection (SelectChannels): the rule's own `channels` override everything; otherwise the first
// route, in file order, whose match holds (the default route is skipped there); otherwise the
// default route; otherwise every channel.
//
// Values and pure functions; thread-safe.
#ifndef BOTMON_ROUTING_ROUTE_H_
#define BOTMON_ROUTING_ROUTE_H_

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "config/options.h"
#include "core/status.h"
#include "routing/match.h"

namespace botmon {

inline constexpr size_t kMaxRoutes = 1000;
inline constexpr size_t kMaxRouteChannels = 50;

struct NotificationRoute {
  LabelMatcher match;                 // {} = every incident
  std::vector<std::string> channels;  // names of configured channels, no duplicates
  bool is_default = false;            // `default: true`
  // Where it was defined ("" / 0 when unknown).
  std::string file;
  int line = 0;

  bool operator==(const NotificationRoute&) const = default;
};

// Parses one route object against the known channel names. Problems go to *errors with fields
// relative to the route ("channels[1]", "match.severity").
NotificationRoute ParseRoute(const nlohmann::json& value,
                             const std::vector<std::string>& channel_names, RoutingErrors* errors);

// Parses the `routes:` list: every item, plus "only one default route". On failure the Status
// (InvalidArgument) has one line per problem, all items at once:
//   botmon.yaml:12:5: routes[1].channels[0]: unknown channel "pagr" (did you mean "pager"?)
// `channel_names`: every configured channel.
StatusOr<std::vector<NotificationRoute>> ParseRoutes(const std::vector<RawItem>& items,
                                                     const std::vector<std::string>& channel_names);

// The A.1 shape: {"match"?, "channels", "default"?} (match left out when empty, default when
// false), plus "file"/"line" when known.
nlohmann::json RouteToJson(const NotificationRoute& route);

struct ChannelSelection {
  std::vector<std::string> channels;
  // Why: "rule channels", "routes[2]", "default route" or "all channels" (for the timeline and
  // the routes API's "test a route" answer).
  std::string reason;
};

// The channels for a notification about an incident with `labels` (IncidentLabels()).
// `rule_channels`: the rule's `channels` (empty = none); `all_channels`: every configured
// channel, in configuration order.
ChannelSelection SelectChannels(const std::vector<std::string>& rule_channels,
                                const AlertLabels& labels,
                                const std::vector<NotificationRoute>& routes,
                                const std::vector<std::string>& all_channels);

}  // namespace botmon

#endif  // BOTMON_ROUTING_ROUTE_H_
