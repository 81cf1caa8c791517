#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "http/server.h"

namespace botmon {
namespace {

TEST(Response, ErrorShape) {
  const Response r = Response::Error(400, "invalid_json", "bad \"quote\"\n", "\"offset\":12");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.content_type, "application/json");
  const auto j = nlohmann::json::parse(r.body);
  EXPECT_EQ(j.at("error").at("code"), "invalid_json");
  EXPECT_EQ(j.at("error").at("message"), "bad \"quote\"\n");
  EXPECT_EQ(j.at("error").at("offset"), 12);
  EXPECT_EQ(j.at("error").size(), 3u);
  EXPECT_EQ(j.size(), 1u);
}

TEST(Response, Builders) {
  EXPECT_EQ(Response::Json(201, "{}").status, 201);
  const Response t = Response::Text(200, "hi");
  EXPECT_EQ(t.content_type, "text/plain; charset=utf-8");
  const Response n = Response::NoContent();
  EXPECT_EQ(n.status, 204);
  EXPECT_TRUE(n.body.empty());
  Response w = Response::Json(200, "{}");
  w.With("X-A", "1").With("X-B", "2");
  ASSERT_EQ(w.headers.size(), 2u);
  EXPECT_EQ(w.headers[1].name, "X-B");
}

TEST(Request, HeaderValueIsCaseInsensitive) {
  Request req;
  req.headers = {{"content-type", "application/json"}, {"x-a", "1"}, {"x-a", "2"}};
  EXPECT_EQ(req.HeaderValue("Content-Type"), "application/json");
  EXPECT_EQ(req.HeaderValue("X-A"), "1");
  EXPECT_EQ(req.HeaderValue("missing"), "");
}

TEST(Names, MethodsAndRoles) {
  for (Method m : {Method::kGet, Method::kHead, Method::kPost, Method::kPut, Method::kDelete,
                   Method::kOptions}) {
    EXPECT_EQ(ParseMethod(MethodName(m)), m);
  }
  EXPECT_EQ(ParseMethod("PATCH"), Method::kOther);
  EXPECT_EQ(ParseMethod("get"), Method::kOther);
  for (Role r : {Role::kNone, Role::kIngest, Role::kMonitor, Role::kAdmin}) {
    Role parsed = Role::kAdmin;
    ASSERT_TRUE(ParseRole(RoleName(r), &parsed));
    EXPECT_EQ(parsed, r);
  }
  Role untouched = Role::kMonitor;
  EXPECT_FALSE(ParseRole("root", &untouched));
  EXPECT_EQ(untouched, Role::kMonitor);
}

TEST(Responder, SendsExactlyOnce) {
  std::vector<Response> sent;
  Responder r([&sent](Response x) { sent.push_back(std::move(x)); });
  EXPECT_FALSE(r.answered());
  r.Send(Response::Json(200, "1"));
  r.Send(Response::Json(200, "2"));
  r.StartEventStream("x", Audience::kFull);
  EXPECT_TRUE(r.answered());
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].body, "1");
}

TEST(Responder, DroppedUnansweredSends500) {
  std::vector<Response> sent;
  {
    Responder r([&sent](Response x) { sent.push_back(std::move(x)); });
  }
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].status, 500);
  const auto j = nlohmann::json::parse(sent[0].body);
  EXPECT_EQ(j.at("error").at("code"), "internal");
  EXPECT_EQ(j.at("error").at("message"), "handler did not answer");
}

TEST(Responder, MoveTransfersTheDuty) {
  std::vector<Response> sent;
  Responder a([&sent](Response x) { sent.push_back(std::move(x)); });
  Responder b(std::move(a));
  EXPECT_TRUE(sent.empty());
  {
    Responder c = std::move(b);
    EXPECT_TRUE(sent.empty());
  }
  ASSERT_EQ(sent.size(), 1u);  // only the last owner answers
  EXPECT_EQ(sent[0].status, 500);
}

TEST(Responder, MoveAssignOverUnansweredAnswersIt) {
  std::vector<int> sent;
  Responder a([&sent](Response x) { sent.push_back(x.status); });
  Responder b([&sent](Response x) { sent.push_back(x.status + 1000); });
  a = std::move(b);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0], 500);  // a's original request
  a.Send(Response::Json(200, "{}"));
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[1], 1200);
}

TEST(Responder, DefaultConstructedIsInert) {
  Responder r;
  r.Send(Response::Json(200, "{}"));
  EXPECT_TRUE(r.answered());
}

TEST(Responder, StartEventStream) {
  std::string initial;
  Audience audience = Audience::kFull;
  int sends = 0;
  {
    Responder r([&sends](Response) { ++sends; },
                [&](std::string i, Audience a) {
                  initial = std::move(i);
                  audience = a;
                });
    r.StartEventStream("event: status\ndata: {}\n\n", Audience::kMasked);
  }
  EXPECT_EQ(initial, "event: status\ndata: {}\n\n");
  EXPECT_EQ(audience, Audience::kMasked);
  EXPECT_EQ(sends, 0);
}

TEST(Responder, StreamWithoutStreamFnIs500) {
  std::vector<int> sent;
  Responder r([&sent](Response x) { sent.push_back(x.status); });
  r.StartEventStream("x", Audience::kFull);
  EXPECT_EQ(sent, std::vector<int>{500});
}

TEST(SyncHandler, AnswersWithTheReturnedResponse) {
  Handler h = SyncHandler([](Request& req) { return Response::Text(200, req.path); });
  Request req;
  req.path = "/p";
  std::optional<Response> out;
  h(req, Responder([&out](Response r) { out = std::move(r); }));
  ASSERT_TRUE(out);
  EXPECT_EQ(out->body, "/p");
}

}  // namespace
}  // namespace botmon
