#include "ingest/ingest_log.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>

namespace botmon {
namespace {

class IngestLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/botmon-ilog-XXXXXX";
    dir_ = mkdtemp(tmpl);
  }
  void TearDown() override { ASSERT_EQ(std::system(("rm -rf " + dir_).c_str()), 0); }
  std::vector<std::string> All(IngestLog* log) {
    std::vector<std::string> out;
    EXPECT_TRUE(log->Scan(
                       [&](std::string_view p) {
                         out.emplace_back(p);
                         return Status::OK();
                       },
                       nullptr)
                    .ok());
    return out;
  }
  std::string dir_;
};

TEST_F(IngestLogTest, AppendsAndReadsBack) {
  auto log = IngestLog::Open(dir_, {});
  ASSERT_TRUE(log.ok());
  std::string buf;
  IngestLog::Frame("one", &buf);
  IngestLog::Frame("two", &buf);
  ASSERT_TRUE((*log)->Write(buf, 1).ok());
  buf.clear();
  IngestLog::Frame("three", &buf);
  ASSERT_TRUE((*log)->Write(buf, 3).ok());
  log->reset();
  auto again = IngestLog::Open(dir_, {});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(All(again->get()), (std::vector<std::string>{"one", "two", "three"}));
}

TEST_F(IngestLogTest, TornTailIsCutOnOpen) {
  {
    auto log = IngestLog::Open(dir_, {});
    std::string buf;
    IngestLog::Frame("kept", &buf);
    ASSERT_TRUE((*log)->Write(buf, 1).ok());
  }
  // A crash in the middle of the next write leaves half a record.
  int fd = ::open((dir_ + "/000001.log").c_str(), O_WRONLY | O_APPEND);
  ASSERT_GE(fd, 0);
  std::string half;
  IngestLog::Frame("lost-record", &half);
  ASSERT_EQ(::write(fd, half.data(), 10), 10);
  ::close(fd);
  auto log = IngestLog::Open(dir_, {});
  ASSERT_TRUE(log.ok());
  EXPECT_EQ(All(log->get()), std::vector<std::string>{"kept"});
  std::string buf;
  IngestLog::Frame("after", &buf);
  ASSERT_TRUE((*log)->Write(buf, 2).ok());
  EXPECT_EQ(All(log->get()), (std::vector<std::string>{"kept", "after"}));
}

TEST_F(IngestLogTest, RollsSegmentsAndDeletesAppliedOnes) {
  IngestLog::Options opts;
  opts.segment_bytes = 64;
  auto log = IngestLog::Open(dir_, opts);
  for (int i = 1; i <= 10; ++i) {
    std::string buf;
    IngestLog::Frame(std::string(40, 'a' + i), &buf);
    ASSERT_TRUE((*log)->Write(buf, i).ok());
  }
  EXPECT_EQ((*log)->segment_count(), 10u);
  // Applied through 5 but the files are newer than the dedup window: kept.
  EXPECT_EQ((*log)->DeleteApplied(5, /*older_than_ms=*/0), 0);
  EXPECT_EQ((*log)->DeleteApplied(5, /*older_than_ms=*/INT64_MAX), 5);
  EXPECT_EQ((*log)->segment_count(), 5u);
  EXPECT_EQ(All(log->get()).size(), 5u);
  // The newest segment is never deleted.
  EXPECT_EQ((*log)->DeleteApplied(100, INT64_MAX), 4);
  EXPECT_EQ((*log)->segment_count(), 1u);
}

TEST_F(IngestLogTest, GarbageFileIsCorruption) {
  int fd = ::open((dir_ + "/000001.log").c_str(), O_WRONLY | O_CREAT, 0600);
  ASSERT_EQ(::write(fd, "this is not a log segment", 25), 25);
  ::close(fd);
  fd = ::open((dir_ + "/000002.log").c_str(), O_WRONLY | O_CREAT, 0600);
  ::close(fd);
  auto log = IngestLog::Open(dir_, {});
  ASSERT_FALSE(log.ok());
  EXPECT_EQ(log.status().code(), StatusCode::kCorruption);
}

}  // namespace
}  // namespace botmon
