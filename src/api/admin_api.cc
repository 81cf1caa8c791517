// /api/admin/*: dashboard users, API tokens and the audit log (SPEC 9, 12). Admin only (the
// Router checks it). Every change is audited; no reply carries a password hash or a token hash.
#include <nlohmann/json.hpp>

#include "api/audit.h"
#include "api/auth_api.h"
#include "api/query.h"
#include "auth/login_sessions.h"
#include "auth/password.h"
#include "auth/token.h"
#include "auth/users.h"
#include "core/random.h"
#include "core/time_util.h"

namespace botmon {
namespace {

using nlohmann::json;

Response FieldError(std::string_view field, std::string_view message) {
  std::string m(field);
  m.append(": ");
  m.append(message);
  return Response::Error(400, "invalid_request", m,
                         "\"fields\":[" + json(std::string(field)).dump() + "]");
}

// A string member, or the 400 naming it.
std::optional<Response> StringField(const json& body, const char* name, std::string* out) {
  if (!body.contains(name) || !body[name].is_string()) return FieldError(name, "a string required");
  *out = body[name].get<std::string>();
  return std::nullopt;
}

json UserJson(const UserRecord& u) {
  return json{{"name", u.name}, {"role", u.role}, {"created", FormatRfc3339Ms(u.created_ms)}};
}

json TokenJson(const TokenRecord& t) {
  json j{{"id", t.id},
         {"name", t.name},
         {"role", t.role},
         {"created", FormatRfc3339Ms(t.created_ms)},
         {"lastUsed", nullptr}};
  if (t.last_used_ms) j["lastUsed"] = FormatRfc3339Ms(*t.last_used_ms);
  return j;
}

Response HandleUserList(ApiContext* ctx, Request&) {
  auto users = ctx->store->ListUsers();
  if (!users.ok()) return InternalError(users.status());
  json list = json::array();
  for (const auto& u : *users) list.push_back(UserJson(u));
  return Response::Json(200, json{{"users", list}}.dump());
}

Response HandleUserCreate(ApiContext* ctx, Request& req) {
  json body;
  if (auto err = ReadJsonObject(req, &body)) return *err;
  std::string name, role, password;
  if (auto err = StringField(body, "name", &name)) return *err;
  if (auto err = StringField(body, "role", &role)) return *err;
  if (auto err = StringField(body, "password", &password)) return *err;
  if (!ValidUserName(name)) return FieldError("name", "1 to 64 of A-Z a-z 0-9 . _ @ -");
  if (role != "admin" && role != "monitor") return FieldError("role", "admin or monitor");
  if (password.size() < kMinPasswordLength || password.size() > kMaxPasswordLength) {
    return FieldError("password", "8 to 1024 characters");
  }
  auto hash = HashPassword(password);
  if (!hash.ok()) return InternalError(hash.status());
  UserRecord u{name, role, *hash, ctx->clock->NowMs()};
  if (Status st = ctx->store->CreateUser(u); !st.ok()) {
    if (st.code() == StatusCode::kAlreadyExists) {
      return Response::Error(409, "conflict", st.message());
    }
    return InternalError(st);
  }
  json out = UserJson(u);
  AuditAction(ctx, req, "user.create", name, nullptr, out);
  return Response::Json(201, out.dump());
}

Response HandleUserDelete(ApiContext* ctx, Request& req) {
  const std::string& name = req.params.at(0);
  auto found = ctx->store->GetUser(name);
  if (!found.ok()) return InternalError(found.status());
  if (!found->has_value()) return Response::Error(404, "not_found", "no user \"" + name + "\"");
  if (Status st = ctx->store->DeleteUser(name); !st.ok()) {
    if (st.code() == StatusCode::kNotFound) return Response::Error(404, "not_found", st.message());
    if (st.code() == StatusCode::kInvalidArgument) {
      return Response::Error(409, "conflict", st.message() + "; create another admin first");
    }
    return InternalError(st);
  }
  if (ctx->logins) ctx->logins->ForgetUser(name);
  AuditAction(ctx, req, "user.delete", name, UserJson(**found), nullptr);
  return Response::NoContent();
}

Response HandleTokenList(ApiContext* ctx, Request&) {
  auto tokens = ctx->store->ListTokens();
  if (!tokens.ok()) return InternalError(tokens.status());
  json list = json::array();
  for (const auto& t : *tokens) list.push_back(TokenJson(t));
  return Response::Json(200, json{{"tokens", list}}.dump());
}

Response HandleTokenCreate(ApiContext* ctx, Request& req) {
  json body;
  if (auto err = ReadJsonObject(req, &body)) return *err;
  std::string name, role;
  if (auto err = StringField(body, "name", &name)) return *err;
  if (auto err = StringField(body, "role", &role)) return *err;
  if (!ValidUserName(name)) return FieldError("name", "1 to 64 of A-Z a-z 0-9 . _ @ -");
  Role r;
  if (!ParseRole(role, &r) || r == Role::kNone) {
    return FieldError("role", "admin, monitor or ingest");
  }
  const std::string token = GenerateToken();
  TokenRecord t{NewUuidV4(), name, role, HashToken(token), ctx->clock->NowMs(), std::nullopt};
  if (Status st = ctx->store->CreateToken(t); !st.ok()) {
    if (st.code() == StatusCode::kAlreadyExists) {
      return Response::Error(409, "conflict", st.message());
    }
    return InternalError(st);
  }
  json out = TokenJson(t);
  AuditAction(ctx, req, "token.create", name, nullptr, out);
  out["token"] = token;  // shown once, here only
  Response resp = Response::Json(201, out.dump());
  resp.With("Cache-Control", "no-store");
  return resp;
}

Response HandleTokenDelete(ApiContext* ctx, Request& req) {
  const std::string& key = req.params.at(0);
  auto tokens = ctx->store->ListTokens();
  if (!tokens.ok()) return InternalError(tokens.status());
  const TokenRecord* found = nullptr;
  for (const auto& t : *tokens) {
    if (t.name == key) found = &t;
  }
  for (const auto& t : *tokens) {
    if (found == nullptr && t.id == key) found = &t;
  }
  if (found == nullptr) return Response::Error(404, "not_found", "no token \"" + key + "\"");
  if (Status st = ctx->store->RevokeToken(found->name); !st.ok()) {
    if (st.code() == StatusCode::kNotFound) return Response::Error(404, "not_found", st.message());
    return InternalError(st);
  }
  AuditAction(ctx, req, "token.delete", found->name, TokenJson(*found), nullptr);
  return Response::NoContent();
}

Response HandleAuditList(ApiContext* ctx, Request& req) {
  auto page = QueryInt(req, "page", 1, 1, 1'000'000);
  if (!page.ok()) return BadRequest(page.status());
  auto per = QueryInt(req, "per_page", 50, 1, 1000);
  if (!per.ok()) return BadRequest(per.status());
  int64_t total = 0;
  auto rows = ctx->store->ListAudit(static_cast<int>(*page), static_cast<int>(*per), &total);
  if (!rows.ok()) return InternalError(rows.status());
  json entries = json::array();
  for (const auto& e : *rows) {
    auto doc = [](const std::string& s) {
      if (s.empty()) return json();
      json j = json::parse(s, nullptr, false);
      return j.is_discarded() ? json() : j;
    };
    entries.push_back(json{{"id", e.id},
                           {"at", FormatRfc3339Ms(e.at_ms)},
                           {"actor", e.actor},
                           {"action", e.action},
                           {"target", e.target},
                           {"before", doc(e.before)},
                           {"after", doc(e.after)}});
  }
  return Response::Json(200, json{{"entries", entries}, {"total", total}}.dump());
}

}  // namespace

void AddAdminRoutes(Router* router, ApiContext* ctx) {
  const RouteOptions worker{.exec = Exec::kWorker};
  auto sync = [ctx](Response (*fn)(ApiContext*, Request&)) {
    return SyncHandler([ctx, fn](Request& r) { return fn(ctx, r); });
  };
  router->Add(Route(Method::kGet, "/api/admin/users", Role::kAdmin, sync(HandleUserList), worker));
  router->Add(
      Route(Method::kPost, "/api/admin/users", Role::kAdmin, sync(HandleUserCreate), worker));
  router->Add(Route(Method::kDelete, "/api/admin/users/{name}", Role::kAdmin,
                    sync(HandleUserDelete), worker));
  router->Add(
      Route(Method::kGet, "/api/admin/tokens", Role::kAdmin, sync(HandleTokenList), worker));
  router->Add(
      Route(Method::kPost, "/api/admin/tokens", Role::kAdmin, sync(HandleTokenCreate), worker));
  router->Add(Route(Method::kDelete, "/api/admin/tokens/{name}", Role::kAdmin,
                    sync(HandleTokenDelete), worker));
  router->Add(Route(Method::kGet, "/api/admin/audit", Role::kAdmin, sync(HandleAuditList), worker));
}

}  // namespace botmon
