#include "probe/check_config.h"

#include <curl/curl.h>

#include <algorithm>
#include <map>
#include <set>

#include "config/keys.h"
#include "core/duration.h"
#include "probe/reply_parse.h"

namespace botmon {
namespace {

struct KindInfo {
  CheckKind kind;
  const char* name;
  const char* schemes;  // accepted URL schemes, comma-separated
  bool basic_auth;      // username/password used
  bool token;           // token used
  bool tls;             // insecureSkipVerify meaningful
};

constexpr KindInfo kKinds[] = {
    {CheckKind::kPostgresql, "postgresql", "postgresql,postgres", true, false, true},
    // No rediss://: the Redis probe speaks plain RESP (Debian's hiredis 0.14 has no TLS).
    {CheckKind::kRedis, "redis", "redis", true, false, false},
    {CheckKind::kQdrant, "qdrant", "http,https", false, true, true},
    {CheckKind::kMinio, "minio", "http,https", false, true, true},
    {CheckKind::kVault, "vault", "http,https", false, true, true},
    {CheckKind::kInfluxdb, "influxdb", "http,https", true, true, true},
    {CheckKind::kLlm, "llm", "http,https", false, true, true},
    {CheckKind::kHttp, "http", "http,https", true, true, true},
    {CheckKind::kTcp, "tcp", "tcp", false, false, false},
};

const KindInfo& InfoOf(CheckKind k) {
  for (const KindInfo& i : kKinds) {
    if (i.kind == k) return i;
  }
  return kKinds[std::size(kKinds) - 1];
}

const std::vector<std::string>& KnownKeys() {
  static const std::vector<std::string> keys = {
      "name",      "kind",     "url",      "interval", "timeout", "connectTimeout",     "retries",
      "warnAfter", "label",    "username", "password", "token",   "insecureSkipVerify", "expect",
      "version",   "ttftModel"};
  return keys;
}

const std::vector<std::string>& ExpectKeys() {
  static const std::vector<std::string> keys = {"status", "bodyContains", "jsonPath", "equals"};
  return keys;
}

bool ValidName(std::string_view n) {
  if (n.empty() || n.size() > kMaxCheckName) return false;
  for (size_t i = 0; i < n.size(); ++i) {
    char c = n[i];
    bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!alnum && (i == 0 || (c != '_' && c != '-' && c != '.'))) return false;
  }
  return true;
}

// Collects the problems of one item; each message is prefixed with the item's position.
class ItemParser {
 public:
  ItemParser(const RawItem& item, size_t index, std::vector<std::string>* problems)
      : item_(item), problems_(problems) {
    where_ = item.file;
    if (!where_.empty() && item.line > 0) where_ += ":" + std::to_string(item.line);
    if (!where_.empty()) where_ += ": ";
    where_ += "checks[" + std::to_string(index) + "]";
  }

  void Problem(std::string_view key, const std::string& msg) {
    std::string line = where_;
    if (!key.empty()) line += "." + std::string(key);
    problems_->push_back(line + ": " + msg);
    ok_ = false;
  }
  bool ok() const { return ok_; }
  std::string origin() const {
    return item_.line > 0 ? item_.file + ":" + std::to_string(item_.line) : item_.file;
  }

  // Reads an optional string; false when absent or wrong.
  bool String(const nlohmann::json& obj, std::string_view key, size_t max, std::string* out,
              std::string_view path = {}) {
    auto it = obj.find(std::string(key));
    if (it == obj.end() || it->is_null()) return false;
    std::string p = path.empty() ? std::string(key) : std::string(path);
    if (!it->is_string()) {
      Problem(p, "expected a string, got " + TypeOf(*it) +
                     (it->is_number() ? " (quote it: \"" + it->dump() + "\")" : ""));
      return false;
    }
    const std::string& s = it->get_ref<const std::string&>();
    if (s.size() > max) {
      Problem(p, "longer than " + std::to_string(max) + " characters");
      return false;
    }
    *out = s;
    return true;
  }

  bool Duration(const nlohmann::json& obj, std::string_view key, int64_t* out) {
    auto it = obj.find(std::string(key));
    if (it == obj.end() || it->is_null()) return false;
    if (!it->is_string()) {
      Problem(key, it->dump() + " is not a duration: durations are strings like 2m");
      return false;
    }
    StatusOr<int64_t> d = ParseDuration(it->get<std::string>());
    if (!d.ok()) {
      Problem(key, d.status().message());
      return false;
    }
    *out = *d;
    return true;
  }

  bool Int(const nlohmann::json& obj, std::string_view key, int64_t lo, int64_t hi, int64_t* out,
           std::string_view path = {}) {
    auto it = obj.find(std::string(key));
    if (it == obj.end() || it->is_null()) return false;
    std::string p = path.empty() ? std::string(key) : std::string(path);
    if (!it->is_number_integer()) {
      Problem(p, "expected an integer, got " + TypeOf(*it));
      return false;
    }
    int64_t v = it->get<int64_t>();
    if (v < lo || v > hi) {
      Problem(p, std::to_string(v) + " is out of range " + std::to_string(lo) + ".." +
                     std::to_string(hi));
      return false;
    }
    *out = v;
    return true;
  }

  static std::string TypeOf(const nlohmann::json& v) {
    if (v.is_string()) return "a string";
    if (v.is_boolean()) return "a boolean";
    if (v.is_number()) return "a number";
    if (v.is_array()) return "a list";
    if (v.is_object()) return "a map";
    return "null";
  }

 private:
  const RawItem& item_;
  std::vector<std::string>* problems_;
  std::string where_;
  bool ok_ = true;
};

bool SchemeAllowed(const KindInfo& info, std::string_view scheme) {
  std::string_view list = info.schemes;
  while (!list.empty()) {
    size_t comma = list.find(',');
    std::string_view s = list.substr(0, comma);
    if (s == scheme) return true;
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return false;
}

// Checks the URL's syntax with libcurl's parser: scheme for the kind, a host, a port for tcp.
std::string CheckUrl(const KindInfo& info, const std::string& url) {
  if (url.empty()) return "required";
  if (url.size() > kMaxCheckUrl)
    return "longer than " + std::to_string(kMaxCheckUrl) + " characters";
  for (unsigned char c : url) {
    if (c <= ' ' || c == 0x7f) return "must not contain spaces or control characters";
  }
  size_t colon = url.find("://");
  std::string scheme = colon == std::string::npos ? "" : url.substr(0, colon);
  std::transform(scheme.begin(), scheme.end(), scheme.begin(), ::tolower);
  if (info.kind == CheckKind::kRedis && scheme == "rediss") {
    return "rediss:// (TLS) is not supported by the Redis check; use redis://";
  }
  if (!SchemeAllowed(info, scheme)) {
    std::string want = info.schemes;
    std::replace(want.begin(), want.end(), ',', '/');
    return "kind " + std::string(info.name) + " needs a " + want + ":// URL";
  }
  CURLU* u = curl_url();
  CURLUcode rc = curl_url_set(u, CURLUPART_URL, url.c_str(), CURLU_NON_SUPPORT_SCHEME);
  std::string err;
  if (rc != CURLUE_OK) {
    err = std::string("not a valid URL (") + curl_url_strerror(rc) + ")";
  } else {
    char* host = nullptr;
    if (curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK || host == nullptr || !*host) {
      err = "needs a host";
    }
    curl_free(host);
    char* port = nullptr;
    if (err.empty() && info.kind == CheckKind::kTcp &&
        curl_url_get(u, CURLUPART_PORT, &port, 0) != CURLUE_OK) {
      err = "needs a port (tcp://host:port)";
    }
    curl_free(port);
  }
  curl_url_cleanup(u);
  return err;
}

void ParseExpect(ItemParser* p, const nlohmann::json& e, CheckConfig* c) {
  if (!e.is_object()) {
    p->Problem("expect", "expected a map with status, bodyContains, jsonPath, equals");
    return;
  }
  for (const auto& [k, v] : e.items()) {
    if (std::find(ExpectKeys().begin(), ExpectKeys().end(), k) == ExpectKeys().end()) {
      p->Problem("expect." + k, "unknown key" + config_internal::DidYouMeanSuffix(k, ExpectKeys()));
    }
  }
  int64_t status = 0;
  if (p->Int(e, "status", 100, 599, &status, "expect.status"))
    c->expect.status = static_cast<int>(status);
  p->String(e, "bodyContains", kMaxBodyContains, &c->expect.body_contains, "expect.bodyContains");
  if (p->String(e, "jsonPath", kMaxJsonPathText, &c->expect.json_path, "expect.jsonPath")) {
    StatusOr<std::vector<JsonPathStep>> steps = ParseJsonPath(c->expect.json_path);
    if (!steps.ok()) p->Problem("expect.jsonPath", steps.status().message());
  }
  if (auto it = e.find("equals"); it != e.end()) {
    if (it->is_object() || it->is_array()) {
      p->Problem("expect.equals", "expected a string, number, boolean or null");
    } else if (it->is_string() && it->get_ref<const std::string&>().size() > kMaxBodyContains) {
      p->Problem("expect.equals",
                 "longer than " + std::to_string(kMaxBodyContains) + " characters");
    } else if (c->expect.json_path.empty()) {
      p->Problem("expect.equals", "needs expect.jsonPath");
    } else {
      c->expect.equals = JsonValueText(*it);
    }
  }
}

std::optional<CheckConfig> ParseOne(const RawItem& item, size_t index,
                                    std::vector<std::string>* problems) {
  ItemParser p(item, index, problems);
  const nlohmann::json& v = item.value;
  if (!v.is_object()) {
    p.Problem("", "expected a map like {kind: redis, url: \"redis://127.0.0.1:6379\"}");
    return std::nullopt;
  }
  for (const auto& [k, val] : v.items()) {
    if (std::find(KnownKeys().begin(), KnownKeys().end(), k) == KnownKeys().end()) {
      p.Problem(k, "unknown key" + config_internal::DidYouMeanSuffix(k, KnownKeys()));
    }
  }
  CheckConfig c;
  c.origin = p.origin();
  std::string kind_text;
  if (!p.String(v, "kind", 32, &kind_text)) {
    if (v.find("kind") == v.end() || v["kind"].is_null()) {
      p.Problem("kind",
                "required (postgresql, redis, qdrant, minio, vault, influxdb, llm, http, tcp)");
    }
    return std::nullopt;
  }
  std::optional<CheckKind> kind = ParseCheckKind(kind_text);
  if (!kind) {
    p.Problem("kind", "\"" + kind_text +
                          "\" is not a check kind (postgresql, redis, qdrant, minio, vault, "
                          "influxdb, llm, http, tcp)");
    return std::nullopt;
  }
  c.kind = *kind;
  const KindInfo& info = InfoOf(c.kind);

  c.name = DefaultCheckName(c.kind);
  if (p.String(v, "name", 1000, &c.name) && !ValidName(c.name)) {
    p.Problem("name", "\"" + c.name.substr(0, kMaxCheckName) +
                          "\" must be 1-64 letters, digits, '_', '-' or '.', starting with a "
                          "letter or digit");
  }
  if (!p.String(v, "label", kMaxCheckLabel, &c.label)) c.label = DefaultCheckLabel(c.kind, c.name);
  if (c.label.empty()) p.Problem("label", "must not be empty");

  if (p.String(v, "url", kMaxCheckUrl * 2, &c.url) || v.find("url") == v.end() ||
      v["url"].is_null()) {
    if (std::string err = CheckUrl(info, c.url); !err.empty()) p.Problem("url", err);
  }

  bool has_interval = p.Duration(v, "interval", &c.interval_ms);
  if (has_interval && (c.interval_ms < kMinCheckInterval || c.interval_ms > kMaxCheckInterval)) {
    p.Problem("interval", "must be between 1s and 24h");
  }
  if (p.Duration(v, "timeout", &c.timeout_ms)) {
    if (c.timeout_ms < kMinCheckTimeout || c.timeout_ms > kMaxCheckTimeout) {
      p.Problem("timeout", "must be between 100ms and 5m");
    } else if (c.timeout_ms > c.interval_ms) {
      p.Problem("timeout", FormatDuration(c.timeout_ms) + " is longer than the interval (" +
                               FormatDuration(c.interval_ms) + ")");
    }
  } else {
    c.timeout_ms = std::min<int64_t>(c.timeout_ms, c.interval_ms);
  }
  if (p.Duration(v, "connectTimeout", &c.connect_timeout_ms)) {
    if (c.connect_timeout_ms < kMinCheckTimeout) {
      p.Problem("connectTimeout", "must be at least 100ms");
    } else if (c.connect_timeout_ms > c.timeout_ms) {
      p.Problem("connectTimeout", FormatDuration(c.connect_timeout_ms) +
                                      " is longer than the timeout (" +
                                      FormatDuration(c.timeout_ms) + ")");
    }
  } else {
    c.connect_timeout_ms = std::min(c.connect_timeout_ms, c.timeout_ms);
  }
  int64_t retries = c.retries;
  if (p.Int(v, "retries", 0, kMaxCheckRetries, &retries)) c.retries = static_cast<int>(retries);
  if (p.Duration(v, "warnAfter", &c.warn_after_ms) && c.warn_after_ms >= c.timeout_ms) {
    p.Problem("warnAfter", FormatDuration(c.warn_after_ms) + " must be below the timeout (" +
                               FormatDuration(c.timeout_ms) + ")");
  }

  bool has_user = p.String(v, "username", kMaxCheckSecret, &c.username);
  bool has_pw = p.String(v, "password", kMaxCheckSecret, &c.password);
  bool has_token = p.String(v, "token", kMaxCheckSecret, &c.token);
  if (!info.basic_auth && (has_user || has_pw)) {
    p.Problem(has_user ? "username" : "password", std::string("not used by kind ") + info.name +
                                                      (info.token ? " (it takes a token)" : ""));
  }
  if (!info.token && has_token) {
    p.Problem("token", std::string("not used by kind ") + info.name +
                           (info.basic_auth ? " (it takes username/password)" : ""));
  }
  if (auto it = v.find("insecureSkipVerify"); it != v.end() && !it->is_null()) {
    if (!it->is_boolean()) {
      p.Problem("insecureSkipVerify", "expected true or false, got " + ItemParser::TypeOf(*it));
    } else if (!info.tls) {
      p.Problem("insecureSkipVerify", std::string("not used by kind ") + info.name);
    } else {
      c.insecure_skip_verify = it->get<bool>();
    }
  }
  if (auto it = v.find("expect"); it != v.end() && !it->is_null()) {
    if (c.kind != CheckKind::kHttp) {
      p.Problem("expect", "only kind http takes expect");
    } else {
      ParseExpect(&p, *it, &c);
    }
  }
  int64_t version = 0;
  if (v.find("version") != v.end()) {
    if (c.kind != CheckKind::kInfluxdb) {
      p.Problem("version", "only kind influxdb takes version");
    } else if (p.Int(v, "version", 1, 2, &version)) {
      c.influx_version = static_cast<int>(version);
    }
  }
  if (v.find("ttftModel") != v.end()) {
    if (c.kind != CheckKind::kLlm) {
      p.Problem("ttftModel", "only kind llm takes ttftModel");
    } else {
      p.String(v, "ttftModel", 256, &c.ttft_model);
    }
  }
  if (!p.ok()) return std::nullopt;
  return c;
}

}  // namespace

std::string_view CheckKindName(CheckKind kind) { return InfoOf(kind).name; }

std::optional<CheckKind> ParseCheckKind(std::string_view name) {
  for (const KindInfo& i : kKinds) {
    if (name == i.name) return i.kind;
  }
  return std::nullopt;
}

std::string DefaultCheckName(CheckKind kind) {
  return kind == CheckKind::kLlm ? "botmodels" : std::string(CheckKindName(kind));
}

std::string DefaultCheckLabel(CheckKind kind, const std::string& name) {
  if (kind == CheckKind::kRedis) return "Cache";
  if (kind == CheckKind::kLlm) return "BotModels";
  return name;
}

StatusOr<std::vector<CheckConfig>> ParseChecks(const std::vector<RawItem>& items) {
  std::vector<std::string> problems;
  std::vector<CheckConfig> out;
  if (items.size() > kMaxChecks) {
    return Status::InvalidArgument("checks: more than " + std::to_string(kMaxChecks) + " checks");
  }
  std::map<std::string, size_t> seen;  // name -> index
  for (size_t i = 0; i < items.size(); ++i) {
    std::optional<CheckConfig> c = ParseOne(items[i], i, &problems);
    if (!c) continue;
    auto [it, inserted] = seen.emplace(c->name, i);
    if (!inserted) {
      std::string where = items[i].file;
      if (!where.empty() && items[i].line > 0) where += ":" + std::to_string(items[i].line);
      if (!where.empty()) where += ": ";
      problems.push_back(where + "checks[" + std::to_string(i) + "].name: \"" + c->name +
                         "\" is also the name of checks[" + std::to_string(it->second) +
                         "] (give each check its own name)");
      continue;
    }
    out.push_back(std::move(*c));
  }
  if (!problems.empty()) {
    std::string msg;
    for (const std::string& p : problems) msg += (msg.empty() ? "" : "\n") + p;
    return Status::InvalidArgument(msg);
  }
  return out;
}

bool SameProbe(const CheckConfig& a, const CheckConfig& b) {
  return a.name == b.name && a.kind == b.kind && a.url == b.url && a.interval_ms == b.interval_ms &&
         a.timeout_ms == b.timeout_ms && a.connect_timeout_ms == b.connect_timeout_ms &&
         a.retries == b.retries && a.warn_after_ms == b.warn_after_ms && a.username == b.username &&
         a.password == b.password && a.token == b.token &&
         a.insecure_skip_verify == b.insecure_skip_verify && a.expect.status == b.expect.status &&
         a.expect.body_contains == b.expect.body_contains &&
         a.expect.json_path == b.expect.json_path && a.expect.equals == b.expect.equals &&
         a.influx_version == b.influx_version && a.ttft_model == b.ttft_model;
}

}  // namespace botmon
