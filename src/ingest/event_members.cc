#include "ingest/event_members.h"

#include <cmath>
#include <cstdio>

#include "core/duration.h"
#include "core/time_util.h"
#include "ingest/redact.h"
#include "series/fields.h"

namespace botmon {
namespace decode_internal {
namespace {

constexpr std::string_view kMemberNames[kMemberCount] = {
    "type",       "ts",         "id",       "host",  "bot",     "session", "user",  "channel",
    "text",       "latency_ms", "status",   "route", "level",   "message", "model", "tokens_in",
    "tokens_out", "ttft_ms",    "cost_usd", "score", "comment", "name",    "value",
};

std::string_view KindName(Kind k) {
  switch (k) {
    case Kind::kString:
      return "a string";
    case Kind::kNumber:
    case Kind::kBadNumber:
      return "a number";
    case Kind::kBool:
      return "a boolean";
    case Kind::kObject:
      return "an object";
    case Kind::kArray:
      return "an array";
  }
  return "a value";
}

// User text quoted for an error message: at most 64 bytes, cut on a UTF-8 boundary.
std::string Quote(std::string_view s) {
  constexpr size_t kMax = 64;
  std::string q = "\"";
  if (s.size() <= kMax) {
    q.append(s);
  } else {
    size_t n = kMax;
    while (n > 0 && (static_cast<uint8_t>(s[n]) & 0xC0) == 0x80) --n;
    q.append(s.substr(0, n));
    q += "...";
  }
  q += '"';
  return q;
}

std::string FormatNumber(double v) {
  char buf[32];
  if (std::fabs(v) < 1e15 && v == std::floor(v)) {
    std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(v));
  } else {
    std::snprintf(buf, sizeof buf, "%g", v);
  }
  return buf;
}

// A number member's text as written. The document is followed by padding, so the scan stops.
std::string_view NumberText(const Raw& v) {
  const char* p = v.str.data();
  size_t n = 0;
  while ((p[n] >= '0' && p[n] <= '9') || p[n] == '-' || p[n] == '+' || p[n] == '.' || p[n] == 'e' ||
         p[n] == 'E') {
    ++n;
  }
  return {p, n};
}

// "warning"/"warn", "error", "critical"/"fatal", in any case.
bool ParseLevel(std::string_view s, LogLevel* out) {
  char lower[9];
  if (s.size() >= sizeof lower) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    lower[i] = c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  }
  const std::string_view l(lower, s.size());
  if (l == "warning" || l == "warn") {
    *out = LogLevel::kWarning;
  } else if (l == "error") {
    *out = LogLevel::kError;
  } else if (l == "critical" || l == "fatal") {
    *out = LogLevel::kCritical;
  } else {
    return false;
  }
  return true;
}

// The checks of one event, with the rejection message built in `reject`.
class Validator {
 public:
  Validator(const RawEvent& raw, const DecodeOptions& opts, std::string* reject)
      : raw_(raw), opts_(&opts), reject_(reject) {}

  bool Build(BotEvent* e);

 private:
  // Each returns false so that callers can `return Reject(...)`.
  bool Reject(Member m, std::string_view problem) {
    reject_->assign(kMemberNames[m]);
    *reject_ += ": ";
    *reject_ += problem;
    return false;
  }
  bool Has(Member m) const { return raw_.Has(m); }
  bool WrongType(Member m, std::string_view expected);
  bool GetString(Member m, size_t max, std::string* out);
  bool GetNumber(Member m, double lo, double hi, double* out);
  bool GetTs(BotEvent* e);
  bool GetTypeMembers(BotEvent* e);

  const RawEvent& raw_;
  const DecodeOptions* opts_;
  std::string* reject_;
};

bool Validator::WrongType(Member m, std::string_view expected) {
  std::string problem = "must be ";
  problem += expected;
  problem += ", not ";
  problem += KindName(raw_.values[m].kind);
  if (raw_.values[m].kind == Kind::kString) problem += " (" + Quote(raw_.values[m].str) + ")";
  return Reject(m, problem);
}

bool Validator::GetString(Member m, size_t max, std::string* out) {
  if (!Has(m)) return true;
  const Raw& v = raw_.values[m];
  if (v.kind != Kind::kString) return WrongType(m, "a string");
  if (v.str.size() > max) return Reject(m, "longer than " + std::to_string(max) + " bytes");
  out->assign(v.str);
  return true;
}

bool Validator::GetNumber(Member m, double lo, double hi, double* out) {
  if (!Has(m)) return true;
  const Raw& v = raw_.values[m];
  if (v.kind == Kind::kBadNumber) return Reject(m, "number out of range");
  if (v.kind != Kind::kNumber) return WrongType(m, "a number");
  if (!(v.num >= lo && v.num <= hi)) {
    if (std::isinf(hi)) return Reject(m, "must be at least " + FormatNumber(lo));
    return Reject(m, "must be between " + FormatNumber(lo) + " and " + FormatNumber(hi));
  }
  *out = v.num;
  return true;
}

bool Validator::GetTs(BotEvent* e) {
  e->ts_ms = opts_->now_ms;
  e->ts_given = false;
  if (!Has(kTs)) return true;
  const Raw& v = raw_.values[kTs];
  int64_t ts;
  if (v.kind == Kind::kString) {
    bool digits = !v.str.empty();
    for (char c : v.str) digits = digits && c >= '0' && c <= '9';
    if (digits) return Reject(kTs, "epoch milliseconds must be a JSON number, not a string");
    StatusOr<int64_t> parsed = ParseRfc3339(v.str);
    if (!parsed.ok()) return Reject(kTs, parsed.status().message());
    ts = *parsed;
  } else if (v.kind == Kind::kBadNumber) {
    return Reject(kTs, "number out of range");
  } else if (v.kind == Kind::kNumber) {
    if (v.num != std::floor(v.num)) {
      return Reject(kTs, "must be whole epoch milliseconds or an RFC 3339 string, not " +
                             std::string(NumberText(v)));
    }
    if (v.num < static_cast<double>(kMinEpochMs)) {
      return Reject(kTs, std::string(NumberText(v)) +
                             " looks like seconds (use epoch milliseconds or RFC 3339)");
    }
    // Beyond ~year 292 million an int64 overflows; such values fail the future check below.
    ts = v.num >= 9e18 ? INT64_MAX : static_cast<int64_t>(v.num);
  } else {
    return WrongType(kTs, "an RFC 3339 string or epoch milliseconds");
  }
  const std::string given = v.kind == Kind::kString ? Quote(v.str) : std::string(NumberText(v));
  if (ts > opts_->now_ms + kMaxFutureMs) {
    return Reject(kTs, given + " is more than 5 minutes in the future");
  }
  if (opts_->max_age_ms > 0 && ts < opts_->now_ms - opts_->max_age_ms) {
    return Reject(
        kTs, given + " is older than retention.raw (" + FormatDuration(opts_->max_age_ms) + ")");
  }
  e->ts_ms = ts;
  e->ts_given = true;
  return true;
}

bool Validator::Build(BotEvent* e) {
  if (!Has(kType)) return Reject(kType, "required");
  if (raw_.values[kType].kind != Kind::kString) return WrongType(kType, "a string");
  if (!ParseEventType(raw_.values[kType].str, &e->type)) {
    return Reject(kType, "unknown event type " + Quote(raw_.values[kType].str));
  }
  if (!GetTs(e)) return false;
  if (!GetString(kId, kMaxEventIdBytes, &e->id) || !GetString(kHost, kMaxIdentBytes, &e->host) ||
      !GetString(kBot, kMaxIdentBytes, &e->bot) ||
      !GetString(kSession, kMaxIdentBytes, &e->session) ||
      !GetString(kUser, kMaxIdentBytes, &e->user) ||
      !GetString(kChannel, kMaxIdentBytes, &e->channel)) {
    return false;
  }
  for (char& c : e->channel) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  if (!GetTypeMembers(e)) return false;
  if (opts_->redactor != nullptr && !e->text.empty()) opts_->redactor->Apply(&e->text);
  return true;
}

bool Validator::GetTypeMembers(BotEvent* e) {
  auto need_session = [&] { return !e->session.empty() || Reject(kSession, "required"); };
  switch (e->type) {
    case EventType::kSessionStart:
    case EventType::kSessionEnd:
      return need_session();
    case EventType::kMessageIn:
    case EventType::kMessageOut:
      if (!need_session() || !GetString(kText, kMaxTextBytes, &e->text)) return false;
      if (!opts_->store_text) e->text.clear();  // privacy.storeText: false
      return e->type == EventType::kMessageIn ||
             GetNumber(kLatencyMs, 0, kMaxLatencyMs, &e->latency_ms);
    case EventType::kRequest: {
      double status = 0;
      if (!GetNumber(kLatencyMs, 0, kMaxLatencyMs, &e->latency_ms) ||
          !GetNumber(kStatus, 100, 599, &status) || !GetString(kRoute, kMaxIdentBytes, &e->route)) {
        return false;
      }
      if (status != std::floor(status)) return Reject(kStatus, "must be an integer");
      e->status = static_cast<int>(status);
      return true;
    }
    case EventType::kLog:
      if (!Has(kLevel)) return Reject(kLevel, "required (warning, error or critical)");
      if (raw_.values[kLevel].kind != Kind::kString) return WrongType(kLevel, "a string");
      if (!ParseLevel(raw_.values[kLevel].str, &e->level)) {
        return Reject(kLevel, "unknown level " + Quote(raw_.values[kLevel].str) +
                                  " (use warning, error or critical)");
      }
      return GetString(kMessage, kMaxTextBytes, &e->text);
    case EventType::kLlm:
      return GetString(kModel, kMaxIdentBytes, &e->model) &&
             GetNumber(kTokensIn, 0, INFINITY, &e->tokens_in) &&
             GetNumber(kTokensOut, 0, INFINITY, &e->tokens_out) &&
             GetNumber(kLatencyMs, 0, kMaxLatencyMs, &e->latency_ms) &&
             GetNumber(kTtftMs, 0, kMaxLatencyMs, &e->ttft_ms) &&
             GetNumber(kCostUsd, 0, INFINITY, &e->cost_usd);
    case EventType::kFallback:
    case EventType::kHandoff:
      return true;
    case EventType::kFeedback: {
      if (!Has(kScore)) return Reject(kScore, "required (1 or -1)");
      const Raw& v = raw_.values[kScore];
      if (v.kind != Kind::kNumber && v.kind != Kind::kBadNumber) {
        return WrongType(kScore, "1 or -1");
      }
      if (v.kind == Kind::kBadNumber || (v.num != 1 && v.num != -1)) {
        return Reject(kScore, "must be 1 or -1, not " + std::string(NumberText(v)));
      }
      e->score = static_cast<int>(v.num);
      return GetString(kComment, kMaxTextBytes, &e->text);
    }
    case EventType::kGauge:
    case EventType::kCounter: {
      const bool counter = e->type == EventType::kCounter;
      if (!Has(kName)) return Reject(kName, "required");
      if (raw_.values[kName].kind != Kind::kString) return WrongType(kName, "a string");
      if (!IsValidCustomFieldName(raw_.values[kName].str)) {
        return Reject(kName, Quote(raw_.values[kName].str) +
                                 " is not a valid field name ([a-z][a-z0-9_.]{0,99})");
      }
      e->name.assign(raw_.values[kName].str);
      if (FindBuiltinField(e->name) != nullptr && (counter || e->name != "queue.depth")) {
        return Reject(kName, Quote(e->name) + " is a built-in field" +
                                 (e->name == "queue.depth" ? " (send it as a gauge)" : ""));
      }
      if (!Has(kValue)) return Reject(kValue, "required");
      return GetNumber(kValue, counter ? 0 : -INFINITY, INFINITY, &e->value);
    }
  }
  return Reject(kType, "unsupported");
}

}  // namespace

// Switch on the length first: most keys are rejected or accepted with one compare.
int LookupMember(std::string_view k) {
  auto is = [&](Member m) { return k == kMemberNames[m]; };
  switch (k.size()) {
    case 2:
      if (is(kTs)) return kTs;
      if (is(kId)) return kId;
      break;
    case 3:
      if (is(kBot)) return kBot;
      break;
    case 4:
      if (is(kType)) return kType;
      if (is(kHost)) return kHost;
      if (is(kUser)) return kUser;
      if (is(kText)) return kText;
      if (is(kName)) return kName;
      break;
    case 5:
      if (is(kRoute)) return kRoute;
      if (is(kLevel)) return kLevel;
      if (is(kModel)) return kModel;
      if (is(kScore)) return kScore;
      if (is(kValue)) return kValue;
      break;
    case 6:
      if (is(kStatus)) return kStatus;
      break;
    case 7:
      if (is(kSession)) return kSession;
      if (is(kChannel)) return kChannel;
      if (is(kMessage)) return kMessage;
      if (is(kComment)) return kComment;
      if (is(kTtftMs)) return kTtftMs;
      break;
    case 8:
      if (is(kCostUsd)) return kCostUsd;
      break;
    case 9:
      if (is(kTokensIn)) return kTokensIn;
      break;
    case 10:
      if (is(kLatencyMs)) return kLatencyMs;
      if (is(kTokensOut)) return kTokensOut;
      break;
    default:
      break;
  }
  return -1;
}

bool BuildEvent(const RawEvent& raw, const DecodeOptions& opts, BotEvent* e, std::string* reject) {
  return Validator(raw, opts, reject).Build(e);
}

}  // namespace decode_internal
}  // namespace botmon
