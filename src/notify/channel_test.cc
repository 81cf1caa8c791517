// Channel parsing: every kind, the per-field errors, list-level duplicates, the API shape.
#include "notify/channel.h"

#include <gtest/gtest.h>

namespace botmon {
namespace {

using nlohmann::json;

std::vector<FieldError> Errors(const json& j) {
  std::vector<FieldError> errors;
  auto c = ParseChannel(j, "botmon.yaml", 7, &errors);
  EXPECT_FALSE(c.ok()) << j.dump();
  return errors;
}

std::string ErrorFor(const json& j, const std::string& field) {
  for (const auto& e : Errors(j)) {
    if (e.field == field) return e.message;
  }
  return "<no error for " + field + ">";
}

TEST(ParseChannel, AppendixA1Examples) {
  auto email =
      ParseChannel(json::parse(R"({"name":"ops-email","kind":"email","to":["ops@example.com"]})"));
  ASSERT_TRUE(email.ok()) << email.status().ToString();
  EXPECT_EQ(email->kind, ChannelKind::kEmail);
  EXPECT_EQ(email->to, std::vector<std::string>{"ops@example.com"});

  auto slack = ParseChannel(json::parse(
      R"({"name":"slack","kind":"slack","url":"https://hooks.slack.com/services/T0/B0/xyz"})"));
  ASSERT_TRUE(slack.ok()) << slack.status().ToString();
  EXPECT_EQ(slack->url, "https://hooks.slack.com/services/T0/B0/xyz");

  auto hook = ParseChannel(json::parse(
      R"({"name":"pager","kind":"webhook","url":"http://127.0.0.1:9000/hook","secret":""})"));
  ASSERT_TRUE(hook.ok()) << hook.status().ToString();
  EXPECT_EQ(hook->secret, "");

  auto sms = ParseChannel(
      json::parse(R"({"name":"oncall-sms","kind":"sms","to":["+55 (11) 99988-8777"]})"), "f.yaml",
      3);
  ASSERT_TRUE(sms.ok()) << sms.status().ToString();
  EXPECT_EQ(sms->to, std::vector<std::string>{"+5511999888777"});
  EXPECT_EQ(sms->file, "f.yaml");
  EXPECT_EQ(sms->line, 3);
}

TEST(ParseChannel, ToAsOneString) {
  auto c = ParseChannel(json::parse(R"({"name":"e","kind":"email","to":"a@x.io; b@y.io,c@z.io"})"));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->to, (std::vector<std::string>{"a@x.io", "b@y.io", "c@z.io"}));
}

TEST(ParseChannel, NullMembersAreAbsent) {
  auto c =
      ParseChannel(json::parse(R"({"name":"h","kind":"webhook","url":"http://h/","secret":null})"));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->secret, "");
}

TEST(ParseChannel, RequiredFields) {
  EXPECT_EQ(ErrorFor(json::object(), "name"), "required");
  EXPECT_EQ(ErrorFor(json::object(), "kind"), "required (email, slack, sms or webhook)");
  EXPECT_EQ(ErrorFor(json::parse(R"({"name":"e","kind":"email"})"), "to"),
            "required: the e-mail addresses to notify");
  EXPECT_EQ(ErrorFor(json::parse(R"({"name":"s","kind":"sms"})"), "to"),
            "required: the phone numbers to notify");
  EXPECT_EQ(ErrorFor(json::parse(R"({"name":"s","kind":"slack"})"), "url"),
            "required: the slack URL to POST to");
  EXPECT_EQ(ErrorFor(json::parse(R"({"name":"e","kind":"email","to":[]})"), "to"),
            "at least one recipient is required");
}

TEST(ParseChannel, WrongValues) {
  EXPECT_EQ(ErrorFor(json::parse(R"({"name":"x","kind":"pager"})"), "kind"),
            "\"pager\" is not one of email, slack, sms, webhook");
  EXPECT_EQ(ErrorFor(json::parse(R"({"name":1,"kind":"slack","url":"http://a"})"), "name"),
            "expected a string, got a number");
  EXPECT_EQ(ErrorFor(json::parse(R"({"name":"","kind":"slack","url":"http://a"})"), "name"),
            "must not be empty");
  EXPECT_EQ(ErrorFor(json::parse(R"({"name":" x","kind":"slack","url":"http://a"})"), "name"),
            "\" x\" starts or ends with a space");
  EXPECT_EQ(ErrorFor(json::parse(R"({"name":"x","kind":"email","to":["ops@","a@b.c"]})"), "to[0]"),
            "\"ops@\" is not an e-mail address (expected name@domain)");
  EXPECT_EQ(ErrorFor(json::parse(R"({"name":"x","kind":"email","to":["a@b.c","a@b.c"]})"), "to[1]"),
            "\"a@b.c\" is listed twice (also to[0])");
  EXPECT_EQ(ErrorFor(json::parse(R"({"name":"x","kind":"sms","to":["011999"]})"), "to[0]"),
            "\"011999\" is not a phone number in E.164 form (e.g. \"+5511999888777\")");
  // An unquoted +5511999888777 in YAML is an integer.
  EXPECT_EQ(ErrorFor(json::parse(R"({"name":"x","kind":"sms","to":[5511999888777]})"), "to[0]"),
            "5511999888777 is a number; quote phone numbers (\"+5511999888777\")");
  EXPECT_EQ(ErrorFor(json::parse(R"({"name":"x","kind":"webhook","url":"ftp://h/x"})"), "url"),
            "\"ftp://h/x\" is not an http(s) URL");
  EXPECT_EQ(ErrorFor(json::parse(R"({"name":"x","kind":"webhook","url":"http:///x"})"), "url"),
            "\"http:///x\" has no host");
  EXPECT_EQ(
      ErrorFor(json::parse(R"({"name":"x","kind":"webhook","url":"http://h:99999/"})"), "url"),
      "\"http://h:99999/\" has an invalid port");
  EXPECT_EQ(ErrorFor(json::parse(R"({"name":"x","kind":"webhook","url":"http://h/a b"})"), "url"),
            "\"http://h/a b\" holds spaces or control characters");
  EXPECT_EQ(ErrorFor(json::parse(R"({"name":"x","kind":"webhook","url":"http://h/","secret":12})"),
                     "secret"),
            "is a number; quote the secret so that it is kept exactly");
  EXPECT_EQ(ErrorFor(json::parse(R"({"name":"x","kind":"email","to":"a"})"), "to"),
            "\"a\" is not an e-mail address (expected name@domain)");
  EXPECT_EQ(ErrorFor(json::parse(R"([1,2])"), ""),
            "a channel must be a map with name and kind, got a list");
}

TEST(ParseChannel, KeysTheKindDoesNotUse) {
  EXPECT_EQ(ErrorFor(json::parse(R"({"name":"x","kind":"email","to":["a@b.c"],"url":"http://h"})"),
                     "url"),
            "not used by email channels (sent through email:)");
  EXPECT_EQ(
      ErrorFor(json::parse(R"({"name":"x","kind":"slack","url":"http://h","to":["a@b.c"]})"), "to"),
      "not used by slack channels (the url is the destination)");
  EXPECT_EQ(ErrorFor(json::parse(R"({"name":"x","kind":"slack","url":"http://h","secret":"s"})"),
                     "secret"),
            "only webhook channels are signed");
}

TEST(ParseChannel, UnknownKeysSuggest) {
  EXPECT_EQ(ErrorFor(json::parse(R"({"name":"x","kind":"webhook","url":"http://h","secrte":"s"})"),
                     "secrte"),
            "unknown key (did you mean \"secret\"?)");
}

TEST(ParseChannel, StatusNamesFileLineChannelAndField) {
  auto c =
      ParseChannel(json::parse(R"({"name":"pager","kind":"webhook","url":"ftp://x","colour":1})"),
                   "botmon.yaml", 12);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(c.status().message(),
            "botmon.yaml:12: channel \"pager\": colour: unknown key\n"
            "botmon.yaml:12: channel \"pager\": url: \"ftp://x\" is not an http(s) URL");
  auto api = ParseChannel(json::parse(R"({"kind":"slack","url":"http://h"})"));
  ASSERT_FALSE(api.ok());
  EXPECT_EQ(api.status().message(), "channel: name: required");
}

TEST(ParseChannels, DuplicatesAndPositions) {
  std::vector<RawItem> items = {
      {json::parse(R"({"name":"a","kind":"slack","url":"http://h"})"), "botmon.yaml", 10, 5},
      {json::parse(R"({"name":"a","kind":"webhook","url":"http://h"})"), "botmon.yaml", 11, 5},
      {json::parse(R"({"name":"b","kind":"sms"})"), "botmon.yaml", 12, 5},
  };
  auto r = ParseChannels(items);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "botmon.yaml:11: channels[1]: name: \"a\" is already used by channels[0] "
            "(botmon.yaml:10)\n"
            "botmon.yaml:12: channels[2]: to: required: the phone numbers to notify");
  items.resize(1);
  auto ok = ParseChannels(items);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->size(), 1u);
}

TEST(ChannelToJson, MasksSecrets) {
  Channel c;
  c.name = "pager";
  c.kind = ChannelKind::kWebhook;
  c.url = "https://user:pw@example.com/hook";
  c.secret = "s3cret";
  json j = ChannelToJson(c);
  EXPECT_EQ(j["url"], "https://user:***@example.com/hook");
  EXPECT_EQ(j["secret"], "***");
  EXPECT_FALSE(j.contains("to"));
  EXPECT_EQ(ChannelToJson(c, false)["secret"], "s3cret");
  // Round trip through the parser.
  json raw = ChannelToJson(c, false);
  auto back = ParseChannel(raw);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, c);
}

TEST(Checks, EmailAddresses) {
  EXPECT_EQ(CheckEmailAddress("ops@example.com"), "");
  EXPECT_EQ(CheckEmailAddress("first.last+tag@sub.example.co"), "");
  EXPECT_EQ(CheckEmailAddress("root@localhost"), "");
  for (const char* bad : {"", "@x", "a@", "a b@x", "a@-x.com", "a@x..com", ".a@x", "a<b@x",
                          "a@x\r\nBcc: evil@x", "a@exa_mple.com"}) {
    EXPECT_NE(CheckEmailAddress(bad), "") << bad;
  }
}

TEST(Checks, PhoneNumbers) {
  std::string n = "+1 (415) 555-0100";
  EXPECT_EQ(NormalizePhoneNumber(&n), "");
  EXPECT_EQ(n, "+14155550100");
  for (const char* bad :
       {"", "+", "5511999888777", "+0123456789", "+12345", "+1234567890123456", "+1415555O100"}) {
    std::string s = bad;
    EXPECT_NE(NormalizePhoneNumber(&s), "") << bad;
  }
}

TEST(Checks, SplitRecipients) {
  EXPECT_EQ(SplitRecipients(" a@x ;; b@y , "), (std::vector<std::string>{"a@x", "b@y"}));
  EXPECT_TRUE(SplitRecipients("").empty());
}

}  // namespace
}  // namespace botmon
