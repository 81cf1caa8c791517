// SqliteStore: the Store on one SQLite file in WAL mode (SPEC 13): one writer thread
// ("store-writer") that merges queued batches into one transaction (group commit), and a pool of
// read-only connections for readers on any thread.
//
// Thread-safe.
#ifndef BOTMON_STORE_SQLITE_STORE_H_
#define BOTMON_STORE_SQLITE_STORE_H_

#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "store/sqlite_db.h"
#include "store/store.h"

namespace botmon {

class SqliteStore : public Store {
 public:
  // Opens (creating with mode 0600) and migrates `path`, then starts the writer thread.
  static StatusOr<std::unique_ptr<SqliteStore>> Open(const std::string& path, int read_pool);
  ~SqliteStore() override;

  void Write(WriteBatch batch, std::function<void(Status)> done) override;
  Status Flush() override;
  size_t PendingWrites() const override;
  void Close() override;
  bool Healthy() const override { return healthy_.load(); }

  StatusOr<std::optional<std::string>> GetMeta(std::string_view key) override;

  Status CreateToken(const TokenRecord& token) override;
  StatusOr<std::vector<TokenRecord>> ListTokens() override;
  Status RevokeToken(std::string_view name) override;
  StatusOr<std::optional<TokenRecord>> FindTokenByHash(std::string_view hash) override;
  StatusOr<int64_t> TokensVersion() override;
  std::string ChangeStamp() const override;
  Status TouchTokens(const std::vector<std::pair<std::string, int64_t>>& last_used) override;

  Status CreateUser(const UserRecord& user) override;  // sqlite_users.cc
  StatusOr<std::vector<UserRecord>> ListUsers() override;
  StatusOr<std::optional<UserRecord>> GetUser(std::string_view name) override;
  Status DeleteUser(std::string_view name) override;
  Status CreateLoginSession(const LoginSessionRecord& s) override;
  StatusOr<std::optional<LoginSessionRecord>> FindLoginSession(std::string_view hash) override;
  Status DeleteLoginSession(std::string_view hash) override;
  Status TouchLoginSessions(const std::vector<std::pair<std::string, int64_t>>& seen) override;
  StatusOr<int64_t> DeleteLoginSessionsBefore(int64_t idle_before_ms,
                                              int64_t created_before_ms) override;
  Status AppendAudit(const AuditRecord& entry) override;
  StatusOr<std::vector<AuditRecord>> ListAudit(int page, int per_page, int64_t* total) override;

  StatusOr<SessionPage> ListSessions(const SessionQuery& q) override;
  StatusOr<std::optional<SessionDetail>> GetSession(std::string_view id, int messages_page,
                                                    int messages_per_page) override;
  StatusOr<std::optional<SessionRecord>> GetSessionRecord(std::string_view id) override;
  StatusOr<std::vector<SessionRecord>> LoadLiveSessions(int64_t since_ms) override;
  StatusOr<TodayStats> ComputeToday(int64_t day_start_ms, int64_t now_ms) override;
  StatusOr<std::vector<LogRecord>> QueryLogs(const LogQuery& q, int64_t* total) override;

  StatusOr<std::vector<SeriesDef>> LoadSeries() override;
  StatusOr<std::vector<ChunkRecord>> ReadChunks(int64_t series_id, Tier tier, int64_t from_ms,
                                                int64_t to_ms) override;
  StatusOr<std::vector<ChunkRecord>> ReadChunksAt(Tier tier, int64_t start_ms) override;

  StatusOr<std::vector<RuleStateRow>> LoadRuleStates() override;
  StatusOr<std::optional<IncidentRow>> GetIncident(std::string_view id) override;
  StatusOr<std::vector<IncidentRow>> ListIncidents(const IncidentQuery& q, int64_t* total) override;
  StatusOr<std::vector<OutboxRow>> LoadPendingOutbox() override;
  StatusOr<std::vector<OutboxRow>> ListDeliveries(const DeliveryQuery& q, int64_t* total) override;
  using Store::ListDeliveries;
  StatusOr<std::vector<ConfigObjectRow>> LoadConfigObjects(std::string_view kind) override;
  StatusOr<int64_t> DeleteIncidentsBefore(int64_t before_ms) override;

  StatusOr<int64_t> DeleteChunksBefore(Tier tier, int64_t before_ms) override;
  StatusOr<int64_t> DeleteSessionsBefore(int64_t before_ms) override;

 private:
  SqliteStore(std::string path, std::unique_ptr<Db> writer);

  // A read connection, returned to the pool when the lease ends.
  class Lease {
   public:
    Lease(SqliteStore* s, std::unique_ptr<Db> db) : store_(s), db_(std::move(db)) {}
    ~Lease();
    Lease(Lease&&) = default;
    Db* operator->() { return db_.get(); }
    Db* get() { return db_.get(); }

   private:
    SqliteStore* store_;
    std::unique_ptr<Db> db_;
  };
  StatusOr<Lease> Reader();

  // Runs `fn` on the writer thread inside a transaction and waits for it (synchronous writes of
  // management commands and janitors).
  Status RunOnWriter(std::function<Status(Db*)> fn);

  void WriterLoop();
  Status ApplyBatch(Db* db, const WriteBatch& b);
  Status ApplyAlerting(Db* db, const WriteBatch& b);  // sqlite_alerting.cc

  const std::string path_;
  std::unique_ptr<Db> writer_db_;  // used only by the writer thread (and before it starts)

  struct Job {
    WriteBatch batch;
    std::function<Status(Db*)> fn;  // instead of a batch
    std::function<void(Status)> done;
  };
  mutable std::mutex mu_;
  std::condition_variable cv_;       // the writer waits for jobs
  std::condition_variable idle_cv_;  // Flush waits for the writer to drain
  std::deque<Job> queue_;
  bool closing_ = false;
  bool busy_ = false;
  std::thread writer_;

  std::mutex pool_mu_;
  std::vector<std::unique_ptr<Db>> pool_;
  std::atomic<bool> healthy_{true};
  mutable std::mutex stamp_mu_;
  mutable int wal_fd_ = -1;  // GUARDED_BY(stamp_mu_): <db>-wal, for ChangeStamp
};

}  // namespace botmon

#endif  // BOTMON_STORE_SQLITE_STORE_H_
