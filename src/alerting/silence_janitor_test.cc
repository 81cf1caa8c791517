#include "alerting/silence_janitor.h"

#include <gtest/gtest.h>

#include "store/store.h"
#include "store/temp_store_test.h"

namespace botmon {
namespace {

class SilenceJanitorTest : public TempStoreTest {
 protected:
  void AddIncident(const std::string& id, std::optional<int64_t> end_ms) {
    WriteBatch b;
    b.incidents.push_back({id, "r", "host=a", "a", 1'000, end_ms, "{}"});
    Status st = WriteSync(std::move(b));
    ASSERT_TRUE(st.ok()) << st.ToString();
  }
  static Silence Timed(std::string id, int64_t ends_at_ms, std::string file = "") {
    Silence s;
    s.id = std::move(id);
    s.ends_at_ms = ends_at_ms;
    s.file = std::move(file);
    return s;
  }
  static Silence UntilResolved(std::string id, std::string incident) {
    Silence s;
    s.id = std::move(id);
    s.until_resolved = std::move(incident);
    return s;
  }
};

TEST_F(SilenceJanitorTest, DropsTimedSilencesEndedAtOrBeforeTheCutoff) {
  auto ids = SilencesOverBefore({Timed("old", 4'000), Timed("edge", 5'000), Timed("recent", 5'001)},
                                5'000, store_.get());
  EXPECT_EQ(ids, (std::vector<std::string>{"old", "edge"}));
}

TEST_F(SilenceJanitorTest, KeepsTheConfigurationFilesSilences) {
  EXPECT_TRUE(SilencesOverBefore({Timed("yaml", 1, "botmon.yaml")}, 5'000, store_.get()).empty());
}

TEST_F(SilenceJanitorTest, UntilResolvedFollowsItsIncident) {
  AddIncident("open", std::nullopt);
  AddIncident("resolved-long-ago", 2'000);
  AddIncident("resolved-lately", 9'000);
  auto ids =
      SilencesOverBefore({UntilResolved("a", "open"), UntilResolved("b", "resolved-long-ago"),
                          UntilResolved("c", "resolved-lately"), UntilResolved("d", "gone")},
                         5'000, store_.get());
  EXPECT_EQ(ids, (std::vector<std::string>{"b", "d"}));
}

}  // namespace
}  // namespace botmon
