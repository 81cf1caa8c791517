// Test helpers for the config module's tests (not part of botmon_config): a temporary directory
// that removes itself, and a field-by-field Config comparison that ignores where list items
// came from. Not thread-safe; one per test.
#ifndef BOTMON_CONFIG_TESTING_H_
#define BOTMON_CONFIG_TESTING_H_

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "config/options.h"

namespace botmon::testing_config {

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "botmon-config-XXXXXX").string();
    char* p = ::mkdtemp(tmpl.data());
    EXPECT_NE(p, nullptr);
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string File(std::string_view name) const { return path_ + "/" + std::string(name); }
  // Writes `text` to `name` (creating parent folders) and returns the full path.
  std::string Write(std::string_view name, std::string_view text) const {
    std::string file = File(name);
    std::filesystem::create_directories(std::filesystem::path(file).parent_path());
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    return file;
  }

 private:
  std::string path_;
};

inline std::string TestData(std::string_view name) {
  return std::string(BOTMON_SOURCE_DIR) + "/tests/testdata/config/" + std::string(name);
}

inline void ExpectItemsEqual(const std::vector<RawItem>& a, const std::vector<RawItem>& b,
                             const char* what) {
  ASSERT_EQ(a.size(), b.size()) << what;
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].value, b[i].value) << what << "[" << i << "]";
  }
}

// Every field equal; RawItems compared by value only (not by file or line).
inline void ExpectSameConfig(const Config& a, const Config& b) {
  EXPECT_EQ(a.listen, b.listen);
  EXPECT_EQ(a.data_dir, b.data_dir);
  EXPECT_EQ(a.store, b.store);
  EXPECT_EQ(a.tick_ms, b.tick_ms);
  EXPECT_EQ(a.timezone, b.timezone);
  EXPECT_EQ(a.host_name, b.host_name);
  EXPECT_EQ(a.public_url, b.public_url);
  EXPECT_TRUE(a.retention == b.retention);
  EXPECT_TRUE(a.ingest == b.ingest);
  EXPECT_TRUE(a.sessions == b.sessions);
  EXPECT_TRUE(a.privacy == b.privacy);
  EXPECT_TRUE(a.collect == b.collect);
  EXPECT_TRUE(a.metrics == b.metrics);
  EXPECT_TRUE(a.nodes == b.nodes);
  EXPECT_TRUE(a.monitoring == b.monitoring);
  EXPECT_TRUE(a.alerting == b.alerting);
  EXPECT_TRUE(a.hooks == b.hooks);
  EXPECT_TRUE(a.notifications == b.notifications);
  EXPECT_TRUE(a.smtp == b.smtp);
  EXPECT_TRUE(a.sms == b.sms);
  EXPECT_TRUE(a.influx == b.influx);
  EXPECT_TRUE(a.cluster == b.cluster);
  EXPECT_TRUE(a.tls == b.tls);
  ExpectItemsEqual(a.channels, b.channels, "channels");
  ExpectItemsEqual(a.routes, b.routes, "routes");
  ExpectItemsEqual(a.silences, b.silences, "silences");
  ExpectItemsEqual(a.maintenance, b.maintenance, "maintenance");
  ExpectItemsEqual(a.rules, b.rules, "rules");
  ExpectItemsEqual(a.checks, b.checks, "checks");
}

}  // namespace botmon::testing_config

#endif  // BOTMON_CONFIG_TESTING_H_
