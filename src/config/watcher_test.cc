#include "config/watcher.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <condition_variable>
#include <filesystem>
#include <mutex>

#include "config/testing.h"

namespace botmon {
namespace {

using namespace std::chrono_literals;
using testing_config::TempDir;

// Records callbacks; waits for them with a timeout.
class Recorder {
 public:
  ConfigWatcher::Callback Callback() {
    return [this](const std::vector<std::string>& changed) {
      std::lock_guard<std::mutex> lock(mu_);
      calls_.push_back(changed);
      cv_.notify_all();
    };
  }
  // Waits until at least `n` calls happened; returns whether they did.
  bool WaitFor(size_t n, std::chrono::milliseconds timeout = 5s) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return calls_.size() >= n; });
  }
  std::vector<std::vector<std::string>> Calls() {
    std::lock_guard<std::mutex> lock(mu_);
    return calls_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::vector<std::string>> calls_;
};

std::unique_ptr<ConfigWatcher> MustStart(std::vector<std::string> files, Recorder* r,
                                         std::chrono::milliseconds debounce = 50ms) {
  auto w = ConfigWatcher::Start(std::move(files), r->Callback(), debounce);
  EXPECT_TRUE(w.ok()) << w.status().ToString();
  return w.ok() ? std::move(w).value() : nullptr;
}

TEST(ConfigWatcher, CallsBackOnWriteInPlace) {
  TempDir dir;
  const std::string file = dir.Write("botmon.yaml", "tick: 10s\n");
  Recorder rec;
  auto w = MustStart({file}, &rec);
  dir.Write("botmon.yaml", "tick: 5s\n");
  ASSERT_TRUE(rec.WaitFor(1));
  EXPECT_EQ(rec.Calls()[0], std::vector<std::string>{file});
}

TEST(ConfigWatcher, CallsBackOnAtomicRenameOver) {
  TempDir dir;
  const std::string file = dir.Write("botmon.yaml", "tick: 10s\n");
  const std::string other = dir.Write("bp.json", "{}");
  Recorder rec;
  auto w = MustStart({file, other}, &rec);
  const std::string tmp = dir.Write(".botmon.yaml.tmp", "tick: 5s\n");
  std::filesystem::rename(tmp, file);
  ASSERT_TRUE(rec.WaitFor(1));
  EXPECT_EQ(rec.Calls()[0], std::vector<std::string>{file});  // bp.json did not change
}

TEST(ConfigWatcher, CallsBackOnDeleteAndCreate) {
  TempDir dir;
  const std::string file = dir.Write("botmon.yaml", "tick: 10s\n");
  Recorder rec;
  auto w = MustStart({file}, &rec);
  std::filesystem::remove(file);
  ASSERT_TRUE(rec.WaitFor(1));
  dir.Write("botmon.yaml", "tick: 3s\n");
  ASSERT_TRUE(rec.WaitFor(2));
  EXPECT_EQ(rec.Calls()[1], std::vector<std::string>{file});
}

TEST(ConfigWatcher, WatchesAFileThatDoesNotExistYet) {
  TempDir dir;
  const std::string file = dir.File("later.yaml");
  Recorder rec;
  auto w = MustStart({file}, &rec);
  dir.Write("later.yaml", "tick: 3s\n");
  ASSERT_TRUE(rec.WaitFor(1));
}

TEST(ConfigWatcher, IgnoresOtherFilesInTheDirectory) {
  TempDir dir;
  const std::string file = dir.Write("botmon.yaml", "tick: 10s\n");
  Recorder rec;
  auto w = MustStart({file}, &rec);
  dir.Write("notes.txt", "hello");
  dir.Write("botmon.yaml.swp", "x");
  std::filesystem::remove(dir.File("notes.txt"));
  EXPECT_FALSE(rec.WaitFor(1, 500ms));
}

TEST(ConfigWatcher, DebouncesABurstIntoOneCall) {
  TempDir dir;
  const std::string a = dir.Write("a.yaml", "x");
  const std::string b = dir.Write("sub/b.csv", "x");
  Recorder rec;
  auto w = MustStart({a, b}, &rec, 200ms);
  for (int i = 0; i < 10; ++i) {
    dir.Write("a.yaml", "tick: " + std::to_string(i + 1) + "s\n");
    dir.Write("sub/b.csv", "k,v" + std::to_string(i) + "\n");
    std::this_thread::sleep_for(5ms);
  }
  ASSERT_TRUE(rec.WaitFor(1));
  EXPECT_FALSE(rec.WaitFor(2, 600ms));
  EXPECT_EQ(rec.Calls()[0], (std::vector<std::string>{a, b}));
}

TEST(ConfigWatcher, SeesASymlinkSwapLikeAConfigMap) {
  // Kubernetes mounts botmon.yaml -> ..data/botmon.yaml and swaps the ..data symlink.
  TempDir dir;
  dir.Write("v1/botmon.yaml", "tick: 10s\n");
  dir.Write("v2/botmon.yaml", "tick: 5s\n");
  std::filesystem::create_directory_symlink("v1", dir.File("..data"));
  std::filesystem::create_symlink("..data/botmon.yaml", dir.File("botmon.yaml"));
  const std::string file = dir.File("botmon.yaml");
  Recorder rec;
  auto w = MustStart({file}, &rec);
  std::filesystem::create_directory_symlink("v2", dir.File("..data_tmp"));
  std::filesystem::rename(dir.File("..data_tmp"), dir.File("..data"));
  ASSERT_TRUE(rec.WaitFor(1));
  EXPECT_EQ(rec.Calls()[0], std::vector<std::string>{file});
}

TEST(ConfigWatcher, StopIsPromptAndFinal) {
  TempDir dir;
  const std::string file = dir.Write("botmon.yaml", "x");
  Recorder rec;
  auto w = MustStart({file}, &rec, 5s);
  dir.Write("botmon.yaml", "y");  // a callback is pending for 5 s
  std::this_thread::sleep_for(50ms);
  auto start = std::chrono::steady_clock::now();
  w->Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 500ms);
  w->Stop();  // idempotent
  EXPECT_TRUE(rec.Calls().empty());
  w.reset();
}

TEST(ConfigWatcher, DestructorStopsAnIdleWatcher) {
  TempDir dir;
  Recorder rec;
  auto start = std::chrono::steady_clock::now();
  { auto w = MustStart({dir.Write("a.yaml", "x")}, &rec); }
  EXPECT_LT(std::chrono::steady_clock::now() - start, 500ms);
}

TEST(ConfigWatcher, FailsForAMissingDirectory) {
  Recorder rec;
  auto w = ConfigWatcher::Start({"/nonexistent-dir-botmon/botmon.yaml"}, rec.Callback());
  ASSERT_FALSE(w.ok());
  EXPECT_NE(w.status().message().find("cannot watch /nonexistent-dir-botmon"), std::string::npos)
      << w.status().message();
}

TEST(ConfigWatcher, RelativePathsWatchTheCurrentDirectory) {
  TempDir dir;
  std::string cwd = std::filesystem::current_path().string();
  std::filesystem::current_path(dir.path());
  Recorder rec;
  auto w = MustStart({"botmon.yaml"}, &rec);
  dir.Write("botmon.yaml", "x");
  bool called = rec.WaitFor(1);
  w.reset();
  std::filesystem::current_path(cwd);
  ASSERT_TRUE(called);
  EXPECT_EQ(rec.Calls()[0], std::vector<std::string>{"botmon.yaml"});
}

}  // namespace
}  // namespace botmon
