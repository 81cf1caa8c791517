#include "api/query.h"

#include <charconv>

#include "core/duration.h"
#include "core/log.h"
#include "core/time_util.h"

namespace botmon {

StatusOr<int64_t> QueryInt(const Request& req, const char* name, int64_t def, int64_t lo,
                           int64_t hi) {
  auto v = req.Query(name);
  if (!v) return def;
  int64_t n = 0;
  auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
  if (ec != std::errc() || p != v->data() + v->size()) {
    return Status::InvalidArgument(std::string(name) + ": \"" + v->substr(0, 40) +
                                   "\" is not an integer");
  }
  if (n < lo || n > hi) {
    return Status::InvalidArgument(std::string(name) + ": must be between " + std::to_string(lo) +
                                   " and " + std::to_string(hi));
  }
  return n;
}

StatusOr<std::optional<int64_t>> QueryTime(const Request& req, const char* name) {
  auto v = req.Query(name);
  if (!v) return std::optional<int64_t>();
  if (!v->empty() && std::all_of(v->begin(), v->end(), ::isdigit) && v->size() <= 15) {
    return std::optional<int64_t>(std::stoll(*v));
  }
  auto t = ParseRfc3339(*v);
  if (!t.ok()) return t.status().WithPrefix(name);
  return std::optional<int64_t>(*t);
}

StatusOr<int64_t> QueryDuration(const Request& req, const char* name, int64_t def) {
  auto v = req.Query(name);
  if (!v) return def;
  auto d = ParseDuration(*v);
  if (!d.ok()) return d.status().WithPrefix(name);
  return *d;
}

StatusOr<std::optional<bool>> QueryBool(const Request& req, const char* name) {
  auto v = req.Query(name);
  if (!v) return std::optional<bool>();
  if (*v == "true" || *v == "1") return std::optional<bool>(true);
  if (*v == "false" || *v == "0") return std::optional<bool>(false);
  return Status::InvalidArgument(std::string(name) + ": must be true or false");
}

Response BadRequest(const Status& s) {
  return Response::Error(400, "invalid_request", s.message());
}

std::optional<Response> ReadJsonObject(const Request& req, nlohmann::json* out,
                                       std::string_view what) {
  *out = nlohmann::json::parse(req.body, nullptr, false);
  if (out->is_discarded() || !out->is_object()) {
    std::string message = "the body must be a JSON object";
    if (!what.empty()) message += " (" + std::string(what) + ")";
    return Response::Error(400, "invalid_json", message);
  }
  return std::nullopt;
}

Response InternalError(const Status& s) {
  LogEvery("api-internal", spdlog::level::err, "request failed: " + s.ToString());
  if (s.code() == StatusCode::kUnavailable) {
    return Response::Error(503, "unavailable", "the store is busy; try again");
  }
  return Response::Error(500, "internal", "internal error (see the server log)");
}

}  // namespace botmon
