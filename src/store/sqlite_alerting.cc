// SqliteStore's alerting tables (SPEC 7): incidents, evaluator state, the outbox and API-made
// objects. Writes arrive in WriteBatch, so an incident transition, its rule state and its outbox
// rows commit in one transaction (SPEC 7.2, 13). See sqlite_store.h.
#include <algorithm>
#include <functional>

#include "store/sqlite_store.h"

namespace botmon {

namespace {

constexpr const char* kIncidentCols = "id, rule, group_key, host, start_ms, end_ms, doc";
constexpr const char* kOutboxCols =
    "id, incident_id, target, event, payload, created_ms, next_attempt_ms, attempts, state,"
    " last_error, done_ms, history";

IncidentRow ReadIncident(const Stmt& s) {
  IncidentRow r;
  r.id = s.Text(0);
  r.rule = s.Text(1);
  r.group_key = s.Text(2);
  r.host = s.Text(3);
  r.start_ms = s.Int(4);
  r.end_ms = s.OptInt(5);
  r.doc = s.Text(6);
  return r;
}

OutboxRow ReadOutbox(const Stmt& s) {
  OutboxRow r;
  r.id = s.Text(0);
  r.incident_id = s.Text(1);
  r.target = s.Text(2);
  r.event = s.Text(3);
  r.payload = s.Text(4);
  r.created_ms = s.Int(5);
  r.next_attempt_ms = s.Int(6);
  r.attempts = static_cast<int>(s.Int(7));
  r.state = s.Text(8);
  r.last_error = s.Text(9);
  r.done_ms = s.OptInt(10);
  r.history = s.Text(11);
  return r;
}

}  // namespace

Status SqliteStore::ApplyAlerting(Db* db, const WriteBatch& b) {
  if (!b.incidents.empty()) {
    ASSIGN_OR_RETURN(
        Stmt * s,
        db->Cached("INSERT INTO incidents(id, rule, group_key, host, start_ms, end_ms, doc)"
                   " VALUES (?1,?2,?3,?4,?5,?6,?7) ON CONFLICT(id) DO UPDATE SET rule=?2,"
                   " group_key=?3, host=?4, start_ms=?5, end_ms=?6, doc=?7"));
    for (const auto& r : b.incidents) {
      s->Bind(1, r.id).Bind(2, r.rule).Bind(3, r.group_key).Bind(4, r.host);
      s->Bind(5, r.start_ms).Bind(6, r.end_ms).Bind(7, r.doc);
      RETURN_IF_ERROR(s->Run());
    }
  }
  if (!b.rule_states.empty()) {
    ASSIGN_OR_RETURN(Stmt * up,
                     db->Cached("INSERT INTO rule_state(rule, group_key, doc) VALUES (?1,?2,?3)"
                                " ON CONFLICT(rule, group_key) DO UPDATE SET doc=?3"));
    ASSIGN_OR_RETURN(Stmt * del,
                     db->Cached("DELETE FROM rule_state WHERE rule = ?1 AND group_key = ?2"));
    for (const auto& r : b.rule_states) {
      if (r.erase) {
        del->Bind(1, r.rule).Bind(2, r.group_key);
        RETURN_IF_ERROR(del->Run());
      } else {
        up->Bind(1, r.rule).Bind(2, r.group_key).Bind(3, r.doc);
        RETURN_IF_ERROR(up->Run());
      }
    }
  }
  if (!b.outbox.empty()) {
    ASSIGN_OR_RETURN(
        Stmt * s,
        db->Cached("INSERT INTO outbox(id, incident_id, target, event, payload, created_ms,"
                   " next_attempt_ms, attempts, state, last_error, done_ms, history)"
                   " VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12) ON CONFLICT(id) DO UPDATE"
                   " SET next_attempt_ms=?7, attempts=?8, state=?9, last_error=?10, done_ms=?11,"
                   " history=?12"));
    for (const auto& r : b.outbox) {
      s->Bind(1, r.id).Bind(2, r.incident_id).Bind(3, r.target).Bind(4, r.event);
      s->Bind(5, r.payload).Bind(6, r.created_ms).Bind(7, r.next_attempt_ms);
      s->Bind(8, r.attempts).Bind(9, r.state).Bind(10, r.last_error).Bind(11, r.done_ms);
      s->Bind(12, r.history);
      RETURN_IF_ERROR(s->Run());
    }
  }
  if (!b.config_objects.empty()) {
    ASSIGN_OR_RETURN(Stmt * up,
                     db->Cached("INSERT INTO config_objects(kind, name, doc) VALUES (?1,?2,?3)"
                                " ON CONFLICT(kind, name) DO UPDATE SET doc=?3"));
    ASSIGN_OR_RETURN(Stmt * del,
                     db->Cached("DELETE FROM config_objects WHERE kind = ?1 AND name = ?2"));
    for (const auto& r : b.config_objects) {
      if (r.erase) {
        del->Bind(1, r.kind).Bind(2, r.name);
        RETURN_IF_ERROR(del->Run());
      } else {
        up->Bind(1, r.kind).Bind(2, r.name).Bind(3, r.doc);
        RETURN_IF_ERROR(up->Run());
      }
    }
  }
  return Status::OK();
}

StatusOr<std::vector<RuleStateRow>> SqliteStore::LoadRuleStates() {
  ASSIGN_OR_RETURN(auto r, Reader());
  ASSIGN_OR_RETURN(Stmt s, r->Prepare("SELECT rule, group_key, doc FROM rule_state"));
  std::vector<RuleStateRow> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    out.push_back({s.Text(0), s.Text(1), s.Text(2), false});
  }
  return out;
}

StatusOr<std::optional<IncidentRow>> SqliteStore::GetIncident(std::string_view id) {
  ASSIGN_OR_RETURN(auto r, Reader());
  ASSIGN_OR_RETURN(
      Stmt s, r->Prepare(std::string("SELECT ") + kIncidentCols + " FROM incidents WHERE id = ?1"));
  s.Bind(1, id);
  ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return std::optional<IncidentRow>();
  return std::optional<IncidentRow>(ReadIncident(s));
}

StatusOr<std::vector<IncidentRow>> SqliteStore::ListIncidents(const IncidentQuery& q,
                                                              int64_t* total) {
  std::string where = " WHERE 1=1";
  std::vector<std::function<void(Stmt&, int&)>> binds;
  auto add_text = [&](const char* clause, const std::string& v) {
    where += clause;
    binds.push_back([v](Stmt& s, int& i) { s.Bind(i++, v); });
  };
  if (q.open) where += *q.open ? " AND end_ms IS NULL" : " AND end_ms IS NOT NULL";
  if (!q.rule.empty()) add_text(" AND rule = ?", q.rule);
  if (!q.host.empty()) add_text(" AND host = ?", q.host);
  if (q.to_ms) {
    where += " AND start_ms <= ?";
    binds.push_back([v = *q.to_ms](Stmt& s, int& i) { s.Bind(i++, v); });
  }
  if (q.from_ms) {
    where += " AND coalesce(end_ms, ?) >= ?";
    binds.push_back([now = q.now_ms, from = *q.from_ms](Stmt& s, int& i) {
      s.Bind(i, now).Bind(i + 1, from);
      i += 2;
    });
  }
  ASSIGN_OR_RETURN(auto r, Reader());
  if (total) {
    ASSIGN_OR_RETURN(Stmt s, r->Prepare("SELECT count(*) FROM incidents" + where));
    int i = 1;
    for (auto& b : binds) b(s, i);
    ASSIGN_OR_RETURN(bool row, s.Step());
    *total = row ? s.Int(0) : 0;
  }
  const int per_page = std::clamp(q.per_page, 1, 500);
  const int64_t offset = static_cast<int64_t>(std::max(1, q.page) - 1) * per_page;
  ASSIGN_OR_RETURN(Stmt s, r->Prepare(std::string("SELECT ") + kIncidentCols + " FROM incidents" +
                                      where + " ORDER BY start_ms DESC, id LIMIT ? OFFSET ?"));
  int i = 1;
  for (auto& b : binds) b(s, i);
  s.Bind(i, int64_t{per_page}).Bind(i + 1, offset);
  std::vector<IncidentRow> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    out.push_back(ReadIncident(s));
  }
  return out;
}

StatusOr<std::vector<OutboxRow>> SqliteStore::LoadPendingOutbox() {
  ASSIGN_OR_RETURN(auto r, Reader());
  ASSIGN_OR_RETURN(Stmt s, r->Prepare(std::string("SELECT ") + kOutboxCols +
                                      " FROM outbox WHERE state = 'pending' ORDER BY created_ms,"
                                      " id"));
  std::vector<OutboxRow> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    out.push_back(ReadOutbox(s));
  }
  return out;
}

StatusOr<std::vector<OutboxRow>> SqliteStore::ListDeliveries(const DeliveryQuery& q,
                                                             int64_t* total) {
  ASSIGN_OR_RETURN(auto r, Reader());
  std::string where;
  std::vector<std::string> texts;
  auto add = [&](const std::string& cond) {
    where += (where.empty() ? " WHERE " : " AND ") + cond;
  };
  if (!q.incident_id.empty()) {
    texts.push_back(q.incident_id);
    add("incident_id = ?");
  }
  if (!q.target.empty()) {
    texts.push_back(q.target);
    add("target = ?");
  }
  if (q.ok) {
    add(*q.ok ? "state = 'sent'" : "(state = 'failed' OR (state = 'pending' AND attempts > 0))");
  }
  if (total) {
    ASSIGN_OR_RETURN(Stmt s, r->Prepare("SELECT count(*) FROM outbox" + where));
    for (size_t i = 0; i < texts.size(); ++i) s.Bind(static_cast<int>(i + 1), texts[i]);
    ASSIGN_OR_RETURN(bool row, s.Step());
    *total = row ? s.Int(0) : 0;
  }
  const int per_page = std::clamp(q.per_page, 1, 10'000);
  const int64_t offset = static_cast<int64_t>(std::max(1, q.page) - 1) * per_page;
  ASSIGN_OR_RETURN(Stmt s, r->Prepare(std::string("SELECT ") + kOutboxCols + " FROM outbox" +
                                      where + " ORDER BY created_ms DESC, id LIMIT ? OFFSET ?"));
  int i = 1;
  for (const auto& t : texts) s.Bind(i++, t);
  s.Bind(i, int64_t{per_page}).Bind(i + 1, offset);
  std::vector<OutboxRow> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    out.push_back(ReadOutbox(s));
  }
  return out;
}

StatusOr<std::vector<ConfigObjectRow>> SqliteStore::LoadConfigObjects(std::string_view kind) {
  ASSIGN_OR_RETURN(auto r, Reader());
  ASSIGN_OR_RETURN(Stmt s, r->Prepare("SELECT kind, name, doc FROM config_objects WHERE kind = ?1"
                                      " ORDER BY name"));
  s.Bind(1, kind);
  std::vector<ConfigObjectRow> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    out.push_back({s.Text(0), s.Text(1), s.Text(2), false});
  }
  return out;
}

StatusOr<int64_t> SqliteStore::DeleteIncidentsBefore(int64_t before_ms) {
  int64_t n = 0;
  RETURN_IF_ERROR(RunOnWriter([&](Db* db) -> Status {
    // Finished deliveries of the incidents that go; a pending one keeps its row (and is still
    // sent: an incident is never deleted from under its outbox).
    ASSIGN_OR_RETURN(
        Stmt o,
        db->Prepare("DELETE FROM outbox WHERE state != 'pending' AND incident_id IN"
                    " (SELECT id FROM incidents WHERE end_ms IS NOT NULL AND end_ms < ?1)"));
    o.Bind(1, before_ms);
    RETURN_IF_ERROR(o.Run());
    ASSIGN_OR_RETURN(
        Stmt s, db->Prepare("DELETE FROM incidents WHERE end_ms IS NOT NULL AND end_ms < ?1 AND"
                            " id NOT IN (SELECT incident_id FROM outbox WHERE state = 'pending')"));
    s.Bind(1, before_ms);
    RETURN_IF_ERROR(s.Run());
    n = db->Changes();
    return Status::OK();
  }));
  return n;
}

}  // namespace botmon
