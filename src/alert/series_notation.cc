#include "alert/series_notation.h"

#include <charconv>
#include <cmath>
#include <set>
#include <string>

#include "alert/rule_parse.h"
#include "core/json_escape.h"

namespace botmon {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// A decimal number at the start of `s` (no sign): digits[.digits][e[+-]digits] or .digits.
// Returns the characters used (0: none).
size_t ScanNumber(std::string_view s, double* out) {
  size_t i = 0, digits = 0;
  while (i < s.size() && IsDigit(s[i])) ++i, ++digits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && IsDigit(s[i])) ++i, ++digits;
  }
  if (digits == 0) return 0;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    size_t j = i + 1;
    if (j < s.size() && (s[j] == '+' || s[j] == '-')) ++j;
    size_t k = j;
    while (k < s.size() && IsDigit(s[k])) ++k;
    if (k > j) i = k;
  }
  auto [p, ec] = std::from_chars(s.data(), s.data() + i, *out);
  if (ec != std::errc() || p != s.data() + i || !std::isfinite(*out)) return 0;
  return i;
}

// A signed number at the start of `s`.
size_t ScanSigned(std::string_view s, double* out) {
  size_t sign = (!s.empty() && (s[0] == '+' || s[0] == '-')) ? 1 : 0;
  size_t n = ScanNumber(s.substr(sign), out);
  if (n == 0) return 0;
  if (sign && s[0] == '-') *out = -*out;
  return sign + n;
}

// The repetition count after 'x': the whole rest of the item, decimal digits.
bool ParseCount(std::string_view s, uint64_t* out) {
  if (s.empty() || s.size() > 12) return false;
  uint64_t v = 0;
  for (char c : s) {
    if (!IsDigit(c)) return false;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  *out = v;
  return true;
}

Status ItemError(size_t index, std::string_view item, std::string_view why) {
  return Status::InvalidArgument("item " + std::to_string(index) + " " + JsonString(item) + ": " +
                                 std::string(why));
}

constexpr std::string_view kExpected = "expected a number, _, axn, a+bxn or a-bxn";

}  // namespace

StatusOr<SeriesKey> ParseSeriesSelector(std::string_view text) {
  if (text.size() > kMaxSelectorBytes) {
    return Status::InvalidArgument("longer than " + std::to_string(kMaxSelectorBytes) + " bytes");
  }
  while (!text.empty() && IsSpace(text.front())) text.remove_prefix(1);
  while (!text.empty() && IsSpace(text.back())) text.remove_suffix(1);
  SeriesKey key;
  const size_t brace = text.find('{');
  key.field = std::string(text.substr(0, brace));
  const std::vector<std::string> dims = FieldDimensions(key.field);
  if (dims.empty()) {
    return Status::InvalidArgument(JsonString(key.field) +
                                   " is not a field (a built-in name, or a custom name like "
                                   "my.field: [a-z][a-z0-9_.]*)");
  }
  std::set<std::string> seen;
  if (brace != std::string_view::npos) {
    std::string_view rest = text.substr(brace + 1);
    while (true) {
      while (!rest.empty() && (IsSpace(rest.front()) || rest.front() == ',')) rest.remove_prefix(1);
      if (rest.empty()) return Status::InvalidArgument("missing the closing }");
      if (rest.front() == '}') {
        rest.remove_prefix(1);
        break;
      }
      size_t eq = rest.find('=');
      if (eq == std::string_view::npos) {
        return Status::InvalidArgument("expected dimension=\"value\" after {");
      }
      std::string_view name = rest.substr(0, eq);
      while (!name.empty() && IsSpace(name.back())) name.remove_suffix(1);
      rest.remove_prefix(eq + 1);
      while (!rest.empty() && IsSpace(rest.front())) rest.remove_prefix(1);
      if (rest.empty() || (rest.front() != '"' && rest.front() != '\'')) {
        return Status::InvalidArgument(std::string(name) + ": the value must be quoted (\"...\")");
      }
      const char quote = rest.front();
      rest.remove_prefix(1);
      std::string value;
      bool closed = false;
      while (!rest.empty()) {
        char c = rest.front();
        rest.remove_prefix(1);
        if (c == '\\' && !rest.empty()) {
          value.push_back(rest.front());
          rest.remove_prefix(1);
        } else if (c == quote) {
          closed = true;
          break;
        } else {
          value.push_back(c);
        }
      }
      if (!closed) return Status::InvalidArgument(std::string(name) + ": unterminated value");
      std::string dim(name);
      std::string* slot = dim == "host"      ? &key.host
                          : dim == "bot"     ? &key.bot
                          : dim == "channel" ? &key.channel
                          : dim == "mount"   ? &key.mount
                          : dim == "gpu"     ? &key.gpu
                          : dim == "service" ? &key.service
                                             : nullptr;
      bool has = false;
      for (const auto& d : dims) has |= d == dim;
      if (!slot || !has) {
        std::string list;
        for (const auto& d : dims) list += (list.empty() ? "" : ", ") + d;
        return Status::InvalidArgument(key.field + " has no dimension " + JsonString(dim) +
                                       " (it has " + list + ")");
      }
      if (!seen.insert(dim).second) {
        return Status::InvalidArgument(dim + ": given twice");
      }
      if (value.empty()) return Status::InvalidArgument(dim + ": empty value");
      *slot = std::move(value);
    }
    while (!rest.empty() && IsSpace(rest.front())) rest.remove_prefix(1);
    if (!rest.empty()) return Status::InvalidArgument("unexpected text after }");
  }
  if (key.host.empty()) {
    return Status::InvalidArgument("every series needs a host (e.g. " + key.field +
                                   "{host=\"a\"})");
  }
  return key;
}

StatusOr<std::vector<std::optional<double>>> ExpandSeriesValues(std::string_view text,
                                                                size_t max_samples) {
  std::vector<std::optional<double>> out;
  size_t index = 0;
  auto room = [&](uint64_t n) { return n <= max_samples && out.size() + n <= max_samples; };
  auto too_long = [&] {
    return Status::InvalidArgument("more than " + std::to_string(max_samples) +
                                   " samples in one series");
  };
  size_t pos = 0;
  while (true) {
    while (pos < text.size() && IsSpace(text[pos])) ++pos;
    if (pos >= text.size()) break;
    size_t end = pos;
    while (end < text.size() && !IsSpace(text[end])) ++end;
    const std::string_view item = text.substr(pos, end - pos);
    pos = end;
    ++index;
    if (item == "_" || item == "stale") {
      if (!room(1)) return too_long();
      out.emplace_back();
      continue;
    }
    if (item.size() > 1 && item[0] == '_') {
      uint64_t n = 0;
      if (item[1] != 'x' || !ParseCount(item.substr(2), &n))
        return ItemError(index, item, kExpected);
      if (!room(n)) return too_long();
      out.insert(out.end(), n, std::nullopt);
      continue;
    }
    double a = 0, b = 0;
    size_t used = ScanSigned(item, &a);
    if (used == 0) return ItemError(index, item, kExpected);
    std::string_view rest = item.substr(used);
    if (rest.empty()) {
      if (!room(1)) return too_long();
      out.push_back(a);
      continue;
    }
    double sign = 0;
    if (rest[0] == '+' || rest[0] == '-') {
      sign = rest[0] == '-' ? -1 : 1;
      size_t n = ScanNumber(rest.substr(1), &b);
      if (n == 0)
        return ItemError(index, item, "expected a number after " + std::string(1, rest[0]));
      rest.remove_prefix(1 + n);
      if (rest.empty() || rest[0] != 'x') {
        return ItemError(
            index, item,
            "expected x and a count after a" + std::string(1, item[used]) + "b (a+bxn)");
      }
    }
    uint64_t n = 0;
    if (rest.empty() || rest[0] != 'x') return ItemError(index, item, kExpected);
    if (!ParseCount(rest.substr(1), &n)) {
      return ItemError(index, item, "the count after x must be a whole number");
    }
    if (n >= max_samples || !room(n + 1)) return too_long();
    // Added up step by step, as promtool does (a+0.1x3 gives promtool's exact doubles).
    double v = a;
    for (uint64_t i = 0; i <= n; ++i) {
      if (!std::isfinite(v)) return ItemError(index, item, "the values overflow");
      out.push_back(v);
      v += sign * b;
    }
  }
  return out;
}

}  // namespace botmon
