#include "api/mask.h"

#include <vector>

#include "core/utf8.h"

namespace botmon {
namespace {

constexpr std::string_view kDot = "\xE2\x80\xA2";  // U+2022 BULLET

// Splits UTF-8 text into characters (an invalid byte counts as one character).
std::vector<std::string_view> Chars(std::string_view s) {
  std::vector<std::string_view> out;
  for (size_t i = 0; i < s.size();) {
    size_t next = i;
    (void)DecodeUtf8(s, &next);  // advances past one character, or one invalid byte
    out.push_back(s.substr(i, next - i));
    i = next;
  }
  return out;
}

bool PhoneLike(std::string_view s) {
  size_t digits = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c >= '0' && c <= '9') {
      ++digits;
    } else if (!(c == '+' && i == 0) && c != ' ' && c != '-' && c != '(' && c != ')' && c != '.') {
      return false;
    }
  }
  return digits >= 7;
}

std::string Dots(size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += kDot;
  return out;
}

}  // namespace

std::string MaskUser(std::string_view user) {
  if (user.empty()) return std::string();
  if (PhoneLike(user)) {
    // Keep the '+', the first 2 digits and the last 4 digits; dot everything else.
    std::string out;
    size_t total_digits = 0;
    for (char c : user) total_digits += (c >= '0' && c <= '9');
    size_t seen = 0;
    for (size_t i = 0; i < user.size(); ++i) {
      char c = user[i];
      if (c == '+' && i == 0) {
        out += c;
        continue;
      }
      bool digit = c >= '0' && c <= '9';
      if (digit) ++seen;
      if (digit && (seen <= 2 || seen > total_digits - 4)) {
        out += c;
      } else {
        out += kDot;
      }
    }
    return out;
  }
  size_t at = user.rfind('@');
  if (at != std::string_view::npos && at > 0 && at + 1 < user.size()) {
    auto local = Chars(user.substr(0, at));
    return std::string(local[0]) + Dots(local.size() - 1) + std::string(user.substr(at));
  }
  auto chars = Chars(user);
  if (chars.size() <= 3) return Dots(chars.size());
  return std::string(chars.front()) + Dots(chars.size() - 2) + std::string(chars.back());
}

}  // namespace botmon
