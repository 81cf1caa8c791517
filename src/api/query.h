// Reading query parameters with the precise 400 `invalid_request` errors of SPEC 9.
// Pure helpers; thread-safe.
#ifndef BOTMON_API_QUERY_H_
#define BOTMON_API_QUERY_H_

#include <cstdint>
#include <optional>
#include <string>

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

// 400 invalid_request with the status's message.
Response BadRequest(const Status& s);
Response InternalError(const Status& s);

}  // namespace botmon

#endif  // BOTMON_API_QUERY_H_
