#include "core/log.h"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>

#include <chrono>
#include <mutex>
#include <unordered_map>

#include "core/json_escape.h"
#include "core/time_util.h"

namespace botmon {
namespace {

// {"ts":"2024-01-15T14:32:00.123Z","level":"info","msg":"..."}
class JsonFormatter : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    const int64_t ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                           msg.time.time_since_epoch())
                           .count();
    std::string line = "{\"ts\":\"" + FormatRfc3339Ms(ms) + "\",\"level\":\"";
    auto lv = spdlog::level::to_string_view(msg.level);
    line.append(lv.data(), lv.size());
    line += "\",\"msg\":";
    AppendJsonString(&line, std::string_view(msg.payload.data(), msg.payload.size()));
    line += "}\n";
    dest.append(line.data(), line.data() + line.size());
  }
  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<JsonFormatter>();
  }
};

struct Limiter {
  std::mutex mu;
  struct Entry {
    int64_t last_ms = 0;
    uint64_t suppressed = 0;
  };
  std::unordered_map<std::string, Entry> entries;
};

Limiter& GetLimiter() {
  static Limiter l;
  return l;
}

}  // namespace

Status InitLogging(const LogOptions& opts) {
  auto level = spdlog::level::from_str(opts.level);
  if (level == spdlog::level::off && opts.level != "off") {
    return Status::InvalidArgument("--log-level: \"" + opts.level +
                                   "\" is not one of trace, debug, info, warn, error, off");
  }
  auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  auto logger = std::make_shared<spdlog::logger>("botmon", sink);
  if (opts.human) {
    logger->set_formatter(std::make_unique<spdlog::pattern_formatter>(
        "%Y-%m-%d %H:%M:%S.%e %^%-5l%$ %v"));
  } else {
    logger->set_formatter(std::make_unique<JsonFormatter>());
  }
  logger->set_level(level);
  logger->flush_on(spdlog::level::trace);
  spdlog::set_default_logger(logger);
  return Status::OK();
}

void LogEvery(std::string_view event_class, spdlog::level::level_enum level,
              std::string_view message) {
  const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::steady_clock::now().time_since_epoch())
                          .count();
  uint64_t suppressed = 0;
  {
    Limiter& l = GetLimiter();
    std::lock_guard lock(l.mu);
    if (l.entries.size() > 10'000) l.entries.clear();  // bound the table itself
    auto& e = l.entries[std::string(event_class)];
    if (e.last_ms != 0 && now - e.last_ms < 60'000) {
      ++e.suppressed;
      return;
    }
    e.last_ms = now;
    suppressed = e.suppressed;
    e.suppressed = 0;
  }
  if (suppressed > 0) {
    spdlog::log(level, "{} ({} similar suppressed in the last minute)", message, suppressed);
  } else {
    spdlog::log(level, "{}", message);
  }
}

}  // namespace botmon
