#include "alert/evaluator.h"

#include <algorithm>
#include <limits>
#include <set>
#include <tuple>

#include "alert/incident.h"
#include "series/fields.h"
#include "window/rolling_window.h"
#include "window/sample_ring.h"

namespace botmon {
namespace {

static_assert(static_cast<int>(Aggregation::kP99) == static_cast<int>(WindowAgg::kP99) &&
                  static_cast<int>(Aggregation::kCount) == static_cast<int>(WindowAgg::kCount) &&
                  static_cast<int>(Aggregation::kAvg) == static_cast<int>(WindowAgg::kAvg),
              "Aggregation and WindowAgg list the aggregations in the same order");

WindowAgg ToWindowAgg(Aggregation a) { return static_cast<WindowAgg>(static_cast<int>(a)); }

// '*' matches any run of characters, '?' one character; anything else itself.
bool Glob(std::string_view pattern, std::string_view text) {
  size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

const std::string* Dim(const SeriesKey& k, const std::string& name) {
  if (name == "host") return &k.host;
  if (name == "bot") return &k.bot;
  if (name == "channel") return &k.channel;
  if (name == "mount") return &k.mount;
  if (name == "gpu") return &k.gpu;
  if (name == "service") return &k.service;
  return nullptr;
}

// The traffic level a rule reads: 0 host totals, 1 per bot, 2 per bot and channel.
int LevelFor(const Rule& r) {
  auto uses = [&](const char* d) {
    return std::find(r.group_by.begin(), r.group_by.end(), d) != r.group_by.end() ||
           r.match.count(d) > 0;
  };
  if (uses("channel")) return 2;
  if (uses("bot")) return 1;
  return 0;
}

bool AtLevel(const SeriesKey& k, int level) {
  switch (level) {
    case 0:
      return k.bot.empty() && k.channel.empty();
    case 1:
      return !k.bot.empty() && k.channel.empty();
    default:
      return !k.bot.empty() && !k.channel.empty();
  }
}

std::string SpecOf(const Rule& r) {
  std::string s = r.field + "|";
  for (const auto& [k, v] : r.match) s += k + "=" + v + ";";
  s += "|";
  for (const auto& g : r.group_by) s += g + ",";
  return s;
}

}  // namespace

struct Evaluator::Stream {
  Group group;
  std::string key;
  size_t index = 0;                   // creation order in its set: the rules' window slot
  const std::string* host = nullptr;  // group's "host", when grouped by host
  SampleRing ring;
};

struct Evaluator::StreamSet {
  std::string field;
  std::map<std::string, std::string> match;
  std::vector<std::string> group_by;
  int level = 0;
  Across across = Across::kSum;
  std::map<std::string, std::unique_ptr<Stream>> streams;  // by group key
  // The streams in key order, for Evaluate: a vector walk rather than a tree walk.
  std::vector<Stream*> sorted;
  std::vector<RuleSlot*> readers;  // the enabled rules reading the set, by name
};

struct Evaluator::RuleSlot {
  struct Window {
    explicit Window(RollingWindow w) : win(std::move(w)) {}
    RollingWindow win;
    GroupState state;
    std::optional<double> value;
  };
  Rule rule;
  StreamSet* set = nullptr;
  // By Stream::index (null until the rule first evaluates that group): an index, not a lookup
  // by group key, because this runs rules x groups times per tick.
  std::vector<std::unique_ptr<Window>> windows;
  Window* Find(const Stream& s) const {
    return s.index < windows.size() ? windows[s.index].get() : nullptr;
  }
};

Evaluator::Evaluator(const FieldCatalog* catalog, int64_t tick_ms)
    : catalog_(catalog), tick_ms_(tick_ms) {}

Evaluator::~Evaluator() = default;

Evaluator::StreamSet* Evaluator::SetFor(const Rule& rule) {
  const std::string spec = SpecOf(rule);
  auto& slot = sets_[spec];
  if (!slot) {
    slot = std::make_unique<StreamSet>();
    slot->field = rule.field;
    slot->match = rule.match;
    slot->group_by = rule.group_by;
    slot->level = LevelFor(rule);
    if (const FieldInfo* f = FindBuiltinField(rule.field)) {
      slot->across = f->across;
    } else if (catalog_) {
      if (auto d = catalog_->Find(rule.field)) slot->across = d->across;
    }
  }
  return slot.get();
}

std::vector<DroppedState> Evaluator::SetRules(std::vector<Rule> rules) {
  std::vector<DroppedState> dropped;
  std::map<std::string, std::unique_ptr<RuleSlot>> next;
  for (const Rule& r : rules) {
    auto old = slots_.find(r.name);
    if (old != slots_.end() && r.enabled && !r.ConditionDiffers(old->second->rule)) {
      old->second->rule = r;  // channels, severity, description...: states kept
      next[r.name] = std::move(old->second);
      slots_.erase(old);
      continue;
    }
    if (r.enabled) {
      auto slot = std::make_unique<RuleSlot>();
      slot->rule = r;
      slot->set = SetFor(r);
      next[r.name] = std::move(slot);
    }
  }
  // What is left of the old slots lost its states.
  for (auto& [name, slot] : slots_) {
    auto it = std::find_if(rules.begin(), rules.end(),
                           [&name = name](const Rule& r) { return r.name == name; });
    const char* reason = it == rules.end() ? "rule deleted"
                         : !it->enabled    ? "rule disabled"
                                           : "rule changed";
    for (const auto& [key, stream] : slot->set->streams) {
      if (const RuleSlot::Window* w = slot->Find(*stream)) {
        dropped.push_back({name, stream->group, key, w->state, reason});
      }
    }
  }
  slots_ = std::move(next);
  rules_ = std::move(rules);
  for (auto& [spec, set] : sets_) set->readers.clear();
  for (auto& [n, slot] : slots_) slot->set->readers.push_back(slot.get());
  // Stream sets no rule reads any more go.
  std::set<const StreamSet*> used;
  for (const auto& [n, s] : slots_) used.insert(s->set);
  for (auto it = sets_.begin(); it != sets_.end();) {
    it = used.count(it->second.get()) ? std::next(it) : sets_.erase(it);
  }
  return dropped;
}

void Evaluator::RestoreState(const std::string& rule, const Group& group, GroupState state) {
  restored_[{rule, GroupString(group)}] = {group, std::move(state)};
}

void Evaluator::AddTick(int64_t t_ms, const std::vector<TickValue>& values) {
  if (t_ms <= last_tick_) return;
  last_tick_ = t_ms;
  std::map<std::string_view, std::vector<const TickValue*>> by_field;
  for (const auto& v : values) by_field[v.key.field].push_back(&v);
  for (auto& [spec, set] : sets_) {
    auto f = by_field.find(set->field);
    if (f == by_field.end()) continue;
    struct Acc {
      Group group;
      double sum = 0, min = std::numeric_limits<double>::infinity(),
             max = -std::numeric_limits<double>::infinity();
      int n = 0;
    };
    std::map<std::string, Acc> groups;
    for (const TickValue* v : f->second) {
      if (!AtLevel(v->key, set->level)) continue;
      bool pass = true;
      for (const auto& [dim, want] : set->match) {
        const std::string* have = Dim(v->key, dim);
        if (!have || !Glob(want, *have)) {
          pass = false;
          break;
        }
      }
      if (!pass) continue;
      Group g;
      for (const auto& dim : set->group_by) {
        const std::string* have = Dim(v->key, dim);
        g[dim] = have ? *have : "";
      }
      std::string key = GroupString(g);
      Acc& a = groups[key];
      if (a.n == 0) a.group = std::move(g);
      a.sum += v->value;
      a.min = std::min(a.min, v->value);
      a.max = std::max(a.max, v->value);
      ++a.n;
    }
    for (auto& [key, a] : groups) {
      double value = a.sum;
      switch (set->across) {
        case Across::kMax:
        case Across::kSketch:
          value = a.max;
          break;
        case Across::kMin:
          value = a.min;
          break;
        case Across::kSum:
          value = a.sum;
          break;
        case Across::kMean:
        case Across::kRatio:
          value = a.sum / a.n;
          break;
      }
      auto& stream = set->streams[key];
      if (!stream) {
        stream = std::make_unique<Stream>();
        stream->group = a.group;
        stream->key = key;
        stream->index = set->streams.size() - 1;
        auto host = stream->group.find("host");
        if (host != stream->group.end()) stream->host = &host->second;
        set->sorted.clear();  // rebuilt below: a new group is rare next to the ticks
      }
      (void)stream->ring.Append(t_ms, value);
    }
    if (set->sorted.size() != set->streams.size()) {
      set->sorted.clear();
      for (auto& [key, stream] : set->streams) set->sorted.push_back(stream.get());
    }
  }
}

std::vector<EvalTransition> Evaluator::Evaluate(
    int64_t now_ms, const std::function<bool(const std::string&)>& stale) {
  std::vector<EvalTransition> out;
  last_evaluations_ = 0;
  // Stream by stream, each rule reading it in turn: the ring's newest and oldest samples stay in
  // the cache across the rules instead of being fetched again for every rule (a 24 h window's
  // oldest sample is far from its newest).
  for (auto& [spec, set] : sets_) {
    int64_t longest_ms = 0;
    for (RuleSlot* slot : set->readers) {
      longest_ms = std::max(longest_ms, slot->rule.WindowMs(tick_ms_));
      if (slot->windows.size() < set->sorted.size()) slot->windows.resize(set->sorted.size());
    }
    // New windows are made before any of them is filled: made in the walk's order, one after the
    // other, they sit side by side in the heap rather than among the sample buffers that filling
    // them allocates (a 24 h case's), which keeps the walk's cache and TLB misses down.
    for (Stream* stream : set->sorted) {
      for (RuleSlot* slot : set->readers) {
        auto& w = slot->windows[stream->index];
        if (w) continue;
        const Rule& rule = slot->rule;
        w = std::make_unique<RuleSlot::Window>(
            RollingWindow(ToWindowAgg(rule.aggregation), rule.WindowMs(tick_ms_)));
        auto r = restored_.find({rule.name, stream->key});
        if (r != restored_.end()) {
          w->state = r->second.second;
          restored_.erase(r);
        } else if (!stream->ring.empty()) {
          // The group appeared with its first sample (primed from the store after a restart).
          w->state.first_seen_ms = stream->ring.t(stream->ring.begin_seq());
        }
      }
    }
    for (Stream* stream : set->sorted) {
      // Staleness is a property of the host: asked once per stream, not per rule.
      const bool is_stale = stale && stream->host && stale(*stream->host);
      for (RuleSlot* slot : set->readers) {
        const Rule& rule = slot->rule;
        const int64_t window_ms = rule.WindowMs(tick_ms_);
        auto& w = slot->windows[stream->index];
        w->win.Advance(stream->ring, now_ms);
        w->value = w->win.Value();
        StepResult r = StepRule(rule, window_ms, w->value, now_ms, is_stale, &w->state);
        ++last_evaluations_;
        if (r.changed || r.transition != Transition::kNone) {
          out.push_back(
              {rule.name, stream->group, stream->key, r.transition, w->value, w->state, now_ms});
        }
      }
      // Samples no window needs any more go.
      if (longest_ms > 0) stream->ring.Trim(now_ms - longest_ms + 1);
    }
  }
  // Reported by rule, then group, whatever the walk's order.
  std::sort(out.begin(), out.end(), [](const EvalTransition& a, const EvalTransition& b) {
    return std::tie(a.rule, a.group_key) < std::tie(b.rule, b.group_key);
  });
  return out;
}

GroupState* Evaluator::MutableState(const std::string& rule, const std::string& group_key) {
  auto it = slots_.find(rule);
  if (it == slots_.end()) return nullptr;
  auto s = it->second->set->streams.find(group_key);
  if (s == it->second->set->streams.end()) return nullptr;
  RuleSlot::Window* w = it->second->Find(*s->second);
  return w ? &w->state : nullptr;
}

std::vector<GroupView> Evaluator::Groups(const std::string& rule) const {
  std::vector<GroupView> out;
  auto it = slots_.find(rule);
  if (it == slots_.end()) return out;
  for (const auto& [key, stream] : it->second->set->streams) {
    if (const RuleSlot::Window* w = it->second->Find(*stream)) {
      out.push_back({stream->group, w->state, w->value});
    }
  }
  // Persisted states whose group has had no sample since the restart are still in force.
  for (auto r = restored_.lower_bound({rule, ""}); r != restored_.end() && r->first.first == rule;
       ++r) {
    out.push_back({r->second.first, r->second.second, std::nullopt});
  }
  return out;
}

int64_t Evaluator::MaxWindowMs() const {
  int64_t m = 0;
  for (const auto& [n, s] : slots_) m = std::max(m, s->rule.WindowMs(tick_ms_));
  return m;
}

std::vector<std::string> Evaluator::Fields() const {
  std::set<std::string> f;
  for (const auto& [n, s] : slots_) f.insert(s->rule.field);
  return {f.begin(), f.end()};
}

}  // namespace botmon
