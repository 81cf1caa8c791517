// The alerting tables of the SQLite store: one transaction per transition, listing, outbox,
// API objects and retention.
#include <gtest/gtest.h>

#include "store/sqlite_store.h"
#include "store/temp_store_test.h"

namespace botmon {
namespace {

class SqliteAlertingTest : public TempStoreTest {
 protected:
  static IncidentRow Incident(std::string id, int64_t start, std::optional<int64_t> end) {
    return {std::move(id), "High CPU Usage", "host=bot-1", "bot-1", start, end, "{}"};
  }
  static OutboxRow Outbox(std::string id, std::string incident, std::string target) {
    OutboxRow r;
    r.id = std::move(id);
    r.incident_id = std::move(incident);
    r.target = std::move(target);
    r.event = "opened";
    r.payload = "{\"x\":1}";
    r.created_ms = 1000;
    r.next_attempt_ms = 1000;
    return r;
  }
};

TEST_F(SqliteAlertingTest, TransitionCommitsIncidentStateAndOutboxTogether) {
  WriteBatch b;
  b.incidents.push_back(Incident("i1", 1000, std::nullopt));
  b.rule_states.push_back({"High CPU Usage", "host=bot-1", R"({"state":"firing"})", false});
  b.outbox.push_back(Outbox("d1", "i1", "slack"));
  b.outbox.push_back(Outbox("d2", "i1", "hook:alert.js"));
  ASSERT_TRUE(WriteSync(std::move(b)).ok());
  Reopen();  // survives a reopen
  auto states = store_->LoadRuleStates();
  ASSERT_TRUE(states.ok());
  ASSERT_EQ(states->size(), 1u);
  EXPECT_EQ((*states)[0].doc, R"({"state":"firing"})");
  auto inc = store_->GetIncident("i1");
  ASSERT_TRUE(inc.ok());
  ASSERT_TRUE(inc->has_value());
  EXPECT_FALSE((*inc)->end_ms.has_value());
  auto pending = store_->LoadPendingOutbox();
  ASSERT_TRUE(pending.ok());
  ASSERT_EQ(pending->size(), 2u);

  // The send is recorded: the row leaves the pending set but stays listed for the incident.
  WriteBatch done;
  OutboxRow sent = Outbox("d1", "i1", "slack");
  sent.state = "sent";
  sent.attempts = 1;
  sent.done_ms = 2000;
  done.outbox.push_back(sent);
  done.rule_states.push_back({"High CPU Usage", "host=bot-1", "", true});
  ASSERT_TRUE(WriteSync(std::move(done)).ok());
  pending = store_->LoadPendingOutbox();
  ASSERT_TRUE(pending.ok());
  ASSERT_EQ(pending->size(), 1u);
  EXPECT_EQ((*pending)[0].id, "d2");
  auto all = store_->ListDeliveries("i1", 10);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 2u);
  EXPECT_TRUE(store_->LoadRuleStates()->empty());
}

TEST_F(SqliteAlertingTest, DeliveriesKeepTheirAttemptsAndFilter) {
  WriteBatch b;
  OutboxRow sent = Outbox("d1", "i1", "slack");
  sent.state = "sent";
  sent.attempts = 2;
  sent.history = R"([{"at":"x","ok":false},{"at":"y","ok":true}])";
  b.outbox.push_back(sent);
  OutboxRow retrying = Outbox("d2", "i1", "email");
  retrying.attempts = 1;
  retrying.history = R"([{"at":"z","ok":false}])";
  b.outbox.push_back(retrying);
  b.outbox.push_back(Outbox("d3", "i2", "slack"));  // not tried yet
  ASSERT_TRUE(WriteSync(std::move(b)).ok());
  Reopen();
  int64_t total = 0;
  DeliveryQuery q;
  auto rows = store_->ListDeliveries(q, &total);
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(total, 3);
  q.target = "slack";
  rows = store_->ListDeliveries(q, &total);
  EXPECT_EQ(total, 2);
  q.ok = true;
  rows = store_->ListDeliveries(q, &total);
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].history, R"([{"at":"x","ok":false},{"at":"y","ok":true}])");
  q.target.clear();
  q.ok = false;
  rows = store_->ListDeliveries(q, &total);
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].id, "d2");
  q.ok.reset();
  q.per_page = 2;
  q.page = 2;
  rows = store_->ListDeliveries(q, &total);
  EXPECT_EQ(total, 3);
  EXPECT_EQ(rows->size(), 1u);
}

TEST_F(SqliteAlertingTest, ListIncidentsFiltersAndPages) {
  WriteBatch b;
  for (int i = 0; i < 5; ++i) {
    b.incidents.push_back(
        Incident("i" + std::to_string(i), 1000 * (i + 1),
                 i % 2 ? std::optional<int64_t>(1000 * (i + 1) + 500) : std::nullopt));
  }
  b.incidents[4].host = "bot-2";
  ASSERT_TRUE(WriteSync(std::move(b)).ok());
  int64_t total = 0;
  IncidentQuery q;
  q.open = true;
  auto open = store_->ListIncidents(q, &total);
  ASSERT_TRUE(open.ok());
  EXPECT_EQ(total, 3);
  ASSERT_EQ(open->size(), 3u);
  EXPECT_EQ((*open)[0].id, "i4");  // newest first
  q = {};
  q.host = "bot-2";
  EXPECT_EQ(store_->ListIncidents(q, &total)->size(), 1u);
  q = {};
  q.per_page = 2;
  q.page = 3;
  auto last = store_->ListIncidents(q, &total);
  ASSERT_EQ(last->size(), 1u);
  EXPECT_EQ((*last)[0].id, "i0");
  EXPECT_EQ(total, 5);
  q = {};
  q.from_ms = 2400;
  q.to_ms = 3000;
  q.now_ms = 10'000;
  // i0 is still open, i1 ended at 2500, i2 started at 3000; i3 and i4 start later.
  auto overlap = store_->ListIncidents(q, &total);
  ASSERT_TRUE(overlap.ok());
  EXPECT_EQ(total, 3);
}

TEST_F(SqliteAlertingTest, RetentionKeepsIncidentsWithPendingDeliveries) {
  WriteBatch b;
  b.incidents.push_back(Incident("old", 1000, 2000));
  b.incidents.push_back(Incident("old-pending", 1000, 2000));
  b.incidents.push_back(Incident("open", 1000, std::nullopt));
  OutboxRow sent = Outbox("d1", "old", "slack");
  sent.state = "sent";
  b.outbox.push_back(sent);
  b.outbox.push_back(Outbox("d2", "old-pending", "slack"));
  ASSERT_TRUE(WriteSync(std::move(b)).ok());
  auto n = store_->DeleteIncidentsBefore(5000);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 1);
  EXPECT_FALSE(store_->GetIncident("old")->has_value());
  EXPECT_TRUE(store_->GetIncident("old-pending")->has_value());
  EXPECT_TRUE(store_->GetIncident("open")->has_value());
  EXPECT_TRUE(store_->ListDeliveries("old", 10)->empty());
}

TEST_F(SqliteAlertingTest, ConfigObjectsUpsertAndErase) {
  WriteBatch b;
  b.config_objects.push_back({"rule", "cpu", R"({"v":1})", false});
  b.config_objects.push_back({"rule", "mem", R"({"v":2})", false});
  b.config_objects.push_back({"channel", "cpu", R"({"v":3})", false});
  ASSERT_TRUE(WriteSync(std::move(b)).ok());
  WriteBatch c;
  c.config_objects.push_back({"rule", "cpu", R"({"v":4})", false});
  c.config_objects.push_back({"rule", "mem", "", true});
  ASSERT_TRUE(WriteSync(std::move(c)).ok());
  auto rules = store_->LoadConfigObjects("rule");
  ASSERT_TRUE(rules.ok());
  ASSERT_EQ(rules->size(), 1u);
  EXPECT_EQ((*rules)[0].doc, R"({"v":4})");
  EXPECT_EQ(store_->LoadConfigObjects("channel")->size(), 1u);
}

}  // namespace
}  // namespace botmon
