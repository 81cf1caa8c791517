// The default rule set (SPEC 7.1, Appendix A.7): warning and critical rules for CPU, memory,
// disk, GPU, response time, error rate and queue depth, plus "Service Down" and "Node down".
//
// Each default carries its alerting.defaults switch key (Rule::default_key, one of
// kDefaultRuleKeys in config/options.h). A key switched off (`alerting.defaults.cpuWarning:
// false`) keeps the rule in the set with enabled = false, so the API still lists it and the
// dashboard knows which thresholds are live. A user rule with a default's name replaces that
// default (rule_sources.h).
//
// Pure functions; thread-safe.
#ifndef BOTMON_ALERT_DEFAULT_RULES_H_
#define BOTMON_ALERT_DEFAULT_RULES_H_

#include <optional>
#include <string_view>
#include <vector>

#include "alert/rule.h"
#include "config/options.h"

namespace botmon {

// Every default rule in A.7's order, source kDefault, file "" and line 0, each enabled unless
// `alerting.defaults` maps its key to false. Timeframe 5m, for 0s, cooldown 0s, groupBy [host]
// unless A.7 says otherwise; "Service Down" and "Node down" have timeframe 0 (one tick).
std::vector<Rule> DefaultRules(const Config::Alerting& alerting);

// The default rule switched by `key` ("cpuWarning"), enabled; nullopt when `key` is not one of
// kDefaultRuleKeys.
std::optional<Rule> DefaultRuleForKey(std::string_view key);

}  // namespace botmon

#endif  // BOTMON_ALERT_DEFAULT_RULES_H_
