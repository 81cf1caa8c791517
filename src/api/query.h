// Reading query parameters and JSON bodies with the precise 400 errors of SPEC 9.
// Pure helpers; thread-safe.
#ifndef BOTMON_API_QUERY_H_
#define BOTMON_API_QUERY_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"
#include "http/server.h"

namespace botmon {

// An integer parameter in [lo, hi], or `def` when absent.
StatusOr<int64_t> QueryInt(const Request& req, const char* name, int64_t def, int64_t lo,
                           int64_t hi);
// A time parameter: RFC 3339 or epoch milliseconds; nullopt when absent.
StatusOr<std::optional<int64_t>> QueryTime(const Request& req, const char* name);
// A duration parameter ("24h"); `def` when absent.
StatusOr<int64_t> QueryDuration(const Request& req, const char* name, int64_t def);
// "true"/"false"/"1"/"0"; nullopt when absent.
StatusOr<std::optional<bool>> QueryBool(const Request& req, const char* name);

// The request's body as a JSON object into *out, or the 400 invalid_json reply ("the body must be
// a JSON object", followed by " (" + what + ")" when `what` is given).
std::optional<Response> ReadJsonObject(const Request& req, nlohmann::json* out,
                                       std::string_view what = {});

// 400 invalid_request with the status's message.
Response BadRequest(const Status& s);
Response InternalError(const Status& s);

}  // namespace botmon

#endif  // BOTMON_API_QUERY_H_
