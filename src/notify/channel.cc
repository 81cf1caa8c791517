#include "notify/channel.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <utility>

#include "config/keys.h"
#include "core/utf8.h"

namespace botmon {
namespace {

using config_internal::DidYouMeanSuffix;
using config_internal::Quoted;

constexpr std::string_view kKeys[] = {"name", "kind", "to", "url", "secret"};

bool IsAlnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

std::string TypeName(const nlohmann::json& v) {
  if (v.is_number()) return "a number";
  if (v.is_boolean()) return "a boolean";
  if (v.is_array()) return "a list";
  if (v.is_object()) return "a map";
  if (v.is_null()) return "null";
  return "a string";
}

// The scalar text of a number the way YAML showed it (integers without ".0").
std::string NumberText(const nlohmann::json& v) {
  if (v.is_number_integer()) return std::to_string(v.get<int64_t>());
  if (v.is_number_unsigned()) return std::to_string(v.get<uint64_t>());
  return v.dump();
}

bool HasControl(std::string_view s) {
  return std::any_of(s.begin(), s.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

class Parser {
 public:
  explicit Parser(std::vector<FieldError>* errors) : errors_(errors) {}

  void Add(std::string field, std::string message) {
    errors_->push_back({std::move(field), std::move(message)});
  }

  // A string member, or nullopt (with an error when present but not a string).
  std::optional<std::string> String(const nlohmann::json& v, const std::string& field) {
    if (v.is_string()) return v.get<std::string>();
    Add(field, "expected a string, got " + TypeName(v));
    return std::nullopt;
  }

  void Name(const nlohmann::json& v, Channel* c) {
    auto s = String(v, "name");
    if (!s) return;
    if (s->empty()) return Add("name", "must not be empty");
    if (s->size() > kMaxChannelName) {
      return Add("name", "longer than " + std::to_string(kMaxChannelName) + " bytes");
    }
    if (!ValidUtf8(*s) || HasControl(*s)) {
      return Add("name", Quoted(*s) + " holds control characters or invalid UTF-8");
    }
    if (std::isspace(static_cast<unsigned char>(s->front())) ||
        std::isspace(static_cast<unsigned char>(s->back()))) {
      return Add("name", Quoted(*s) + " starts or ends with a space");
    }
    c->name = *s;
  }

  bool Kind(const nlohmann::json& v, Channel* c) {
    auto s = String(v, "kind");
    if (!s) return false;
    if (!ParseChannelKind(*s, &c->kind)) {
      Add("kind", Quoted(*s) + " is not one of email, slack, sms, webhook");
      return false;
    }
    return true;
  }

  void To(const nlohmann::json& v, Channel* c) {
    std::vector<std::pair<std::string, std::string>> items;  // field, text
    if (v.is_string()) {
      auto parts = SplitRecipients(v.get<std::string>());
      for (size_t i = 0; i < parts.size(); ++i) items.emplace_back("to", parts[i]);
    } else if (v.is_array()) {
      for (size_t i = 0; i < v.size(); ++i) {
        const std::string field = "to[" + std::to_string(i) + "]";
        const auto& e = v[i];
        if (e.is_string()) {
          items.emplace_back(field, e.get<std::string>());
        } else if (e.is_number() && c->kind == ChannelKind::kSms) {
          Add(field,
              NumberText(e) + " is a number; quote phone numbers (\"+" + NumberText(e) + "\")");
        } else {
          Add(field, "expected a string, got " + TypeName(e));
        }
      }
    } else {
      return Add("to", "expected a list of recipients, got " + TypeName(v));
    }
    if (items.size() > kMaxRecipients) {
      return Add("to", std::to_string(items.size()) + " recipients; at most " +
                           std::to_string(kMaxRecipients));
    }
    std::map<std::string, std::string> seen;  // recipient -> field
    for (auto& [field, text] : items) {
      std::string value = text;
      std::string problem =
          c->kind == ChannelKind::kSms ? NormalizePhoneNumber(&value) : CheckEmailAddress(value);
      if (!problem.empty()) {
        Add(field, problem);
        continue;
      }
      auto [it, fresh] = seen.emplace(value, field);
      if (!fresh) {
        Add(field, Quoted(value) + " is listed twice (also " + it->second + ")");
        continue;
      }
      c->to.push_back(std::move(value));
    }
  }

  void Url(const nlohmann::json& v, Channel* c) {
    auto s = String(v, "url");
    if (!s) return;
    std::string problem = CheckHttpUrl(*s);
    if (!problem.empty()) return Add("url", problem);
    c->url = *s;
  }

  void Secret(const nlohmann::json& v, Channel* c) {
    if (v.is_number()) {
      return Add("secret", "is a number; quote the secret so that it is kept exactly");
    }
    auto s = String(v, "secret");
    if (!s) return;
    if (s->size() > kMaxSecret) {
      return Add("secret", "longer than " + std::to_string(kMaxSecret) + " bytes");
    }
    if (HasControl(*s)) return Add("secret", "holds control characters");
    c->secret = *s;
  }

 private:
  std::vector<FieldError>* errors_;
};

std::string Location(std::string_view file, int line) {
  if (file.empty()) return "";
  std::string out(file);
  if (line > 0) out += ":" + std::to_string(line);
  return out + ": ";
}

std::string FieldLine(const FieldError& e) {
  return e.field.empty() ? e.message : e.field + ": " + e.message;
}

}  // namespace

std::string_view ChannelKindName(ChannelKind k) {
  switch (k) {
    case ChannelKind::kEmail:
      return "email";
    case ChannelKind::kSlack:
      return "slack";
    case ChannelKind::kSms:
      return "sms";
    case ChannelKind::kWebhook:
      return "webhook";
  }
  return "webhook";
}

bool ParseChannelKind(std::string_view s, ChannelKind* out) {
  for (ChannelKind k :
       {ChannelKind::kEmail, ChannelKind::kSlack, ChannelKind::kSms, ChannelKind::kWebhook}) {
    if (s == ChannelKindName(k)) {
      *out = k;
      return true;
    }
  }
  return false;
}

std::vector<std::string> SplitRecipients(std::string_view list) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= list.size()) {
    size_t end = list.find_first_of(";,", start);
    if (end == std::string_view::npos) end = list.size();
    std::string_view part = list.substr(start, end - start);
    while (!part.empty() && std::isspace(static_cast<unsigned char>(part.front()))) {
      part.remove_prefix(1);
    }
    while (!part.empty() && std::isspace(static_cast<unsigned char>(part.back()))) {
      part.remove_suffix(1);
    }
    if (!part.empty()) out.emplace_back(part);
    start = end + 1;
  }
  return out;
}

std::string CheckEmailAddress(std::string_view address) {
  const std::string bad = Quoted(address) + " is not an e-mail address (expected name@domain)";
  if (address.empty() || address.size() > kMaxEmailAddress) return bad;
  const size_t at = address.rfind('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == address.size()) return bad;
  std::string_view local = address.substr(0, at);
  std::string_view domain = address.substr(at + 1);
  if (local.size() > 64 || domain.size() > 253) return bad;
  if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos) {
    return bad;
  }
  for (char c : local) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f) return bad;
    if (std::string_view("<>()[],;:\\\"@").find(c) != std::string_view::npos) return bad;
  }
  size_t start = 0;
  while (start <= domain.size()) {
    size_t end = domain.find('.', start);
    if (end == std::string_view::npos) end = domain.size();
    std::string_view label = domain.substr(start, end - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
      return bad;
    }
    for (char c : label) {
      if (!IsAlnum(c) && c != '-') return bad;
    }
    start = end + 1;
  }
  return "";
}

std::string NormalizePhoneNumber(std::string* number) {
  std::string out;
  for (char c : *number) {
    if (c == ' ' || c == '-' || c == '.' || c == '(' || c == ')') continue;
    out += c;
  }
  const std::string bad =
      Quoted(*number) + " is not a phone number in E.164 form (e.g. \"+5511999888777\")";
  if (out.size() < 8 || out.size() > 16 || out[0] != '+' || out[1] == '0') return bad;
  for (size_t i = 1; i < out.size(); ++i) {
    if (!IsDigit(out[i])) return bad;
  }
  *number = std::move(out);
  return "";
}

std::string CheckHttpUrl(std::string_view url) {
  const std::string bad = Quoted(url) + " is not an http(s) URL";
  if (url.size() > kMaxUrl) return "longer than " + std::to_string(kMaxUrl) + " bytes";
  std::string lower(url.substr(0, std::min<size_t>(url.size(), 8)));
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  size_t skip = 0;
  if (lower.starts_with("http://")) {
    skip = 7;
  } else if (lower.starts_with("https://")) {
    skip = 8;
  } else {
    return bad;
  }
  for (char c : url) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f) return Quoted(url) + " holds spaces or control characters";
  }
  std::string_view rest = url.substr(skip);
  std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  if (size_t at = authority.rfind('@'); at != std::string_view::npos) {
    authority.remove_prefix(at + 1);
  }
  std::string_view host = authority;
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) return bad;
    host = authority.substr(0, close + 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return bad;
      port = after.substr(1);
    }
  } else if (size_t colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (host.empty()) return Quoted(url) + " has no host";
  if (!port.empty() || authority.ends_with(":")) {
    if (port.empty() || port.size() > 5 || !std::all_of(port.begin(), port.end(), IsDigit) ||
        std::stoi(std::string(port)) < 1 || std::stoi(std::string(port)) > 65535) {
      return Quoted(url) + " has an invalid port";
    }
  }
  return "";
}

StatusOr<Channel> ParseChannel(const nlohmann::json& value, std::string_view file, int line,
                               std::vector<FieldError>* errors) {
  std::vector<FieldError> local;
  std::vector<FieldError>* errs = errors ? errors : &local;
  const size_t first = errs->size();
  Parser p(errs);
  Channel c;
  c.file = std::string(file);
  c.line = line;
  if (!value.is_object()) {
    p.Add("", "a channel must be a map with name and kind, got " + TypeName(value));
  } else {
    const std::vector<std::string> known(std::begin(kKeys), std::end(kKeys));
    for (const auto& [key, v] : value.items()) {
      if (std::find(known.begin(), known.end(), key) == known.end()) {
        p.Add(key, "unknown key" + DidYouMeanSuffix(key, known));
      }
    }
    auto get = [&](const char* key) -> const nlohmann::json* {
      auto it = value.find(key);
      return it == value.end() || it->is_null() ? nullptr : &*it;
    };
    if (const auto* v = get("name")) {
      p.Name(*v, &c);
    } else {
      p.Add("name", "required");
    }
    bool kind_ok = false;
    if (const auto* v = get("kind")) {
      kind_ok = p.Kind(*v, &c);
    } else {
      p.Add("kind", "required (email, slack, sms or webhook)");
    }
    if (kind_ok) {
      const std::string kind(ChannelKindName(c.kind));
      const bool wants_to = c.kind == ChannelKind::kEmail || c.kind == ChannelKind::kSms;
      const auto* to = get("to");
      const auto* url = get("url");
      const auto* secret = get("secret");
      if (wants_to) {
        if (to) {
          const size_t before = errs->size();
          p.To(*to, &c);
          if (c.to.empty() && errs->size() == before) {
            p.Add("to", "at least one recipient is required");
          }
        } else {
          p.Add("to", std::string("required: the ") +
                          (c.kind == ChannelKind::kSms ? "phone numbers" : "e-mail addresses") +
                          " to notify");
        }
        if (url) p.Add("url", "not used by " + kind + " channels (sent through " + kind + ":)");
      } else {
        if (url) {
          p.Url(*url, &c);
        } else {
          p.Add("url", "required: the " + kind + " URL to POST to");
        }
        if (to) p.Add("to", "not used by " + kind + " channels (the url is the destination)");
      }
      if (secret) {
        if (c.kind == ChannelKind::kWebhook) {
          p.Secret(*secret, &c);
        } else {
          p.Add("secret", "only webhook channels are signed");
        }
      }
    }
  }
  if (errs->size() == first) return c;
  std::string msg;
  const std::string where =
      Location(file, line) + (c.name.empty() ? "channel: " : "channel " + Quoted(c.name) + ": ");
  for (size_t i = first; i < errs->size(); ++i) {
    if (!msg.empty()) msg += '\n';
    msg += where + FieldLine((*errs)[i]);
  }
  return Status::InvalidArgument(msg);
}

StatusOr<std::vector<Channel>> ParseChannels(const std::vector<RawItem>& items) {
  std::vector<Channel> out;
  std::vector<std::string> lines;
  std::map<std::string, size_t> names;  // name -> index in items
  for (size_t i = 0; i < items.size(); ++i) {
    const RawItem& item = items[i];
    const std::string where =
        Location(item.file, item.line) + "channels[" + std::to_string(i) + "]: ";
    std::vector<FieldError> errors;
    auto c = ParseChannel(item.value, item.file, item.line, &errors);
    if (!c.ok()) {
      for (const auto& e : errors) lines.push_back(where + FieldLine(e));
      continue;
    }
    auto [it, fresh] = names.emplace(c->name, i);
    if (!fresh) {
      const RawItem& prev = items[it->second];
      std::string at = Location(prev.file, prev.line);
      if (!at.empty()) at = " (" + at.substr(0, at.size() - 2) + ")";
      lines.push_back(where + "name: " + Quoted(c->name) + " is already used by channels[" +
                      std::to_string(it->second) + "]" + at);
      continue;
    }
    out.push_back(std::move(c).value());
  }
  if (lines.empty()) return out;
  std::string msg;
  constexpr size_t kMaxShown = 20;
  for (size_t i = 0; i < lines.size() && i < kMaxShown; ++i) {
    if (i) msg += '\n';
    msg += lines[i];
  }
  if (lines.size() > kMaxShown) {
    msg += "\n... and " + std::to_string(lines.size() - kMaxShown) + " more";
  }
  return Status::InvalidArgument(msg);
}

nlohmann::json ChannelToJson(const Channel& c, bool mask_secrets) {
  nlohmann::json j;
  j["name"] = c.name;
  j["kind"] = ChannelKindName(c.kind);
  if (c.kind == ChannelKind::kEmail || c.kind == ChannelKind::kSms) {
    j["to"] = c.to;
  } else {
    std::string url = c.url;
    if (mask_secrets) {
      // http://user:password@host/... -> http://user:***@host/...
      const size_t scheme = url.find("://");
      const size_t auth_end =
          url.find_first_of("/?#", scheme == std::string::npos ? 0 : scheme + 3);
      const size_t at = url.rfind('@', auth_end == std::string::npos ? url.size() : auth_end);
      if (scheme != std::string::npos && at != std::string::npos && at > scheme) {
        const size_t colon = url.find(':', scheme + 3);
        if (colon != std::string::npos && colon < at) url.replace(colon + 1, at - colon - 1, "***");
      }
    }
    j["url"] = url;
  }
  if (c.kind == ChannelKind::kWebhook) {
    j["secret"] = mask_secrets && !c.secret.empty() ? std::string("***") : c.secret;
  }
  if (!c.file.empty()) {
    j["file"] = c.file;
    j["line"] = c.line;
  }
  return j;
}

}  // namespace botmon
