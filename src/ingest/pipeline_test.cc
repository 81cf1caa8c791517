#include "ingest/pipeline.h"

#include <gtest/gtest.h>

#include <thread>

#include "ingest/test_harness.h"

namespace botmon {
namespace {

using E = EventType;

TEST(IngestPipeline, RepeatedIdsAreAcceptedAndIgnored) {
  IngestHarness h;
  ASSERT_TRUE(h.Open().ok());
  auto a = h.At(E::kRequest, "", 0);
  a.id = "retry-1";
  a.latency_ms = 10;
  auto r1 = h.Send({a, a});
  EXPECT_EQ(r1.accepted, 2u);
  auto r2 = h.Send({a});
  EXPECT_EQ(r2.accepted, 1u);
  EXPECT_EQ(h.pipeline->stats().duplicates, 2u);
  auto closed = h.acc.Close(h.clock.NowMs(), 0);
  EXPECT_EQ((closed.combos[Combo{"bot-1", "", ""}].requests), 1);
  // After the 10-minute window the id counts again.
  h.clock.AdvanceMs(10 * 60'000 + 1);
  a.ts_ms = h.clock.NowMs();
  EXPECT_EQ(h.Send({a}).accepted, 1u);
  EXPECT_EQ((h.acc.Close(h.clock.NowMs(), 0).combos[Combo{"bot-1", "", ""}].requests), 1);
}

TEST(IngestPipeline, CustomFieldKindMismatchIsRejected) {
  IngestHarness h;
  ASSERT_TRUE(h.Open().ok());
  auto g = h.At(E::kGauge, "", 0);
  g.name = "orders.open";
  g.value = 3;
  auto c = g;
  c.type = E::kCounter;
  auto r = h.Send({g, c});
  EXPECT_EQ(r.accepted, 1u);
  ASSERT_EQ(r.rejected.size(), 1u);
  EXPECT_NE(r.rejected[0].error.find("is a gauge"), std::string::npos);
}

TEST(IngestPipeline, ReplayRestoresSessionsCountsAndIds) {
  char tmpl[] = "/tmp/botmon-replay-XXXXXX";
  std::string dir = mkdtemp(tmpl);
  {
    IngestHarness h(dir);
    ASSERT_TRUE(h.Open().ok());
    auto in = h.At(E::kMessageIn, "r1", 0);
    in.text = "hi";
    in.id = "m-1";
    h.Send({in});
    h.Close();
  }
  {
    // The store's marks are honoured: nothing is applied twice.
    IngestHarness h(dir);
    ASSERT_TRUE(h.Open().ok());
    ASSERT_TRUE(h.store->Flush().ok());
    EXPECT_EQ((*h.store->GetSession("r1", 1, 10))->session.message_count, 1);
  }
  // As after kill -9 before the store committed anything: only the ingest log is left.
  ASSERT_EQ(std::system(("rm -f " + dir + "/botmon.db*").c_str()), 0);
  {
    IngestHarness h(dir);
    ASSERT_TRUE(h.Open(0, 0).ok());
    ASSERT_TRUE(h.store->Flush().ok());
    auto d = h.store->GetSession("r1", 1, 10);
    ASSERT_TRUE(d.ok() && d->has_value());
    EXPECT_EQ((*d)->session.message_count, 1);
    // The replay re-counted the event in the current tick.
    auto closed = h.acc.Close(h.clock.NowMs(), 0);
    EXPECT_EQ((closed.combos[Combo{"bot-1", "default", ""}].events_in), 1);
    // And remembers its id: a client retry is still ignored.
    auto again = h.At(E::kMessageIn, "r1", 0);
    again.id = "m-1";
    EXPECT_EQ(h.Send({again}).accepted, 1u);
    EXPECT_EQ(h.pipeline->stats().duplicates, 1u);
  }
  ASSERT_EQ(std::system(("rm -rf " + dir).c_str()), 0);
}

TEST(IngestPipeline, FullQueueAnswers429AfterOneSecond) {
  IngestHarness h;
  h.opts.max_queued_events = 1;
  h.opts.max_store_backlog = 0;  // the writer takes nothing: the queue stays full
  ASSERT_TRUE(h.Open().ok());
  std::vector<std::future<IngestReply>> replies;
  std::vector<std::promise<IngestReply>> promises(3);
  for (int i = 0; i < 3; ++i) {
    IngestJob job;
    job.events.push_back(h.At(E::kRequest, "", 0));
    job.indexes.push_back(0);
    replies.push_back(promises[i].get_future());
    job.done = [&promises, i](IngestReply r) { promises[i].set_value(std::move(r)); };
    h.pipeline->Submit(std::move(job));
  }
  // Parked, not refused, for the first second.
  EXPECT_EQ(replies[1].wait_for(std::chrono::milliseconds(300)), std::future_status::timeout);
  h.clock.AdvanceMs(1500);
  auto r = replies[1].get();
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(r.retry_after_s, 1);
  EXPECT_EQ(replies[2].get().status, 429);
  h.Close();
  EXPECT_EQ(replies[0].get().status, 200);  // the queued one is answered at shutdown
}

}  // namespace
}  // namespace botmon
