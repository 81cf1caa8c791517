// Acceptance (issue "botmon core"): malformed input to every parser of the real binary (ingest
// bodies, gzip, HTTP framing, query parameters) gets a clear error, the server keeps running, and
// nothing it acknowledged is lost. Every test keeps a ledger of the messages the server accepted;
// TearDown compares it with /api/monitoring/status (messages.today) and each session transcript.
#include <arpa/inet.h>
#include <dlfcn.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zlib.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <mutex>
#include <thread>

#include "integration/harness.h"

namespace botmon::testing {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

int64_t MsSince(Clock::time_point t0) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0).count();
}

// gzip through the system zlib, opened with dlopen: the integration targets link only the harness
// (libcurl, nlohmann, gtest), and the test must compress with real zlib, not a hand-made stream.
std::string Gzip(const std::string& data) {
  using InitFn = int (*)(z_streamp, int, int, int, int, int, const char*, int);
  using DeflateFn = int (*)(z_streamp, int);
  using EndFn = int (*)(z_streamp);
  static void* lib = dlopen("libz.so.1", RTLD_NOW);
  if (lib == nullptr) return "";
  auto init = reinterpret_cast<InitFn>(dlsym(lib, "deflateInit2_"));
  auto deflate_fn = reinterpret_cast<DeflateFn>(dlsym(lib, "deflate"));
  auto end = reinterpret_cast<EndFn>(dlsym(lib, "deflateEnd"));
  if (!init || !deflate_fn || !end) return "";
  z_stream zs{};
  // windowBits 15 + 16: a gzip wrapper rather than zlib's own.
  if (init(&zs, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION,
           static_cast<int>(sizeof(z_stream))) != Z_OK) {
    return "";
  }
  std::string out(data.size() / 2 + 1024, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    if (zs.total_out == out.size()) out.resize(out.size() * 2);
    zs.next_out = reinterpret_cast<Bytef*>(out.data() + zs.total_out);
    zs.avail_out = static_cast<uInt>(out.size() - zs.total_out);
    rc = deflate_fn(&zs, Z_FINISH);
    if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) break;
  }
  out.resize(zs.total_out);
  end(&zs);
  return rc == Z_STREAM_END ? out : "";
}

// A raw TCP connection to the server, for what libcurl will not send.
class RawConn {
 public:
  explicit RawConn(int port) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
      close(fd_);
      fd_ = -1;
    }
  }
  ~RawConn() {
    if (fd_ >= 0) close(fd_);
  }
  RawConn(const RawConn&) = delete;
  RawConn& operator=(const RawConn&) = delete;

  bool ok() const { return fd_ >= 0; }
  // Best effort: the server may answer and close before it has read everything.
  void Send(const std::string& data) {
    size_t off = 0;
    while (fd_ >= 0 && off < data.size()) {
      ssize_t n = send(fd_, data.data() + off, data.size() - off, MSG_NOSIGNAL);
      if (n <= 0) return;
      off += static_cast<size_t>(n);
    }
  }
  // Reads until a whole reply (headers + Content-Length body) is in, the peer closes, or the
  // time runs out.
  std::string ReadReply(int timeout_ms) {
    std::string buf;
    const auto t0 = Clock::now();
    while (fd_ >= 0 && MsSince(t0) < timeout_ms) {
      if (Complete(buf)) break;
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, 50) <= 0) continue;
      char chunk[16384];
      ssize_t n = recv(fd_, chunk, sizeof chunk, 0);
      if (n <= 0) break;
      buf.append(chunk, static_cast<size_t>(n));
    }
    return buf;
  }

 private:
  static bool Complete(const std::string& b) {
    auto end = b.find("\r\n\r\n");
    if (end == std::string::npos) return false;
    std::string head = b.substr(0, end);
    for (auto& c : head) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    auto cl = head.find("content-length:");
    if (cl == std::string::npos) return true;
    return b.size() >= end + 4 + std::stoul(head.substr(cl + 15));
  }
  int fd_ = -1;
};

struct RawReply {
  int status = 0;
  std::string body;
};

RawReply ParseRaw(const std::string& raw) {
  RawReply r;
  if (raw.rfind("HTTP/1.1 ", 0) == 0 && raw.size() >= 12) r.status = std::stoi(raw.substr(9, 3));
  auto end = raw.find("\r\n\r\n");
  if (end != std::string::npos) r.body = raw.substr(end + 4);
  return r;
}

// The error shape of SPEC 9.
void ExpectError(const std::string& body, const std::string& code, const std::string& what) {
  json j = json::parse(body, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << what << ": not JSON: " << body;
  ASSERT_TRUE(j.contains("error")) << what << ": " << body;
  EXPECT_EQ(j["error"]["code"], code) << what << ": " << body;
  ASSERT_TRUE(j["error"]["message"].is_string()) << what << ": " << body;
  EXPECT_FALSE(j["error"]["message"].get<std::string>().empty()) << what;
}

class MalformedTest : public ::testing::Test {
 protected:
  // botmon.yaml for this fixture ("" = none).
  virtual std::string ConfigYaml() const { return ""; }

  void SetUp() override {
    std::vector<std::string> args;
    if (!ConfigYaml().empty()) {
      const std::string path = server_.dir() + "/botmon.yaml";
      std::ofstream(path) << ConfigYaml();
      args = {"--config", path};
    }
    ASSERT_TRUE(server_.Start(args, {{"BOTMON_TIMEZONE", NoonZone()}})) << server_.log();
    ingest_ = server_.CreateToken("bot", "ingest");
    admin_ = server_.CreateToken("ops", "admin");
    monitor_ = server_.CreateToken("viewer", "monitor");
    ASSERT_FALSE(ingest_.empty() || admin_.empty() || monitor_.empty());
    next_ts_ = NowMs() - 120'000;  // today (NoonZone) and strictly increasing
    started_ = true;
  }

  // Whatever a test did, the server still runs and everything it acknowledged is there.
  void TearDown() override {
    if (!started_) return;
    ASSERT_TRUE(server_.running()) << server_.log();
    EXPECT_EQ(MessagesToday(), messages_) << "status messages.today differs from the ledger";
    for (const auto& [id, texts] : transcripts_) {
      std::vector<std::string> got;
      WaitFor(
          [&] {
            got = Transcript(id);
            return got == texts;
          },
          5000);
      EXPECT_EQ(got.size(), texts.size()) << "session " << id;
      for (size_t i = 0; i < std::min(got.size(), texts.size()); ++i) {
        if (got[i] != texts[i]) {
          ADD_FAILURE() << "transcript of " << id << " differs first at " << i << ": got \""
                        << got[i].substr(0, 80) << "\", sent \"" << texts[i].substr(0, 80) << "\"";
          break;
        }
      }
    }
  }

  // Every message text of a session, through all its pages (A.2: 1,000 per page).
  std::vector<std::string> Transcript(const std::string& id) {
    std::vector<std::string> got;
    for (int page = 1; page <= 1000; ++page) {
      json d = server_
                   .Get("/api/monitoring/sessions/" + id + "?messages_page=" + std::to_string(page),
                        admin_)
                   .Json();
      for (const auto& m : d["messages"]) got.push_back(m.value("text", ""));
      if (d.value("messages_pages", 1) <= page) break;
    }
    return got;
  }

  int64_t MessagesToday() {
    auto r = server_.Get("/api/monitoring/status", monitor_);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.Json()["messages"].value("today", int64_t{-1});
  }

  json Msg(const std::string& session, const std::string& text) {
    return {{"type", "message.in"}, {"session", session}, {"user", "u-" + session},
            {"channel", "web"},     {"text", text},       {"ts", next_ts_++}};
  }
  // Notes a message the server acknowledged.
  void Record(const std::string& session, const std::string& text) {
    std::lock_guard lock(mu_);
    transcripts_[session].push_back(text);
    ++messages_;
  }
  // Posts good messages and records them.
  void PostGood(const std::string& session, int n, const std::string& tag) {
    json body = json::array();
    std::vector<std::string> texts;
    {
      std::lock_guard lock(mu_);
      for (int i = 0; i < n; ++i) {
        texts.push_back(tag + "-" + std::to_string(i));
        body.push_back(Msg(session, texts.back()));
      }
    }
    auto r = server_.Post("/api/v1/events", ingest_, body.dump());
    ASSERT_EQ(r.status, 200) << r.body;
    ASSERT_EQ(r.Json()["accepted"], n) << r.body;
    for (const auto& t : texts) Record(session, t);
  }
  HttpResult PostRaw(const std::string& body, const std::vector<std::string>& extra) {
    std::vector<std::string> h = {"Authorization: Bearer " + ingest_};
    h.insert(h.end(), extra.begin(), extra.end());
    return Http("POST", server_.url("/api/v1/events"), body, h);
  }
  // Sends `raw` on a fresh connection and returns the reply.
  RawReply SendRaw(const std::string& raw, int timeout_ms = 3000) {
    RawConn c(server_.port());
    EXPECT_TRUE(c.ok());
    c.Send(raw);
    return ParseRaw(c.ReadReply(timeout_ms));
  }
  void ExpectAlive(const std::string& what) {
    auto r = Http("GET", server_.url("/healthz"), "", {}, 2000);
    EXPECT_EQ(r.status, 200) << "after " << what << ": " << r.error;
  }

  BotmonServer server_;
  std::string ingest_, admin_, monitor_;
  std::mutex mu_;
  int64_t next_ts_ = 0;
  int64_t messages_ = 0;
  std::map<std::string, std::vector<std::string>> transcripts_;
  bool started_ = false;
};

// A server with ingest.maxBodyBytes: 64KiB.
class SmallBodyTest : public MalformedTest {
 protected:
  std::string ConfigYaml() const override { return "ingest: {maxBodyBytes: 64KiB}\n"; }
};

TEST_F(MalformedTest, InvalidJsonArrayIsRejectedWholeWithAnOffset) {
  PostGood("j0", 2, "before");
  // `"bad" "x"`: a string where `,` or `}` must be.
  const std::string body = R"([{"type":"message.in","session":"j1","text":"fine"},)"
                           R"({"type":"message.in","session":"j1","text":"bad" "x"}])";
  const auto at = static_cast<int64_t>(body.find(R"("x")"));
  auto r = PostRaw(body, {"Content-Type: application/json"});
  ASSERT_EQ(r.status, 400) << r.body;
  ExpectError(r.body, "invalid_json", "syntax error");
  json e = r.Json()["error"];
  ASSERT_TRUE(e["offset"].is_number_integer()) << r.body;
  EXPECT_GE(e["offset"].get<int64_t>(), at - 6) << r.body;
  EXPECT_LE(e["offset"].get<int64_t>(), at + 3) << r.body;

  // Truncated: the error is at the end.
  const std::string cut = R"([{"type":"message.in","session":"j1","text":"fine"},{"type")";
  r = PostRaw(cut, {"Content-Type: application/json"});
  ASSERT_EQ(r.status, 400) << r.body;
  ExpectError(r.body, "invalid_json", "truncated");
  EXPECT_GE(r.Json()["error"]["offset"].get<int64_t>(), static_cast<int64_t>(cut.size()) - 8);
  EXPECT_LE(r.Json()["error"]["offset"].get<int64_t>(), static_cast<int64_t>(cut.size()));
  // Trailing garbage after a good array is a syntax error too: nothing accepted.
  r = PostRaw(json::array({Msg("j1", "trail")}).dump() + " x", {"Content-Type: application/json"});
  EXPECT_EQ(r.status, 400) << r.body;
  ExpectError(r.body, "invalid_json", "trailing garbage");

  // Nothing of those bodies was accepted.
  EXPECT_EQ(MessagesToday(), messages_);
  EXPECT_EQ(server_.Get("/api/monitoring/sessions/j1", admin_).status, 404);

  // A top-level string, number or null is valid JSON but not events.
  for (const std::string bad : {R"("hello")", "42", "null"}) {
    r = PostRaw(bad, {"Content-Type: application/json"});
    EXPECT_EQ(r.status, 400) << bad << ": " << r.body;
    ExpectError(r.body, "invalid_request", bad);
  }
  r = PostRaw("", {"Content-Type: application/json"});
  EXPECT_EQ(r.status, 400) << "empty body: " << r.body;
  // An empty array is a valid, empty batch.
  r = PostRaw("[]", {"Content-Type: application/json"});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json(), json::parse(R"({"accepted":0,"rejected":[]})"));
}

TEST_F(MalformedTest, MixedBatchKeepsGoodItemsAndNamesEachBadOne) {
  const std::string big(64 * 1024, 'a');  // exactly the limit: accepted
  json body = json::array();
  body.push_back(Msg("m1", "good-0"));  // 0
  json unknown = Msg("m1", "x");
  unknown["type"] = "message.sideways";  // 1
  body.push_back(unknown);
  body.push_back(Msg("m1", "good-2"));  // 2
  json slow = Msg("m1", "x");
  slow["type"] = "message.out";
  slow["latency_ms"] = 3'600'001;  // 3
  body.push_back(slow);
  json secs = Msg("m1", "x");
  secs["ts"] = NowMs() / 1000;  // 4
  body.push_back(secs);
  body.push_back(Msg("m1", big + "a"));  // 5
  json future = Msg("m1", "x");
  future["ts"] = NowMs() + 6 * 60'000;  // 6
  body.push_back(future);
  json edge = Msg("m1", "good-7");
  edge["type"] = "message.out";
  edge["latency_ms"] = 3'600'000;  // 7: the top of the range
  body.push_back(edge);
  body.push_back(Msg("m1", big));  // 8
  json negative = Msg("m1", "x");
  negative["type"] = "message.out";
  negative["latency_ms"] = -1;  // 9
  body.push_back(negative);

  auto r = server_.Post("/api/v1/events", ingest_, body.dump());
  ASSERT_EQ(r.status, 200) << r.body.substr(0, 2000);
  json j = r.Json();
  EXPECT_EQ(j["accepted"], 4);
  std::map<int, std::string> rejected;
  for (const auto& x : j["rejected"]) rejected[x["index"].get<int>()] = x["error"];
  std::vector<int> indexes;
  for (const auto& [i, e] : rejected) indexes.push_back(i);
  EXPECT_EQ(indexes, (std::vector<int>{1, 3, 4, 5, 6, 9})) << r.body.substr(0, 2000);
  auto mentions = [&](int i, std::vector<std::string> words) {
    for (const auto& w : words) {
      EXPECT_NE(rejected[i].find(w), std::string::npos)
          << "item " << i << ": \"" << rejected[i] << "\" does not mention \"" << w << "\"";
    }
  };
  mentions(1, {"type", "message.sideways"});
  mentions(3, {"latency_ms", "3600000"});
  mentions(4, {"ts", "looks like seconds"});
  mentions(5, {"text", "65536"});
  mentions(6, {"ts", "future"});
  mentions(9, {"latency_ms"});
  Record("m1", "good-0");
  Record("m1", "good-2");
  Record("m1", "good-7");
  Record("m1", big);
  EXPECT_EQ(MessagesToday(), messages_);  // live: no tick needed
}

TEST_F(MalformedTest, NdjsonBadLinesAreRejectedByLineIndex) {
  // Built in order: the ts of each good line must follow the previous one.
  std::string body = Msg("n1", "line-0").dump() + "\n";
  body += R"({"type":"message.in","session":"n1","text":)"
          "\n";  // 1: cut short
  body += Msg("n1", "line-2").dump() + "\n";
  body += "[1,2]\n";  // 3: not an object
  body += R"({"type":"nope","session":"n1"})"
          "\n";  // 4: unknown type
  body += Msg("n1", "line-5").dump() + "\n";
  auto r = server_.Post("/api/v1/events", ingest_, body, "application/x-ndjson");
  ASSERT_EQ(r.status, 200) << r.body;
  json j = r.Json();
  EXPECT_EQ(j["accepted"], 3) << r.body;
  std::vector<int> indexes;
  for (const auto& x : j["rejected"]) {
    indexes.push_back(x["index"]);
    EXPECT_FALSE(x["error"].get<std::string>().empty());
  }
  EXPECT_EQ(indexes, (std::vector<int>{1, 3, 4})) << r.body;
  for (const char* t : {"line-0", "line-2", "line-5"}) Record("n1", t);
}

TEST_F(MalformedTest, GzipBodiesAreDecodedAndCorruptOnesRejected) {
  json body = json::array();
  for (int i = 0; i < 50; ++i) body.push_back(Msg("z1", "zipped-" + std::to_string(i)));
  const std::string gz = Gzip(body.dump());
  ASSERT_FALSE(gz.empty()) << "zlib unavailable";
  auto r = PostRaw(gz, {"Content-Type: application/json", "Content-Encoding: gzip"});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json(), json::parse(R"({"accepted":50,"rejected":[]})"));
  for (int i = 0; i < 50; ++i) Record("z1", "zipped-" + std::to_string(i));

  // Corrupt: a flipped byte in the deflate data (the CRC or the stream no longer matches);
  // truncated; not gzip at all.
  json bad = json::array({Msg("z2", "never")});
  std::string flipped = Gzip(bad.dump());
  flipped[flipped.size() / 2] = static_cast<char>(flipped[flipped.size() / 2] ^ 0x5a);
  std::string truncated = Gzip(bad.dump());
  truncated.resize(truncated.size() / 2);
  for (const auto& [name, b] : std::vector<std::pair<std::string, std::string>>{
           {"flipped", flipped}, {"truncated", truncated}, {"plain", bad.dump()}}) {
    r = PostRaw(b, {"Content-Type: application/json", "Content-Encoding: gzip"});
    EXPECT_EQ(r.status, 400) << name << ": " << r.body;
    ExpectError(r.body, "invalid_request", name);
  }
  EXPECT_EQ(server_.Get("/api/monitoring/sessions/z2", admin_).status, 404);
}

TEST_F(MalformedTest, UnsupportedTypesAndEncodingsAre415) {
  const std::string body = json::array({Msg("t1", "never")}).dump();
  auto r = PostRaw(body, {"Content-Type: text/plain"});
  EXPECT_EQ(r.status, 415) << r.body;
  ExpectError(r.body, "unsupported_media_type", "text/plain");
  r = PostRaw(body, {"Content-Type: application/json", "Content-Encoding: br"});
  EXPECT_EQ(r.status, 415) << r.body;
  ExpectError(r.body, "unsupported_media_type", "br");
  EXPECT_EQ(server_.Get("/api/monitoring/sessions/t1", admin_).status, 404);
}

TEST_F(MalformedTest, MoreThanMaxEventsIsRejectedWhole) {
  // Exactly 100,000 (aggregated `request` events, no rows) is fine ...
  std::string ok = "[";
  for (int i = 0; i < 100'000; ++i)
    ok += i ? R"(,{"type":"request","latency_ms":1})" : R"({"type":"request","latency_ms":1})";
  ok += "]";
  auto r = PostRaw(ok, {"Content-Type: application/json"});
  ASSERT_EQ(r.status, 200) << r.body.substr(0, 500);
  EXPECT_EQ(r.Json()["accepted"], 100'000);
  // ... one more is a whole-body error, and not one of its messages counts.
  json body = json::array();
  for (int i = 0; i < 100'001; ++i) body.push_back({{"type", "message.in"}, {"session", "big"}});
  r = PostRaw(body.dump(), {"Content-Type: application/json"});
  EXPECT_EQ(r.status, 400) << r.body.substr(0, 500);
  ExpectError(r.body, "invalid_request", "100001 events");
  EXPECT_NE(r.body.find("100000"), std::string::npos) << r.body;
  EXPECT_EQ(MessagesToday(), messages_);
  EXPECT_EQ(server_.Get("/api/monitoring/sessions/big", admin_).status, 404);
}

TEST_F(MalformedTest, DuplicateIdsAreAcceptedAndIgnored) {
  json e = Msg("d1", "once");
  e["id"] = "evt-dup-1";
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto r = server_.Post("/api/v1/events", ingest_, json::array({e}).dump());
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.Json(), json::parse(R"({"accepted":1,"rejected":[]})")) << "attempt " << attempt;
  }
  // The same id twice in one body, and again in NDJSON.
  json e2 = Msg("d1", "twice-in-one-body");
  e2["id"] = "evt-dup-2";
  auto r = server_.Post("/api/v1/events", ingest_, json::array({e2, e2}).dump());
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json()["rejected"], json::array());
  r = server_.Post("/api/v1/events", ingest_, e2.dump() + "\n", "application/x-ndjson");
  ASSERT_EQ(r.status, 200) << r.body;
  Record("d1", "once");
  Record("d1", "twice-in-one-body");
  EXPECT_EQ(MessagesToday(), 2);
  // A crash right after the reply, then the client's retry: still counted once.
  server_.Kill();
  ASSERT_TRUE(server_.Start({}, {{"BOTMON_TIMEZONE", NoonZone()}})) << server_.log();
  r = server_.Post("/api/v1/events", ingest_, json::array({e, e2}).dump());
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json(), json::parse(R"({"accepted":2,"rejected":[]})"));
}

TEST_F(MalformedTest, OddButWellFormedJsonIsJudgedPerItem) {
  // 100,000 nested arrays: one item that is not an object, and no crash.
  auto r = PostRaw(std::string(100'000, '[') + std::string(100'000, ']'),
                   {"Content-Type: application/json"});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json()["accepted"], 0);
  EXPECT_EQ(r.Json()["rejected"].size(), 1u);
  // Deep nesting inside an unknown member is ignored with the member.
  json deep = Msg("o1", "deep");
  r = PostRaw("[" + deep.dump().substr(0, deep.dump().size() - 1) +
                  ",\"x\":" + std::string(5000, '[') + std::string(5000, ']') + "}]",
              {"Content-Type: application/json"});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json(), json::parse(R"({"accepted":1,"rejected":[]})"));
  Record("o1", "deep");
  // Items that are not objects, numbers out of range, an over-long id: each named by index.
  json id300 = Msg("o1", "long id");
  id300["id"] = std::string(300, 'i');
  const std::string body =
      R"([1,"x",null,[],true,{"type":"request","latency_ms":1e999},)" + id300.dump() + "]";
  r = PostRaw(body, {"Content-Type: application/json"});
  ASSERT_EQ(r.status, 200) << r.body;
  json j = r.Json();
  EXPECT_EQ(j["accepted"], 0);
  ASSERT_EQ(j["rejected"].size(), 7u) << r.body;
  for (int i = 0; i < 7; ++i) EXPECT_EQ(j["rejected"][i]["index"], i) << r.body;
  EXPECT_NE(j["rejected"][5]["error"].get<std::string>().find("latency_ms"), std::string::npos);
  EXPECT_NE(j["rejected"][6]["error"].get<std::string>().find("id"), std::string::npos);
  // One event object alone is a batch of one.
  r = PostRaw(Msg("o1", "alone").dump(), {"Content-Type: application/json"});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json()["accepted"], 1);
  Record("o1", "alone");
  // Invalid UTF-8 and NaN are not JSON: the whole body goes, with the offset of the fault.
  const std::string utf8 =
      "[" + Msg("o1", "ok").dump() + R"(,{"type":"message.in","text":")" + "\xff\xfe" + R"("}])";
  r = PostRaw(utf8, {"Content-Type: application/json"});
  ASSERT_EQ(r.status, 400) << r.body;
  ExpectError(r.body, "invalid_json", "invalid UTF-8");
  EXPECT_EQ(r.Json()["error"]["offset"], utf8.find('\xff')) << r.body;
  r = PostRaw(R"([{"type":"gauge","name":"x.y","value":NaN}])", {"Content-Type: application/json"});
  EXPECT_EQ(r.status, 400) << r.body;
  ExpectError(r.body, "invalid_json", "NaN");
}

TEST_F(SmallBodyTest, OversizedAndGzipBombBodiesAre413) {
  PostGood("b0", 3, "small");
  // 70 KB of valid events, plain.
  json body = json::array();
  while (body.dump().size() < 70'000) body.push_back(Msg("b1", std::string(900, 'x')));
  auto r = PostRaw(body.dump(), {"Content-Type: application/json"});
  EXPECT_EQ(r.status, 413) << r.body.substr(0, 300);
  ExpectError(r.body, "payload_too_large", "plain");

  // A gzip bomb: 1 MiB of JSON whitespace around one event compresses to about a kilobyte.
  const std::string bomb_json = "[" + std::string(1 << 20, ' ') + Msg("b1", "bomb").dump() + "]";
  const std::string bomb = Gzip(bomb_json);
  ASSERT_FALSE(bomb.empty());
  ASSERT_LT(bomb.size(), 8'000u);
  r = PostRaw(bomb, {"Content-Type: application/json", "Content-Encoding: gzip"});
  EXPECT_EQ(r.status, 413) << r.body.substr(0, 300);
  ExpectError(r.body, "payload_too_large", "gzip bomb");

  // A Content-Length over the limit is answered from the header alone: the body never comes.
  RawConn c(server_.port());
  ASSERT_TRUE(c.ok());
  const auto t0 = Clock::now();
  c.Send("POST /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + ingest_ +
         "\r\nContent-Type: application/json\r\nContent-Length: 10000000\r\n\r\n");
  RawReply raw = ParseRaw(c.ReadReply(2000));
  EXPECT_EQ(raw.status, 413) << "no reply within 2 s without the body";
  EXPECT_LT(MsSince(t0), 2000);
  ExpectError(raw.body, "payload_too_large", "Content-Length");

  // A chunked body has no Content-Length: it is cut off when it passes the limit.
  RawConn chunked(server_.port());
  std::string req = "POST /api/v1/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + ingest_ +
                    "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
  req += "1\r\n[\r\n";
  for (int i = 0; i < 10; ++i) req += "2000\r\n" + std::string(0x2000, ' ') + "\r\n";
  chunked.Send(req + "1\r\n]\r\n0\r\n\r\n");
  raw = ParseRaw(chunked.ReadReply(3000));
  EXPECT_EQ(raw.status, 413) << raw.body;
  ExpectError(raw.body, "payload_too_large", "chunked");

  EXPECT_EQ(server_.Get("/api/monitoring/sessions/b1", admin_).status, 404);
  PostGood("b0", 2, "after");
}

TEST_F(MalformedTest, BadHttpIsAnswered400AndTheServerLives) {
  PostGood("h0", 2, "before");
  using namespace std::string_literals;
  const std::string auth = "Authorization: Bearer " + ingest_ + "\r\n";
  struct Case {
    std::string name, raw;
    int status;
  };
  const std::vector<Case> cases = {
      {"garbage bytes", "\x16\x03\x01\x02\x00\x01\xfc garbage\r\n\r\n"s, 400},
      {"20 KiB header line",
       "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(20 * 1024, 'a') + "\r\n\r\n",
       431},
      {"invalid Content-Length",
       "POST /api/v1/events HTTP/1.1\r\nHost: x\r\n" + auth + "Content-Length: 12abc\r\n\r\n[]",
       400},
      {"negative Content-Length",
       "POST /api/v1/events HTTP/1.1\r\nHost: x\r\n" + auth + "Content-Length: -5\r\n\r\n[]", 400},
      {"bad chunked encoding",
       "POST /api/v1/events HTTP/1.1\r\nHost: x\r\n" + auth +
           "Content-Type: application/json\r\nTransfer-Encoding: "
           "chunked\r\n\r\nzz\r\n[]\r\n0\r\n\r\n",
       400},
      {"invalid %-escape in the path", "GET /api/monitoring/st%zztus HTTP/1.1\r\nHost: x\r\n\r\n",
       400},
      {"encoded NUL in the path", "GET /healthz%00 HTTP/1.1\r\nHost: x\r\n\r\n", 400},
      {"Content-Length with Transfer-Encoding",
       "POST /api/v1/events HTTP/1.1\r\nHost: x\r\n" + auth +
           "Content-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n[]\r\n0\r\n\r\n",
       400},
      {"two Content-Lengths",
       "POST /api/v1/events HTTP/1.1\r\nHost: x\r\n" + auth +
           "Content-Length: 2\r\nContent-Length: 3\r\n\r\n[] ",
       400},
      {"HTTP/1.1 without Host", "GET /healthz HTTP/1.1\r\n\r\n", 400},
      {"absolute-form target", "GET http://127.0.0.1/healthz HTTP/1.1\r\nHost: x\r\n\r\n", 400},
      {"NUL in a header value", "GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: a\0b\r\n\r\n"s, 400},
  };
  for (const auto& c : cases) {
    RawReply r = SendRaw(c.raw);
    EXPECT_EQ(r.status, c.status) << c.name << ": " << r.body;
    const std::string code = "invalid_request";
    ExpectError(r.body, code, c.name);
    ExpectAlive(c.name);
  }
  PostGood("h0", 2, "after");
}

TEST_F(MalformedTest, SlowLorisDoesNotBlockOthers) {
  // Twenty connections stall in their headers, one in its body.
  std::vector<std::unique_ptr<RawConn>> stalled;
  for (int i = 0; i < 20; ++i) {
    stalled.push_back(std::make_unique<RawConn>(server_.port()));
    ASSERT_TRUE(stalled.back()->ok());
    stalled.back()->Send("GET /api/monitoring/status HTTP/1.1\r\nHost: x\r\nAuthoriz");
  }
  stalled.push_back(std::make_unique<RawConn>(server_.port()));
  stalled.back()->Send("POST /api/v1/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                       ingest_ +
                       "\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n[");
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  for (int i = 0; i < 5; ++i) {
    const auto t0 = Clock::now();
    auto r = Http("GET", server_.url("/api/monitoring/status"), "",
                  {"Authorization: Bearer " + monitor_}, 1000);
    EXPECT_EQ(r.status, 200) << r.error;
    EXPECT_LT(MsSince(t0), 500);
  }
  const auto t0 = Clock::now();
  PostGood("l1", 3, "while-stalled");
  EXPECT_LT(MsSince(t0), 1000);
  stalled.clear();
}

TEST_F(MalformedTest, QueryParameterErrorsNameTheParameter) {
  struct Case {
    std::string method, path;
    int status;
    std::string code, mention;
  };
  const std::vector<Case> cases = {
      {"GET", "/api/monitoring/sessions?per_page=0", 400, "invalid_request", "per_page"},
      {"GET", "/api/monitoring/sessions?per_page=-3", 400, "invalid_request", "per_page"},
      {"GET", "/api/monitoring/sessions?page=abc", 400, "invalid_request", "page"},
      {"GET", "/api/monitoring/sessions?page=0", 400, "invalid_request", "page"},
      {"GET", "/api/monitoring/sessions?active=maybe", 400, "invalid_request", "active"},
      {"GET", "/api/monitoring/sessions?from=yesterday", 400, "invalid_request", "from"},
      {"GET", "/api/monitoring/history?period=1m", 400, "invalid_request", "period"},
      {"GET", "/api/monitoring/history?period=banana", 400, "invalid_request", "period"},
      {"GET", "/api/monitoring/history?fields=nope", 400, "invalid_request", "nope"},
      {"GET", "/api/monitoring/history?step=1ms", 400, "invalid_request", "step"},
      {"GET", "/api/monitoring/history?period=24h&step=1s", 400, "invalid_request", "step"},
      {"GET", "/api/monitoring/logs?level=bogus", 400, "invalid_request", "level"},
      {"GET", "/api/monitoring/logs?from=yesterday", 400, "invalid_request", "from"},
      {"GET", "/api/monitoring/sessions/doesnotexist", 404, "not_found", ""},
      {"GET", "/api/monitoring/nothing-here", 404, "not_found", ""},
      {"GET", "/no/such/path", 404, "not_found", ""},
      {"DELETE", "/api/monitoring/status", 405, "", ""},
      {"POST", "/api/monitoring/sessions", 405, "", ""},
  };
  for (const auto& c : cases) {
    auto r = Http(c.method, server_.url(c.path), "", {"Authorization: Bearer " + monitor_});
    EXPECT_EQ(r.status, c.status) << c.method << " " << c.path << ": " << r.body;
    if (c.status == 405) {
      EXPECT_NE(r.headers["allow"].find("GET"), std::string::npos) << c.path;
      continue;
    }
    ExpectError(r.body, c.code, c.path);
    if (!c.mention.empty()) {
      EXPECT_NE(r.Json()["error"]["message"].get<std::string>().find(c.mention), std::string::npos)
          << c.path << ": " << r.body;
    }
  }
}

// Odd but valid history windows still end now and never start in the future: the reply covers
// the last `period` (a step longer than the period gives one bucket that holds now).
TEST_F(MalformedTest, OddHistoryWindowsStillCoverNow) {
  // The cpu.usage series exists from the first tick on.
  ASSERT_TRUE(WaitFor(
      [&] {
        return server_.Get("/api/monitoring/status", monitor_)
            .Json()["resources"]["cpu_percent"]
            .is_number();
      },
      5000));
  // A step longer than the period is refused rather than answered with a window that misses now.
  auto longer =
      server_.Get("/api/monitoring/history?fields=cpu.usage&period=15m&step=1h", monitor_);
  EXPECT_EQ(longer.status, 400);
  EXPECT_NE(longer.body.find("step: 1h is longer than the period (15m)"), std::string::npos);
  for (const std::string q :
       {"period=15m&step=15m", "period=15m&step=10m", "period=2h&step=1h", "period=1h30m"}) {
    const int64_t now = NowMs();
    auto r = server_.Get("/api/monitoring/history?fields=cpu.usage&" + q, monitor_);
    ASSERT_EQ(r.status, 200) << q << ": " << r.body;
    json h = r.Json();
    const int64_t t0 = h["t0"];
    const int64_t step = h["step_ms"];
    ASSERT_EQ(h["series"].size(), 1u) << q << ": " << r.body.substr(0, 300);
    const auto n = static_cast<int64_t>(h["series"][0]["values"].size());
    EXPECT_LE(t0, now) << q << ": the window starts in the future: " << r.body.substr(0, 200);
    EXPECT_GT(t0 + n * step, now - step) << q << ": the window ends before now";
  }
}

// All of the above at once, while a writer keeps posting good batches: every acknowledged
// message is there afterwards (checked by TearDown).
TEST_F(MalformedTest, AbuseDuringGoodTrafficLosesNothing) {
  std::atomic<bool> stop{false};
  std::atomic<int> batches{0};
  std::thread writer([&] {
    while (!stop) {
      const int b = batches++;
      PostGood("g" + std::to_string(b % 4), 5, "b" + std::to_string(b));
      if (::testing::Test::HasFatalFailure()) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  });
  const std::string auth = "Authorization: Bearer " + ingest_ + "\r\n";
  const std::string gz_bad = Gzip("[1,2,3]").substr(0, 12);
  std::vector<std::unique_ptr<RawConn>> stalled;
  const auto t0 = Clock::now();
  // At least 3 s, and until 200 bodies stall (bounded: a slow machine gets up to 20 s).
  while ((MsSince(t0) < 3000 || stalled.size() < 200) && MsSince(t0) < 20'000) {
    SendRaw(std::string("\xff\xfe garbage\r\n\r\n"));
    SendRaw("GET / HTTP/1.1\r\nHost: x\r\nX: " + std::string(20 * 1024, 'b') + "\r\n\r\n");
    SendRaw("POST /api/v1/events HTTP/1.1\r\nHost: x\r\n" + auth +
            "Transfer-Encoding: chunked\r\n\r\nq\r\n");
    EXPECT_EQ(PostRaw(R"([{"type":"message.in","session":"g0","text":"lost" )",
                      {"Content-Type: application/json"})
                  .status,
              400);
    EXPECT_EQ(PostRaw(gz_bad, {"Content-Type: application/json", "Content-Encoding: gzip"}).status,
              400);
    PostRaw("[]", {"Content-Type: text/plain"});
    // Stalled bodies pile up to 200 (well below the server's connection cap of 4096, past which
    // it answers everyone 503 by design).
    if (stalled.size() < 200) {
      stalled.push_back(std::make_unique<RawConn>(server_.port()));
      stalled.back()->Send("POST /api/v1/events HTTP/1.1\r\nHost: x\r\n" + auth +
                           "Content-Length: 100\r\n\r\n[{\"type\":");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  stop = true;
  writer.join();
  const size_t n_stalled = stalled.size();
  stalled.clear();
  EXPECT_GT(batches.load(), 5) << "the good writer was starved";
  EXPECT_EQ(n_stalled, 200u);
}

}  // namespace
}  // namespace botmon::testing
