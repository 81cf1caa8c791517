// Store: the one interface to persistent state (SPEC 13). The SQLite implementation is the
// default; a PostgreSQL one (cluster issue) implements the same interface, incidents and outbox
// included when they land.
//
// Writes go through Write(): queued, merged and committed by the store's single writer thread
// (group commit); `done` runs on that thread after the commit. Reads are synchronous and may be
// called from any thread (each implementation pools its read connections).
// Thread-safe.
#ifndef BOTMON_STORE_STORE_H_
#define BOTMON_STORE_STORE_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "store/records.h"

namespace botmon {

class Store {
 public:
  virtual ~Store() = default;

  // ---- Writes (asynchronous) ----
  virtual void Write(WriteBatch batch, std::function<void(Status)> done) = 0;
  // Blocks until everything queued before the call is committed.
  virtual Status Flush() = 0;
  // Batches waiting for the writer (back-pressure and /metrics).
  virtual size_t PendingWrites() const = 0;
  // Stops the writer after committing what is queued. Further writes fail.
  virtual void Close() = 0;
  // False while the database cannot be reached (readiness).
  virtual bool Healthy() const = 0;

  // ---- Meta ----
  virtual StatusOr<std::optional<std::string>> GetMeta(std::string_view key) = 0;

  // ---- Tokens (synchronous: management commands use them from another process) ----
  virtual Status CreateToken(const TokenRecord& token) = 0;  // a taken name -> kAlreadyExists
  virtual StatusOr<std::vector<TokenRecord>> ListTokens() = 0;
  virtual Status RevokeToken(std::string_view name) = 0;  // unknown -> kNotFound
  virtual StatusOr<std::optional<TokenRecord>> FindTokenByHash(std::string_view hash) = 0;
  // Changes whenever a token is created or revoked, by any process.
  virtual StatusOr<int64_t> TokensVersion() = 0;
  // A cheap stamp that changes whenever any process may have committed (no query: a stat of
  // the write-ahead log). "" = unknown, ask the database.
  virtual std::string ChangeStamp() const { return ""; }
  virtual Status TouchTokens(const std::vector<std::pair<std::string, int64_t>>& last_used) = 0;

  // ---- Dashboard users, logins and the audit log (SPEC 12; synchronous) ----
  virtual Status CreateUser(const UserRecord& user) = 0;  // a taken name -> kAlreadyExists
  virtual StatusOr<std::vector<UserRecord>> ListUsers() = 0;
  virtual StatusOr<std::optional<UserRecord>> GetUser(std::string_view name) = 0;
  // Deletes the user and their logins. Unknown -> kNotFound; the last admin -> kInvalidArgument
  // (checked in the same transaction, so two concurrent deletes cannot remove both admins).
  virtual Status DeleteUser(std::string_view name) = 0;
  virtual Status CreateLoginSession(const LoginSessionRecord& s) = 0;
  // The login with that hash, with its user's current role (nullopt when either is gone).
  virtual StatusOr<std::optional<LoginSessionRecord>> FindLoginSession(std::string_view hash) = 0;
  virtual Status DeleteLoginSession(std::string_view hash) = 0;
  // (hash, last seen) pairs, written lazily.
  virtual Status TouchLoginSessions(const std::vector<std::pair<std::string, int64_t>>& seen) = 0;
  // Deletes logins last seen before `idle_before_ms` or created before `created_before_ms`.
  virtual StatusOr<int64_t> DeleteLoginSessionsBefore(int64_t idle_before_ms,
                                                      int64_t created_before_ms) = 0;
  virtual Status AppendAudit(const AuditRecord& entry) = 0;
  // Newest first; *total counts every entry. `page` is 1-based.
  virtual StatusOr<std::vector<AuditRecord>> ListAudit(int page, int per_page, int64_t* total) = 0;

  // ---- Sessions, transcripts, logs ----
  virtual StatusOr<SessionPage> ListSessions(const SessionQuery& q) = 0;
  virtual StatusOr<std::optional<SessionDetail>> GetSession(std::string_view id, int messages_page,
                                                            int messages_per_page) = 0;
  virtual StatusOr<std::optional<SessionRecord>> GetSessionRecord(std::string_view id) = 0;
  // Sessions not ended, or active since `since_ms` (start-up).
  virtual StatusOr<std::vector<SessionRecord>> LoadLiveSessions(int64_t since_ms) = 0;
  virtual StatusOr<TodayStats> ComputeToday(int64_t day_start_ms, int64_t now_ms) = 0;
  virtual StatusOr<std::vector<LogRecord>> QueryLogs(const LogQuery& q, int64_t* total) = 0;

  // ---- Series ----
  virtual StatusOr<std::vector<SeriesDef>> LoadSeries() = 0;
  virtual StatusOr<std::vector<ChunkRecord>> ReadChunks(int64_t series_id, Tier tier,
                                                        int64_t from_ms, int64_t to_ms) = 0;
  // Every chunk of `tier` that starts exactly at `start_ms` (all series).
  virtual StatusOr<std::vector<ChunkRecord>> ReadChunksAt(Tier tier, int64_t start_ms) = 0;

  // ---- Alerting (SPEC 7) ----
  virtual StatusOr<std::vector<RuleStateRow>> LoadRuleStates() = 0;
  virtual StatusOr<std::optional<IncidentRow>> GetIncident(std::string_view id) = 0;
  // Newest first.
  virtual StatusOr<std::vector<IncidentRow>> ListIncidents(const IncidentQuery& q,
                                                           int64_t* total) = 0;
  // Outbox rows still pending, oldest first (delivery workers at start-up).
  virtual StatusOr<std::vector<OutboxRow>> LoadPendingOutbox() = 0;
  // A page of deliveries, newest first; *total (when given) counts every match.
  virtual StatusOr<std::vector<OutboxRow>> ListDeliveries(const DeliveryQuery& q,
                                                          int64_t* total) = 0;
  // Every delivery of an incident ("" = the latest `limit` of all), newest first.
  StatusOr<std::vector<OutboxRow>> ListDeliveries(std::string_view incident_id, int limit) {
    DeliveryQuery q;
    q.incident_id = std::string(incident_id);
    q.per_page = limit;
    return ListDeliveries(q, nullptr);
  }
  virtual StatusOr<std::vector<ConfigObjectRow>> LoadConfigObjects(std::string_view kind) = 0;
  // Deletes incidents resolved before `before_ms` with their finished outbox rows.
  virtual StatusOr<int64_t> DeleteIncidentsBefore(int64_t before_ms) = 0;

  // ---- Retention (janitor) ----
  // Deletes chunks of `tier` ending before `before_ms`; returns rows deleted.
  virtual StatusOr<int64_t> DeleteChunksBefore(Tier tier, int64_t before_ms) = 0;
  // Deletes sessions (with their messages) whose last activity is before `before_ms`, and logs.
  virtual StatusOr<int64_t> DeleteSessionsBefore(int64_t before_ms) = 0;
};

// Opens the store named by `url` ("sqlite" = <data_dir>/botmon.db), creating and migrating it.
// `read_pool` is the number of read connections. PostgreSQL URLs fail: not available in this build.
StatusOr<std::unique_ptr<Store>> OpenStore(const std::string& url, const std::string& data_dir,
                                           int read_pool = 4);

}  // namespace botmon

#endif  // BOTMON_STORE_STORE_H_
