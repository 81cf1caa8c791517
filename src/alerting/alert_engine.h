// AlertEngine: from evaluations to incidents, notifications and hook runs (SPEC 7.2–7.5).
//
// The ticker feeds closed ticks and evaluates (AddTick, Evaluate). Each transition becomes one
// WriteBatch holding the incident, the rule state and the outbox rows (one per channel chosen by
// the routes, one per hook), committed together; only after the commit are the rows handed to the
// delivery workers (delivery.h). A send is recorded after it happened, so a crash in between
// sends again with the same delivery id (at-least-once with a stable X-Botmon-Delivery); a
// restart loads the persisted states, the open incidents and the pending rows, so no incident
// re-opens and no notification is forgotten.
//
// Thread-safe: the ticker calls AddTick/Evaluate/Reconfigure; the API and the delivery workers
// call the rest.
#ifndef BOTMON_ALERTING_ALERT_ENGINE_H_
#define BOTMON_ALERTING_ALERT_ENGINE_H_

#include <atomic>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "alert/evaluator.h"
#include "alert/incident.h"
#include "config/load.h"
#include "core/clock.h"
#include "notify/channel.h"
#include "notify/sender.h"
#include "routing/maintenance.h"
#include "routing/route.h"
#include "routing/silence.h"
#include "store/store.h"

namespace botmon {

class DeliveryWorkers;

// Everything the engine takes from the configuration, rebuilt on every reload.
struct AlertSettings {
  std::vector<Rule> rules;
  std::vector<Channel> channels;
  std::vector<NotificationRoute> routes;
  std::vector<Silence> silences;
  std::vector<MaintenanceWindow> maintenance;
  TransportConfig transports;
  std::string public_url;
  std::string host_name;
  std::string hooks_dir;
  int64_t hook_timeout_ms = 10'000;
  int64_t give_up_after_ms = 24 * 3'600'000LL;
  int64_t tick_ms = 10'000;
};

// Validates and gathers the alerting parts of a loaded configuration (rules from every source,
// channels from botmon.yaml and config.csv, routes, silences, maintenance windows). Errors name
// file, line and field.
// `api` adds the objects made over the API (alert_objects.h): rules, channels, silences,
// maintenance windows, and the enabled switches of default rules.
struct ApiObjects;
StatusOr<AlertSettings> BuildAlertSettings(const LoadedConfig& loaded, int64_t now_ms,
                                           const ApiObjects* api = nullptr);

struct AlertStats {
  double eval_seconds_sum = 0;
  uint64_t eval_count = 0;
  int64_t open_incidents = 0;
  size_t outbox_pending = 0;
  uint64_t deliveries_sent = 0, deliveries_failed = 0;
};

class AlertEngine {
 public:
  // Called for `incident` SSE events: op is opened | resolved | acknowledged | updated.
  using Publisher = std::function<void(const std::string& op, const Incident& inc)>;

  AlertEngine(Store* store, const FieldCatalog* catalog, Clock* clock);
  ~AlertEngine();
  AlertEngine(const AlertEngine&) = delete;
  AlertEngine& operator=(const AlertEngine&) = delete;

  // Loads the persisted rule states, open incidents and pending deliveries, then starts the
  // delivery workers.
  Status Start(AlertSettings settings, Publisher publisher);
  // Stops the workers (an attempt in flight ends within its timeout).
  void Stop();
  void Reconfigure(AlertSettings settings);

  // The ticker: one closed tick (also used to prime the windows at start), then the evaluation.
  void AddTick(int64_t t_ms, const std::vector<TickValue>& values);
  void Evaluate(int64_t now_ms, const std::function<bool(const std::string&)>& stale = {});
  // What priming must feed: the fields the rules read, and how far back.
  std::vector<std::string> Fields() const;
  int64_t MaxWindowMs() const;

  // ---- API ----
  // The A.9 rule objects with their per-group state.
  nlohmann::json RulesJson() const;
  std::optional<Incident> GetOpen(const std::string& id) const;
  // An open or recently changed incident as the engine has it, which may be newer than the
  // store's copy (writes are asynchronous): what the API should show.
  std::optional<Incident> GetKnown(const std::string& id) const;
  // Acknowledges an open or resolved incident (stops its repeats). NotFound for an unknown id.
  StatusOr<Incident> Acknowledge(const std::string& id, const std::string& by,
                                 const std::string& comment);
  struct TestResult {
    std::string channel;
    SendResult result;
    std::string delivery_id;
  };
  // A [TEST] notification to every channel (or one), synchronously, each capped at `timeout_ms`.
  std::vector<TestResult> SendTest(const std::string& channel, int64_t timeout_ms);
  std::vector<Channel> channels() const;
  AlertStats stats() const;

  // ---- Delivery workers ----
  // Records an attempt's outcome on the incident's timeline (and persists the incident).
  void AddTimeline(const std::string& incident_id, TimelineEntry entry);
  // A channel gave up on a delivery: opens (once) the "notification channel failing" incident,
  // sent on the other channels only.
  void ChannelFailing(const std::string& channel, const std::string& error);
  // A delivery on a channel succeeded: resolves its "channel failing" incident, if open.
  void ChannelRecovered(const std::string& channel);
  std::shared_ptr<const AlertSettings> settings() const;

 private:
  void HandleTransition(const EvalTransition& tr, const Rule& rule, int64_t now_ms,
                        WriteBatch* batch, std::vector<OutboxRow>* rows);
  void ResolveDropped(const DroppedState& d, int64_t now_ms, WriteBatch* batch,
                      std::vector<OutboxRow>* rows);
  // Appends the outbox rows of one notification of `inc` (channels by route, hooks).
  void AddDeliveries(const Incident& inc, const Rule* rule, const std::string& event,
                     int64_t now_ms, bool with_hooks, const std::vector<std::string>& only,
                     WriteBatch* batch, std::vector<OutboxRow>* rows);
  std::string MutedBy(const Incident& inc, const Rule* rule, int64_t now_ms) const;
  void Commit(WriteBatch batch, std::vector<OutboxRow> rows);
  // `repeat`: notifies again the unacknowledged open incidents whose last notification is older
  // than their rule's repeat. REQUIRES: eval_mu_ held.
  void Repeat(int64_t now_ms);
  // Marks the open incidents of stale nodes `stale` (SPEC 7.6), and unmarks them when the node
  // reports again.
  void MarkStale(int64_t now_ms, const std::function<bool(const std::string&)>& stale);
  static IncidentRow RowOf(const Incident& inc);

  Store* store_;
  Clock* clock_;
  // The evaluator is stepped by the ticker and read by the API (RulesJson) and by reconfigurations
  // (reloads, API changes) on other threads. Lock order: eval_mu_ before mu_.
  mutable std::mutex eval_mu_;
  Evaluator evaluator_;  // GUARDED_BY(eval_mu_)
  Publisher publisher_;
  std::unique_ptr<DeliveryWorkers> workers_;

  mutable std::mutex mu_;
  std::shared_ptr<const AlertSettings> settings_;  // GUARDED_BY(mu_)
  std::map<std::string, Incident> open_;           // GUARDED_BY(mu_): by id
  // Recently resolved incidents, so that deliveries finishing after the resolve update the
  // timeline without a read-modify-write race through the store.
  std::map<std::string, Incident> recent_;      // GUARDED_BY(mu_)
  std::deque<std::string> recent_order_;        // GUARDED_BY(mu_)
  void Remember(const Incident& inc);           // REQUIRES: mu_ held
  std::map<std::string, std::string> failing_;  // GUARDED_BY(mu_): channel -> incident id
  double eval_seconds_sum_ = 0;                 // GUARDED_BY(mu_)
  uint64_t eval_count_ = 0;                     // GUARDED_BY(mu_)
};

}  // namespace botmon

#endif  // BOTMON_ALERTING_ALERT_ENGINE_H_
