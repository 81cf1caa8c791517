#include "ingest/pipeline.h"

#include <algorithm>

#include "core/log.h"
#include "core/record_io.h"
#include "core/thread_name.h"
#include "ingest/accumulate.h"

namespace botmon {
namespace {

int64_t MonoMs(Clock* c) { return c->MonoNs() / 1'000'000; }

IngestReply Failure(int status, std::string error, int retry_after = 0) {
  IngestReply r;
  r.status = status;
  r.error = std::move(error);
  r.retry_after_s = retry_after;
  return r;
}

}  // namespace

IngestPipeline::IngestPipeline(IngestLog* log, SessionTracker* tracker, TickAccumulator* acc,
                               Store* store, FieldCatalog* catalog, Clock* clock,
                               PipelineOptions opts)
    : log_(log),
      tracker_(tracker),
      acc_(acc),
      store_(store),
      catalog_(catalog),
      clock_(clock),
      opts_(opts) {}

IngestPipeline::~IngestPipeline() { Stop(); }

bool IngestPipeline::SeenRecently(const std::string& id, int64_t now_ms) {
  auto it = ids_.find(id);
  return it != ids_.end() && now_ms - it->second < opts_.dedup_window_ms;
}

void IngestPipeline::RememberId(const std::string& id, int64_t recv_ms) {
  ids_[id] = recv_ms;
  id_order_.emplace_back(recv_ms, id);
  // Forget ids older than the window, and the oldest beyond the memory bound.
  while (!id_order_.empty() && (id_order_.front().first < recv_ms - opts_.dedup_window_ms ||
                                id_order_.size() > opts_.dedup_max_ids)) {
    auto it = ids_.find(id_order_.front().second);
    if (it != ids_.end() && it->second == id_order_.front().first) ids_.erase(it);
    id_order_.pop_front();
  }
}

Status IngestPipeline::Replay(int64_t sessions_mark, int64_t series_mark,
                              std::vector<std::string>* warnings) {
  const int64_t now = clock_->NowMs();
  WriteBatch wb;
  int64_t last = 0;
  uint64_t replayed = 0;
  TickAccumulator::Batch acc(acc_);
  Status st = log_->Scan(
      [&](std::string_view payload) -> Status {
        LoggedEvent le;
        Status d = DecodeLoggedEvent(payload, &le);
        if (!d.ok()) {
          if (warnings) warnings->push_back(d.message());
          return Status::OK();
        }
        last = std::max(last, le.seq);
        if (!le.event.id.empty() && now - le.recv_ms < opts_.dedup_window_ms) {
          RememberId(le.event.id, le.recv_ms);
        }
        if (le.seq > sessions_mark) {
          (void)tracker_->Apply(&le, &acc, &wb, now);
          ++replayed;
        }
        if (le.seq > series_mark) {
          if ((le.event.type == EventType::kGauge || le.event.type == EventType::kCounter) &&
              le.event.name != "queue.depth") {
            (void)catalog_->UseCustom(le.event.name, le.event.type == EventType::kCounter
                                                         ? FieldKind::kCounter
                                                         : FieldKind::kGauge);
          }
          AccumulateEvent(le, &acc, now, /*count_session_start=*/le.seq <= sessions_mark);
        }
        return Status::OK();
      },
      warnings);
  RETURN_IF_ERROR(st);
  next_seq_ = std::max(last, std::max(sessions_mark, series_mark)) + 1;
  last_seq_ = next_seq_ - 1;
  acc.SetThroughSeq(next_seq_ - 1);
  tracker_->FlushDirty(&wb);
  (void)tracker_->TakeChanges();
  wb.meta.emplace_back("sessions_mark", std::to_string(next_seq_ - 1));
  wb.meta.emplace_back("custom_fields", catalog_->Serialize());
  const int64_t mark = next_seq_ - 1;
  store_->Write(std::move(wb), [this, mark](Status s) {
    if (s.ok()) MarkCommitted(mark);
  });
  if (replayed > 0) LOG_INFO("replayed {} events from the ingest log", replayed);
  return store_->Flush();
}

void IngestPipeline::Start() {
  thread_ = std::thread([this] {
    SetThreadName("ingest-writer");
    Loop();
  });
}

void IngestPipeline::Stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void IngestPipeline::Submit(IngestJob job) {
  std::vector<IngestJob> to_429;
  {
    std::lock_guard lock(mu_);
    if (stopping_) {
      job.done(Failure(503, "botmon is shutting down"));
      return;
    }
    const int64_t now = MonoMs(clock_);
    const size_t n = job.events.size();
    if (queued_events_ + n <= opts_.max_queued_events || queue_.empty()) {
      queued_events_ += n;
      queue_.push_back(std::move(job));
    } else {
      if (full_since_mono_ms_ < 0) full_since_mono_ms_ = now;
      parked_.push_back(std::move(job));
      ThrottleParkedLocked(now, &to_429);
    }
  }
  cv_.notify_one();
  for (auto& j : to_429) j.done(Failure(429, "the ingest queue is full", 1));
}

std::chrono::milliseconds IngestPipeline::IdleWaitLocked(int64_t now) const {
  // Sleep until there is work (the condition variable wakes us) or one of our deadlines: the
  // 429 of a waiting batch, or a coalesced session change due for publication. An idle server
  // thus wakes this thread only for the ticks' posted tasks.
  int64_t wait = 60'000;
  if (!parked_.empty() && full_since_mono_ms_ >= 0) {
    wait = std::min(wait, full_since_mono_ms_ + opts_.full_for_ms_before_429 + 1 - now);
  }
  if (!pending_sessions_.empty()) wait = std::min(wait, opts_.session_publish_interval_ms / 4);
  return std::chrono::milliseconds(std::max<int64_t>(wait, 1));
}

void IngestPipeline::ThrottleParkedLocked(int64_t now_mono_ms, std::vector<IngestJob>* to_429) {
  if (full_since_mono_ms_ < 0 ||
      now_mono_ms - full_since_mono_ms_ <= opts_.full_for_ms_before_429) {
    return;
  }
  while (!parked_.empty()) {
    to_429->push_back(std::move(parked_.front()));
    parked_.pop_front();
    throttled_ += 1;
  }
}

void IngestPipeline::Post(std::function<void()> task) {
  {
    std::lock_guard lock(mu_);
    tasks_.push_back(std::move(task));
  }
  cv_.notify_one();
}

void IngestPipeline::Loop() {
  while (true) {
    std::vector<IngestJob> jobs, to_429;
    std::deque<std::function<void()>> tasks;
    bool stop = false;
    {
      std::unique_lock lock(mu_);
      cv_.wait_for(lock, IdleWaitLocked(MonoMs(clock_)), [&] {
        return stopping_ || !tasks_.empty() ||
               (!queue_.empty() && store_backlog_.load() < opts_.max_store_backlog);
      });
      tasks.swap(tasks_);
      // Back-pressure from the store: leave the jobs queued while it catches up.
      if (store_backlog_.load() < opts_.max_store_backlog || stopping_) {
        size_t taken = 0;
        while (!queue_.empty() && (jobs.empty() || taken < 65'536)) {
          taken += queue_.front().events.size();
          queued_events_ -= queue_.front().events.size();
          jobs.push_back(std::move(queue_.front()));
          queue_.pop_front();
        }
        // Room again: move waiting batches in, in arrival order.
        while (!parked_.empty() &&
               queued_events_ + parked_.front().events.size() <= opts_.max_queued_events) {
          queued_events_ += parked_.front().events.size();
          queue_.push_back(std::move(parked_.front()));
          parked_.pop_front();
        }
        if (parked_.empty()) full_since_mono_ms_ = -1;
      }
      ThrottleParkedLocked(MonoMs(clock_), &to_429);
      stop = stopping_ && queue_.empty() && tasks_.empty();
      if (stop) {
        while (!parked_.empty()) {
          parked_.front().done(Failure(503, "botmon is shutting down"));
          parked_.pop_front();
        }
      }
    }
    for (auto& j : to_429) j.done(Failure(429, "the ingest queue is full", 1));
    for (auto& t : tasks) t();
    if (!jobs.empty()) ProcessJobs(&jobs);
    PublishSessions(/*force=*/false);
    if (stop && jobs.empty()) break;
  }
  PublishSessions(/*force=*/true);
}

void IngestPipeline::ProcessJobs(std::vector<IngestJob>* jobs) {
  const int64_t now = clock_->NowMs();
  WriteBatch wb;
  std::string logbuf;
  std::vector<LoggedEvent> applied;
  size_t total = 0;
  for (const auto& job : *jobs) total += job.events.size();
  applied.reserve(total);
  logbuf.reserve(total * 48);
  std::vector<size_t> accepted_per_job(jobs->size(), 0);
  const int64_t first_seq = next_seq_;
  bool catalog_changed = false;
  {
    // Phase 1: resolve against sessions (which may open or end them) and frame the records.
    TickAccumulator::Batch acc(acc_);
    for (size_t j = 0; j < jobs->size(); ++j) {
      IngestJob& job = (*jobs)[j];
      for (size_t i = 0; i < job.events.size(); ++i) {
        BotEvent& e = job.events[i];
        const uint32_t index = job.indexes[i];
        if (!e.id.empty() && SeenRecently(e.id, job.recv_ms)) {
          ++accepted_per_job[j];  // a client retry: accepted and ignored
          duplicates_ += 1;
          continue;
        }
        if ((e.type == EventType::kGauge || e.type == EventType::kCounter) &&
            e.name != "queue.depth") {  // the one built-in gauge events may feed
          auto used = catalog_->UseCustom(
              e.name, e.type == EventType::kCounter ? FieldKind::kCounter : FieldKind::kGauge);
          if (!used.ok()) {
            job.rejected.push_back(Rejection{index, used.status().message()});
            continue;
          }
          catalog_changed |= *used;
        }
        LoggedEvent le;
        le.seq = next_seq_;
        le.recv_ms = job.recv_ms;
        le.event = std::move(e);
        if (auto err = tracker_->Apply(&le, &acc, &wb, now)) {
          job.rejected.push_back(Rejection{index, std::move(*err)});
          continue;
        }
        ++next_seq_;
        const size_t at = BeginRecord(&logbuf);
        EncodeLoggedEvent(le, &logbuf);
        EndRecord(&logbuf, at);
        if (!le.event.id.empty()) RememberId(le.event.id, le.recv_ms);
        applied.push_back(std::move(le));
        ++accepted_per_job[j];
      }
    }
  }
  // Phase 2: durable before anything is acknowledged.
  Status st = log_->Write(logbuf, first_seq);
  if (!st.ok()) {
    LogEvery("ingest-log-write", spdlog::level::err, "ingest log write failed: " + st.message());
    for (auto& job : *jobs) job.done(Failure(503, "cannot write the ingest log"));
    return;
  }
  // Phase 3: count, persist, answer.
  {
    TickAccumulator::Batch acc(acc_);
    for (const auto& le : applied) AccumulateEvent(le, &acc, now, /*count_session_start=*/false);
    acc.SetThroughSeq(next_seq_ - 1);
  }
  last_seq_ = next_seq_ - 1;
  tracker_->FlushDirty(&wb);
  wb.meta.emplace_back("sessions_mark", std::to_string(next_seq_ - 1));
  if (catalog_changed) wb.meta.emplace_back("custom_fields", catalog_->Serialize());
  store_backlog_ += 1;
  const int64_t mark = next_seq_ - 1;
  store_->Write(std::move(wb), [this, mark](Status s) {
    store_backlog_ -= 1;
    cv_.notify_one();  // the writer may be waiting for the store to catch up
    if (s.ok()) {
      MarkCommitted(mark);
    } else {
      LogEvery("store-write", spdlog::level::err, "store write failed: " + s.message());
    }
  });
  for (size_t j = 0; j < jobs->size(); ++j) {
    IngestJob& job = (*jobs)[j];
    IngestReply r;
    r.accepted = accepted_per_job[j];
    r.rejected = std::move(job.rejected);
    std::sort(r.rejected.begin(), r.rejected.end(),
              [](const Rejection& a, const Rejection& b) { return a.index < b.index; });
    accepted_ += r.accepted;
    rejected_ += r.rejected.size();
    job.done(std::move(r));
  }
}

void IngestPipeline::PublishSessions(bool force) {
  for (auto& [id, op] : tracker_->TakeChanges()) {
    auto it = pending_sessions_.find(id);
    if (it == pending_sessions_.end()) {
      pending_sessions_.emplace(id, op);
    } else if (op == SessionOp::kEnded ||
               (op == SessionOp::kStarted && it->second == SessionOp::kUpdated)) {
      it->second = op;
    }
  }
  if (pending_sessions_.empty() || !publisher_) {
    if (!publisher_) pending_sessions_.clear();
    return;
  }
  const int64_t now = MonoMs(clock_);
  for (auto it = pending_sessions_.begin(); it != pending_sessions_.end();) {
    auto last = last_published_.find(it->first);
    if (!force && last != last_published_.end() &&
        now - last->second < opts_.session_publish_interval_ms) {
      ++it;
      continue;
    }
    if (const SessionRecord* rec = tracker_->Find(it->first)) publisher_(*rec, it->second);
    last_published_[it->first] = now;
    it = pending_sessions_.erase(it);
  }
  // Forget publish times older than the interval.
  if (last_published_.size() > 4096) {
    for (auto it = last_published_.begin(); it != last_published_.end();) {
      it = now - it->second >= opts_.session_publish_interval_ms ? last_published_.erase(it)
                                                                 : std::next(it);
    }
  }
}

void IngestPipeline::MarkCommitted(int64_t seq) {
  {
    std::lock_guard lock(committed_mu_);
    if (seq > committed_seq_.load()) committed_seq_.store(seq, std::memory_order_release);
  }
  committed_cv_.notify_all();
}

bool IngestPipeline::WaitCommitted(int64_t seq, int64_t timeout_ms) const {
  std::unique_lock lock(committed_mu_);
  return committed_cv_.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                                [&] { return committed_seq_.load() >= seq; });
}

PipelineStats IngestPipeline::stats() const {
  PipelineStats s;
  s.accepted = accepted_;
  s.rejected = rejected_;
  s.duplicates = duplicates_;
  s.throttled = throttled_;
  s.last_seq = last_seq_;
  std::lock_guard lock(mu_);
  s.queued_events = queued_events_;
  return s;
}

}  // namespace botmon
