#include "store/sqlite_store.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "store/temp_store_test.h"

namespace botmon {
namespace {

class SqliteStoreTest : public TempStoreTest {
 protected:
  static SessionRecord Session(std::string id, int64_t started, std::string channel = "web",
                               std::string bot = "mycompany") {
    SessionRecord r;
    r.id = std::move(id);
    r.bot = std::move(bot);
    r.user = "+5511999888777";
    r.channel = std::move(channel);
    r.host = "bot-1";
    r.started_ms = started;
    r.last_activity_ms = started + 1000;
    return r;
  }
};

TEST_F(SqliteStoreTest, DatabaseFileIsPrivate) {
  struct stat st;
  ASSERT_EQ(stat((dir_ + "/botmon.db").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(SqliteStoreTest, SessionsListFiltersAndPages) {
  WriteBatch b;
  for (int i = 0; i < 25; ++i) {
    auto s = Session("s" + std::to_string(i), 1000 * i, i % 2 ? "whatsapp" : "web");
    if (i < 5) s.ended_ms = s.last_activity_ms;
    if (i == 7) s.flags = kFlagFallback | kFlagError;
    if (i == 8) s.flags = kFlagFallback;
    if (i == 9) s.bot = "Support-Bot";
    b.sessions.push_back(s);
  }
  ASSERT_TRUE(WriteSync(std::move(b)).ok());

  SessionQuery q;
  auto page = store_->ListSessions(q);
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  EXPECT_EQ(page->total, 25);
  ASSERT_EQ(page->sessions.size(), 10u);
  EXPECT_EQ(page->sessions[0].id, "s24");  // newest started first
  q.page = 3;
  EXPECT_EQ(store_->ListSessions(q)->sessions.size(), 5u);

  SessionQuery active;
  active.active = true;
  EXPECT_EQ(store_->ListSessions(active)->total, 20);
  SessionQuery wa;
  wa.channel = "whatsapp";
  EXPECT_EQ(store_->ListSessions(wa)->total, 12);
  SessionQuery flags;
  flags.flags_all = kFlagFallback | kFlagError;
  auto f = store_->ListSessions(flags);
  ASSERT_EQ(f->total, 1);
  EXPECT_EQ(f->sessions[0].id, "s7");
  SessionQuery bot;
  bot.bot = "support-bot";
  EXPECT_EQ(store_->ListSessions(bot)->total, 1);
  SessionQuery range;
  range.now_ms = 1'000'000;
  range.from_ms = 20'000;
  range.to_ms = 22'000;
  // Open sessions overlap every range after their start: s5..s22.
  EXPECT_EQ(store_->ListSessions(range)->total, 18);
  SessionQuery future;
  future.now_ms = 1'000'000;
  future.from_ms = 2'000'000;  // tomorrow: open sessions do not reach it
  EXPECT_EQ(store_->ListSessions(future)->total, 0);
  SessionQuery early;
  early.now_ms = 1'000'000;
  early.from_ms = 1'500;
  early.to_ms = 2'500;  // s1 (ended at 2000) and s2 (started 2000, ended 3000)
  EXPECT_EQ(store_->ListSessions(early)->total, 2);
}

TEST_F(SqliteStoreTest, FullTextSearchOverTranscripts) {
  WriteBatch b;
  b.sessions.push_back(Session("a", 1000));
  b.sessions.push_back(Session("b", 2000));
  auto msg = [](std::string sid, int64_t seq, std::string text) {
    MessageRecord m;
    m.session_id = std::move(sid);
    m.ts_ms = 1000 + seq;
    m.seq = seq;
    m.text = std::move(text);
    return m;
  };
  b.messages.push_back(msg("a", 1, "I want to check my order status"));
  b.messages.push_back(msg("b", 2, "How do I reset my password?"));
  b.messages.push_back(msg("b", 3, "Order ORD-12345 please"));
  ASSERT_TRUE(WriteSync(std::move(b)).ok());
  auto search = [&](std::string q) {
    SessionQuery sq;
    sq.q = std::move(q);
    auto r = store_->ListSessions(sq);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    std::vector<std::string> ids;
    for (auto& s : r->sessions) ids.push_back(s.id);
    return ids;
  };
  EXPECT_EQ(search("order"), (std::vector<std::string>{"b", "a"}));
  EXPECT_EQ(search("order stat"), (std::vector<std::string>{"a"}));  // prefix on the last word
  EXPECT_EQ(search("passw"), (std::vector<std::string>{"b"}));
  EXPECT_TRUE(search("nothing-here").empty());
  // FTS syntax is never interpreted.
  EXPECT_TRUE(search("order OR password").empty());
  EXPECT_TRUE(search("\" NEAR( * -").empty());
}

TEST_F(SqliteStoreTest, SessionDetailOrdersByTsThenArrival) {
  WriteBatch b;
  b.sessions.push_back(Session("x", 1000));
  for (int i = 0; i < 5; ++i) {
    MessageRecord m;
    m.session_id = "x";
    m.ts_ms = i < 3 ? 5000 : 4000;  // two messages backdated
    m.seq = 10 + i;
    m.from_user = i % 2 == 0;
    m.text = "m" + std::to_string(i);
    if (!m.from_user) m.latency_ms = 100.0 * i;
    b.messages.push_back(m);
  }
  ASSERT_TRUE(WriteSync(std::move(b)).ok());
  auto d = store_->GetSession("x", 1, 1000);
  ASSERT_TRUE(d.ok());
  ASSERT_TRUE(d->has_value());
  std::vector<std::string> texts;
  for (auto& m : (*d)->messages) texts.push_back(*m.text);
  EXPECT_EQ(texts, (std::vector<std::string>{"m3", "m4", "m0", "m1", "m2"}));
  EXPECT_EQ((*d)->message_total, 5);
  auto p2 = store_->GetSession("x", 2, 2);
  EXPECT_EQ((*p2)->messages.size(), 2u);
  EXPECT_FALSE(store_->GetSession("nope", 1, 10)->has_value());
}

TEST_F(SqliteStoreTest, TokensVersionChangesOnCreateAndRevoke) {
  int64_t v0 = *store_->TokensVersion();
  TokenRecord t{"id1", "demo", "ingest", "abcd", 1, std::nullopt};
  ASSERT_TRUE(store_->CreateToken(t).ok());
  EXPECT_GT(*store_->TokensVersion(), v0);
  EXPECT_EQ(store_->CreateToken(t).code(), StatusCode::kAlreadyExists);
  auto found = store_->FindTokenByHash("abcd");
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->name, "demo");
  int64_t v1 = *store_->TokensVersion();
  ASSERT_TRUE(store_->RevokeToken("demo").ok());
  EXPECT_GT(*store_->TokensVersion(), v1);
  EXPECT_EQ(store_->RevokeToken("demo").code(), StatusCode::kNotFound);
  EXPECT_FALSE(store_->FindTokenByHash("abcd")->has_value());
}

TEST_F(SqliteStoreTest, SecondProcessSeesTokens) {
  // A management command opens the same database while the server runs.
  auto other = OpenStore("sqlite", dir_, 1);
  ASSERT_TRUE(other.ok());
  ASSERT_TRUE((*other)->CreateToken({"id2", "cli", "admin", "ffff", 1, std::nullopt}).ok());
  EXPECT_TRUE(store_->FindTokenByHash("ffff")->has_value());
}

TEST_F(SqliteStoreTest, ChunksAndMeta) {
  WriteBatch b;
  b.series_defs.push_back(SeriesDef{1, "cpu.usage", "bot-1", "", "", "", "", ""});
  b.chunks.push_back(ChunkRecord{1, Tier::kRaw, 0, 3'590'000, 360, "abc"});
  b.chunks.push_back(ChunkRecord{1, Tier::kRaw, 3'600'000, 7'190'000, 360, "def"});
  b.meta.emplace_back("k", "v");
  ASSERT_TRUE(WriteSync(std::move(b)).ok());
  EXPECT_EQ(store_->LoadSeries()->size(), 1u);
  auto c = store_->ReadChunks(1, Tier::kRaw, 3'600'000, 4'000'000);
  ASSERT_EQ(c->size(), 1u);
  EXPECT_EQ((*c)[0].data, "def");
  EXPECT_EQ(store_->ReadChunks(1, Tier::kRaw, 0, 10'000'000)->size(), 2u);
  EXPECT_EQ(**store_->GetMeta("k"), "v");
  EXPECT_FALSE(store_->GetMeta("missing")->has_value());
  EXPECT_EQ(*store_->DeleteChunksBefore(Tier::kRaw, 3'600'000), 1);
}

TEST_F(SqliteStoreTest, TodayFigures) {
  WriteBatch b;
  auto s1 = Session("t1", 10'000);
  s1.ended_ms = 70'000;
  s1.last_activity_ms = 70'000;
  b.sessions.push_back(s1);
  b.sessions.push_back(Session("t0", 1'000));  // started before the day start
  for (int i = 0; i < 4; ++i) {
    MessageRecord m;
    m.session_id = "t1";
    m.ts_ms = 10'000 + i * 1000;
    m.seq = i;
    m.from_user = i % 2 == 0;
    if (!m.from_user) m.latency_ms = 500;
    b.messages.push_back(m);
  }
  ASSERT_TRUE(WriteSync(std::move(b)).ok());
  auto t = store_->ComputeToday(5'000, 20'000);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->messages_today, 4);
  EXPECT_EQ(t->bot_latency_count, 2);
  EXPECT_DOUBLE_EQ(t->bot_latency_sum_ms, 1000);
  EXPECT_EQ(t->sessions_started_today, 1);
  EXPECT_EQ(t->session_duration_sum_ms, 60'000);
  EXPECT_EQ(t->messages_per_second.size(), 4u);
}

TEST_F(SqliteStoreTest, RetentionDeletesOldSessionsMessagesAndLogs) {
  WriteBatch b;
  auto old = Session("old", 1000);
  old.ended_ms = 2000;
  b.sessions.push_back(old);
  b.sessions.push_back(Session("new", 100'000));
  MessageRecord m;
  m.session_id = "old";
  m.text = "findme";
  b.messages.push_back(m);
  b.logs.push_back(LogRecord{1500, 1, "h", "b", "old", 1, "boom"});
  ASSERT_TRUE(WriteSync(std::move(b)).ok());
  EXPECT_EQ(*store_->DeleteSessionsBefore(50'000), 1);
  SessionQuery q;
  q.q = "findme";
  EXPECT_EQ(store_->ListSessions(q)->total, 0);
  int64_t total = -1;
  EXPECT_TRUE(store_->QueryLogs(LogQuery{}, &total).ok());
  EXPECT_EQ(total, 0);
}

TEST(OpenStore, PostgresIsNotAvailable) {
  auto s = OpenStore("postgresql://u@127.0.0.1/db", "/tmp", 1);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("not available in this build"), std::string::npos);
  EXPECT_FALSE(OpenStore("mysql://x", "/tmp", 1).ok());
}

}  // namespace
}  // namespace botmon
