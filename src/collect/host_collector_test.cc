#include "collect/host_collector.h"

#include <dlfcn.h>
#include <stdlib.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace botmon {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

const fs::path kTestdata = fs::path(BOTMON_SOURCE_DIR) / "tests/testdata/proc";

// A fresh directory standing in for the host root; <root>/proc receives captured files.
class TempRoot {
 public:
  TempRoot() {
    std::string tmpl = (fs::temp_directory_path() / "collect_test.XXXXXX").string();
    EXPECT_NE(::mkdtemp(tmpl.data()), nullptr);
    root_ = tmpl;
    fs::create_directories(root_ / "proc");
  }
  ~TempRoot() { fs::remove_all(root_); }

  std::string root() const { return root_.string(); }
  fs::path proc(const char* name) const { return root_ / "proc" / name; }

  // Copies tests/testdata/proc/<capture>/proc/<name> into this root, like the next tick's file.
  void Copy(const char* capture, const char* name) const {
    fs::copy_file(kTestdata / capture / "proc" / name, proc(name),
                  fs::copy_options::overwrite_existing);
  }
  void Write(const char* name, const std::string& text) const {
    std::ofstream(proc(name), std::ios::binary | std::ios::trunc) << text;
  }

 private:
  fs::path root_;
};

HostCollectorOptions ProcOnly(const TempRoot& root) {
  HostCollectorOptions opts;
  opts.proc_root = root.root();
  opts.mounts = {};
  opts.nvml_library = "";
  return opts;
}

// MemTotal and MemAvailable of tests/testdata/proc/debian12/proc/meminfo.
constexpr double kTotalKb = 24684084;
constexpr double kAvailableKb = 24370068;

TEST(HostCollector, CpuUsageIsTheDeltaBetweenTwoCapturedTicks) {
  TempRoot root;
  root.Copy("debian12", "stat");
  root.Copy("debian12", "meminfo");
  HostCollector c(ProcOnly(root));

  HostSample first = c.Collect();
  EXPECT_EQ(first.cpu_usage, std::nullopt);  // no clock tick since the constructor's baseline
  EXPECT_THAT(first.errors, IsEmpty());

  // 10 s later on 2 cores: 2000 ticks, of which idle 1550 and iowait 30; user grew by 300
  // including 200 of guest time, which must not be counted twice. Busy 420 / 2000 = 21 %.
  root.Copy("debian12_next", "stat");
  HostSample second = c.Collect();
  ASSERT_TRUE(second.cpu_usage.has_value());
  EXPECT_DOUBLE_EQ(*second.cpu_usage, 21.0);
  EXPECT_THAT(second.errors, IsEmpty());
}

TEST(HostCollector, FirstCollectHasCpuFromTheConstructorsBaseline) {
  // The first tick must already show CPU (SPEC 11's console block has no "n/a" for CPU).
  TempRoot root;
  root.Copy("debian12", "stat");
  root.Copy("debian12", "meminfo");
  HostCollector c(ProcOnly(root));
  root.Copy("debian12_next", "stat");
  HostSample first = c.Collect();
  ASSERT_TRUE(first.cpu_usage.has_value());
  EXPECT_DOUBLE_EQ(*first.cpu_usage, 21.0);
}

TEST(HostCollector, MemoryFromCapturedMeminfo) {
  TempRoot root;
  root.Copy("debian12", "stat");
  root.Copy("debian12", "meminfo");
  HostSample s = HostCollector(ProcOnly(root)).Collect();
  ASSERT_TRUE(s.mem_usage.has_value());
  EXPECT_DOUBLE_EQ(*s.mem_usage, (kTotalKb - kAvailableKb) / kTotalKb * 100.0);
  ASSERT_TRUE(s.mem_free_kb.has_value());
  EXPECT_EQ(*s.mem_free_kb, kAvailableKb);
  EXPECT_TRUE(s.disks.empty());
  EXPECT_TRUE(s.gpus.empty());
}

TEST(HostCollector, ProcRootMayEndWithASlash) {
  TempRoot root;
  root.Copy("debian12", "stat");
  root.Copy("debian12", "meminfo");
  HostCollectorOptions opts = ProcOnly(root);
  opts.proc_root += "/";
  HostCollector c(opts);
  c.Collect();
  root.Copy("debian12_next", "stat");
  HostSample s = c.Collect();
  EXPECT_THAT(s.errors, IsEmpty());
  EXPECT_EQ(s.cpu_usage, 21.0);
  EXPECT_TRUE(s.mem_usage.has_value());
}

TEST(HostCollector, CounterResetSkipsOneTickThenRecovers) {
  TempRoot root;
  root.Copy("debian12", "meminfo");
  root.Copy("debian12_next", "stat");
  HostCollector c(ProcOnly(root));
  c.Collect();

  root.Copy("debian12", "stat");  // the counters went backwards
  HostSample reset = c.Collect();
  EXPECT_EQ(reset.cpu_usage, std::nullopt);
  ASSERT_EQ(reset.errors.size(), 1u);
  EXPECT_THAT(reset.errors[0], HasSubstr("cpu.usage: CPU counters went backwards"));

  root.Copy("debian12_next", "stat");  // measured against the reading after the reset
  HostSample next = c.Collect();
  EXPECT_EQ(next.cpu_usage, 21.0);
  EXPECT_THAT(next.errors, IsEmpty());
}

TEST(HostCollector, SameReadingTwiceHasNoCpuUsage) {
  TempRoot root;
  root.Copy("debian12", "stat");
  root.Copy("debian12", "meminfo");
  HostCollector c(ProcOnly(root));
  c.Collect();
  HostSample s = c.Collect();
  EXPECT_EQ(s.cpu_usage, std::nullopt);  // a zero denominator, never 0 %
  EXPECT_THAT(s.errors, IsEmpty());      // calls closer than one clock tick are no fault
}

TEST(HostCollector, FailedReadForgetsThePreviousReading) {
  TempRoot root;
  root.Copy("debian12", "stat");
  root.Copy("debian12", "meminfo");
  HostCollector c(ProcOnly(root));
  c.Collect();

  fs::remove(root.proc("stat"));
  HostSample missing = c.Collect();
  EXPECT_EQ(missing.cpu_usage, std::nullopt);
  ASSERT_EQ(missing.errors.size(), 1u);
  EXPECT_THAT(missing.errors[0], HasSubstr(root.proc("stat").string()));
  EXPECT_TRUE(missing.mem_usage.has_value());  // one failing file does not hide the others

  // A value must cover one tick, so the reading before the failure is not used.
  root.Copy("debian12_next", "stat");
  EXPECT_EQ(c.Collect().cpu_usage, std::nullopt);
}

TEST(HostCollector, MissingProcFilesGiveErrorsAndNoValues) {
  TempRoot root;
  HostCollector c(ProcOnly(root));
  for (int tick = 0; tick < 2; ++tick) {
    HostSample s = c.Collect();
    EXPECT_EQ(s.cpu_usage, std::nullopt);
    EXPECT_EQ(s.mem_usage, std::nullopt);
    EXPECT_EQ(s.mem_free_kb, std::nullopt);
    ASSERT_EQ(s.errors.size(), 2u);
    EXPECT_THAT(s.errors[0], HasSubstr("cannot open " + root.proc("stat").string()));
    EXPECT_THAT(s.errors[1], HasSubstr("cannot open " + root.proc("meminfo").string()));
  }
}

TEST(HostCollector, MalformedStatFilesGiveErrorsAndNoValue) {
  const std::string kGarbage = std::string(
      "\x7f"
      "ELF\x02\x01\x01\0\0garbage\xff\xfe",
      17);
  for (const std::string& bad : {std::string(), std::string("cpu  6170 0 27"),
                                 std::string("cpu  a b c d e f g h\n"), kGarbage}) {
    TempRoot root;
    root.Copy("debian12", "meminfo");
    root.Copy("debian12", "stat");
    HostCollector c(ProcOnly(root));
    c.Collect();
    root.Write("stat", bad);
    HostSample s = c.Collect();
    EXPECT_EQ(s.cpu_usage, std::nullopt);
    ASSERT_EQ(s.errors.size(), 1u);
    EXPECT_THAT(s.errors[0], HasSubstr("cpu.usage: " + root.proc("stat").string() + ": "));
    EXPECT_TRUE(s.mem_usage.has_value());
  }
}

TEST(HostCollector, MalformedMeminfoGivesErrorsAndNoValues) {
  for (const std::string& bad :
       {std::string(), std::string("MemTotal:       24684084 kB\nMemAvai"),
        std::string("MemTotal: x kB\nMemAvailable: 1 kB\n"), std::string("\xff\xfe\n\n::\n")}) {
    TempRoot root;
    root.Write("meminfo", bad);
    HostSample s = HostCollector(ProcOnly(root)).Collect();
    EXPECT_EQ(s.mem_usage, std::nullopt);
    EXPECT_EQ(s.mem_free_kb, std::nullopt);
    ASSERT_EQ(s.errors.size(), 2u);  // stat is missing too
    EXPECT_THAT(s.errors[1], HasSubstr("mem.usage, mem.free: " + root.proc("meminfo").string()));
  }
}

TEST(HostCollector, MissingMemAvailableIsReported) {
  TempRoot root;
  root.Copy("debian12", "stat");
  root.Copy("old_kernel", "meminfo");  // a 3.10 kernel: no MemAvailable line
  HostSample s = HostCollector(ProcOnly(root)).Collect();
  EXPECT_EQ(s.mem_usage, std::nullopt);
  EXPECT_EQ(s.mem_free_kb, std::nullopt);
  ASSERT_EQ(s.errors.size(), 1u);
  EXPECT_THAT(s.errors[0], HasSubstr("no MemAvailable line"));
}

TEST(HostCollector, HugeProcFilesAreRejected) {
  TempRoot root;
  std::string line = "cpu  1 2 3 4 5 6 7 8 0 0\n";
  std::string huge;
  while (huge.size() <= (1u << 20)) huge += line;
  root.Write("stat", huge);
  root.Write("meminfo", "MemTotal: 10 kB\nMemAvailable: 5 kB\n" + huge);
  HostSample s = HostCollector(ProcOnly(root)).Collect();
  EXPECT_EQ(s.mem_usage, std::nullopt);
  ASSERT_EQ(s.errors.size(), 2u);
  EXPECT_THAT(s.errors[0], HasSubstr("larger than 1048576 bytes"));
  EXPECT_THAT(s.errors[1], HasSubstr("larger than 1048576 bytes"));
}

TEST(HostCollector, ReadsTheRealHost) {
  HostCollectorOptions opts;
  opts.nvml_library = "";
  HostCollector c(opts);
  c.Collect();
  ::usleep(50'000);  // at USER_HZ 100, at least 5 ticks per core pass
  HostSample s = c.Collect();
  EXPECT_THAT(s.errors, IsEmpty());
  ASSERT_TRUE(s.cpu_usage.has_value());
  EXPECT_GE(*s.cpu_usage, 0.0);
  EXPECT_LE(*s.cpu_usage, 100.0);
  ASSERT_TRUE(s.mem_usage.has_value());
  EXPECT_GT(*s.mem_usage, 0.0);
  EXPECT_LE(*s.mem_usage, 100.0);
  EXPECT_GT(s.mem_free_kb.value_or(0), 0.0);
}

TEST(HostCollector, RootFileSystemUsageIsAPercent) {
  HostCollectorOptions opts;
  opts.proc_root = "/";
  opts.mounts = {"/"};
  opts.nvml_library = "";
  HostSample s = HostCollector(opts).Collect();
  EXPECT_THAT(s.errors, IsEmpty());
  ASSERT_EQ(s.disks.size(), 1u);
  EXPECT_EQ(s.disks[0].mount, "/");
  EXPECT_GE(s.disks[0].percent, 0.0);
  EXPECT_LE(s.disks[0].percent, 100.0);
}

TEST(HostCollector, MissingMountGivesAnErrorAndNoValue) {
  TempRoot root;
  root.Copy("debian12", "stat");
  root.Copy("debian12", "meminfo");
  HostCollectorOptions opts = ProcOnly(root);
  opts.mounts = {"/nonexistent-botmon-mount", "/"};
  HostSample s = HostCollector(opts).Collect();
  ASSERT_EQ(s.disks.size(), 1u);
  EXPECT_EQ(s.disks[0].mount, "/");
  ASSERT_EQ(s.errors.size(), 1u);
  EXPECT_THAT(s.errors[0], HasSubstr("disk.usage: statvfs /nonexistent-botmon-mount: No such"));
}

TEST(HostCollector, PseudoFileSystemHasNoValue) {
  TempRoot root;
  root.Copy("debian12", "stat");
  root.Copy("debian12", "meminfo");
  HostCollectorOptions opts = ProcOnly(root);
  opts.mounts = {"/proc"};  // procfs reports 0 blocks: a zero denominator
  HostSample s = HostCollector(opts).Collect();
  EXPECT_TRUE(s.disks.empty());
  ASSERT_EQ(s.errors.size(), 1u);
  EXPECT_THAT(s.errors[0], HasSubstr("/proc: file system has no blocks"));
}

TEST(HostCollector, DuplicateMountsAreMeasuredOnce) {
  TempRoot root;
  root.Copy("debian12", "stat");
  root.Copy("debian12", "meminfo");
  HostCollectorOptions opts = ProcOnly(root);
  opts.mounts = {"/", "/tmp", "/", "/tmp/", "/tmp//"};
  HostSample s = HostCollector(opts).Collect();
  EXPECT_THAT(s.errors, IsEmpty());
  ASSERT_EQ(s.disks.size(), 2u);
  EXPECT_EQ(s.disks[0].mount, "/");
  EXPECT_EQ(s.disks[1].mount, "/tmp");
}

// The NVML tests load fake_nvml (testdata/fake_nvml.c) by path. The fixture opens it too, so
// that its state (mode, counters) is shared with the collector's handle and survives it.
class HostCollectorNvml : public ::testing::Test {
 protected:
  void SetUp() override {
    lib_ = ::dlopen(FAKE_NVML_PATH, RTLD_NOW | RTLD_LOCAL);
    ASSERT_NE(lib_, nullptr) << ::dlerror();
    set_mode_ = reinterpret_cast<void (*)(int)>(::dlsym(lib_, "fake_nvml_set_mode"));
    init_count_ = reinterpret_cast<int (*)()>(::dlsym(lib_, "fake_nvml_init_count"));
    shutdown_count_ = reinterpret_cast<int (*)()>(::dlsym(lib_, "fake_nvml_shutdown_count"));
    ASSERT_TRUE(set_mode_ && init_count_ && shutdown_count_);
    set_mode_(0);
  }
  void TearDown() override {
    if (lib_) ::dlclose(lib_);
  }

  static HostCollectorOptions Options(std::string library) {
    HostCollectorOptions opts;
    opts.proc_root = (kTestdata / "debian12").string();  // read-only use: no CPU delta, no error
    opts.mounts = {};
    opts.nvml_library = std::move(library);
    return opts;
  }

  void* lib_ = nullptr;
  void (*set_mode_)(int) = nullptr;
  int (*init_count_)() = nullptr;
  int (*shutdown_count_)() = nullptr;
};

TEST_F(HostCollectorNvml, ReportsEveryGpu) {
  HostCollector c(Options(FAKE_NVML_PATH));
  EXPECT_TRUE(c.gpu_available());
  EXPECT_EQ(c.gpu_disabled_reason(), "");
  for (int tick = 0; tick < 2; ++tick) {
    HostSample s = c.Collect();
    EXPECT_THAT(s.errors, IsEmpty());
    ASSERT_EQ(s.gpus.size(), 2u);
    EXPECT_EQ(s.gpus[0].gpu, "0");
    EXPECT_EQ(s.gpus[0].usage, 37.0);
    EXPECT_EQ(s.gpus[0].mem_usage, 50.0);
    EXPECT_EQ(s.gpus[1].gpu, "1");
    EXPECT_EQ(s.gpus[1].usage, 81.0);
    EXPECT_EQ(s.gpus[1].mem_usage, 25.0);
  }
}

TEST_F(HostCollectorNvml, ShutsNvmlDownOnDestruction) {
  int inits = init_count_();
  int shutdowns = shutdown_count_();
  {
    HostCollector c(Options(FAKE_NVML_PATH));
    EXPECT_EQ(init_count_(), inits + 1);
    EXPECT_EQ(shutdown_count_(), shutdowns);
  }
  EXPECT_EQ(shutdown_count_(), shutdowns + 1);
}

TEST_F(HostCollectorNvml, MissingLibraryDisablesGpus) {
  HostCollector c(Options("/nonexistent/libnvidia-ml.so.1"));
  EXPECT_FALSE(c.gpu_available());
  EXPECT_THAT(c.gpu_disabled_reason(), HasSubstr("cannot load /nonexistent/libnvidia-ml.so.1"));
  HostSample s = c.Collect();
  EXPECT_TRUE(s.gpus.empty());
  EXPECT_THAT(s.errors, IsEmpty());  // a disabled collector is said once, not every tick
}

TEST_F(HostCollectorNvml, EmptyLibraryNameDisablesGpus) {
  HostCollector c(Options(""));
  EXPECT_FALSE(c.gpu_available());
  EXPECT_THAT(c.gpu_disabled_reason(), HasSubstr("disabled"));
  EXPECT_TRUE(c.Collect().gpus.empty());
}

TEST_F(HostCollectorNvml, LibraryWithoutNvmlSymbolsDisablesGpus) {
  HostCollector c(Options("libc.so.6"));
  EXPECT_FALSE(c.gpu_available());
  EXPECT_THAT(c.gpu_disabled_reason(), HasSubstr("libc.so.6 lacks nvmlInit_v2"));
  EXPECT_TRUE(c.Collect().gpus.empty());
}

TEST_F(HostCollectorNvml, InitFailureDisablesGpus) {
  set_mode_(1);
  int shutdowns = shutdown_count_();
  {
    HostCollector c(Options(FAKE_NVML_PATH));
    EXPECT_FALSE(c.gpu_available());
    EXPECT_THAT(c.gpu_disabled_reason(), HasSubstr(FAKE_NVML_PATH));
    EXPECT_THAT(c.gpu_disabled_reason(), HasSubstr("nvmlInit_v2 failed: Driver Not Loaded (9)"));
    EXPECT_TRUE(c.Collect().gpus.empty());
  }
  EXPECT_EQ(shutdown_count_(), shutdowns);  // never shut down what did not start
}

TEST_F(HostCollectorNvml, ZeroDevicesDisablesGpus) {
  set_mode_(2);
  int shutdowns = shutdown_count_();
  HostCollector c(Options(FAKE_NVML_PATH));
  EXPECT_FALSE(c.gpu_available());
  EXPECT_THAT(c.gpu_disabled_reason(), HasSubstr("no usable GPU (0 devices)"));
  EXPECT_EQ(shutdown_count_(), shutdowns + 1);  // released at once, not at destruction
  HostSample s = c.Collect();
  EXPECT_TRUE(s.gpus.empty());
}

TEST_F(HostCollectorNvml, DeviceThatCannotBeOpenedIsLeftOut) {
  set_mode_(4);
  HostCollector c(Options(FAKE_NVML_PATH));
  EXPECT_TRUE(c.gpu_available());
  HostSample s = c.Collect();
  ASSERT_EQ(s.gpus.size(), 1u);
  EXPECT_EQ(s.gpus[0].gpu, "1");  // keeps NVML's index
  EXPECT_EQ(s.gpus[0].usage, 81.0);
}

TEST_F(HostCollectorNvml, FailingDeviceIsSkippedForThatTickOnly) {
  set_mode_(3);
  HostCollector c(Options(FAKE_NVML_PATH));
  HostSample lost = c.Collect();
  ASSERT_EQ(lost.gpus.size(), 1u);
  EXPECT_EQ(lost.gpus[0].gpu, "0");
  ASSERT_EQ(lost.errors.size(), 1u);
  EXPECT_THAT(lost.errors[0], HasSubstr("gpu 1: nvmlDeviceGetUtilizationRates: GPU is lost (15)"));

  set_mode_(0);
  HostSample back = c.Collect();
  EXPECT_THAT(back.errors, IsEmpty());
  EXPECT_EQ(back.gpus.size(), 2u);
}

TEST_F(HostCollectorNvml, DeviceWithoutMemoryHasNoValue) {
  set_mode_(5);
  HostCollector c(Options(FAKE_NVML_PATH));
  HostSample s = c.Collect();
  ASSERT_EQ(s.gpus.size(), 1u);
  EXPECT_EQ(s.gpus[0].gpu, "1");
  ASSERT_EQ(s.errors.size(), 1u);
  EXPECT_THAT(s.errors[0], HasSubstr("gpu 0: NVML reports 0 bytes of memory"));
}

}  // namespace
}  // namespace botmon
