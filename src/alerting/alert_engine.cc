#include "alerting/alert_engine.h"

#include <chrono>
#include <cmath>

#include "alert/rule_parse.h"
#include "alert/rule_sources.h"
#include "alerting/alert_objects.h"
#include "alerting/delivery.h"
#include "core/log.h"
#include "core/random.h"
#include "core/time_util.h"
#include "hooks/hook_runner.h"
#include "notify/message.h"
#include "routing/match.h"

namespace botmon {

namespace {

constexpr const char* kChannelFailingRule = "notification channel failing";

std::string Substitute(std::string text, const Incident& inc) {
  auto replace = [&](const std::string& key, const std::string& value) {
    for (size_t pos; (pos = text.find(key)) != std::string::npos;)
      text.replace(pos, key.size(), value);
  };
  replace("{{value}}", FormatValue(inc.trigger_value, inc.aggregation));
  replace("{{host}}", inc.host_name);
  replace("{{threshold}}", FormatRuleNumber(inc.threshold));
  replace("{{rule}}", inc.rule_name);
  return text;
}

// Values as the notifications show them ("97.2", "12"); the exact one is the entry's `value`.
std::string ConditionDetail(const Rule& r, double value) {
  return std::string(AggregationName(r.aggregation)) + "(" + r.field +
         ")=" + FormatValue(value, r.aggregation) + " " + std::string(OperandSymbol(r.operand)) +
         " " + FormatRuleNumber(r.value);
}

}  // namespace

StatusOr<AlertSettings> BuildAlertSettings(const LoadedConfig& loaded, int64_t now_ms,
                                           const ApiObjects* api) {
  const Config& c = loaded.config;
  AlertSettings s;
  RuleSet set = BuildRuleSet(loaded, api ? api->rules : std::vector<Rule>{});
  RETURN_IF_ERROR(set.ToStatus());
  s.rules = std::move(set.rules);
  if (api) {
    for (auto& r : s.rules) {
      auto it = api->default_enabled.find(r.name);
      if (r.source == RuleSource::kDefault && it != api->default_enabled.end()) {
        r.enabled = it->second;
      }
    }
  }
  std::vector<RawItem> channel_items = c.channels;
  for (auto& item : set.channels) channel_items.push_back(std::move(item));
  if (api) channel_items.insert(channel_items.end(), api->channels.begin(), api->channels.end());
  ASSIGN_OR_RETURN(s.channels, ParseChannels(channel_items));
  std::vector<std::string> names;
  for (const auto& ch : s.channels) names.push_back(ch.name);
  ASSIGN_OR_RETURN(s.routes, ParseRoutes(c.routes, names));
  ASSIGN_OR_RETURN(s.silences, ParseSilences(c.silences, now_ms));
  ASSIGN_OR_RETURN(s.maintenance, ParseMaintenance(c.maintenance, c.timezone));
  if (api) {
    for (const auto& sil : api->silences) {
      for (const auto& other : s.silences) {
        if (other.id == sil.id) {
          return Status::InvalidArgument("silence \"" + sil.id + "\": id: also defined in " +
                                         other.file);
        }
      }
      s.silences.push_back(sil);
    }
    for (const auto& w : api->maintenance) {
      for (const auto& other : s.maintenance) {
        if (other.name == w.name) {
          return Status::InvalidArgument("maintenance window \"" + w.name +
                                         "\": name: also defined in " + other.file);
        }
      }
      s.maintenance.push_back(w);
    }
  }
  s.host_name = c.host_name;
  s.transports = TransportConfigFrom(c);
  s.public_url = c.public_url;
  s.hooks_dir = c.hooks.dir;
  s.hook_timeout_ms = c.hooks.timeout_ms;
  s.give_up_after_ms = c.notifications.give_up_after_ms;
  s.tick_ms = c.alerting.watcher_interval_ms > 0
                  ? std::max(c.alerting.watcher_interval_ms, c.tick_ms)
                  : c.tick_ms;
  return s;
}

AlertEngine::AlertEngine(Store* store, const FieldCatalog* catalog, Clock* clock)
    : store_(store), clock_(clock), evaluator_(catalog, 10'000) {}

AlertEngine::~AlertEngine() { Stop(); }

std::shared_ptr<const AlertSettings> AlertEngine::settings() const {
  std::lock_guard lock(mu_);
  return settings_;
}

Status AlertEngine::Start(AlertSettings settings, Publisher publisher) {
  publisher_ = std::move(publisher);
  std::lock_guard eval_lock(eval_mu_);
  evaluator_.SetTick(settings.tick_ms);
  evaluator_.SetRules(settings.rules);
  {
    std::lock_guard lock(mu_);
    settings_ = std::make_shared<const AlertSettings>(std::move(settings));
  }
  ASSIGN_OR_RETURN(auto states, store_->LoadRuleStates());
  for (const auto& row : states) {
    nlohmann::json doc = nlohmann::json::parse(row.doc, nullptr, false);
    Group group;
    if (doc.contains("group") && doc["group"].is_object()) {
      for (const auto& [k, v] : doc["group"].items()) {
        if (v.is_string()) group[k] = v.get<std::string>();
      }
    }
    evaluator_.RestoreState(row.rule, group, GroupStateFromJson(doc));
  }
  IncidentQuery q;
  q.open = true;
  q.per_page = 500;
  for (int page = 1;; ++page) {
    q.page = page;
    ASSIGN_OR_RETURN(auto rows, store_->ListIncidents(q, nullptr));
    std::lock_guard lock(mu_);
    for (const auto& r : rows) {
      Incident inc = IncidentFromJson(nlohmann::json::parse(r.doc, nullptr, false));
      if (inc.id.empty()) continue;
      if (inc.rule_name == kChannelFailingRule && inc.group.count("channel")) {
        failing_[inc.group["channel"]] = inc.id;
      }
      open_[inc.id] = std::move(inc);
    }
    if (rows.size() < static_cast<size_t>(q.per_page)) break;
  }
  workers_ = std::make_unique<DeliveryWorkers>(store_, this, clock_);
  ASSIGN_OR_RETURN(auto pending, store_->LoadPendingOutbox());
  if (!pending.empty()) LOG_INFO("alerting: {} deliveries pending from before", pending.size());
  workers_->Enqueue(std::move(pending));
  return Status::OK();
}

void AlertEngine::Stop() {
  if (workers_) workers_->Stop();
}

void AlertEngine::Reconfigure(AlertSettings settings) {
  std::lock_guard eval_lock(eval_mu_);
  evaluator_.SetTick(settings.tick_ms);
  auto dropped = evaluator_.SetRules(settings.rules);
  {
    std::lock_guard lock(mu_);
    settings_ = std::make_shared<const AlertSettings>(std::move(settings));
  }
  const int64_t now = clock_->NowMs();
  for (const auto& d : dropped) {
    WriteBatch batch;
    std::vector<OutboxRow> rows;
    ResolveDropped(d, now, &batch, &rows);
    Commit(std::move(batch), std::move(rows));
  }
}

void AlertEngine::AddTick(int64_t t_ms, const std::vector<TickValue>& values) {
  std::lock_guard eval_lock(eval_mu_);
  evaluator_.AddTick(t_ms, values);
}

std::vector<std::string> AlertEngine::Fields() const {
  std::lock_guard eval_lock(eval_mu_);
  return evaluator_.Fields();
}
int64_t AlertEngine::MaxWindowMs() const {
  std::lock_guard eval_lock(eval_mu_);
  return evaluator_.MaxWindowMs();
}

void AlertEngine::Remember(const Incident& inc) {
  constexpr size_t kRecent = 1000;
  if (recent_.emplace(inc.id, inc).second) {
    recent_order_.push_back(inc.id);
  } else {
    recent_[inc.id] = inc;
  }
  while (recent_order_.size() > kRecent) {
    recent_.erase(recent_order_.front());
    recent_order_.pop_front();
  }
}

IncidentRow AlertEngine::RowOf(const Incident& inc) {
  return {inc.id,       inc.rule_name, GroupString(inc.group),    inc.host_name,
          inc.start_ms, inc.end_ms,    IncidentToJson(inc).dump()};
}

void AlertEngine::Evaluate(int64_t now_ms, const std::function<bool(const std::string&)>& stale) {
  const auto t0 = std::chrono::steady_clock::now();
  std::unique_lock eval_lock(eval_mu_);
  auto transitions = evaluator_.Evaluate(now_ms, stale);
  std::map<std::string, const Rule*> rules;
  for (const auto& r : evaluator_.rules()) rules[r.name] = &r;
  for (const auto& tr : transitions) {
    auto rule = rules.find(tr.rule);
    if (rule == rules.end()) continue;
    WriteBatch batch;
    std::vector<OutboxRow> rows;
    HandleTransition(tr, *rule->second, now_ms, &batch, &rows);
    Commit(std::move(batch), std::move(rows));
  }
  // Open incidents follow their group's last value; unacknowledged ones repeat.
  for (const auto& r : evaluator_.rules()) {
    for (auto& g : evaluator_.Groups(r.name)) {
      if (g.state.state != RuleState::kFiring || g.state.incident_id.empty()) continue;
      std::lock_guard lock(mu_);
      auto it = open_.find(g.state.incident_id);
      if (it == open_.end()) continue;
      it->second.last_value = g.value;
    }
  }
  Repeat(now_ms);
  eval_lock.unlock();
  if (stale) MarkStale(now_ms, stale);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::lock_guard lock(mu_);
  eval_seconds_sum_ += secs;
  ++eval_count_;
}

void AlertEngine::HandleTransition(const EvalTransition& tr, const Rule& rule, int64_t now_ms,
                                   WriteBatch* batch, std::vector<OutboxRow>* rows) {
  GroupState state = tr.state;
  nlohmann::json doc = GroupStateToJson(state);
  doc["group"] = tr.group;
  if (tr.transition == Transition::kOpened) {
    Incident inc;
    inc.id = NewUuidV4();
    inc.rule_name = rule.name;
    auto host = tr.group.find("host");
    inc.host_name = host != tr.group.end() ? host->second : "*";
    inc.start_ms = now_ms;
    inc.trigger_value = tr.value.value_or(NAN);
    if (!tr.value) inc.trigger_value = 0;
    inc.severity = rule.severity;
    inc.field = rule.field;
    inc.aggregation = rule.aggregation;
    inc.operand = rule.operand;
    inc.threshold = rule.value;
    inc.group = tr.group;
    inc.last_value = tr.value;
    inc.description = Substitute(rule.description, inc);
    inc.timeline.push_back(
        {now_ms, "opened",
         tr.value ? ConditionDetail(rule, *tr.value) : "no data (noData: alerting)", tr.value});
    state.incident_id = inc.id;
    if (GroupState* live = evaluator_.MutableState(tr.rule, tr.group_key))
      live->incident_id = inc.id;
    doc = GroupStateToJson(state);
    doc["group"] = tr.group;
    AddDeliveries(inc, &rule, "opened", now_ms, true, {}, batch, rows);
    batch->incidents.push_back(RowOf(inc));
    {
      std::lock_guard lock(mu_);
      open_[inc.id] = inc;
    }
    LOG_WARN("incident opened: {} on {} ({})", rule.name, inc.host_name,
             inc.timeline.back().detail);
    if (publisher_) publisher_("opened", inc);
  } else if (tr.transition == Transition::kResolved && !state.incident_id.empty()) {
    std::optional<Incident> inc;
    {
      std::lock_guard lock(mu_);
      auto it = open_.find(state.incident_id);
      if (it != open_.end()) {
        inc = std::move(it->second);
        open_.erase(it);
      }
    }
    if (inc) {
      inc->end_ms = now_ms;
      inc->last_value = tr.value;
      inc->timeline.push_back(
          {now_ms, "resolved",
           tr.value ? ConditionDetail(rule, *tr.value) + " (cleared)" : "no data (noData: ok)",
           tr.value});
      AddDeliveries(*inc, &rule, "resolved", now_ms, true, {}, batch, rows);
      batch->incidents.push_back(RowOf(*inc));
      {
        std::lock_guard lock(mu_);
        Remember(*inc);
      }
      LOG_INFO("incident resolved: {} on {}", rule.name, inc->host_name);
      if (publisher_) publisher_("resolved", *inc);
    }
    state.incident_id.clear();
    if (GroupState* live = evaluator_.MutableState(tr.rule, tr.group_key))
      live->incident_id.clear();
    doc = GroupStateToJson(state);
    doc["group"] = tr.group;
  }
  batch->rule_states.push_back({tr.rule, tr.group_key, doc.dump(), false});
}

void AlertEngine::Repeat(int64_t now_ms) {
  for (const auto& rule : evaluator_.rules()) {
    if (rule.repeat_ms <= 0 || !rule.enabled) continue;
    for (const auto& g : evaluator_.Groups(rule.name)) {
      if (g.state.state != RuleState::kFiring || g.state.incident_id.empty()) continue;
      if (now_ms - g.state.last_notified_ms < rule.repeat_ms) continue;
      std::optional<Incident> inc;
      {
        std::lock_guard lock(mu_);
        auto it = open_.find(g.state.incident_id);
        // Acknowledging stops the repeats (SPEC 7.5).
        if (it == open_.end() || it->second.acknowledged_at_ms) continue;
        it->second.timeline.push_back(
            {now_ms, "repeat", "still " + ConditionDetail(rule, g.value.value_or(0)), g.value});
        inc = it->second;
      }
      const std::string key = GroupString(g.group);
      GroupState* live = evaluator_.MutableState(rule.name, key);
      if (!live) continue;
      live->last_notified_ms = now_ms;
      nlohmann::json doc = GroupStateToJson(*live);
      doc["group"] = g.group;
      WriteBatch batch;
      std::vector<OutboxRow> rows;
      AddDeliveries(*inc, &rule, "repeat", now_ms, false, {}, &batch, &rows);
      batch.incidents.push_back(RowOf(*inc));
      batch.rule_states.push_back({rule.name, key, doc.dump(), false});
      Commit(std::move(batch), std::move(rows));
      if (publisher_) publisher_("updated", *inc);
    }
  }
}

void AlertEngine::MarkStale(int64_t now_ms, const std::function<bool(const std::string&)>& stale) {
  std::vector<Incident> changed;
  {
    std::lock_guard lock(mu_);
    for (auto& [id, inc] : open_) {
      if (inc.host_name == "*") continue;
      const bool now_stale = stale(inc.host_name);
      if (now_stale == inc.stale) continue;
      inc.stale = now_stale;
      inc.timeline.push_back({now_ms, now_stale ? "stale" : "fresh",
                              now_stale ? "node " + inc.host_name + " stopped reporting"
                                        : "node " + inc.host_name + " reports again",
                              std::nullopt});
      changed.push_back(inc);
    }
  }
  if (changed.empty()) return;
  WriteBatch batch;
  for (const auto& inc : changed) batch.incidents.push_back(RowOf(inc));
  Commit(std::move(batch), {});
  for (const auto& inc : changed) {
    if (publisher_) publisher_("updated", inc);
  }
}

void AlertEngine::ResolveDropped(const DroppedState& d, int64_t now_ms, WriteBatch* batch,
                                 std::vector<OutboxRow>* rows) {
  batch->rule_states.push_back({d.rule, d.group_key, "", true});
  if (d.state.state != RuleState::kFiring || d.state.incident_id.empty()) return;
  std::optional<Incident> inc;
  {
    std::lock_guard lock(mu_);
    auto it = open_.find(d.state.incident_id);
    if (it != open_.end()) {
      inc = std::move(it->second);
      open_.erase(it);
    }
  }
  if (!inc) return;
  inc->end_ms = now_ms;
  inc->timeline.push_back({now_ms, "resolved", d.reason, std::nullopt});
  AddDeliveries(*inc, nullptr, "resolved", now_ms, true, {}, batch, rows);
  batch->incidents.push_back(RowOf(*inc));
  {
    std::lock_guard lock(mu_);
    Remember(*inc);
  }
  if (publisher_) publisher_("resolved", *inc);
}

std::string AlertEngine::MutedBy(const Incident& inc, const Rule* rule, int64_t now_ms) const {
  auto s = settings();
  AlertLabels labels = IncidentLabels(inc, rule);
  auto is_open = [this](std::string_view id) {
    std::lock_guard lock(mu_);
    return open_.count(std::string(id)) > 0;
  };
  for (const auto& sil : s->silences) {
    if (IsSilenced(sil, inc, labels, now_ms, is_open)) return sil.id;
  }
  for (const auto& w : s->maintenance) {
    if (MaintenanceMutes(w, labels, now_ms)) return w.name;
  }
  return "";
}

void AlertEngine::AddDeliveries(const Incident& inc, const Rule* rule, const std::string& event,
                                int64_t now_ms, bool with_hooks,
                                const std::vector<std::string>& only, WriteBatch* batch,
                                std::vector<OutboxRow>* rows) {
  auto s = settings();
  std::vector<std::string> channels = only;
  if (channels.empty()) {
    std::vector<std::string> all;
    for (const auto& c : s->channels) all.push_back(c.name);
    channels = SelectChannels(rule ? rule->channels : std::vector<std::string>{},
                              IncidentLabels(inc, rule), s->routes, all)
                   .channels;
  }
  const std::string muted = MutedBy(inc, rule, now_ms);
  nlohmann::json payload = {{"event", event}, {"incident", IncidentToJson(inc)}};
  const std::string body = payload.dump();
  auto row = [&](std::string target) {
    OutboxRow r;
    r.id = NewUuidV4();
    r.incident_id = inc.id;
    r.target = std::move(target);
    r.event = event;
    r.payload = body;
    r.created_ms = now_ms;
    r.next_attempt_ms = now_ms;
    return r;
  };
  for (const auto& ch : channels) {
    OutboxRow r = row(ch);
    if (!muted.empty()) {
      r.state = "skipped";
      r.last_error = "muted by " + muted;
      r.done_ms = now_ms;
    }
    batch->outbox.push_back(r);
    rows->push_back(std::move(r));
  }
  if (with_hooks && !s->hooks_dir.empty()) {
    auto hooks = ListHooks(s->hooks_dir);
    if (hooks.ok()) {
      for (const auto& h : *hooks) {
        if (h.how == HookHow::kSkipped) {
          LogEvery("hook-skipped:" + h.name, spdlog::level::warn,
                   "hook " + h.name + " skipped: " + h.reason);
          continue;
        }
        OutboxRow r = row("hook:" + h.name);
        batch->outbox.push_back(r);
        rows->push_back(std::move(r));
      }
    }
  }
}

void AlertEngine::Commit(WriteBatch batch, std::vector<OutboxRow> rows) {
  if (batch.empty()) return;
  store_->Write(std::move(batch), [this, rows = std::move(rows)](Status st) mutable {
    if (!st.ok()) {
      LOG_ERROR("alerting: cannot persist a transition: {}", st.message());
      return;
    }
    // Committed: now the rows may be sent.
    if (workers_) workers_->Enqueue(std::move(rows));
  });
}

void AlertEngine::AddTimeline(const std::string& incident_id, TimelineEntry entry) {
  if (incident_id.empty()) return;
  std::optional<Incident> copy;
  // Under mu_ from the read to the queued write, so that two workers never lose each other's
  // entries (the store writer applies writes in queue order).
  std::lock_guard lock(mu_);
  for (auto* m : {&open_, &recent_}) {
    auto it = m->find(incident_id);
    if (it != m->end()) {
      it->second.timeline.push_back(entry);
      copy = it->second;
      break;
    }
  }
  if (!copy) {
    // Resolved long ago (or before a restart): read, append, remember, write back.
    auto row = store_->GetIncident(incident_id);
    if (!row.ok() || !row->has_value()) return;
    copy = IncidentFromJson(nlohmann::json::parse((*row)->doc, nullptr, false));
    copy->timeline.push_back(std::move(entry));
    Remember(*copy);
  }
  WriteBatch b;
  b.incidents.push_back(RowOf(*copy));
  store_->Write(std::move(b), [](Status) {});
  if (publisher_) publisher_("updated", *copy);
}

void AlertEngine::ChannelFailing(const std::string& channel, const std::string& error) {
  const int64_t now = clock_->NowMs();
  Incident inc;
  {
    std::lock_guard lock(mu_);
    if (failing_.count(channel)) return;
    inc.id = NewUuidV4();
    failing_[channel] = inc.id;
  }
  inc.rule_name = kChannelFailingRule;
  inc.host_name = "*";
  inc.start_ms = now;
  inc.severity = Severity::kCritical;
  inc.field = "notifications";
  inc.group = {{"channel", channel}};
  inc.description = "Deliveries on channel " + channel + " are failing: " + error;
  inc.timeline.push_back({now, "opened", channel + ": " + error, std::nullopt});
  std::vector<std::string> others;
  for (const auto& c : settings()->channels) {
    if (c.name != channel) others.push_back(c.name);
  }
  WriteBatch batch;
  std::vector<OutboxRow> rows;
  if (!others.empty()) AddDeliveries(inc, nullptr, "opened", now, false, others, &batch, &rows);
  batch.incidents.push_back(RowOf(inc));
  {
    std::lock_guard lock(mu_);
    open_[inc.id] = inc;
  }
  LOG_ERROR("notification channel {} failing: {}", channel, error);
  if (publisher_) publisher_("opened", inc);
  Commit(std::move(batch), std::move(rows));
}

void AlertEngine::ChannelRecovered(const std::string& channel) {
  std::optional<Incident> inc;
  {
    std::lock_guard lock(mu_);
    auto f = failing_.find(channel);
    if (f == failing_.end()) return;
    auto it = open_.find(f->second);
    failing_.erase(f);
    if (it == open_.end()) return;
    inc = std::move(it->second);
    open_.erase(it);
  }
  const int64_t now = clock_->NowMs();
  inc->end_ms = now;
  inc->timeline.push_back({now, "resolved", channel + " delivered again", std::nullopt});
  std::vector<std::string> others;
  for (const auto& c : settings()->channels) {
    if (c.name != channel) others.push_back(c.name);
  }
  WriteBatch batch;
  std::vector<OutboxRow> rows;
  if (!others.empty()) AddDeliveries(*inc, nullptr, "resolved", now, false, others, &batch, &rows);
  batch.incidents.push_back(RowOf(*inc));
  {
    std::lock_guard lock(mu_);
    Remember(*inc);
  }
  if (publisher_) publisher_("resolved", *inc);
  Commit(std::move(batch), std::move(rows));
}

nlohmann::json AlertEngine::RulesJson() const {
  std::lock_guard eval_lock(eval_mu_);
  nlohmann::json out = nlohmann::json::array();
  for (const auto& r : evaluator_.rules()) {
    nlohmann::json j = RuleToJson(r);
    j["state"] = nlohmann::json::array();
    for (const auto& g : evaluator_.Groups(r.name)) {
      nlohmann::json s = {
          {"group", g.group},
          {"state", RuleStateName(g.state.state)},
          {"since", g.state.since_ms ? nlohmann::json(FormatRfc3339Ms(g.state.since_ms))
                                     : nlohmann::json(nullptr)}};
      if (g.value && std::isfinite(*g.value)) s["value"] = *g.value;
      j["state"].push_back(std::move(s));
    }
    out.push_back(std::move(j));
  }
  return out;
}

std::optional<Incident> AlertEngine::GetOpen(const std::string& id) const {
  std::lock_guard lock(mu_);
  auto it = open_.find(id);
  if (it == open_.end()) return std::nullopt;
  return it->second;
}

std::optional<Incident> AlertEngine::GetKnown(const std::string& id) const {
  std::lock_guard lock(mu_);
  for (const auto* m : {&open_, &recent_}) {
    auto it = m->find(id);
    if (it != m->end()) return it->second;
  }
  return std::nullopt;
}

StatusOr<Incident> AlertEngine::Acknowledge(const std::string& id, const std::string& by,
                                            const std::string& comment) {
  const int64_t now = clock_->NowMs();
  std::optional<Incident> inc;
  const TimelineEntry entry{now, "acknowledged",
                            comment.empty() ? "by " + by : "by " + by + ": " + comment,
                            std::nullopt};
  {
    std::lock_guard lock(mu_);
    for (auto* m : {&open_, &recent_}) {
      auto it = m->find(id);
      if (it == m->end()) continue;
      it->second.acknowledged_at_ms = now;
      it->second.acknowledged_by = by;
      it->second.timeline.push_back(entry);
      inc = it->second;
      break;
    }
  }
  if (!inc) {
    ASSIGN_OR_RETURN(auto row, store_->GetIncident(id));
    if (!row) return Status::NotFound("no incident with id \"" + id + "\"");
    inc = IncidentFromJson(nlohmann::json::parse(row->doc, nullptr, false));
    inc->acknowledged_at_ms = now;
    inc->acknowledged_by = by;
    inc->timeline.push_back(entry);
    std::lock_guard lock(mu_);
    Remember(*inc);
  }
  WriteBatch b;
  b.incidents.push_back(RowOf(*inc));
  store_->Write(std::move(b), [](Status) {});
  RETURN_IF_ERROR(store_->Flush());
  if (publisher_) publisher_("acknowledged", *inc);
  return *inc;
}

std::vector<AlertEngine::TestResult> AlertEngine::SendTest(const std::string& channel,
                                                           int64_t timeout_ms) {
  auto s = settings();
  std::vector<TestResult> out;
  CurlNotifier notifier(s->transports, clock_);
  for (const auto& c : s->channels) {
    if (!channel.empty() && c.name != channel) continue;
    Notification n;
    n.event = NotifyEvent::kTest;
    n.delivery_id = NewUuidV4();
    n.incident = TestIncident(s->host_name, clock_->NowMs());
    n.dashboard_url = DashboardUrl(s->public_url, n.incident.id);
    n.sent_at_ms = clock_->NowMs();
    out.push_back({c.name, notifier.Send(c, n, timeout_ms), n.delivery_id});
  }
  return out;
}

std::vector<Channel> AlertEngine::channels() const { return settings()->channels; }

AlertStats AlertEngine::stats() const {
  AlertStats st;
  std::lock_guard lock(mu_);
  st.eval_seconds_sum = eval_seconds_sum_;
  st.eval_count = eval_count_;
  st.open_incidents = static_cast<int64_t>(open_.size());
  if (workers_) {
    st.outbox_pending = workers_->pending();
    st.deliveries_sent = workers_->sent();
    st.deliveries_failed = workers_->failed();
  }
  return st;
}

}  // namespace botmon
