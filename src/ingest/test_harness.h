// Test-only: a complete ingest stack on a temporary data dir (store, log, tracker, pipeline).
#ifndef BOTMON_INGEST_TEST_HARNESS_H_
#define BOTMON_INGEST_TEST_HARNESS_H_

#include <cstdlib>
#include <future>
#include <memory>
#include <string>

#include "core/clock.h"
#include "ingest/pipeline.h"

namespace botmon {

class IngestHarness {
 public:
  explicit IngestHarness(std::string dir = "") : clock(1'705'329'120'000) {
    if (dir.empty()) {
      char tmpl[] = "/tmp/botmon-ingest-XXXXXX";
      dir = mkdtemp(tmpl);
      owns_dir_ = true;
    }
    dir_ = dir;
  }
  ~IngestHarness() {
    Close();
    if (owns_dir_) (void)std::system(("rm -rf " + dir_).c_str());
  }

  Status Open(int64_t sessions_mark = -1, int64_t series_mark = -1) {
    ASSIGN_OR_RETURN(store, OpenStore("sqlite", dir_, 2));
    ASSIGN_OR_RETURN(log, IngestLog::Open(dir_ + "/events", {}));
    stats = std::make_unique<LiveStats>(Zone::Utc());
    TrackerOptions topts;
    topts.local_host = "bot-1";
    tracker = std::make_unique<SessionTracker>(store.get(), stats.get(), topts);
    RETURN_IF_ERROR(tracker->Restore(clock.NowMs(), &acc));
    pipeline = std::make_unique<IngestPipeline>(log.get(), tracker.get(), &acc, store.get(),
                                                &catalog, &clock, opts);
    ASSIGN_OR_RETURN(auto sm, store->GetMeta("sessions_mark"));
    if (sessions_mark < 0) sessions_mark = sm ? std::stoll(*sm) : 0;
    if (series_mark < 0) series_mark = 0;
    RETURN_IF_ERROR(pipeline->Replay(sessions_mark, series_mark, nullptr));
    pipeline->Start();
    return Status::OK();
  }

  void Close() {
    if (pipeline) pipeline->Stop();
    pipeline.reset();
    if (store) (void)store->Flush();
    tracker.reset();
    log.reset();
    store.reset();
  }

  IngestReply Send(std::vector<BotEvent> events) {
    IngestJob job;
    for (uint32_t i = 0; i < events.size(); ++i) job.indexes.push_back(i);
    job.events = std::move(events);
    job.recv_ms = clock.NowMs();
    std::promise<IngestReply> p;
    auto f = p.get_future();
    job.done = [&p](IngestReply r) { p.set_value(std::move(r)); };
    pipeline->Submit(std::move(job));
    return f.get();
  }

  static BotEvent Ev(EventType t, std::string session = "", int64_t ts = 0) {
    BotEvent e;
    e.type = t;
    e.session = std::move(session);
    e.ts_ms = ts;
    e.ts_given = ts != 0;
    return e;
  }
  BotEvent At(EventType t, std::string session, int64_t offset_ms) {
    BotEvent e = Ev(t, std::move(session), clock.NowMs() + offset_ms);
    return e;
  }

  const std::string& dir() const { return dir_; }

  FakeClock clock;
  PipelineOptions opts;
  std::unique_ptr<Store> store;
  std::unique_ptr<IngestLog> log;
  std::unique_ptr<LiveStats> stats;
  TickAccumulator acc;
  FieldCatalog catalog;
  std::unique_ptr<SessionTracker> tracker;
  std::unique_ptr<IngestPipeline> pipeline;

 private:
  std::string dir_;
  bool owns_dir_ = false;
};

}  // namespace botmon

#endif  // BOTMON_INGEST_TEST_HARNESS_H_
