#include "series/tick_samples.h"

#include <gtest/gtest.h>

#include <map>

namespace botmon {
namespace {

using Values = std::map<std::string, double>;

// "field{host,bot,channel}" -> value, for compact assertions.
Values ToMap(const std::vector<TickValue>& v) {
  Values m;
  for (const auto& tv : v) {
    std::string k = tv.key.field + "{" + tv.key.host + "," + tv.key.bot + "," + tv.key.channel;
    if (!tv.key.mount.empty()) k += ",m=" + tv.key.mount;
    if (!tv.key.gpu.empty()) k += ",g=" + tv.key.gpu;
    m[k + "}"] = tv.value;
  }
  return m;
}

constexpr int64_t kT = 1'705'329'120'000;

TEST(TickSamples, QuietLocalHostEmitsZeroCountersAndNoDerived) {
  ClosedTick tick;
  tick.t_ms = kT;
  FieldCatalog cat;
  HostReadings host;
  host.cpu_usage = 12.5;
  host.mem_usage = 61;
  host.mem_free_kb = 1024;
  host.disks = {{"/", 28.4}};
  auto m = ToMap(BuildTickSamples(tick, &host, cat, {"bot-1", 86'400'000}));
  EXPECT_EQ(m["requests.count{bot-1,,}"], 0);
  EXPECT_EQ(m["eventsIn.count{bot-1,,}"], 0);
  EXPECT_EQ(m["sessions.active{bot-1,,}"], 0);
  EXPECT_EQ(m.count("requests.latency_avg{bot-1,,}"), 0u);  // denominator 0: absent
  EXPECT_EQ(m.count("errors.rate{bot-1,,}"), 0u);
  EXPECT_EQ(m.count("queue.depth{bot-1,,}"), 0u);  // no report: absent
  EXPECT_EQ(m["cpu.usage{bot-1,,}"], 12.5);
  EXPECT_EQ(m["disk.usage{bot-1,,,m=/}"], 28.4);
  EXPECT_EQ(m["node.up{bot-1,,}"], 1);
  EXPECT_EQ(m.count("gpu.usage{bot-1,,}"), 0u);
}

TEST(TickSamples, TrafficAtThreeLevelsWithDerivedFields) {
  ClosedTick tick;
  tick.t_ms = kT;
  Combo web{"bot-1", "mycompany", "web"}, wa{"bot-1", "mycompany", "whatsapp"};
  auto& a = tick.combos[web];
  a.requests = 3;
  a.req_latency_sum = 60;
  a.req_latency_n = 3;
  for (double v : {10, 20, 30}) a.req_latency.Add(v);
  a.events_in = 2;
  a.errors = 1;
  auto& b = tick.combos[wa];
  b.events_out = 1;
  b.resp_latency_sum = 1000;
  b.resp_latency_n = 1;
  b.resp_latency.Add(1000);
  b.queue_sum = 30;  // two reports averaging 15
  b.queue_n = 2;
  tick.last_event[web] = kT - 1000;
  tick.last_event[wa] = kT - 1000;
  tick.active[web] = 2;
  FieldCatalog cat;
  auto m = ToMap(BuildTickSamples(tick, nullptr, cat, {"bot-1", 86'400'000}));
  EXPECT_EQ(m["requests.count{bot-1,mycompany,web}"], 3);
  EXPECT_EQ(m["requests.count{bot-1,mycompany,}"], 3);
  EXPECT_EQ(m["requests.count{bot-1,,}"], 3);
  EXPECT_EQ(m["requests.count{bot-1,mycompany,whatsapp}"], 0);  // quiet but recent: 0
  EXPECT_DOUBLE_EQ(m["requests.latency_avg{bot-1,,}"], 20);
  EXPECT_NEAR(m["requests.latency_p50{bot-1,,}"], 20, 0.2);
  // errors.rate = errors / (eventsIn + requests) * 100 = 1 / 5 * 100
  EXPECT_DOUBLE_EQ(m["errors.rate{bot-1,,}"], 20);
  EXPECT_DOUBLE_EQ(m["response.latency_avg{bot-1,mycompany,}"], 1000);
  EXPECT_EQ(m.count("response.latency_avg{bot-1,mycompany,web}"), 0u);
  EXPECT_EQ(m["queue.depth{bot-1,mycompany,whatsapp}"], 15);
  EXPECT_EQ(m["queue.depth{bot-1,,}"], 15);
  EXPECT_EQ(m["sessions.active{bot-1,mycompany,web}"], 2);
  EXPECT_EQ(m["sessions.active{bot-1,,}"], 2);
}

TEST(TickSamples, BotSeriesStopAfterQuietDay) {
  ClosedTick tick;
  tick.t_ms = kT;
  Combo c{"bot-1", "b", "web"};
  tick.last_event[c] = kT - 86'400'001;
  FieldCatalog cat;
  auto m = ToMap(BuildTickSamples(tick, nullptr, cat, {"bot-1", 86'400'000}));
  EXPECT_EQ(m.count("requests.count{bot-1,b,web}"), 0u);
  EXPECT_EQ(m.count("requests.count{bot-1,b,}"), 0u);
  EXPECT_EQ(m.count("requests.count{bot-1,,}"), 1u);  // the local host always
  tick.last_event[c] = kT - 86'400'000;
  m = ToMap(BuildTickSamples(tick, nullptr, cat, {"bot-1", 86'400'000}));
  EXPECT_EQ(m.count("requests.count{bot-1,b,web}"), 1u);
}

TEST(TickSamples, EventOnlyHostFollowsTheQuietRule) {
  ClosedTick tick;
  tick.t_ms = kT;
  Combo other{"edge-7", "", ""};
  tick.combos[other].requests = 4;
  tick.last_event[other] = kT;
  FieldCatalog cat;
  auto m = ToMap(BuildTickSamples(tick, nullptr, cat, {"bot-1", 86'400'000}));
  EXPECT_EQ(m["requests.count{edge-7,,}"], 4);
  EXPECT_EQ(m.count("node.up{edge-7,,}"), 0u);
}

TEST(TickSamples, CustomGaugesAndCounters) {
  FieldCatalog cat;
  ASSERT_TRUE(cat.UseCustom("orders.open", FieldKind::kGauge).ok());
  ASSERT_TRUE(cat.UseCustom("orders.paid", FieldKind::kCounter).ok());
  ClosedTick tick;
  tick.t_ms = kT;
  Combo c{"bot-1", "b", "web"};
  tick.combos[c].custom["orders.open"] = CustomAcc{30, 3};  // mean of reports: 10
  tick.combos[c].custom["orders.paid"] = CustomAcc{5, 2};
  tick.last_event[c] = kT;
  auto m = ToMap(BuildTickSamples(tick, nullptr, cat, {"bot-1", 86'400'000}));
  EXPECT_EQ(m["orders.open{bot-1,b,web}"], 10);
  EXPECT_EQ(m["orders.paid{bot-1,,}"], 5);
  // Next tick: the gauge is absent, the counter emits 0 (seen within 24 h).
  ClosedTick next;
  next.t_ms = kT + 10'000;
  next.last_event[c] = kT;
  next.custom_last[c]["orders.paid"] = kT;
  m = ToMap(BuildTickSamples(next, nullptr, cat, {"bot-1", 86'400'000}));
  EXPECT_EQ(m.count("orders.open{bot-1,b,web}"), 0u);
  EXPECT_EQ(m["orders.paid{bot-1,b,web}"], 0);
}

TEST(FieldCatalog, KindOfFirstUseSticks) {
  FieldCatalog cat;
  EXPECT_TRUE(*cat.UseCustom("x.y", FieldKind::kCounter));
  EXPECT_FALSE(*cat.UseCustom("x.y", FieldKind::kCounter));
  auto bad = cat.UseCustom("x.y", FieldKind::kGauge);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("is a counter"), std::string::npos);
  EXPECT_FALSE(cat.UseCustom("cpu.usage", FieldKind::kGauge).ok());
  FieldCatalog copy;
  ASSERT_TRUE(copy.Load(cat.Serialize()).ok());
  EXPECT_EQ(copy.Find("x.y")->kind, FieldKind::kCounter);
  EXPECT_FALSE(copy.Load("bad").ok());
}

}  // namespace
}  // namespace botmon
