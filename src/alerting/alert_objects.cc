#include "alerting/alert_objects.h"

#include <future>
#include <memory>

#include "alert/rule_parse.h"
#include "alerting/alert_engine.h"
#include "core/clock.h"
#include "core/log.h"

namespace botmon {

namespace {

constexpr const char* kKinds[] = {"rule", "rule-enabled", "channel", "silence", "maintenance"};

// Commits one batch and waits for it: an API change answers only once it is durable.
Status WriteAndWait(Store* store, WriteBatch batch) {
  auto done = std::make_shared<std::promise<Status>>();
  auto result = done->get_future();
  store->Write(std::move(batch), [done](Status st) { done->set_value(std::move(st)); });
  return result.get();
}

}  // namespace

AlertObjects::AlertObjects(Store* store, int64_t max_timeframe_ms)
    : store_(store), max_timeframe_ms_(max_timeframe_ms) {}

Status AlertObjects::Load() {
  std::map<std::pair<std::string, std::string>, nlohmann::json> docs;
  for (const char* kind : kKinds) {
    ASSIGN_OR_RETURN(auto rows, store_->LoadConfigObjects(kind));
    for (const auto& r : rows) {
      nlohmann::json doc = nlohmann::json::parse(r.doc, nullptr, false);
      if (doc.is_discarded() || !doc.is_object()) {
        LOG_WARN("alerting: stored {} \"{}\" is not a JSON object; ignored", r.kind, r.name);
        continue;
      }
      std::map<std::pair<std::string, std::string>, nlohmann::json> one = {{{r.kind, r.name}, doc}};
      if (auto parsed = Parse(one); !parsed.ok()) {
        LOG_WARN("alerting: stored {} \"{}\" is ignored: {}", r.kind, r.name,
                 parsed.status().message());
        continue;
      }
      docs[{r.kind, r.name}] = std::move(doc);
    }
  }
  std::lock_guard lock(mu_);
  docs_ = std::move(docs);
  return Status::OK();
}

StatusOr<ApiObjects> AlertObjects::Parse(
    const std::map<std::pair<std::string, std::string>, nlohmann::json>& docs) const {
  ApiObjects out;
  RuleParseOptions ropts;
  ropts.max_timeframe_ms = max_timeframe_ms_;
  ropts.ignore_output_keys = true;
  const int64_t now = Clock::Real()->NowMs();
  for (const auto& [key, doc] : docs) {
    const auto& [kind, name] = key;
    if (kind == "rule") {
      RuleParseResult r = ParseRule(doc, RuleSource::kApi, "", 0, ropts);
      if (!r.ok()) {
        return Status::InvalidArgument("rule \"" + name + "\": " + r.errors[0].field + ": " +
                                       r.errors[0].message);
      }
      out.rules.push_back(std::move(r.rule));
    } else if (kind == "rule-enabled") {
      if (!doc.contains("enabled") || !doc["enabled"].is_boolean()) {
        return Status::InvalidArgument("rule \"" + name + "\": enabled: must be true or false");
      }
      out.default_enabled[name] = doc["enabled"].get<bool>();
    } else if (kind == "channel") {
      out.channels.push_back(RawItem{doc, "", 0, 0});
    } else if (kind == "silence") {
      ASSIGN_OR_RETURN(Silence s, ParseSilenceJson(doc, now));
      out.silences.push_back(std::move(s));
    } else if (kind == "maintenance") {
      ASSIGN_OR_RETURN(MaintenanceWindow w, ParseMaintenanceJson(doc, ""));
      out.maintenance.push_back(std::move(w));
    }
  }
  return out;
}

StatusOr<AlertSettings> AlertObjects::BuildCurrent(const Build& build) const {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(ApiObjects objects, Parse(docs_));
  return build(objects);
}

Status AlertObjects::Rebuild(const Build& build, const Apply& apply) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(ApiObjects objects, Parse(docs_));
  ASSIGN_OR_RETURN(AlertSettings settings, build(objects));
  apply(std::move(settings));
  return Status::OK();
}

Status AlertObjects::Change(const std::vector<std::pair<ApiObject, bool>>& changes,
                            const Build& build, const Apply& apply) {
  std::lock_guard lock(mu_);
  auto docs = docs_;
  WriteBatch batch;
  for (const auto& [obj, erase] : changes) {
    if (erase) {
      docs.erase({obj.kind, obj.name});
    } else {
      docs[{obj.kind, obj.name}] = obj.doc;
    }
    batch.config_objects.push_back({obj.kind, obj.name, erase ? "" : obj.doc.dump(), erase});
  }
  ASSIGN_OR_RETURN(ApiObjects objects, Parse(docs));
  ASSIGN_OR_RETURN(AlertSettings settings, build(objects));
  RETURN_IF_ERROR(WriteAndWait(store_, std::move(batch)));
  docs_ = std::move(docs);
  apply(std::move(settings));
  return Status::OK();
}

std::optional<nlohmann::json> AlertObjects::Find(const std::string& kind,
                                                 const std::string& name) const {
  std::lock_guard lock(mu_);
  auto it = docs_.find({kind, name});
  if (it == docs_.end()) return std::nullopt;
  return it->second;
}

}  // namespace botmon
