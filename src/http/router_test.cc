#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "http/server.h"

namespace botmon {
namespace {

// A test authenticator: "Bearer admin|monitor|ingest" are valid, any other bearer is invalid.
Principal TestAuth(const Request& req) {
  Principal p;
  const std::string_view auth = req.HeaderValue("authorization");
  if (auth.empty()) return p;
  p.presented = true;
  const std::string_view prefix = "Bearer ";
  if (auth.substr(0, prefix.size()) != prefix) return p;
  Role role;
  if (ParseRole(auth.substr(prefix.size()), &role) && role != Role::kNone) {
    p.role = role;
    p.name = std::string(auth.substr(prefix.size()));
  }
  return p;
}

Handler Named(std::string name) {
  return SyncHandler([name](Request& req) {
    std::string body = name;
    for (const std::string& p : req.params) body += "|" + p;
    return Response::Text(200, body);
  });
}

Router MakeRouter() {
  Router r(TestAuth);
  r.Add(Route(Method::kGet, "/healthz", Role::kNone, Named("health")));
  r.Add(Route(Method::kGet, "/api/alerts/rules", Role::kMonitor, Named("rules")));
  r.Add(Route(Method::kPost, "/api/alerts/rules", Role::kAdmin, Named("create")));
  r.Add(Route(Method::kGet, "/api/alerts/rules/{name}", Role::kMonitor, Named("rule")));
  r.Add(Route(Method::kPut, "/api/alerts/rules/{name}", Role::kAdmin, Named("put")));
  r.Add(Route(Method::kPost, "/api/alerts/rules/backtest", Role::kAdmin, Named("backtest")));
  r.Add(Route(Method::kPost, "/api/alerts/rules/{name}/backtest", Role::kAdmin,
              Named("rule-backtest")));
  r.Add(Route(Method::kGet, "/a/{x}/c", Role::kNone, Named("capture-first")));
  r.Add(Route(Method::kGet, "/a/b/{y}", Role::kNone, Named("literal-first")));
  r.Add(Route(Method::kPost, "/api/v1/events", Role::kIngest, Named("ingest")));
  r.Add(Route(Method::kHead, "/explicit-head", Role::kNone, Named("head")));
  r.Add(Route(Method::kGet, "/explicit-head", Role::kNone, Named("get")));
  return r;
}

Request Req(Method m, std::string target, std::string bearer = "") {
  Request req;
  req.method = m;
  EXPECT_TRUE(ParseTarget(target, &req).ok()) << target;
  if (!bearer.empty()) req.headers.push_back(Header{"authorization", "Bearer " + bearer});
  return req;
}

// Dispatches and returns the response.
Response DispatchOf(const Router& router, Request req) {
  std::optional<Response> out;
  router.Dispatch(req, Responder([&out](Response r) { out = std::move(r); }));
  EXPECT_TRUE(out.has_value());
  return out.value_or(Response{});
}

std::string ErrorCode(const Response& r) {
  return nlohmann::json::parse(r.body).at("error").at("code").get<std::string>();
}

std::string HeaderOf(const Response& r, std::string_view name) {
  for (const Header& h : r.headers) {
    if (h.name == name) return h.value;
  }
  return "";
}

TEST(Router, MatchesLiteralsAndDecodedCaptures) {
  const Router router = MakeRouter();
  EXPECT_EQ(DispatchOf(router, Req(Method::kGet, "/healthz")).body, "health");
  EXPECT_EQ(DispatchOf(router, Req(Method::kGet, "/api/alerts/rules", "monitor")).body, "rules");
  EXPECT_EQ(DispatchOf(router, Req(Method::kGet, "/api/alerts/rules/cpu%20high", "monitor")).body,
            "rule|cpu high");
  // An encoded slash stays inside its segment.
  EXPECT_EQ(DispatchOf(router, Req(Method::kGet, "/api/alerts/rules/a%2Fb", "monitor")).body,
            "rule|a/b");
  EXPECT_EQ(DispatchOf(router, Req(Method::kPost, "/api/alerts/rules/x/backtest", "admin")).body,
            "rule-backtest|x");
}

TEST(Router, LiteralSegmentBeatsCapture) {
  const Router router = MakeRouter();
  EXPECT_EQ(DispatchOf(router, Req(Method::kPost, "/api/alerts/rules/backtest", "admin")).body,
            "backtest");
  // Both "/a/{x}/c" and "/a/b/{y}" match "/a/b/c": the literal at the first difference wins.
  EXPECT_EQ(DispatchOf(router, Req(Method::kGet, "/a/b/c")).body, "literal-first|c");
  EXPECT_EQ(DispatchOf(router, Req(Method::kGet, "/a/z/c")).body, "capture-first|z");
  // Registration order does not matter.
  Router reversed(TestAuth);
  reversed.Add(Route(Method::kGet, "/a/b/{y}", Role::kNone, Named("literal-first")));
  reversed.Add(Route(Method::kGet, "/a/{x}/c", Role::kNone, Named("capture-first")));
  EXPECT_EQ(DispatchOf(reversed, Req(Method::kGet, "/a/b/c")).body, "literal-first|c");
}

TEST(Router, CaptureNeedsANonEmptySegment) {
  const Router router = MakeRouter();
  EXPECT_EQ(DispatchOf(router, Req(Method::kGet, "/api/alerts/rules/", "monitor")).status, 404);
  EXPECT_EQ(DispatchOf(router, Req(Method::kGet, "/healthz/")).status, 404);
  EXPECT_EQ(DispatchOf(router, Req(Method::kGet, "/api/alerts/rules/a/b", "monitor")).status, 404);
}

TEST(Router, HeadFallsBackToGetUnlessDeclared) {
  const Router router = MakeRouter();
  EXPECT_EQ(DispatchOf(router, Req(Method::kHead, "/healthz")).body, "health");
  EXPECT_EQ(DispatchOf(router, Req(Method::kHead, "/explicit-head")).body, "head");
  EXPECT_EQ(DispatchOf(router, Req(Method::kGet, "/explicit-head")).body, "get");
}

TEST(Router, NotFoundAndMethodNotAllowed) {
  const Router router = MakeRouter();
  const Response nf = DispatchOf(router, Req(Method::kGet, "/nope"));
  EXPECT_EQ(nf.status, 404);
  EXPECT_EQ(nf.content_type, "application/json");
  EXPECT_EQ(ErrorCode(nf), "not_found");

  const Response na = DispatchOf(router, Req(Method::kDelete, "/api/alerts/rules", "admin"));
  EXPECT_EQ(na.status, 405);
  EXPECT_EQ(HeaderOf(na, "Allow"), "GET, HEAD, POST");
  EXPECT_EQ(ErrorCode(na), "invalid_request");

  const Response na2 = DispatchOf(router, Req(Method::kPost, "/healthz"));
  EXPECT_EQ(na2.status, 405);
  EXPECT_EQ(HeaderOf(na2, "Allow"), "GET, HEAD");
  // 404/405 come before authentication: no credential needed to learn that.
  EXPECT_EQ(DispatchOf(router, Req(Method::kOther, "/api/alerts/rules")).status, 405);
}

TEST(Router, MatchReportsPathExists) {
  const Router router = MakeRouter();
  Request req = Req(Method::kDelete, "/api/alerts/rules/x");
  bool path_exists = false;
  EXPECT_EQ(router.Match(&req, &path_exists), nullptr);
  EXPECT_TRUE(path_exists);
  req = Req(Method::kGet, "/api/alerts/rules/x");
  const Route* route = router.Match(&req, &path_exists);
  ASSERT_NE(route, nullptr);
  EXPECT_EQ(route->pattern, "/api/alerts/rules/{name}");
  EXPECT_EQ(req.params, std::vector<std::string>{"x"});
  req = Req(Method::kGet, "/zzz");
  EXPECT_EQ(router.Match(&req, &path_exists), nullptr);
  EXPECT_FALSE(path_exists);
}

TEST(Router, MatchesAHandBuiltRequestByPath) {
  const Router router = MakeRouter();
  Request req;
  req.method = Method::kGet;
  req.path = "/a/b/c";  // no target: segments come from the decoded path
  bool path_exists = false;
  const Route* route = router.Match(&req, &path_exists);
  ASSERT_NE(route, nullptr);
  EXPECT_EQ(route->pattern, "/a/b/{y}");
}

TEST(Router, BadTargetIs400) {
  const Router router = MakeRouter();
  for (const char* target : {"/api/alerts/rules/a%00b", "/api/alerts/rules/%zz", "/x%4"}) {
    Request req;
    req.method = Method::kGet;
    req.target = target;
    const Response r = DispatchOf(router, std::move(req));
    EXPECT_EQ(r.status, 400) << target;
    EXPECT_EQ(ErrorCode(r), "invalid_request");
  }
}

TEST(Router, UnauthenticatedIs401WithChallenge) {
  const Router router = MakeRouter();
  const Response none = DispatchOf(router, Req(Method::kGet, "/api/alerts/rules"));
  EXPECT_EQ(none.status, 401);
  EXPECT_EQ(ErrorCode(none), "unauthorized");
  EXPECT_EQ(HeaderOf(none, "WWW-Authenticate"), "Bearer");

  const Response wrong = DispatchOf(router, Req(Method::kGet, "/api/alerts/rules", "wrong-token"));
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(HeaderOf(wrong, "WWW-Authenticate"), "Bearer");
  EXPECT_NE(wrong.body.find("invalid credentials"), std::string::npos);
}

TEST(Router, LowerRoleIs403) {
  const Router router = MakeRouter();
  const Response r = DispatchOf(router, Req(Method::kPost, "/api/alerts/rules", "monitor"));
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(ErrorCode(r), "forbidden");
  EXPECT_EQ(DispatchOf(router, Req(Method::kGet, "/api/alerts/rules", "ingest")).status, 403);
  EXPECT_EQ(DispatchOf(router, Req(Method::kPost, "/api/v1/events", "monitor")).status, 403);
  EXPECT_EQ(DispatchOf(router, Req(Method::kPost, "/api/v1/events", "ingest")).status, 200);
  EXPECT_EQ(DispatchOf(router, Req(Method::kPost, "/api/v1/events", "admin")).status, 200);
  EXPECT_EQ(DispatchOf(router, Req(Method::kGet, "/api/alerts/rules", "admin")).status, 200);
}

TEST(Router, OpenRouteRunsForAnyoneWithPrincipalFilled) {
  Router router(TestAuth);
  Principal seen;
  router.Add(Route(Method::kGet, "/open", Role::kNone, SyncHandler([&seen](Request& req) {
                     seen = req.principal;
                     return Response::NoContent();
                   })));
  EXPECT_EQ(DispatchOf(router, Req(Method::kGet, "/open", "monitor")).status, 204);
  EXPECT_EQ(seen.role, Role::kMonitor);
  EXPECT_TRUE(seen.presented);
  EXPECT_EQ(DispatchOf(router, Req(Method::kGet, "/open", "bogus")).status, 204);
  EXPECT_EQ(seen.role, Role::kNone);
  EXPECT_TRUE(seen.presented);
  EXPECT_EQ(DispatchOf(router, Req(Method::kGet, "/open")).status, 204);
  EXPECT_FALSE(seen.presented);
}

TEST(Router, AuthorizeFillsPrincipal) {
  const Router router = MakeRouter();
  Request req = Req(Method::kGet, "/api/alerts/rules", "admin");
  bool path_exists = false;
  const Route* route = router.Match(&req, &path_exists);
  ASSERT_NE(route, nullptr);
  EXPECT_FALSE(router.Authorize(*route, req).has_value());
  EXPECT_EQ(req.principal.role, Role::kAdmin);
  EXPECT_EQ(req.principal.name, "admin");
}

TEST(Router, NoAuthenticatorMeansNobodyIsAuthenticated) {
  Router router(nullptr);
  router.Add(Route(Method::kGet, "/m", Role::kMonitor, Named("m")));
  router.Add(Route(Method::kGet, "/o", Role::kNone, Named("o")));
  EXPECT_EQ(DispatchOf(router, Req(Method::kGet, "/m", "admin")).status, 401);
  EXPECT_EQ(DispatchOf(router, Req(Method::kGet, "/o")).status, 200);
}

TEST(RoleAllows, Matrix) {
  const Role all[] = {Role::kNone, Role::kIngest, Role::kMonitor, Role::kAdmin};
  for (Role have : all) {
    EXPECT_TRUE(RoleAllows(have, Role::kNone));
  }
  EXPECT_FALSE(RoleAllows(Role::kNone, Role::kIngest));
  EXPECT_FALSE(RoleAllows(Role::kNone, Role::kMonitor));
  EXPECT_FALSE(RoleAllows(Role::kNone, Role::kAdmin));
  EXPECT_TRUE(RoleAllows(Role::kIngest, Role::kIngest));
  EXPECT_FALSE(RoleAllows(Role::kIngest, Role::kMonitor));
  EXPECT_FALSE(RoleAllows(Role::kIngest, Role::kAdmin));
  EXPECT_FALSE(RoleAllows(Role::kMonitor, Role::kIngest));
  EXPECT_TRUE(RoleAllows(Role::kMonitor, Role::kMonitor));
  EXPECT_FALSE(RoleAllows(Role::kMonitor, Role::kAdmin));
  EXPECT_TRUE(RoleAllows(Role::kAdmin, Role::kIngest));
  EXPECT_TRUE(RoleAllows(Role::kAdmin, Role::kMonitor));
  EXPECT_TRUE(RoleAllows(Role::kAdmin, Role::kAdmin));
}

}  // namespace
}  // namespace botmon
