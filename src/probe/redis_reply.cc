#include "probe/redis_reply.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <utility>

namespace botmon {
namespace {

// `text` quoted for an error message: at most 32 bytes, control bytes as \xNN.
std::string Quoted(std::string_view text) {
  std::string out = "\"";
  for (size_t i = 0; i < text.size() && i < 32; ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  if (text.size() > 32) out += "...";
  out += '"';
  return out;
}

bool ParseInt(std::string_view s, int64_t* v) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *v);
  return ec == std::errc() && p == s.data() + s.size();
}

bool ParseNumber(std::string_view s, double* v) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *v);
  return ec == std::errc() && p == s.data() + s.size() && std::isfinite(*v);
}

class RespParser {
 public:
  RespParser(std::string_view in, const RespLimits& limits) : in_(in), limits_(limits) {}

  // Parses one value at pos_. Sets incomplete_ (and returns OK) when the input ends first.
  Status Value(int depth, RespValue* v) {
    if (pos_ >= in_.size()) return Incomplete();
    size_t at = pos_;
    char type = in_[pos_++];
    std::string_view line;
    RETURN_IF_ERROR(Line(&line));
    if (incomplete_) return Status::OK();
    switch (type) {
      case '+':
        v->type = RespValue::Type::kSimple;
        v->text = line;
        return Status::OK();
      case '-':
        v->type = RespValue::Type::kError;
        v->text = line;
        return Status::OK();
      case ':':
        v->type = RespValue::Type::kInteger;
        if (!ParseInt(line, &v->integer)) return Error("bad integer " + Quoted(line), at);
        return Status::OK();
      case '$':
        return Bulk(line, at, v);
      case '*':
        return Array(line, at, depth, v);
      default:
        return Error("unexpected reply type byte " + Quoted(std::string_view(&type, 1)), at);
    }
  }

  size_t pos() const { return pos_; }
  bool incomplete() const { return incomplete_; }

 private:
  Status Incomplete() {
    incomplete_ = true;
    return Status::OK();
  }

  static Status Error(const std::string& what, size_t at) {
    return Status::InvalidArgument("bad Redis reply: " + what + " at byte " + std::to_string(at));
  }

  // The rest of the line at pos_, without its CRLF.
  Status Line(std::string_view* line) {
    size_t start = pos_;
    size_t end = in_.find("\r\n", start);
    size_t len = end == std::string_view::npos ? in_.size() - start : end - start;
    if (len > limits_.max_line) {
      return Error("line longer than " + std::to_string(limits_.max_line) + " bytes", start);
    }
    if (end == std::string_view::npos) return Incomplete();
    *line = in_.substr(start, len);
    pos_ = end + 2;
    return Status::OK();
  }

  Status Bulk(std::string_view header, size_t at, RespValue* v) {
    int64_t n = 0;
    if (!ParseInt(header, &n) || n < -1) return Error("bad bulk length " + Quoted(header), at);
    if (n == -1) {
      v->type = RespValue::Type::kNull;
      return Status::OK();
    }
    if (static_cast<uint64_t>(n) > limits_.max_bulk) {
      return Error("bulk string of " + std::to_string(n) + " bytes exceeds the limit of " +
                       std::to_string(limits_.max_bulk),
                   at);
    }
    size_t len = static_cast<size_t>(n);
    if (in_.size() - pos_ < len + 2) return Incomplete();
    if (in_.compare(pos_ + len, 2, "\r\n") != 0) {
      return Error("bulk string not followed by CRLF", pos_ + len);
    }
    v->type = RespValue::Type::kBulk;
    v->text = in_.substr(pos_, len);
    pos_ += len + 2;
    return Status::OK();
  }

  Status Array(std::string_view header, size_t at, int depth, RespValue* v) {
    int64_t n = 0;
    if (!ParseInt(header, &n) || n < -1) return Error("bad array length " + Quoted(header), at);
    if (n == -1) {
      v->type = RespValue::Type::kNull;
      return Status::OK();
    }
    if (static_cast<uint64_t>(n) > limits_.max_elements) {
      return Error("array of " + std::to_string(n) + " elements exceeds the limit of " +
                       std::to_string(limits_.max_elements),
                   at);
    }
    if (depth + 1 > limits_.max_depth) {
      return Error("arrays nested deeper than " + std::to_string(limits_.max_depth), at);
    }
    v->type = RespValue::Type::kArray;
    v->elements.resize(static_cast<size_t>(n));
    for (auto& e : v->elements) {
      RETURN_IF_ERROR(Value(depth + 1, &e));
      if (incomplete_) return Status::OK();
    }
    return Status::OK();
  }

  std::string_view in_;
  const RespLimits& limits_;
  size_t pos_ = 0;
  bool incomplete_ = false;
};

std::string FormatPercent(double p) {
  double r = std::round(p * 10) / 10;
  char buf[32];
  if (r == std::floor(r)) {
    std::snprintf(buf, sizeof buf, "%.0f%%", r);
  } else {
    std::snprintf(buf, sizeof buf, "%.1f%%", r);
  }
  return buf;
}

// Percent-decodes a URL's user or password. False on a malformed escape.
bool PercentDecodeUserinfo(std::string_view in, std::string* out) {
  out->clear();
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      *out += in[i];
      continue;
    }
    if (i + 2 >= in.size()) return false;
    int hi = hex(in[i + 1]), lo = hex(in[i + 2]);
    if (hi < 0 || lo < 0) return false;
    *out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return true;
}

}  // namespace

Status ParseResp(std::string_view in, const RespLimits& limits, std::optional<RespValue>* out,
                 size_t* consumed) {
  out->reset();
  *consumed = 0;
  RespParser parser(in, limits);
  RespValue v;
  RETURN_IF_ERROR(parser.Value(0, &v));
  if (parser.incomplete()) return Status::OK();
  *consumed = parser.pos();
  *out = std::move(v);
  return Status::OK();
}

StatusOr<RedisInfo> ParseRedisInfo(std::string_view text) {
  constexpr int kMaxLines = 10000;
  RedisInfo info;
  int line_no = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? nl : nl - pos);
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    if (++line_no > kMaxLines) {
      return Status::InvalidArgument("bad INFO reply: more than " + std::to_string(kMaxLines) +
                                     " lines");
    }
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line[0] == '#') continue;
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) {
      return Status::InvalidArgument("bad INFO reply: line " + std::to_string(line_no) + " " +
                                     Quoted(line) + " has no ':'");
    }
    std::string_view key = line.substr(0, colon), value = line.substr(colon + 1);
    std::optional<double>* number = nullptr;
    if (key == "redis_version") {
      info.version = value;
    } else if (key == "keyspace_hits") {
      number = &info.keyspace_hits;
    } else if (key == "keyspace_misses") {
      number = &info.keyspace_misses;
    } else if (key == "used_memory") {
      number = &info.used_memory;
    }
    if (number) {
      double d = 0;
      if (!ParseNumber(value, &d) || d < 0) {
        return Status::InvalidArgument("bad INFO reply: " + std::string(key) + " is " +
                                       Quoted(value) + ", not a number");
      }
      *number = d;
    }
  }
  if (info.version.empty()) return Status::InvalidArgument("bad INFO reply: no redis_version");
  return info;
}

StatusOr<RedisUrl> ParseRedisUrl(std::string_view url) {
  auto starts_with_ci = [&](std::string_view prefix) {
    if (url.size() < prefix.size()) return false;
    for (size_t i = 0; i < prefix.size(); ++i) {
      char c = url[i];
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      if (c != prefix[i]) return false;
    }
    return true;
  };
  if (starts_with_ci("rediss://")) {
    return Status::InvalidArgument("rediss:// (TLS) is not supported; use redis://");
  }
  if (!starts_with_ci("redis://")) {
    return Status::InvalidArgument("a redis check's url must start with redis://");
  }
  std::string_view rest = url.substr(8);
  rest = rest.substr(0, rest.find_first_of("/?#"));
  RedisUrl out;
  size_t at = rest.rfind('@');
  if (at != std::string_view::npos) {
    std::string_view userinfo = rest.substr(0, at);
    rest = rest.substr(at + 1);
    size_t colon = userinfo.find(':');
    std::string_view user = userinfo.substr(0, colon);
    std::string_view pw =
        colon == std::string_view::npos ? std::string_view() : userinfo.substr(colon + 1);
    if (!PercentDecodeUserinfo(user, &out.username) || !PercentDecodeUserinfo(pw, &out.password)) {
      return Status::InvalidArgument("bad percent-escape in the redis url's credentials");
    }
  }
  std::string_view port_text;
  if (!rest.empty() && rest[0] == '[') {
    size_t close = rest.find(']');
    if (close == std::string_view::npos) {
      return Status::InvalidArgument("redis url: unterminated [ in the host");
    }
    out.host = rest.substr(1, close - 1);
    rest = rest.substr(close + 1);
    if (!rest.empty() && rest[0] != ':') {
      return Status::InvalidArgument("redis url: unexpected text after the host");
    }
    if (!rest.empty()) port_text = rest.substr(1);
  } else {
    size_t colon = rest.find(':');
    out.host = rest.substr(0, colon);
    if (colon != std::string_view::npos) port_text = rest.substr(colon + 1);
  }
  if (out.host.empty()) return Status::InvalidArgument("redis url has no host");
  if (!port_text.empty() || rest.find(':') != std::string_view::npos) {
    int64_t port = 0;
    if (!ParseInt(port_text, &port) || port < 1 || port > 65535) {
      return Status::InvalidArgument("redis url: bad port " + Quoted(port_text));
    }
    out.port = static_cast<int>(port);
  }
  return out;
}

std::string FormatMemoryBytes(double bytes) {
  static const char* const kUnits[] = {"KB", "MB", "GB", "TB"};
  char buf[32];
  if (bytes < 1024) {
    std::snprintf(buf, sizeof buf, "%.0f B", bytes);
    return buf;
  }
  double v = bytes / 1024;
  size_t unit = 0;
  while (v >= 1024 && unit + 1 < std::size(kUnits)) {
    v /= 1024;
    ++unit;
  }
  std::snprintf(buf, sizeof buf, "%.1f %s", v, kUnits[unit]);
  return buf;
}

void FillRedisResult(const RedisInfo& info, ProbeMemory* memory, int64_t now_ms,
                     ProbeResult* result) {
  result->status = ServiceStatus::kRunning;
  result->version = info.version;
  result->error.clear();
  std::string figure;
  if (info.keyspace_hits && info.keyspace_misses) {
    double hits = *info.keyspace_hits, misses = *info.keyspace_misses;
    double d_hits = hits, d_misses = misses;
    auto prev_hits = memory->last.find("keyspace_hits");
    auto prev_misses = memory->last.find("keyspace_misses");
    if (prev_hits != memory->last.end() && prev_misses != memory->last.end() &&
        hits >= prev_hits->second && misses >= prev_misses->second) {
      d_hits = hits - prev_hits->second;
      d_misses = misses - prev_misses->second;
    }
    memory->last["keyspace_hits"] = hits;
    memory->last["keyspace_misses"] = misses;
    result->details["keyspaceHits"] = hits;
    result->details["keyspaceMisses"] = misses;
    if (d_hits + d_misses > 0) {
      double rate = 100.0 * d_hits / (d_hits + d_misses);
      result->details["hitRate"] = rate;
      figure = FormatPercent(rate) + " hits";
    } else {
      figure = "no lookups";
    }
  }
  if (info.used_memory) {
    result->details["usedMemory"] = *info.used_memory;
    if (!figure.empty()) figure += ", ";
    figure += FormatMemoryBytes(*info.used_memory) + " used";
  }
  result->figure = std::move(figure);
  memory->last_at_ms = now_ms;
}

}  // namespace botmon
