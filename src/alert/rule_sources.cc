#include "alert/rule_sources.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "alert/default_rules.h"
#include "alert/rule_parse.h"
#include "core/json_escape.h"

namespace botmon {

std::string RuleProblem::ToString() const {
  std::string out;
  if (!file.empty()) {
    out = file;
    if (line > 0) {
      out += ":" + std::to_string(line);
      if (col > 0) out += ":" + std::to_string(col);
    }
    out += ": ";
  }
  if (!rule.empty()) {
    out += "rule " + JsonString(rule) + ": ";
  } else if (!item.empty()) {
    out += item + ": ";
  }
  if (!field.empty()) out += field + ": ";
  out += message;
  return out;
}

std::string RulePlace(const Rule& r) {
  if (r.source == RuleSource::kApi) return "the API";
  if (r.source == RuleSource::kDefault) return "the default set";
  std::string out = r.file.empty() ? std::string(RuleSourceName(r.source)) : r.file;
  if (r.line > 0) out += ":" + std::to_string(r.line);
  return out;
}

ParsedRules ParseRuleItems(const std::vector<RawItem>& items, RuleSource source,
                           int64_t max_timeframe_ms) {
  ParsedRules out;
  RuleParseOptions options;
  options.max_timeframe_ms = max_timeframe_ms;
  const std::string list = source == RuleSource::kBotpress ? "pro.alerting.rules" : "rules";
  for (size_t i = 0; i < items.size(); ++i) {
    const RawItem& item = items[i];
    RuleParseResult r = ParseRule(item.value, source, item.file, item.line, options);
    auto place = [&](const RuleFieldError& e) {
      RuleProblem p;
      p.file = item.file;
      p.line = item.line;
      p.col = item.col;
      p.rule = r.rule.name;
      if (p.rule.empty()) p.item = list + "[" + std::to_string(i) + "]";
      p.field = e.field;
      p.message = e.message;
      return p;
    };
    for (const auto& e : r.errors) out.errors.push_back(place(e));
    for (const auto& w : r.warnings) out.warnings.push_back(place(w));
    if (r.ok()) out.rules.push_back(std::move(r.rule));
  }
  return out;
}

namespace {

// The channels a rule may name, with where each was defined.
using ChannelPlaces = std::map<std::string, std::string>;

std::string ItemPlace(const RawItem& item) {
  std::string out = item.file;
  if (item.line > 0) {
    out += ":" + std::to_string(item.line);
    if (item.col > 0) out += ":" + std::to_string(item.col);
  }
  return out;
}

// Rule -> problem located at the rule.
RuleProblem ProblemAt(const Rule& r, std::string field, std::string message) {
  RuleProblem p;
  if (r.source != RuleSource::kApi && r.source != RuleSource::kDefault) {
    p.file = r.file;
    p.line = r.line;
  }
  p.rule = r.name;
  p.field = std::move(field);
  p.message = std::move(message);
  return p;
}

// Adds `rules` to the set, rejecting names already taken (by a non-default rule).
void AddRules(std::vector<Rule> rules, std::vector<Rule>* set,
              std::map<std::string, size_t>* by_name, std::vector<RuleProblem>* errors) {
  for (Rule& r : rules) {
    auto it = by_name->find(r.name);
    if (it != by_name->end()) {
      const Rule& first = (*set)[it->second];
      std::string where = RulePlace(first);
      if (r.source == RuleSource::kApi) {
        errors->push_back(ProblemAt(
            r, "name", "defined both at " + where + " and over the API; rename or delete one"));
      } else {
        errors->push_back(ProblemAt(r, "name", "also defined at " + where));
      }
      continue;
    }
    (*by_name)[r.name] = set->size();
    set->push_back(std::move(r));
  }
}

}  // namespace

Status RuleSet::ToStatus() const {
  if (errors.empty()) return Status::OK();
  std::string text;
  for (const auto& e : errors) {
    if (!text.empty()) text += '\n';
    text += e.ToString();
  }
  return Status::InvalidArgument(std::move(text));
}

RuleSet BuildRuleSet(const LoadedConfig& loaded, const std::vector<Rule>& api_rules,
                     const RuleSetOptions& options) {
  RuleSet out;
  const int64_t max_tf = loaded.config.retention.raw_ms;
  auto take = [&](std::vector<RuleProblem>* from, std::vector<RuleProblem>* to) {
    for (auto& p : *from) to->push_back(std::move(p));
  };

  ParsedRules yaml = ParseRuleItems(loaded.config.rules, RuleSource::kYaml, max_tf);
  ParsedRules botpress = ParseRuleItems(loaded.botpress_rules, RuleSource::kBotpress, max_tf);
  ConfigCsvRules csv = RulesFromConfigCsv(loaded.bot_configs, max_tf);
  take(&yaml.errors, &out.errors);
  take(&yaml.warnings, &out.warnings);
  take(&botpress.errors, &out.errors);
  take(&botpress.warnings, &out.warnings);
  take(&csv.errors, &out.errors);
  take(&csv.warnings, &out.warnings);

  // User rules first, so that a default with the same name is the one dropped.
  std::vector<Rule> user;
  std::map<std::string, size_t> by_name;
  AddRules(std::move(yaml.rules), &user, &by_name, &out.errors);
  AddRules(std::move(botpress.rules), &user, &by_name, &out.errors);
  AddRules(std::move(csv.rules), &user, &by_name, &out.errors);
  std::vector<Rule> api;
  for (const Rule& r : api_rules) api.push_back(r);
  std::vector<Rule> api_kept;
  {
    // API rules go last in the set but are checked against every file rule.
    std::vector<Rule> all = user;
    std::map<std::string, size_t> names = by_name;
    const size_t before = all.size();
    AddRules(std::move(api), &all, &names, &out.errors);
    for (size_t i = before; i < all.size(); ++i) api_kept.push_back(std::move(all[i]));
  }
  std::set<std::string> user_names;
  for (const Rule& r : user) user_names.insert(r.name);
  for (const Rule& r : api_kept) user_names.insert(r.name);

  out.rules = std::move(user);
  for (Rule& d : DefaultRules(loaded.config.alerting)) {
    if (user_names.count(d.name) == 0) out.rules.push_back(std::move(d));
  }
  for (Rule& r : api_kept) out.rules.push_back(std::move(r));

  if (out.rules.size() > kMaxRules) {
    out.errors.push_back({"", 0, 0, "", "", "rules",
                          std::to_string(out.rules.size()) + " rules in all (at most " +
                              std::to_string(kMaxRules) + ")"});
  }

  // Channels: config.csv's must not clash with botmon.yaml's; rules must name known ones.
  ChannelPlaces channels;
  for (const RawItem& c : loaded.config.channels) {
    auto name = c.value.find("name");
    if (c.value.is_object() && name != c.value.end() && name->is_string()) {
      channels.emplace(name->get<std::string>(), ItemPlace(c));
    }
  }
  for (RawItem& c : csv.channels) {
    const std::string name = c.value["name"].get<std::string>();
    auto it = channels.find(name);
    if (it != channels.end()) {
      out.errors.push_back({c.file, c.line, 0, "", "", "channel " + JsonString(name),
                            "also defined at " + it->second});
      continue;
    }
    channels.emplace(name, ItemPlace(c));
    out.channels.push_back(std::move(c));
  }
  if (options.api_channels) {
    for (const std::string& n : *options.api_channels) channels.emplace(n, "the API");
  }
  for (const Rule& r : out.rules) {
    for (size_t i = 0; i < r.channels.size(); ++i) {
      if (channels.count(r.channels[i]) != 0) continue;
      RuleProblem p = ProblemAt(r, "channels[" + std::to_string(i) + "]",
                                "no channel named " + JsonString(r.channels[i]));
      (options.api_channels ? out.errors : out.warnings).push_back(std::move(p));
    }
  }
  return out;
}

}  // namespace botmon
