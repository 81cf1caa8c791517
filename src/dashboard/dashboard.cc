#include "dashboard/dashboard.h"

#include <openssl/evp.h>
#include <openssl/sha.h>

#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "dashboard/assets.h"
#include "http/gzip.h"

namespace botmon {
namespace {

using dashboard_internal::EmbeddedAsset;
using dashboard_internal::kEmbeddedAssetCount;
using dashboard_internal::kEmbeddedAssets;

std::string_view ContentTypeFor(std::string_view path) {
  auto ends = [path](std::string_view ext) {
    return path.size() >= ext.size() && path.substr(path.size() - ext.size()) == ext;
  };
  if (ends(".html")) return "text/html; charset=utf-8";
  if (ends(".js") || ends(".mjs")) return "text/javascript; charset=utf-8";
  if (ends(".css")) return "text/css; charset=utf-8";
  if (ends(".svg")) return "image/svg+xml";
  if (ends(".png")) return "image/png";
  if (ends(".json")) return "application/json";
  if (ends(".woff2")) return "font/woff2";
  return "application/octet-stream";
}

// The embedded files are our own build output, so inflating them cannot fail except through a
// build bug; an empty string then makes the reply visibly wrong rather than crash the server.
std::string Gunzip(const EmbeddedAsset& a) {
  std::string out;
  const std::string_view gz(reinterpret_cast<const char*>(a.gzip), a.gzip_size);
  if (http_internal::GunzipLimited(gz, a.raw_size, &out) != http_internal::InflateResult::kOk ||
      out.size() != a.raw_size) {
    return {};
  }
  return out;
}

// RFC 9110 12.5.3: gzip is acceptable unless the client lists it (or *) with q=0.
bool AcceptsGzip(std::string_view header) {
  size_t pos = 0;
  while (pos <= header.size()) {
    size_t comma = header.find(',', pos);
    if (comma == std::string_view::npos) comma = header.size();
    std::string_view item = header.substr(pos, comma - pos);
    pos = comma + 1;
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
    size_t semi = item.find(';');
    std::string_view coding = item.substr(0, semi);
    while (!coding.empty() && (coding.back() == ' ' || coding.back() == '\t'))
      coding.remove_suffix(1);
    std::string lower(coding);
    for (char& c : lower) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    if (lower != "gzip" && lower != "x-gzip") continue;
    if (semi != std::string_view::npos) {
      std::string_view params = item.substr(semi + 1);
      size_t q = params.find("q=");
      if (q != std::string_view::npos) {
        std::string_view v = params.substr(q + 2);
        // q=0, q=0.0, q=0.00...: refused.
        bool zero = !v.empty() && v.front() == '0';
        for (size_t i = 1; zero && i < v.size() && v[i] != ' ' && v[i] != ';'; ++i) {
          if (v[i] != '.' && v[i] != '0') zero = false;
        }
        if (zero) return false;
      }
    }
    return true;
  }
  return false;
}

// Weak comparison (RFC 9110 13.1.2): any listed tag equal to ours, W/ ignored, or "*".
bool EtagMatches(std::string_view if_none_match, std::string_view etag) {
  size_t pos = 0;
  while (pos < if_none_match.size()) {
    size_t comma = if_none_match.find(',', pos);
    if (comma == std::string_view::npos) comma = if_none_match.size();
    std::string_view tag = if_none_match.substr(pos, comma - pos);
    pos = comma + 1;
    while (!tag.empty() && (tag.front() == ' ' || tag.front() == '\t')) tag.remove_prefix(1);
    while (!tag.empty() && (tag.back() == ' ' || tag.back() == '\t')) tag.remove_suffix(1);
    if (tag == "*") return true;
    if (tag.substr(0, 2) == "W/") tag.remove_prefix(2);
    if (tag == etag) return true;
  }
  return false;
}

const EmbeddedAsset* FindAsset(std::string_view path) {
  for (size_t i = 0; i < kEmbeddedAssetCount; ++i) {
    if (path == kEmbeddedAssets[i].path) return &kEmbeddedAssets[i];
  }
  return nullptr;
}

Response ServeAsset(const EmbeddedAsset& a, const Request& req) {
  const bool gzip = AcceptsGzip(req.HeaderValue("accept-encoding"));
  // Each encoding is its own representation, so each gets its own tag.
  std::string etag = std::string("\"") + a.hash + (gzip ? "-gz\"" : "\"");
  const std::string_view path = a.path;
  const bool versioned = path.substr(0, 8) == "/vendor/";
  Response r;
  r.content_type = std::string(ContentTypeFor(path));
  r.With("ETag", etag);
  r.With("Vary", "Accept-Encoding");
  r.With("Cache-Control", versioned ? "public, max-age=31536000, immutable" : "no-cache");
  r.With("X-Content-Type-Options", "nosniff");
  r.With("Content-Security-Policy", DashboardCsp());
  r.With("Referrer-Policy", "no-referrer");
  if (EtagMatches(req.HeaderValue("if-none-match"), etag)) {
    r.status = 304;
    return r;
  }
  if (gzip) {
    r.With("Content-Encoding", "gzip");
    r.body.assign(reinterpret_cast<const char*>(a.gzip), a.gzip_size);
  } else {
    r.body = Gunzip(a);
  }
  return r;
}

std::string Base64(const unsigned char* data, size_t n) {
  std::string out(4 * ((n + 2) / 3) + 1, '\0');
  const int len =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(n));
  out.resize(static_cast<size_t>(len));
  return out;
}

}  // namespace

std::string ImportMapHashSource(std::string_view html) {
  constexpr std::string_view kOpen = "<script type=\"importmap\">";
  const size_t start = html.find(kOpen);
  if (start == std::string_view::npos) return {};
  const size_t body = start + kOpen.size();
  const size_t end = html.find("</script>", body);
  if (end == std::string_view::npos) return {};
  const std::string_view map = html.substr(body, end - body);
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(map.data()), map.size(), digest);
  return "'sha256-" + Base64(digest, sizeof(digest)) + "'";
}

const std::string& DashboardCsp() {
  static const std::string csp = [] {
    std::string script = "'self'";
    if (const EmbeddedAsset* index = FindAsset("/index.html")) {
      std::string hash = ImportMapHashSource(Gunzip(*index));
      if (!hash.empty()) script += " " + hash;
    }
    return "default-src 'self'; script-src " + script +
           "; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; "
           "frame-ancestors 'none'; form-action 'self'";
  }();
  return csp;
}

void AddDashboardRoutes(Router* router) {
  (void)DashboardCsp();  // computed before the server starts, never on a request's path
  for (size_t i = 0; i < kEmbeddedAssetCount; ++i) {
    const EmbeddedAsset* a = &kEmbeddedAssets[i];
    auto handler = SyncHandler([a](Request& req) { return ServeAsset(*a, req); });
    router->Add(Route(Method::kGet, a->path, Role::kNone, handler));
    if (std::string_view(a->path) == "/index.html") {
      router->Add(Route(Method::kGet, "/", Role::kNone, handler));
    }
  }
}

}  // namespace botmon
