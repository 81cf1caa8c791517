#include "config/validate.h"

#include <unistd.h>

#include <climits>

#include "core/duration.h"
#include "core/zone.h"

namespace botmon::config_internal {
namespace {

const Origin& OriginOf(const Origins& origins, std::string_view path) {
  static const Origin kDefault;
  auto it = origins.find(path);
  return it == origins.end() ? kDefault : it->second;
}

void Add(const Origins& origins, Problems* problems, std::string_view path,
         const std::string& msg) {
  problems->Add(OriginOf(origins, path).Where(path) + ": " + msg);
}

std::string SystemHostName() {
  char buf[HOST_NAME_MAX + 1] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0 || buf[0] == '\0') return "localhost";
  return buf;
}

}  // namespace

void CheckCrossKeys(const Config& c, const Origins& origins, Problems* problems) {
  if (c.nodes.stale_after_ms != 0 && c.nodes.stale_after_ms < c.tick_ms) {
    Add(origins, problems, "nodes.staleAfter",
        FormatDuration(c.nodes.stale_after_ms) + " is below the tick (" +
            FormatDuration(c.tick_ms) + ")");
  }
  if (c.tls.cert.empty() != c.tls.key.empty()) {
    const char* set = c.tls.cert.empty() ? "tls.key" : "tls.cert";
    const char* missing = c.tls.cert.empty() ? "tls.cert" : "tls.key";
    Add(origins, problems, set, std::string("needs ") + missing + " too");
  }
  if (c.auth.session_max_ms < c.auth.session_idle_ms) {
    Add(origins, problems, "auth.sessionMax",
        FormatDuration(c.auth.session_max_ms) + " is below auth.sessionIdle (" +
            FormatDuration(c.auth.session_idle_ms) + ")");
  }
  if (c.sms.provider == "template" && c.sms.url.empty()) {
    Add(origins, problems, "sms.provider", "template needs sms.url");
  }
  if (!c.influx.url.empty() && c.influx.version == 2) {
    if (c.influx.org.empty()) Add(origins, problems, "influx.version", "2 needs influx.org");
    if (c.influx.bucket.empty()) Add(origins, problems, "influx.version", "2 needs influx.bucket");
  }
}

void ResolveDerived(Config* c) {
  if (c->timezone.empty()) {
    // Zone::Create("") falls back to UTC when the server has no zone configured.
    auto zone = Zone::Create("");
    c->timezone = zone.ok() ? (*zone)->name() : "UTC";
  }
  if (c->host_name.empty()) c->host_name = SystemHostName();
  if (c->public_url.empty()) {
    c->public_url = "http://" + c->listen;
  } else {
    // Links are built as publicUrl + "/#/...", so one trailing '/' is enough: none.
    while (c->public_url.size() > 1 && c->public_url.back() == '/') c->public_url.pop_back();
  }
  if (c->nodes.stale_after_ms == 0) c->nodes.stale_after_ms = 3 * c->tick_ms;
  if (c->alerting.watcher_interval_ms == 0) c->alerting.watcher_interval_ms = c->tick_ms;
  if (c->hooks.dir.empty()) {
    c->hooks.dir = c->data_dir;
    if (c->hooks.dir.back() != '/') c->hooks.dir += '/';
    c->hooks.dir += "hooks";
  }
}

}  // namespace botmon::config_internal
