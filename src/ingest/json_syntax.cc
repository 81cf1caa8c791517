#include "ingest/json_syntax.h"

#include <cstdint>

namespace botmon {
namespace {

bool IsWs(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

class Scanner {
 public:
  Scanner(std::string_view text, JsonSyntaxError* error) : t_(text), err_(error) {}

  // One value at *pos; on success *pos is just past it. Containers are tracked on an explicit
  // stack (one byte per open level) instead of recursion, so any depth is safe.
  bool Value(size_t* ppos) {
    size_t pos = *ppos;
    std::string stack;
    for (;;) {
      SkipWs(&pos);
      if (pos >= t_.size()) return Fail(pos, "unexpected end of input: expected a value");
      const char c = t_[pos];
      if (c == '{' || c == '[') {
        const char close = c == '{' ? '}' : ']';
        ++pos;
        SkipWs(&pos);
        if (pos < t_.size() && t_[pos] == close) {
          ++pos;  // an empty container is a complete value
        } else {
          stack.push_back(c);
          if (c == '{' && !Key(&pos)) return false;
          continue;  // the first member's value, or the first element
        }
      } else if (c == '"') {
        if (!String(&pos)) return false;
      } else if (c == '-' || IsDigit(c)) {
        if (!Number(&pos)) return false;
      } else if (c == 't') {
        if (!Literal(&pos, "true")) return false;
      } else if (c == 'f') {
        if (!Literal(&pos, "false")) return false;
      } else if (c == 'n') {
        if (!Literal(&pos, "null")) return false;
      } else {
        return Fail(pos, "expected a value");
      }
      // After a complete value: close containers until one wants another value.
      for (;;) {
        if (stack.empty()) {
          *ppos = pos;
          return true;
        }
        const bool in_object = stack.back() == '{';
        SkipWs(&pos);
        if (pos >= t_.size()) {
          return Fail(pos, in_object ? "unexpected end of input: expected ',' or '}'"
                                     : "unexpected end of input: expected ',' or ']'");
        }
        if (t_[pos] == ',') {
          ++pos;
          if (in_object && !Key(&pos)) return false;
          break;
        }
        if (t_[pos] == (in_object ? '}' : ']')) {
          ++pos;
          stack.pop_back();
          continue;
        }
        return Fail(pos, in_object ? "expected ',' or '}' after an object member"
                                   : "expected ',' or ']' after an array element");
      }
    }
  }

  void SkipWs(size_t* pos) const {
    while (*pos < t_.size() && IsWs(t_[*pos])) ++*pos;
  }

 private:
  bool Fail(size_t at, const char* message) {
    err_->offset = at;
    err_->message = message;
    return false;
  }

  // A member key and its colon; *pos is left at the member's value.
  bool Key(size_t* pos) {
    SkipWs(pos);
    if (*pos >= t_.size()) return Fail(*pos, "unexpected end of input: expected a string key");
    if (t_[*pos] != '"') return Fail(*pos, "expected a string key");
    if (!String(pos)) return false;
    SkipWs(pos);
    if (*pos >= t_.size() || t_[*pos] != ':') return Fail(*pos, "expected ':' after an object key");
    ++*pos;
    return true;
  }

  bool Literal(size_t* pos, std::string_view word) {
    if (t_.substr(*pos, word.size()) != word) return Fail(*pos, "invalid literal");
    *pos += word.size();
    return true;
  }

  bool Number(size_t* ppos) {
    size_t pos = *ppos;
    const size_t start = pos;
    if (t_[pos] == '-') ++pos;
    if (pos < t_.size() && t_[pos] == '0') {
      ++pos;
      if (pos < t_.size() && IsDigit(t_[pos])) return Fail(start, "invalid number (leading zero)");
    } else if (pos < t_.size() && IsDigit(t_[pos])) {
      while (pos < t_.size() && IsDigit(t_[pos])) ++pos;
    } else {
      return Fail(start, "invalid number");
    }
    if (pos < t_.size() && t_[pos] == '.') {
      ++pos;
      if (pos >= t_.size() || !IsDigit(t_[pos])) return Fail(start, "invalid number");
      while (pos < t_.size() && IsDigit(t_[pos])) ++pos;
    }
    if (pos < t_.size() && (t_[pos] == 'e' || t_[pos] == 'E')) {
      ++pos;
      if (pos < t_.size() && (t_[pos] == '+' || t_[pos] == '-')) ++pos;
      if (pos >= t_.size() || !IsDigit(t_[pos])) return Fail(start, "invalid number");
      while (pos < t_.size() && IsDigit(t_[pos])) ++pos;
    }
    *ppos = pos;
    return true;
  }

  // Four hex digits at pos into *cp.
  bool Hex4(size_t pos, uint32_t* cp) const {
    if (pos + 4 > t_.size()) return false;
    uint32_t v = 0;
    for (size_t i = pos; i < pos + 4; ++i) {
      const int h = HexValue(t_[i]);
      if (h < 0) return false;
      v = v * 16 + static_cast<uint32_t>(h);
    }
    *cp = v;
    return true;
  }

  // Length of the valid UTF-8 sequence at pos (RFC 3629: no overlongs, no surrogates, at most
  // U+10FFFF), or 0.
  size_t Utf8Length(size_t pos) const {
    const auto b = [&](size_t i) -> uint8_t {
      return pos + i < t_.size() ? static_cast<uint8_t>(t_[pos + i]) : 0;
    };
    const auto cont = [&](size_t i) { return (b(i) & 0xC0) == 0x80; };
    const uint8_t c = b(0);
    if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
      if (!cont(1) || !cont(2)) return 0;
      if (c == 0xE0 && b(1) < 0xA0) return 0;  // overlong
      if (c == 0xED && b(1) > 0x9F) return 0;  // UTF-16 surrogate
      return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
      if (!cont(1) || !cont(2) || !cont(3)) return 0;
      if (c == 0xF0 && b(1) < 0x90) return 0;  // overlong
      if (c == 0xF4 && b(1) > 0x8F) return 0;  // above U+10FFFF
      return 4;
    }
    return 0;
  }

  bool String(size_t* ppos) {
    const size_t start = *ppos;
    size_t pos = start + 1;
    while (pos < t_.size()) {
      const auto c = static_cast<uint8_t>(t_[pos]);
      if (c == '"') {
        *ppos = pos + 1;
        return true;
      }
      if (c == '\\') {
        if (pos + 1 >= t_.size()) break;
        const char e = t_[pos + 1];
        if (e == 'u') {
          uint32_t cp;
          if (!Hex4(pos + 2, &cp)) return Fail(pos, "invalid \\u escape (expected 4 hex digits)");
          if (cp >= 0xDC00 && cp <= 0xDFFF) return Fail(pos, "lone low surrogate in a \\u escape");
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            uint32_t low;
            if (pos + 7 >= t_.size() || t_[pos + 6] != '\\' || t_[pos + 7] != 'u' ||
                !Hex4(pos + 8, &low) || low < 0xDC00 || low > 0xDFFF) {
              return Fail(pos, "lone high surrogate in a \\u escape");
            }
            pos += 6;
          }
          pos += 6;
        } else if (e == '"' || e == '\\' || e == '/' || e == 'b' || e == 'f' || e == 'n' ||
                   e == 'r' || e == 't') {
          pos += 2;
        } else {
          return Fail(pos, "invalid escape in a string");
        }
      } else if (c < 0x20) {
        return Fail(pos, "control character in a string (must be escaped)");
      } else if (c < 0x80) {
        ++pos;
      } else {
        const size_t n = Utf8Length(pos);
        if (n == 0) return Fail(pos, "invalid UTF-8");
        pos += n;
      }
    }
    return Fail(start, "unterminated string");
  }

  std::string_view t_;
  JsonSyntaxError* err_;
};

}  // namespace

bool ScanJsonValue(std::string_view text, size_t pos, size_t* end, JsonSyntaxError* error) {
  Scanner s(text, error);
  if (!s.Value(&pos)) return false;
  *end = pos;
  return true;
}

bool CheckJson(std::string_view text, JsonSyntaxError* error) {
  Scanner s(text, error);
  size_t pos = 0;
  if (!s.Value(&pos)) return false;
  s.SkipWs(&pos);
  if (pos != text.size()) {
    error->offset = pos;
    error->message = "unexpected characters after the JSON value";
    return false;
  }
  return true;
}

}  // namespace botmon
