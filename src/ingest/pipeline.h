// IngestPipeline: the "ingest-writer" thread (SPEC 13). Decoded batches arrive from the HTTP
// threads; the writer takes every queued batch at once (group commit), resolves each event
// against its session, drops repeated event ids (10 minutes), appends the whole group to the
// ingest log in one write, and only then counts the events into the tick sums, hands sessions,
// transcripts and logs to the store, and answers each batch.
//
// Back-pressure: the queue holds at most `max_queued_events`; a batch that does not fit waits
// (a slower reply), and once the queue has been full for more than 1 s waiting batches are
// answered 429 with Retry-After. The store's writer falling behind slows this thread down in
// turn, so nothing grows without bound.
//
// Thread-safe: Submit/Post from any thread; everything else runs on the writer thread.
#ifndef BOTMON_INGEST_PIPELINE_H_
#define BOTMON_INGEST_PIPELINE_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "core/clock.h"
#include "ingest/decode.h"
#include "ingest/ingest_log.h"
#include "ingest/session_tracker.h"
#include "series/field_catalog.h"
#include "series/tick_accumulator.h"
#include "store/store.h"

namespace botmon {

struct IngestReply {
  int status = 200;  // 200, 429 (queue full for > 1 s), 503 (log write failed, stopping)
  size_t accepted = 0;
  std::vector<Rejection> rejected;  // by item index
  int retry_after_s = 0;
  std::string error;
};

struct IngestJob {
  std::vector<BotEvent> events;
  std::vector<uint32_t> indexes;    // item index of each event
  std::vector<Rejection> rejected;  // already rejected by the decoder
  int64_t recv_ms = 0;
  std::function<void(IngestReply)> done;  // called once, on the writer thread
};

struct PipelineOptions {
  size_t max_queued_events = 1'000'000;
  size_t max_store_backlog = 32;  // store batches pending before the writer waits
  int64_t dedup_window_ms = 10 * 60'000;
  size_t dedup_max_ids = 2'000'000;  // memory bound on remembered ids
  int64_t full_for_ms_before_429 = 1000;
  int64_t session_publish_interval_ms = 1000;  // at most one live event per session per second
};

struct PipelineStats {
  uint64_t accepted = 0, rejected = 0, duplicates = 0, throttled = 0;
  uint64_t queued_events = 0;
  int64_t last_seq = 0;
};

class IngestPipeline {
 public:
  using SessionPublisher = std::function<void(const SessionRecord&, SessionOp)>;
  using CatalogChanged = std::function<void(WriteBatch*)>;

  IngestPipeline(IngestLog* log, SessionTracker* tracker, TickAccumulator* acc, Store* store,
                 FieldCatalog* catalog, Clock* clock, PipelineOptions opts);
  ~IngestPipeline();

  // Start-up, before Start(): replays the ingest log. Events after `sessions_mark` go through the
  // session tracker to the store again; events after `series_mark` are counted again (in the
  // current tick); every id younger than the dedup window is remembered.
  Status Replay(int64_t sessions_mark, int64_t series_mark, std::vector<std::string>* warnings);

  void SetSessionPublisher(SessionPublisher p) { publisher_ = std::move(p); }
  void Start();
  // Answers what is queued, then stops the thread. Waiting batches get 503.
  void Stop();

  void Submit(IngestJob job);
  // Runs `task` on the writer thread, in order with the batches (ticks use it for idle expiry).
  void Post(std::function<void()> task);

  PipelineStats stats() const;
  // The last sequence number whose sessions, transcripts and logs the store has committed.
  int64_t committed_seq() const { return committed_seq_.load(std::memory_order_acquire); }
  // Waits until committed_seq() >= seq or `timeout_ms` passes; true when reached.
  bool WaitCommitted(int64_t seq, int64_t timeout_ms) const;

 private:
  void Loop();
  void ProcessJobs(std::vector<IngestJob>* jobs);
  void PublishSessions(bool force);
  void ThrottleParkedLocked(int64_t now_mono_ms, std::vector<IngestJob>* to_429);
  bool SeenRecently(const std::string& id, int64_t now_ms);
  void MarkCommitted(int64_t seq);
  // How long the writer may sleep: until new work, or the next deadline it owns.
  std::chrono::milliseconds IdleWaitLocked(int64_t now_mono_ms) const;
  void RememberId(const std::string& id, int64_t recv_ms);

  IngestLog* log_;
  SessionTracker* tracker_;
  TickAccumulator* acc_;
  Store* store_;
  FieldCatalog* catalog_;
  Clock* clock_;
  PipelineOptions opts_;
  SessionPublisher publisher_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<IngestJob> queue_;
  std::deque<IngestJob> parked_;
  std::deque<std::function<void()>> tasks_;
  size_t queued_events_ = 0;
  int64_t full_since_mono_ms_ = -1;
  bool stopping_ = false;
  std::thread thread_;

  // Writer-thread state.
  int64_t next_seq_ = 1;
  std::unordered_map<std::string, int64_t> ids_;  // id -> receive ms
  std::deque<std::pair<int64_t, std::string>> id_order_;
  std::unordered_map<std::string, SessionOp> pending_sessions_;
  std::unordered_map<std::string, int64_t> last_published_;
  std::atomic<size_t> store_backlog_{0};

  std::atomic<uint64_t> accepted_{0}, rejected_{0}, duplicates_{0}, throttled_{0};
  std::atomic<int64_t> last_seq_{0};
  std::atomic<int64_t> committed_seq_{0};
  mutable std::mutex committed_mu_;
  mutable std::condition_variable committed_cv_;
};

}  // namespace botmon

#endif  // BOTMON_INGEST_PIPELINE_H_
