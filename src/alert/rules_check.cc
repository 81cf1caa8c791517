#include "alert/rules_check.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <optional>
#include <utility>

#include "alert/rule_parse.h"
#include "config/load.h"
#include "core/json_escape.h"

namespace botmon {
namespace {

enum class FileKind { kYaml, kBotpress, kCsv, kUnknown };

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// The kind of a `rules check` argument and the path to read.
FileKind KindOf(const std::string& arg, std::string* path) {
  auto [bot, file] = SplitBotConfig(arg);
  *path = file;
  const std::string lower = Lower(file);
  if (file != arg || EndsWith(lower, ".csv")) return FileKind::kCsv;
  if (EndsWith(lower, ".yaml") || EndsWith(lower, ".yml")) return FileKind::kYaml;
  if (EndsWith(lower, ".json")) return FileKind::kBotpress;
  return FileKind::kUnknown;
}

// "" when `path` is a readable regular file, else why not.
std::string Unreadable(const std::string& path) {
  std::error_code ec;
  auto st = std::filesystem::status(path, ec);
  if (ec) return path + ": cannot read: " + ec.message();
  if (std::filesystem::is_directory(st)) return path + ": cannot read: is a directory";
  if (::access(path.c_str(), R_OK) != 0) {
    return path + ": cannot read: " + std::strerror(errno);
  }
  return "";
}

void AddLines(std::string_view text, std::vector<std::string>* out) {
  size_t start = 0;
  while (start <= text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) nl = text.size();
    if (nl > start) out->emplace_back(text.substr(start, nl - start));
    start = nl + 1;
  }
}

template <typename T>
void Append(std::vector<T>* to, const std::vector<T>& from) {
  to->insert(to->end(), from.begin(), from.end());
}

std::string Join(const std::vector<std::string>& v, std::string_view sep) {
  std::string out;
  for (const auto& s : v) {
    if (!out.empty()) out += sep;
    out += s;
  }
  return out;
}

}  // namespace

std::string RuleCheckLine(const Rule& r) {
  std::string out =
      "ok  " + JsonString(r.name) + "  " + RuleConditionText(r) + "  [" + RulePlace(r) + "]";
  if (!r.match.empty()) {
    std::vector<std::string> m;
    for (const auto& [dim, val] : r.match) m.push_back(dim + "=" + val);
    out += "  match " + Join(m, ",");
  }
  if (r.group_by != std::vector<std::string>{"host"}) {
    out += r.group_by.empty() ? "  by cluster" : "  by " + Join(r.group_by, ", ");
  }
  if (!r.channels.empty()) out += "  channels " + Join(r.channels, ", ");
  if (!r.enabled) out += "  disabled";
  return out;
}

RulesCheckOutput RulesCheckReport(const RuleSet& set, const std::vector<std::string>& config_errors,
                                  const RulesCheckOptions& options) {
  RulesCheckOutput out;
  size_t listed = 0;
  if (options.verbose) {
    for (const Rule& r : set.rules) {
      if (r.source == RuleSource::kDefault) continue;
      out.text += RuleCheckLine(r) + "\n";
      ++listed;
    }
  }
  for (const std::string& e : config_errors) out.text += e + "\n";
  for (const RuleProblem& e : set.errors) out.text += e.ToString() + "\n";
  for (const RuleProblem& w : set.warnings) out.text += "warning: " + w.ToString() + "\n";
  const size_t problems = config_errors.size() + set.errors.size();
  if (options.verbose) {
    out.text += std::to_string(listed) + (listed == 1 ? " rule, " : " rules, ") +
                std::to_string(problems) + (problems == 1 ? " problem" : " problems");
    if (!set.warnings.empty()) {
      out.text += ", " + std::to_string(set.warnings.size()) +
                  (set.warnings.size() == 1 ? " warning" : " warnings");
    }
    out.text += "\n";
  }
  out.exit_code = problems > 0 ? 1 : 0;
  return out;
}

RulesCheckOutput RulesCheckFiles(const std::vector<std::string>& files,
                                 const RulesCheckOptions& options) {
  RulesCheckOutput out;
  std::vector<std::string> yamls, jsons, csvs;
  std::string usage;
  if (files.empty()) usage = "rules check: no file given (botmon.yaml, *.json or config.csv)\n";
  for (const std::string& arg : files) {
    std::string path;
    FileKind kind = KindOf(arg, &path);
    if (kind == FileKind::kUnknown) {
      usage += arg +
               ": unknown kind of file (expected *.yaml or *.yml, *.json for "
               "botpress.config.json, *.csv or BOT=FILE for config.csv)\n";
      continue;
    }
    if (std::string why = Unreadable(path); !why.empty()) {
      usage += why + "\n";
      continue;
    }
    (kind == FileKind::kYaml ? yamls : kind == FileKind::kBotpress ? jsons : csvs).push_back(arg);
  }
  if (!usage.empty()) return {usage, 2};

  // Each file is loaded on its own, so that one broken file does not hide the others' rules.
  LoadedConfig merged;
  std::vector<std::string> config_errors;
  std::vector<std::string> warnings;
  // retention.raw bounds timeframes: botmon.yaml's when it sets it, else Botpress's.
  std::optional<Config::Retention> retention, botpress_retention;
  auto load = [&](const ConfigSources& src) -> std::optional<LoadedConfig> {
    StatusOr<LoadedConfig> l = LoadConfig(src);
    if (!l.ok()) {
      AddLines(l.status().message(), &config_errors);
      return std::nullopt;
    }
    Append(&warnings, l->warnings);
    return std::move(l).value();
  };
  for (const std::string& f : yamls) {
    ConfigSources src;
    src.config_file = f;
    if (auto l = load(src)) {
      Append(&merged.config.rules, l->config.rules);
      Append(&merged.config.channels, l->config.channels);
      if (!retention && l->SourceOf("retention.raw") != "default") {
        retention = l->config.retention;
      }
    }
  }
  for (const std::string& f : jsons) {
    ConfigSources src;
    src.botpress_config = f;
    if (auto l = load(src)) {
      Append(&merged.botpress_rules, l->botpress_rules);
      if (!botpress_retention && l->SourceOf("retention.raw") != "default") {
        botpress_retention = l->config.retention;
      }
    }
  }
  for (const std::string& f : csvs) {
    ConfigSources src;
    src.bot_configs = {f};
    if (auto l = load(src)) Append(&merged.bot_configs, l->bot_configs);
  }
  if (!retention) retention = botpress_retention;
  if (retention) merged.config.retention = *retention;

  RuleSet set = BuildRuleSet(merged, {});
  for (std::string& w : warnings) {
    RuleProblem p;
    p.message = std::move(w);
    set.warnings.push_back(std::move(p));
  }
  return RulesCheckReport(set, config_errors, options);
}

}  // namespace botmon
