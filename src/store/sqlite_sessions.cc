// SqliteStore's reads of sessions, transcripts and logs (listing, full-text search, detail, the
// start-up figures). See sqlite_store.h.
#include <algorithm>
#include <functional>

#include "store/fts_query.h"
#include "store/sqlite_store.h"

namespace botmon {

// ---- Sessions ----

namespace {

constexpr const char* kSessionCols =
    "id, bot, user, channel, host, started_ms, last_activity_ms, ended_ms, message_count, flags";

SessionRecord ReadSession(const Stmt& s) {
  SessionRecord r;
  r.id = s.Text(0);
  r.bot = s.Text(1);
  r.user = s.Text(2);
  r.channel = s.Text(3);
  r.host = s.Text(4);
  r.started_ms = s.Int(5);
  r.last_activity_ms = s.Int(6);
  r.ended_ms = s.OptInt(7);
  r.message_count = s.Int(8);
  r.flags = static_cast<uint32_t>(s.Int(9));
  return r;
}

}  // namespace

StatusOr<SessionPage> SqliteStore::ListSessions(const SessionQuery& q) {
  std::string where = " WHERE 1=1";
  std::vector<std::function<void(Stmt&, int&)>> binds;
  auto add_text = [&](const char* clause, const std::string& v) {
    where += clause;
    binds.push_back([v](Stmt& s, int& i) { s.Bind(i++, v); });
  };
  auto add_int = [&](const char* clause, int64_t v) {
    where += clause;
    binds.push_back([v](Stmt& s, int& i) { s.Bind(i++, v); });
  };
  if (q.active) where += *q.active ? " AND ended_ms IS NULL" : " AND ended_ms IS NOT NULL";
  if (!q.channel.empty()) add_text(" AND channel = ?", q.channel);
  if (!q.bot.empty()) add_text(" AND bot = ? COLLATE NOCASE", q.bot);
  if (!q.user.empty()) add_text(" AND user = ?", q.user);
  if (!q.host.empty()) add_text(" AND host = ?", q.host);
  if (q.to_ms) add_int(" AND started_ms <= ?", *q.to_ms);
  if (q.from_ms) {
    // An open session lasts until now: it overlaps ranges that reach now, not future ones.
    where += " AND coalesce(ended_ms, ?) >= ?";
    binds.push_back([now = q.now_ms, from = *q.from_ms](Stmt& s, int& i) {
      s.Bind(i, now).Bind(i + 1, from);
      i += 2;
    });
  }
  if (q.flags_all) {
    where += " AND (flags & ?) = ?";
    binds.push_back([v = int64_t{q.flags_all}](Stmt& s, int& i) {
      s.Bind(i, v).Bind(i + 1, v);
      i += 2;
    });
  }
  if (!q.q.empty()) {
    std::string fts = BuildFtsQuery(q.q);
    if (!fts.empty()) {
      add_text(
          " AND id IN (SELECT m.session_id FROM messages m WHERE m.id IN"
          " (SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?))",
          fts);
    }
  }
  ASSIGN_OR_RETURN(auto r, Reader());
  SessionPage page;
  {
    ASSIGN_OR_RETURN(Stmt s, r->Prepare("SELECT count(*) FROM sessions" + where));
    int i = 1;
    for (auto& b : binds) b(s, i);
    ASSIGN_OR_RETURN(bool row, s.Step());
    page.total = row ? s.Int(0) : 0;
  }
  const int per_page = std::clamp(q.per_page, 1, 200);
  const int64_t offset = static_cast<int64_t>(std::max(1, q.page) - 1) * per_page;
  ASSIGN_OR_RETURN(Stmt s, r->Prepare(std::string("SELECT ") + kSessionCols + " FROM sessions" +
                                      where + " ORDER BY started_ms DESC, id LIMIT ? OFFSET ?"));
  int i = 1;
  for (auto& b : binds) b(s, i);
  s.Bind(i, int64_t{per_page}).Bind(i + 1, offset);
  while (true) {
    ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    page.sessions.push_back(ReadSession(s));
  }
  return page;
}

StatusOr<std::optional<SessionRecord>> SqliteStore::GetSessionRecord(std::string_view id) {
  ASSIGN_OR_RETURN(auto r, Reader());
  ASSIGN_OR_RETURN(
      Stmt * s,
      r->Cached("SELECT id, bot, user, channel, host, started_ms, last_activity_ms, ended_ms,"
                " message_count, flags FROM sessions WHERE id = ?1"));
  s->Bind(1, id);
  ASSIGN_OR_RETURN(bool row, s->Step());
  std::optional<SessionRecord> out;
  if (row) out = ReadSession(*s);
  s->Reset();
  return out;
}

StatusOr<std::optional<SessionDetail>> SqliteStore::GetSession(std::string_view id,
                                                               int messages_page,
                                                               int messages_per_page) {
  ASSIGN_OR_RETURN(auto rec, GetSessionRecord(id));
  if (!rec) return std::optional<SessionDetail>();
  SessionDetail d;
  d.session = std::move(*rec);
  ASSIGN_OR_RETURN(auto r, Reader());
  {
    ASSIGN_OR_RETURN(Stmt s, r->Prepare("SELECT count(*) FROM messages WHERE session_id = ?1"));
    s.Bind(1, id);
    ASSIGN_OR_RETURN(bool row, s.Step());
    d.message_total = row ? s.Int(0) : 0;
  }
  ASSIGN_OR_RETURN(
      Stmt s,
      r->Prepare(
          "SELECT ts_ms, seq, from_user, text, latency_ms FROM messages WHERE session_id = ?1"
          " ORDER BY ts_ms, seq LIMIT ?2 OFFSET ?3"));
  const int per = std::max(1, messages_per_page);
  s.Bind(1, id).Bind(2, int64_t{per}).Bind(3, int64_t{std::max(1, messages_page) - 1} * per);
  while (true) {
    ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    MessageRecord m;
    m.session_id = d.session.id;
    m.ts_ms = s.Int(0);
    m.seq = s.Int(1);
    m.from_user = s.Int(2) != 0;
    if (!s.IsNull(3)) m.text = s.Text(3);
    m.latency_ms = s.OptDouble(4);
    d.messages.push_back(std::move(m));
  }
  return std::optional<SessionDetail>(std::move(d));
}

StatusOr<std::vector<SessionRecord>> SqliteStore::LoadLiveSessions(int64_t since_ms) {
  ASSIGN_OR_RETURN(auto r, Reader());
  ASSIGN_OR_RETURN(Stmt s, r->Prepare(std::string("SELECT ") + kSessionCols +
                                      " FROM sessions WHERE ended_ms IS NULL OR"
                                      " last_activity_ms >= ?1"));
  s.Bind(1, since_ms);
  std::vector<SessionRecord> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    out.push_back(ReadSession(s));
  }
  return out;
}

StatusOr<TodayStats> SqliteStore::ComputeToday(int64_t day_start_ms, int64_t now_ms) {
  TodayStats t;
  ASSIGN_OR_RETURN(auto r, Reader());
  {
    ASSIGN_OR_RETURN(
        Stmt s,
        r->Prepare(
            "SELECT count(*), total(CASE WHEN from_user = 0 THEN latency_ms END),"
            " count(CASE WHEN from_user = 0 THEN latency_ms END) FROM messages WHERE ts_ms >= ?1"));
    s.Bind(1, day_start_ms);
    ASSIGN_OR_RETURN(bool row, s.Step());
    if (row) {
      t.messages_today = s.Int(0);
      t.bot_latency_sum_ms = s.Double(1);
      t.bot_latency_count = s.Int(2);
    }
  }
  {
    ASSIGN_OR_RETURN(
        Stmt s,
        r->Prepare("SELECT count(*), total(coalesce(ended_ms, last_activity_ms) - started_ms)"
                   " FROM sessions WHERE started_ms >= ?1"));
    s.Bind(1, day_start_ms);
    ASSIGN_OR_RETURN(bool row, s.Step());
    if (row) {
      t.sessions_started_today = s.Int(0);
      t.session_duration_sum_ms = static_cast<int64_t>(s.Double(1));
    }
  }
  {
    ASSIGN_OR_RETURN(
        Stmt s,
        r->Prepare("SELECT ts_ms / 1000, count(*) FROM messages WHERE ts_ms >= ?1 GROUP BY 1"));
    s.Bind(1, now_ms - 3'600'000);
    while (true) {
      ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) break;
      t.messages_per_second.emplace_back(s.Int(0), s.Int(1));
    }
  }
  return t;
}

StatusOr<std::vector<LogRecord>> SqliteStore::QueryLogs(const LogQuery& q, int64_t* total) {
  std::string where = " WHERE 1=1";
  std::vector<std::function<void(Stmt&, int&)>> binds;
  auto add = [&](const char* clause, auto v) {
    where += clause;
    binds.push_back([v](Stmt& s, int& i) { s.Bind(i++, v); });
  };
  if (q.level) add(" AND level = ?", int64_t{*q.level});
  if (!q.bot.empty()) add(" AND bot = ? COLLATE NOCASE", q.bot);
  if (!q.session.empty()) add(" AND session = ?", q.session);
  if (!q.host.empty()) add(" AND host = ?", q.host);
  if (q.from_ms) add(" AND ts_ms >= ?", *q.from_ms);
  if (q.to_ms) add(" AND ts_ms <= ?", *q.to_ms);
  ASSIGN_OR_RETURN(auto r, Reader());
  {
    ASSIGN_OR_RETURN(Stmt s, r->Prepare("SELECT count(*) FROM logs" + where));
    int i = 1;
    for (auto& b : binds) b(s, i);
    ASSIGN_OR_RETURN(bool row, s.Step());
    *total = row ? s.Int(0) : 0;
  }
  const int per_page = std::clamp(q.per_page, 1, 1000);
  ASSIGN_OR_RETURN(
      Stmt s, r->Prepare("SELECT ts_ms, seq, host, bot, session, level, message FROM logs" + where +
                         " ORDER BY ts_ms DESC, seq DESC LIMIT ? OFFSET ?"));
  int i = 1;
  for (auto& b : binds) b(s, i);
  s.Bind(i, int64_t{per_page}).Bind(i + 1, int64_t{std::max(1, q.page) - 1} * per_page);
  std::vector<LogRecord> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    LogRecord l;
    l.ts_ms = s.Int(0);
    l.seq = s.Int(1);
    l.host = s.Text(2);
    l.bot = s.Text(3);
    l.session = s.Text(4);
    l.level = static_cast<int>(s.Int(5));
    l.message = s.Text(6);
    out.push_back(std::move(l));
  }
  return out;
}

}  // namespace botmon
