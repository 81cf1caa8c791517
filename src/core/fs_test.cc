#include "core/fs.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>

namespace botmon {
namespace {

std::string TempDir() {
  char tmpl[] = "/tmp/botmon-fs-XXXXXX";
  return mkdtemp(tmpl);
}

TEST(Fs, AtomicWriteAndBoundedRead) {
  std::string dir = TempDir();
  ASSERT_TRUE(WriteFileAtomic(dir + "/f", "hello").ok());
  EXPECT_EQ(*ReadFileBounded(dir + "/f", 10), "hello");
  auto big = ReadFileBounded(dir + "/f", 3);
  EXPECT_FALSE(big.ok());
  EXPECT_NE(big.status().message().find("larger than 3 bytes"), std::string::npos);
  EXPECT_EQ(ReadFileBounded(dir + "/missing", 3).status().code(), StatusCode::kNotFound);
}

TEST(Fs, MakeDirsAndLock) {
  std::string dir = TempDir() + "/a/b";
  ASSERT_TRUE(MakeDirs(dir, 0700).ok());
  struct stat st;
  ASSERT_EQ(stat(dir.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  auto lock = DirLock::Acquire(dir);
  ASSERT_TRUE(lock.ok());
  // flock locks belong to open file descriptions: a second open in this process conflicts too.
  auto second = DirLock::Acquire(dir);
  EXPECT_EQ(second.status().code(), StatusCode::kAlreadyExists);
  lock->reset();
  EXPECT_TRUE(DirLock::Acquire(dir).ok());
}

TEST(Fs, MountPointOf) {
  EXPECT_EQ(*MountPointOf("/"), "/");
  auto mp = MountPointOf(TempDir());
  ASSERT_TRUE(mp.ok());
  EXPECT_EQ(mp->front(), '/');
  EXPECT_EQ(*MountPointOf("/proc/self"), "/proc");
  EXPECT_FALSE(MountPointOf("/no/such/dir").ok());
}

}  // namespace
}  // namespace botmon
