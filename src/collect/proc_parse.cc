#include "collect/proc_parse.h"

#include <charconv>
#include <limits>
#include <optional>
#include <string>

namespace botmon {
namespace {

bool IsBlank(char c) { return c == ' ' || c == '\t'; }

// Splits off the next blank-separated token of `line` (empty at the end of the line).
std::string_view NextToken(std::string_view* line) {
  size_t start = 0;
  while (start < line->size() && IsBlank((*line)[start])) ++start;
  size_t end = start;
  while (end < line->size() && !IsBlank((*line)[end])) ++end;
  std::string_view token = line->substr(start, end - start);
  line->remove_prefix(end);
  return token;
}

// The whole token must be a decimal number that fits in 64 bits.
std::optional<uint64_t> ParseU64(std::string_view token) {
  uint64_t value = 0;
  const char* end = token.data() + token.size();
  auto [ptr, ec] = std::from_chars(token.data(), end, value);
  if (token.empty() || ec != std::errc() || ptr != end) return std::nullopt;
  return value;
}

// Adds with an overflow check, since garbage numbers near 2^64 must not wrap into a plausible sum.
bool AddChecked(uint64_t* sum, uint64_t v) {
  if (v > std::numeric_limits<uint64_t>::max() - *sum) return false;
  *sum += v;
  return true;
}

// Returns the line that starts with `prefix` (without the newline), if any.
std::optional<std::string_view> FindLine(std::string_view text, std::string_view prefix) {
  size_t pos = 0;
  while (pos < text.size()) {
    size_t eol = text.find('\n', pos);
    if (eol == std::string_view::npos) eol = text.size();
    std::string_view line = text.substr(pos, eol - pos);
    if (line.starts_with(prefix)) return line;
    pos = eol + 1;
  }
  return std::nullopt;
}

// Shortens untrusted text quoted in an error message.
std::string Quote(std::string_view s) {
  constexpr size_t kMax = 40;
  std::string out = "'" + std::string(s.substr(0, kMax));
  if (s.size() > kMax) out += "...";
  return out + "'";
}

}  // namespace

StatusOr<CpuTimes> ParseProcStat(std::string_view text) {
  std::optional<std::string_view> line = FindLine(text, "cpu ");
  if (!line) return Status::Corruption("no 'cpu ' line");
  std::string_view rest = line->substr(4);
  // user nice system idle iowait irq softirq steal, in the kernel's order.
  constexpr int kFields = 8;
  constexpr const char* kNames[kFields] = {"user",   "nice", "system",  "idle",
                                           "iowait", "irq",  "softirq", "steal"};
  CpuTimes t;
  for (int i = 0; i < kFields; ++i) {
    std::string_view token = NextToken(&rest);
    if (token.empty()) {
      return Status::Corruption("'cpu ' line has " + std::to_string(i) +
                                " fields, expected at least 8 (truncated?)");
    }
    std::optional<uint64_t> v = ParseU64(token);
    if (!v) {
      return Status::Corruption(std::string("'cpu ' line: bad ") + kNames[i] + " value " +
                                Quote(token));
    }
    bool idle = (i == 3 || i == 4);
    if (!AddChecked(idle ? &t.idle : &t.busy, *v)) {
      return Status::Corruption("'cpu ' line: counters overflow 64 bits");
    }
  }
  if (t.busy > std::numeric_limits<uint64_t>::max() - t.idle) {
    return Status::Corruption("'cpu ' line: counters overflow 64 bits");
  }
  return t;
}

StatusOr<std::optional<double>> CpuUsagePercent(const CpuTimes& prev, const CpuTimes& cur) {
  if (cur.busy < prev.busy || cur.idle < prev.idle) {
    return Status::Unavailable("CPU counters went backwards (reset or wrap); skipping this tick");
  }
  uint64_t busy = cur.busy - prev.busy;
  uint64_t total = busy + (cur.idle - prev.idle);
  if (total == 0) return std::optional<double>();
  return std::optional<double>(static_cast<double>(busy) / static_cast<double>(total) * 100.0);
}

StatusOr<MemInfo> ParseMeminfo(std::string_view text) {
  // Reads "Key:   <number> kB". The unit is required: the kernel always writes it for these keys,
  // so a line without it was cut short (and its number may be too).
  auto value_of = [text](std::string_view key) -> StatusOr<uint64_t> {
    std::string prefix = std::string(key) + ":";
    std::optional<std::string_view> line = FindLine(text, prefix);
    if (!line) return Status::NotFound("no " + std::string(key) + " line");
    std::string_view rest = line->substr(prefix.size());
    std::string_view number = NextToken(&rest);
    std::string_view unit = NextToken(&rest);
    std::optional<uint64_t> v = ParseU64(number);
    if (!v || unit != "kB" || !NextToken(&rest).empty()) {
      return Status::Corruption("bad " + std::string(key) + " line " + Quote(*line));
    }
    return *v;
  };
  ASSIGN_OR_RETURN(uint64_t total, value_of("MemTotal"));
  ASSIGN_OR_RETURN(uint64_t available, value_of("MemAvailable"));
  if (total == 0) return Status::Corruption("MemTotal is 0");
  if (available > total) {
    return Status::Corruption("MemAvailable (" + std::to_string(available) +
                              " kB) exceeds MemTotal (" + std::to_string(total) + " kB)");
  }
  return MemInfo{total, available};
}

double MemUsagePercent(const MemInfo& mem) {
  return static_cast<double>(mem.total_kb - mem.available_kb) / static_cast<double>(mem.total_kb) *
         100.0;
}

}  // namespace botmon
