#include "auth/token.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "auth/token_cache.h"
#include "store/store.h"

namespace botmon {
namespace {

TEST(Token, ShapeAndHash) {
  std::string t = GenerateToken();
  EXPECT_EQ(t.size(), 46u);
  EXPECT_TRUE(LooksLikeToken(t));
  EXPECT_FALSE(LooksLikeToken("bm_short"));
  EXPECT_FALSE(LooksLikeToken("xx_" + t.substr(3)));
  EXPECT_NE(GenerateToken(), t);
  EXPECT_EQ(HashToken("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "ab"));
}

TEST(TokenCache, NewTokenWorksAtOnceAndRevokeAfterRefresh) {
  char tmpl[] = "/tmp/botmon-auth-XXXXXX";
  std::string dir = mkdtemp(tmpl);
  auto store = OpenStore("sqlite", dir, 1);
  ASSERT_TRUE(store.ok());
  FakeClock clock;
  TokenCache cache(store->get(), &clock);
  ASSERT_TRUE(cache.Refresh().ok());

  std::string tok = GenerateToken();
  EXPECT_EQ(cache.Verify(tok).role, Role::kNone);  // unknown, now negatively cached
  // Created by "another process" after the negative lookup.
  ASSERT_TRUE((*store)->CreateToken({"i1", "bot", "ingest", HashToken(tok), 1, std::nullopt}).ok());
  ASSERT_TRUE(cache.Refresh().ok());  // version moved: negative entries dropped
  Principal p = cache.Verify(tok);
  EXPECT_EQ(p.role, Role::kIngest);
  EXPECT_EQ(p.name, "bot");
  EXPECT_EQ(cache.TakeLastUsed().size(), 1u);

  std::string tok2 = GenerateToken();
  ASSERT_TRUE((*store)->CreateToken({"i2", "adm", "admin", HashToken(tok2), 1, std::nullopt}).ok());
  EXPECT_EQ(cache.Verify(tok2).role, Role::kAdmin);  // never seen: looked up at once

  ASSERT_TRUE((*store)->RevokeToken("bot").ok());
  ASSERT_TRUE(cache.Refresh().ok());
  EXPECT_EQ(cache.Verify(tok).role, Role::kNone);
  EXPECT_TRUE(cache.Verify("garbage").presented);
  store->reset();
  ASSERT_EQ(std::system(("rm -rf " + dir).c_str()), 0);
}

}  // namespace
}  // namespace botmon
