#include <gtest/gtest.h>

#include "store/store.h"
#include "store/temp_store_test.h"

namespace botmon {
namespace {

using SqliteUsersTest = TempStoreTest;

TEST_F(SqliteUsersTest, UsersAreUniqueAndTheLastAdminStays) {
  ASSERT_TRUE(store_->CreateUser({"admin", "admin", "h1", 1}).ok());
  EXPECT_EQ(store_->CreateUser({"admin", "monitor", "h2", 2}).code(), StatusCode::kAlreadyExists);
  ASSERT_TRUE(store_->CreateUser({"ann", "monitor", "h3", 3}).ok());
  auto users = store_->ListUsers();
  ASSERT_TRUE(users.ok());
  ASSERT_EQ(users->size(), 2u);
  EXPECT_EQ((*users)[0].name, "admin");
  EXPECT_EQ(store_->DeleteUser("admin").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->DeleteUser("nobody").code(), StatusCode::kNotFound);
  ASSERT_TRUE(store_->CreateUser({"root", "admin", "h4", 4}).ok());
  EXPECT_TRUE(store_->DeleteUser("admin").ok());
  auto gone = store_->GetUser("admin");
  ASSERT_TRUE(gone.ok());
  EXPECT_FALSE(gone->has_value());
  EXPECT_TRUE(store_->Healthy());
}

TEST_F(SqliteUsersTest, LoginSessionsFollowTheirUserAndExpire) {
  ASSERT_TRUE(store_->CreateUser({"ann", "monitor", "h", 1}).ok());
  ASSERT_TRUE(store_->CreateUser({"bob", "admin", "h", 1}).ok());
  ASSERT_TRUE(store_->CreateLoginSession({"s1", "ann", "monitor", 100, 100}).ok());
  ASSERT_TRUE(store_->CreateLoginSession({"s2", "ann", "monitor", 100, 100}).ok());
  ASSERT_TRUE(store_->CreateLoginSession({"s3", "bob", "admin", 100, 100}).ok());
  // Only for a user that exists, with that role.
  EXPECT_EQ(store_->CreateLoginSession({"s4", "carol", "admin", 100, 100}).code(),
            StatusCode::kNotFound);
  EXPECT_EQ(store_->CreateLoginSession({"s5", "ann", "admin", 100, 100}).code(),
            StatusCode::kNotFound);
  auto found = store_->FindLoginSession("s1");
  ASSERT_TRUE(found.ok());
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->user, "ann");
  EXPECT_EQ((*found)->role, "monitor");
  ASSERT_TRUE(store_->TouchLoginSessions({{"s2", 500}}).ok());
  // s1 and s3 idle since 100; s2 seen at 500.
  auto n = store_->DeleteLoginSessionsBefore(/*idle_before_ms=*/200, /*created_before_ms=*/0);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 2);
  EXPECT_TRUE(store_->FindLoginSession("s2")->has_value());
  ASSERT_TRUE(store_->DeleteLoginSession("s2").ok());
  EXPECT_FALSE(store_->FindLoginSession("s2")->has_value());
  ASSERT_TRUE(store_->CreateLoginSession({"s6", "ann", "monitor", 100, 100}).ok());
  ASSERT_TRUE(store_->DeleteUser("ann").ok());
  EXPECT_FALSE(store_->FindLoginSession("s6")->has_value());
}

TEST_F(SqliteUsersTest, AuditPagesNewestFirst) {
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(
        store_->AppendAudit({0, i, "admin", "rule.create", "r" + std::to_string(i), "", "{}"})
            .ok());
  }
  int64_t total = 0;
  auto page = store_->ListAudit(1, 2, &total);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(total, 5);
  ASSERT_EQ(page->size(), 2u);
  EXPECT_EQ((*page)[0].target, "r4");
  EXPECT_EQ((*page)[0].before, "");
  EXPECT_EQ((*page)[0].after, "{}");
  auto last = store_->ListAudit(3, 2, nullptr);
  ASSERT_TRUE(last.ok());
  ASSERT_EQ(last->size(), 1u);
  EXPECT_EQ((*last)[0].target, "r0");
}

}  // namespace
}  // namespace botmon
