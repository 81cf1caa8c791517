#include "routing/match.h"

#include "config/keys.h"
#include "core/utf8.h"

namespace botmon {

using routing_internal::JoinField;
using routing_internal::JsonTypeName;

AlertLabels IncidentLabels(const Incident& inc, const Rule* rule) {
  AlertLabels labels = inc.group;
  if (labels.find("host") == labels.end() && !inc.host_name.empty() && inc.host_name != "*") {
    labels["host"] = inc.host_name;
  }
  if (rule != nullptr) {
    for (const auto& [k, v] : rule->match) {
      if (v.find_first_of("*?") == std::string::npos) labels.emplace(k, v);
    }
  }
  labels["rule"] = inc.rule_name;
  labels["severity"] = std::string(SeverityName(inc.severity));
  return labels;
}

bool LabelGlobMatch(std::string_view pattern, std::string_view text) {
  size_t p = 0, t = 0;
  size_t star = std::string_view::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p;
      ++t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

bool MatchesLabels(const LabelMatcher& matcher, const AlertLabels& labels) {
  for (const auto& [name, pattern] : matcher) {
    auto it = labels.find(name);
    if (it == labels.end()) return false;
    if (pattern.find_first_of("*?") == std::string::npos) {
      if (it->second != pattern) return false;
    } else if (!LabelGlobMatch(pattern, it->second)) {
      return false;
    }
  }
  return true;
}

std::string RoutingErrors::Format(std::string_view file, int line, int col,
                                  std::string_view prefix) const {
  std::string where;
  if (!file.empty()) {
    where = std::string(file);
    if (line > 0) {
      where += ":" + std::to_string(line);
      if (col > 0) where += ":" + std::to_string(col);
    }
    where += ": ";
  }
  std::string out;
  for (const RoutingFieldError& e : errors_) {
    if (!out.empty()) out += "\n";
    std::string field = JoinField(prefix, e.field);
    out += where + (field.empty() ? "" : field + ": ") + e.message;
  }
  return out;
}

LabelMatcher ParseLabelMatcher(const nlohmann::json& value, const std::string& field,
                               RoutingErrors* errors) {
  LabelMatcher out;
  if (!value.is_object()) {
    errors->Add(field, "must be a map of label: value, got " + JsonTypeName(value));
    return out;
  }
  if (value.size() > kMaxMatchLabels) {
    errors->Add(field, "at most " + std::to_string(kMaxMatchLabels) + " labels");
    return out;
  }
  for (const auto& [name, v] : value.items()) {
    const std::string key = JoinField(field, name);
    bool name_ok = !name.empty() && name.size() <= kMaxLabelName;
    for (char c : name) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '.' && c != '-') {
        name_ok = false;
      }
    }
    if (!name_ok) {
      errors->Add(key, "label names are 1.." + std::to_string(kMaxLabelName) +
                           " letters, digits, '_', '.' or '-'");
      continue;
    }
    std::string pattern;
    if (v.is_number_integer()) {
      pattern = v.dump();
    } else if (v.is_string()) {
      pattern = v.get<std::string>();
    } else {
      errors->Add(key, "must be a string (an exact value or a glob), got " + JsonTypeName(v));
      continue;
    }
    if (pattern.empty() || pattern.size() > kMaxLabelPattern || !ValidUtf8(pattern)) {
      errors->Add(key, "must be 1.." + std::to_string(kMaxLabelPattern) + " bytes of UTF-8 text");
      continue;
    }
    if (name == "severity" && pattern.find_first_of("*?") == std::string::npos) {
      Severity s;
      if (!ParseSeverity(pattern, &s)) {
        errors->Add(key, "\"" + pattern + "\" is not a severity (warning | critical)");
        continue;
      }
    }
    out[name] = std::move(pattern);
  }
  return out;
}

namespace routing_internal {

std::string JsonTypeName(const nlohmann::json& v) {
  switch (v.type()) {
    case nlohmann::json::value_t::object:
      return "a map";
    case nlohmann::json::value_t::array:
      return "a list";
    case nlohmann::json::value_t::string:
      return "a string";
    case nlohmann::json::value_t::boolean:
      return "a boolean";
    case nlohmann::json::value_t::null:
      return "null";
    default:
      return "a number";
  }
}

void CheckKnownKeys(const nlohmann::json& value, const std::vector<std::string>& known,
                    const std::string& prefix, RoutingErrors* errors) {
  for (const auto& [key, v] : value.items()) {
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      errors->Add(JoinField(prefix, key),
                  "unknown key" + config_internal::DidYouMeanSuffix(key, known));
    }
  }
}

const nlohmann::json* Member(const nlohmann::json& value, const char* key) {
  auto it = value.find(key);
  return it == value.end() || it->is_null() ? nullptr : &*it;
}

std::string GetString(const nlohmann::json& value, const std::string& field, size_t max_bytes,
                      RoutingErrors* errors, bool allow_empty) {
  if (!value.is_string()) {
    errors->Add(field, "must be a string, got " + JsonTypeName(value));
    return "";
  }
  const std::string& s = value.get_ref<const std::string&>();
  if ((s.empty() && !allow_empty) || s.size() > max_bytes || !ValidUtf8(s)) {
    errors->Add(field, "must be " + std::string(allow_empty ? "0" : "1") + ".." +
                           std::to_string(max_bytes) + " bytes of UTF-8 text");
    return "";
  }
  return s;
}

std::string JoinField(std::string_view prefix, std::string_view field) {
  if (prefix.empty()) return std::string(field);
  if (field.empty()) return std::string(prefix);
  if (field[0] == '[') return std::string(prefix) + std::string(field);
  return std::string(prefix) + "." + std::string(field);
}

}  // namespace routing_internal
}  // namespace botmon
