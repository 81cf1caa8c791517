// A GoogleTest fixture for the store's users: an SQLite store (OpenStore("sqlite", ...)) in a fresh
// temporary directory, closed and removed after each test. A derived fixture that overrides
// SetUp() or TearDown() calls these first (SetUp) or last (TearDown).
#ifndef BOTMON_STORE_TEMP_STORE_TEST_H_
#define BOTMON_STORE_TEMP_STORE_TEST_H_

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>

#include "core/status.h"
#include "store/store.h"

namespace botmon {

class TempStoreTest : public ::testing::Test {
 protected:
  explicit TempStoreTest(int readers = 2) : readers_(readers) {}

  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "botmon-store-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    Reopen();
  }
  // Closes the store and opens the same directory again, as a restart does.
  void Reopen() {
    store_.reset();
    auto s = OpenStore("sqlite", dir_, readers_);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
  }
  // Writes a batch and waits until it is committed; its result.
  Status WriteSync(WriteBatch b) {
    Status out;
    bool done = false;
    store_->Write(std::move(b), [&](Status s) {
      out = s;
      done = true;
    });
    RETURN_IF_ERROR(store_->Flush());
    EXPECT_TRUE(done);
    return out;
  }
  void TearDown() override {
    store_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  std::string dir_;
  std::unique_ptr<Store> store_;

 private:
  int readers_;
};

}  // namespace botmon

#endif  // BOTMON_STORE_TEMP_STORE_TEST_H_
