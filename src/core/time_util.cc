#include "core/time_util.h"

#include <cstdio>

namespace botmon {

int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void CivilFromDays(int64_t z, int64_t* y, unsigned* m, unsigned* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<int64_t>(yoe) + era * 400 + (*m <= 2);
}

std::string FormatRfc3339Ms(int64_t ms) {
  int64_t days = ms >= 0 ? ms / 86'400'000 : -((-ms + 86'399'999) / 86'400'000);
  int64_t rem = ms - days * 86'400'000;
  int64_t y;
  unsigned mo, d;
  CivilFromDays(days, &y, &mo, &d);
  const int h = static_cast<int>(rem / 3'600'000);
  const int mi = static_cast<int>(rem / 60'000 % 60);
  const int s = static_cast<int>(rem / 1000 % 60);
  const int milli = static_cast<int>(rem % 1000);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02d:%02d:%02d.%03dZ", static_cast<long long>(y),
                mo, d, h, mi, s, milli);
  return buf;
}

namespace {

bool Digits(std::string_view t, size_t pos, size_t n, int* out) {
  if (pos + n > t.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (t[i] < '0' || t[i] > '9') return false;
    v = v * 10 + (t[i] - '0');
  }
  *out = v;
  return true;
}

int DaysInMonth(int y, int m) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return 29;
  return kDays[m - 1];
}

}  // namespace

StatusOr<int64_t> ParseRfc3339(std::string_view t) {
  auto bad = [&](const char* what) {
    // Built with append: GCC 12 -O2 warns (-Wrestrict, a false positive) on the operator+ chain.
    std::string msg = "\"";
    msg.append(t.substr(0, 64));
    msg.append("\" is not an RFC 3339 timestamp: ");
    msg.append(what);
    return Status::InvalidArgument(std::move(msg));
  };
  int y, mo, d, h, mi, s;
  if (!Digits(t, 0, 4, &y) || t.size() < 5 || t[4] != '-' || !Digits(t, 5, 2, &mo) ||
      t.size() < 8 || t[7] != '-' || !Digits(t, 8, 2, &d)) {
    return bad("expected YYYY-MM-DD");
  }
  if (mo < 1 || mo > 12) return bad("month out of range");
  if (d < 1 || d > DaysInMonth(y, mo)) return bad("day out of range");
  if (t.size() < 11 || (t[10] != 'T' && t[10] != 't' && t[10] != ' ')) {
    return bad("expected 'T' after the date");
  }
  if (!Digits(t, 11, 2, &h) || t.size() < 14 || t[13] != ':' || !Digits(t, 14, 2, &mi) ||
      t.size() < 17 || t[16] != ':' || !Digits(t, 17, 2, &s)) {
    return bad("expected hh:mm:ss");
  }
  if (h > 23 || mi > 59 || s > 60) return bad("time out of range");
  if (s == 60) s = 59;  // a leap second counts as the last second of its minute
  size_t pos = 19;
  int64_t frac_ms = 0;
  if (pos < t.size() && t[pos] == '.') {
    ++pos;
    size_t start = pos;
    int64_t scale = 100;
    while (pos < t.size() && t[pos] >= '0' && t[pos] <= '9') {
      if (scale > 0) frac_ms += (t[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == start) return bad("empty fraction");
    if (pos - start > 9) return bad("more than 9 fractional digits");
  }
  if (pos >= t.size()) return bad("missing time zone offset (Z or +hh:mm)");
  int64_t offset_min = 0;
  if (t[pos] == 'Z' || t[pos] == 'z') {
    ++pos;
  } else if (t[pos] == '+' || t[pos] == '-') {
    int oh, om;
    if (!Digits(t, pos + 1, 2, &oh) || t.size() < pos + 4 || t[pos + 3] != ':' ||
        !Digits(t, pos + 4, 2, &om)) {
      return bad("offset must be +hh:mm or -hh:mm");
    }
    if (oh > 23 || om > 59) return bad("offset out of range");
    offset_min = (oh * 60 + om) * (t[pos] == '-' ? -1 : 1);
    pos += 6;
  } else {
    return bad("missing time zone offset (Z or +hh:mm)");
  }
  if (pos != t.size()) return bad("trailing characters");
  const int64_t days = DaysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  const int64_t secs = days * 86400 + h * 3600 + mi * 60 + s - offset_min * 60;
  return secs * 1000 + frac_ms;
}

}  // namespace botmon
