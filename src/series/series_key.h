// SeriesKey: one field for one combination of dimensions (SPEC 1). Empty strings mean "this
// dimension is not set", which for the traffic dimensions also means "the total": the series
// {field, host=h, bot="", channel=""} is host h's total over all its bots and channels.
// Values; thread-compatible.
#ifndef BOTMON_SERIES_SERIES_KEY_H_
#define BOTMON_SERIES_SERIES_KEY_H_

#include <functional>
#include <string>
#include <tuple>

namespace botmon {

struct SeriesKey {
  std::string field, host, bot, channel, mount, gpu, service;

  bool operator==(const SeriesKey& o) const {
    return field == o.field && host == o.host && bot == o.bot && channel == o.channel &&
           mount == o.mount && gpu == o.gpu && service == o.service;
  }
  bool operator<(const SeriesKey& o) const {
    return std::tie(field, host, bot, channel, mount, gpu, service) <
           std::tie(o.field, o.host, o.bot, o.channel, o.mount, o.gpu, o.service);
  }
  // `cpu.usage{host="bot-1"}`: the non-empty dimensions in a fixed order (for logs and tests).
  std::string ToString() const;
};

struct SeriesKeyHash {
  size_t operator()(const SeriesKey& k) const;
};

// Where traffic is counted: one host, bot and channel ("" when the event did not say).
struct Combo {
  std::string host, bot, channel;
  bool operator==(const Combo& o) const {
    return host == o.host && bot == o.bot && channel == o.channel;
  }
};

struct ComboHash {
  size_t operator()(const Combo& c) const {
    size_t h = std::hash<std::string>()(c.host);
    h = h * 31 + std::hash<std::string>()(c.bot);
    return h * 31 + std::hash<std::string>()(c.channel);
  }
};

}  // namespace botmon

#endif  // BOTMON_SERIES_SERIES_KEY_H_
