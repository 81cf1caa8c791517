// The `checks:` section of botmon.yaml (SPEC 8) -> CheckConfig values: every key, its type,
// defaults, limits, and precise error messages ("botmon.yaml:12: checks[2].timeout: \"x\" is not
// a duration (use e.g. 2m, 1h30m, 500ms)"). See docs/checks.md for the user-facing description.
//
// Keys: name, kind, url, interval (30s), timeout (3s, at most interval), connectTimeout (1s, at
// most timeout), retries (2, 0..10), warnAfter (off; below timeout), label, username, password,
// token, insecureSkipVerify (false), expect {status, bodyContains, jsonPath, equals} (kind http);
// kind-specific: version (influxdb: 1 or 2) and ttftModel (llm). Unknown keys are errors, and
// so are credentials a kind does not use.
//
// Pure functions; thread-safe.
#ifndef BOTMON_PROBE_CHECK_CONFIG_H_
#define BOTMON_PROBE_CHECK_CONFIG_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/options.h"
#include "core/status.h"
#include "probe/probe.h"

namespace botmon {

inline constexpr size_t kMaxChecks = 200;
inline constexpr size_t kMaxCheckUrl = 2048;
inline constexpr size_t kMaxCheckName = 64;
inline constexpr size_t kMaxCheckLabel = 64;
inline constexpr size_t kMaxCheckSecret = 4096;
inline constexpr size_t kMaxBodyContains = 4096;
inline constexpr int64_t kMinCheckInterval = 1000;            // 1s
inline constexpr int64_t kMaxCheckInterval = 24 * 3'600'000;  // 24h
inline constexpr int64_t kMinCheckTimeout = 100;              // 100ms
inline constexpr int64_t kMaxCheckTimeout = 5 * 60'000;       // 5m
inline constexpr int kMaxCheckRetries = 10;

// "postgresql", "redis", "qdrant", "minio", "vault", "influxdb", "llm", "http", "tcp".
std::string_view CheckKindName(CheckKind kind);
std::optional<CheckKind> ParseCheckKind(std::string_view name);
// The seed's key for the kind ("botmodels" for llm; "http"/"tcp" for those).
std::string DefaultCheckName(CheckKind kind);
// "Cache" for redis, "BotModels" for llm, else `name`.
std::string DefaultCheckLabel(CheckKind kind, const std::string& name);

// Converts the RawItems of `checks:`. Every problem is reported (one line each, in order).
StatusOr<std::vector<CheckConfig>> ParseChecks(const std::vector<RawItem>& items);

// True when `a` and `b` probe the same thing the same way (everything but label and origin), so
// a reload keeps the check's state.
bool SameProbe(const CheckConfig& a, const CheckConfig& b);

}  // namespace botmon

#endif  // BOTMON_PROBE_CHECK_CONFIG_H_
