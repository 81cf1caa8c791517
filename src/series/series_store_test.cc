#include "series/series_store.h"

#include <gtest/gtest.h>

#include <cstdlib>

namespace botmon {
namespace {

constexpr int64_t kHour = 3'600'000;
constexpr int64_t kBase = 1'705'320'000'000;  // 2024-01-15T12:00:00Z, an hour boundary

class SeriesStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/botmon-series-XXXXXX";
    dir_ = mkdtemp(tmpl);
    Reopen();
  }
  void TearDown() override {
    series_.reset();
    log_.reset();
    store_.reset();
    ASSERT_EQ(std::system(("rm -rf " + dir_).c_str()), 0);
  }
  void Reopen() {
    series_.reset();
    log_.reset();
    store_.reset();
    store_ = std::move(*OpenStore("sqlite", dir_, 2));
    log_ = std::move(*TickLog::Open(dir_ + "/series"));
    series_ = std::make_unique<SeriesStore>(store_.get(), log_.get(), &catalog_);
    auto mark = series_->Load(nullptr);
    ASSERT_TRUE(mark.ok()) << mark.status().ToString();
    mark_ = *mark;
  }
  static std::vector<TickValue> Tick(double cpu, double req) {
    return {TickValue{SeriesKey{"cpu.usage", "h", "", "", "", "", ""}, cpu},
            TickValue{SeriesKey{"requests.count", "h", "", "", "", "", ""}, req}};
  }
  int64_t IdOf(const std::string& field) {
    auto m = series_->Match([&](const SeriesDef& d) { return d.field == field; });
    return m.empty() ? -1 : m[0].def.id;
  }

  std::string dir_;
  FieldCatalog catalog_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<TickLog> log_;
  std::unique_ptr<SeriesStore> series_;
  int64_t mark_ = 0;
};

TEST_F(SeriesStoreTest, OpenHourSurvivesRestartThroughTheTickLog) {
  for (int i = 1; i <= 30; ++i) {
    ASSERT_TRUE(series_->AppendTick(kBase + i * 10'000, 100 + i, Tick(10 + i * 0.01, i)).ok());
  }
  Reopen();  // as after kill -9: nothing was closed
  EXPECT_EQ(mark_, 130);
  auto raw = series_->ReadRaw(IdOf("cpu.usage"), kBase, kBase + kHour);
  ASSERT_TRUE(raw.ok());
  ASSERT_EQ(raw->size(), 30u);
  EXPECT_DOUBLE_EQ((*raw)[4].value, 10.05);
}

TEST_F(SeriesStoreTest, HourCloseWritesChunksAndRollups) {
  // Two hours of 10 s ticks, a fractional counter value in the middle of the first.
  for (int i = 1; i <= 720; ++i) {
    double req = i == 100 ? 2.5 : i % 3;
    ASSERT_TRUE(series_->AppendTick(kBase + i * 10'000, i, Tick(50 + (i % 7) * 0.25, req)).ok());
  }
  series_->CloseHours(kBase + 2 * kHour + 5000);  // closes both complete hours
  ASSERT_TRUE(store_->Flush().ok());
  series_->CloseHours(kBase + 2 * kHour + 6000);  // deletes the committed tick files
  // Tick 720 (14:00:00) belongs to the still-open 14:00 hour.
  EXPECT_EQ(**store_->GetMeta("series_mark"), "719");

  const int64_t cpu = IdOf("cpu.usage"), req = IdOf("requests.count");
  auto raw = series_->ReadRaw(cpu, kBase, kBase + 2 * kHour);
  ASSERT_TRUE(raw.ok());
  EXPECT_EQ(raw->size(), 720u);
  auto reqs = series_->ReadRaw(req, kBase, kBase + 2 * kHour);
  ASSERT_EQ(reqs->size(), 720u);
  EXPECT_EQ((*reqs)[99].value, 2.5);
  EXPECT_EQ((*reqs)[100].value, 101 % 3);

  auto minutes = series_->ReadRollup(cpu, Tier::kRollup1m, kBase, kBase + 2 * kHour);
  ASSERT_TRUE(minutes.ok()) << minutes.status().ToString();
  // 720 samples at 10 s from 12:00:10 to 14:00:00: minutes 12:00 .. 14:00.
  EXPECT_EQ(minutes->size(), 121u);
  EXPECT_EQ((*minutes)[1].count, 6);
  auto hours = series_->ReadRollup(req, Tier::kRollup1h, kBase, kBase + 3 * kHour);
  ASSERT_TRUE(hours.ok());
  ASSERT_EQ(hours->size(), 3u);
  EXPECT_EQ((*hours)[0].count, 359);
  EXPECT_EQ((*hours)[2].count, 1);  // 14:00:00 belongs to the 14:00 hour

  // After a restart everything closed is read back from the store alone.
  Reopen();
  EXPECT_EQ(mark_, 720);
  EXPECT_EQ(series_->ReadRaw(cpu, kBase, kBase + 2 * kHour)->size(), 720u);
}

TEST_F(SeriesStoreTest, NeverRewritesAClosedTick) {
  ASSERT_TRUE(series_->AppendTick(kBase + 10'000, 1, Tick(1, 1)).ok());
  ASSERT_TRUE(series_->AppendTick(kBase + 10'000, 2, Tick(2, 2)).ok());
  auto raw = series_->ReadRaw(IdOf("cpu.usage"), kBase, kBase + kHour);
  ASSERT_EQ(raw->size(), 1u);
  EXPECT_EQ((*raw)[0].value, 1);
}

}  // namespace
}  // namespace botmon
