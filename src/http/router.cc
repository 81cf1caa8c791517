// The route table: pattern matching, 404/405, authentication and the role check (SPEC 9, 12).
// Pure: no sockets, so every rule here is unit-tested without a server.
#include <cstdint>
#include <utility>

#include "http/server.h"
#include "http/url.h"

namespace botmon {
namespace {

// "/api/x/{id}" -> {"api", "x", "{id}"}; "/" -> {""}.
std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> out;
  if (!path.empty() && path[0] == '/') path.remove_prefix(1);
  while (true) {
    const size_t slash = path.find('/');
    out.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

bool IsCapture(std::string_view segment) {
  return segment.size() >= 2 && segment.front() == '{' && segment.back() == '}';
}

// True when `pattern` matches the decoded `segments`. `literal_mask` gets one bit per literal
// segment, the first segment in the highest bit, so that comparing masks ranks a literal at the
// first differing position above a capture there.
bool PatternMatches(const std::vector<std::string>& pattern,
                    const std::vector<std::string>& segments, uint64_t* literal_mask) {
  if (pattern.size() != segments.size()) return false;
  uint64_t mask = 0;
  for (size_t i = 0; i < pattern.size(); ++i) {
    const bool capture = IsCapture(pattern[i]);
    if (capture) {
      if (segments[i].empty()) return false;  // a capture needs a non-empty segment
    } else if (pattern[i] != segments[i]) {
      return false;
    }
    if (!capture && i < 64) mask |= uint64_t{1} << (63 - i);
  }
  *literal_mask = mask;
  return true;
}

// The request path split into segments, each percent-decoded; false when a segment does not
// decode (such a path matches nothing).
bool DecodedSegments(const Request& req, std::vector<std::string>* out) {
  out->clear();
  if (!req.target.empty()) {
    for (std::string_view raw : SplitPath(http_internal::RawPath(req.target))) {
      out->emplace_back();
      if (!http_internal::PercentDecode(raw, /*plus_as_space=*/false, &out->back())) return false;
    }
  } else {
    for (std::string_view s : SplitPath(req.path)) out->emplace_back(s);
  }
  return true;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

bool MethodServes(Method route_method, Method request_method, bool* exact) {
  *exact = route_method == request_method;
  return *exact || (request_method == Method::kHead && route_method == Method::kGet);
}

}  // namespace

bool SameOriginForStateChange(const Request& req) {
  if (req.method == Method::kGet || req.method == Method::kHead || req.method == Method::kOptions) {
    return true;
  }
  const std::string_view host = req.HeaderValue("host");
  if (host.empty()) return false;
  const std::string own = "http://" + std::string(host);
  if (std::string_view origin = req.HeaderValue("origin"); !origin.empty()) {
    return EqualsIgnoreCase(origin, own);
  }
  std::string_view referer = req.HeaderValue("referer");
  if (referer.size() <= own.size() || referer[own.size()] != '/') return false;
  return EqualsIgnoreCase(referer.substr(0, own.size()), own);
}

Router::Router(Authenticator auth) : auth_(std::move(auth)) {}

void Router::Add(Route route) {
  std::vector<std::string> split;
  for (std::string_view s : SplitPath(route.pattern)) split.emplace_back(s);
  split_patterns_.push_back(std::move(split));
  routes_.push_back(std::move(route));
}

const Route* Router::Match(Request* req, bool* path_exists) const {
  *path_exists = false;
  std::vector<std::string> segments;
  if (!DecodedSegments(*req, &segments)) return nullptr;

  const Route* best = nullptr;
  size_t best_index = 0;
  uint64_t best_mask = 0;
  bool best_exact = false;
  for (size_t i = 0; i < routes_.size(); ++i) {
    uint64_t mask = 0;
    if (!PatternMatches(split_patterns_[i], segments, &mask)) continue;
    *path_exists = true;
    bool exact = false;
    if (!MethodServes(routes_[i].method, req->method, &exact)) continue;
    // More literal segments (leftmost first) win; an explicit HEAD route beats the GET fallback.
    if (best == nullptr || mask > best_mask || (mask == best_mask && exact && !best_exact)) {
      best = &routes_[i];
      best_index = i;
      best_mask = mask;
      best_exact = exact;
    }
  }
  if (best == nullptr) return nullptr;

  req->params.clear();
  const std::vector<std::string>& pattern = split_patterns_[best_index];
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (IsCapture(pattern[i])) req->params.push_back(std::move(segments[i]));
  }
  return best;
}

Response Router::Unmatched(const Request& req, bool path_exists) const {
  if (!path_exists) return Response::Error(404, "not_found", "no such endpoint");
  std::vector<std::string> segments;
  std::string allow;
  auto add = [&allow](std::string_view m) {
    // A handful of routes share a path: a linear duplicate check is enough.
    size_t pos = 0;
    while ((pos = allow.find(m, pos)) != std::string::npos) {
      const bool start_ok = pos == 0 || allow[pos - 1] == ' ';
      const bool end_ok = pos + m.size() == allow.size() || allow[pos + m.size()] == ',';
      if (start_ok && end_ok) return;
      pos += m.size();
    }
    if (!allow.empty()) allow.append(", ");
    allow.append(m);
  };
  if (DecodedSegments(req, &segments)) {
    for (size_t i = 0; i < routes_.size(); ++i) {
      uint64_t mask = 0;
      if (!PatternMatches(split_patterns_[i], segments, &mask)) continue;
      add(MethodName(routes_[i].method));
      if (routes_[i].method == Method::kGet) add("HEAD");
    }
  }
  std::string message = "method ";
  message.append(MethodName(req.method));
  message.append(" is not allowed here");
  Response r = Response::Error(405, "invalid_request", message);
  r.With("Allow", std::move(allow));
  return r;
}

std::optional<Response> Router::Authorize(const Route& route, Request& req) const {
  req.principal = auth_ ? auth_(req) : Principal{};
  if (route.role == Role::kNone) return std::nullopt;
  if (req.principal.role == Role::kNone) {
    Response r = Response::Error(
        401, "unauthorized",
        req.principal.presented ? "invalid credentials" : "authentication required");
    r.With("WWW-Authenticate", "Bearer");
    return r;
  }
  if (req.principal.via_cookie && !SameOriginForStateChange(req)) {
    return Response::Error(403, "forbidden",
                           "cross-origin request refused: the Origin (or Referer) header must be "
                           "this server's own origin");
  }
  if (!RoleAllows(req.principal.role, route.role)) {
    std::string message = "this endpoint needs the ";
    message.append(RoleName(route.role));
    message.append(" role");
    return Response::Error(403, "forbidden", message);
  }
  return std::nullopt;
}

void Router::Dispatch(Request& req, Responder responder) const {
  if (req.path.empty() && !req.target.empty()) {
    const std::string target = req.target;
    Status st = ParseTarget(target, &req);
    if (!st.ok()) {
      responder.Send(Response::Error(400, "invalid_request", st.message()));
      return;
    }
  }
  bool path_exists = false;
  const Route* route = Match(&req, &path_exists);
  if (route == nullptr) {
    responder.Send(Unmatched(req, path_exists));
    return;
  }
  if (std::optional<Response> denied = Authorize(*route, req)) {
    responder.Send(std::move(*denied));
    return;
  }
  route->handler(req, std::move(responder));
}

}  // namespace botmon
