#include "config/print.h"

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "config/keys.h"
#include "core/duration.h"
#include "core/utf8.h"

namespace botmon {
namespace {

using config_internal::KeySpec;
using config_internal::Kind;
using nlohmann::json;

constexpr std::string_view kMask = "***";

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool IsSecretKey(std::string_view key) {
  static constexpr std::string_view kNames[] = {"password", "authtoken", "token",
                                                "secret",   "apikey",    "secretkey"};
  const std::string l = Lower(key);
  return std::find(std::begin(kNames), std::end(kNames), l) != std::end(kNames);
}

void AppendUtf8(std::string* out, int32_t cp) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Masks what the output must not show inside a list item, recursively.
void MaskItem(json* v, bool slack_channel) {
  if (v->is_object()) {
    for (auto it = v->begin(); it != v->end(); ++it) {
      if (it->is_string() && !it->get_ref<const std::string&>().empty() && IsSecretKey(it.key())) {
        *it = std::string(kMask);
      } else if (slack_channel && it.key() == "url" && it->is_string()) {
        // https://hooks.slack.com/services/T000/B000/XXXX: the path is the secret.
        const std::string& url = it->get_ref<const std::string&>();
        size_t scheme = url.find("://");
        size_t path = scheme == std::string::npos ? scheme : url.find('/', scheme + 3);
        if (path != std::string::npos && path + 1 < url.size()) {
          *it = url.substr(0, path + 1) + std::string(kMask);
        }
      } else {
        MaskItem(&*it, false);
      }
    }
  } else if (v->is_array()) {
    for (json& e : *v) MaskItem(&e, false);
  } else if (v->is_string()) {
    *v = MaskUrlPassword(v->get_ref<const std::string&>());
  }
}

// JSON as a YAML flow collection ("{"name": "x", "to": ["a"]}"), strings double-quoted.
void AppendFlow(std::string* out, const json& v) {
  switch (v.type()) {
    case json::value_t::object: {
      out->push_back('{');
      bool first = true;
      for (auto it = v.begin(); it != v.end(); ++it) {
        if (!first) out->append(", ");
        first = false;
        AppendYamlQuoted(out, it.key());
        out->append(": ");
        AppendFlow(out, *it);
      }
      out->push_back('}');
      break;
    }
    case json::value_t::array: {
      out->push_back('[');
      bool first = true;
      for (const json& e : v) {
        if (!first) out->append(", ");
        first = false;
        AppendFlow(out, e);
      }
      out->push_back(']');
      break;
    }
    case json::value_t::string:
      AppendYamlQuoted(out, v.get_ref<const std::string&>());
      break;
    default:
      out->append(v.dump());  // numbers, booleans, null: the same spelling in YAML
      break;
  }
}

class Printer {
 public:
  explicit Printer(const LoadedConfig& loaded) : loaded_(loaded), config_(loaded.config) {}

  std::string Print() {
    out_ = "# botmon effective configuration (botmon serve --print-config); secrets as \"***\"\n";
    std::string section;
    for (const KeySpec& spec : config_internal::AllKeys()) {
      if (spec.botpress_only) continue;
      const std::string_view path = spec.path;
      const size_t dot = path.find('.');
      const std::string this_section =
          dot == std::string_view::npos ? "" : std::string(path.substr(0, dot));
      if (this_section != section && !this_section.empty()) {
        out_ += this_section + ":\n";
      }
      section = this_section;
      const std::string indent = section.empty() ? "" : "  ";
      const std::string name(dot == std::string_view::npos ? path : path.substr(dot + 1));
      PrintKey(spec, indent, name);
    }
    PrintBotpressOnly();
    PrintBotpressRules();
    PrintBotConfigs();
    return out_;
  }

 private:
  void From(std::string_view path) { out_ += "  # from: " + loaded_.SourceOf(path) + "\n"; }

  void PrintKey(const KeySpec& spec, const std::string& indent, const std::string& name) {
    out_ += indent + name + ":";
    if (spec.kind == Kind::kItemList) return PrintItems(spec, indent);
    out_ += ' ';
    out_ += Value(spec);
    From(spec.path);
  }

  std::string Value(const KeySpec& spec) {
    auto ref = spec.field(config_);
    std::string v;
    switch (spec.kind) {
      case Kind::kString: {
        const std::string& s = *std::get<std::string*>(ref);
        AppendYamlQuoted(&v, spec.secret && !s.empty() ? std::string(kMask) : MaskUrlPassword(s));
        break;
      }
      case Kind::kDuration: {
        int64_t ms = *std::get<int64_t*>(ref);
        v = ms == 0 && spec.empty_is_derived ? "\"\"" : FormatDuration(ms);
        break;
      }
      case Kind::kSize:
        v = FormatSize(*std::get<int64_t*>(ref));
        break;
      case Kind::kInt:
        v = std::to_string(*std::get<int64_t*>(ref));
        break;
      case Kind::kBool:
        v = *std::get<bool*>(ref) ? "true" : "false";
        break;
      case Kind::kStringList: {
        json arr = *std::get<std::vector<std::string>*>(ref);
        AppendFlow(&v, arr);
        break;
      }
      case Kind::kRedactList: {
        v = "[";
        bool first = true;
        for (const RedactItem& r : *std::get<std::vector<RedactItem>*>(ref)) {
          if (!first) v += ", ";
          first = false;
          if (r.regex.empty()) {
            AppendYamlQuoted(&v, r.name);
          } else {
            AppendFlow(&v, json{{"name", r.name}, {"regex", r.regex}, {"replace", r.replace}});
          }
        }
        v += "]";
        break;
      }
      case Kind::kBoolMap: {
        v = "{";
        bool first = true;
        for (const auto& [k, b] : *std::get<std::map<std::string, bool>*>(ref)) {
          if (!first) v += ", ";
          first = false;
          v += k + ": " + (b ? "true" : "false");
        }
        v += "}";
        break;
      }
      case Kind::kItemList:
        break;
    }
    return v;
  }

  void PrintItems(const KeySpec& spec, const std::string& indent) {
    const auto& items = *std::get<std::vector<RawItem>*>(spec.field(config_));
    if (items.empty()) {
      out_ += " []";
      From(spec.path);
      return;
    }
    From(spec.path);
    for (const RawItem& item : items) {
      json masked = item.value;
      const bool slack = spec.path == "channels" && masked.is_object() &&
                         masked.value("kind", json()).is_string() && masked["kind"] == "slack";
      MaskItem(&masked, slack);
      out_ += indent + "  - ";
      AppendFlow(&out_, masked);
      out_ += "\n";
    }
  }

  void PrintBotpressOnly() {
    out_ += "# Settings only botpress.config.json sets (not botmon.yaml keys):\n";
    for (const KeySpec& spec : config_internal::AllKeys()) {
      if (!spec.botpress_only) continue;
      out_ += "#   " + std::string(spec.path) + ": " + Value(spec);
      From(spec.path);
    }
  }

  void PrintBotpressRules() {
    if (loaded_.botpress_rules.empty()) return;
    out_ += "# Rules from botpress.config.json:\n";
    for (const RawItem& r : loaded_.botpress_rules) {
      out_ += "#   - ";
      AppendFlow(&out_, r.value);
      out_ += "  # from: " + r.file + ":" + std::to_string(r.line) + "\n";
    }
  }

  void PrintBotConfigs() {
    for (const BotCsvConfig& bc : loaded_.bot_configs) {
      out_ += "# config.csv of bot ";
      AppendYamlQuoted(&out_, bc.bot);
      out_ += " (" + bc.file + "):\n";
      for (const CsvEntry& e : bc.alerts) {
        const bool secret = e.key == "alert-webhook-secret" && !e.value.empty();
        const bool slack = e.key == "alert-slack-webhook";
        json value = secret ? std::string(kMask) : e.value;
        if (slack) {
          json item = {{"url", e.value}};
          MaskItem(&item, true);
          value = item["url"];
        } else if (!secret) {
          MaskItem(&value, false);
        }
        out_ += "#   " + e.key + ": ";
        AppendFlow(&out_, value);
        out_ += "  # from: " + bc.file + ":" + std::to_string(e.line) + "\n";
      }
    }
  }

  const LoadedConfig& loaded_;
  // Field accessors take a mutable Config (one table serves reading and writing); the printer
  // only reads through them.
  Config config_;
  std::string out_;
};

}  // namespace

std::string MaskUrlPassword(std::string_view text) {
  size_t scheme = text.find("://");
  if (scheme == std::string_view::npos) return std::string(text);
  size_t start = scheme + 3;
  size_t end = text.find_first_of("/?#", start);
  if (end == std::string_view::npos) end = text.size();
  std::string_view authority = text.substr(start, end - start);
  size_t at = authority.rfind('@');
  if (at == std::string_view::npos) return std::string(text);
  size_t colon = authority.substr(0, at).find(':');
  if (colon == std::string_view::npos || colon + 1 == at) return std::string(text);
  std::string out(text.substr(0, start + colon + 1));
  out += kMask;
  out += text.substr(start + at);
  return out;
}

void AppendYamlQuoted(std::string* out, std::string_view s) {
  out->push_back('"');
  size_t i = 0;
  while (i < s.size()) {
    int32_t cp = DecodeUtf8(s, &i);
    if (cp < 0) cp = 0xFFFD;
    char buf[16];
    switch (cp) {
      case '"':
        out->append("\\\"");
        continue;
      case '\\':
        out->append("\\\\");
        continue;
      case '\n':
        out->append("\\n");
        continue;
      case '\t':
        out->append("\\t");
        continue;
      case '\r':
        out->append("\\r");
        continue;
      default:
        break;
    }
    // Only YAML's printable set goes out raw (c-printable, minus BOM and the C1 block).
    const bool printable = (cp >= 0x20 && cp <= 0x7E) || (cp >= 0xA0 && cp <= 0xD7FF) ||
                           (cp >= 0xE000 && cp <= 0xFFFD && cp != 0xFEFF) || cp >= 0x10000;
    if (printable) {
      AppendUtf8(out, cp);
    } else {
      std::snprintf(buf, sizeof buf, "\\u%04X", static_cast<unsigned>(cp));
      out->append(buf);
    }
  }
  out->push_back('"');
}

std::string PrintConfig(const LoadedConfig& loaded) { return Printer(loaded).Print(); }

}  // namespace botmon
