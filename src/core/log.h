// Logging: stderr only (stdout belongs to the console block and to command output), one line per
// record. The default format is JSON lines for log shippers; `--console` switches to a
// human-readable format (SPEC 2). Never log secrets, passwords, tokens or message text (SPEC 12).
//
// LogEvery() limits a repeated problem to one line per class per minute, and says how many were
// suppressed. Thread-safe (spdlog's mutex sink; the rate limiter has its own mutex).
#ifndef BOTMON_CORE_LOG_H_
#define BOTMON_CORE_LOG_H_

#include <spdlog/spdlog.h>

#include <string>
#include <string_view>

#include "core/status.h"

namespace botmon {

struct LogOptions {
  std::string level = "info";  // trace|debug|info|warn|error|off
  bool human = false;          // --console
};

// Installs the stderr logger as spdlog's default. Fails on an unknown level name.
Status InitLogging(const LogOptions& opts);

// Logs `message` at most once per minute for `event_class`; later calls in the same minute are
// counted and reported with the next line.
void LogEvery(std::string_view event_class, spdlog::level::level_enum level,
              std::string_view message);

}  // namespace botmon

#define LOG_DEBUG(...) ::spdlog::debug(__VA_ARGS__)
#define LOG_INFO(...) ::spdlog::info(__VA_ARGS__)
#define LOG_WARN(...) ::spdlog::warn(__VA_ARGS__)
#define LOG_ERROR(...) ::spdlog::error(__VA_ARGS__)

#endif  // BOTMON_CORE_LOG_H_
