// The HTTP-based check kinds of SPEC 8: qdrant, minio, vault, influxdb, llm and http. Each is
// an HttpDialog: the requests in order, how each reply is parsed, and the status, version and
// key figure computed from the replies (docs/checks.md documents the endpoints and states).
#include <algorithm>
#include <cmath>
#include <string>

#include "core/duration.h"
#include "probe/http_probe.h"
#include "probe/reply_parse.h"

namespace botmon {
namespace {

constexpr size_t kMaxQdrantCollections = 100;

ProbeResult Stopped(std::string error) {
  ProbeResult r;
  r.status = ServiceStatus::kStopped;
  r.error = std::move(error);
  return r;
}

std::string Prefix(const HttpRequest& req) { return req.method + " " + req.path + ": "; }

std::string Answered(const HttpRequest& req, const HttpReply& reply) {
  return Prefix(req) + "answered " + std::to_string(reply.status);
}

// Parses the reply as a JSON object, or sets *result to stopped with the parse error.
bool JsonObject(const HttpRequest& req, const HttpReply& reply, nlohmann::json* out,
                ProbeResult* result) {
  StatusOr<nlohmann::json> j = ParseJsonReply(reply.body);
  if (!j.ok()) {
    *result = Stopped(Prefix(req) + j.status().message());
    return false;
  }
  if (!j->is_object()) {
    *result = Stopped(Prefix(req) + "expected a JSON object");
    return false;
  }
  *out = std::move(*j);
  return true;
}

std::string StringMember(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

// The rate of a cumulative counter since the previous probe, kept in *memory under `key`.
// First probe (or after a counter reset): `first_rate` (< 0 = unknown).
double CounterRate(ProbeMemory* memory, const std::string& key, double value, int64_t now_ms,
                   double first_rate) {
  auto it = memory->last.find(key);
  double rate = first_rate;
  if (it != memory->last.end() && value >= it->second && now_ms > memory->last_at_ms) {
    rate = (value - it->second) * 1000.0 / static_cast<double>(now_ms - memory->last_at_ms);
  }
  memory->last[key] = value;
  memory->last_at_ms = now_ms;
  return rate;
}

// --- qdrant: GET / (version), GET /collections, GET /collections/{name} each ------------------
class QdrantDialog : public HttpDialog {
 public:
  explicit QdrantDialog(const CheckConfig& c) : c_(c) {}
  HttpRequest Start() override { return Get("/"); }
  bool OnReply(const HttpRequest& req, const HttpReply& reply, HttpRequest* next,
               ProbeResult* result) override {
    if (reply.status != 200) {
      *result = Stopped(Answered(req, reply));
      return false;
    }
    nlohmann::json j;
    if (!JsonObject(req, reply, &j, result)) return false;
    if (stage_ == 0) {
      version_ = StringMember(j, "version");
      if (version_.empty()) {
        *result = Stopped(Prefix(req) + "no \"version\" in the reply");
        return false;
      }
      stage_ = 1;
      *next = Get("/collections");
      return true;
    }
    if (stage_ == 1) {
      const nlohmann::json* list =
          EvalJsonPath(j, {{false, "result", 0}, {false, "collections", 0}});
      if (list == nullptr || !list->is_array()) {
        *result = Stopped(Prefix(req) + "no result.collections list in the reply");
        return false;
      }
      for (const nlohmann::json& c : *list) {
        if (c.is_object() && c.contains("name") && c["name"].is_string()) {
          names_.push_back(c["name"].get<std::string>());
        }
      }
      total_collections_ = names_.size();
      if (names_.size() > kMaxQdrantCollections) names_.resize(kMaxQdrantCollections);
      stage_ = 2;
      return NextCollection(next, result);
    }
    const nlohmann::json* res = EvalJsonPath(j, {{false, "result", 0}});
    const nlohmann::json* count = nullptr;
    if (res != nullptr && res->is_object()) {
      for (const char* key : {"points_count", "vectors_count"}) {  // vectors_count: before 1.9
        auto it = res->find(key);
        if (it != res->end() && it->is_number()) {
          count = &*it;
          break;
        }
      }
    }
    if (count == nullptr) {
      *result = Stopped(Prefix(req) + "no result.points_count in the reply");
      return false;
    }
    vectors_ += count->get<double>();
    if (res->value("status", "") == "red") red_.push_back(names_[index_ - 1]);
    return NextCollection(next, result);
  }

 private:
  HttpRequest Get(std::string_view path) {
    HttpRequest r = GetRequest(c_.url, path);
    if (!c_.token.empty()) r.headers.push_back("api-key: " + c_.token);
    return r;
  }
  bool NextCollection(HttpRequest* next, ProbeResult* result) {
    if (index_ < names_.size()) {
      *next = Get("/collections/" + PercentEncode(names_[index_++]));
      return true;
    }
    result->status = ServiceStatus::kRunning;
    result->version = version_;
    result->figure = FormatCount(vectors_) + " vectors";
    if (total_collections_ > names_.size()) {
      result->figure += " (first " + std::to_string(names_.size()) + " of " +
                        std::to_string(total_collections_) + " collections)";
    }
    result->details = {{"vectors", vectors_},
                       {"collections", static_cast<double>(total_collections_)}};
    if (!red_.empty()) {
      result->status = ServiceStatus::kWarning;
      result->error = "collection " + red_.front() + " is red";
    }
    return false;
  }

  CheckConfig c_;
  int stage_ = 0;
  std::string version_;
  std::vector<std::string> names_;
  std::vector<std::string> red_;
  size_t total_collections_ = 0;
  size_t index_ = 0;
  double vectors_ = 0;
};

// --- minio: GET /minio/health/live, GET /minio/v2/metrics/cluster ---------------------------
class MinioDialog : public HttpDialog {
 public:
  explicit MinioDialog(const CheckConfig& c) : c_(c) {}
  HttpRequest Start() override { return GetRequest(c_.url, "/minio/health/live"); }
  bool OnReply(const HttpRequest& req, const HttpReply& reply, HttpRequest* next,
               ProbeResult* result) override {
    if (!live_) {
      if (reply.status != 200) {
        *result = Stopped(Answered(req, reply));
        return false;
      }
      live_ = true;
      *next = GetRequest(c_.url, "/minio/v2/metrics/cluster");
      if (!c_.token.empty()) next->headers.push_back("Authorization: Bearer " + c_.token);
      return true;
    }
    result->status = ServiceStatus::kRunning;
    if (reply.status == 401 || reply.status == 403) {
      result->figure = "no metrics access (" + std::to_string(reply.status) + ")";
      return false;
    }
    if (reply.status != 200) {
      *result = Stopped(Answered(req, reply));
      return false;
    }
    StatusOr<std::vector<PromSample>> samples = ParsePrometheusText(reply.body);
    if (!samples.ok()) {
      *result = Stopped(Prefix(req) + samples.status().message());
      return false;
    }
    double bytes = 0, cluster_bytes = -1;
    int buckets = 0;
    for (const PromSample& s : *samples) {
      if (s.name == "minio_bucket_usage_total_bytes") {
        bytes += s.value;
        ++buckets;
      } else if (s.name == "minio_cluster_usage_total_bytes") {
        cluster_bytes = s.value;
      } else if (s.name == "minio_software_version_info" && result->version.empty()) {
        result->version = s.Label("version");
        if (result->version.rfind("RELEASE.", 0) == 0) result->version.erase(0, 8);
      }
    }
    if (buckets == 0 && cluster_bytes >= 0) bytes = cluster_bytes;
    result->figure = FormatBytes(bytes) + " stored";
    result->details = {{"bytesStored", bytes}, {"buckets", buckets}};
    return false;
  }

 private:
  CheckConfig c_;
  bool live_ = false;
};

// --- vault: GET /v1/sys/health; with a token, LIST /v1/secret/metadata (KV v2 "secret/") ----
class VaultDialog : public HttpDialog {
 public:
  explicit VaultDialog(const CheckConfig& c) : c_(c) {}
  HttpRequest Start() override { return GetRequest(c_.url, "/v1/sys/health"); }
  bool OnReply(const HttpRequest& req, const HttpReply& reply, HttpRequest* next,
               ProbeResult* result) override {
    if (listing_) return OnList(req, reply, result);
    ProbeResult& r = health_;
    switch (reply.status) {
      case 200:
        r.status = ServiceStatus::kRunning;
        r.figure = "unsealed";
        break;
      case 429:
        r.status = ServiceStatus::kWarning;
        r.figure = "unsealed";
        r.error = "standby";
        break;
      case 472:
        r.status = ServiceStatus::kWarning;
        r.figure = "unsealed";
        r.error = "disaster-recovery secondary";
        break;
      case 473:
        r.status = ServiceStatus::kWarning;
        r.figure = "unsealed";
        r.error = "performance standby";
        break;
      case 501:
        r.status = ServiceStatus::kStopped;
        r.figure = "not initialised";
        r.error = "not initialised";
        break;
      case 503:
        r.status = ServiceStatus::kSealed;
        r.figure = "sealed";
        r.error = "sealed";
        break;
      default:
        *result = Stopped(Answered(req, reply));
        return false;
    }
    nlohmann::json j;
    if (!JsonObject(req, reply, &j, result)) return false;
    auto sealed = j.find("sealed");
    if (sealed == j.end() || !sealed->is_boolean()) {
      *result = Stopped(Prefix(req) + "no \"sealed\" in the reply");
      return false;
    }
    r.version = StringMember(j, "version");
    r.details = {{"sealed", sealed->get<bool>() ? 1 : 0},
                 {"standby", j.value("standby", false) ? 1 : 0}};
    bool unsealed = reply.status == 200 || reply.status == 429 || reply.status == 473;
    if (c_.token.empty() || !unsealed) {
      *result = r;
      return false;
    }
    listing_ = true;
    *next = GetRequest(c_.url, "/v1/secret/metadata?list=true");
    next->path = "LIST /v1/secret/metadata";
    next->headers.push_back("X-Vault-Token: " + c_.token);
    return true;
  }

 private:
  bool OnList(const HttpRequest& req, const HttpReply& reply, ProbeResult* result) {
    *result = health_;
    if (reply.status == 404) {  // Vault answers 404 for an empty list
      result->figure = "0 secrets";
      result->details["secrets"] = 0;
      return false;
    }
    if (reply.status != 200) return false;  // no list rights: the seal state stays the figure
    nlohmann::json j;
    if (!JsonObject(req, reply, &j, result)) return false;
    const nlohmann::json* keys = EvalJsonPath(j, {{false, "data", 0}, {false, "keys", 0}});
    if (keys == nullptr || !keys->is_array()) {
      *result = Stopped(Prefix(req) + "no data.keys list in the reply");
      return false;
    }
    result->figure = FormatCount(static_cast<double>(keys->size())) +
                     (keys->size() == 1 ? " secret" : " secrets");
    result->details["secrets"] = static_cast<double>(keys->size());
    return false;
  }

  CheckConfig c_;
  bool listing_ = false;
  ProbeResult health_;
};

// --- influxdb: v1 GET /ping + /debug/vars; v2 GET /health + /metrics -------------------------
class InfluxDialog : public HttpDialog {
 public:
  InfluxDialog(const CheckConfig& c, ProbeMemory* memory) : c_(c), memory_(memory) {}
  HttpRequest Start() override {
    if (c_.influx_version == 2) return V2Health();
    HttpRequest r = GetRequest(c_.url, "/ping");
    r.basic_auth = true;
    return r;
  }
  bool OnReply(const HttpRequest& req, const HttpReply& reply, HttpRequest* next,
               ProbeResult* result) override {
    if (req.path == "/ping") return OnPing(req, reply, next, result);
    if (req.path == "/health") return OnHealth(req, reply, next, result);
    // The statistics: /debug/vars (v1) or /metrics (v2).
    *result = base_;
    if (reply.status == 401 || reply.status == 403) {
      result->figure = "no stats access (" + std::to_string(reply.status) + ")";
      return false;
    }
    if (reply.status != 200) {
      *result = Stopped(Answered(req, reply));
      return false;
    }
    double points = 0, first_rate = -1;
    std::string key;
    if (req.path == "/debug/vars") {
      nlohmann::json j;
      if (!JsonObject(req, reply, &j, result)) return false;
      const nlohmann::json* req_points =
          EvalJsonPath(j, {{false, "write", 0}, {false, "values", 0}, {false, "pointReq", 0}});
      if (req_points == nullptr || !req_points->is_number()) {
        *result = Stopped(Prefix(req) + "no write.values.pointReq in the reply");
        return false;
      }
      points = req_points->get<double>();
      key = "pointReq";
      const nlohmann::json* up = EvalJsonPath(j, {{false, "system", 0}, {false, "uptime", 0}});
      if (up != nullptr && up->is_number()) {  // seconds; the average since start, first probe
        first_rate = points / std::max(up->get<double>(), 1.0);
      }
    } else {
      StatusOr<std::vector<PromSample>> samples = ParsePrometheusText(reply.body);
      if (!samples.ok()) {
        *result = Stopped(Prefix(req) + samples.status().message());
        return false;
      }
      bool found = false;
      for (const PromSample& s : *samples) {
        if (s.name == "storage_writer_ok_points" || s.name == "storage_writer_ok_points_total") {
          points += s.value;
          found = true;
        }
      }
      if (!found) return false;  // no write counter exposed: no figure
      key = "okPoints";
    }
    double rate = CounterRate(memory_, key, points, reply.now_ms, first_rate);
    result->details[key] = points;
    if (rate >= 0) {
      result->figure = FormatRate(rate) + " pts/sec";
      result->details["pointsPerSec"] = rate;
    }
    return false;
  }

 private:
  HttpRequest V2Health() { return GetRequest(c_.url, "/health"); }

  bool OnPing(const HttpRequest& req, const HttpReply& reply, HttpRequest* next,
              ProbeResult* result) {
    if (reply.status == 404 && c_.influx_version == 0) {  // answers /health only: v2
      *next = V2Health();
      return true;
    }
    if (reply.status != 204 && reply.status != 200) {
      *result = Stopped(Answered(req, reply));
      return false;
    }
    std::string v = reply.Header("x-influxdb-version");
    if (v.empty()) {
      *result = Stopped(Prefix(req) + "no X-Influxdb-Version header in the reply");
      return false;
    }
    if (v[0] == 'v') v.erase(0, 1);
    if (c_.influx_version == 0 && v[0] >= '2' && v[0] <= '9') {
      *next = V2Health();
      return true;
    }
    base_.status = ServiceStatus::kRunning;
    base_.version = v;
    *next = GetRequest(c_.url, "/debug/vars");
    next->basic_auth = true;
    return true;
  }

  bool OnHealth(const HttpRequest& req, const HttpReply& reply, HttpRequest* next,
                ProbeResult* result) {
    if (reply.status != 200 && reply.status != 503) {
      *result = Stopped(Answered(req, reply));
      return false;
    }
    nlohmann::json j;
    if (!JsonObject(req, reply, &j, result)) return false;
    std::string status = StringMember(j, "status");
    if (status.empty()) {
      *result = Stopped(Prefix(req) + "no \"status\" in the reply");
      return false;
    }
    if (status != "pass" || reply.status != 200) {
      std::string msg = StringMember(j, "message");
      *result = Stopped(Prefix(req) + "status " + status + (msg.empty() ? "" : ": " + msg));
      return false;
    }
    base_.status = ServiceStatus::kRunning;
    base_.version = StringMember(j, "version");
    if (!base_.version.empty() && base_.version[0] == 'v') base_.version.erase(0, 1);
    *next = GetRequest(c_.url, "/metrics");
    if (!c_.token.empty()) next->headers.push_back("Authorization: Token " + c_.token);
    return true;
  }

  CheckConfig c_;
  ProbeMemory* memory_;
  ProbeResult base_;
};

// --- llm: GET /v1/models, GET /version (optional), optional streamed one-token completion ----
class LlmDialog : public HttpDialog {
 public:
  explicit LlmDialog(const CheckConfig& c) : c_(c) {}
  HttpRequest Start() override { return Authed(GetRequest(c_.url, "/v1/models")); }
  bool OnReply(const HttpRequest& req, const HttpReply& reply, HttpRequest* next,
               ProbeResult* result) override {
    if (req.path == "/v1/models") {
      if (reply.status != 200) {
        *result = Stopped(Answered(req, reply));
        return false;
      }
      nlohmann::json j;
      if (!JsonObject(req, reply, &j, result)) return false;
      auto data = j.find("data");
      if (data == j.end() || !data->is_array()) {
        *result = Stopped(Prefix(req) + "no \"data\" list in the reply");
        return false;
      }
      r_.status = ServiceStatus::kRunning;
      r_.details["models"] = static_cast<double>(data->size());
      std::string first = data->empty() ? "" : StringMember((*data)[0], "id");
      if (first.empty()) {
        r_.status = ServiceStatus::kWarning;
        r_.error = "no model listed";
        r_.figure = "no models";
      } else {
        r_.figure = first + " active";
      }
      *next = Authed(GetRequest(c_.url, "/version"));
      return true;
    }
    if (req.path == "/version") {
      // Optional: many servers do not expose it (404, or an HTML page). A version is taken only
      // from a 200 JSON object with a string "version".
      if (reply.status == 200) {
        StatusOr<nlohmann::json> j = ParseJsonReply(reply.body);
        if (j.ok() && j->is_object()) r_.version = StringMember(*j, "version");
      }
      return Completion(next, result);
    }
    // The completion: time to first token.
    *result = r_;
    if (reply.status != 200) {
      result->status = ServiceStatus::kWarning;
      result->error = Answered(req, reply);
      return false;
    }
    size_t data = reply.body.find("data:");
    if (data == std::string::npos) {
      *result = Stopped(Prefix(req) + "not an event stream (no \"data:\" line)");
      return false;
    }
    size_t eol = reply.body.find('\n', data);
    std::string payload =
        reply.body.substr(data + 5, eol == std::string::npos ? eol : eol - data - 5);
    while (!payload.empty() && (payload[0] == ' ')) payload.erase(0, 1);
    while (!payload.empty() && (payload.back() == '\r' || payload.back() == ' '))
      payload.pop_back();
    if (payload != "[DONE]") {
      StatusOr<nlohmann::json> j = ParseJsonReply(payload);
      if (!j.ok()) {
        *result = Stopped(Prefix(req) + "first event " + j.status().message());
        return false;
      }
    }
    result->details["ttftMs"] = reply.first_byte_ms >= 0 ? reply.first_byte_ms : reply.elapsed_ms;
    return false;
  }
  bool OnFailure(const HttpRequest& req, const std::string& error, HttpRequest* next,
                 ProbeResult* result) override {
    if (req.path == "/version") return Completion(next, result);  // optional
    if (req.path == "/v1/models") return HttpDialog::OnFailure(req, error, next, result);
    *result = r_;
    result->status = ServiceStatus::kWarning;
    result->error = error;
    return false;
  }

 private:
  HttpRequest Authed(HttpRequest r) {
    if (!c_.token.empty()) r.headers.push_back("Authorization: Bearer " + c_.token);
    return r;
  }
  bool Completion(HttpRequest* next, ProbeResult* result) {
    if (c_.ttft_model.empty() || r_.status != ServiceStatus::kRunning) {
      *result = r_;
      return false;
    }
    *next = Authed(GetRequest(c_.url, "/v1/chat/completions"));
    next->method = "POST";
    next->headers.push_back("Content-Type: application/json");
    nlohmann::json body = {{"model", c_.ttft_model},
                           {"messages", {{{"role", "user"}, {"content", "ping"}}}},
                           {"max_tokens", 1},
                           {"stream", true}};
    next->body = body.dump();
    return true;
  }

  CheckConfig c_;
  ProbeResult r_;
};

// --- http: any URL, with expect {status, bodyContains, jsonPath, equals} ---------------------
class PlainHttpDialog : public HttpDialog {
 public:
  explicit PlainHttpDialog(const CheckConfig& c) : c_(c) {}
  HttpRequest Start() override {
    HttpRequest r;
    r.url = c_.url;
    r.path = PathOf(c_.url);
    r.basic_auth = true;
    if (!c_.token.empty()) r.headers.push_back("Authorization: Bearer " + c_.token);
    return r;
  }
  bool OnReply(const HttpRequest& req, const HttpReply& reply, HttpRequest*,
               ProbeResult* result) override {
    const CheckExpect& e = c_.expect;
    result->details["status"] = reply.status;
    if (e.status ? reply.status != *e.status : (reply.status < 200 || reply.status >= 400)) {
      *result = Stopped(Prefix(req) + "answered " + std::to_string(reply.status) +
                        (e.status ? ", expected " + std::to_string(*e.status) : ""));
      return false;
    }
    if (!e.body_contains.empty() && reply.body.find(e.body_contains) == std::string::npos) {
      *result = Stopped(Prefix(req) + "the reply does not contain \"" + e.body_contains + "\"");
      return false;
    }
    if (!e.json_path.empty()) {
      StatusOr<std::vector<JsonPathStep>> steps = ParseJsonPath(e.json_path);
      StatusOr<nlohmann::json> j = ParseJsonReply(reply.body);
      if (!steps.ok() || !j.ok()) {
        *result = Stopped(Prefix(req) + (!j.ok() ? j.status() : steps.status()).message());
        return false;
      }
      const nlohmann::json* v = EvalJsonPath(*j, *steps);
      if (v == nullptr) {
        *result = Stopped(Prefix(req) + e.json_path + " is not in the reply");
        return false;
      }
      if (e.equals && JsonValueText(*v) != *e.equals) {
        std::string got = JsonValueText(*v).substr(0, 100);
        *result = Stopped(Prefix(req) + e.json_path + " is \"" + got + "\", expected \"" +
                          *e.equals + "\"");
        return false;
      }
    }
    result->status = ServiceStatus::kRunning;
    result->latency_ms = reply.elapsed_ms;
    result->figure = std::to_string(std::llround(reply.elapsed_ms)) + " ms";
    return false;
  }

 private:
  static std::string PathOf(const std::string& url) {
    size_t scheme = url.find("://");
    size_t slash = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
    if (slash == std::string::npos) return "/";
    std::string p = url.substr(slash);
    size_t q = p.find('?');
    return q == std::string::npos ? p : p.substr(0, q);
  }
  CheckConfig c_;
};

}  // namespace

std::unique_ptr<ProbeOp> StartHttpKindProbe(const CheckConfig& check, ProbeMemory* memory,
                                            int64_t now_ms) {
  std::unique_ptr<HttpDialog> d;
  switch (check.kind) {
    case CheckKind::kQdrant:
      d = std::make_unique<QdrantDialog>(check);
      break;
    case CheckKind::kMinio:
      d = std::make_unique<MinioDialog>(check);
      break;
    case CheckKind::kVault:
      d = std::make_unique<VaultDialog>(check);
      break;
    case CheckKind::kInfluxdb:
      d = std::make_unique<InfluxDialog>(check, memory);
      break;
    case CheckKind::kLlm:
      d = std::make_unique<LlmDialog>(check);
      break;
    default:
      d = std::make_unique<PlainHttpDialog>(check);
      break;
  }
  return StartHttpDialog(check, std::move(d), now_ms);
}

}  // namespace botmon
