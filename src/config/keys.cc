#include "config/keys.h"

#include <algorithm>
#include <cctype>

namespace botmon::config_internal {
namespace {

bool StartsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

std::string CheckListen(std::string_view v) {
  const std::string want = "expected HOST:PORT like 127.0.0.1:8080";
  size_t colon = v.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return want;
  std::string_view host = v.substr(0, colon);
  std::string_view port = v.substr(colon + 1);
  if (host.front() == '[') {
    if (host.size() < 3 || host.back() != ']') return want + " or [::1]:8080";
  } else if (host.find(':') != std::string_view::npos) {
    return "an IPv6 address needs brackets, like [::1]:8080";
  }
  for (char c : host) {
    if (std::isspace(static_cast<unsigned char>(c))) return want;
  }
  if (port.empty() || port.size() > 5) return want;
  int64_t n = 0;
  for (char c : port) {
    if (c < '0' || c > '9') return want;
    n = n * 10 + (c - '0');
  }
  if (n > 65535) return "port " + std::string(port) + " is above 65535";
  return "";
}

std::string CheckNonEmpty(std::string_view v) { return v.empty() ? "must not be empty" : ""; }

std::string CheckStore(std::string_view v) {
  if (v == "sqlite" || StartsWith(v, "postgresql://") || StartsWith(v, "postgres://")) return "";
  return Quoted(v) + " is not a store: use sqlite or a postgresql:// URL";
}

std::string CheckHostName(std::string_view v) {
  if (v.size() > 255) return "longer than 255 characters";
  for (char c : v) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return "contains a control character";
  }
  return "";
}

std::string CheckHttpUrl(std::string_view v) {
  if (v.empty()) return "";
  if (!StartsWith(v, "http://") && !StartsWith(v, "https://")) {
    return Quoted(v) + " is not an http:// or https:// URL";
  }
  for (char c : v) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) {
      return Quoted(v) + " contains a space or a control character";
    }
  }
  return "";
}

std::string CheckRequiredHttpUrl(std::string_view v) {
  return v.empty() ? "must not be empty" : CheckHttpUrl(v);
}

std::string CheckRedisUrl(std::string_view v) {
  if (v.empty() || StartsWith(v, "redis://") || StartsWith(v, "rediss://")) return "";
  return Quoted(v) + " is not a redis:// or rediss:// URL";
}

std::string CheckAbsolutePath(std::string_view v) {
  if (v.empty() || v.front() != '/') return Quoted(v) + " is not an absolute path";
  return "";
}

template <typename T>
FieldRef Ref(T* p) {
  return FieldRef(p);
}

#define BOTMON_FIELD(member) [](Config& c) { return Ref(&c.member); }

constexpr int64_t kKiB = 1024;
constexpr int64_t kGiB = 1024 * 1024 * 1024;

std::vector<KeySpec> BuildKeys() {
  std::vector<KeySpec> k;
  auto add = [&](KeySpec s) { k.push_back(s); };
  add({.path = "listen",
       .kind = Kind::kString,
       .field = BOTMON_FIELD(listen),
       .env = "BOTMON_LISTEN",
       .check = CheckListen});
  add({.path = "dataDir",
       .kind = Kind::kString,
       .field = BOTMON_FIELD(data_dir),
       .env = "BOTMON_DATA_DIR",
       .check = CheckNonEmpty});
  add({.path = "store",
       .kind = Kind::kString,
       .field = BOTMON_FIELD(store),
       .env = "BOTMON_STORE",
       .check = CheckStore});
  add({.path = "tick",
       .kind = Kind::kDuration,
       .field = BOTMON_FIELD(tick_ms),
       .env = "BOTMON_TICK",
       .min = kSecondMs,
       .max = 5 * kMinuteMs});
  // The zone name is checked against the tz database by the value setter (values.cc).
  add({.path = "timezone",
       .kind = Kind::kString,
       .field = BOTMON_FIELD(timezone),
       .env = "BOTMON_TIMEZONE",
       .empty_is_derived = true});
  add({.path = "hostName",
       .kind = Kind::kString,
       .field = BOTMON_FIELD(host_name),
       .env = "BOTMON_HOST_NAME",
       .check = CheckHostName,
       .empty_is_derived = true});
  add({.path = "publicUrl",
       .kind = Kind::kString,
       .field = BOTMON_FIELD(public_url),
       .env = "BOTMON_PUBLIC_URL",
       .check = CheckHttpUrl,
       .empty_is_derived = true});
  add({.path = "retention.raw",
       .kind = Kind::kDuration,
       .field = BOTMON_FIELD(retention.raw_ms),
       .min = kSecondMs});
  add({.path = "retention.rollup1m",
       .kind = Kind::kDuration,
       .field = BOTMON_FIELD(retention.rollup1m_ms),
       .min = kSecondMs});
  add({.path = "retention.rollup1h",
       .kind = Kind::kDuration,
       .field = BOTMON_FIELD(retention.rollup1h_ms),
       .min = kSecondMs});
  add({.path = "ingest.maxBodyBytes",
       .kind = Kind::kSize,
       .field = BOTMON_FIELD(ingest.max_body_bytes),
       .min = kKiB,
       .max = kGiB});
  add({.path = "ingest.maxEvents",
       .kind = Kind::kInt,
       .field = BOTMON_FIELD(ingest.max_events),
       .min = 1,
       .max = 100000});
  add({.path = "ingest.rateLimitPerToken",
       .kind = Kind::kInt,
       .field = BOTMON_FIELD(ingest.rate_limit_per_token),
       .min = 0});
  add({.path = "sessions.idleTimeout",
       .kind = Kind::kDuration,
       .field = BOTMON_FIELD(sessions.idle_timeout_ms),
       .min = kSecondMs});
  add({.path = "sessions.retention",
       .kind = Kind::kDuration,
       .field = BOTMON_FIELD(sessions.retention_ms),
       .min = kSecondMs});
  add({.path = "privacy.maskUsers",
       .kind = Kind::kBool,
       .field = BOTMON_FIELD(privacy.mask_users)});
  add({.path = "privacy.storeText",
       .kind = Kind::kBool,
       .field = BOTMON_FIELD(privacy.store_text)});
  add({.path = "privacy.redact", .kind = Kind::kRedactList, .field = BOTMON_FIELD(privacy.redact)});
  add({.path = "collect.mounts", .kind = Kind::kStringList, .field = BOTMON_FIELD(collect.mounts)});
  add({.path = "collect.procRoot",
       .kind = Kind::kString,
       .field = BOTMON_FIELD(collect.proc_root),
       .check = CheckAbsolutePath});
  add({.path = "collect.nvmlLibrary",
       .kind = Kind::kString,
       .field = BOTMON_FIELD(collect.nvml_library)});
  add({.path = "metrics.public", .kind = Kind::kBool, .field = BOTMON_FIELD(metrics.is_public)});
  add({.path = "nodes.staleAfter",
       .kind = Kind::kDuration,
       .field = BOTMON_FIELD(nodes.stale_after_ms),
       .min = kSecondMs,
       .empty_is_derived = true});
  add({.path = "monitoring.enabled",
       .kind = Kind::kBool,
       .field = BOTMON_FIELD(monitoring.enabled),
       .botpress_only = true});
  add({.path = "monitoring.janitorInterval",
       .kind = Kind::kDuration,
       .field = BOTMON_FIELD(monitoring.janitor_interval_ms),
       .min = kSecondMs,
       .empty_is_derived = true,
       .botpress_only = true});
  add({.path = "alerting.watcherInterval",
       .kind = Kind::kDuration,
       .field = BOTMON_FIELD(alerting.watcher_interval_ms),
       .min = kSecondMs,
       .empty_is_derived = true});
  add({.path = "alerting.retentionPeriod",
       .kind = Kind::kDuration,
       .field = BOTMON_FIELD(alerting.retention_period_ms),
       .min = kSecondMs});
  add({.path = "alerting.defaults",
       .kind = Kind::kBoolMap,
       .field = BOTMON_FIELD(alerting.defaults)});
  add({.path = "alerting.enabled",
       .kind = Kind::kBool,
       .field = BOTMON_FIELD(alerting.enabled),
       .botpress_only = true});
  add({.path = "alerting.janitorInterval",
       .kind = Kind::kDuration,
       .field = BOTMON_FIELD(alerting.janitor_interval_ms),
       .min = kSecondMs,
       .empty_is_derived = true,
       .botpress_only = true});
  add({.path = "hooks.dir",
       .kind = Kind::kString,
       .field = BOTMON_FIELD(hooks.dir),
       .empty_is_derived = true});
  add({.path = "hooks.timeout",
       .kind = Kind::kDuration,
       .field = BOTMON_FIELD(hooks.timeout_ms),
       .min = kSecondMs});
  add({.path = "notifications.giveUpAfter",
       .kind = Kind::kDuration,
       .field = BOTMON_FIELD(notifications.give_up_after_ms),
       .min = kSecondMs});
  add({.path = "smtp.host", .kind = Kind::kString, .field = BOTMON_FIELD(smtp.host)});
  add({.path = "smtp.port",
       .kind = Kind::kInt,
       .field = BOTMON_FIELD(smtp.port),
       .min = 1,
       .max = 65535});
  add({.path = "smtp.tls",
       .kind = Kind::kString,
       .field = BOTMON_FIELD(smtp.tls),
       .choices = "none|starttls|smtps"});
  add({.path = "smtp.username", .kind = Kind::kString, .field = BOTMON_FIELD(smtp.username)});
  add({.path = "smtp.password",
       .kind = Kind::kString,
       .field = BOTMON_FIELD(smtp.password),
       .secret = true});
  add({.path = "smtp.from",
       .kind = Kind::kString,
       .field = BOTMON_FIELD(smtp.from),
       .check = CheckNonEmpty});
  add({.path = "sms.provider",
       .kind = Kind::kString,
       .field = BOTMON_FIELD(sms.provider),
       .choices = "twilio|template"});
  add({.path = "sms.baseUrl",
       .kind = Kind::kString,
       .field = BOTMON_FIELD(sms.base_url),
       .check = CheckRequiredHttpUrl});
  add({.path = "sms.accountSid", .kind = Kind::kString, .field = BOTMON_FIELD(sms.account_sid)});
  add({.path = "sms.authToken",
       .kind = Kind::kString,
       .field = BOTMON_FIELD(sms.auth_token),
       .secret = true});
  add({.path = "sms.from", .kind = Kind::kString, .field = BOTMON_FIELD(sms.from)});
  add({.path = "sms.url",
       .kind = Kind::kString,
       .field = BOTMON_FIELD(sms.url),
       .check = CheckHttpUrl});
  add({.path = "sms.body", .kind = Kind::kString, .field = BOTMON_FIELD(sms.body)});
  for (auto [path, field] :
       {std::pair<std::string_view, FieldRef (*)(Config&)>{"channels", BOTMON_FIELD(channels)},
        {"routes", BOTMON_FIELD(routes)},
        {"silences", BOTMON_FIELD(silences)},
        {"maintenance", BOTMON_FIELD(maintenance)},
        {"rules", BOTMON_FIELD(rules)},
        {"checks", BOTMON_FIELD(checks)}}) {
    add({.path = path, .kind = Kind::kItemList, .field = field});
  }
  add({.path = "influx.url",
       .kind = Kind::kString,
       .field = BOTMON_FIELD(influx.url),
       .check = CheckHttpUrl});
  add({.path = "influx.version",
       .kind = Kind::kInt,
       .field = BOTMON_FIELD(influx.version),
       .choices = "1|2"});
  add({.path = "influx.database", .kind = Kind::kString, .field = BOTMON_FIELD(influx.database)});
  add({.path = "influx.org", .kind = Kind::kString, .field = BOTMON_FIELD(influx.org)});
  add({.path = "influx.bucket", .kind = Kind::kString, .field = BOTMON_FIELD(influx.bucket)});
  add({.path = "influx.token",
       .kind = Kind::kString,
       .field = BOTMON_FIELD(influx.token),
       .secret = true});
  add({.path = "cluster.enabled",
       .kind = Kind::kBool,
       .field = BOTMON_FIELD(cluster.enabled),
       .env = "CLUSTER_ENABLED"});
  add({.path = "cluster.redisUrl",
       .kind = Kind::kString,
       .field = BOTMON_FIELD(cluster.redis_url),
       .env = "REDIS_URL",
       .check = CheckRedisUrl});
  add({.path = "tls.cert", .kind = Kind::kString, .field = BOTMON_FIELD(tls.cert)});
  add({.path = "tls.key", .kind = Kind::kString, .field = BOTMON_FIELD(tls.key)});
  add({.path = "auth.sessionIdle",
       .kind = Kind::kDuration,
       .field = BOTMON_FIELD(auth.session_idle_ms),
       .min = kSecondMs});
  add({.path = "auth.sessionMax",
       .kind = Kind::kDuration,
       .field = BOTMON_FIELD(auth.session_max_ms),
       .min = kSecondMs});
  return k;
}

#undef BOTMON_FIELD

std::string Normalize(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '_' || c == '-') continue;
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

}  // namespace

const std::vector<KeySpec>& AllKeys() {
  static const std::vector<KeySpec> keys = BuildKeys();
  return keys;
}

const KeySpec* FindKey(std::string_view path) {
  for (const KeySpec& k : AllKeys()) {
    if (k.path == path) return &k;
  }
  return nullptr;
}

std::vector<std::string> ChildNames(std::string_view prefix) {
  std::vector<std::string> out;
  for (const KeySpec& k : AllKeys()) {
    if (k.botpress_only) continue;
    std::string_view rest = k.path;
    if (!prefix.empty()) {
      if (!StartsWith(rest, prefix) || rest.size() <= prefix.size() || rest[prefix.size()] != '.') {
        continue;
      }
      rest.remove_prefix(prefix.size() + 1);
    }
    std::string name(rest.substr(0, rest.find('.')));
    if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(name);
  }
  return out;
}

bool IsSection(std::string_view path) {
  for (const KeySpec& k : AllKeys()) {
    if (k.botpress_only) continue;
    if (k.path.size() > path.size() && StartsWith(k.path, path) && k.path[path.size()] == '.') {
      return true;
    }
  }
  return false;
}

std::string DidYouMean(std::string_view key, const std::vector<std::string>& candidates) {
  const std::string nkey = Normalize(key);
  std::string best;
  size_t best_distance = 3;
  for (const std::string& c : candidates) {
    const std::string nc = Normalize(c);
    size_t d = EditDistance(nkey, nc);
    // A prefix ("idle" for "idleTimeout") counts as close, ranked after real typos.
    if (d > 2 && nkey.size() >= 3 && StartsWith(nc, nkey)) d = 2;
    if (d < best_distance) {
      best_distance = d;
      best = c;
    }
  }
  return best;
}

std::string DidYouMeanSuffix(std::string_view key, const std::vector<std::string>& candidates) {
  std::string best = DidYouMean(key, candidates);
  return best.empty() ? "" : " (did you mean \"" + best + "\"?)";
}

std::string FlagName(std::string_view path) {
  std::string out = "--";
  for (char c : path) {
    if (std::isupper(static_cast<unsigned char>(c))) {
      out += '-';
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else {
      out += c;
    }
  }
  return out;
}

std::string Origin::Provenance() const {
  switch (source) {
    case Source::kDefault:
      return "default";
    case Source::kEnv:
      return "env";
    case Source::kFlag:
      return "flag";
    case Source::kFile:
      return line > 0 ? file + ":" + std::to_string(line) : file;
  }
  return "default";
}

std::string Origin::Where(std::string_view path) const {
  switch (source) {
    case Source::kDefault:
      return std::string(path);
    case Source::kEnv:
    case Source::kFlag:
      return name;
    case Source::kFile: {
      std::string out = file;
      if (line > 0) out += ":" + std::to_string(line);
      if (line > 0 && col > 0) out += ":" + std::to_string(col);
      return out + ": " + std::string(path);
    }
  }
  return std::string(path);
}

void Problems::Add(std::string line) { lines_.push_back(std::move(line)); }

Status Problems::ToStatus() const {
  if (lines_.empty()) return Status::OK();
  std::string msg;
  for (size_t i = 0; i < lines_.size() && i < kMaxShown; ++i) {
    if (i > 0) msg += '\n';
    msg += lines_[i];
  }
  if (lines_.size() > kMaxShown) {
    msg += "\n... and " + std::to_string(lines_.size() - kMaxShown) + " more problems";
  }
  return Status::InvalidArgument(std::move(msg));
}

std::string Quoted(std::string_view text) {
  std::string out = "\"";
  out.append(text.substr(0, 64));
  if (text.size() > 64) out += "...";
  out += '"';
  return out;
}

std::string JsonTypeName(const nlohmann::json& v) {
  switch (v.type()) {
    case nlohmann::json::value_t::object:
      return "an object";
    case nlohmann::json::value_t::array:
      return "an array";
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

}  // namespace botmon::config_internal
