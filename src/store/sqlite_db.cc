#include "store/sqlite_db.h"

namespace botmon {

Stmt& Stmt::Bind(int i, int64_t v) {
  sqlite3_bind_int64(stmt_.get(), i, v);
  return *this;
}
Stmt& Stmt::Bind(int i, double v) {
  sqlite3_bind_double(stmt_.get(), i, v);
  return *this;
}
Stmt& Stmt::Bind(int i, std::string_view v) {
  sqlite3_bind_text(stmt_.get(), i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  return *this;
}
Stmt& Stmt::BindBlob(int i, std::string_view v) {
  sqlite3_bind_blob(stmt_.get(), i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  return *this;
}
Stmt& Stmt::BindNull(int i) {
  sqlite3_bind_null(stmt_.get(), i);
  return *this;
}

StatusOr<bool> Stmt::Step() {
  int rc = sqlite3_step(stmt_.get());
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  sqlite3* db = sqlite3_db_handle(stmt_.get());
  StatusCode code = (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) ? StatusCode::kUnavailable
                    : rc == SQLITE_CORRUPT                     ? StatusCode::kCorruption
                    : rc == SQLITE_CONSTRAINT                  ? StatusCode::kAlreadyExists
                                                               : StatusCode::kIoError;
  return Status(code, std::string("sqlite: ") + sqlite3_errmsg(db));
}

Status Stmt::Run() {
  while (true) {
    auto r = Step();
    if (!r.ok()) {
      Reset();
      return r.status();
    }
    if (!*r) break;
  }
  Reset();
  return Status::OK();
}

void Stmt::Reset() {
  sqlite3_reset(stmt_.get());
  sqlite3_clear_bindings(stmt_.get());
}

std::string Stmt::Text(int col) const {
  const unsigned char* t = sqlite3_column_text(stmt_.get(), col);
  if (t == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(t),
                     static_cast<size_t>(sqlite3_column_bytes(stmt_.get(), col)));
}

std::string_view Stmt::Blob(int col) const {
  const void* b = sqlite3_column_blob(stmt_.get(), col);
  if (b == nullptr) return {};
  return std::string_view(static_cast<const char*>(b),
                          static_cast<size_t>(sqlite3_column_bytes(stmt_.get(), col)));
}

StatusOr<std::unique_ptr<Db>> Db::Open(const std::string& path, bool read_only, bool create) {
  sqlite3* raw = nullptr;
  int flags = SQLITE_OPEN_NOMUTEX | (read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE);
  if (create && !read_only) flags |= SQLITE_OPEN_CREATE;
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = raw ? sqlite3_errmsg(raw) : "out of memory";
    sqlite3_close_v2(raw);
    return Status::IoError("cannot open " + path + ": " + msg);
  }
  std::unique_ptr<Db> db(new Db(raw, path));
  sqlite3_busy_timeout(raw, 5000);
  sqlite3_extended_result_codes(raw, 0);
  return db;
}

Db::~Db() {
  cache_.clear();  // finalize statements before closing
  sqlite3_close_v2(db_);
}

Status Db::Error(std::string_view what) const {
  return Status::IoError(std::string(what) + ": " + sqlite3_errmsg(db_));
}

Status Db::Exec(std::string_view sql) {
  char* err = nullptr;
  std::string s(sql);
  int rc = sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    StatusCode code = (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) ? StatusCode::kUnavailable
                                                                 : StatusCode::kIoError;
    return Status(code, "sqlite: " + msg);
  }
  return Status::OK();
}

StatusOr<Stmt> Db::Prepare(std::string_view sql) {
  sqlite3_stmt* s = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &s, nullptr);
  if (rc != SQLITE_OK) {
    return Status::Internal(std::string("sqlite prepare: ") + sqlite3_errmsg(db_) +
                            " in: " + std::string(sql.substr(0, 120)));
  }
  return Stmt(s);
}

StatusOr<Stmt*> Db::Cached(const char* sql) {
  for (auto& e : cache_) {
    if (e.sql == sql) {
      e.stmt.Reset();
      return &e.stmt;
    }
  }
  ASSIGN_OR_RETURN(Stmt s, Prepare(sql));
  cache_.push_back(CacheEntry{sql, std::move(s)});
  return &cache_.back().stmt;
}

}  // namespace botmon
