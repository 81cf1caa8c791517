#include "probe/reply_parse.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace botmon {
namespace {

bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

bool IsPromNameStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
}

bool IsPromNameChar(char c) { return IsPromNameStart(c) || (c >= '0' && c <= '9'); }

std::string Quoted(std::string_view s, size_t max = 40) {
  std::string q = "\"";
  q.append(s.substr(0, max));
  if (s.size() > max) q += "...";
  return q + "\"";
}

// Parses a float token the way Prometheus does (also NaN, +Inf, -Inf).
bool ParsePromValue(std::string_view tok, double* out) {
  if (tok.empty() || tok.size() > 64) return false;
  std::string s(tok);
  char* end = nullptr;
  *out = std::strtod(s.c_str(), &end);
  return end == s.c_str() + s.size();
}

std::string WithSeparators(long long v) {
  std::string digits = std::to_string(v);
  std::string out;
  int n = static_cast<int>(digits.size());
  for (int i = 0; i < n; ++i) {
    out += digits[i];
    int left = n - 1 - i;
    if (left > 0 && left % 3 == 0) out += ',';
  }
  return out;
}

std::string OneDecimal(double v, const char* suffix) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.1f%s", v, suffix);
  return buf;
}

}  // namespace

StatusOr<std::vector<JsonPathStep>> ParseJsonPath(std::string_view path) {
  if (path.size() > kMaxJsonPathText) {
    return Status::InvalidArgument("longer than " + std::to_string(kMaxJsonPathText) +
                                   " characters");
  }
  if (path.empty() || path[0] != '$') {
    return Status::InvalidArgument(Quoted(path) + " must start with $ (e.g. $.status)");
  }
  std::vector<JsonPathStep> steps;
  size_t i = 1;
  auto fail = [&](const std::string& what) {
    return Status::InvalidArgument(Quoted(path) + ": " + what + " at character " +
                                   std::to_string(i + 1));
  };
  while (i < path.size()) {
    if (steps.size() >= kMaxJsonPathSteps) {
      return Status::InvalidArgument(Quoted(path) + ": more than " +
                                     std::to_string(kMaxJsonPathSteps) + " steps");
    }
    JsonPathStep step;
    if (path[i] == '.') {
      size_t start = ++i;
      while (i < path.size() && IsNameChar(path[i])) ++i;
      if (i == start) return fail("expected a member name");
      step.key = std::string(path.substr(start, i - start));
    } else if (path[i] == '[') {
      ++i;
      if (i < path.size() && (path[i] == '\'' || path[i] == '"')) {
        char quote = path[i++];
        size_t start = i;
        while (i < path.size() && path[i] != quote) ++i;
        if (i >= path.size()) return fail("unterminated quoted name");
        step.key = std::string(path.substr(start, i - start));
        ++i;
      } else {
        size_t start = i;
        size_t n = 0;
        while (i < path.size() && path[i] >= '0' && path[i] <= '9' && i - start < 9) {
          n = n * 10 + static_cast<size_t>(path[i] - '0');
          ++i;
        }
        if (i == start) return fail("expected an index or a quoted name");
        step.is_index = true;
        step.index = n;
      }
      if (i >= path.size() || path[i] != ']') return fail("expected ]");
      ++i;
    } else {
      return fail("expected . or [");
    }
    steps.push_back(std::move(step));
  }
  return steps;
}

const nlohmann::json* EvalJsonPath(const nlohmann::json& doc,
                                   const std::vector<JsonPathStep>& steps) {
  const nlohmann::json* cur = &doc;
  for (const JsonPathStep& s : steps) {
    if (s.is_index) {
      if (!cur->is_array() || s.index >= cur->size()) return nullptr;
      cur = &(*cur)[s.index];
    } else {
      if (!cur->is_object()) return nullptr;
      auto it = cur->find(s.key);
      if (it == cur->end()) return nullptr;
      cur = &*it;
    }
  }
  return cur;
}

std::string JsonValueText(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  return v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

StatusOr<nlohmann::json> ParseJsonReply(std::string_view body) {
  nlohmann::json j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!j.is_discarded()) return j;
  // Re-parse with exceptions only to learn where it failed.
  try {
    nlohmann::json again = nlohmann::json::parse(body);
    (void)again;
  } catch (const nlohmann::json::parse_error& e) {
    return Status::InvalidArgument("not JSON: syntax error at byte " + std::to_string(e.byte));
  } catch (const std::exception&) {
  }
  return Status::InvalidArgument("not JSON");
}

std::string PromSample::Label(std::string_view label) const {
  for (const auto& [k, v] : labels) {
    if (k == label) return v;
  }
  return "";
}

StatusOr<std::vector<PromSample>> ParsePrometheusText(std::string_view text) {
  std::vector<PromSample> out;
  size_t line_no = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t eol = text.find('\n', pos);
    if (eol == std::string_view::npos) eol = text.size();
    std::string_view line = text.substr(pos, eol - pos);
    pos = eol + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    size_t i = 0;
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    if (i == line.size() || line[i] == '#') continue;
    auto fail = [&](const std::string& what) {
      return Status::InvalidArgument("metrics line " + std::to_string(line_no) + ": " + what);
    };
    if (out.size() >= kMaxPromSamples) {
      return fail("more than " + std::to_string(kMaxPromSamples) + " samples");
    }
    PromSample s;
    if (!IsPromNameStart(line[i])) return fail("expected a metric name, got " + Quoted(line));
    size_t start = i;
    while (i < line.size() && IsPromNameChar(line[i])) ++i;
    s.name = std::string(line.substr(start, i - start));
    if (i < line.size() && line[i] == '{') {
      ++i;
      while (true) {
        while (i < line.size() && line[i] == ' ') ++i;
        if (i < line.size() && line[i] == '}') {
          ++i;
          break;
        }
        size_t ls = i;
        while (i < line.size() && IsPromNameChar(line[i])) ++i;
        if (i == ls) return fail("expected a label name in " + Quoted(line));
        std::string key(line.substr(ls, i - ls));
        if (i >= line.size() || line[i] != '=') return fail("expected = after label " + key);
        ++i;
        if (i >= line.size() || line[i] != '"') return fail("expected a quoted value for " + key);
        ++i;
        std::string value;
        while (i < line.size() && line[i] != '"') {
          if (line[i] == '\\' && i + 1 < line.size()) {
            char e = line[i + 1];
            value += e == 'n' ? '\n' : e;
            i += 2;
          } else {
            value += line[i++];
          }
        }
        if (i >= line.size()) return fail("unterminated value of label " + key);
        ++i;
        s.labels.emplace_back(std::move(key), std::move(value));
        while (i < line.size() && line[i] == ' ') ++i;
        if (i < line.size() && line[i] == ',')
          ++i;
        else if (i < line.size() && line[i] == '}')
          continue;
        else
          return fail("expected , or } in " + Quoted(line));
      }
    }
    if (i >= line.size() || (line[i] != ' ' && line[i] != '\t')) {
      return fail("expected a value after " + s.name);
    }
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    size_t vs = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
    if (!ParsePromValue(line.substr(vs, i - vs), &s.value)) {
      return fail(Quoted(line.substr(vs, i - vs)) + " is not a number");
    }
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    if (i < line.size()) {  // optional integer timestamp
      size_t ts = i;
      if (line[i] == '-') ++i;
      while (i < line.size() && line[i] >= '0' && line[i] <= '9') ++i;
      if (i == ts || i != line.size()) return fail("unexpected text after the value of " + s.name);
    }
    out.push_back(std::move(s));
  }
  return out;
}

std::string FormatCount(double n) {
  if (!(n > 0) || std::isinf(n)) return std::isinf(n) && n > 0 ? "inf" : "0";
  if (n < 999'999.5) return WithSeparators(std::llround(n));
  if (n < 999'950'000) return OneDecimal(n / 1e6, "M");
  return OneDecimal(n / 1e9, "B");
}

std::string FormatRate(double per_second) {
  if (per_second > 0 && per_second < 9.95) return OneDecimal(per_second, "");
  return FormatCount(per_second);
}

std::string FormatBytes(double bytes) {
  if (!(bytes > 0) || std::isinf(bytes)) return "0 B";
  static constexpr const char* kUnits[] = {" KB", " MB", " GB", " TB", " PB", " EB"};
  if (bytes < 1000) return std::to_string(std::llround(bytes)) + " B";
  double v = bytes / 1000;
  size_t u = 0;
  while (v >= 999.95 && u + 1 < std::size(kUnits)) {
    v /= 1000;
    ++u;
  }
  return OneDecimal(v, kUnits[u]);
}

std::string PercentEncode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

}  // namespace botmon
