// SPEC 12: a test iterates the router's own table and proves, for every route, 401 without and
// with a wrong credential, and 403 with each role that may not call it. Handlers never run in
// these cases, so the context they would use can stay empty.
#include <gtest/gtest.h>

#include <type_traits>

#include "api/routes.h"
#include "auth/login_sessions.h"
#include "auth/token.h"
#include "auth/token_cache.h"
#include "store/store.h"
#include "store/temp_store_test.h"

namespace botmon {
namespace {

// A route cannot be made without declaring its role.
static_assert(!std::is_default_constructible_v<Route>);
static_assert(!std::is_constructible_v<Route, Method, std::string, Handler>);

Response Call(const Router& router, Method m, const std::string& path,
              const std::string& authorization, std::vector<Header> headers = {}) {
  Request req;
  req.method = m;
  EXPECT_TRUE(ParseTarget(path, &req).ok()) << path;
  if (!authorization.empty()) req.headers.push_back({"authorization", authorization});
  for (auto& h : headers) req.headers.push_back(std::move(h));
  Response out;
  bool answered = false;
  router.Dispatch(req, Responder([&](Response r) {
                    out = std::move(r);
                    answered = true;
                  }));
  EXPECT_TRUE(answered);
  return out;
}

// A concrete path for a pattern: every {capture} becomes "x".
std::string PathFor(const std::string& pattern) {
  std::string out;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '{') {
      out += "x";
      i = pattern.find('}', i);
    } else {
      out += pattern[i];
    }
  }
  return out;
}

class RouteAuthTest : public TempStoreTest {
 protected:
  RouteAuthTest() : TempStoreTest(1) {}
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(TempStoreTest::SetUp());
    for (const char* role : {"admin", "monitor", "ingest"}) {
      std::string t = GenerateToken();
      ASSERT_TRUE(store_->CreateToken({role, role, role, HashToken(t), 1, std::nullopt}).ok());
      tokens_[role] = t;
    }
    cache_ = std::make_unique<TokenCache>(store_.get(), &clock_);
    ASSERT_TRUE(cache_->Refresh().ok());
    logins_ = std::make_unique<LoginSessions>(store_.get(), &clock_, [] {
      return SessionLimits{60'000, 600'000};
    });
    for (const char* role : {"admin", "monitor"}) {
      ASSERT_TRUE(store_->CreateUser({role, role, "unused", 1}).ok());
    }
    // A login that has expired by the time the checks run.
    expired_ = *logins_->Create("admin", Role::kAdmin);
    clock_.AdvanceMs(60'001);
    cookies_["admin"] = *logins_->Create("admin", Role::kAdmin);
    cookies_["monitor"] = *logins_->Create("monitor", Role::kMonitor);
  }
  void TearDown() override {
    logins_.reset();
    TempStoreTest::TearDown();
  }

  FakeClock clock_;
  std::unique_ptr<TokenCache> cache_;
  std::map<std::string, std::string> tokens_;
  std::unique_ptr<LoginSessions> logins_;
  std::map<std::string, std::string> cookies_;  // role -> session id
  std::string expired_;
};

std::vector<Header> CookieHeaders(const std::string& id, const std::string& origin) {
  std::vector<Header> h = {{"host", "127.0.0.1:8080"}, {"cookie", "botmon_session=" + id}};
  if (!origin.empty()) h.push_back({"origin", origin});
  return h;
}

bool ChangesState(Method m) { return m != Method::kGet && m != Method::kHead; }

TEST_F(RouteAuthTest, EveryRouteRejectsMissingWrongAndLowerCredentials) {
  ApiContext ctx;  // handlers are never reached below
  Router router(MakeAuthenticator(cache_.get(), logins_.get()));
  AddApiRoutes(&router, &ctx, ApiServices{}, /*metrics_public=*/false);
  ASSERT_GE(router.routes().size(), 10u);
  int checked = 0;
  int cross_origin_checked = 0;
  const std::string own = "http://127.0.0.1:8080";
  for (const Route& route : router.routes()) {
    const std::string path = PathFor(route.pattern);
    SCOPED_TRACE(std::string(MethodName(route.method)) + " " + route.pattern);
    if (route.role == Role::kNone) {
      // Only liveness, readiness, login/logout and "who am I" (a null user without a session)
      // are open (and /metrics when metrics.public is set).
      EXPECT_TRUE(route.pattern == "/healthz" || route.pattern == "/readyz" ||
                  route.pattern == "/api/auth/login" || route.pattern == "/api/auth/logout" ||
                  route.pattern == "/api/auth/me")
          << route.pattern;
      continue;
    }
    Response none = Call(router, route.method, path, "");
    EXPECT_EQ(none.status, 401);
    bool has_challenge = false;
    for (const auto& h : none.headers) {
      has_challenge |= h.name == "WWW-Authenticate" && h.value == "Bearer";
    }
    EXPECT_TRUE(has_challenge);
    EXPECT_NE(none.body.find("\"unauthorized\""), std::string::npos);
    EXPECT_EQ(Call(router, route.method, path, "Bearer " + GenerateToken()).status, 401);
    EXPECT_EQ(Call(router, route.method, path, "Bearer not-a-token").status, 401);
    EXPECT_EQ(Call(router, route.method, path, "Basic YWRtaW46YWRtaW4=").status, 401);
    // Dashboard cookies: forged, unknown and expired ones are wrong credentials.
    for (const std::string& bad :
         {std::string("forged"), std::string(43, 'A'), GenerateToken().substr(3), expired_}) {
      EXPECT_EQ(Call(router, route.method, path, "", CookieHeaders(bad, own)).status, 401) << bad;
    }
    if (ChangesState(route.method) && RoleAllows(Role::kAdmin, route.role)) {
      // A valid cookie from another origin (or with no Origin/Referer at all) is refused.
      for (const std::string& origin :
           {std::string("http://evil.example"), std::string("null"), std::string("")}) {
        Response r = Call(router, route.method, path, "", CookieHeaders(cookies_["admin"], origin));
        EXPECT_EQ(r.status, 403) << "origin " << origin;
        EXPECT_NE(r.body.find("\"forbidden\""), std::string::npos);
      }
      ++cross_origin_checked;
    }
    for (const auto& [name, id] : cookies_) {
      Role have;
      ASSERT_TRUE(ParseRole(name, &have));
      if (RoleAllows(have, route.role)) continue;
      Response r = Call(router, route.method, path, "", CookieHeaders(id, own));
      EXPECT_EQ(r.status, 403) << "cookie role " << name;
      ++checked;
    }
    for (const auto& [name, token] : tokens_) {
      Role have;
      ASSERT_TRUE(ParseRole(name, &have));
      if (RoleAllows(have, route.role)) continue;
      Response r = Call(router, route.method, path, "Bearer " + token);
      EXPECT_EQ(r.status, 403) << "role " << name;
      EXPECT_NE(r.body.find("\"forbidden\""), std::string::npos);
      ++checked;
    }
  }
  EXPECT_GE(checked, 9);  // 8 monitor routes x ingest, the ingest route x monitor
  EXPECT_GE(cross_origin_checked, 10);
}

TEST_F(RouteAuthTest, MetricsIsOpenOnlyWhenPublic) {
  ApiContext ctx;
  Router closed(MakeTokenAuthenticator(cache_.get()));
  AddApiRoutes(&closed, &ctx, ApiServices{}, false);
  EXPECT_EQ(Call(closed, Method::kGet, "/metrics", "").status, 401);
  EXPECT_EQ(Call(closed, Method::kGet, "/metrics", "Bearer " + tokens_["ingest"]).status, 403);
  Router open(MakeTokenAuthenticator(cache_.get()));
  AddApiRoutes(&open, &ctx, ApiServices{}, true);
  bool found = false;
  for (const Route& r : open.routes()) {
    if (r.pattern == "/metrics") found = r.role == Role::kNone;
  }
  EXPECT_TRUE(found);
}

}  // namespace
}  // namespace botmon
