#include "http/url.h"

#include "http/server.h"

namespace botmon {
namespace http_internal {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

bool PercentDecode(std::string_view in, bool plus_as_space, std::string* out) {
  out->clear();
  out->reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) return false;  // truncated "%" or "%A"
      const int hi = HexValue(in[i + 1]);
      const int lo = HexValue(in[i + 2]);
      if (hi < 0 || lo < 0) return false;
      const char decoded = static_cast<char>(hi * 16 + lo);
      if (decoded == '\0') return false;
      out->push_back(decoded);
      i += 2;
    } else if (c == '+' && plus_as_space) {
      out->push_back(' ');
    } else {
      out->push_back(c);
    }
  }
  return true;
}

std::string_view RawPath(std::string_view target) {
  const size_t end = target.find_first_of("?#");
  return end == std::string_view::npos ? target : target.substr(0, end);
}

std::string FormatPeer(std::string_view address, unsigned short port) {
  constexpr std::string_view kMapped = "::ffff:";
  if (address.size() > kMapped.size() && address.substr(0, kMapped.size()) == kMapped &&
      address.find(':', kMapped.size()) == std::string_view::npos &&
      address.find('.', kMapped.size()) != std::string_view::npos) {
    address.remove_prefix(kMapped.size());
  }
  if (address.find(':') != std::string_view::npos) {
    return "[" + std::string(address) + "]:" + std::to_string(port);
  }
  return std::string(address) + ":" + std::to_string(port);
}

}  // namespace http_internal

Status ParseTarget(std::string_view target, Request* req) {
  using http_internal::PercentDecode;
  req->target.assign(target);
  req->path.clear();
  req->query.clear();
  // Origin-form only: absolute-form ("http://host/x") is for proxies and "*" for OPTIONS, neither
  // of which botmon serves.
  if (target.empty() || target[0] != '/') {
    return Status::InvalidArgument("the request target must start with '/'");
  }
  // Raw control characters are never valid in a request-target (RFC 9112 3.2); the HTTP parser
  // refuses them too, but this function must not depend on its caller (found by http_fuzz).
  for (char c : target) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return Status::InvalidArgument("control character in the request target");
    }
  }
  const std::string_view raw_path = http_internal::RawPath(target);
  if (!PercentDecode(raw_path, /*plus_as_space=*/false, &req->path)) {
    return Status::InvalidArgument("invalid percent-encoding in the request path");
  }
  if (raw_path.size() == target.size() || target[raw_path.size()] != '?') return Status::OK();

  std::string_view query = target.substr(raw_path.size() + 1);
  const size_t hash = query.find('#');
  if (hash != std::string_view::npos) query = query.substr(0, hash);
  std::string key;
  std::string value;
  while (!query.empty()) {
    const size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;  // "a=1&&b=2"
    const size_t eq = pair.find('=');
    const std::string_view raw_key = pair.substr(0, eq);
    const std::string_view raw_value =
        eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
    if (!PercentDecode(raw_key, /*plus_as_space=*/true, &key) ||
        !PercentDecode(raw_value, /*plus_as_space=*/true, &value)) {
      return Status::InvalidArgument("invalid percent-encoding in the query string");
    }
    req->query.emplace_back(std::move(key), std::move(value));
  }
  return Status::OK();
}

}  // namespace botmon
