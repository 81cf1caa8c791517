#include "auth/login_sessions.h"

#include <gtest/gtest.h>

#include "auth/token.h"
#include "store/temp_store_test.h"

namespace botmon {
namespace {

constexpr int64_t kIdle = 60'000;
constexpr int64_t kMax = 300'000;

class LoginSessionsTest : public TempStoreTest {
 protected:
  LoginSessionsTest() : TempStoreTest(1) {}
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(TempStoreTest::SetUp());
    ASSERT_TRUE(store_->CreateUser({"ann", "monitor", "h", 1}).ok());
    ASSERT_TRUE(store_->CreateUser({"root", "admin", "h", 1}).ok());
    logins_ = Make();
  }
  void TearDown() override {
    logins_.reset();
    TempStoreTest::TearDown();
  }
  std::unique_ptr<LoginSessions> Make() {
    return std::make_unique<LoginSessions>(store_.get(), &clock_, [] {
      return SessionLimits{kIdle, kMax};
    });
  }

  FakeClock clock_;
  std::unique_ptr<LoginSessions> logins_;
};

TEST_F(LoginSessionsTest, CreateVerifyAndOnlyTheHashIsStored) {
  auto id = logins_->Create("ann", Role::kMonitor);
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(id->size(), 43u);
  Principal p = logins_->Verify(*id);
  EXPECT_EQ(p.role, Role::kMonitor);
  EXPECT_EQ(p.name, "ann");
  EXPECT_TRUE(p.via_cookie);
  EXPECT_TRUE(p.presented);
  auto row = store_->FindLoginSession(HashToken(*id));
  ASSERT_TRUE(row.ok());
  ASSERT_TRUE(row->has_value());
  EXPECT_EQ((*row)->user, "ann");
  EXPECT_FALSE(store_->FindLoginSession(*id)->has_value());
}

TEST_F(LoginSessionsTest, ForgedIdsAreInvalid) {
  for (std::string forged :
       {std::string("x"), std::string(43, 'A'), std::string(44, 'A'), std::string(43, '!')}) {
    Principal p = logins_->Verify(forged);
    EXPECT_EQ(p.role, Role::kNone) << forged;
    EXPECT_TRUE(p.presented);
  }
}

TEST_F(LoginSessionsTest, IdleAndAbsoluteExpiry) {
  auto id = *logins_->Create("ann", Role::kMonitor);
  clock_.AdvanceMs(kIdle - 1);
  EXPECT_EQ(logins_->Verify(id).role, Role::kMonitor);  // used: the idle clock restarts
  clock_.AdvanceMs(kIdle - 1);
  EXPECT_EQ(logins_->Verify(id).role, Role::kMonitor);
  clock_.AdvanceMs(kIdle);
  EXPECT_EQ(logins_->Verify(id).role, Role::kNone);

  auto busy = *logins_->Create("ann", Role::kMonitor);
  for (int i = 0; i < 10; ++i) {
    clock_.AdvanceMs(kMax / 10 - 1);
    EXPECT_EQ(logins_->Verify(busy).role, Role::kMonitor) << i;
  }
  clock_.AdvanceMs(20);
  EXPECT_EQ(logins_->Verify(busy).role, Role::kNone);  // kMax after the login, used or not
}

TEST_F(LoginSessionsTest, ARestartKeepsLoginsAndTheirLastUse) {
  auto id = *logins_->Create("root", Role::kAdmin);
  clock_.AdvanceMs(kIdle / 2);
  EXPECT_EQ(logins_->Verify(id).role, Role::kAdmin);
  ASSERT_TRUE(store_->TouchLoginSessions(logins_->TakeSeen()).ok());
  auto restarted = Make();
  clock_.AdvanceMs(kIdle / 2 + 10);  // idle since the login, but not since the last use
  Principal p = restarted->Verify(id);
  EXPECT_EQ(p.role, Role::kAdmin);
  EXPECT_EQ(p.name, "root");
}

TEST_F(LoginSessionsTest, RemoveForgetUserAndPurge) {
  auto a = *logins_->Create("ann", Role::kMonitor);
  auto b = *logins_->Create("root", Role::kAdmin);
  auto c = *logins_->Create("root", Role::kAdmin);
  ASSERT_TRUE(logins_->Remove(a).ok());
  EXPECT_EQ(logins_->Verify(a).role, Role::kNone);
  EXPECT_FALSE(store_->FindLoginSession(HashToken(a))->has_value());
  logins_->ForgetUser("root");
  EXPECT_EQ(logins_->Verify(b).role, Role::kNone);
  clock_.AdvanceMs(kIdle + 1);
  ASSERT_TRUE(logins_->Purge().ok());
  EXPECT_FALSE(store_->FindLoginSession(HashToken(c))->has_value());
}

TEST(SessionCookieTest, FindsTheCookieAmongOthers) {
  EXPECT_EQ(SessionCookieValue("botmon_session=abc"), "abc");
  EXPECT_EQ(SessionCookieValue("a=1; botmon_session=abc; b=2"), "abc");
  EXPECT_EQ(SessionCookieValue("a=1;botmon_session=\"abc\""), "abc");
  EXPECT_EQ(SessionCookieValue("xbotmon_session=abc"), "");
  EXPECT_EQ(SessionCookieValue("a=1"), "");
  EXPECT_EQ(SessionCookieValue(""), "");
}

Request Req(Method m, std::vector<Header> headers) {
  Request r;
  r.method = m;
  r.headers = std::move(headers);
  return r;
}

TEST(OriginCheckTest, StateChangesNeedTheServersOwnOrigin) {
  const Header host{"host", "127.0.0.1:8080"};
  EXPECT_TRUE(SameOriginForStateChange(Req(Method::kGet, {host})));
  EXPECT_TRUE(SameOriginForStateChange(Req(Method::kHead, {host, {"origin", "http://evil"}})));
  EXPECT_TRUE(
      SameOriginForStateChange(Req(Method::kPost, {host, {"origin", "http://127.0.0.1:8080"}})));
  EXPECT_TRUE(SameOriginForStateChange(
      Req(Method::kDelete, {host, {"referer", "http://127.0.0.1:8080/alerts?x=1"}})));
  EXPECT_FALSE(SameOriginForStateChange(Req(Method::kPost, {host})));  // neither header
  EXPECT_FALSE(
      SameOriginForStateChange(Req(Method::kPost, {host, {"origin", "http://evil.example"}})));
  EXPECT_FALSE(SameOriginForStateChange(Req(Method::kPut, {host, {"origin", "null"}})));
  EXPECT_FALSE(
      SameOriginForStateChange(Req(Method::kPost, {host, {"origin", "https://127.0.0.1:8080"}})));
  EXPECT_FALSE(
      SameOriginForStateChange(Req(Method::kPost, {host, {"origin", "http://127.0.0.1:80800"}})));
  // A Referer only counts without an Origin, and must be the origin followed by a path.
  EXPECT_FALSE(SameOriginForStateChange(Req(
      Method::kPost, {host, {"origin", "http://evil"}, {"referer", "http://127.0.0.1:8080/"}})));
  EXPECT_FALSE(SameOriginForStateChange(
      Req(Method::kPost, {host, {"referer", "http://127.0.0.1:8080.evil/"}})));
  EXPECT_FALSE(SameOriginForStateChange(Req(Method::kOther, {host})));
  EXPECT_FALSE(SameOriginForStateChange(
      Req(Method::kPost, {{"origin", "http://127.0.0.1:8080"}})));  // no Host
}

TEST_F(LoginSessionsTest, AuthenticatorPrefersBearerAndRouterChecksOrigin) {
  TokenCache tokens(store_.get(), &clock_);
  const std::string token = GenerateToken();
  ASSERT_TRUE(store_->CreateToken({"t1", "ci", "admin", HashToken(token), 1, std::nullopt}).ok());
  auto id = *logins_->Create("root", Role::kAdmin);
  Router router(MakeAuthenticator(&tokens, logins_.get()));
  int calls = 0;
  router.Add(Route(Method::kPost, "/x", Role::kAdmin, SyncHandler([&](Request& r) {
                     ++calls;
                     return Response::Json(200, "\"" + r.principal.name + "\"");
                   })));
  auto call = [&](std::vector<Header> headers) {
    Request req = Req(Method::kPost, std::move(headers));
    EXPECT_TRUE(ParseTarget("/x", &req).ok());
    Response out;
    router.Dispatch(req, Responder([&](Response r) { out = std::move(r); }));
    return out;
  };
  const Header host{"host", "h:1"};
  const Header cookie{"cookie", "botmon_session=" + id};
  EXPECT_EQ(call({host, cookie, {"origin", "http://h:1"}}).status, 200);
  EXPECT_EQ(call({host, cookie, {"origin", "http://other:1"}}).status, 403);
  EXPECT_EQ(call({host, cookie}).status, 403);
  // A bearer token is not origin-checked, and wins over a cookie.
  Response r = call({host, cookie, {"authorization", "Bearer " + token}});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "\"ci\"");
  EXPECT_EQ(call({host, {"cookie", "botmon_session=" + std::string(43, 'Q')}}).status, 401);
  EXPECT_EQ(call({host, {"cookie", "theme=dark"}}).status, 401);
  EXPECT_EQ(calls, 2);
}

}  // namespace
}  // namespace botmon

namespace botmon {
namespace {

// A login whose password check overlapped the user's deletion (or whose role changed meanwhile)
// gets no session: not in the store, not in memory.
TEST_F(LoginSessionsTest, NoSessionForAUserDeletedDuringTheLogin) {
  ASSERT_TRUE(store_->DeleteUser("ann").ok());
  auto id = logins_->Create("ann", Role::kMonitor);
  ASSERT_FALSE(id.ok());
  EXPECT_EQ(id.status().code(), StatusCode::kNotFound);
  auto wrong_role = logins_->Create("root", Role::kMonitor);
  EXPECT_EQ(wrong_role.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(logins_->Create("root", Role::kAdmin).ok(), true);
}

}  // namespace
}  // namespace botmon
