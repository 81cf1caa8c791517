#include "config/load.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <set>

#include "config/botpress.h"
#include "config/keys.h"
#include "config/validate.h"
#include "config/values.h"
#include "config/yaml_source.h"
#include "core/fs.h"

extern char** environ;

namespace botmon {
namespace {

using config_internal::Origin;
using config_internal::Origins;
using config_internal::Problems;

// The alert-* keys of Appendix A.8.
const std::vector<std::string>& KnownAlertKeys() {
  static const std::vector<std::string> keys = {"alert-cpu-threshold",
                                                "alert-memory-threshold",
                                                "alert-disk-threshold",
                                                "alert-response-time-ms",
                                                "alert-cpu-for-minutes",
                                                "alert-memory-for-minutes",
                                                "alert-disk-for-minutes",
                                                "alert-response-time-for-minutes",
                                                "alert-email",
                                                "alert-slack-webhook",
                                                "alert-webhook-url",
                                                "alert-webhook-secret",
                                                "alert-sms-to"};
  return keys;
}

// Variables that are ours but not configuration keys (read by the app itself).
constexpr std::string_view kOtherBotmonVariables[] = {"BOTMON_CONFIG", "BOTMON_ADMIN_PASSWORD"};

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool IsBotName(std::string_view s) {
  if (s.empty()) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
  });
}

Status ReadBotConfig(const std::string& spec, LoadedConfig* out) {
  auto [bot, file] = SplitBotConfig(spec);
  out->files.push_back(file);
  ASSIGN_OR_RETURN(std::string text, ReadFileBounded(file, kMaxConfigCsvBytes));
  ASSIGN_OR_RETURN(std::vector<CsvEntry> entries, ParseConfigCsv(text, file));
  BotCsvConfig bc{file, bot, {}};
  std::map<std::string, int> seen;  // key -> line
  for (CsvEntry& e : entries) {
    std::string key = Lower(e.key);
    if (key.rfind("alert-", 0) != 0) continue;
    const auto& known = KnownAlertKeys();
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      out->warnings.push_back(file + ":" + std::to_string(e.line) + ": unknown key \"" + e.key +
                              "\"" + config_internal::DidYouMeanSuffix(key, known) + "; ignored");
      continue;
    }
    if (auto it = seen.find(key); it != seen.end()) {
      out->warnings.push_back(file + ":" + std::to_string(e.line) + ": \"" + key +
                              "\" is also set on line " + std::to_string(it->second) +
                              "; the later line wins");
    }
    seen[key] = e.line;
    e.key = std::move(key);
    bc.alerts.push_back(std::move(e));
  }
  out->bot_configs.push_back(std::move(bc));
  return Status::OK();
}

// Reads a whole file, reporting a failure as one problem line.
bool ReadSourceFile(const std::string& file, size_t limit, LoadedConfig* out, Problems* problems,
                    std::string* text) {
  out->files.push_back(file);
  StatusOr<std::string> read = ReadFileBounded(file, limit);
  if (!read.ok()) {
    problems->Add(read.status().message());
    return false;
  }
  *text = std::move(read).value();
  return true;
}

void ApplyEnvironment(const std::map<std::string, std::string>& env, Config* config,
                      Origins* origins, Problems* problems, std::vector<std::string>* warnings) {
  std::vector<std::string> names;
  for (const auto& spec : config_internal::AllKeys()) {
    if (spec.env.empty()) continue;
    names.emplace_back(spec.env);
    auto it = env.find(std::string(spec.env));
    if (it == env.end() || it->second.empty()) continue;
    Status s = config_internal::SetFromText(spec, it->second, config);
    if (!s.ok()) {
      problems->Add(std::string(spec.env) + ": " + s.message());
      continue;
    }
    Origin o;
    o.source = Origin::Source::kEnv;
    o.name = std::string(spec.env);
    (*origins)[std::string(spec.path)] = std::move(o);
  }
  for (std::string_view other : kOtherBotmonVariables) names.emplace_back(other);
  // A mistyped variable is silently ignored by every shell; point out the likely typos.
  for (const auto& [name, value] : env) {
    if (name.rfind("BOTMON_", 0) != 0) continue;
    if (std::find(names.begin(), names.end(), name) != names.end()) continue;
    std::string best = config_internal::DidYouMean(name, names);
    if (!best.empty()) {
      warnings->push_back(name + ": not a botmon variable (did you mean " + best + "?)");
    }
  }
}

void ApplyFlags(const std::map<std::string, std::string>& flags, Config* config, Origins* origins,
                Problems* problems) {
  for (const auto& [path, value] : flags) {
    const std::string flag = config_internal::FlagName(path);
    const config_internal::KeySpec* spec = config_internal::FindKey(path);
    using config_internal::Kind;
    if (spec == nullptr || spec->kind == Kind::kStringList || spec->kind == Kind::kRedactList ||
        spec->kind == Kind::kBoolMap || spec->kind == Kind::kItemList) {
      problems->Add(flag + ": not a scalar configuration key");
      continue;
    }
    Status s = config_internal::SetFromText(*spec, value, config);
    if (!s.ok()) {
      problems->Add(flag + ": " + s.message());
      continue;
    }
    Origin o;
    o.source = Origin::Source::kFlag;
    o.name = flag;
    (*origins)[path] = std::move(o);
  }
}

}  // namespace

std::pair<std::string, std::string> SplitBotConfig(std::string_view spec) {
  size_t eq = spec.find('=');
  if (eq != std::string_view::npos && IsBotName(spec.substr(0, eq)) && eq + 1 < spec.size()) {
    return {std::string(spec.substr(0, eq)), std::string(spec.substr(eq + 1))};
  }
  std::string file(spec);
  std::string parent = std::filesystem::path(file).parent_path().filename().string();
  const std::string_view kSuffix = ".gbot";
  if (parent.size() > kSuffix.size() &&
      parent.compare(parent.size() - kSuffix.size(), kSuffix.size(), kSuffix) == 0) {
    parent.resize(parent.size() - kSuffix.size());
  }
  if (parent.empty() || parent == "." || parent == "..") parent = "default";
  return {parent, file};
}

std::string LoadedConfig::SourceOf(std::string_view path) const {
  auto it = provenance.find(std::string(path));
  return it == provenance.end() ? "default" : it->second;
}

StatusOr<LoadedConfig> LoadConfig(const ConfigSources& src) {
  LoadedConfig out;
  Origins origins;
  Problems problems;
  Config& config = out.config;

  // Lowest precedence first; each source overwrites what it sets.
  for (const std::string& spec : src.bot_configs) {
    Status s = ReadBotConfig(spec, &out);
    if (!s.ok()) problems.Add(s.message());
  }
  if (src.botpress_config) {
    std::string text;
    if (ReadSourceFile(*src.botpress_config, config_internal::kMaxBotpressConfigBytes, &out,
                       &problems, &text)) {
      config_internal::ApplyBotpressText(text, *src.botpress_config, &config, &origins, &problems,
                                         &out.botpress_rules, &out.warnings);
    }
  }
  std::optional<std::string> yaml = src.config_file;
  if (!yaml) {
    auto it = src.env.find("BOTMON_CONFIG");
    if (it != src.env.end() && !it->second.empty()) yaml = it->second;
  }
  if (yaml) {
    std::string text;
    if (ReadSourceFile(*yaml, kMaxConfigYamlBytes, &out, &problems, &text)) {
      config_internal::ApplyYamlText(text, *yaml, &config, &origins, &problems);
    }
  }
  ApplyEnvironment(src.env, &config, &origins, &problems, &out.warnings);
  ApplyFlags(src.flags, &config, &origins, &problems);
  if (problems.empty()) config_internal::CheckCrossKeys(config, origins, &problems);
  RETURN_IF_ERROR(problems.ToStatus());
  config_internal::ResolveDerived(&config);

  for (const auto& spec : config_internal::AllKeys()) {
    out.provenance[std::string(spec.path)] = "default";
  }
  for (const auto& [path, origin] : origins) out.provenance[path] = origin.Provenance();
  return out;
}

std::map<std::string, std::string> ProcessEnvironment() {
  std::map<std::string, std::string> env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string_view kv(*e);
    size_t eq = kv.find('=');
    if (eq == std::string_view::npos) continue;
    std::string_view name = kv.substr(0, eq);
    if (name.rfind("BOTMON_", 0) == 0 || name == "CLUSTER_ENABLED" || name == "REDIS_URL") {
      env.emplace(name, kv.substr(eq + 1));
    }
  }
  return env;
}

}  // namespace botmon
