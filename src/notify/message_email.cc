// The RFC 5322 / MIME framing of an e-mail notification (BuildEmail and its helpers).
#include <cstdint>
#include <cstdio>
#include <string>

#include "core/time_util.h"
#include "core/utf8.h"
#include "notify/message.h"

namespace botmon {
namespace {

constexpr std::string_view kBase64 =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string Base64(std::string_view in) {
  std::string out;
  size_t i = 0;
  while (i + 2 < in.size()) {
    const uint32_t v = (uint32_t{static_cast<unsigned char>(in[i])} << 16) |
                       (uint32_t{static_cast<unsigned char>(in[i + 1])} << 8) |
                       static_cast<unsigned char>(in[i + 2]);
    out += kBase64[v >> 18];
    out += kBase64[(v >> 12) & 63];
    out += kBase64[(v >> 6) & 63];
    out += kBase64[v & 63];
    i += 3;
  }
  if (i < in.size()) {
    uint32_t v = uint32_t{static_cast<unsigned char>(in[i])} << 16;
    if (i + 1 < in.size()) v |= uint32_t{static_cast<unsigned char>(in[i + 1])} << 8;
    out += kBase64[v >> 18];
    out += kBase64[(v >> 12) & 63];
    out += i + 1 < in.size() ? kBase64[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

bool PlainAscii(std::string_view s) {
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u >= 0x7f) return false;
  }
  // "=?" would be read as the start of an encoded word.
  return s.find("=?") == std::string_view::npos;
}

// The domain of "Name <user@domain>" or "user@domain"; "botmon" when there is none.
std::string FromDomain(std::string_view from) {
  size_t at = from.rfind('@');
  if (at == std::string_view::npos) return "botmon";
  std::string_view d = from.substr(at + 1);
  if (size_t gt = d.find('>'); gt != std::string_view::npos) d = d.substr(0, gt);
  return d.empty() ? "botmon" : std::string(d);
}

}  // namespace

std::string Rfc5322Date(int64_t epoch_ms) {
  static constexpr const char* kDays[] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  int64_t secs = epoch_ms / 1000 - (epoch_ms % 1000 < 0 ? 1 : 0);
  int64_t days = secs / 86400 - (secs % 86400 < 0 ? 1 : 0);
  const int64_t in_day = secs - days * 86400;
  int64_t y = 0;
  unsigned m = 0, d = 0;
  CivilFromDays(days, &y, &m, &d);
  const int64_t wd = ((days % 7) + 7) % 7;  // 1970-01-01 was a Thursday
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %u %s %04lld %02d:%02d:%02d +0000", kDays[wd], d,
                kMonths[m - 1], static_cast<long long>(y), static_cast<int>(in_day / 3600),
                static_cast<int>(in_day / 60 % 60), static_cast<int>(in_day % 60));
  return buf;
}

std::string EncodeHeaderWord(std::string_view text) {
  if (PlainAscii(text)) return std::string(text);
  // Encoded words of at most 60 characters (RFC 2047 allows 75), so that even the first line,
  // "Subject: " and a word, stays within 78: 36 bytes of UTF-8 give 48 base64 characters, plus
  // 12 for "=?UTF-8?B?" and "?=". Words split on whole characters; folded with CRLF SPACE.
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    size_t end = i;
    while (end < text.size()) {
      size_t next = end;
      DecodeUtf8(text, &next);
      if (next - i > 36) break;
      end = next;
    }
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + Base64(text.substr(i, end - i)) + "?=";
    i = end;
  }
  return out;
}

std::string QuotedPrintable(std::string_view lf_text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  size_t line_len = 0;
  auto emit = [&](std::string_view piece) {
    if (line_len + piece.size() > 75) {
      out += "=\r\n";
      line_len = 0;
    }
    out += piece;
    line_len += piece.size();
  };
  for (size_t i = 0; i < lf_text.size(); ++i) {
    const auto c = static_cast<unsigned char>(lf_text[i]);
    if (c == '\n') {
      out += "\r\n";
      line_len = 0;
      continue;
    }
    const bool at_line_end = i + 1 == lf_text.size() || lf_text[i + 1] == '\n';
    const bool literal =
        (c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !at_line_end);
    if (literal) {
      emit(std::string_view(&lf_text[i], 1));
    } else {
      const char enc[3] = {'=', kHex[c >> 4], kHex[c & 15]};
      emit(std::string_view(enc, 3));
    }
  }
  return out;
}

std::string BuildEmail(const Notification& n, std::string_view from_header,
                       const std::vector<std::string>& to, int64_t date_ms) {
  std::string to_list;
  for (const auto& t : to) {
    if (!to_list.empty()) to_list += ",\r\n ";
    to_list += t;
  }
  std::string m;
  m += "Date: " + Rfc5322Date(date_ms) + "\r\n";
  m += "From: " + std::string(from_header) + "\r\n";
  m += "To: " + to_list + "\r\n";
  m += "Subject: " + EncodeHeaderWord(EmailSubject(n)) + "\r\n";
  m += "Message-ID: <" + n.delivery_id + "@" + FromDomain(from_header) + ">\r\n";
  m += "MIME-Version: 1.0\r\n";
  m += "Content-Type: text/plain; charset=utf-8\r\n";
  m += "Content-Transfer-Encoding: quoted-printable\r\n";
  m += "Auto-Submitted: auto-generated\r\n";
  m += "X-Botmon-Delivery: " + n.delivery_id + "\r\n";
  m += "X-Botmon-Event: " + std::string(WebhookEventName(n.event)) + "\r\n";
  m += "X-Botmon-Incident: " + n.incident.id + "\r\n";
  m += "\r\n";
  m += QuotedPrintable(EmailBody(n));
  if (!m.ends_with("\r\n")) m += "\r\n";
  return m;
}

}  // namespace botmon
