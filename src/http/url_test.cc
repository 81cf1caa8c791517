#include "http/url.h"

#include <gtest/gtest.h>

#include "http/server.h"

namespace botmon {
namespace {

using http_internal::PercentDecode;

TEST(PercentDecode, DecodesEscapes) {
  std::string out;
  ASSERT_TRUE(PercentDecode("a%20b%2Fc%e2%82%AC", false, &out));
  EXPECT_EQ(out, "a b/c\xe2\x82\xac");
}

TEST(PercentDecode, PlusIsSpaceOnlyWhenAsked) {
  std::string out;
  ASSERT_TRUE(PercentDecode("a+b%2B", true, &out));
  EXPECT_EQ(out, "a b+");
  ASSERT_TRUE(PercentDecode("a+b", false, &out));
  EXPECT_EQ(out, "a+b");
}

TEST(PercentDecode, RejectsBadEscapesAndNul) {
  std::string out;
  EXPECT_FALSE(PercentDecode("%", false, &out));
  EXPECT_FALSE(PercentDecode("abc%4", false, &out));
  EXPECT_FALSE(PercentDecode("%zz", false, &out));
  EXPECT_FALSE(PercentDecode("%4g", false, &out));
  EXPECT_FALSE(PercentDecode("a%00b", false, &out));
  EXPECT_TRUE(PercentDecode("", false, &out));
  EXPECT_EQ(out, "");
}

TEST(ParseTarget, SplitsPathAndQuery) {
  Request req;
  ASSERT_TRUE(ParseTarget("/api/x%20y?page=2&q=a+b%26c&page=3&flag&=v&&empty=", &req).ok());
  EXPECT_EQ(req.target, "/api/x%20y?page=2&q=a+b%26c&page=3&flag&=v&&empty=");
  EXPECT_EQ(req.path, "/api/x y");
  ASSERT_EQ(req.query.size(), 6u);
  EXPECT_EQ(req.Query("page"), "2");
  EXPECT_EQ(req.QueryAll("page"), (std::vector<std::string>{"2", "3"}));
  EXPECT_EQ(req.Query("q"), "a b&c");
  EXPECT_EQ(req.Query("flag"), "");
  EXPECT_EQ(req.Query(""), "v");
  EXPECT_EQ(req.Query("empty"), "");
  EXPECT_EQ(req.Query("missing"), std::nullopt);
  EXPECT_TRUE(req.QueryAll("missing").empty());
}

TEST(ParseTarget, PathKeepsPlusAndDropsFragment) {
  Request req;
  ASSERT_TRUE(ParseTarget("/a+b#frag", &req).ok());
  EXPECT_EQ(req.path, "/a+b");
  EXPECT_TRUE(req.query.empty());
  ASSERT_TRUE(ParseTarget("/a?x=1#frag", &req).ok());
  EXPECT_EQ(req.Query("x"), "1");
  ASSERT_TRUE(ParseTarget("/", &req).ok());
  EXPECT_EQ(req.path, "/");
}

TEST(ParseTarget, RejectsBadTargets) {
  Request req;
  EXPECT_FALSE(ParseTarget("", &req).ok());
  EXPECT_FALSE(ParseTarget("*", &req).ok());
  EXPECT_FALSE(ParseTarget("http://example.com/x", &req).ok());
  EXPECT_FALSE(ParseTarget("/a%00b", &req).ok());
  EXPECT_FALSE(ParseTarget("/a%zz", &req).ok());
  EXPECT_FALSE(ParseTarget("/a?x=%", &req).ok());
  EXPECT_FALSE(ParseTarget("/a?x=%00", &req).ok());
  const Status st = ParseTarget("/a%0", &req);
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("percent"), std::string::npos);
}

TEST(ParseTarget, RejectsRawControlCharacters) {
  // Regression (fuzz/corpus/http/regress_raw_nul): a raw NUL reached the decoded path.
  Request req;
  EXPECT_FALSE(ParseTarget(std::string_view("/api/x\0y", 8), &req).ok());
  EXPECT_FALSE(ParseTarget("/a\tb", &req).ok());
  EXPECT_FALSE(ParseTarget("/a?q=\x7f", &req).ok());
  EXPECT_TRUE(ParseTarget("/a?q=ol%C3%A1", &req).ok());
}

}  // namespace
}  // namespace botmon

namespace botmon::http_internal {
namespace {

TEST(FormatPeer, KeepsTheAddressSeparableFromThePort) {
  EXPECT_EQ(FormatPeer("127.0.0.1", 5555), "127.0.0.1:5555");
  EXPECT_EQ(FormatPeer("::1", 5555), "[::1]:5555");
  EXPECT_EQ(FormatPeer("fe80::1%eth0", 80), "[fe80::1%eth0]:80");
  // An IPv4 client on a dual-stack listener counts as that IPv4 address.
  EXPECT_EQ(FormatPeer("::ffff:10.1.2.3", 80), "10.1.2.3:80");
  EXPECT_EQ(FormatPeer("::ffff:a:b", 80), "[::ffff:a:b]:80");
}

}  // namespace
}  // namespace botmon::http_internal
