// Dashboard users, logins and the audit log (SPEC 9, 12), through the real binary: the first
// admin (BOTMON_ADMIN_PASSWORD or a password printed once), login/logout/me with the cookie's
// attributes, the failed-login rate limit, a monitor user made by `botmon user add`, idle expiry,
// logins surviving a restart, the admin API for users and tokens, audit entries, and no
// password, token or session id in the data dir or the logs.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "integration/harness.h"

namespace botmon::testing {
namespace {

using nlohmann::json;

constexpr const char* kAdminPassword = "Adm1n-pass-for-tests";

struct Login {
  HttpResult reply;
  std::string cookie;  // the session id, "" when none was set
};

Login DoLogin(const BotmonServer& s, const std::string& user, const std::string& password) {
  Login out;
  out.reply = Http("POST", s.url("/api/auth/login"),
                   json{{"username", user}, {"password", password}}.dump(),
                   {"Content-Type: application/json"});
  auto it = out.reply.headers.find("set-cookie");
  if (it != out.reply.headers.end()) {
    std::smatch m;
    static const std::regex kId("botmon_session=([A-Za-z0-9_-]+)");
    if (std::regex_search(it->second, m, kId)) out.cookie = m[1];
  }
  return out;
}

std::string Origin(const BotmonServer& s) { return "http://127.0.0.1:" + std::to_string(s.port()); }

// A request with the dashboard's cookie, from the server's own origin unless `origin` is given.
HttpResult WithCookie(const BotmonServer& s, const std::string& method, const std::string& path,
                      const std::string& cookie, const std::string& body = "",
                      std::optional<std::string> origin = std::nullopt) {
  std::vector<std::string> headers = {"Cookie: botmon_session=" + cookie,
                                      "Content-Type: application/json"};
  const std::string o = origin ? *origin : Origin(s);
  if (!o.empty()) headers.push_back("Origin: " + o);
  return Http(method, s.url(path), body, headers);
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class AuthTest : public ::testing::Test {
 protected:
  void StartWith(const std::string& yaml = "") {
    std::vector<std::string> args;
    if (!yaml.empty()) {
      std::ofstream(server_.dir() + "/botmon.yaml") << yaml;
      args = {"--config", server_.dir() + "/botmon.yaml"};
    }
    args_ = args;
    ASSERT_TRUE(server_.Start(args, {{"BOTMON_ADMIN_PASSWORD", kAdminPassword}})) << server_.log();
  }
  void Restart() {
    logs_ += server_.log();
    ASSERT_EQ(server_.Stop(), 0);
    ASSERT_TRUE(server_.Start(args_, {{"BOTMON_ADMIN_PASSWORD", kAdminPassword}})) << server_.log();
  }

  BotmonServer server_;
  std::vector<std::string> args_;
  std::string logs_;  // stderr of the earlier runs
};

TEST_F(AuthTest, LoginMeLogoutAndTheCookiesAttributes) {
  ASSERT_NO_FATAL_FAILURE(StartWith());
  Login ok = DoLogin(server_, "admin", kAdminPassword);
  ASSERT_EQ(ok.reply.status, 200) << ok.reply.body;
  EXPECT_EQ(ok.reply.Json(), json::parse(R"({"user":"admin","role":"admin"})"));
  const std::string set_cookie = ok.reply.headers["set-cookie"];
  EXPECT_EQ(ok.cookie.size(), 43u) << set_cookie;
  EXPECT_NE(set_cookie.find("; HttpOnly"), std::string::npos) << set_cookie;
  EXPECT_NE(set_cookie.find("; SameSite=Strict"), std::string::npos) << set_cookie;
  EXPECT_NE(set_cookie.find("; Path=/"), std::string::npos) << set_cookie;

  auto me = WithCookie(server_, "GET", "/api/auth/me", ok.cookie);
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(me.Json(), json::parse(R"({"user":"admin","role":"admin"})"));
  // Without a session /me says so with a 200 (the login form asks it on every visit, and a 401
  // would be a console error in the browser); the routes with a role answer 401.
  auto nobody = Http("GET", server_.url("/api/auth/me"));
  EXPECT_EQ(nobody.status, 200);
  EXPECT_EQ(nobody.Json(), json::parse(R"({"user":null,"role":null})"));
  auto forged = WithCookie(server_, "GET", "/api/auth/me", std::string(43, 'x'));
  EXPECT_EQ(forged.Json(), json::parse(R"({"user":null,"role":null})"));
  EXPECT_EQ(Http("GET", server_.url("/api/monitoring/status")).status, 401);
  // A bearer token answers /me with its own name and role.
  const std::string viewer = server_.CreateToken("viewer-token", "monitor");
  EXPECT_EQ(server_.Get("/api/auth/me", viewer).Json(),
            json::parse(R"({"user":"viewer-token","role":"monitor"})"));

  // The same reply for a wrong password and an unknown user.
  Login bad = DoLogin(server_, "admin", "wrong-password");
  Login unknown = DoLogin(server_, "nobody", "wrong-password");
  EXPECT_EQ(bad.reply.status, 401);
  EXPECT_EQ(unknown.reply.status, 401);
  EXPECT_EQ(bad.reply.body, unknown.reply.body);
  EXPECT_TRUE(bad.cookie.empty());
  EXPECT_EQ(DoLogin(server_, "", "").reply.status, 401);
  EXPECT_EQ(Http("POST", server_.url("/api/auth/login"), "nope", {"Content-Type: application/json"})
                .status,
            400);
  // A login needs a JSON body and, when an Origin comes, this server's own: another site's page
  // cannot post logins (a text/plain form post, or a fetch from elsewhere).
  const std::string creds = json{{"username", "admin"}, {"password", kAdminPassword}}.dump();
  EXPECT_EQ(
      Http("POST", server_.url("/api/auth/login"), creds, {"Content-Type: text/plain"}).status,
      415);
  EXPECT_EQ(Http("POST", server_.url("/api/auth/login"), creds,
                 {"Content-Type: application/json", "Origin: http://evil.example"})
                .status,
            403);
  EXPECT_EQ(Http("POST", server_.url("/api/auth/login"), creds,
                 {"Content-Type: application/json; charset=utf-8", "Origin: " + server_.url()})
                .status,
            200);

  auto out = WithCookie(server_, "POST", "/api/auth/logout", ok.cookie);
  EXPECT_EQ(out.status, 204);
  EXPECT_NE(out.headers["set-cookie"].find("botmon_session=;"), std::string::npos);
  EXPECT_NE(out.headers["set-cookie"].find("Max-Age=0"), std::string::npos);
  EXPECT_EQ(WithCookie(server_, "GET", "/api/monitoring/status", ok.cookie).status, 401);
  EXPECT_EQ(WithCookie(server_, "GET", "/api/monitoring/status", std::string(43, 'x')).status, 401);
}

TEST_F(AuthTest, FiveFailuresPerMinuteThen429) {
  ASSERT_NO_FATAL_FAILURE(StartWith());
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(DoLogin(server_, "admin", "bad-" + std::to_string(i)).reply.status, 401) << i;
  }
  Login limited = DoLogin(server_, "admin", kAdminPassword);  // even the right password
  EXPECT_EQ(limited.reply.status, 429);
  EXPECT_EQ(limited.reply.Json()["error"]["code"], "rate_limited");
  EXPECT_FALSE(limited.reply.headers["retry-after"].empty());
  EXPECT_TRUE(limited.cookie.empty());
  // Another name from the same client still gets an answer (until the per-IP cap).
  EXPECT_EQ(DoLogin(server_, "someone-else", "x-password").reply.status, 401);
}

TEST_F(AuthTest, MonitorUserFromTheCliSeesMaskedDataButNoAdminRoutes) {
  ASSERT_NO_FATAL_FAILURE(StartWith());
  auto add =
      RunBotmon({"user", "add", "viewer", "--role", "monitor", "--data-dir", server_.data_dir()},
                {}, "viewer-pass-123\n");
  ASSERT_EQ(add.exit_code, 0) << add.err;
  EXPECT_EQ(add.out, "");
  auto again =
      RunBotmon({"user", "add", "viewer", "--role", "monitor", "--data-dir", server_.data_dir()},
                {}, "viewer-pass-123\n");
  EXPECT_EQ(again.exit_code, 2);
  auto gen = RunBotmon({"user", "add", "second-admin", "--role", "admin", "--generate",
                        "--data-dir", server_.data_dir()});
  ASSERT_EQ(gen.exit_code, 0) << gen.err;
  std::string generated = gen.out;
  while (!generated.empty() && generated.back() == '\n') generated.pop_back();
  EXPECT_GE(generated.size(), 8u);
  EXPECT_EQ(DoLogin(server_, "second-admin", generated).reply.status, 200);

  const std::string ingest = server_.CreateToken("bot", "ingest");
  json start = {{"type", "session.start"},
                {"session", "s-1"},
                {"user", "+5511999888777"},
                {"channel", "web"},
                {"bot", "mybot"}};
  ASSERT_EQ(server_.Post("/api/v1/events", ingest, json::array({start}).dump()).status, 200);

  Login login = DoLogin(server_, "viewer", "viewer-pass-123");
  ASSERT_EQ(login.reply.status, 200) << login.reply.body;
  EXPECT_EQ(login.reply.Json()["role"], "monitor");
  HttpResult sessions;
  ASSERT_TRUE(WaitFor(
      [&] {
        sessions = WithCookie(server_, "GET", "/api/monitoring/sessions", login.cookie);
        return sessions.status == 200 && sessions.body.find("s-1") != std::string::npos;
      },
      5000))
      << sessions.status << " " << sessions.body;
  EXPECT_EQ(sessions.body.find("+5511999888777"), std::string::npos) << sessions.body;

  EXPECT_EQ(WithCookie(server_, "GET", "/api/admin/users", login.cookie).status, 403);
  EXPECT_EQ(WithCookie(server_, "GET", "/api/admin/audit", login.cookie).status, 403);
  EXPECT_EQ(WithCookie(server_, "POST", "/api/alerts/rules", login.cookie, "{}").status, 403);
  EXPECT_EQ(WithCookie(server_, "POST", "/api/admin/tokens", login.cookie,
                       R"({"name":"x","role":"admin"})")
                .status,
            403);
}

TEST_F(AuthTest, IdleLoginsExpireAndARestartKeepsTheOthers) {
  ASSERT_NO_FATAL_FAILURE(StartWith("auth: {sessionIdle: 2s, sessionMax: 1h}\n"));
  Login idle = DoLogin(server_, "admin", kAdminPassword);
  ASSERT_EQ(idle.reply.status, 200);
  EXPECT_EQ(WithCookie(server_, "GET", "/api/auth/me", idle.cookie).status, 200);
  std::this_thread::sleep_for(std::chrono::milliseconds(2300));
  EXPECT_EQ(WithCookie(server_, "GET", "/api/monitoring/status", idle.cookie).status, 401);

  Login kept = DoLogin(server_, "admin", kAdminPassword);
  ASSERT_EQ(kept.reply.status, 200);
  ASSERT_NO_FATAL_FAILURE(Restart());
  auto me = WithCookie(server_, "GET", "/api/auth/me", kept.cookie);
  EXPECT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(WithCookie(server_, "GET", "/api/monitoring/status", idle.cookie).status, 401);
  // BOTMON_ADMIN_PASSWORD does not overwrite an existing user's password silently.
  EXPECT_NE(server_.log().find("BOTMON_ADMIN_PASSWORD is ignored"), std::string::npos)
      << server_.log();
}

TEST(AuthFirstStartTest, PrintsARandomAdminPasswordOnceThatWorks) {
  BotmonServer server;
  ASSERT_TRUE(server.Start()) << server.log();
  std::smatch m;
  const std::string log = server.log();
  static const std::regex kLine("created dashboard user \"admin\" with password ([A-Za-z0-9_-]+)");
  ASSERT_TRUE(std::regex_search(log, m, kLine)) << log;
  const std::string password = m[1];
  EXPECT_GE(password.size(), 16u);
  EXPECT_EQ(DoLogin(server, "admin", password).reply.status, 200);
  ASSERT_EQ(server.Stop(), 0);
  ASSERT_TRUE(server.Start()) << server.log();
  std::string second = server.log();
  if (second.rfind(log, 0) == 0) second = second.substr(log.size());  // when the log accumulates
  EXPECT_EQ(second.find("with password"), std::string::npos) << "printed twice: " << second;
  EXPECT_EQ(DoLogin(server, "admin", password).reply.status, 200);
}

TEST_F(AuthTest, AdminApiForUsersTokensAndTheAuditLog) {
  ASSERT_NO_FATAL_FAILURE(StartWith());
  Login admin = DoLogin(server_, "admin", kAdminPassword);
  ASSERT_EQ(admin.reply.status, 200);
  const std::string& c = admin.cookie;

  // A cross-origin (or origin-less) state change with a valid cookie is refused.
  EXPECT_EQ(WithCookie(server_, "POST", "/api/admin/users", c,
                       R"({"name":"eve","role":"admin","password":"eve-pass-123"})",
                       "http://evil.example")
                .status,
            403);
  EXPECT_EQ(WithCookie(server_, "POST", "/api/admin/users", c,
                       R"({"name":"eve","role":"admin","password":"eve-pass-123"})", "")
                .status,
            403);

  auto created = WithCookie(server_, "POST", "/api/admin/users", c,
                            R"({"name":"ann","role":"monitor","password":"ann-pass-123"})");
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(WithCookie(server_, "POST", "/api/admin/users", c,
                       R"({"name":"ann","role":"monitor","password":"ann-pass-123"})")
                .status,
            409);
  EXPECT_EQ(WithCookie(server_, "POST", "/api/admin/users", c,
                       R"({"name":"bob","role":"monitor","password":"short"})")
                .status,
            400);
  auto users = WithCookie(server_, "GET", "/api/admin/users", c);
  ASSERT_EQ(users.status, 200);
  EXPECT_EQ(users.Json()["users"].size(), 2u);
  EXPECT_EQ(users.body.find("argon2"), std::string::npos) << users.body;
  Login ann = DoLogin(server_, "ann", "ann-pass-123");
  ASSERT_EQ(ann.reply.status, 200);
  EXPECT_EQ(WithCookie(server_, "DELETE", "/api/admin/users/admin", c).status, 409);  // last admin
  EXPECT_EQ(WithCookie(server_, "DELETE", "/api/admin/users/ann", c).status, 204);
  EXPECT_EQ(WithCookie(server_, "GET", "/api/monitoring/status", ann.cookie).status, 401);
  EXPECT_EQ(WithCookie(server_, "DELETE", "/api/admin/users/ann", c).status, 404);

  auto tok =
      WithCookie(server_, "POST", "/api/admin/tokens", c, R"({"name":"ci","role":"monitor"})");
  ASSERT_EQ(tok.status, 201) << tok.body;
  const std::string token = tok.Json()["token"];
  EXPECT_EQ(server_.Get("/api/monitoring/status", token).status, 200);
  auto list = WithCookie(server_, "GET", "/api/admin/tokens", c);
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(list.body.find(token), std::string::npos);
  EXPECT_NE(list.body.find("\"ci\""), std::string::npos);
  EXPECT_EQ(WithCookie(server_, "DELETE", "/api/admin/tokens/ci", c).status, 204);
  EXPECT_TRUE(
      WaitFor([&] { return server_.Get("/api/monitoring/status", token).status == 401; }, 1500));

  auto audit = WithCookie(server_, "GET", "/api/admin/audit?per_page=100", c);
  ASSERT_EQ(audit.status, 200);
  json a = audit.Json();
  std::set<std::string> actions;
  for (const auto& e : a["entries"]) actions.insert(e["action"].get<std::string>());
  for (const char* want : {"login", "user.create", "user.delete", "token.create", "token.delete"}) {
    EXPECT_TRUE(actions.count(want)) << want << " in " << audit.body;
  }
  EXPECT_EQ(a["total"], a["entries"].size());
  EXPECT_EQ(audit.body.find("ann-pass-123"), std::string::npos);
  // A failed login with a name that cannot be a user's (a password typed into the name field)
  // is recorded without it.
  EXPECT_EQ(DoLogin(server_, "Sw0rdfish passphrase!", "x").reply.status, 401);
  auto later = WithCookie(server_, "GET", "/api/admin/audit?per_page=100", c);
  EXPECT_EQ(later.body.find("Sw0rdfish"), std::string::npos) << later.body;
  EXPECT_NE(later.body.find("(invalid name)"), std::string::npos) << later.body;
  EXPECT_EQ(audit.body.find(token), std::string::npos);
}

// node.up is 1 on this server every tick: this rule opens an incident at once.
constexpr const char* kBreakingRule =
    R"({"name":"always","field":"node.up","aggregation":"last","operand":"equalOrMoreThan",
        "value":1,"timeframe":"0s"})";

TEST_F(AuthTest, RuleCreateAndAckAreAudited) {
  ASSERT_NO_FATAL_FAILURE(StartWith());
  Login admin = DoLogin(server_, "admin", kAdminPassword);
  ASSERT_EQ(admin.reply.status, 200);
  auto rule = WithCookie(server_, "POST", "/api/alerts/rules", admin.cookie, kBreakingRule);
  ASSERT_EQ(rule.status, 201) << rule.body;
  std::string id;
  ASSERT_TRUE(WaitFor(
      [&] {
        json list =
            WithCookie(server_, "GET", "/api/alerts/incidents?state=open", admin.cookie).Json();
        if (list.is_discarded()) return false;
        for (const auto& i : list["incidents"]) {
          if (i["ruleName"] == "always") id = i["id"];
        }
        return !id.empty();
      },
      10'000));
  auto ack = WithCookie(server_, "POST", "/api/alerts/incidents/" + id + "/ack", admin.cookie,
                        R"({"comment":"looking"})");
  ASSERT_EQ(ack.status, 200) << ack.body;

  auto channel = WithCookie(
      server_, "POST", "/api/alerts/channels", admin.cookie,
      R"({"name":"hook","kind":"webhook","url":"http://127.0.0.1:9/x","secret":"Hook-secret-4242"})");
  ASSERT_EQ(channel.status, 201) << channel.body;

  auto audit = WithCookie(server_, "GET", "/api/admin/audit", admin.cookie);
  EXPECT_EQ(audit.body.find("Hook-secret-4242"), std::string::npos) << audit.body;
  json entries = audit.Json()["entries"];
  bool rule_seen = false, ack_seen = false, channel_seen = false;
  for (const auto& e : entries) {
    if (e["action"] == "rule.create" && e["target"] == "always") {
      rule_seen = true;
      EXPECT_EQ(e["actor"], "admin");
      EXPECT_TRUE(e["before"].is_null());
      EXPECT_EQ(e["after"]["name"], "always");
    }
    if (e["action"] == "channel.create" && e["target"] == "hook") {
      channel_seen = true;
      EXPECT_EQ(e["after"]["secret"], "***");
    }
    if (e["action"] == "incident.ack" && e["target"] == id) {
      ack_seen = true;
      EXPECT_EQ(e["after"]["comment"], "looking");
    }
  }
  EXPECT_TRUE(rule_seen) << entries.dump();
  EXPECT_TRUE(ack_seen) << entries.dump();
  EXPECT_TRUE(channel_seen) << entries.dump();
}

// SPEC 12: logs and the store never hold a password, a token or a session id in clear.
TEST_F(AuthTest, NoSecretInTheDataDirOrTheLogs) {
  ASSERT_NO_FATAL_FAILURE(StartWith());
  const std::string user_pw = "Cli-user-pass-981";
  const std::string wrong_pw = "Wrong-pass-77213";
  const std::string api_pw = "Api-user-pass-5150";
  auto add =
      RunBotmon({"user", "add", "carol", "--role", "admin", "--data-dir", server_.data_dir()}, {},
                user_pw + "\n");
  ASSERT_EQ(add.exit_code, 0) << add.err;
  Login carol = DoLogin(server_, "carol", user_pw);
  ASSERT_EQ(carol.reply.status, 200);
  EXPECT_EQ(DoLogin(server_, "carol", wrong_pw).reply.status, 401);
  auto user = WithCookie(server_, "POST", "/api/admin/users", carol.cookie,
                         json{{"name", "dave"}, {"role", "monitor"}, {"password", api_pw}}.dump());
  ASSERT_EQ(user.status, 201);
  auto tok = WithCookie(server_, "POST", "/api/admin/tokens", carol.cookie,
                        R"({"name":"ci","role":"admin"})");
  ASSERT_EQ(tok.status, 201);
  const std::string api_token = tok.Json()["token"];
  const std::string cli_token = server_.CreateToken("cli", "monitor");
  EXPECT_EQ(server_.Get("/api/monitoring/status", api_token).status, 200);
  EXPECT_EQ(server_.Get("/api/monitoring/status", cli_token).status, 200);
  Login admin = DoLogin(server_, "admin", kAdminPassword);
  ASSERT_EQ(admin.reply.status, 200);
  ASSERT_NO_FATAL_FAILURE(Restart());  // flushes last-seen times and the audit log
  EXPECT_EQ(WithCookie(server_, "GET", "/api/auth/me", carol.cookie).status, 200);
  std::string logs = logs_ + server_.log() + server_.stdout_text() + add.err + add.out;
  ASSERT_EQ(server_.Stop(), 0);
  logs += server_.log();

  const std::vector<std::string> secrets = {user_pw,   wrong_pw,  api_pw,       kAdminPassword,
                                            api_token, cli_token, carol.cookie, admin.cookie};
  for (const auto& s : secrets) {
    ASSERT_GE(s.size(), 16u);
    EXPECT_EQ(logs.find(s), std::string::npos) << "in the logs: " << s;
  }
  int files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(server_.data_dir())) {
    if (!entry.is_regular_file()) continue;
    ++files;
    const std::string content = Slurp(entry.path().string());
    for (const auto& s : secrets) {
      EXPECT_EQ(content.find(s), std::string::npos) << entry.path() << " holds " << s;
    }
  }
  EXPECT_GT(files, 0);
}

}  // namespace
}  // namespace botmon::testing
