#include <curl/curl.h>
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "app/commands.h"
#include "app/console.h"
#include "core/time_util.h"
#include "core/zone.h"

namespace botmon {
namespace {

size_t Collect(char* p, size_t size, size_t n, void* out) {
  auto* s = static_cast<std::string*>(out);
  if (s->size() + size * n > (8u << 20)) return 0;  // a status reply is a few KB
  s->append(p, size * n);
  return size * n;
}

StatusOr<nlohmann::json> FetchStatus(const MonitorFlags& f) {
  std::unique_ptr<CURL, void (*)(CURL*)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) return Status::Internal("curl_easy_init failed");
  std::string url = f.url;
  while (!url.empty() && url.back() == '/') url.pop_back();
  url += "/api/monitoring/status";
  std::string body;
  std::string auth = "Authorization: Bearer " + f.token;
  curl_slist* headers = curl_slist_append(nullptr, auth.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, Collect);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT_MS, 5000L);
  curl_easy_setopt(curl.get(), CURLOPT_CONNECTTIMEOUT_MS, 2000L);
  curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
  CURLcode rc = curl_easy_perform(curl.get());
  curl_slist_free_all(headers);
  if (rc != CURLE_OK) return Status::Unavailable(url + ": " + curl_easy_strerror(rc));
  long code = 0;
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &code);
  if (code != 200) {
    return Status::Unavailable(url + ": HTTP " + std::to_string(code) + " " + body.substr(0, 200));
  }
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return Status::InvalidArgument(url + ": not JSON");
  return j;
}

ConsoleFigures FromStatus(const nlohmann::json& s) {
  ConsoleFigures f;
  auto num = [](const nlohmann::json& v) -> std::optional<double> {
    if (v.is_number()) return v.get<double>();
    return std::nullopt;
  };
  auto zone = Zone::Create(s.value("timezone", ""));
  std::shared_ptr<const Zone> z = zone.ok() ? *zone : Zone::Utc();
  auto t = ParseRfc3339(s.value("generated_at", ""));
  f.local_time = z->FormatLocal(t.ok() ? *t : 0);
  const auto& sessions = s.value("sessions", nlohmann::json::object());
  const auto& messages = s.value("messages", nlohmann::json::object());
  const auto& res = s.value("resources", nlohmann::json::object());
  f.active = sessions.value("active", int64_t{0});
  f.peak = sessions.value("peak_today", int64_t{0});
  f.messages_today = messages.value("today", int64_t{0});
  f.this_hour = messages.value("this_hour", int64_t{0});
  if (res.contains("cpu_percent")) f.cpu = num(res["cpu_percent"]);
  if (res.contains("memory_percent")) f.mem = num(res["memory_percent"]);
  if (res.contains("gpu_percent")) f.gpu = num(res["gpu_percent"]);
  if (s.contains("services") && s["services"].is_object()) {
    for (const auto& [name, state] : s["services"].items()) {
      ++f.services_total;
      if (state == "running") ++f.services_running;
    }
  }
  return f;
}

}  // namespace

int RunMonitor(const MonitorFlags& f) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  while (true) {
    auto s = FetchStatus(f);
    int64_t tick_s = 10;
    if (!s.ok()) {
      std::fprintf(stderr, "botmon monitor: %s\n", s.status().message().c_str());
      if (f.once) return 1;
    } else {
      std::string block = FormatConsoleBlock(FromStatus(*s));
      if (::write(STDOUT_FILENO, block.data(), block.size()) < 0) return 1;
      if (f.once) return 0;
      if ((*s)["tick_seconds"].is_number()) {
        tick_s = std::max<int64_t>(1, (*s)["tick_seconds"].get<int64_t>());
      }
    }
    timespec ts{static_cast<time_t>(tick_s), 0};
    if (sigtimedwait(&set, nullptr, &ts) > 0) return 0;  // SIGINT or SIGTERM
  }
}

}  // namespace botmon
