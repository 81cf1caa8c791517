#include "ingest/session_tracker.h"

#include <algorithm>

namespace botmon {
namespace {

bool OpensSession(EventType t) {
  switch (t) {
    case EventType::kSessionStart:
    case EventType::kMessageIn:
    case EventType::kMessageOut:
    case EventType::kFallback:
    case EventType::kHandoff:
    case EventType::kFeedback:
      return true;
    default:
      return false;
  }
}

Combo ComboOf(const SessionRecord& r) { return Combo{r.host, r.bot, r.channel}; }

}  // namespace

SessionTracker::SessionTracker(Store* store, LiveStats* stats, TrackerOptions opts)
    : store_(store), stats_(stats), opts_(std::move(opts)) {}

Status SessionTracker::Restore(int64_t now_ms, TickAccumulator* acc) {
  ASSIGN_OR_RETURN(auto rows, store_->LoadLiveSessions(now_ms - opts_.keep_ended_ms));
  TickAccumulator::Batch batch(acc);
  for (auto& r : rows) {
    Live l;
    l.rec = std::move(r);
    if (!l.rec.ended_ms) {
      batch.SessionRestored(ComboOf(l.rec), now_ms);
      ++active_count_;
    } else {
      l.ended_seen_ms = now_ms;
    }
    std::string id = l.rec.id;
    sessions_.emplace(std::move(id), std::move(l));
  }
  stats_->SetActive(active_count_, now_ms);
  return Status::OK();
}

SessionTracker::Live* SessionTracker::Lookup(const std::string& id) {
  auto it = sessions_.find(id);
  if (it != sessions_.end()) return &it->second;
  // Long ended: the store has it (the writer flushed it minutes ago).
  auto rec = store_->GetSessionRecord(id);
  if (!rec.ok() || !rec->has_value()) return nullptr;
  Live l;
  l.rec = std::move(**rec);
  if (!l.rec.ended_ms) l.rec.ended_ms = l.rec.last_activity_ms;  // was never closed: treat as ended
  return &sessions_.emplace(id, std::move(l)).first->second;
}

void SessionTracker::MarkChanged(const std::string& id, SessionOp op) {
  dirty_.insert(id);
  auto it = change_index_.find(id);
  if (it == change_index_.end()) {
    change_index_[id] = changes_.size();
    changes_.emplace_back(id, op);
    return;
  }
  // Coalesce: "started" or "ended" outrank "updated"; a later end wins over a start.
  SessionOp& cur = changes_[it->second].second;
  if (op == SessionOp::kEnded || (op == SessionOp::kStarted && cur == SessionOp::kUpdated)) {
    cur = op;
  }
}

void SessionTracker::Touch(Live* s, int64_t ts_ms) {
  if (ts_ms > s->rec.last_activity_ms) {
    const int64_t old_end = SpanEnd(s->rec);
    s->rec.last_activity_ms = ts_ms;
    if (!s->rec.ended_ms) stats_->OnSessionSpan(s->rec.started_ms, old_end, SpanEnd(s->rec), ts_ms);
  }
}

void SessionTracker::Open(Live* s, const BotEvent& e, TickAccumulator::Batch* acc, int64_t now_ms,
                          bool fresh) {
  if (fresh) {
    s->rec.started_ms = e.ts_ms;
    s->rec.last_activity_ms = e.ts_ms;
    stats_->OnSessionSpan(s->rec.started_ms, -1, e.ts_ms, now_ms);
  } else {
    // Reopened after session.end or the idle timeout: the same session, counted as started again.
    const int64_t old_end = SpanEnd(s->rec);
    s->rec.ended_ms.reset();
    s->rec.last_activity_ms = std::max(s->rec.last_activity_ms, e.ts_ms);
    stats_->OnSessionSpan(s->rec.started_ms, old_end, SpanEnd(s->rec), now_ms);
  }
  acc->SessionOpened(ComboOf(s->rec));
  ++active_count_;
  if (stats_->SetActive(active_count_, now_ms)) dirty_.insert("");  // "" = persist the peak
  MarkChanged(s->rec.id, SessionOp::kStarted);
}

void SessionTracker::End(Live* s, int64_t end_ms, TickAccumulator::Batch* acc, int64_t now_ms) {
  const int64_t old_end = SpanEnd(s->rec);
  s->rec.ended_ms = std::max(end_ms, s->rec.started_ms);
  s->rec.last_activity_ms = std::max(s->rec.last_activity_ms, *s->rec.ended_ms);
  s->ended_seen_ms = now_ms;
  stats_->OnSessionSpan(s->rec.started_ms, old_end, SpanEnd(s->rec), now_ms);
  acc->SessionClosed(ComboOf(s->rec));
  --active_count_;
  stats_->SetActive(active_count_, now_ms);
  MarkChanged(s->rec.id, SessionOp::kEnded);
}

std::optional<std::string> SessionTracker::Apply(LoggedEvent* le, TickAccumulator::Batch* acc,
                                                 WriteBatch* out, int64_t now_ms) {
  BotEvent& e = le->event;
  le->opened_session = false;
  if (e.host.empty()) e.host = opts_.local_host;
  Live* s = nullptr;
  if (!e.session.empty()) {
    s = Lookup(e.session);
    if (s != nullptr && !e.bot.empty() && e.bot != s->rec.bot) {
      return "bot: \"" + e.bot + "\" differs from the session's bot \"" + s->rec.bot + "\"";
    }
  }
  const bool opens = OpensSession(e.type);

  if (s == nullptr && !e.session.empty() && opens) {
    Live l;
    l.rec.id = e.session;
    l.rec.bot = e.bot.empty() ? "default" : e.bot;
    l.rec.user = e.user;
    l.rec.channel = e.channel;
    l.rec.host = e.host;
    s = &sessions_.emplace(e.session, std::move(l)).first->second;
    Open(s, e, acc, now_ms, /*fresh=*/true);
    le->opened_session = true;
  } else if (s != nullptr && s->rec.ended_ms && opens) {
    Open(s, e, acc, now_ms, /*fresh=*/false);
    le->opened_session = true;
  }

  if (s != nullptr) {
    // Inherit what the event omits; a session learns a user or channel it did not know yet.
    if (e.bot.empty()) e.bot = s->rec.bot;
    if (s->rec.user.empty() && !e.user.empty()) s->rec.user = e.user;
    if (s->rec.channel.empty() && !e.channel.empty()) {
      // The session's counts move to the combination that now has its channel.
      if (!s->rec.ended_ms) {
        acc->SessionClosed(ComboOf(s->rec));
        s->rec.channel = e.channel;
        acc->SessionRestored(ComboOf(s->rec), now_ms);
      } else {
        s->rec.channel = e.channel;
      }
    }
    e.user = s->rec.user;
    e.channel = s->rec.channel;
    e.host = s->rec.host;
  }

  switch (e.type) {
    case EventType::kSessionStart:
      if (s && !le->opened_session) Touch(s, e.ts_ms);
      break;
    case EventType::kMessageIn:
    case EventType::kMessageOut: {
      const bool from_user = e.type == EventType::kMessageIn;
      if (!from_user && e.latency_ms < 0 && s && s->unanswered_in_ms >= 0) {
        const int64_t derived = e.ts_ms - s->unanswered_in_ms;
        if (derived >= 0 && derived <= 3'600'000) e.latency_ms = static_cast<double>(derived);
      }
      if (s) {
        Touch(s, e.ts_ms);
        s->rec.message_count += 1;
        s->unanswered_in_ms = from_user ? e.ts_ms : -1;
        MarkChanged(s->rec.id, SessionOp::kUpdated);
      }
      MessageRecord m;
      m.session_id = e.session;
      m.ts_ms = e.ts_ms;
      m.seq = le->seq;
      m.from_user = from_user;
      if (opts_.store_text) m.text = e.text;
      if (!from_user && e.latency_ms >= 0) m.latency_ms = e.latency_ms;
      out->messages.push_back(std::move(m));
      stats_->OnMessage(e.ts_ms, !from_user, from_user ? -1 : e.latency_ms, now_ms);
      break;
    }
    case EventType::kSessionEnd:
      if (s && !s->rec.ended_ms) End(s, std::max(e.ts_ms, s->rec.last_activity_ms), acc, now_ms);
      break;
    case EventType::kFallback:
    case EventType::kHandoff:
    case EventType::kFeedback:
      if (s) {
        Touch(s, e.ts_ms);
        uint32_t flag = e.type == EventType::kFallback  ? kFlagFallback
                        : e.type == EventType::kHandoff ? kFlagHandoff
                        : e.score > 0                   ? kFlagFeedbackPositive
                                                        : kFlagFeedbackNegative;
        s->rec.flags |= flag;
        MarkChanged(s->rec.id, SessionOp::kUpdated);
      }
      break;
    case EventType::kLog: {
      if (s && e.level != LogLevel::kWarning && !(s->rec.flags & kFlagError)) {
        s->rec.flags |= kFlagError;
        MarkChanged(s->rec.id, SessionOp::kUpdated);
      }
      LogRecord l;
      l.ts_ms = e.ts_ms;
      l.seq = le->seq;
      l.host = e.host;
      l.bot = e.bot;
      l.session = e.session;
      l.level = static_cast<int>(e.level);
      l.message = e.text;
      out->logs.push_back(std::move(l));
      break;
    }
    default:
      break;
  }
  return std::nullopt;
}

void SessionTracker::ExpireIdle(int64_t now_ms, TickAccumulator::Batch* acc) {
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    Live& s = it->second;
    if (!s.rec.ended_ms && now_ms - s.rec.last_activity_ms >= opts_.idle_timeout_ms) {
      End(&s, s.rec.last_activity_ms, acc, now_ms);  // closed by the timeout: ends at last activity
    }
    if (s.rec.ended_ms && now_ms - s.ended_seen_ms >= opts_.keep_ended_ms &&
        !dirty_.count(it->first)) {
      it = sessions_.erase(it);
    } else {
      ++it;
    }
  }
}

void SessionTracker::FlushDirty(WriteBatch* out) {
  for (const auto& id : dirty_) {
    if (id.empty()) {
      auto [day, peak] = stats_->Peak();
      out->meta.emplace_back("peak_today", std::to_string(day) + ":" + std::to_string(peak));
      continue;
    }
    auto it = sessions_.find(id);
    if (it != sessions_.end()) out->sessions.push_back(it->second.rec);
  }
  dirty_.clear();
}

std::vector<std::pair<std::string, SessionOp>> SessionTracker::TakeChanges() {
  change_index_.clear();
  return std::exchange(changes_, {});
}

const SessionRecord* SessionTracker::Find(const std::string& id) const {
  auto it = sessions_.find(id);
  return it == sessions_.end() ? nullptr : &it->second.rec;
}

}  // namespace botmon
