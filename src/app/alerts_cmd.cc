// `botmon alerts test` (SPEC 2, 7.5): a [TEST] notification through each channel, through a
// running server (--url, --token: POST /api/alerts/test) or directly with the same
// configuration the server would load. Prints `CHANNEL ok|failed LATENCY DETAIL` per channel.
#include <curl/curl.h>

#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "alerting/alert_engine.h"
#include "app/commands.h"
#include "app/server_app.h"
#include "core/clock.h"
#include "core/random.h"
#include "notify/message.h"

namespace botmon {
namespace {

constexpr int64_t kTestTimeoutMs = 15'000;

size_t Collect(char* p, size_t size, size_t n, void* out) {
  auto* s = static_cast<std::string*>(out);
  if (s->size() + size * n > (1u << 20)) return 0;
  s->append(p, size * n);
  return size * n;
}

void PrintLine(const std::string& channel, bool ok, int64_t ms, const std::string& detail) {
  std::printf("%s %s %lldms %s\n", channel.c_str(), ok ? "ok" : "failed",
              static_cast<long long>(ms), detail.c_str());
}

int ThroughServer(const AlertsTestFlags& f) {
  std::unique_ptr<CURL, void (*)(CURL*)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) return 1;
  std::string url = f.url;
  while (!url.empty() && url.back() == '/') url.pop_back();
  url += "/api/alerts/test";
  const std::string body = f.channel.empty() ? "{}" : nlohmann::json{{"channel", f.channel}}.dump();
  std::string reply;
  const std::string auth = "Authorization: Bearer " + f.token;
  curl_slist* headers = curl_slist_append(nullptr, auth.c_str());
  headers = curl_slist_append(headers, "Content-Type: application/json");
  curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDS, body.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, Collect);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &reply);
  // Every channel may take its 15 s cap, one after another.
  curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT_MS, 300'000L);
  curl_easy_setopt(curl.get(), CURLOPT_CONNECTTIMEOUT_MS, 5000L);
  curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
  CURLcode rc = curl_easy_perform(curl.get());
  curl_slist_free_all(headers);
  if (rc != CURLE_OK) {
    std::fprintf(stderr, "botmon: %s: %s\n", url.c_str(), curl_easy_strerror(rc));
    return 1;
  }
  long code = 0;
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &code);
  auto j = nlohmann::json::parse(reply, nullptr, false);
  if (code != 200 || j.is_discarded() || !j.contains("results")) {
    std::fprintf(stderr, "botmon: %s: HTTP %ld %s\n", url.c_str(), code,
                 reply.substr(0, 300).c_str());
    return code == 404 ? 2 : 1;
  }
  bool all_ok = true;
  for (const auto& r : j["results"]) {
    const bool ok = r.value("ok", false);
    all_ok &= ok;
    PrintLine(r.value("channel", ""), ok, r.value("latencyMs", int64_t{0}), r.value("detail", ""));
  }
  return all_ok ? 0 : 1;
}

int Directly(const AlertsTestFlags& f) {
  ServeFlags serve;
  serve.config = f.config;
  serve.botpress_config = f.botpress_config;
  serve.bot_configs = f.bot_configs;
  auto loaded = LoadConfig(SourcesFromFlags(serve));
  if (!loaded.ok()) {
    std::fprintf(stderr, "botmon: %s\n", loaded.status().message().c_str());
    return 2;
  }
  auto settings = BuildAlertSettings(*loaded, Clock::Real()->NowMs());
  if (!settings.ok()) {
    std::fprintf(stderr, "botmon: %s\n", settings.status().message().c_str());
    return 2;
  }
  CurlNotifier notifier(settings->transports);
  bool any = false, all_ok = true;
  for (const auto& c : settings->channels) {
    if (!f.channel.empty() && c.name != f.channel) continue;
    any = true;
    Notification n;
    n.event = NotifyEvent::kTest;
    n.delivery_id = NewUuidV4();
    n.incident = TestIncident(settings->host_name, Clock::Real()->NowMs());
    n.dashboard_url = DashboardUrl(settings->public_url, n.incident.id);
    n.sent_at_ms = Clock::Real()->NowMs();
    SendResult r = notifier.Send(c, n, kTestTimeoutMs);
    all_ok &= r.ok;
    PrintLine(c.name, r.ok, r.elapsed_ms, r.detail);
  }
  if (!any) {
    std::fprintf(stderr, "botmon: %s\n",
                 f.channel.empty() ? "no channels are configured"
                                   : ("no channel named \"" + f.channel + "\"").c_str());
    return 2;
  }
  return all_ok ? 0 : 1;
}

}  // namespace

int AlertsTest(const AlertsTestFlags& f) {
  if (!f.url.empty()) {
    if (f.token.empty()) {
      std::fprintf(stderr, "botmon: --url needs --token (an admin token)\n");
      return 2;
    }
    return ThroughServer(f);
  }
  return Directly(f);
}

}  // namespace botmon
