#include "store/sqlite_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <future>

#include "core/thread_name.h"
#include "store/sqlite_schema.h"

namespace botmon {

StatusOr<std::unique_ptr<SqliteStore>> SqliteStore::Open(const std::string& path, int read_pool) {
  // Create the file 0600 before SQLite does (it would use the umask).
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return Status::IoError("cannot create " + path);
  ::close(fd);
  ASSIGN_OR_RETURN(auto db, Db::Open(path, /*read_only=*/false, /*create=*/true));
  RETURN_IF_ERROR(db->Exec("PRAGMA journal_mode=WAL"));
  RETURN_IF_ERROR(db->Exec("PRAGMA synchronous=NORMAL"));
  RETURN_IF_ERROR(db->Exec("PRAGMA foreign_keys=OFF"));
  RETURN_IF_ERROR(MigrateSqlite(db.get()));
  std::unique_ptr<SqliteStore> store(new SqliteStore(path, std::move(db)));
  for (int i = 0; i < std::max(1, read_pool); ++i) {
    ASSIGN_OR_RETURN(auto r, Db::Open(path, /*read_only=*/true, /*create=*/false));
    store->pool_.push_back(std::move(r));
  }
  store->writer_ = std::thread([s = store.get()] {
    SetThreadName("store-writer");
    s->WriterLoop();
  });
  return store;
}

SqliteStore::SqliteStore(std::string path, std::unique_ptr<Db> writer)
    : path_(std::move(path)), writer_db_(std::move(writer)) {}

SqliteStore::~SqliteStore() {
  Close();
  if (wal_fd_ >= 0) ::close(wal_fd_);
}

void SqliteStore::Close() {
  {
    std::lock_guard lock(mu_);
    if (closing_ && !writer_.joinable()) return;
    closing_ = true;
  }
  cv_.notify_all();
  if (writer_.joinable()) writer_.join();
}

void SqliteStore::Write(WriteBatch batch, std::function<void(Status)> done) {
  {
    std::lock_guard lock(mu_);
    if (!closing_) {
      queue_.push_back(Job{std::move(batch), nullptr, std::move(done)});
      cv_.notify_one();
      return;
    }
  }
  if (done) done(Status::Unavailable("store is closed"));
}

size_t SqliteStore::PendingWrites() const {
  std::lock_guard lock(mu_);
  return queue_.size();
}

Status SqliteStore::Flush() {
  std::promise<Status> p;
  auto f = p.get_future();
  Write(WriteBatch{}, [&p](Status s) { p.set_value(std::move(s)); });
  return f.get();
}

Status SqliteStore::RunOnWriter(std::function<Status(Db*)> fn) {
  std::promise<Status> p;
  auto f = p.get_future();
  {
    std::lock_guard lock(mu_);
    if (closing_) return Status::Unavailable("store is closed");
    queue_.push_back(Job{WriteBatch{}, std::move(fn), [&p](Status s) { p.set_value(s); }});
  }
  cv_.notify_one();
  return f.get();
}

void SqliteStore::WriterLoop() {
  Db* db = writer_db_.get();
  while (true) {
    std::vector<Job> jobs;
    {
      std::unique_lock lock(mu_);
      busy_ = false;
      idle_cv_.notify_all();
      cv_.wait(lock, [&] { return closing_ || !queue_.empty(); });
      if (queue_.empty() && closing_) break;
      // Take every queued batch (group commit); a function job runs in a transaction of its own.
      while (!queue_.empty()) {
        if (queue_.front().fn && !jobs.empty()) break;
        jobs.push_back(std::move(queue_.front()));
        queue_.pop_front();
        if (jobs.back().fn) break;
      }
      busy_ = true;
    }
    Status st = db->Exec("BEGIN IMMEDIATE");
    if (st.ok()) {
      for (auto& j : jobs) {
        st = j.fn ? j.fn(db) : ApplyBatch(db, j.batch);
        if (!st.ok()) break;
      }
      st = st.ok() ? db->Exec("COMMIT") : st;
      if (!st.ok()) (void)db->Exec("ROLLBACK");
    }
    healthy_ = st.ok() || st.code() == StatusCode::kAlreadyExists ||
               st.code() == StatusCode::kNotFound || st.code() == StatusCode::kInvalidArgument;
    if (!st.ok() && jobs.size() > 1) {
      // One bad job must not fail the others: retry them one transaction each.
      for (auto& j : jobs) {
        Status one = db->Exec("BEGIN IMMEDIATE");
        if (one.ok()) one = j.fn ? j.fn(db) : ApplyBatch(db, j.batch);
        one = one.ok() ? db->Exec("COMMIT") : one;
        if (!one.ok()) (void)db->Exec("ROLLBACK");
        if (j.done) j.done(one);
      }
      continue;
    }
    for (auto& j : jobs) {
      if (j.done) j.done(st);
    }
  }
}

Status SqliteStore::ApplyBatch(Db* db, const WriteBatch& b) {
  if (!b.sessions.empty()) {
    ASSIGN_OR_RETURN(
        Stmt * s,
        db->Cached(
            "INSERT INTO sessions(id, bot, user, channel, host, started_ms, last_activity_ms, "
            "ended_ms,"
            " message_count, flags) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)"
            " ON CONFLICT(id) DO UPDATE SET bot=?2, user=?3, channel=?4, host=?5, started_ms=?6,"
            " last_activity_ms=?7, ended_ms=?8, message_count=?9, flags=?10"));
    for (const auto& r : b.sessions) {
      s->Bind(1, r.id).Bind(2, r.bot).Bind(3, r.user).Bind(4, r.channel).Bind(5, r.host);
      s->Bind(6, r.started_ms).Bind(7, r.last_activity_ms).Bind(8, r.ended_ms);
      s->Bind(9, r.message_count).Bind(10, static_cast<int64_t>(r.flags));
      RETURN_IF_ERROR(s->Run());
    }
  }
  if (!b.messages.empty()) {
    ASSIGN_OR_RETURN(
        Stmt * s,
        db->Cached("INSERT INTO messages(session_id, ts_ms, seq, from_user, text, latency_ms)"
                   " VALUES (?1,?2,?3,?4,?5,?6)"));
    for (const auto& m : b.messages) {
      s->Bind(1, m.session_id).Bind(2, m.ts_ms).Bind(3, m.seq).Bind(4, m.from_user ? 1 : 0);
      if (m.text) {
        s->Bind(5, *m.text);
      } else {
        s->BindNull(5);
      }
      s->Bind(6, m.latency_ms);
      RETURN_IF_ERROR(s->Run());
    }
  }
  if (!b.logs.empty()) {
    ASSIGN_OR_RETURN(Stmt * s,
                     db->Cached("INSERT INTO logs(ts_ms, seq, host, bot, session, level, message)"
                                " VALUES (?1,?2,?3,?4,?5,?6,?7)"));
    for (const auto& l : b.logs) {
      s->Bind(1, l.ts_ms).Bind(2, l.seq).Bind(3, l.host).Bind(4, l.bot).Bind(5, l.session);
      s->Bind(6, l.level).Bind(7, l.message);
      RETURN_IF_ERROR(s->Run());
    }
  }
  if (!b.series_defs.empty()) {
    ASSIGN_OR_RETURN(
        Stmt * s,
        db->Cached(
            "INSERT OR IGNORE INTO series(id, field, host, bot, channel, mount, gpu, service)"
            " VALUES (?1,?2,?3,?4,?5,?6,?7,?8)"));
    for (const auto& d : b.series_defs) {
      s->Bind(1, d.id).Bind(2, d.field).Bind(3, d.host).Bind(4, d.bot).Bind(5, d.channel);
      s->Bind(6, d.mount).Bind(7, d.gpu).Bind(8, d.service);
      RETURN_IF_ERROR(s->Run());
    }
  }
  if (!b.chunks.empty()) {
    ASSIGN_OR_RETURN(
        Stmt * s,
        db->Cached(
            "INSERT INTO chunks(series_id, tier, start_ms, end_ms, count, data)"
            " VALUES (?1,?2,?3,?4,?5,?6) ON CONFLICT(series_id, tier, start_ms) DO UPDATE SET"
            " end_ms=?4, count=?5, data=?6"));
    for (const auto& c : b.chunks) {
      s->Bind(1, c.series_id).Bind(2, static_cast<int>(c.tier)).Bind(3, c.start_ms);
      s->Bind(4, c.end_ms).Bind(5, c.count).BindBlob(6, c.data);
      RETURN_IF_ERROR(s->Run());
    }
  }
  if (!b.meta.empty()) {
    ASSIGN_OR_RETURN(Stmt * s,
                     db->Cached("INSERT INTO meta(key, value) VALUES (?1, ?2)"
                                " ON CONFLICT(key) DO UPDATE SET value = excluded.value"));
    for (const auto& [k, v] : b.meta) {
      s->Bind(1, k).Bind(2, v);
      RETURN_IF_ERROR(s->Run());
    }
  }
  return ApplyAlerting(db, b);
}

SqliteStore::Lease::~Lease() {
  if (db_) {
    std::lock_guard lock(store_->pool_mu_);
    store_->pool_.push_back(std::move(db_));
  }
}

StatusOr<SqliteStore::Lease> SqliteStore::Reader() {
  {
    std::lock_guard lock(pool_mu_);
    if (!pool_.empty()) {
      auto db = std::move(pool_.back());
      pool_.pop_back();
      return Lease(this, std::move(db));
    }
  }
  // All pooled connections are busy: open another; it joins the pool when released.
  ASSIGN_OR_RETURN(auto db, Db::Open(path_, /*read_only=*/true, /*create=*/false));
  return Lease(this, std::move(db));
}

StatusOr<std::optional<std::string>> SqliteStore::GetMeta(std::string_view key) {
  ASSIGN_OR_RETURN(auto r, Reader());
  ASSIGN_OR_RETURN(Stmt * s, r->Cached("SELECT value FROM meta WHERE key = ?1"));
  s->Bind(1, key);
  ASSIGN_OR_RETURN(bool row, s->Step());
  std::optional<std::string> out;
  if (row) out = s->Text(0);
  s->Reset();
  return out;
}

// ---- Tokens ----

namespace {

Status BumpTokensVersion(Db* db) {
  return db->Exec(
      "INSERT INTO meta(key, value) VALUES ('tokens_version', '1') ON CONFLICT(key) DO UPDATE"
      " SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT)");
}

TokenRecord ReadToken(const Stmt& s) {
  TokenRecord t;
  t.id = s.Text(0);
  t.name = s.Text(1);
  t.role = s.Text(2);
  t.hash = s.Text(3);
  t.created_ms = s.Int(4);
  t.last_used_ms = s.OptInt(5);
  return t;
}

}  // namespace

Status SqliteStore::CreateToken(const TokenRecord& t) {
  return RunOnWriter([&t](Db* db) -> Status {
    ASSIGN_OR_RETURN(Stmt s, db->Prepare("SELECT 1 FROM tokens WHERE name = ?1"));
    s.Bind(1, t.name);
    ASSIGN_OR_RETURN(bool exists, s.Step());
    if (exists) return Status::AlreadyExists("a token named \"" + t.name + "\" already exists");
    ASSIGN_OR_RETURN(
        Stmt ins,
        db->Prepare(
            "INSERT INTO tokens(id, name, role, hash, created_ms) VALUES (?1,?2,?3,?4,?5)"));
    ins.Bind(1, t.id).Bind(2, t.name).Bind(3, t.role).Bind(4, t.hash).Bind(5, t.created_ms);
    RETURN_IF_ERROR(ins.Run());
    return BumpTokensVersion(db);
  });
}

StatusOr<std::vector<TokenRecord>> SqliteStore::ListTokens() {
  ASSIGN_OR_RETURN(auto r, Reader());
  ASSIGN_OR_RETURN(
      Stmt s,
      r->Prepare(
          "SELECT id, name, role, hash, created_ms, last_used_ms FROM tokens ORDER BY name"));
  std::vector<TokenRecord> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    out.push_back(ReadToken(s));
  }
  return out;
}

Status SqliteStore::RevokeToken(std::string_view name) {
  std::string n(name);
  return RunOnWriter([n](Db* db) -> Status {
    ASSIGN_OR_RETURN(Stmt s, db->Prepare("DELETE FROM tokens WHERE name = ?1"));
    s.Bind(1, n);
    RETURN_IF_ERROR(s.Run());
    if (db->Changes() == 0) return Status::NotFound("no token named \"" + n + "\"");
    return BumpTokensVersion(db);
  });
}

StatusOr<std::optional<TokenRecord>> SqliteStore::FindTokenByHash(std::string_view hash) {
  ASSIGN_OR_RETURN(auto r, Reader());
  ASSIGN_OR_RETURN(
      Stmt * s,
      r->Cached(
          "SELECT id, name, role, hash, created_ms, last_used_ms FROM tokens WHERE hash = ?1"));
  s->Bind(1, hash);
  ASSIGN_OR_RETURN(bool row, s->Step());
  std::optional<TokenRecord> out;
  if (row) out = ReadToken(*s);
  s->Reset();
  return out;
}

std::string SqliteStore::ChangeStamp() const {
  // In WAL mode every commit appends to <db>-wal (a checkpoint rewrites or truncates it), so
  // its size and mtime change with any commit by any connection or process. fstat on a kept
  // descriptor avoids a path lookup per call; the file is reopened if it was replaced.
  std::lock_guard lock(stamp_mu_);
  struct stat st;
  if (wal_fd_ >= 0 && (::fstat(wal_fd_, &st) != 0 || st.st_nlink == 0)) {
    ::close(wal_fd_);
    wal_fd_ = -1;
  }
  if (wal_fd_ < 0) {
    wal_fd_ = ::open((path_ + "-wal").c_str(), O_RDONLY | O_CLOEXEC);
    if (wal_fd_ < 0 || ::fstat(wal_fd_, &st) != 0) return "";
  }
  return std::to_string(st.st_size) + ":" + std::to_string(st.st_mtim.tv_sec) + "." +
         std::to_string(st.st_mtim.tv_nsec) + ":" + std::to_string(st.st_ino);
}

StatusOr<int64_t> SqliteStore::TokensVersion() {
  ASSIGN_OR_RETURN(auto v, GetMeta("tokens_version"));
  return v ? std::stoll(*v) : 0;
}

Status SqliteStore::TouchTokens(const std::vector<std::pair<std::string, int64_t>>& last_used) {
  if (last_used.empty()) return Status::OK();
  auto copy = last_used;
  return RunOnWriter([copy](Db* db) -> Status {
    ASSIGN_OR_RETURN(
        Stmt s,
        db->Prepare(
            "UPDATE tokens SET last_used_ms = max(coalesce(last_used_ms, 0), ?2) WHERE id = ?1"));
    for (const auto& [id, ms] : copy) {
      s.Bind(1, id).Bind(2, ms);
      RETURN_IF_ERROR(s.Run());
    }
    return Status::OK();
  });
}

// ---- Series ----

StatusOr<std::vector<SeriesDef>> SqliteStore::LoadSeries() {
  ASSIGN_OR_RETURN(auto r, Reader());
  ASSIGN_OR_RETURN(
      Stmt s,
      r->Prepare(
          "SELECT id, field, host, bot, channel, mount, gpu, service FROM series ORDER BY id"));
  std::vector<SeriesDef> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    out.push_back(SeriesDef{s.Int(0), s.Text(1), s.Text(2), s.Text(3), s.Text(4), s.Text(5),
                            s.Text(6), s.Text(7)});
  }
  return out;
}

StatusOr<std::vector<ChunkRecord>> SqliteStore::ReadChunks(int64_t series_id, Tier tier,
                                                           int64_t from_ms, int64_t to_ms) {
  ASSIGN_OR_RETURN(auto r, Reader());
  ASSIGN_OR_RETURN(
      Stmt * s,
      r->Cached(
          "SELECT start_ms, end_ms, count, data FROM chunks WHERE series_id = ?1 AND tier = ?2"
          " AND end_ms >= ?3 AND start_ms <= ?4 ORDER BY start_ms"));
  s->Bind(1, series_id).Bind(2, static_cast<int>(tier)).Bind(3, from_ms).Bind(4, to_ms);
  std::vector<ChunkRecord> out;
  while (true) {
    auto row = s->Step();
    if (!row.ok()) {
      s->Reset();
      return row.status();
    }
    if (!*row) break;
    ChunkRecord c;
    c.series_id = series_id;
    c.tier = tier;
    c.start_ms = s->Int(0);
    c.end_ms = s->Int(1);
    c.count = s->Int(2);
    c.data = std::string(s->Blob(3));
    out.push_back(std::move(c));
  }
  s->Reset();
  return out;
}

StatusOr<std::vector<ChunkRecord>> SqliteStore::ReadChunksAt(Tier tier, int64_t start_ms) {
  ASSIGN_OR_RETURN(auto r, Reader());
  ASSIGN_OR_RETURN(
      Stmt s,
      r->Prepare(
          "SELECT series_id, end_ms, count, data FROM chunks WHERE tier = ?1 AND start_ms = ?2"));
  s.Bind(1, static_cast<int>(tier)).Bind(2, start_ms);
  std::vector<ChunkRecord> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    out.push_back(
        ChunkRecord{s.Int(0), tier, start_ms, s.Int(1), s.Int(2), std::string(s.Blob(3))});
  }
  return out;
}

StatusOr<int64_t> SqliteStore::DeleteChunksBefore(Tier tier, int64_t before_ms) {
  int64_t n = 0;
  RETURN_IF_ERROR(RunOnWriter([&](Db* db) -> Status {
    ASSIGN_OR_RETURN(Stmt s, db->Prepare("DELETE FROM chunks WHERE tier = ?1 AND end_ms < ?2"));
    s.Bind(1, static_cast<int>(tier)).Bind(2, before_ms);
    RETURN_IF_ERROR(s.Run());
    n = db->Changes();
    return Status::OK();
  }));
  return n;
}

StatusOr<int64_t> SqliteStore::DeleteSessionsBefore(int64_t before_ms) {
  int64_t n = 0;
  RETURN_IF_ERROR(RunOnWriter([&](Db* db) -> Status {
    ASSIGN_OR_RETURN(
        Stmt m,
        db->Prepare("DELETE FROM messages WHERE session_id IN (SELECT id FROM sessions WHERE"
                    " ended_ms IS NOT NULL AND last_activity_ms < ?1)"));
    m.Bind(1, before_ms);
    RETURN_IF_ERROR(m.Run());
    ASSIGN_OR_RETURN(
        Stmt s,
        db->Prepare("DELETE FROM sessions WHERE ended_ms IS NOT NULL AND last_activity_ms < ?1"));
    s.Bind(1, before_ms);
    RETURN_IF_ERROR(s.Run());
    n = db->Changes();
    ASSIGN_OR_RETURN(Stmt l, db->Prepare("DELETE FROM logs WHERE ts_ms < ?1"));
    l.Bind(1, before_ms);
    return l.Run();
  }));
  return n;
}

StatusOr<std::unique_ptr<Store>> OpenStore(const std::string& url, const std::string& data_dir,
                                           int read_pool) {
  if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0) {
    return Status::Unimplemented("--store " + url.substr(0, url.find(':')) +
                                 ": PostgreSQL is not available in this build");
  }
  if (url != "sqlite" && url.rfind("sqlite:", 0) != 0) {
    return Status::InvalidArgument("--store: \"" + url +
                                   "\" is not a store URL (use sqlite or postgresql://...)");
  }
  std::string path = data_dir + "/botmon.db";
  if (url.rfind("sqlite:", 0) == 0 && url.size() > 7) path = url.substr(7);
  ASSIGN_OR_RETURN(auto s, SqliteStore::Open(path, read_pool));
  return std::unique_ptr<Store>(std::move(s));
}

}  // namespace botmon
