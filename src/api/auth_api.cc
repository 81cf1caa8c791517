#include "api/auth_api.h"

#include <nlohmann/json.hpp>

#include "api/audit.h"
#include "api/query.h"
#include "auth/login_limiter.h"
#include "auth/login_sessions.h"
#include "auth/password.h"
#include "auth/users.h"
#include "core/log.h"

namespace botmon {
namespace {

using nlohmann::json;

constexpr size_t kMaxUserName = 128;

std::string SessionCookie(std::string_view id, bool clear) {
  std::string c(kSessionCookie);
  c.push_back('=');
  c.append(id);
  c.append("; HttpOnly; SameSite=Strict; Path=/");
  if (clear) c.append("; Max-Age=0");
  return c;
}

Response Unauthorized() {
  // One message for an unknown user and a wrong password: the reply must not tell them apart.
  Response r = Response::Error(401, "unauthorized", "invalid user name or password");
  r.With("WWW-Authenticate", "Bearer");
  return r;
}

Response HandleLogin(ApiContext* ctx, Request& req) {
  if (ctx->logins == nullptr || ctx->login_limiter == nullptr) {
    return Response::Error(503, "unavailable", "dashboard logins are not available");
  }
  // Another site's page may post here (the login needs no session, so the router's Origin check
  // does not apply): a foreign Origin is refused, and a JSON content type required, which a
  // cross-site form cannot send without the browser asking first.
  if (!req.HeaderValue("origin").empty() && !SameOriginForStateChange(req)) {
    return Response::Error(403, "forbidden",
                           "cross-origin login refused: the Origin header must be this server's");
  }
  if (std::string_view ct = req.HeaderValue("content-type");
      ct.substr(0, ct.find(';')) != "application/json") {
    return Response::Error(415, "unsupported_media_type",
                           "the login body must be JSON (Content-Type: application/json)");
  }
  json body;
  if (auto err = ReadJsonObject(req, &body)) return *err;
  if (!body.contains("username") || !body["username"].is_string() || !body.contains("password") ||
      !body["password"].is_string()) {
    return Response::Error(400, "invalid_request", "username and password: strings required",
                           R"("fields":["username","password"])");
  }
  const std::string user = body["username"].get<std::string>();
  const std::string password = body["password"].get<std::string>();
  if (user.empty() || user.size() > kMaxUserName || password.size() > kMaxPasswordLength) {
    return Unauthorized();
  }
  const std::string ip = ClientIp(req.remote);
  const int64_t now = ctx->clock->NowMs();
  if (int64_t wait = ctx->login_limiter->RetryAfterMs(ip, user, now); wait > 0) {
    Response r = Response::Error(429, "rate_limited", "too many failed logins; try again later");
    r.With("Retry-After", std::to_string((wait + 999) / 1000));
    return r;
  }
  auto found = ctx->store->GetUser(user);
  if (!found.ok()) return InternalError(found.status());
  Role role = Role::kNone;
  bool ok = false;
  if (found->has_value()) {
    ok = VerifyPassword((*found)->hash, password) && ParseRole((*found)->role, &role);
  } else {
    DummyVerifyPassword(password);
  }
  if (!ok) {
    ctx->login_limiter->Failure(ip, user, now);
    // Anyone may try: only a well-formed name is recorded (a password typed into the name
    // field must not end up in the audit log).
    const std::string who = ValidUserName(user) ? user : "(invalid name)";
    if (ctx->audit) ctx->audit->Record(who, "login.failed", who, nullptr, json{{"ip", ip}});
    LogEvery("login-failed", spdlog::level::warn, "failed dashboard login from " + ip);
    return Unauthorized();
  }
  ctx->login_limiter->Success(ip, user);
  auto id = ctx->logins->Create(user, role);
  // The user was deleted while the password was being checked.
  if (!id.ok() && id.status().code() == StatusCode::kNotFound) return Unauthorized();
  if (!id.ok()) return InternalError(id.status());
  Principal who;
  who.role = role;
  who.via_cookie = true;
  who.name = user;
  if (ctx->audit) ctx->audit->Record(AuditActor(who), "login", user, nullptr, json{{"ip", ip}});
  Response r = Response::Json(200, json{{"user", user}, {"role", RoleName(role)}}.dump());
  r.With("Set-Cookie", SessionCookie(*id, false));
  r.With("Cache-Control", "no-store");
  return r;
}

Response HandleLogout(ApiContext* ctx, Request& req) {
  // Runs whatever the cookie: a stale or forged one is simply cleared.
  if (ctx->logins != nullptr && req.HeaderValue("authorization").empty()) {
    std::string_view id = SessionCookieValue(req.HeaderValue("cookie"));
    if (!id.empty()) {
      if (req.principal.via_cookie && req.principal.role != Role::kNone) {
        AuditAction(ctx, req, "logout", req.principal.name, nullptr, nullptr);
      }
      if (Status st = ctx->logins->Remove(id); !st.ok()) return InternalError(st);
    }
  }
  Response r = Response::NoContent();
  r.With("Set-Cookie", SessionCookie("", true));
  return r;
}

// Open to everyone (role none) so that the dashboard can ask whether it is signed in without a
// 401, which browsers print as a console error on every visit to the login form.
Response HandleMe(ApiContext*, Request& req) {
  const bool known = req.principal.role != Role::kNone;
  Response r =
      Response::Json(200, json{{"user", known ? json(req.principal.name) : json(nullptr)},
                               {"role", known ? json(RoleName(req.principal.role)) : json(nullptr)}}
                              .dump());
  r.With("Cache-Control", "no-store");
  return r;
}

}  // namespace

void AddAuthRoutes(Router* router, ApiContext* ctx) {
  const RouteOptions worker{.exec = Exec::kWorker};
  auto sync = [ctx](Response (*fn)(ApiContext*, Request&)) {
    return SyncHandler([ctx, fn](Request& r) { return fn(ctx, r); });
  };
  // Password hashing takes tens of milliseconds: never on the I/O thread.
  router->Add(Route(Method::kPost, "/api/auth/login", Role::kNone, sync(HandleLogin), worker));
  router->Add(Route(Method::kPost, "/api/auth/logout", Role::kNone, sync(HandleLogout), worker));
  router->Add(Route(Method::kGet, "/api/auth/me", Role::kNone, sync(HandleMe)));
  AddAdminRoutes(router, ctx);
}

}  // namespace botmon
