#include "routing/route.h"

#include <algorithm>

#include "config/keys.h"

namespace botmon {

using routing_internal::CheckKnownKeys;
using routing_internal::JsonTypeName;
using routing_internal::Member;

namespace {

const std::vector<std::string>& RouteKeys() {
  static const std::vector<std::string> keys = {"match", "channels", "default"};
  return keys;
}

std::string KnownList(const std::vector<std::string>& names) {
  if (names.empty()) return "no channel is configured";
  std::string out = "known: ";
  for (size_t i = 0; i < names.size() && i < 10; ++i) out += (i ? ", " : "") + names[i];
  if (names.size() > 10) out += ", ...";
  return out;
}

}  // namespace

NotificationRoute ParseRoute(const nlohmann::json& value,
                             const std::vector<std::string>& channel_names, RoutingErrors* errors) {
  NotificationRoute route;
  if (!value.is_object()) {
    errors->Add("", "a route must be a map with channels (and match or default), got " +
                        JsonTypeName(value));
    return route;
  }
  CheckKnownKeys(value, RouteKeys(), "", errors);
  if (const auto* d = Member(value, "default")) {
    if (d->is_boolean()) {
      route.is_default = d->get<bool>();
    } else {
      errors->Add("default", "must be true or false, got " + JsonTypeName(*d));
    }
  }
  if (const auto* m = Member(value, "match")) {
    route.match = ParseLabelMatcher(*m, "match", errors);
    if (route.is_default && !route.match.empty()) {
      errors->Add("match", "the default route matches everything; give it no match");
    }
  }
  const auto* chans = Member(value, "channels");
  if (chans == nullptr) {
    errors->Add("channels", "missing (a list of channel names)");
  } else if (!chans->is_array()) {
    errors->Add("channels", "must be a list of channel names, got " + JsonTypeName(*chans));
  } else if (chans->empty()) {
    errors->Add("channels", "must name at least one channel");
  } else if (chans->size() > kMaxRouteChannels) {
    errors->Add("channels", "at most " + std::to_string(kMaxRouteChannels) + " channels");
  } else {
    for (size_t i = 0; i < chans->size(); ++i) {
      const std::string field = "channels[" + std::to_string(i) + "]";
      const nlohmann::json& c = (*chans)[i];
      if (!c.is_string()) {
        errors->Add(field, "must be a channel name, got " + JsonTypeName(c));
        continue;
      }
      const std::string name = c.get<std::string>();
      if (std::find(channel_names.begin(), channel_names.end(), name) == channel_names.end()) {
        std::string hint = config_internal::DidYouMeanSuffix(name, channel_names);
        errors->Add(field, "unknown channel \"" + name + "\"" +
                               (hint.empty() ? " (" + KnownList(channel_names) + ")" : hint));
        continue;
      }
      if (std::find(route.channels.begin(), route.channels.end(), name) != route.channels.end()) {
        errors->Add(field, "channel \"" + name + "\" is listed twice");
        continue;
      }
      route.channels.push_back(name);
    }
  }
  return route;
}

StatusOr<std::vector<NotificationRoute>> ParseRoutes(
    const std::vector<RawItem>& items, const std::vector<std::string>& channel_names) {
  if (items.size() > kMaxRoutes) {
    return Status::InvalidArgument("routes: at most " + std::to_string(kMaxRoutes) + " routes");
  }
  std::vector<NotificationRoute> routes;
  std::string problems;
  int default_index = -1;
  for (size_t i = 0; i < items.size(); ++i) {
    const RawItem& item = items[i];
    const std::string prefix = "routes[" + std::to_string(i) + "]";
    RoutingErrors errors;
    NotificationRoute route = ParseRoute(item.value, channel_names, &errors);
    route.file = item.file;
    route.line = item.line;
    if (route.is_default) {
      if (default_index >= 0) {
        errors.Add("default", "only one route may be the default (routes[" +
                                  std::to_string(default_index) + "] is)");
      } else {
        default_index = static_cast<int>(i);
      }
    }
    if (!errors.empty()) {
      if (!problems.empty()) problems += "\n";
      problems += errors.Format(item.file, item.line, item.col, prefix);
    }
    routes.push_back(std::move(route));
  }
  if (!problems.empty()) return Status::InvalidArgument(problems);
  return routes;
}

nlohmann::json RouteToJson(const NotificationRoute& route) {
  nlohmann::json j = nlohmann::json::object();
  if (!route.match.empty()) j["match"] = route.match;
  j["channels"] = route.channels;
  if (route.is_default) j["default"] = true;
  if (!route.file.empty()) {
    j["file"] = route.file;
    j["line"] = route.line;
  }
  return j;
}

ChannelSelection SelectChannels(const std::vector<std::string>& rule_channels,
                                const AlertLabels& labels,
                                const std::vector<NotificationRoute>& routes,
                                const std::vector<std::string>& all_channels) {
  if (!rule_channels.empty()) return {rule_channels, "rule channels"};
  const NotificationRoute* fallback = nullptr;
  for (size_t i = 0; i < routes.size(); ++i) {
    const NotificationRoute& r = routes[i];
    if (r.is_default) {
      if (fallback == nullptr) fallback = &r;
      continue;
    }
    if (MatchesLabels(r.match, labels)) return {r.channels, "routes[" + std::to_string(i) + "]"};
  }
  if (fallback != nullptr) return {fallback->channels, "default route"};
  return {all_channels, "all channels"};
}

}  // namespace botmon
