#include "alert/rule_test_file.h"

#include <yaml-cpp/yaml.h>

#include <cmath>
#include <filesystem>
#include <set>
#include <utility>

#include "alert/rule_sources.h"
#include "alert/series_notation.h"
#include "config/load.h"
#include "config/yaml_json.h"
#include "core/duration.h"
#include "core/json_escape.h"

namespace botmon {
namespace {

constexpr int64_t kMinTickMs = 1'000;
constexpr int64_t kMaxTickMs = 300'000;

class Parser {
 public:
  Parser(const std::string& path, RuleTestParse* out) : path_(path), out_(out) {}

  void Error(const YAML::Node& at, const std::string& key, const std::string& message) {
    Error(at.Mark(), key, message);
  }
  void Error(const YAML::Mark& m, const std::string& key, const std::string& message) {
    std::string place = path_;
    if (m.line >= 0) place += ":" + std::to_string(m.line + 1) + ":" + std::to_string(m.column + 1);
    out_->errors.push_back(place + ": " + (key.empty() ? "" : key + ": ") + message);
  }

  // A duration scalar; nullopt (with an error) otherwise.
  std::optional<int64_t> Duration(const YAML::Node& n, const std::string& key) {
    if (!n.IsScalar()) {
      Error(n, key, "must be a duration like 2m10s");
      return std::nullopt;
    }
    auto d = ParseDuration(n.Scalar());
    if (!d.ok()) {
      Error(n, key, d.status().message());
      return std::nullopt;
    }
    return *d;
  }

  void Top(const YAML::Node& doc) {
    if (!doc.IsMap()) {
      Error(doc, "", "the test file must be a map with tick, rules, ruleFiles, series, expect");
      return;
    }
    RuleTestFile& f = out_->file;
    for (const auto& kv : doc) {
      const std::string key = kv.first.IsScalar() ? kv.first.Scalar() : "";
      const YAML::Node& v = kv.second;
      if (key == "tick") {
        if (auto d = Duration(v, key)) {
          if (*d < kMinTickMs || *d > kMaxTickMs) {
            Error(v, key, FormatDuration(*d) + " is outside 1s..5m");
          } else {
            f.tick_ms = *d;
          }
        }
      } else if (key == "until") {
        f.until_ms = Duration(v, key);
      } else if (key == "rules") {
        Rules(v);
      } else if (key == "ruleFiles") {
        RuleFiles(v);
      } else if (key == "series") {
        Series(v);
      } else if (key == "expect") {
        Expect(v);
      } else {
        Error(kv.first, key,
              "unknown key (expected tick, until, rules, ruleFiles, series or expect)");
      }
    }
    if (f.rules.empty() && f.rule_files.empty() && out_->errors.empty()) {
      Error(doc, "rules", "no rules: give rules, ruleFiles or both");
    }
    if (f.until_ms && f.tick_ms > 0 &&
        static_cast<uint64_t>(*f.until_ms / f.tick_ms) >= kMaxRuleTestTicks) {
      Error(doc["until"], "until",
            "more than " + std::to_string(kMaxRuleTestTicks) + " ticks; use a longer tick");
    }
  }

  void Rules(const YAML::Node& v) {
    if (!v.IsSequence()) {
      if (!v.IsNull()) Error(v, "rules", "must be a list of rules");
      return;
    }
    size_t budget = 0;
    for (size_t i = 0; i < v.size(); ++i) {
      const std::string key = "rules[" + std::to_string(i) + "]";
      YAML::Mark where;
      auto j = config_internal::YamlToJson(v[i], key, &where, &budget);
      if (!j.ok()) {
        Error(where, "", j.status().message());
        continue;
      }
      out_->file.rules.push_back(
          {std::move(*j), path_, v[i].Mark().line + 1, v[i].Mark().column + 1});
    }
  }

  void RuleFiles(const YAML::Node& v) {
    if (!v.IsSequence()) {
      Error(v, "ruleFiles", "must be a list of file names");
      return;
    }
    for (size_t i = 0; i < v.size(); ++i) {
      if (!v[i].IsScalar() || v[i].Scalar().empty()) {
        Error(v[i], "ruleFiles[" + std::to_string(i) + "]", "must be a file name");
        continue;
      }
      out_->file.rule_files.push_back(v[i].Scalar());
    }
  }

  void Series(const YAML::Node& v) {
    if (!v.IsMap()) {
      Error(v, "series", "must be a map of 'field{host=\"a\"}': \"values\"");
      return;
    }
    std::set<SeriesKey> seen;
    for (const auto& kv : v) {
      const std::string sel = kv.first.IsScalar() ? kv.first.Scalar() : "";
      const std::string key = "series[" + JsonString(sel) + "]";
      if (out_->file.series.size() >= kMaxRuleTestSeries) {
        Error(kv.first, "series", "more than " + std::to_string(kMaxRuleTestSeries) + " series");
        return;
      }
      auto k = ParseSeriesSelector(sel);
      if (!k.ok()) {
        Error(kv.first, key, k.status().message());
        continue;
      }
      if (!seen.insert(*k).second) {
        Error(kv.first, key, "the same series is given twice");
        continue;
      }
      if (!kv.second.IsScalar()) {
        Error(kv.second, key, "the values must be a string like \"50x12 95x30 40x20\"");
        continue;
      }
      auto values = ExpandSeriesValues(kv.second.Scalar());
      if (!values.ok()) {
        Error(kv.second, key, values.status().message());
        continue;
      }
      out_->file.series.push_back({std::move(*k), std::move(*values), kv.first.Mark().line + 1});
    }
  }

  void Expect(const YAML::Node& v) {
    if (!v.IsSequence()) {
      if (!v.IsNull()) Error(v, "expect", "must be a list of {rule, group, opensAt, resolvesAt}");
      return;
    }
    if (v.size() > kMaxRuleTestExpect) {
      Error(v, "expect", "more than " + std::to_string(kMaxRuleTestExpect) + " expectations");
      return;
    }
    for (size_t i = 0; i < v.size(); ++i) {
      const std::string at = "expect[" + std::to_string(i) + "]";
      const YAML::Node& e = v[i];
      if (!e.IsMap()) {
        Error(e, at, "must be a map {rule, group, opensAt, resolvesAt}");
        continue;
      }
      RuleTestExpect x;
      x.line = e.Mark().line + 1;
      bool ok = true, has_opens = false;
      for (const auto& kv : e) {
        const std::string k = kv.first.IsScalar() ? kv.first.Scalar() : "";
        const std::string key = at + "." + k;
        const YAML::Node& val = kv.second;
        if (k == "rule") {
          if (!val.IsScalar() || val.Scalar().empty()) {
            Error(val, key, "must be a rule name");
            ok = false;
          } else {
            x.rule = val.Scalar();
          }
        } else if (k == "group") {
          if (!val.IsMap()) {
            Error(val, key, "must be a map like {host: a}");
            ok = false;
            continue;
          }
          Group g;
          for (const auto& d : val) {
            if (!d.first.IsScalar() || !d.second.IsScalar()) {
              Error(d.first, key, "dimensions and values must be scalars");
              ok = false;
              continue;
            }
            g[d.first.Scalar()] = d.second.Scalar();
          }
          x.group = std::move(g);
        } else if (k == "opensAt" || k == "resolvesAt") {
          has_opens |= k == "opensAt";
          if (val.IsScalar() && val.Scalar() == "never") {
            (k == "opensAt" ? x.never_opens : x.never_resolves) = true;
            continue;
          }
          auto d = Duration(val, key);
          if (!d) {
            ok = false;
          } else if (k == "opensAt") {
            x.opens_at_ms = *d;
          } else {
            x.resolves_at_ms = *d;
          }
        } else if (k == "value") {
          try {
            x.value = val.as<double>();
            if (!std::isfinite(*x.value)) throw YAML::Exception(val.Mark(), "");
          } catch (const YAML::Exception&) {
            Error(val, key, "must be a number");
            ok = false;
          }
        } else {
          Error(kv.first, key, "unknown key (expected rule, group, opensAt, resolvesAt or value)");
          ok = false;
        }
      }
      if (x.rule.empty() && ok) {
        Error(e, at + ".rule", "missing (required)");
        ok = false;
      }
      if (!has_opens && ok) {
        Error(e, at + ".opensAt", "missing (required: a duration, or never)");
        ok = false;
      }
      if (x.never_opens && (x.resolves_at_ms || x.never_resolves || x.value)) {
        Error(e, at, "opensAt: never cannot go with resolvesAt or value");
        ok = false;
      }
      if (ok && x.resolves_at_ms && *x.resolves_at_ms <= x.opens_at_ms) {
        Error(e, at + ".resolvesAt", "must be after opensAt");
        ok = false;
      }
      if (ok) out_->file.expect.push_back(std::move(x));
    }
  }

 private:
  std::string path_;
  RuleTestParse* out_;
};

enum class Kind { kYaml, kBotpress, kCsv, kUnknown };

Kind KindOf(const std::string& spec) {
  auto [bot, file] = SplitBotConfig(spec);
  auto ends = [&](std::string_view suffix) {
    return file.size() >= suffix.size() && file.substr(file.size() - suffix.size()) == suffix;
  };
  if (file != spec || ends(".csv")) return Kind::kCsv;
  if (ends(".yaml") || ends(".yml")) return Kind::kYaml;
  if (ends(".json")) return Kind::kBotpress;
  return Kind::kUnknown;
}

}  // namespace

RuleTestParse ParseRuleTestFile(std::string_view text, const std::string& path) {
  RuleTestParse out;
  out.file.path = path;
  Parser p(path, &out);
  if (text.size() > kMaxRuleTestFileBytes) {
    out.errors.push_back(path + ": larger than " + std::to_string(kMaxRuleTestFileBytes) +
                         " bytes");
    return out;
  }
  try {
    YAML::Node doc = YAML::Load(std::string(text));
    p.Top(doc);
  } catch (const YAML::Exception& e) {
    out.errors.push_back(path + ":" + std::to_string(e.mark.line + 1) + ":" +
                         std::to_string(e.mark.column + 1) + ": " + e.msg);
  }
  size_t ticks = 0;
  for (const auto& s : out.file.series) ticks = std::max(ticks, s.values.size());
  if (ticks == 0 && out.errors.empty()) {
    out.errors.push_back(path + ": series: no samples: give at least one series");
  }
  return out;
}

RuleTestRules LoadRuleTestRules(const RuleTestFile& file) {
  RuleTestRules out;
  const std::filesystem::path dir = std::filesystem::path(file.path).parent_path();
  LoadedConfig merged;
  merged.config.rules = file.rules;
  std::optional<Config::Retention> retention;
  for (const std::string& spec : file.rule_files) {
    auto [bot, name] = SplitBotConfig(spec);
    std::filesystem::path p(name);
    if (p.is_relative()) p = dir / p;
    const std::string resolved =
        (bot.empty() || name == spec) ? p.string() : bot + "=" + p.string();
    ConfigSources src;
    switch (KindOf(spec)) {
      case Kind::kYaml:
        src.config_file = resolved;
        break;
      case Kind::kBotpress:
        src.botpress_config = resolved;
        break;
      case Kind::kCsv:
        src.bot_configs = {resolved};
        break;
      case Kind::kUnknown:
        out.errors.push_back(file.path + ": ruleFiles: " + spec +
                             ": unknown kind of file (expected *.yaml or *.yml, *.json for "
                             "botpress.config.json, *.csv or BOT=FILE for config.csv)");
        continue;
    }
    StatusOr<LoadedConfig> l = LoadConfig(src);
    if (!l.ok()) {
      out.errors.push_back(l.status().message());
      continue;
    }
    for (auto& w : l->warnings) out.warnings.push_back(std::move(w));
    if (src.config_file) {
      for (auto& r : l->config.rules) merged.config.rules.push_back(std::move(r));
      if (!retention && l->SourceOf("retention.raw") != "default") retention = l->config.retention;
    }
    for (auto& r : l->botpress_rules) merged.botpress_rules.push_back(std::move(r));
    for (auto& c : l->bot_configs) merged.bot_configs.push_back(std::move(c));
  }
  if (retention) merged.config.retention = *retention;
  RuleSet set = BuildRuleSet(merged, {});
  for (const auto& e : set.errors) out.errors.push_back(e.ToString());
  for (const auto& w : set.warnings) out.warnings.push_back(w.ToString());
  for (auto& r : set.rules) {
    if (r.source != RuleSource::kDefault) out.rules.push_back(std::move(r));
  }
  return out;
}

}  // namespace botmon
