#include "core/status.h"

#include <gtest/gtest.h>

namespace botmon {
namespace {

TEST(Status, OkIsCheap) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.ToString(), "OK");
  EXPECT_EQ(s.message(), "");
}

TEST(Status, CarriesCodeAndMessage) {
  Status s = Status::InvalidArgument("tick: 0s is below 1s");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "tick: 0s is below 1s");
  EXPECT_EQ(s.WithPrefix("botmon.yaml:3:1").message(), "botmon.yaml:3:1: tick: 0s is below 1s");
  Status copy = s;
  EXPECT_EQ(copy.message(), s.message());
}

StatusOr<int> Half(int x) {
  if (x % 2) return Status::InvalidArgument("odd");
  return x / 2;
}

Status UseHalf(int x, int* out) {
  ASSIGN_OR_RETURN(*out, Half(x));
  return Status::OK();
}

TEST(StatusOr, ValueOrError) {
  int v = 0;
  EXPECT_TRUE(UseHalf(8, &v).ok());
  EXPECT_EQ(v, 4);
  EXPECT_EQ(UseHalf(3, &v).message(), "odd");
}

}  // namespace
}  // namespace botmon
