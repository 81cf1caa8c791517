#include "core/duration.h"

#include <cctype>

namespace botmon {
namespace {

std::string Quote(std::string_view t) {
  std::string q = "\"";
  q.append(t.substr(0, kMaxDurationText));
  if (t.size() > kMaxDurationText) q += "...";
  q += '"';
  return q;
}

bool AllDigits(std::string_view t) {
  if (t.empty()) return false;
  for (char c : t) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace

StatusOr<int64_t> ParseDuration(std::string_view t) {
  if (t.size() > kMaxDurationText) {
    return Status::InvalidArgument(Quote(t) + " is too long for a duration");
  }
  if (t.empty()) return Status::InvalidArgument("empty duration (use e.g. 2m)");
  if (AllDigits(t) || (t[0] == '-' && AllDigits(t.substr(1)))) {
    return Status::InvalidArgument(Quote(t) + " is not a duration: durations are strings like 2m");
  }
  // Unit ranks, largest first, so that units must strictly decrease.
  struct Unit {
    std::string_view name;
    int64_t ms;
  };
  static constexpr Unit kUnits[] = {
      {"d", 86'400'000}, {"h", 3'600'000}, {"m", 60'000}, {"s", 1000}, {"ms", 1}};
  size_t pos = 0;
  int last_rank = -1;
  int64_t total = 0;
  while (pos < t.size()) {
    if (t[pos] < '0' || t[pos] > '9') {
      return Status::InvalidArgument(Quote(t) + " is not a duration (use e.g. 2m, 1h30m, 500ms)");
    }
    int64_t n = 0;
    while (pos < t.size() && t[pos] >= '0' && t[pos] <= '9') {
      n = n * 10 + (t[pos] - '0');
      if (n > kMaxDurationMs) return Status::InvalidArgument(Quote(t) + " is more than 10y");
      ++pos;
    }
    size_t ustart = pos;
    while (pos < t.size() && std::isalpha(static_cast<unsigned char>(t[pos]))) ++pos;
    std::string_view u = t.substr(ustart, pos - ustart);
    if (u.empty()) {
      return Status::InvalidArgument(Quote(t) + " needs a unit after " + std::to_string(n) +
                                     " (ms, s, m, h or d)");
    }
    int rank = -1;
    for (int i = 0; i < 5; ++i) {
      if (kUnits[i].name == u) rank = i;
    }
    if (rank < 0) {
      return Status::InvalidArgument(Quote(t) + ": unknown unit \"" + std::string(u) +
                                     "\" (use ms, s, m, h or d)");
    }
    if (rank <= last_rank) {
      return Status::InvalidArgument(Quote(t) + ": units must decrease (e.g. 1h30m)");
    }
    last_rank = rank;
    if (n > kMaxDurationMs / kUnits[rank].ms) {
      return Status::InvalidArgument(Quote(t) + " is more than 10y");
    }
    total += n * kUnits[rank].ms;
    if (total > kMaxDurationMs) return Status::InvalidArgument(Quote(t) + " is more than 10y");
  }
  return total;
}

StatusOr<int64_t> ParseBotpressDuration(std::string_view t) {
  auto short_form = ParseDuration(t);
  if (short_form.ok()) return short_form;
  if (t.size() > kMaxDurationText) return short_form.status();
  // "<n> <unit>" with singular or plural English units, as Botpress's ms() library reads them.
  size_t pos = 0;
  while (pos < t.size() && t[pos] == ' ') ++pos;
  size_t nstart = pos;
  while (pos < t.size() && t[pos] >= '0' && t[pos] <= '9') ++pos;
  if (pos == nstart) return short_form.status();
  if (pos - nstart > 12) return Status::InvalidArgument(Quote(t) + " is more than 10y");
  int64_t n = 0;
  for (size_t i = nstart; i < pos; ++i) n = n * 10 + (t[i] - '0');
  while (pos < t.size() && t[pos] == ' ') ++pos;
  std::string unit;
  for (; pos < t.size(); ++pos)
    unit += static_cast<char>(std::tolower(static_cast<unsigned char>(t[pos])));
  while (!unit.empty() && unit.back() == ' ') unit.pop_back();
  struct Long {
    const char* name;
    int64_t ms;
  };
  static constexpr Long kLong[] = {
      {"millisecond", 1},  {"milliseconds", 1},  {"msec", 1},           {"msecs", 1},
      {"second", 1000},    {"seconds", 1000},    {"sec", 1000},         {"secs", 1000},
      {"minute", 60'000},  {"minutes", 60'000},  {"min", 60'000},       {"mins", 60'000},
      {"hour", 3'600'000}, {"hours", 3'600'000}, {"hr", 3'600'000},     {"hrs", 3'600'000},
      {"day", 86'400'000}, {"days", 86'400'000}, {"week", 604'800'000}, {"weeks", 604'800'000}};
  for (const auto& l : kLong) {
    if (unit == l.name) {
      if (n > kMaxDurationMs / l.ms) return Status::InvalidArgument(Quote(t) + " is more than 10y");
      return n * l.ms;
    }
  }
  return short_form.status();
}

std::string FormatDuration(int64_t ms) {
  if (ms <= 0) return "0s";
  std::string out;
  const std::pair<const char*, int64_t> units[] = {
      {"d", 86'400'000}, {"h", 3'600'000}, {"m", 60'000}, {"s", 1000}, {"ms", 1}};
  for (const auto& [name, size] : units) {
    if (ms >= size) {
      out += std::to_string(ms / size);
      out += name;
      ms %= size;
    }
  }
  return out;
}

StatusOr<int64_t> ParseSize(std::string_view t) {
  if (t.size() > kMaxDurationText)
    return Status::InvalidArgument(Quote(t) + " is too long for a size");
  size_t pos = 0;
  int64_t n = 0;
  while (pos < t.size() && t[pos] >= '0' && t[pos] <= '9') {
    n = n * 10 + (t[pos] - '0');
    if (n > (int64_t{1} << 50)) return Status::InvalidArgument(Quote(t) + " is too large");
    ++pos;
  }
  if (pos == 0) {
    return Status::InvalidArgument(Quote(t) + " is not a size (use e.g. 8MiB or a byte count)");
  }
  std::string_view unit = t.substr(pos);
  if (!unit.empty() && unit[0] == ' ') unit.remove_prefix(1);
  int64_t mult;
  if (unit.empty() || unit == "B") {
    mult = 1;
  } else if (unit == "KiB") {
    mult = 1024;
  } else if (unit == "MiB") {
    mult = 1024 * 1024;
  } else if (unit == "GiB") {
    mult = 1024 * 1024 * 1024;
  } else {
    return Status::InvalidArgument(Quote(t) + ": unknown size unit \"" + std::string(unit) +
                                   "\" (use KiB, MiB or GiB)");
  }
  if (n > (int64_t{1} << 50) / mult) return Status::InvalidArgument(Quote(t) + " is too large");
  return n * mult;
}

std::string FormatSize(int64_t b) {
  if (b > 0 && b % (1024 * 1024 * 1024) == 0)
    return std::to_string(b / (1024 * 1024 * 1024)) + "GiB";
  if (b > 0 && b % (1024 * 1024) == 0) return std::to_string(b / (1024 * 1024)) + "MiB";
  if (b > 0 && b % 1024 == 0) return std::to_string(b / 1024) + "KiB";
  return std::to_string(b);
}

}  // namespace botmon
