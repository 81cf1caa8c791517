#include "config/botpress.h"

#include <nlohmann/json.hpp>

#include "config/keys.h"
#include "config/values.h"

namespace botmon::config_internal {
namespace {

using nlohmann::json;

// 1-based line of byte offset `pos` in `text`.
int LineOf(std::string_view text, size_t pos) {
  int line = 1;
  for (size_t i = 0; i < pos && i < text.size(); ++i) {
    if (text[i] == '\n') ++line;
  }
  return line;
}

// Position just after `"key"` followed by optional blanks and ':' at or after `from`, or npos.
size_t FindJsonKey(std::string_view text, std::string_view key, size_t from) {
  const std::string needle = "\"" + std::string(key) + "\"";
  while (from != std::string_view::npos && from < text.size()) {
    size_t at = text.find(needle, from);
    if (at == std::string_view::npos) return at;
    size_t p = at + needle.size();
    while (p < text.size() &&
           (text[p] == ' ' || text[p] == '\t' || text[p] == '\n' || text[p] == '\r')) {
      ++p;
    }
    if (p < text.size() && text[p] == ':') return p + 1;
    from = at + 1;
  }
  return std::string_view::npos;
}

// The line of pro.<section>.<key> by scanning for each name in turn (a heuristic good for any
// ordinary file; 0 when not found).
int KeyLine(std::string_view text, std::string_view section, std::string_view key) {
  size_t p = FindJsonKey(text, "pro", 0);
  if (p != std::string_view::npos) p = FindJsonKey(text, section, p);
  size_t k = p == std::string_view::npos ? p : FindJsonKey(text, key, p);
  return k == std::string_view::npos ? 0 : LineOf(text, k);
}

class BotpressReader {
 public:
  BotpressReader(std::string_view text, const std::string& file, Config* config, Origins* origins,
                 Problems* problems, std::vector<RawItem>* rules,
                 std::vector<std::string>* warnings)
      : text_(text),
        file_(file),
        config_(config),
        origins_(origins),
        problems_(problems),
        rules_(rules),
        warnings_(warnings) {}

  void Read() {
    json doc;
    try {
      doc = json::parse(text_.begin(), text_.end(), nullptr, /*allow_exceptions=*/true,
                        /*ignore_comments=*/false);
    } catch (const json::parse_error& e) {
      SyntaxError(e);
      return;
    } catch (const std::exception& e) {
      problems_->Add(file_ + ": invalid JSON: " + e.what());
      return;
    }
    if (!doc.is_object()) {
      problems_->Add(file_ + ": expected a JSON object at the top level, got " +
                     config_internal::JsonTypeName(doc));
      return;
    }
    auto pro = doc.find("pro");
    if (pro == doc.end() || pro->is_null()) return;
    if (!pro->is_object()) {
      problems_->Add(file_ + ": pro: expected an object, got " +
                     config_internal::JsonTypeName(*pro));
      return;
    }
    ReadSection(*pro, "monitoring",
                {{"enabled", "monitoring.enabled"},
                 {"collectionInterval", "tick"},
                 {"retentionPeriod", "retention.raw"},
                 {"janitorInterval", "monitoring.janitorInterval"}});
    ReadSection(*pro, "alerting",
                {{"enabled", "alerting.enabled"},
                 {"watcherInterval", "alerting.watcherInterval"},
                 {"retentionPeriod", "alerting.retentionPeriod"},
                 {"janitorInterval", "alerting.janitorInterval"}});
    if (!config_->monitoring.enabled) {
      warnings_->push_back(Where("monitoring", "enabled") +
                           ": false; botmon collects anyway (it is the monitor)");
    }
    if (!config_->alerting.enabled) {
      warnings_->push_back(Where("alerting", "enabled") +
                           ": false; its rules are loaded anyway (--botpress-config opts in)");
    }
  }

 private:
  struct Mapping {
    const char* json_key;
    const char* path;
  };

  std::string Where(std::string_view section, std::string_view key) const {
    int line = KeyLine(text_, section, key);
    std::string out = file_;
    if (line > 0) out += ":" + std::to_string(line);
    return out + ": pro." + std::string(section) + "." + std::string(key);
  }

  void SyntaxError(const json::parse_error& e) {
    // nlohmann's `byte` counts the characters read, the offending one included; report the
    // 0-based offset of that character, and its 1-based line and column.
    size_t byte = e.byte;
    size_t at = byte > 0 ? byte - 1 : 0;
    int line = 1;
    int col = 1;
    for (size_t i = 0; i < at && i < text_.size(); ++i) {
      if (text_[i] == '\n') {
        ++line;
        col = 1;
      } else {
        ++col;
      }
    }
    std::string msg = e.what();
    // Drop nlohmann's "[json.exception.parse_error.101] parse error at line L, column C: ".
    size_t p = msg.find("parse error");
    if (p != std::string::npos) p = msg.find(": ", p);
    if (p != std::string::npos) msg = msg.substr(p + 2);
    problems_->Add(file_ + ":" + std::to_string(line) + ":" + std::to_string(col) +
                   ": invalid JSON (offset " + std::to_string(at) + "): " + msg);
  }

  void ReadSection(const json& pro, std::string_view section,
                   std::initializer_list<Mapping> mappings) {
    auto it = pro.find(std::string(section));
    if (it == pro.end() || it->is_null()) return;
    if (!it->is_object()) {
      problems_->Add(file_ + ": pro." + std::string(section) + ": expected an object, got " +
                     config_internal::JsonTypeName(*it));
      return;
    }
    for (const Mapping& m : mappings) {
      auto v = it->find(m.json_key);
      if (v == it->end() || v->is_null()) continue;
      const KeySpec& spec = *FindKey(m.path);
      // Name the botmon key too when it differs ("pro.monitoring.collectionInterval (tick)").
      std::string where = Where(section, m.json_key);
      if (std::string(section) + "." + m.json_key != m.path)
        where += " (" + std::string(m.path) + ")";
      std::string text;
      if (spec.kind == Kind::kBool) {
        if (!v->is_boolean()) {
          problems_->Add(where + ": expected true or false, got " +
                         config_internal::JsonTypeName(*v));
          continue;
        }
        text = v->get<bool>() ? "true" : "false";
      } else {
        if (!v->is_string()) {
          problems_->Add(where + ": expected a duration string like \"10s\", got " +
                         config_internal::JsonTypeName(*v));
          continue;
        }
        text = v->get<std::string>();
      }
      Status s = SetFromText(spec, text, config_, DurationSyntax::kBotpress);
      if (!s.ok()) {
        problems_->Add(where + ": " + s.message());
        continue;
      }
      Origin o;
      o.source = Origin::Source::kFile;
      o.file = file_;
      o.line = KeyLine(text_, section, m.json_key);
      (*origins_)[m.path] = std::move(o);
    }
    if (section == "alerting") ReadRules(*it);
  }

  void ReadRules(const json& alerting) {
    auto rules = alerting.find("rules");
    if (rules == alerting.end() || rules->is_null()) return;
    if (!rules->is_array()) {
      problems_->Add(Where("alerting", "rules") + ": expected an array, got " +
                     config_internal::JsonTypeName(*rules));
      return;
    }
    size_t scan =
        FindJsonKey(text_, "rules", FindJsonKey(text_, "alerting", FindJsonKey(text_, "pro", 0)));
    size_t i = 0;
    for (const json& rule : *rules) {
      if (!rule.is_object()) {
        problems_->Add(Where("alerting", "rules") + "[" + std::to_string(i) +
                       "]: expected an object, got " + config_internal::JsonTypeName(rule));
        ++i;
        continue;
      }
      int line = 0;
      auto name = rule.find("name");
      if (name != rule.end() && name->is_string() && scan != std::string_view::npos) {
        line = FindNameLine(name->get<std::string>(), &scan);
      }
      rules_->push_back(RawItem{rule, file_, line, 0});
      ++i;
    }
  }

  // Finds `"name": "<name>"` at or after *scan (rules appear in order), moving *scan past it.
  int FindNameLine(const std::string& name, size_t* scan) {
    std::string literal;
    try {
      literal = json(name).dump();
    } catch (const std::exception&) {
      return 0;
    }
    size_t p = *scan;
    while (true) {
      p = FindJsonKey(text_, "name", p);
      if (p == std::string_view::npos) return 0;
      size_t v = p;
      while (v < text_.size() &&
             (text_[v] == ' ' || text_[v] == '\t' || text_[v] == '\n' || text_[v] == '\r')) {
        ++v;
      }
      if (text_.substr(v, literal.size()) == literal) {
        *scan = v + literal.size();
        return LineOf(text_, v);
      }
    }
  }

  std::string_view text_;
  const std::string& file_;
  Config* config_;
  Origins* origins_;
  Problems* problems_;
  std::vector<RawItem>* rules_;
  std::vector<std::string>* warnings_;
};

}  // namespace

void ApplyBotpressText(std::string_view text, const std::string& file, Config* config,
                       Origins* origins, Problems* problems, std::vector<RawItem>* rules,
                       std::vector<std::string>* warnings) {
  BotpressReader(text, file, config, origins, problems, rules, warnings).Read();
}

}  // namespace botmon::config_internal
