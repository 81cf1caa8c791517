// Acceptance (issue "botmon core"): /metrics of the real binary with the demo running carries the
// names of SPEC Appendix A.6, every family with HELP and TYPE, counters cumulative, and
// `promtool check metrics` (Debian's Prometheus 2.42) exits 0 on it.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "integration/harness.h"

namespace botmon::testing {
namespace {

constexpr const char* kPromtool = "/usr/bin/promtool";

// One parsed exposition.
struct Exposition {
  std::map<std::string, std::string> help, type;  // family -> text
  // "name{labels}" -> value, and the label names seen per sample name.
  std::map<std::string, double> samples;
  std::map<std::string, std::set<std::string>> label_names;
  std::vector<std::string> errors;  // lines this parser could not read
};

Exposition Parse(const std::string& text) {
  Exposition e;
  std::istringstream in(text);
  std::string line;
  // name{a="x",b="y"} value  (label values here never hold '}' or '"' escapes we care about)
  static const std::regex kSample(R"(^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)$)");
  static const std::regex kLabel(R"(([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\]|\\.)*)\")");
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    if (line.rfind("# HELP ", 0) == 0 || line.rfind("# TYPE ", 0) == 0) {
      std::string rest = line.substr(7);
      auto sp = rest.find(' ');
      std::string name = rest.substr(0, sp);
      std::string value = sp == std::string::npos ? "" : rest.substr(sp + 1);
      (line[2] == 'H' ? e.help : e.type)[name] = value;
      continue;
    }
    if (line[0] == '#') continue;
    std::smatch m;
    if (!std::regex_match(line, m, kSample)) {
      e.errors.push_back(line);
      continue;
    }
    const std::string labels = m[2];
    double v = 0;
    const std::string vs = m[3];
    if (vs == "NaN") {
      v = std::nan("");
    } else if (vs == "+Inf" || vs == "-Inf") {
      v = vs[0] == '+' ? HUGE_VAL : -HUGE_VAL;
    } else {
      v = std::stod(vs);
    }
    if (!e.samples.emplace(m[1].str() + labels, v).second) e.errors.push_back("duplicate: " + line);
    for (std::sregex_iterator it(labels.begin(), labels.end(), kLabel), end; it != end; ++it) {
      e.label_names[m[1]].insert((*it)[1]);
    }
    e.label_names[m[1]];  // a sample without labels still registers its name
  }
  return e;
}

// The family a sample name belongs to (summaries' _sum/_count).
std::string FamilyOf(const Exposition& e, const std::string& sample) {
  if (e.type.count(sample)) return sample;
  for (const char* suffix : {"_sum", "_count", "_bucket"}) {
    const std::string s = suffix;
    if (sample.size() > s.size() && sample.compare(sample.size() - s.size(), s.size(), s) == 0) {
      std::string base = sample.substr(0, sample.size() - s.size());
      if (e.type.count(base)) return base;
    }
  }
  return "";
}

struct Promtool {
  int exit_code = -1;
  std::string output;
};

// `promtool check metrics` with the body on stdin.
Promtool CheckMetrics(const std::string& body, const std::string& dir) {
  const std::string in = dir + "/metrics.txt";
  std::ofstream(in) << body;
  Promtool r;
  FILE* p = popen((std::string(kPromtool) + " check metrics < " + in + " 2>&1").c_str(), "r");
  if (p == nullptr) return r;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.output.append(buf, n);
  int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

class MetricsTest : public ::testing::Test {
 protected:
  std::string Scrape(const std::string& token) {
    auto r = server_.Get("/metrics", token);
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.headers["content-type"].rfind("text/plain", 0), 0u) << r.headers["content-type"];
    return r.body;
  }
  BotmonServer server_;
};

TEST_F(MetricsTest, DemoTrafficExposesEveryFamilyLintClean) {
  ASSERT_TRUE(server_.Start({"--demo", "--demo-seed", "7", "--tick", "1s"})) << server_.log();
  const std::string monitor = server_.CreateToken("scraper", "monitor");
  const std::string ingest = server_.CreateToken("bot", "ingest");
  ASSERT_FALSE(monitor.empty() || ingest.empty());

  // Authentication first: none, a wrong token, the ingest role.
  auto r = Http("GET", server_.url("/metrics"));
  EXPECT_EQ(r.status, 401) << r.body;
  EXPECT_EQ(r.headers["www-authenticate"].rfind("Bearer", 0), 0u);
  EXPECT_EQ(server_.Get("/metrics", "bm_nottherighttoken").status, 401);
  EXPECT_EQ(server_.Get("/metrics", ingest).status, 403);

  // The demo posts through the real ingest API; wait until its traffic shows (~5 s).
  auto sum_of = [](const Exposition& e, const std::string& name) {
    double s = 0;
    for (const auto& [k, v] : e.samples) {
      if (k == name || k.rfind(name + "{", 0) == 0) s += v;
    }
    return s;
  };
  std::this_thread::sleep_for(std::chrono::seconds(5));
  ASSERT_TRUE(
      WaitFor([&] { return sum_of(Parse(Scrape(monitor)), "botmon_events_in_total") > 0; }, 20'000))
      << "no demo traffic in /metrics:\n"
      << server_.log();
  const std::string body = Scrape(monitor);
  const Exposition e = Parse(body);
  EXPECT_TRUE(e.errors.empty()) << "unreadable lines, first: " << e.errors[0];

  // A.6 names, their types and the labels they must carry.
  struct Want {
    std::string name, type;
    std::vector<std::string> labels;
  };
  const std::vector<Want> wants = {
      {"botmon_cpu_usage_percent", "gauge", {"host"}},
      {"botmon_mem_usage_percent", "gauge", {"host"}},
      {"botmon_mem_free_bytes", "gauge", {"host"}},
      {"botmon_disk_usage_percent", "gauge", {"host", "mount"}},
      {"botmon_requests_total", "counter", {"host"}},
      {"botmon_request_latency_seconds", "summary", {"host", "quantile"}},
      {"botmon_events_in_total", "counter", {"host"}},
      {"botmon_events_out_total", "counter", {"host"}},
      {"botmon_response_latency_seconds", "summary", {"host", "quantile"}},
      {"botmon_log_lines_total", "counter", {"host", "level"}},
      {"botmon_sessions_active", "gauge", {"host"}},
      {"botmon_sessions_started_total", "counter", {"host"}},
      {"botmon_llm_calls_total", "counter", {"host"}},
      {"botmon_llm_tokens_total", "counter", {"host", "direction"}},
      {"botmon_llm_cost_usd_total", "counter", {"host"}},
      {"botmon_feedback_total", "counter", {"host", "score"}},
      {"botmon_queue_depth", "gauge", {}},
      {"botmon_node_up", "gauge", {"host"}},
      {"botmon_ingest_events_total", "counter", {"result"}},
      {"botmon_sse_clients", "gauge", {}},
  };
  for (const auto& w : wants) {
    EXPECT_TRUE(e.help.count(w.name)) << w.name << " has no HELP";
    EXPECT_EQ(e.type.count(w.name) ? e.type.at(w.name) : "(none)", w.type) << w.name;
    if (w.name == "botmon_queue_depth") continue;  // a gauge only while a bot reports it
    ASSERT_TRUE(e.label_names.count(w.name)) << w.name << " has no samples";
    for (const auto& l : w.labels) {
      EXPECT_TRUE(e.label_names.at(w.name).count(l)) << w.name << " lacks the label " << l;
    }
  }
  for (const char* part :
       {"botmon_request_latency_seconds_sum", "botmon_request_latency_seconds_count",
        "botmon_response_latency_seconds_sum", "botmon_response_latency_seconds_count"}) {
    EXPECT_TRUE(e.label_names.count(part)) << part;
  }
  EXPECT_GT(sum_of(e, "botmon_events_out_total"), 0);
  EXPECT_GT(sum_of(e, "botmon_sessions_started_total"), 0);
  EXPECT_GT(sum_of(e, "botmon_ingest_events_total"), 0);
  EXPECT_GT(sum_of(e, "botmon_response_latency_seconds_count"), 0);

  // Every sample belongs to a family with HELP and TYPE, and every name is botmon_ snake_case.
  static const std::regex kName("^botmon_[a-z0-9_]+$");
  for (const auto& [name, labels] : e.label_names) {
    const std::string family = FamilyOf(e, name);
    EXPECT_FALSE(family.empty()) << name << " has no TYPE";
    EXPECT_TRUE(e.help.count(family)) << name << " has no HELP";
    EXPECT_TRUE(std::regex_match(name, kName)) << name;
  }
  for (const auto& [name, type] : e.type) {
    if (type == "counter") {
      EXPECT_EQ(name.substr(name.size() - 6), "_total") << name;
    }
  }

  // promtool's lint: exit 0, its output shown otherwise.
  Promtool lint = CheckMetrics(body, server_.dir());
  EXPECT_EQ(lint.exit_code, 0) << "promtool check metrics:\n" << lint.output;

  // Counters and summary sums/counts are cumulative: nothing goes down between two scrapes.
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  const Exposition later = Parse(Scrape(monitor));
  EXPECT_GE(sum_of(later, "botmon_events_in_total"), sum_of(e, "botmon_events_in_total"));
  for (const auto& [key, v] : e.samples) {
    const std::string name = key.substr(0, key.find('{'));
    const std::string family = FamilyOf(e, name);
    const bool cumulative =
        (e.type.count(family) && e.type.at(family) == "counter") ||
        (name != family && (name.ends_with("_sum") || name.ends_with("_count")));
    if (!cumulative) continue;
    auto it = later.samples.find(key);
    ASSERT_NE(it, later.samples.end()) << key << " vanished";
    EXPECT_GE(it->second, v) << key << " went down";
  }
  EXPECT_TRUE(server_.running());
}

// The exposition's numbers are what was ingested, per host/bot/channel, in base units.
TEST_F(MetricsTest, ExpositionMatchesWhatWasSent) {
  ASSERT_TRUE(server_.Start({"--host-name", "it-host"})) << server_.log();
  const std::string monitor = server_.CreateToken("scraper", "monitor");
  const std::string ingest = server_.CreateToken("bot", "ingest");
  const Exposition before = Parse(Scrape(monitor));
  nlohmann::json events = nlohmann::json::array();
  auto ev = [&](nlohmann::json e) {
    e["session"] = "s1";
    events.push_back(std::move(e));
  };
  ev({{"type", "session.start"}, {"bot", "shop"}, {"channel", "Web"}, {"user", "u"}});
  for (int i = 0; i < 3; ++i) ev({{"type", "message.in"}, {"text", "q"}});
  ev({{"type", "message.out"}, {"text", "a"}, {"latency_ms", 200}});
  ev({{"type", "message.out"}, {"text", "b"}, {"latency_ms", 400}});
  ev({{"type", "log"}, {"level", "error"}, {"message", "boom"}});
  ev({{"type", "log"}, {"level", "warn"}, {"message", "hmm"}});
  ev({{"type", "llm"},
      {"model", "m"},
      {"tokens_in", 100},
      {"tokens_out", 40},
      {"latency_ms", 900},
      {"cost_usd", 0.25}});
  ev({{"type", "feedback"}, {"score", 1}});
  ev({{"type", "fallback"}});
  ev({{"type", "message.in"}, {"text", "dup"}, {"id", "same-id"}});
  ev({{"type", "message.in"}, {"text", "dup"}, {"id", "same-id"}});  // accepted, ignored
  ev({{"type", "nope"}});                                            // rejected
  for (int lat : {10, 30}) {
    events.push_back({{"type", "request"}, {"latency_ms", lat}, {"status", 200}});
  }
  auto r = server_.Post("/api/v1/events", ingest, events.dump());
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(r.Json()["accepted"], 15) << r.body;

  const std::string c = R"({host="it-host",bot="shop",channel="web")";
  const std::string host = R"({host="it-host")";
  auto label = [](const std::string& l, const std::string& extra) { return l + "," + extra + "}"; };
  std::map<std::string, double> want = {
      {"botmon_events_in_total" + c + "}", 4},
      {"botmon_events_out_total" + c + "}", 2},
      {"botmon_response_latency_seconds_sum" + c + "}", 0.6},
      {"botmon_response_latency_seconds_count" + c + "}", 2},
      {"botmon_log_lines_total" + label(c, R"(level="error")"), 1},
      {"botmon_log_lines_total" + label(c, R"(level="warning")"), 1},
      {"botmon_llm_calls_total" + c + "}", 1},
      {"botmon_llm_tokens_total" + label(c, R"(direction="in")"), 100},
      {"botmon_llm_tokens_total" + label(c, R"(direction="out")"), 40},
      {"botmon_llm_cost_usd_total" + c + "}", 0.25},
      {"botmon_feedback_total" + label(c, R"(score="positive")"), 1},
      {"botmon_fallbacks_total" + c + "}", 1},
      {"botmon_sessions_started_total" + c + "}", 1},
      {"botmon_requests_total" + host + "}", 2},
      {"botmon_request_latency_seconds_sum" + host + "}", 0.04},
      {"botmon_request_latency_seconds_count" + host + "}", 2},
  };
  Exposition e;
  WaitFor(
      [&] {
        e = Parse(Scrape(monitor));
        return e.samples.count("botmon_events_in_total" + c + "}") > 0;
      },
      5000);
  for (const auto& [key, v] : want) {
    ASSERT_TRUE(e.samples.count(key)) << key << " missing";
    EXPECT_NEAR(e.samples.at(key), v, 1e-9) << key;
  }
  EXPECT_EQ(e.samples[R"(botmon_sessions_active)" + c + "}"], 1);
  auto self = [](const Exposition& x, const std::string& result) {
    auto it = x.samples.find("botmon_ingest_events_total{result=\"" + result + "\"}");
    return it == x.samples.end() ? -1.0 : it->second;
  };
  // The reply's 15 accepted are 14 kept and one duplicate (accepted and ignored).
  EXPECT_EQ(self(e, "accepted") - self(before, "accepted"), 14);
  EXPECT_EQ(self(e, "rejected") - self(before, "rejected"), 1);
  EXPECT_EQ(self(e, "duplicate") - self(before, "duplicate"), 1);
  EXPECT_TRUE(e.errors.empty()) << e.errors[0];
  Promtool lint = CheckMetrics(Scrape(monitor), server_.dir());
  EXPECT_EQ(lint.exit_code, 0) << "promtool check metrics:\n" << lint.output;

  // botmon_sse_clients counts an open stream.
  std::thread stream([&] {
    Http("GET", server_.url("/api/monitoring/live"), "", {"Authorization: Bearer " + monitor},
         1500);
  });
  EXPECT_TRUE(
      WaitFor([&] { return Parse(Scrape(monitor)).samples["botmon_sse_clients"] == 1; }, 1200));
  stream.join();
}

TEST_F(MetricsTest, PublicMetricsNeedNoToken) {
  const std::string path = server_.dir() + "/botmon.yaml";
  std::ofstream(path) << "metrics: {public: true}\n";
  ASSERT_TRUE(server_.Start({"--config", path})) << server_.log();
  auto r = Http("GET", server_.url("/metrics"));
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_NE(r.body.find("# TYPE botmon_cpu_usage_percent gauge"), std::string::npos);
  Promtool lint = CheckMetrics(r.body, server_.dir());
  EXPECT_EQ(lint.exit_code, 0) << "promtool check metrics:\n" << lint.output;
  // Only /metrics opens up.
  EXPECT_EQ(Http("GET", server_.url("/api/monitoring/status")).status, 401);
  EXPECT_EQ(Http("GET", server_.url("/api/monitoring/sessions")).status, 401);
}

}  // namespace
}  // namespace botmon::testing
