#include "app/server_app.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <mutex>

#include <set>

#include "alert/stored_ticks.h"
#include "alerting/alert_engine.h"
#include "alerting/alert_objects.h"
#include "alerting/silence_janitor.h"
#include "api/audit.h"
#include "api/context.h"
#include "api/live.h"
#include "api/metrics.h"
#include "api/nodes.h"
#include "api/routes.h"
#include "api/services_api.h"
#include "api/status.h"
#include "app/console.h"
#include "app/ticker.h"
#include "auth/login_limiter.h"
#include "auth/login_sessions.h"
#include "auth/token.h"
#include "auth/token_cache.h"
#include "auth/users.h"
#include "collect/host_collector.h"
#include "config/print.h"
#include "config/watcher.h"
#include "core/fs.h"
#include "core/log.h"
#include "core/random.h"
#include "dashboard/dashboard.h"
#include "demo/demo_bot.h"
#include "export/influx_exporter.h"
#include "http/server.h"
#include "ingest/pipeline.h"
#include "probe/check_config.h"
#include "probe/check_runner.h"
#include "series/tick_samples.h"

namespace botmon {

ConfigSources SourcesFromFlags(const ServeFlags& f) {
  ConfigSources s;
  s.config_file = f.config;
  s.botpress_config = f.botpress_config;
  s.bot_configs = f.bot_configs;
  if (f.listen) s.flags["listen"] = *f.listen;
  if (f.data_dir) s.flags["dataDir"] = *f.data_dir;
  if (f.tick) s.flags["tick"] = *f.tick;
  if (f.host_name) s.flags["hostName"] = *f.host_name;
  if (f.store) s.flags["store"] = *f.store;
  s.env = ProcessEnvironment();
  return s;
}

namespace {

constexpr int64_t kDedupWindowMs = 10 * 60'000;

StatusOr<std::shared_ptr<const RuntimeConfig>> MakeRuntime(LoadedConfig loaded,
                                                           const std::string& listen_url) {
  auto rc = std::make_shared<RuntimeConfig>();
  ASSIGN_OR_RETURN(rc->zone, Zone::Create(loaded.config.timezone));
  std::vector<RedactRule> rules;
  for (const auto& r : loaded.config.privacy.redact) rules.push_back({r.name, r.regex, r.replace});
  ASSIGN_OR_RETURN(auto redactor, Redactor::Create(rules));
  rc->redactor = std::move(redactor);
  rc->listen_url = listen_url;
  rc->loaded = std::move(loaded);
  return std::shared_ptr<const RuntimeConfig>(std::move(rc));
}

// Everything a running server holds, in construction order (destroyed in reverse).
class App {
 public:
  explicit App(const ServeFlags& flags) : flags_(flags) {}
  int Run();

 private:
  Status Start(LoadedConfig loaded);
  void Tick(int64_t t_ms);
  void Reload(const std::string& why);
  void Shutdown();
  void PrintConsole(int64_t t_ms);
  void AddServiceSamples(const std::string& host, std::vector<TickValue>* values);
  void PrimeAlerts(int64_t now_ms);
  // The alert settings from the configuration in force and the API's objects.
  StatusOr<AlertSettings> BuildAlerts(const ApiObjects& objects) const;
  void ApplyAlerts(AlertSettings settings) { alerts_->Reconfigure(std::move(settings)); }
  // The janitor's part for the API's silences (alerting/silence_janitor.h).
  void DropSilencesOverBefore(int64_t cutoff_ms);
  // SPEC 7.6: the nodes that have not reported for nodes.staleAfter (default 3 ticks). Only
  // nodes known from events can go stale in a single-server build: this server is the local
  // node, and it does not evaluate while it is down.
  std::set<std::string> StaleNodes(int64_t now_ms) const;

  ServeFlags flags_;
  Clock* clock_ = Clock::Real();
  std::unique_ptr<DirLock> lock_;
  std::unique_ptr<ConfigHolder> config_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<IngestLog> ingest_log_;
  std::unique_ptr<TickLog> tick_log_;
  FieldCatalog catalog_;
  std::unique_ptr<SeriesStore> series_;
  std::unique_ptr<LiveStats> live_stats_;
  TickAccumulator acc_;
  std::unique_ptr<SessionTracker> tracker_;
  std::unique_ptr<IngestPipeline> pipeline_;
  std::unique_ptr<HostCollector> collector_;
  std::unique_ptr<TokenCache> tokens_;
  std::unique_ptr<LoginSessions> logins_;
  LoginLimiter login_limiter_;
  std::unique_ptr<AuditLog> audit_;
  std::unique_ptr<NodeRegistry> nodes_;
  std::unique_ptr<MetricsState> metrics_;
  std::unique_ptr<StatusRenderer> status_;
  std::unique_ptr<LivePublisher> live_;
  std::unique_ptr<CheckRunner> checks_;
  std::unique_ptr<InfluxExporter> exporter_;
  std::unique_ptr<AlertEngine> alerts_;
  std::unique_ptr<AlertObjects> alert_objects_;
  IngestRateLimiter limiter_;
  ApiContext ctx_;
  std::atomic<bool> ready_{false};
  std::unique_ptr<Router> router_;
  std::unique_ptr<Server> server_;
  std::unique_ptr<Ticker> ticker_;
  std::unique_ptr<DemoBot> demo_;
  std::unique_ptr<ConfigWatcher> watcher_;
  std::unique_ptr<ConfigWatcher> token_watcher_;  // the WAL: token create/revoke by commands
  std::mutex reload_mu_;
  std::string data_dir_;
};

int App::Run() {
  auto loaded = LoadConfig(SourcesFromFlags(flags_));
  if (!loaded.ok()) {
    std::fprintf(stderr, "botmon: %s\n", loaded.status().message().c_str());
    return 2;
  }
  if (flags_.print_config) {
    std::string text = PrintConfig(*loaded);
    std::fwrite(text.data(), 1, text.size(), stdout);
    return 0;
  }
  const Config& c = loaded->config;
  if (c.store.rfind("postgres", 0) == 0) {
    std::fprintf(stderr, "botmon: --store %s: PostgreSQL is not available in this build\n",
                 c.store.substr(0, c.store.find(':')).c_str());
    return 2;
  }
  if (c.cluster.enabled) {
    std::fprintf(stderr,
                 "botmon: CLUSTER_ENABLED=true: clustering is not available in this build\n");
    return 2;
  }
  if (!c.tls.cert.empty() || !c.tls.key.empty()) {
    std::fprintf(stderr,
                 "botmon: tls.cert/tls.key: TLS is not available in this build (it comes "
                 "with clustering, SPEC 14); terminate TLS in front of botmon\n");
    return 2;
  }
  LogOptions lo;
  lo.level = flags_.log_level.value_or("info");
  lo.human = flags_.console;
  if (Status st = InitLogging(lo); !st.ok()) {
    std::fprintf(stderr, "botmon: %s\n", st.message().c_str());
    return 2;
  }
  for (const auto& w : loaded->warnings) LOG_WARN("{}", w);
  Status st = Start(std::move(*loaded));
  if (!st.ok()) {
    LOG_ERROR("cannot start: {}", st.message());
    Shutdown();
    return st.code() == StatusCode::kInvalidArgument || st.code() == StatusCode::kAlreadyExists ? 2
                                                                                                : 1;
  }
  // Wait for signals on this thread (they are blocked everywhere; sigwait takes them).
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);
  while (true) {
    int sig = 0;
    if (sigwait(&set, &sig) != 0) continue;
    if (sig == SIGHUP) {
      Reload("SIGHUP");
      continue;
    }
    LOG_INFO("{}: shutting down", sig == SIGTERM ? "SIGTERM" : "SIGINT");
    break;
  }
  Shutdown();
  return 0;
}

Status App::Start(LoadedConfig loaded) {
  ASSIGN_OR_RETURN(auto rc, MakeRuntime(std::move(loaded), ""));
  const Config& c = rc->config();  // rc stays alive for this whole function
  data_dir_ = c.data_dir;
  RETURN_IF_ERROR(MakeDirs(data_dir_, 0700));
  ASSIGN_OR_RETURN(lock_, DirLock::Acquire(data_dir_));
  HostCollectorOptions hopts;
  hopts.proc_root = c.collect.proc_root;
  hopts.mounts = c.collect.mounts;
  // The data dir's mount is always measured (SPEC 3), once even if it is also listed.
  if (auto mp = MountPointOf(data_dir_); mp.ok()) {
    if (std::find(hopts.mounts.begin(), hopts.mounts.end(), *mp) == hopts.mounts.end()) {
      hopts.mounts.push_back(*mp);
    }
  } else {
    LOG_WARN("cannot find the mount point of {}: {}", data_dir_, mp.status().message());
  }
  hopts.nvml_library = c.collect.nvml_library;
  collector_ = std::make_unique<HostCollector>(hopts);
  if (!collector_->gpu_available()) LOG_INFO("GPU: n/a ({})", collector_->gpu_disabled_reason());

  config_ = std::make_unique<ConfigHolder>(rc);
  const int64_t now = clock_->NowMs();

  ASSIGN_OR_RETURN(store_, OpenStore(c.store, data_dir_, 4));
  ASSIGN_OR_RETURN(auto custom, store_->GetMeta("custom_fields"));
  if (custom) RETURN_IF_ERROR(catalog_.Load(*custom));
  ASSIGN_OR_RETURN(ingest_log_, IngestLog::Open(data_dir_ + "/events", {}));
  ASSIGN_OR_RETURN(tick_log_, TickLog::Open(data_dir_ + "/series"));
  series_ = std::make_unique<SeriesStore>(store_.get(), tick_log_.get(), &catalog_);
  std::vector<std::string> warnings;
  ASSIGN_OR_RETURN(int64_t series_mark, series_->Load(&warnings));

  live_stats_ = std::make_unique<LiveStats>(rc->zone);
  TrackerOptions topts;
  topts.idle_timeout_ms = c.sessions.idle_timeout_ms;
  topts.local_host = c.host_name;
  topts.store_text = c.privacy.store_text;
  tracker_ = std::make_unique<SessionTracker>(store_.get(), live_stats_.get(), topts);
  RETURN_IF_ERROR(tracker_->Restore(now, &acc_));
  {
    ASSIGN_OR_RETURN(TodayStats today, store_->ComputeToday(rc->zone->DayStartMs(now), now));
    ASSIGN_OR_RETURN(auto peak, store_->GetMeta("peak_today"));
    int64_t peak_day = INT64_MIN, peak_n = 0;
    if (peak && peak->find(':') != std::string::npos) {
      peak_day = std::stoll(peak->substr(0, peak->find(':')));
      peak_n = std::stoll(peak->substr(peak->find(':') + 1));
    }
    live_stats_->Restore(today, peak_day, peak_n, now);
  }
  PipelineOptions popts;
  popts.dedup_window_ms = kDedupWindowMs;
  pipeline_ = std::make_unique<IngestPipeline>(ingest_log_.get(), tracker_.get(), &acc_,
                                               store_.get(), &catalog_, clock_, popts);

  tokens_ = std::make_unique<TokenCache>(store_.get(), clock_);
  RETURN_IF_ERROR(tokens_->Refresh());
  RETURN_IF_ERROR(
      EnsureFirstAdmin(store_.get(), clock_, std::getenv("BOTMON_ADMIN_PASSWORD"), stderr));
  logins_ = std::make_unique<LoginSessions>(store_.get(), clock_, [this] {
    const Config& cc = config_->Get()->config();
    return SessionLimits{cc.auth.session_idle_ms, cc.auth.session_max_ms};
  });
  audit_ = std::make_unique<AuditLog>(store_.get(), clock_);
  nodes_ = std::make_unique<NodeRegistry>(c.host_name, now);
  metrics_ = std::make_unique<MetricsState>(c.host_name);

  ctx_.clock = clock_;
  ctx_.store = store_.get();
  ctx_.series = series_.get();
  ctx_.catalog = &catalog_;
  ctx_.live = live_stats_.get();
  ctx_.pipeline = pipeline_.get();
  ctx_.tokens = tokens_.get();
  ctx_.logins = logins_.get();
  ctx_.login_limiter = &login_limiter_;
  ctx_.audit = audit_.get();
  ctx_.nodes = nodes_.get();
  ctx_.metrics = metrics_.get();
  ctx_.config = config_.get();
  ctx_.ready = &ready_;
  ctx_.gpu_available = collector_->gpu_available();
  ctx_.started_ms = now;
  ctx_.server_id = NewUuidV4();
  status_ = std::make_unique<StatusRenderer>(&ctx_);
  ctx_.status = status_.get();
  live_ = std::make_unique<LivePublisher>(&ctx_);
  pipeline_->SetSessionPublisher(
      [this](const SessionRecord& s, SessionOp op) { live_->PublishSession(s, op); });

  // Service health checks (SPEC 8) run on their own thread from the start; a bad `checks:` entry
  // stops the start like any other configuration error.
  ASSIGN_OR_RETURN(auto checks, ParseChecks(c.checks));
  RunnerOptions ropts;
  ropts.clock = clock_;
  checks_ = std::make_unique<CheckRunner>(
      std::move(checks),
      [this](const CheckState& s, bool transition) {
        if (!transition) return;
        if (s.result.status == ServiceStatus::kRunning) {
          LOG_INFO("service {}: running", s.config.name);
        } else {
          LOG_WARN("service {}: {}{}{}", s.config.name, ServiceStatusName(s.result.status),
                   s.result.error.empty() ? "" : ": ", s.result.error);
        }
        live_->PublishService(ServiceEventJson(s));
        status_->OnTick();  // the status API's `services` map changed
      },
      ropts);
  ctx_.checks = checks_.get();
  // Alerting (SPEC 7): rules from every source, channels, routes, silences, maintenance.
  alert_objects_ = std::make_unique<AlertObjects>(store_.get(), c.retention.raw_ms);
  RETURN_IF_ERROR(alert_objects_->Load());
  ASSIGN_OR_RETURN(AlertSettings alert_settings,
                   alert_objects_->BuildCurrent([&](const ApiObjects& objects) {
                     return BuildAlertSettings(rc->loaded, now, &objects);
                   }));
  alerts_ = std::make_unique<AlertEngine>(store_.get(), &catalog_, clock_);
  ctx_.alerts = alerts_.get();
  ctx_.alert_objects = alert_objects_.get();
  ctx_.change_alert_objects = [this](const std::vector<std::pair<ApiObject, bool>>& changes) {
    return alert_objects_->Change(
        changes, [this](const ApiObjects& o) { return BuildAlerts(o); },
        [this](AlertSettings s) { ApplyAlerts(std::move(s)); });
  };
  exporter_ = std::make_unique<InfluxExporter>(c.influx);

  router_ = std::make_unique<Router>(MakeAuthenticator(tokens_.get(), logins_.get()));
  AddApiRoutes(router_.get(), &ctx_, ApiServices{live_.get(), &limiter_}, c.metrics.is_public);
  AddDashboardRoutes(router_.get());
  ServerOptions sopts;
  sopts.listen = c.listen;
  server_ = std::make_unique<Server>(sopts, router_.get());
  ctx_.server = server_.get();
  RETURN_IF_ERROR(server_->Listen());
  const std::string url = "http://127.0.0.1:" + std::to_string(server_->port());
  {
    // The effective listen URL (port 0 resolved) for publicUrl and the demo.
    LoadedConfig copy = rc->loaded;
    if (copy.SourceOf("publicUrl") == "default") {
      copy.config.public_url = "http://" + c.listen.substr(0, c.listen.rfind(':')) + ":" +
                               std::to_string(server_->port());
    }
    ASSIGN_OR_RETURN(auto fixed, MakeRuntime(std::move(copy), url));
    config_->Set(fixed);
  }
  if (flags_.port_file) {
    RETURN_IF_ERROR(WriteFileAtomic(*flags_.port_file, std::to_string(server_->port()) + "\n"));
  }
  server_->Start();

  // Replay what the ingest log holds beyond the store's marks; /readyz answers 503 meanwhile.
  ASSIGN_OR_RETURN(auto smark, store_->GetMeta("sessions_mark"));
  RETURN_IF_ERROR(pipeline_->Replay(smark ? std::stoll(*smark) : 0, series_mark, &warnings));
  for (const auto& w : warnings) LOG_WARN("{}", w);
  pipeline_->Start();
  ready_ = true;

  RETURN_IF_ERROR(
      alerts_->Start(std::move(alert_settings), [this](const std::string& op, const Incident& inc) {
        nlohmann::json data = {{"op", op}, {"incident", IncidentToJson(inc)}};
        live_->PublishIncident(data.dump());
      }));
  PrimeAlerts(clock_->NowMs());
  status_->SetOpenIncidents(alerts_->stats().open_incidents);

  ticker_ = std::make_unique<Ticker>(clock_);
  ticker_->Add({"tick", [this] { return config_->Get()->config().tick_ms; }, true,
                [this](int64_t t) { Tick(t); }});
  // Tokens made or revoked by `botmon token` (another process) reach the cache through the WAL
  // watcher below within ~0.5 s; this slow poll is only the fallback if inotify fails.
  ticker_->Add({"tokens", [this] { return token_watcher_ ? int64_t{10'000} : int64_t{500}; }, false,
                [this](int64_t) {
                  if (Status s = tokens_->Refresh(); !s.ok()) {
                    LogEvery("tokens-refresh", spdlog::level::warn, s.message());
                  }
                }});
  ticker_->Add({"token-last-used", [] { return int64_t{60'000}; }, false,
                [this](int64_t) { (void)store_->TouchTokens(tokens_->TakeLastUsed()); }});
  // Dashboard logins: last-seen times to the store, expired ones out of memory and the store.
  ticker_->Add({"logins", [] { return int64_t{60'000}; }, false,
                [this](int64_t) {
                  if (Status s = logins_->Purge(); !s.ok()) {
                    LogEvery("logins-purge", spdlog::level::warn, s.message());
                  }
                }});
  ticker_->Add({"janitor",
                [this] {
                  const int64_t j = config_->Get()->config().monitoring.janitor_interval_ms;
                  return j > 0 ? j : int64_t{3'600'000};
                },
                false,
                [this](int64_t t) {
                  const Config& cc = config_->Get()->config();
                  (void)store_->DeleteChunksBefore(Tier::kRaw, t - cc.retention.raw_ms);
                  (void)store_->DeleteChunksBefore(Tier::kRollup1m, t - cc.retention.rollup1m_ms);
                  (void)store_->DeleteChunksBefore(Tier::kRollup1h, t - cc.retention.rollup1h_ms);
                  // Resolved incidents (with their finished deliveries) after
                  // alerting.retentionPeriod, Botpress's incident janitor.
                  (void)store_->DeleteIncidentsBefore(t - cc.alerting.retention_period_ms);
                  DropSilencesOverBefore(t - cc.alerting.retention_period_ms);
                  auto n = store_->DeleteSessionsBefore(t - cc.sessions.retention_ms);
                  if (n.ok() && *n > 0) LOG_INFO("janitor: deleted {} old sessions", *n);
                }});
  // Any commit, by this process or a management command, appends to the WAL: watching it lets
  // an idle server refresh the token cache only when something changed, instead of polling.
  // Debounce 50 ms, so a constantly written WAL still refreshes at least every 0.5 s.
  auto tw = ConfigWatcher::Start(
      {data_dir_ + "/botmon.db-wal"},
      [this](const std::vector<std::string>&) {
        if (Status s = tokens_->Refresh(); !s.ok()) {
          LogEvery("tokens-refresh", spdlog::level::warn, s.message());
        }
      },
      std::chrono::milliseconds(50));
  if (tw.ok()) {
    token_watcher_ = std::move(*tw);
  } else {
    LOG_WARN("token changes are polled (no inotify on the data dir): {}", tw.status().message());
  }
  ticker_->Start();
  checks_->Start();
  exporter_->Start();

  if (flags_.demo) {
    // The demo posts through the same ingest path a real bot uses, with its own token.
    (void)store_->RevokeToken("demo");
    std::string token = GenerateToken();
    TokenRecord rec{NewUuidV4(), "demo", "ingest", HashToken(token), now, std::nullopt};
    RETURN_IF_ERROR(store_->CreateToken(rec));
    DemoOptions d;
    d.base_url = url;
    d.token = token;
    d.seed = flags_.demo_seed.value_or(static_cast<uint64_t>(now));
    demo_ = std::make_unique<DemoBot>(d);
    RETURN_IF_ERROR(demo_->Start());
    LOG_INFO("demo bot started (seed {})", d.seed);
  }

  if (!config_->Get()->loaded.files.empty()) {
    auto w = ConfigWatcher::Start(config_->Get()->loaded.files,
                                  [this](const std::vector<std::string>& changed) {
                                    Reload(changed.empty() ? "file change" : changed[0]);
                                  });
    if (w.ok()) {
      watcher_ = std::move(*w);
    } else {
      LOG_WARN("configuration files are not watched: {}", w.status().message());
    }
  }
  LOG_INFO("botmon serving on {} (data dir {}, host {}, tick {} ms)", url, data_dir_, c.host_name,
           c.tick_ms);
  return Status::OK();
}

void App::Tick(int64_t t_ms) {
  auto rc = config_->Get();
  const Config& c = rc->config();
  HostSample hs = collector_->Collect();
  for (const auto& e : hs.errors) LogEvery("collect:" + e.substr(0, 40), spdlog::level::warn, e);
  HostReadings host;
  host.cpu_usage = hs.cpu_usage;
  host.mem_usage = hs.mem_usage;
  host.mem_free_kb = hs.mem_free_kb;
  for (const auto& d : hs.disks) host.disks.emplace_back(d.mount, d.percent);
  for (const auto& g : hs.gpus) host.gpus.push_back({g.gpu, g.usage, g.mem_usage});

  ClosedTick closed = acc_.Close(t_ms, t_ms - 86'400'000);
  TickSampleOptions topts;
  topts.local_host = c.host_name;
  std::vector<TickValue> values = BuildTickSamples(closed, &host, catalog_, topts);
  AddServiceSamples(c.host_name, &values);
  exporter_->EnqueueTick(values, t_ms);
  // Rules run right after the tick's samples close (SPEC 7.2).
  alerts_->AddTick(t_ms, values);
  const std::set<std::string> stale = StaleNodes(t_ms);
  alerts_->Evaluate(t_ms, [&stale](const std::string& host) { return stale.count(host) > 0; });
  status_->SetOpenIncidents(alerts_->stats().open_incidents);
  nodes_->OnTick(closed, values, *rc->zone);
  metrics_->OnTick(closed, values, catalog_);
  if (Status s = series_->AppendTick(t_ms, closed.through_seq, std::move(values)); !s.ok()) {
    LogEvery("tick-log", spdlog::level::err, "cannot persist the tick: " + s.message());
  }
  series_->CloseHours(t_ms);
  status_->OnTick();
  live_->PublishTick(*series_->Last());

  // Session idle timeouts and ingest-log clean-up run on the ingest writer, which owns both.
  const int64_t series_mark = closed.through_seq;
  pipeline_->Post([this, t_ms, series_mark] {
    TickAccumulator::Batch b(&acc_);
    tracker_->ExpireIdle(t_ms, &b);
    const int64_t applied = std::min(series_mark, pipeline_->committed_seq());
    ingest_log_->DeleteApplied(applied, clock_->NowMs() - kDedupWindowMs);
  });
  if (flags_.monitor) PrintConsole(t_ms);
}

void App::AddServiceSamples(const std::string& host, std::vector<TickValue>* values) {
  // service.up is 1 for running, warning and sealed (SPEC 1.1); a check not probed yet has no
  // sample, so a rule never sees a service as down before its first probe.
  for (const auto& s : checks_->Snapshot()) {
    if (!s.probed) continue;
    SeriesKey up;
    up.field = "service.up";
    up.host = host;
    up.service = s.config.name;
    SeriesKey latency = up;
    latency.field = "service.latency";
    values->push_back({std::move(up), s.result.status == ServiceStatus::kStopped ? 0.0 : 1.0});
    values->push_back({std::move(latency), s.result.latency_ms});
  }
}

void App::DropSilencesOverBefore(int64_t cutoff_ms) {
  std::vector<std::pair<ApiObject, bool>> drop;
  const auto settings = alerts_->settings();
  for (std::string& id : SilencesOverBefore(settings->silences, cutoff_ms, store_.get())) {
    drop.push_back({ApiObject{"silence", std::move(id), nlohmann::json::object()}, true});
  }
  if (drop.empty()) return;
  if (Status st = ctx_.change_alert_objects(drop); !st.ok()) {
    LogEvery("silence-janitor", spdlog::level::warn, "janitor: silences kept: " + st.message());
  } else {
    LOG_INFO("janitor: dropped {} silences over before the retention period", drop.size());
  }
}

StatusOr<AlertSettings> App::BuildAlerts(const ApiObjects& objects) const {
  return BuildAlertSettings(config_->Get()->loaded, clock_->NowMs(), &objects);
}

std::set<std::string> App::StaleNodes(int64_t now_ms) const {
  const Config& c = config_->Get()->config();
  const int64_t after = c.nodes.stale_after_ms > 0 ? c.nodes.stale_after_ms : 3 * c.tick_ms;
  std::set<std::string> out;
  for (const auto& n : nodes_->Snapshot()) {
    if (n.kind != "local" && now_ms - n.last_update_ms > after) out.insert(n.host);
  }
  return out;
}

void App::PrimeAlerts(int64_t now_ms) {
  // The rules' windows start full: the stored samples of their fields over the longest window
  // are fed again, tick by tick, as if they had just closed.
  const int64_t window = alerts_->MaxWindowMs();
  if (window <= 0) return;
  StoredTicksQuery q;
  q.fields = alerts_->Fields();
  q.from_ms = now_ms - window;
  q.to_ms = now_ms;
  std::vector<std::string> warnings;
  auto ticks = ReadStoredTicks(*series_, q, &warnings);
  for (const auto& w : warnings) LOG_WARN("alerting: cannot prime: {}", w);
  if (!ticks.ok()) return;
  for (const auto& t : *ticks) alerts_->AddTick(t.t_ms, t.values);
  if (!ticks->empty()) LOG_INFO("alerting: windows primed with {} past ticks", ticks->size());
}

void App::PrintConsole(int64_t t_ms) {
  auto rc = config_->Get();
  LiveStats::Figures f = live_stats_->Get(clock_->NowMs());
  ConsoleFigures cf;
  cf.local_time = rc->zone->FormatLocal(t_ms);
  cf.active = f.active;
  cf.peak = f.peak_today;
  cf.messages_today = f.messages_today;
  cf.this_hour = f.this_hour;
  for (const auto& n : nodes_->Snapshot()) {
    if (n.kind != "local") continue;
    cf.cpu = n.cpu_percent;
    cf.mem = n.memory_percent;
    cf.gpu = n.gpu_percent;
  }
  // "N/M running": running and warning (degraded but answering) count; sealed and stopped do
  // not (SPEC 8).
  for (const auto& s : checks_->Snapshot()) {
    ++cf.services_total;
    if (s.probed && (s.result.status == ServiceStatus::kRunning ||
                     s.result.status == ServiceStatus::kWarning)) {
      ++cf.services_running;
    }
  }
  std::string block = FormatConsoleBlock(cf);
  // One write, so that no log line lands between the block's lines.
  if (::write(STDOUT_FILENO, block.data(), block.size()) < 0) {
    LogEvery("console", spdlog::level::warn, "cannot write the console block to stdout");
  }
}

void App::Reload(const std::string& why) {
  std::lock_guard lock(reload_mu_);
  auto loaded = LoadConfig(SourcesFromFlags(flags_));
  auto old = config_->Get();
  if (!loaded.ok()) {
    LOG_ERROR("reload ({}): keeping the running configuration: {}", why, loaded.status().message());
    config_->SetError(loaded.status().message());
    live_->PublishConfig(false, loaded.status().message());
    return;
  }
  const Config& n = loaded->config;
  const Config& o = old->config();
  for (auto [key, changed] :
       {std::pair{"listen", n.listen != o.listen}, std::pair{"dataDir", n.data_dir != o.data_dir},
        std::pair{"store", n.store != o.store}, std::pair{"hostName", n.host_name != o.host_name},
        std::pair{"collect", !(n.collect == o.collect)},
        std::pair{"metrics.public", !(n.metrics == o.metrics)}}) {
    if (changed) LOG_WARN("reload: {} changes only at the next start", key);
  }
  LoadedConfig keep = std::move(*loaded);
  // Keys that need a restart keep their running values.
  keep.config.listen = o.listen;
  keep.config.data_dir = o.data_dir;
  keep.config.store = o.store;
  keep.config.host_name = o.host_name;
  keep.config.collect = o.collect;
  keep.config.metrics = o.metrics;
  keep.config.public_url =
      keep.SourceOf("publicUrl") == "default" ? o.public_url : keep.config.public_url;
  auto rc = MakeRuntime(std::move(keep), old->listen_url);
  if (!rc.ok()) {
    config_->SetError(rc.status().message());
    live_->PublishConfig(false, rc.status().message());
    return;
  }
  const Config& c = (*rc)->config();
  auto checks = ParseChecks(c.checks);
  if (!checks.ok()) {
    LOG_ERROR("reload ({}): keeping the running configuration: {}", why, checks.status().message());
    config_->SetError(checks.status().message());
    live_->PublishConfig(false, checks.status().message());
    return;
  }
  auto alert_settings = alert_objects_->BuildCurrent([&](const ApiObjects& objects) {
    return BuildAlertSettings((*rc)->loaded, clock_->NowMs(), &objects);
  });
  if (!alert_settings.ok()) {
    LOG_ERROR("reload ({}): keeping the running configuration: {}", why,
              alert_settings.status().message());
    config_->SetError(alert_settings.status().message());
    live_->PublishConfig(false, alert_settings.status().message());
    return;
  }
  checks_->Reconfigure(std::move(*checks));
  exporter_->Reconfigure(c.influx);
  TrackerOptions topts = tracker_->options();
  topts.idle_timeout_ms = c.sessions.idle_timeout_ms;
  topts.store_text = c.privacy.store_text;
  pipeline_->Post([this, topts] { tracker_->SetOptions(topts); });
  live_stats_->SetZone((*rc)->zone, clock_->NowMs());
  config_->Set(*rc);
  // Rebuilt from the configuration now in force, under the objects' lock, so that an API change
  // made meanwhile is kept.
  if (Status st = alert_objects_->Rebuild([this](const ApiObjects& o) { return BuildAlerts(o); },
                                          [this](AlertSettings s) { ApplyAlerts(std::move(s)); });
      !st.ok()) {
    LOG_ERROR("reload ({}): alerting keeps its running settings: {}", why, st.message());
  }
  live_->PublishConfig(true, "");
  LOG_INFO("configuration reloaded ({})", why);
}

void App::Shutdown() {
  // Reverse order: stop producers, then the server (closing live streams), then drain.
  if (watcher_) watcher_->Stop();
  if (token_watcher_) token_watcher_->Stop();
  if (demo_) demo_->Stop();
  if (server_) server_->Stop(1500);
  if (ticker_) ticker_->Stop();
  if (checks_) checks_->Stop();
  if (alerts_) alerts_->Stop();
  if (exporter_) exporter_->Stop(1000);
  if (pipeline_) pipeline_->Stop();
  if (store_) {
    (void)store_->TouchTokens(tokens_ ? tokens_->TakeLastUsed()
                                      : std::vector<std::pair<std::string, int64_t>>{});
    if (logins_) (void)store_->TouchLoginSessions(logins_->TakeSeen());
    (void)store_->Flush();
    store_->Close();
  }
}

}  // namespace

int RunServe(const ServeFlags& flags) {
  App app(flags);
  return app.Run();
}

}  // namespace botmon
