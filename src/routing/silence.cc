#include "routing/silence.h"

#include <set>

#include "core/time_util.h"

namespace botmon {

using routing_internal::CheckKnownKeys;
using routing_internal::GetString;
using routing_internal::JsonTypeName;
using routing_internal::Member;

namespace {

const std::vector<std::string>& SilenceKeys() {
  static const std::vector<std::string> keys = {
      "id", "match", "startsAt", "endsAt", "untilResolved", "comment", "createdBy"};
  return keys;
}

bool ValidId(std::string_view id) {
  if (id.empty() || id.size() > kMaxSilenceId) return false;
  for (char c : id) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-') {
      return false;
    }
  }
  return true;
}

std::optional<int64_t> GetTime(const nlohmann::json& v, const std::string& field,
                               RoutingErrors* errors) {
  if (!v.is_string()) {
    errors->Add(field,
                "must be an RFC 3339 time string (2026-03-01T02:00:00Z), got " + JsonTypeName(v));
    return std::nullopt;
  }
  auto t = ParseRfc3339(v.get<std::string>());
  if (!t.ok()) {
    errors->Add(field, t.status().message());
    return std::nullopt;
  }
  return *t;
}

}  // namespace

Silence ParseSilence(const nlohmann::json& value, int64_t now_ms, RoutingErrors* errors) {
  Silence s;
  if (!value.is_object()) {
    errors->Add("",
                "a silence must be a map with match, startsAt and endsAt or untilResolved, got " +
                    JsonTypeName(value));
    return s;
  }
  CheckKnownKeys(value, SilenceKeys(), "", errors);
  if (const auto* v = Member(value, "id")) {
    s.id = GetString(*v, "id", kMaxSilenceId, errors);
    if (!s.id.empty() && !ValidId(s.id)) {
      errors->Add("id", "must be 1.." + std::to_string(kMaxSilenceId) +
                            " letters, digits, '.', '_' or '-'");
    }
  }
  if (const auto* v = Member(value, "untilResolved")) {
    s.until_resolved = GetString(*v, "untilResolved", kMaxSilenceId, errors);
    if (!s.until_resolved.empty() && !ValidId(s.until_resolved)) {
      errors->Add("untilResolved", "must be an incident id");
    }
  }
  const auto* match = Member(value, "match");
  if (match != nullptr) {
    s.match = ParseLabelMatcher(*match, "match", errors);
    if (match->is_object() && match->empty() && s.until_resolved.empty()) {
      errors->Add("match", "must name at least one label (rule, host, bot, ...)");
    }
  } else if (Member(value, "untilResolved") == nullptr) {
    errors->Add("match", "missing (which incidents to mute: rule, host, bot, ...)");
  }
  s.starts_at_ms = now_ms;
  bool starts_ok = true;
  if (const auto* v = Member(value, "startsAt")) {
    auto t = GetTime(*v, "startsAt", errors);
    starts_ok = t.has_value();
    if (t) s.starts_at_ms = *t;
  }
  const auto* ends = Member(value, "endsAt");
  const auto* until = Member(value, "untilResolved");
  if (ends != nullptr && until != nullptr) {
    errors->Add("endsAt", "give either endsAt or untilResolved, not both");
  } else if (ends == nullptr && until == nullptr) {
    errors->Add("endsAt", "missing: give endsAt (a time) or untilResolved (an incident id)");
  } else if (ends != nullptr) {
    s.ends_at_ms = GetTime(*ends, "endsAt", errors);
    if (s.ends_at_ms && starts_ok && *s.ends_at_ms <= s.starts_at_ms) {
      errors->Add("endsAt", "must be after startsAt (" + FormatRfc3339Ms(s.starts_at_ms) + ")");
    }
  }
  if (const auto* v = Member(value, "comment")) {
    s.comment = GetString(*v, "comment", kMaxSilenceComment, errors, /*allow_empty=*/true);
  }
  if (const auto* v = Member(value, "createdBy")) {
    s.created_by = GetString(*v, "createdBy", kMaxSilenceCreatedBy, errors, /*allow_empty=*/true);
  }
  return s;
}

StatusOr<Silence> ParseSilenceJson(const nlohmann::json& value, int64_t now_ms) {
  RoutingErrors errors;
  Silence s = ParseSilence(value, now_ms, &errors);
  if (!errors.empty()) return Status::InvalidArgument(errors.Format("", 0, 0, ""));
  return s;
}

StatusOr<std::vector<Silence>> ParseSilences(const std::vector<RawItem>& items, int64_t now_ms) {
  if (items.size() > kMaxSilences) {
    return Status::InvalidArgument("silences: at most " + std::to_string(kMaxSilences) +
                                   " silences");
  }
  std::vector<Silence> out;
  std::string problems;
  std::set<std::string> ids;
  for (size_t i = 0; i < items.size(); ++i) {
    const RawItem& item = items[i];
    RoutingErrors errors;
    Silence s = ParseSilence(item.value, now_ms, &errors);
    s.file = item.file;
    s.line = item.line;
    if (s.id.empty() && Member(item.value, "id") == nullptr) {
      s.id = "silence-" + std::to_string(i + 1);
    }
    if (!s.id.empty() && !ids.insert(s.id).second) {
      errors.Add("id", "duplicate silence id \"" + s.id + "\"");
    }
    if (!errors.empty()) {
      if (!problems.empty()) problems += "\n";
      problems +=
          errors.Format(item.file, item.line, item.col, "silences[" + std::to_string(i) + "]");
    }
    out.push_back(std::move(s));
  }
  if (!problems.empty()) return Status::InvalidArgument(problems);
  return out;
}

nlohmann::json SilenceToJson(const Silence& s) {
  nlohmann::json j = nlohmann::json::object();
  j["id"] = s.id;
  j["match"] = s.match;
  j["startsAt"] = FormatRfc3339Ms(s.starts_at_ms);
  if (s.ends_at_ms) {
    j["endsAt"] = FormatRfc3339Ms(*s.ends_at_ms);
  } else {
    j["untilResolved"] = s.until_resolved;
  }
  j["comment"] = s.comment;
  j["createdBy"] = s.created_by;
  return j;
}

bool IsSilenced(const Silence& s, const Incident& inc, const AlertLabels& labels, int64_t now_ms,
                const IncidentOpenFn& is_open) {
  if (now_ms < s.starts_at_ms) return false;
  if (s.ends_at_ms) {
    if (now_ms >= *s.ends_at_ms) return false;
    return MatchesLabels(s.match, labels);
  }
  if (s.until_resolved.empty()) return false;
  if (s.until_resolved == inc.id) {
    // The incident it was made for: muted while it is open, whatever the match says.
    return inc.open();
  }
  if (s.match.empty()) return false;  // only that incident
  if (!is_open || !is_open(s.until_resolved)) return false;
  return MatchesLabels(s.match, labels);
}

bool IsSilenced(const Silence& s, const Incident& inc, int64_t now_ms,
                const IncidentOpenFn& is_open) {
  return IsSilenced(s, inc, IncidentLabels(inc), now_ms, is_open);
}

bool SilenceExpired(const Silence& s, int64_t now_ms) {
  return s.ends_at_ms.has_value() && now_ms >= *s.ends_at_ms;
}

}  // namespace botmon
