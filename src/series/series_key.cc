#include "series/series_key.h"

namespace botmon {

std::string SeriesKey::ToString() const {
  std::string out = field + "{";
  bool first = true;
  auto add = [&](const char* name, const std::string& v) {
    if (v.empty()) return;
    if (!first) out += ',';
    first = false;
    out += name;
    out += "=\"";
    out += v;
    out += '"';
  };
  add("host", host);
  add("bot", bot);
  add("channel", channel);
  add("mount", mount);
  add("gpu", gpu);
  add("service", service);
  return out + "}";
}

size_t SeriesKeyHash::operator()(const SeriesKey& k) const {
  std::hash<std::string> h;
  size_t v = h(k.field);
  for (const std::string* s : {&k.host, &k.bot, &k.channel, &k.mount, &k.gpu, &k.service}) {
    v = v * 1000003u ^ h(*s);
  }
  return v;
}

}  // namespace botmon
