#include "export/line_protocol.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <numeric>

namespace botmon {
namespace {

bool IsControl(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u < 0x20 || u == 0x7f;
}

// Writes `text` escaping the characters of `special` (plus space, always) with a backslash,
// with the backslash and control-character rules of the header.
void AppendEscaped(std::string_view text, std::string_view special, std::string* out) {
  auto is_special = [&](char c) { return c == ' ' || special.find(c) != std::string_view::npos; };
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (IsControl(c)) c = ' ';
    if (c == '\\') {
      const bool at_end = i + 1 == text.size();
      const char next = at_end ? '\0' : (IsControl(text[i + 1]) ? ' ' : text[i + 1]);
      const bool unsafe = at_end || next == '\\' || next == ' ' || next == ',' || next == '=';
      out->push_back(unsafe ? '/' : '\\');
      continue;
    }
    if (is_special(c)) out->push_back('\\');
    out->push_back(c);
  }
}

bool Writable(const LineField& f) {
  if (f.key.empty()) return false;
  if (const double* d = std::get_if<double>(&f.value)) return std::isfinite(*d);
  return true;
}

}  // namespace

void AppendMeasurement(std::string_view name, std::string* out) { AppendEscaped(name, ",", out); }

void AppendKey(std::string_view key, std::string* out) { AppendEscaped(key, ",=", out); }

void AppendStringValue(std::string_view value, std::string* out) {
  out->push_back('"');
  for (char c : value) {
    if (IsControl(c)) c = ' ';
    if (c == '"' || c == '\\') out->push_back('\\');
    out->push_back(c);
  }
  out->push_back('"');
}

void AppendFloatValue(double value, std::string* out) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  if (ec != std::errc()) return;  // cannot happen for a finite double and 64 bytes
  out->append(buf, end);
}

bool AppendLine(const LinePoint& point, std::string* out) {
  if (point.measurement.empty() || point.measurement.front() == '#') return false;
  if (std::none_of(point.fields.begin(), point.fields.end(), Writable)) return false;

  const size_t start = out->size();
  AppendMeasurement(point.measurement, out);

  std::vector<size_t> order(point.tags.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return point.tags[a].first < point.tags[b].first; });
  const std::string* last_key = nullptr;
  for (size_t i : order) {
    const auto& [key, value] = point.tags[i];
    if (key.empty() || value.empty()) continue;
    if (last_key != nullptr && *last_key == key) continue;
    last_key = &key;
    out->push_back(',');
    AppendKey(key, out);
    out->push_back('=');
    AppendKey(value, out);
  }

  char sep = ' ';
  for (size_t i = 0; i < point.fields.size(); ++i) {
    const LineField& f = point.fields[i];
    if (!Writable(f)) continue;
    bool dup = false;
    for (size_t j = 0; j < i && !dup; ++j)
      dup = Writable(point.fields[j]) && point.fields[j].key == f.key;
    if (dup) continue;
    out->push_back(sep);
    sep = ',';
    AppendKey(f.key, out);
    out->push_back('=');
    if (const double* d = std::get_if<double>(&f.value)) {
      AppendFloatValue(*d, out);
    } else if (const int64_t* n = std::get_if<int64_t>(&f.value)) {
      out->append(std::to_string(*n));
      out->push_back('i');
    } else if (const bool* b = std::get_if<bool>(&f.value)) {
      out->append(*b ? "true" : "false");
    } else {
      AppendStringValue(std::get<std::string>(f.value), out);
    }
  }
  if (sep == ' ') {  // unreachable (checked above), but never emit a line without fields
    out->resize(start);
    return false;
  }
  out->push_back(' ');
  out->append(std::to_string(point.t_ms));
  out->push_back('\n');
  return true;
}

}  // namespace botmon
