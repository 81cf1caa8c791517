// SqliteStore's dashboard users, login sessions and audit log (SPEC 12). All synchronous: the
// management command `botmon user add` uses them from another process, and the HTTP handlers
// that call them run on the worker pool. See sqlite_store.h.
#include <algorithm>

#include "store/sqlite_store.h"

namespace botmon {
namespace {

UserRecord ReadUser(const Stmt& s) {
  UserRecord u;
  u.name = s.Text(0);
  u.role = s.Text(1);
  u.hash = s.Text(2);
  u.created_ms = s.Int(3);
  return u;
}

}  // namespace

Status SqliteStore::CreateUser(const UserRecord& u) {
  return RunOnWriter([&u](Db* db) -> Status {
    ASSIGN_OR_RETURN(Stmt s, db->Prepare("SELECT 1 FROM users WHERE name = ?1"));
    s.Bind(1, u.name);
    ASSIGN_OR_RETURN(bool exists, s.Step());
    if (exists) return Status::AlreadyExists("a user named \"" + u.name + "\" already exists");
    ASSIGN_OR_RETURN(Stmt ins, db->Prepare("INSERT INTO users(name, role, hash, created_ms)"
                                           " VALUES (?1, ?2, ?3, ?4)"));
    ins.Bind(1, u.name).Bind(2, u.role).Bind(3, u.hash).Bind(4, u.created_ms);
    return ins.Run();
  });
}

StatusOr<std::vector<UserRecord>> SqliteStore::ListUsers() {
  ASSIGN_OR_RETURN(auto r, Reader());
  ASSIGN_OR_RETURN(Stmt s, r->Prepare("SELECT name, role, hash, created_ms FROM users"
                                      " ORDER BY name"));
  std::vector<UserRecord> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    out.push_back(ReadUser(s));
  }
  return out;
}

StatusOr<std::optional<UserRecord>> SqliteStore::GetUser(std::string_view name) {
  ASSIGN_OR_RETURN(auto r, Reader());
  ASSIGN_OR_RETURN(Stmt s,
                   r->Prepare("SELECT name, role, hash, created_ms FROM users WHERE name = ?1"));
  s.Bind(1, name);
  ASSIGN_OR_RETURN(bool row, s.Step());
  std::optional<UserRecord> out;
  if (row) out = ReadUser(s);
  return out;
}

Status SqliteStore::DeleteUser(std::string_view name) {
  std::string n(name);
  return RunOnWriter([n](Db* db) -> Status {
    ASSIGN_OR_RETURN(Stmt s, db->Prepare("SELECT role FROM users WHERE name = ?1"));
    s.Bind(1, n);
    ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) return Status::NotFound("no user named \"" + n + "\"");
    if (s.Text(0) == "admin") {
      ASSIGN_OR_RETURN(Stmt c, db->Prepare("SELECT count(*) FROM users WHERE role = 'admin'"));
      ASSIGN_OR_RETURN(bool crow, c.Step());
      if (crow && c.Int(0) <= 1) {
        return Status::InvalidArgument("\"" + n + "\" is the last admin user");
      }
    }
    ASSIGN_OR_RETURN(Stmt d, db->Prepare("DELETE FROM users WHERE name = ?1"));
    d.Bind(1, n);
    RETURN_IF_ERROR(d.Run());
    ASSIGN_OR_RETURN(Stmt ds, db->Prepare("DELETE FROM login_sessions WHERE user = ?1"));
    ds.Bind(1, n);
    return ds.Run();
  });
}

Status SqliteStore::CreateLoginSession(const LoginSessionRecord& ls) {
  return RunOnWriter([&ls](Db* db) -> Status {
    // Only while the user still exists with that role: a login whose password check overlapped
    // the user's deletion must not leave a session behind (this runs on the writer thread, as
    // DeleteUser does, so the two cannot interleave).
    ASSIGN_OR_RETURN(Stmt s, db->Prepare("INSERT INTO login_sessions(hash, user, created_ms,"
                                         " last_seen_ms) SELECT ?1, ?2, ?3, ?4 WHERE EXISTS"
                                         " (SELECT 1 FROM users WHERE name = ?2 AND role = ?5)"));
    s.Bind(1, ls.hash).Bind(2, ls.user).Bind(3, ls.created_ms).Bind(4, ls.last_seen_ms);
    s.Bind(5, ls.role);
    RETURN_IF_ERROR(s.Run());
    if (db->Changes() == 0) return Status::NotFound("no user \"" + ls.user + "\" with that role");
    return Status::OK();
  });
}

StatusOr<std::optional<LoginSessionRecord>> SqliteStore::FindLoginSession(std::string_view hash) {
  ASSIGN_OR_RETURN(auto r, Reader());
  ASSIGN_OR_RETURN(Stmt * s, r->Cached("SELECT l.hash, l.user, u.role, l.created_ms, l.last_seen_ms"
                                       " FROM login_sessions l JOIN users u ON u.name = l.user"
                                       " WHERE l.hash = ?1"));
  s->Bind(1, hash);
  ASSIGN_OR_RETURN(bool row, s->Step());
  std::optional<LoginSessionRecord> out;
  if (row) {
    out = LoginSessionRecord{s->Text(0), s->Text(1), s->Text(2), s->Int(3), s->Int(4)};
  }
  s->Reset();
  return out;
}

Status SqliteStore::DeleteLoginSession(std::string_view hash) {
  std::string h(hash);
  return RunOnWriter([h](Db* db) -> Status {
    ASSIGN_OR_RETURN(Stmt s, db->Prepare("DELETE FROM login_sessions WHERE hash = ?1"));
    s.Bind(1, h);
    return s.Run();
  });
}

Status SqliteStore::TouchLoginSessions(const std::vector<std::pair<std::string, int64_t>>& seen) {
  if (seen.empty()) return Status::OK();
  auto copy = seen;
  return RunOnWriter([copy](Db* db) -> Status {
    ASSIGN_OR_RETURN(Stmt s, db->Prepare("UPDATE login_sessions SET last_seen_ms ="
                                         " max(last_seen_ms, ?2) WHERE hash = ?1"));
    for (const auto& [hash, ms] : copy) {
      s.Bind(1, hash).Bind(2, ms);
      RETURN_IF_ERROR(s.Run());
      s.Reset();
    }
    return Status::OK();
  });
}

StatusOr<int64_t> SqliteStore::DeleteLoginSessionsBefore(int64_t idle_before_ms,
                                                         int64_t created_before_ms) {
  int64_t n = 0;
  RETURN_IF_ERROR(RunOnWriter([&](Db* db) -> Status {
    ASSIGN_OR_RETURN(Stmt s, db->Prepare("DELETE FROM login_sessions WHERE last_seen_ms < ?1"
                                         " OR created_ms < ?2"));
    s.Bind(1, idle_before_ms).Bind(2, created_before_ms);
    RETURN_IF_ERROR(s.Run());
    n = db->Changes();
    return Status::OK();
  }));
  return n;
}

Status SqliteStore::AppendAudit(const AuditRecord& e) {
  return RunOnWriter([&e](Db* db) -> Status {
    ASSIGN_OR_RETURN(Stmt s, db->Prepare("INSERT INTO audit(at_ms, actor, action, target, before,"
                                         " after) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"));
    s.Bind(1, e.at_ms).Bind(2, e.actor).Bind(3, e.action).Bind(4, e.target);
    if (e.before.empty()) {
      s.BindNull(5);
    } else {
      s.Bind(5, e.before);
    }
    if (e.after.empty()) {
      s.BindNull(6);
    } else {
      s.Bind(6, e.after);
    }
    return s.Run();
  });
}

StatusOr<std::vector<AuditRecord>> SqliteStore::ListAudit(int page, int per_page, int64_t* total) {
  page = std::max(page, 1);
  per_page = std::clamp(per_page, 1, 1000);
  ASSIGN_OR_RETURN(auto r, Reader());
  if (total != nullptr) {
    ASSIGN_OR_RETURN(Stmt c, r->Prepare("SELECT count(*) FROM audit"));
    ASSIGN_OR_RETURN(bool row, c.Step());
    *total = row ? c.Int(0) : 0;
  }
  ASSIGN_OR_RETURN(Stmt s, r->Prepare("SELECT id, at_ms, actor, action, target,"
                                      " coalesce(before, ''), coalesce(after, '') FROM audit"
                                      " ORDER BY id DESC LIMIT ?1 OFFSET ?2"));
  s.Bind(1, per_page).Bind(2, static_cast<int64_t>(page - 1) * per_page);
  std::vector<AuditRecord> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    out.push_back(
        AuditRecord{s.Int(0), s.Int(1), s.Text(2), s.Text(3), s.Text(4), s.Text(5), s.Text(6)});
  }
  return out;
}

}  // namespace botmon
