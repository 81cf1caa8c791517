#include "ingest/redact.h"

#include <gtest/gtest.h>

namespace botmon {
namespace {

std::unique_ptr<Redactor> Make(const std::vector<RedactRule>& rules) {
  auto r = Redactor::Create(rules);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? std::move(r).value() : nullptr;
}

std::string Redact(const Redactor& r, std::string text) {
  r.Apply(&text);
  return text;
}

TEST(Redactor, CardNumbersPassingLuhn) {
  auto r = Make({{"card", "", ""}});
  const std::pair<const char*, const char*> cases[] = {
      {"4111111111111111", "[card]"},                               // Visa
      {"card 4111 1111 1111 1111, thanks", "card [card], thanks"},  // spaces
      {"4111-1111-1111-1111", "[card]"},                            // dashes
      {"4111 1111-1111 1111", "[card]"},                            // mixed
      {"mc 5555 5555 5555 4444 and 5105105105105100", "mc [card] and [card]"},
      {"amex 3782 822463 10005.", "amex [card]."},  // 15 digits, 4-6-5
      {"visa13 4222222222222", "visa13 [card]"},
      {"maestro19 6304000000000000000", "maestro19 [card]"},
      {"x4111111111111111y", "x[card]y"},
      {"order 123 4111 1111 1111 1111", "order 123 [card]"},  // leftmost passing window
      {"00 4111 1111 1111 1111", "[card]"},                   // 18 digits, passes as a whole
  };
  for (const auto& [in, want] : cases) EXPECT_EQ(Redact(*r, in), want) << in;
}

TEST(Redactor, LeavesOtherDigitsAlone) {
  auto r = Make({{"card", "", ""}});
  for (const char* text : {
           "4111 1111 1111 1112",      // fails Luhn
           "1234 5678 9012 3456",      // fails Luhn
           "41111111111111110000",     // a card inside a longer run (20 digits)
           "4111  1111 1111 1111",     // double space: groups of 4 and 12 digits
           "4111--1111-1111-1111",     // double dash
           "411111111111",             // 12 digits
           "phone +55 11 99988-8777",  //
           "",                         //
       }) {
    std::string s = text;
    EXPECT_FALSE(r->Apply(&s)) << text;
    EXPECT_EQ(s, text);
  }
}

TEST(Redactor, Emails) {
  auto r = Make({{"email", "", ""}});
  const std::pair<const char*, const char*> cases[] = {
      {"mail john.doe+tag@example.co.uk now", "mail [email] now"},
      {"<a@b.io>, c_d@e-f.com.", "<[email]>, [email]."},
      {"x@y.com@z.org", "[email]@z.org"},
      {"user@host.example.123", "[email].123"},
  };
  for (const auto& [in, want] : cases) EXPECT_EQ(Redact(*r, in), want) << in;
  for (const char* text : {"a@b", "user@localhost", "@example.com", "x@y.c", "a @b.com", "@@"}) {
    EXPECT_EQ(Redact(*r, text), text);
  }
}

TEST(Redactor, CustomRulesRunInOrder) {
  auto r = Make({{"ssn", R"(\b\d{3}-\d{2}-\d{4}\b)", "[ssn]"},
                 {"ticket", R"(TICKET-(\d+))", "ticket \\1"},
                 {"email", "", ""}});
  EXPECT_EQ(Redact(*r, "ssn 123-45-6789, TICKET-42, bob@corp.com"),
            "ssn [ssn], ticket 42, [email]");
  // Order matters: a custom rule may rewrite what a later built-in sees.
  auto first = Make({{"at", "@", " at "}, {"email", "", ""}});
  EXPECT_EQ(Redact(*first, "bob@corp.com"), "bob at corp.com");
  auto second = Make({{"email", "", ""}, {"at", "@", " at "}});
  EXPECT_EQ(Redact(*second, "bob@corp.com"), "[email]");
}

TEST(Redactor, NothingToRedactDoesNotTouchTheString) {
  auto r = Make({{"card", "", ""}, {"email", "", ""}});
  std::string s = "Hello, I would like to know the opening hours of the store on Sunday please!";
  const char* data = s.data();
  const size_t cap = s.capacity();
  EXPECT_FALSE(r->Apply(&s));
  EXPECT_EQ(s.data(), data);
  EXPECT_EQ(s.capacity(), cap);
  EXPECT_TRUE(Make({})->Apply(&s) == false);
}

TEST(Redactor, CreateNamesTheBadRule) {
  auto bad_regex = Redactor::Create({{"card", "", ""}, {"broken", "a(b", "x"}});
  ASSERT_FALSE(bad_regex.ok());
  EXPECT_EQ(bad_regex.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad_regex.status().message().find("\"broken\": bad regex"), std::string::npos)
      << bad_regex.status().message();
  auto unknown = Redactor::Create({{"iban", "", ""}});
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().message(),
            "privacy.redact rule \"iban\": unknown built-in (use card or email, or give a regex)");
  auto rewrite = Redactor::Create({{"g", "(a)", "\\2"}});
  ASSERT_FALSE(rewrite.ok());
  EXPECT_NE(rewrite.status().message().find("\"g\": bad replace"), std::string::npos);
  auto empty = Redactor::Create({{"e", "x*", "y"}});
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.status().message(),
            "privacy.redact rule \"e\": the regex matches the empty string");
}

}  // namespace
}  // namespace botmon
