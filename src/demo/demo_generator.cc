#include "demo/demo_generator.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <map>
#include <queue>
#include <string_view>
#include <utility>

#include "demo/demo_rng.h"
#include "demo/demo_scripts.h"

namespace botmon {
namespace {

constexpr std::array<std::string_view, 4> kChannels = {"whatsapp", "web", "email", "telegram"};
enum ChannelIndex { kWhatsApp = 0, kWeb, kEmail, kTelegram };

constexpr int64_t kWarmUpMs = 60'000;
constexpr std::string_view kNluRoute = "POST /nlu/parse";
constexpr std::string_view kOrderRoute = "GET /api/orders/:id";

enum class ActionKind : uint8_t {
  kArrival,   // a new conversation starts
  kUserTurn,  // the user writes; the bot starts working on the reply
  kBotReply,  // the reply goes out
  kFeedback,  // the user rates the conversation
  kEnd,       // session.end
  kGauge,     // queue.depth per bot
  kWarning,   // a routine warning log line
  kAnomaly,   // an anomaly starts (a log line; its effects are read from the schedule)
};

struct Action {
  int64_t t;
  uint64_t seq;
  ActionKind kind;
  uint64_t session;
};

struct ActionLater {
  bool operator()(const Action& a, const Action& b) const {
    return a.t != b.t ? a.t > b.t : a.seq > b.seq;
  }
};

struct Pending {
  int64_t t;
  uint64_t seq;
  Event event;
};

bool PendingLater(const Pending& a, const Pending& b) {
  return a.t != b.t ? a.t > b.t : a.seq > b.seq;
}

struct User {
  std::string id;     // as the channel knows the user: phone, e-mail or @handle
  std::string first;  // lower-case first name
};

using Vars = std::vector<std::pair<std::string, std::string>>;

struct Session {
  std::string id, bot, user, channel;
  const DemoScript* script = nullptr;
  size_t turn = 0;           // the script turn in progress
  Vars vars;                 // placeholder values
  int abandon_after = -1;    // the user goes silent after this many turns; -1: never
  int fallbacks = 0;         // off-script messages so far
  int failures_on_turn = 0;  // failed replies to the current turn
  bool trouble = false;      // a slow or failed reply happened: feedback tends negative
  // The reply being prepared between kUserTurn and kBotReply.
  std::string reply;
  int64_t latency_ms = 0;
  bool off_script = false;
  bool failed = false;
};

// Replaces each {key} of `tmpl` by its value; unknown keys stay as written.
std::string Fill(std::string_view tmpl, const Vars& vars) {
  std::string out;
  out.reserve(tmpl.size() + 32);
  for (size_t i = 0; i < tmpl.size();) {
    if (tmpl[i] == '{') {
      const size_t close = tmpl.find('}', i);
      if (close != std::string_view::npos) {
        const std::string_view key = tmpl.substr(i + 1, close - i - 1);
        auto it =
            std::find_if(vars.begin(), vars.end(), [&](const auto& v) { return v.first == key; });
        if (it != vars.end()) {
          out += it->second;
          i = close + 1;
          continue;
        }
      }
    }
    out.push_back(tmpl[i++]);
  }
  return out;
}

std::string Capitalize(std::string_view s) {
  std::string out(s);
  if (!out.empty() && out[0] >= 'a' && out[0] <= 'z') out[0] = static_cast<char>(out[0] - 32);
  return out;
}

std::string Digits(DemoRng& rng, int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s.push_back(static_cast<char>('0' + rng.Int(0, 9)));
  return s;
}

std::string Money(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

template <typename T>
const T& Pick(DemoRng& rng, std::span<const T> items) {
  return items[static_cast<size_t>(rng.Int(0, static_cast<int64_t>(items.size()) - 1))];
}

// A bijection on 32-bit values (lowbias32), so that session ids never repeat within a run.
uint32_t Permute32(uint32_t x) {
  x ^= x >> 16;
  x *= 0x7feb352dU;
  x ^= x >> 15;
  x *= 0x846ca68bU;
  x ^= x >> 16;
  return x;
}

}  // namespace

struct DemoGenerator::State {
  State(const DemoGeneratorOptions& o)
      : opt(o),
        rng(o.seed),
        id_base(static_cast<uint32_t>(DemoRng::Mix(o.seed ^ DemoRng::Mix(o.id_salt + 1)))) {}

  const DemoGeneratorOptions& opt;
  DemoRng rng;
  const uint32_t id_base;
  uint64_t action_seq = 0;
  uint64_t event_seq = 0;
  uint64_t sessions_created = 0;
  std::priority_queue<Action, std::vector<Action>, ActionLater> actions;
  std::vector<Pending> out;  // a heap ordered by PendingLater
  std::map<uint64_t, Session> sessions;
  std::array<std::vector<User>, 4> users;

  void Schedule(int64_t t, ActionKind kind, uint64_t session = 0) {
    actions.push(Action{t, action_seq++, kind, session});
  }

  void Emit(int64_t t, Event e, const std::string& bot) {
    e.bot = bot;
    if (!opt.host.empty()) e.host = opt.host;
    out.push_back(Pending{t, event_seq++, std::move(e)});
    std::push_heap(out.begin(), out.end(), PendingLater);
  }
  void EmitFor(int64_t t, Event e, const Session& s) {
    e.session = s.id;
    Emit(t, std::move(e), s.bot);
  }

  void Init();
  void MakeUsers();
  void Process();
  void OnArrival(int64_t t);
  void OnUserTurn(int64_t t, uint64_t key);
  void OnBotReply(int64_t t, uint64_t key);
  void OnFeedback(int64_t t, uint64_t key);
  void OnEnd(int64_t t, uint64_t key);
  void OnGauge(int64_t t);
  void OnWarning(int64_t t);
  void OnAnomaly(int64_t t);
  int64_t Backend(const Session& s, int64_t start, std::string_view route, bool burst,
                  bool* failed);
  void ScheduleTurn(int64_t t, uint64_t key, const Session& s);
  Session NewSession(uint64_t key);
};

void DemoGenerator::State::Init() {
  MakeUsers();
  Schedule(0, ActionKind::kArrival);
  Schedule(opt.scenario.gauge_period_ms, ActionKind::kGauge);
  Schedule(std::llround(rng.Exponential(opt.scenario.warning_interval_s * 1000)),
           ActionKind::kWarning);
  if (opt.scenario.anomalies) Schedule(opt.scenario.first_anomaly_ms, ActionKind::kAnomaly);
}

void DemoGenerator::State::MakeUsers() {
  const auto first = DemoFirstNames();
  const auto last = DemoLastNames();
  const auto domains = DemoEmailDomains();
  // The seed's users come first, so the first conversations look like the tutorial's.
  users[kWhatsApp].push_back({"+5511999888777", "joao"});
  users[kWeb].push_back({"john@acme.com", "john"});
  users[kWeb].push_back({"jane@acme.com", "jane"});
  users[kEmail].push_back({"maria.silva@globex.com", "maria"});
  users[kTelegram].push_back({"@ana_costa", "ana"});
  static constexpr int kAreaCodes[] = {21, 31, 41, 51, 61, 71, 81};
  for (int i = 0; i < 60; ++i) {
    const int area = rng.Chance(0.6) ? 11 : kAreaCodes[rng.Int(0, 6)];
    users[kWhatsApp].push_back(
        {"+55" + std::to_string(area) + "9" + Digits(rng, 8), std::string(Pick(rng, first))});
  }
  for (int ch : {kWeb, kEmail}) {
    for (int i = 0; i < 40; ++i) {
      const std::string f(Pick(rng, first));
      const std::string local = rng.Chance(0.5) ? f : f + "." + std::string(Pick(rng, last));
      users[ch].push_back({local + "@" + std::string(Pick(rng, domains)), f});
    }
  }
  for (int i = 0; i < 40; ++i) {
    const std::string f(Pick(rng, first));
    const std::string handle =
        rng.Chance(0.5) ? f + "_" + std::string(Pick(rng, last)) : f + Digits(rng, 2);
    users[kTelegram].push_back({"@" + handle, f});
  }
}

Session DemoGenerator::State::NewSession(uint64_t key) {
  const auto scripts = DemoScripts();
  const DemoScenario& sc = opt.scenario;
  Session s;
  char id[16];
  std::snprintf(id, sizeof id, "%08x", Permute32(id_base + static_cast<uint32_t>(key)));
  s.id = id;
  size_t channel;
  const User* user;
  if (key == 0) {
    // The seed's session: +5511999888777 on WhatsApp asks mycompany about ORD-12345.
    s.script = &scripts[0];
    channel = kWhatsApp;
    user = &users[kWhatsApp][0];
  } else {
    const std::string_view bot = rng.Chance(sc.shop_share) ? kDemoBotShop : kDemoBotSupport;
    std::vector<double> weights;
    for (const DemoScript& script : scripts)
      weights.push_back(script.bot == bot ? script.weight : 0);
    s.script = &scripts[rng.Weighted(weights)];
    channel = bot == kDemoBotShop ? rng.Weighted({45, 30, 10, 15}) : rng.Weighted({20, 35, 25, 20});
    const auto& pool = users[channel];
    user = &pool[static_cast<size_t>(rng.Int(0, static_cast<int64_t>(pool.size()) - 1))];
  }
  s.bot = std::string(s.script->bot);
  s.channel = std::string(kChannels[channel]);
  s.user = user->id;
  const std::string email = user->id.find('@') != std::string::npos && user->id[0] != '@'
                                ? user->id
                                : user->first + "." + std::string(Pick(rng, DemoLastNames())) +
                                      "@" + std::string(Pick(rng, DemoEmailDomains()));
  static constexpr std::string_view kDays[] = {"Monday", "Tuesday", "Wednesday", "Thursday",
                                               "Friday"};
  static constexpr std::string_view kVia[] = {"on WhatsApp", "by e-mail", "by e-mail",
                                              "on Telegram"};
  s.vars = {
      {"name", Capitalize(user->first)},
      {"email", email},
      {"order", key == 0 ? "ORD-12345" : "ORD-" + std::to_string(rng.Int(10000, 99999))},
      {"zip", Digits(rng, 5) + "-" + Digits(rng, 3)},
      {"city", std::string(Pick(rng, DemoCities()))},
      {"address", std::string(Pick(rng, DemoStreets()))},
      {"date", std::string(kDays[rng.Int(0, 4)])},
      {"tracking", "LB" + Digits(rng, 9) + "BR"},
      {"ship", Money(rng.Uniform(9, 25))},
      {"express", Money(rng.Uniform(28, 55))},
      {"amount", Money(rng.Uniform(19, 400))},
      {"items", std::to_string(rng.Int(1, 4))},
      {"ticket", "INC-" + Digits(rng, 6)},
      {"invoice", "INV-" + Digits(rng, 6)},
      {"channel", std::string(kVia[channel])},
  };
  const auto turns = static_cast<int64_t>(s.script->turns.size());
  if (key != 0 && rng.Chance(sc.idle_probability))
    s.abandon_after = static_cast<int>(rng.Int(1, turns - 1));
  return s;
}

void DemoGenerator::State::OnArrival(int64_t t) {
  // A warm start: three times the arrival rate for the first minute, so the dashboard is not
  // empty while the steady state builds up.
  const double mean_ms = opt.scenario.session_interval_s * 1000 / (t < kWarmUpMs ? 3 : 1);
  const double gap_ms = rng.Exponential(mean_ms);
  Schedule(t + std::max<int64_t>(1, std::llround(gap_ms)), ActionKind::kArrival);
  const uint64_t key = sessions_created++;
  Session& s = sessions.emplace(key, NewSession(key)).first->second;
  EmitFor(t, Event::SessionStart(s.id, s.user, s.channel), s);
  Schedule(t + rng.Int(300, 2000), ActionKind::kUserTurn, key);
}

// One backend request of the bot, starting at `start`; returns when it (and a retry after a
// transient failure) completed. During an error burst a failure is logged as an error and not
// retried, and *failed is set.
int64_t DemoGenerator::State::Backend(const Session& s, int64_t start, std::string_view route,
                                      bool burst, bool* failed) {
  const DemoScenario& sc = opt.scenario;
  const double median = route == kNluRoute ? 60 : 90;
  if (rng.Chance(burst ? sc.burst_failure_probability : sc.transient_failure_probability)) {
    static constexpr int kStatus[] = {500, 500, 502, 503};
    const int status = kStatus[rng.Int(0, 3)];
    const int64_t latency =
        burst ? rng.Int(5, 60) : std::llround(rng.LogNormal(median, 0.5, 20, 300));
    const int64_t end = start + latency;
    EmitFor(end, Event::Request(static_cast<double>(latency), status, std::string(route)), s);
    if (burst) {
      EmitFor(end,
              Event::Log("error", std::string(route) + " failed: HTTP " + std::to_string(status)),
              s);
      *failed = true;
      return end;
    }
    EmitFor(end,
            Event::Log("warning",
                       "Retrying " + std::string(route) + " after HTTP " + std::to_string(status)),
            s);
    start = end + rng.Int(20, 80);
  }
  const int64_t latency = std::llround(rng.LogNormal(median, 0.5, 20, 300));
  EmitFor(start + latency, Event::Request(static_cast<double>(latency), 200, std::string(route)),
          s);
  return start + latency;
}

void DemoGenerator::State::OnUserTurn(int64_t t, uint64_t key) {
  Session& s = sessions.at(key);
  const DemoScenario& sc = opt.scenario;
  const DemoTurn& turn = s.script->turns[s.turn];
  // The seed's conversation (key 0) stays word for word as the tutorial shows it.
  s.off_script = key != 0 && s.turn > 0 && s.fallbacks < 2 && s.failures_on_turn == 0 &&
                 rng.Chance(sc.off_script_probability);
  const std::string text =
      s.off_script ? std::string(Pick(rng, DemoOffScriptMessages())) : Fill(turn.user, s.vars);
  EmitFor(t, Event::MessageIn(s.id, s.user, s.channel, text), s);

  const auto anomaly = DemoAnomalyAt(sc, t);
  const bool spike =
      anomaly && anomaly->kind == DemoAnomalyKind::kLatencySpike && anomaly->bot == s.bot;
  const bool burst =
      anomaly && anomaly->kind == DemoAnomalyKind::kErrorBurst && anomaly->bot == s.bot;
  bool failed = false;
  int64_t done = Backend(s, t + rng.Int(3, 25), kNluRoute, burst, &failed);
  if (!s.off_script && !failed && !turn.route.empty()) {
    done = Backend(s, done + rng.Int(2, 20), turn.route, burst, &failed);
    if (!failed && turn.route == kOrderRoute) {
      Emit(done, Event::Counter("orders.lookups", 1), s.bot);  // a custom field
    }
  }
  const bool llm = turn.llm && !s.off_script && !failed;
  double latency;
  if (failed) {
    latency = rng.LogNormal(500, 0.3, 300, 1200);
  } else if (spike) {
    latency = rng.Uniform(sc.spike_min_latency_ms, sc.spike_max_latency_ms);
  } else if (llm) {
    latency = rng.LogNormal(1300, 0.35, 700, 2500);
  } else {
    latency = rng.LogNormal(600, 0.45, 300, 2500);
  }
  // In the first minute a rule's 5-minute window holds a handful of replies, and one slow reply
  // would be the whole average: replies stay under 1.5 s until the window has filled a little,
  // so Response Time cannot open before the scheduled spike.
  if (t < kWarmUpMs) latency = std::min(latency, 1500.0);
  // The reply cannot leave before the work behind it is done.
  const int64_t lat = std::max<int64_t>(std::llround(latency), done - t + (llm ? 250 : 20));
  if (llm) {
    const bool big = rng.Chance(0.3);
    const int64_t start = done + rng.Int(5, 20);
    const int64_t end = t + lat - rng.Int(10, 60);
    const double llm_latency = static_cast<double>(std::max<int64_t>(50, end - start));
    const double ttft = std::min(
        0.9 * llm_latency, spike ? rng.Uniform(2500, 6000) : rng.LogNormal(350, 0.4, 120, 1200));
    const double tokens_in =
        std::round(250 + 160.0 * static_cast<double>(s.turn) + rng.Uniform(0, 300));
    const double tokens_out = std::round(rng.LogNormal(60, 0.5, 15, 400));
    // USD per token: gpt-4o $2.50 / $10 per million, gpt-4o-mini $0.15 / $0.60.
    const double cost =
        big ? tokens_in * 2.5e-6 + tokens_out * 10e-6 : tokens_in * 0.15e-6 + tokens_out * 0.6e-6;
    EmitFor(std::max(end, start + 50),
            Event::Llm(big ? "gpt-4o" : "gpt-4o-mini", tokens_in, tokens_out, llm_latency,
                       std::round(ttft), std::round(cost * 1e8) / 1e8),
            s);
  }
  s.reply = failed         ? std::string(DemoErrorReply())
            : s.off_script ? std::string(DemoFallbackReply(s.bot))
                           : Fill(turn.bot, s.vars);
  s.latency_ms = lat;
  s.failed = failed;
  s.trouble = s.trouble || spike || failed;
  Schedule(t + lat, ActionKind::kBotReply, key);
}

void DemoGenerator::State::ScheduleTurn(int64_t t, uint64_t key, const Session& s) {
  // Reading and typing: seconds in chat, minutes by e-mail.
  const double think = s.channel == kChannels[kEmail] ? rng.LogNormal(45000, 0.5, 10000, 180000)
                                                      : rng.LogNormal(8000, 0.6, 2000, 60000);
  Schedule(t + std::llround(think), ActionKind::kUserTurn, key);
}

void DemoGenerator::State::OnBotReply(int64_t t, uint64_t key) {
  Session& s = sessions.at(key);
  EmitFor(t, Event::MessageOut(s.id, s.reply, static_cast<double>(s.latency_ms)), s);
  if (s.off_script) {
    EmitFor(t, Event::Fallback(s.id), s);
    ++s.fallbacks;
    ScheduleTurn(t, key, s);  // the user tries the same step again
    return;
  }
  if (s.failed) {
    if (++s.failures_on_turn >= 2) {
      Schedule(t + rng.Int(2000, 10000), ActionKind::kEnd, key);  // the user gives up
    } else {
      ScheduleTurn(t, key, s);
    }
    return;
  }
  const DemoTurn& turn = s.script->turns[s.turn];
  s.failures_on_turn = 0;
  ++s.turn;
  if (turn.handoff) {
    EmitFor(t + rng.Int(50, 400), Event::Handoff(s.id), s);
    Schedule(t + rng.Int(3000, 10000), ActionKind::kEnd, key);
    return;
  }
  if (s.abandon_after == static_cast<int>(s.turn)) {
    sessions.erase(key);  // the user goes silent: no session.end; the server's idle timeout
    return;
  }
  if (s.turn < s.script->turns.size()) {
    ScheduleTurn(t, key, s);
  } else if (rng.Chance(0.35)) {
    Schedule(t + rng.Int(3000, 20000), ActionKind::kFeedback, key);
  } else {
    Schedule(t + rng.Int(2000, 15000), ActionKind::kEnd, key);
  }
}

void DemoGenerator::State::OnFeedback(int64_t t, uint64_t key) {
  Session& s = sessions.at(key);
  const bool negative = rng.Chance(s.trouble ? 0.75 : 0.15);
  const std::string comment(Pick(rng, negative ? DemoNegativeComments() : DemoPositiveComments()));
  EmitFor(t, Event::Feedback(s.id, negative ? -1 : 1, comment), s);
  Schedule(t + rng.Int(1000, 6000), ActionKind::kEnd, key);
}

void DemoGenerator::State::OnEnd(int64_t t, uint64_t key) {
  Session& s = sessions.at(key);
  EmitFor(t, Event::SessionEnd(s.id), s);
  sessions.erase(key);
}

void DemoGenerator::State::OnGauge(int64_t t) {
  Schedule(t + opt.scenario.gauge_period_ms, ActionKind::kGauge);
  const auto anomaly = DemoAnomalyAt(opt.scenario, t);
  for (std::string_view bot : {kDemoBotShop, kDemoBotSupport}) {
    size_t live = 0;
    for (const auto& [key, s] : sessions) live += s.bot == bot ? 1 : 0;
    double depth = 1 + 1.5 * static_cast<double>(live) + static_cast<double>(rng.Int(0, 3));
    if (anomaly && anomaly->kind == DemoAnomalyKind::kLatencySpike && anomaly->bot == bot) {
      // Messages pile up while replies are slow; kept below the Queue Depth rule's 100.
      const double progress = static_cast<double>(t - anomaly->start_ms) /
                              static_cast<double>(anomaly->end_ms - anomaly->start_ms);
      depth += 60 * std::min(1.0, 3 * progress);
    }
    Emit(t, Event::Gauge("queue.depth", std::min(95.0, std::round(depth))), std::string(bot));
  }
}

void DemoGenerator::State::OnWarning(int64_t t) {
  Schedule(t + std::max<int64_t>(
                   1000, std::llround(rng.Exponential(opt.scenario.warning_interval_s * 1000))),
           ActionKind::kWarning);
  const std::string_view bot = rng.Chance(opt.scenario.shop_share) ? kDemoBotShop : kDemoBotSupport;
  Emit(t, Event::Log("warning", std::string(Pick(rng, DemoWarnings()))), std::string(bot));
}

void DemoGenerator::State::OnAnomaly(int64_t t) {
  const auto anomaly = DemoAnomalyAt(opt.scenario, t);
  if (anomaly) {
    Schedule(NthDemoAnomaly(opt.scenario, anomaly->index + 1).start_ms, ActionKind::kAnomaly);
    Emit(t,
         Event::Log("warning", anomaly->kind == DemoAnomalyKind::kLatencySpike
                                   ? "LLM provider latency degraded: p95 above 8 s"
                                   : "Backend API answering HTTP 5xx; circuit breaker open"),
         anomaly->bot);
  }
}

void DemoGenerator::State::Process() {
  const Action a = actions.top();
  actions.pop();
  switch (a.kind) {
    case ActionKind::kArrival:
      OnArrival(a.t);
      break;
    case ActionKind::kUserTurn:
      OnUserTurn(a.t, a.session);
      break;
    case ActionKind::kBotReply:
      OnBotReply(a.t, a.session);
      break;
    case ActionKind::kFeedback:
      OnFeedback(a.t, a.session);
      break;
    case ActionKind::kEnd:
      OnEnd(a.t, a.session);
      break;
    case ActionKind::kGauge:
      OnGauge(a.t);
      break;
    case ActionKind::kWarning:
      OnWarning(a.t);
      break;
    case ActionKind::kAnomaly:
      OnAnomaly(a.t);
      break;
  }
}

DemoGenerator::DemoGenerator(DemoGeneratorOptions options)
    : options_(std::move(options)), state_(std::make_unique<State>(options_)) {
  state_->Init();
}

DemoGenerator::~DemoGenerator() = default;

void DemoGenerator::Advance(int64_t until_ms, std::vector<DemoEvent>* out) {
  State& st = *state_;
  // An action at time t only creates events at t or later, so once every action up to
  // `until_ms` ran, every event up to it exists.
  while (!st.actions.empty() && st.actions.top().t <= until_ms) st.Process();
  while (!st.out.empty() && st.out.front().t <= until_ms) {
    std::pop_heap(st.out.begin(), st.out.end(), PendingLater);
    out->push_back(DemoEvent{st.out.back().t, std::move(st.out.back().event)});
    st.out.pop_back();
  }
}

int64_t DemoGenerator::NextEventMs() {
  State& st = *state_;
  while (!st.actions.empty() && (st.out.empty() || st.actions.top().t <= st.out.front().t)) {
    st.Process();
  }
  return st.out.empty() ? INT64_MAX : st.out.front().t;
}

size_t DemoGenerator::LiveSessions() const { return state_->sessions.size(); }

}  // namespace botmon
